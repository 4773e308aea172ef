import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AttributeType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { EventBus } from 'aws-cdk-lib/aws-events';
import { Function as LambdaFunction, type IFunction } from 'aws-cdk-lib/aws-lambda';
import { functionPlaceholder, knownPlaceholders, stepFunctions } from '../../functions/app.declaration';
import { WorkflowsConstruct } from '../../infra/constructs/workflows.construct';
import { loadWorkflowSources, placeholdersIn, type WorkflowSource } from '../../workflows/definitions';
import { functionLogicalId, type Json, statementsOfRole, synthesisTimeout, synthesizeLoket } from './synthesize';

const sources = loadWorkflowSources();

describe('state machines of the synthesized app', () => {
  let template: Json;
  let stateMachines: [string, Json][];

  beforeAll(() => {
    template = synthesizeLoket().statelessJson;
    stateMachines = Object.entries(template.Resources as Json).filter(([, resource]) => resource.Type === 'AWS::StepFunctions::StateMachine');
  }, synthesisTimeout);

  const byType = (key: string): [string, Json] => {
    const found = stateMachines.find(([, resource]) => resource.Properties.StateMachineName === `loket-${key}`);
    if (!found) throw new Error(`No state machine loket-${key}`);
    return found;
  };

  test('there is one state machine per workflow under workflows/', () => {
    expect(stateMachines.map(([, resource]) => resource.Properties.StateMachineName).sort()).toEqual(sources.map((source) => `loket-${source.key}`));
  });

  test.each(sources.map((source) => [source.key, source] as const))('%s is STANDARD, traced and logs ALL with execution data', (key) => {
    const [, stateMachine] = byType(key);
    expect(stateMachine.Properties).toMatchObject({
      StateMachineType: 'STANDARD',
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: { Level: 'ALL', IncludeExecutionData: true },
    });
  });

  test.each(sources.map((source) => [source.key, source] as const))('%s keeps its ASL inline, as written', (key, source) => {
    const [, stateMachine] = byType(key);
    expect(typeof stateMachine.Properties.DefinitionString).toBe('string');
    expect(JSON.parse(stateMachine.Properties.DefinitionString as string)).toEqual(JSON.parse(source.definition));
  });

  test.each(sources.map((source) => [source.key, source] as const))(
    '%s substitutes exactly the placeholders it uses, each with the right resource',
    (key, source) => {
      const [, stateMachine] = byType(key);
      const definition = stateMachine.Properties.DefinitionString as string;
      const substitutions = stateMachine.Properties.DefinitionSubstitutions as Json;
      const used = placeholdersIn(definition);
      expect(used.filter((name) => !knownPlaceholders.includes(name))).toEqual([]);
      expect(Object.keys(substitutions).sort()).toEqual(used);
      for (const fn of stepFunctions) {
        const placeholder = functionPlaceholder(fn.name);
        if (!used.includes(placeholder)) continue;
        expect(substitutions[placeholder]).toEqual({ 'Fn::GetAtt': [functionLogicalId(template, fn.name), 'Arn'] });
      }
      if (used.includes('EventBusName')) expect(JSON.stringify(substitutions.EventBusName)).toMatch(/Fn::ImportValue.*EventBus/);
      expect(placeholdersIn(source.definition)).toEqual(used);
    },
  );

  test.each(sources.map((source) => [source.key, source] as const))('%s may invoke exactly the functions it references', (key, source) => {
    const [, stateMachine] = byType(key);
    const statements = statementsOfRole(template, stateMachine.Properties.RoleArn['Fn::GetAtt'][0] as string);
    const invoke = statements.filter((statement) => [statement.Action].flat().includes('lambda:InvokeFunction'));
    const referenced = stepFunctions
      .filter((fn) => placeholdersIn(source.definition).includes(functionPlaceholder(fn.name)))
      .map((fn) => ({ 'Fn::GetAtt': [functionLogicalId(template, fn.name), 'Arn'] }));
    expect(invoke.flatMap((statement) => [statement.Resource].flat())).toEqual(expect.arrayContaining(referenced));
    expect(invoke.flatMap((statement) => [statement.Resource].flat())).toHaveLength(referenced.length);
  });

  test.each(sources.map((source) => [source.key, source] as const))('%s may put events on the bus only if it publishes', (key, source) => {
    const [, stateMachine] = byType(key);
    const statements = statementsOfRole(template, stateMachine.Properties.RoleArn['Fn::GetAtt'][0] as string);
    const putEvents = statements.filter((statement) => [statement.Action].flat().includes('events:PutEvents'));
    expect(putEvents.length > 0).toBe(placeholdersIn(source.definition).includes('EventBusName'));
    for (const statement of putEvents) expect(JSON.stringify(statement.Resource)).toMatch(/EventBus/);
  });
});

describe('WorkflowsConstruct', () => {
  function workflowsWith(definition: string): Template {
    const stack = new Stack(new App(), 'Test');
    const stepFunctionArns: Record<string, IFunction> = Object.fromEntries(
      stepFunctions.map((fn) => [
        fn.name,
        LambdaFunction.fromFunctionArn(stack, fn.name, `arn:aws:lambda:eu-west-1:111111111111:function:${fn.name}`),
      ]),
    );
    const source: WorkflowSource = { key: 'test-type', version: 1, definition };
    new WorkflowsConstruct(stack, 'Workflows', {
      sources: [source],
      stepFunctions: stepFunctionArns,
      table: new Table(stack, 'Table', { partitionKey: { name: 'PK', type: AttributeType.STRING } }),
      eventBus: new EventBus(stack, 'Bus'),
    });
    return Template.fromStack(stack);
  }

  const pass = (parameters: Json): string => JSON.stringify({ StartAt: 'A', States: { A: { Type: 'Pass', Parameters: parameters, End: true } } });

  test('fails synthesis with a clear message on an unknown placeholder', () => {
    expect(() => workflowsWith(pass({ target: '${NoSuchFunctionArn}' }))).toThrow(
      /workflows\/test-type\/workflow\.asl\.json uses unknown placeholder\(s\) \$\{NoSuchFunctionArn\}; known placeholders are/,
    );
  });

  test('substitutes nothing it does not use and grants nothing it does not need', () => {
    const template = workflowsWith(pass({ value: 1 }));
    const [stateMachine] = Object.values(template.findResources('AWS::StepFunctions::StateMachine'));
    expect(stateMachine?.Properties.DefinitionSubstitutions).toBeUndefined();
    const policies = JSON.stringify(template.findResources('AWS::IAM::Policy'));
    expect(policies).not.toContain('lambda:InvokeFunction');
    expect(policies).not.toContain('events:PutEvents');
    expect(policies).not.toContain('dynamodb:');
  });

  test('grants the DynamoDB integrations a definition uses on ${TableName}', () => {
    const definition = JSON.stringify({
      StartAt: 'Put',
      States: {
        Put: {
          Type: 'Task',
          Resource: 'arn:aws:states:::dynamodb:putItem',
          Parameters: { TableName: '${TableName}', Item: { PK: { S: 'x' } } },
          End: true,
        },
      },
    });
    const template = workflowsWith(definition);
    const policies = JSON.stringify(template.findResources('AWS::IAM::Policy'));
    expect(policies).toContain('"dynamodb:PutItem"');
    expect(policies).not.toContain('dynamodb:GetItem');
  });
});
