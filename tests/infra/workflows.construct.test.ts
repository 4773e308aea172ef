import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AttributeType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { EventBus } from 'aws-cdk-lib/aws-events';
import { Function as LambdaFunction, type IFunction } from 'aws-cdk-lib/aws-lambda';
import { functionPlaceholder, knownPlaceholders, stepFunctions } from '../../functions/app.declaration';
import { WorkflowsConstruct } from '../../infra/constructs/workflows.construct';
import { expandWorkflow, loadWorkflowSources, placeholdersIn, deployedWorkflow, type WorkflowSource } from '../../workflows/definitions';
import { functionLogicalId, isImportedKeyArn, type Json, keyLogicalId, sharedSynthesis, sharedSynthesisTimeout, statementsOfRole } from './synthesize';

const sources = loadWorkflowSources();

/**
 * The ASL files as they are on disk, read here rather than through the loader the construct uses,
 * each completed from its type.json (tests/workflows/expansion.test.ts holds the expansion to the
 * ASL the files held before it).
 */
const workflowsRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'workflows');
const readJson = (...path: string[]) => JSON.parse(readFileSync(join(workflowsRoot, ...path), 'utf8')) as Json;
const aslFiles = readdirSync(workflowsRoot, { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && existsSync(join(workflowsRoot, entry.name, 'workflow.asl.json')))
  // As deployed: expanded, and beginning with the entry state a migrated case resumes through when the version takes moved cases.
  .map((entry) => {
    const type = readJson(entry.name, 'type.json') as Json & { key: string; version: number };
    return { key: entry.name, definition: deployedWorkflow(expandWorkflow(readJson(entry.name, 'workflow.asl.json'), type), type) };
  });

/** What a state is made of that a construct could mangle: its type, timings, target, retries and transitions. */
const stateFields = ['Type', 'Seconds', 'SecondsPath', 'Timestamp', 'TimestampPath', 'TimeoutSeconds', 'HeartbeatSeconds', 'Resource', 'Parameters', 'Retry', 'Catch', 'Choices', 'Default', 'Next', 'End'];

/** Every state by its path (`Advice/0/Police` inside a Parallel branch), with the fields above. */
function statesOf(definition: Json, prefix = ''): Record<string, Json> {
  const states: Record<string, Json> = {};
  for (const [name, state] of Object.entries((definition.States ?? {}) as Record<string, Json>)) {
    const path = `${prefix}${name}`;
    states[path] = Object.fromEntries(stateFields.filter((field) => field in state).map((field) => [field, state[field]]));
    ((state.Branches ?? []) as Json[]).forEach((branch, index) => Object.assign(states, statesOf(branch, `${path}/${index}/`)));
    const iterator = (state.ItemProcessor ?? state.Iterator) as Json | undefined;
    if (iterator) Object.assign(states, statesOf(iterator, `${path}/items/`));
  }
  return states;
}

/** `Decide: TimeoutSeconds=1209600`, one line per Wait or timeout figure, in state order. */
function timingFigures(states: Record<string, Json>): string[] {
  return Object.entries(states).flatMap(([path, state]) =>
    ['Seconds', 'SecondsPath', 'Timestamp', 'TimestampPath', 'TimeoutSeconds', 'HeartbeatSeconds']
      .filter((field) => field in state)
      .map((field) => `${path}: ${field}=${String(state[field])}`),
  );
}

/** Each string value of a definition that holds a `${Placeholder}`, with its JSON path. */
function placeholderOccurrences(value: unknown, path: readonly (string | number)[] = []): { path: (string | number)[]; value: string; name: string }[] {
  if (typeof value === 'string') return [...value.matchAll(/\$\{([A-Za-z]+)\}/g)].map((match) => ({ path: [...path], value, name: match[1]! }));
  if (Array.isArray(value)) return value.flatMap((item, index) => placeholderOccurrences(item, [...path, index]));
  if (value !== null && typeof value === 'object') return Object.entries(value).flatMap(([key, item]) => placeholderOccurrences(item, [...path, key]));
  return [];
}

function valueAt(value: unknown, path: readonly (string | number)[]): unknown {
  return path.reduce<unknown>((node, key) => (node as Record<string | number, unknown> | undefined)?.[key], value);
}

/** `LookUpPerson` → `look-up-person`. */
function kebabCase(pascal: string): string {
  return pascal.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}

describe('state machines of the synthesized app', () => {
  let template: Json;
  let stateMachines: [string, Json][];
  let keyId: string;

  beforeAll(async () => {
    const synthesized = await sharedSynthesis();
    template = synthesized.statelessJson;
    keyId = keyLogicalId(synthesized.statefulJson, 'alias/loket');
    stateMachines = Object.entries(template.Resources as Json).filter(([, resource]) => resource.Type === 'AWS::StepFunctions::StateMachine');
  }, sharedSynthesisTimeout);

  /** The logical id of the Lambda with this physical name, found by name rather than by construct path. */
  const lambdaNamed = (functionName: string): string => {
    const found = Object.entries(template.Resources as Json).find(
      ([, resource]) => resource.Type === 'AWS::Lambda::Function' && resource.Properties.FunctionName === functionName,
    );
    if (!found) throw new Error(`No Lambda named ${functionName}`);
    return found[0];
  };

  const byType = (key: string): [string, Json] => {
    const found = stateMachines.find(([, resource]) => resource.Properties.StateMachineName === `loket-${key}`);
    if (!found) throw new Error(`No state machine loket-${key}`);
    return found;
  };

  test('there is one state machine per workflow under workflows/', () => {
    expect(stateMachines.map(([, resource]) => resource.Properties.StateMachineName).sort()).toEqual(sources.map((source) => `loket-${source.key}`));
  });

  test.each(sources.map((source) => [source.key, source] as const))('%s is STANDARD, traced, and logs only errors, without execution data', (key) => {
    const [, stateMachine] = byType(key);
    expect(stateMachine.Properties).toMatchObject({
      StateMachineType: 'STANDARD',
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: { Level: 'ERROR', IncludeExecutionData: false },
    });
  });

  test.each(sources.map((source) => [source.key, source] as const))(
    '%s and its log group are encrypted with the customer-managed key, and the log group keeps records 90 days',
    (key) => {
      const [, stateMachine] = byType(key);
      expect(stateMachine.Properties.EncryptionConfiguration).toMatchObject({ Type: 'CUSTOMER_MANAGED_KMS_KEY' });
      expect(isImportedKeyArn(stateMachine.Properties.EncryptionConfiguration.KmsKeyId, keyId)).toBe(true);
      const destinations = stateMachine.Properties.LoggingConfiguration.Destinations as Json[];
      expect(destinations).toHaveLength(1);
      const logGroup = template.Resources[destinations[0]!.CloudWatchLogsLogGroup.LogGroupArn['Fn::GetAtt'][0] as string];
      expect(logGroup.Type).toBe('AWS::Logs::LogGroup');
      expect(isImportedKeyArn(logGroup.Properties.KmsKeyId, keyId)).toBe(true);
      expect(logGroup.Properties.RetentionInDays).toBe(90);
    },
  );

  test.each(sources.map((source) => [source.key, source] as const))(
    "%s's role may use the key only under its own state machine's encryption context, and for its log delivery",
    (key) => {
      const [, stateMachine] = byType(key);
      const kms = statementsOfRole(template, stateMachine.Properties.RoleArn['Fn::GetAtt'][0] as string).filter(
        (statement) => isImportedKeyArn(statement.Resource, keyId) && JSON.stringify(statement).includes('EncryptionContext'),
      ) as Json[];
      const ownArn = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':states:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, `:stateMachine:loket-${key}`]] };
      expect(kms).toContainEqual(
        expect.objectContaining({
          Effect: 'Allow',
          Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
          Condition: { StringEquals: { 'kms:EncryptionContext:aws:states:stateMachineArn': ownArn } },
        }),
      );
      const logs = kms.filter((statement) => JSON.stringify(statement.Condition).includes('kms:EncryptionContext:SourceArn'));
      expect(logs).toHaveLength(1);
      expect(logs[0]!.Action).toBe('kms:GenerateDataKey');
      expect(JSON.stringify(logs[0]!.Condition)).toContain(':logs:');
    },
  );

  test.each(aslFiles.map((file) => [file.key, file] as const))(
    '%s keeps every state of its ASL file, with its Wait seconds, task timeouts, retries and transitions',
    (key, file) => {
      const [, stateMachine] = byType(key);
      expect(typeof stateMachine.Properties.DefinitionString).toBe('string');
      const deployed = statesOf(JSON.parse(stateMachine.Properties.DefinitionString as string) as Json);
      const written = statesOf(file.definition);
      expect(Object.keys(deployed).sort()).toEqual(Object.keys(written).sort());
      expect(timingFigures(deployed)).toEqual(timingFigures(written));
      expect(deployed).toEqual(written);
      // Every workflow waits for people: a file without any timeout figure would make this test vacuous.
      expect(timingFigures(written).some((figure) => figure.includes('TimeoutSeconds='))).toBe(true);
    },
  );

  test.each(aslFiles.map((file) => [file.key, file] as const))(
    '%s resolves each placeholder of its ASL file to the resource it names',
    (key, file) => {
      const [, stateMachine] = byType(key);
      const deployed = JSON.parse(stateMachine.Properties.DefinitionString as string) as Json;
      const substitutions = stateMachine.Properties.DefinitionSubstitutions as Json;
      const occurrences = placeholderOccurrences(file.definition);
      expect(occurrences.length).toBeGreaterThan(0);
      for (const { path, value, name } of occurrences) {
        expect({ path, value: valueAt(deployed, path) }).toEqual({ path, value });
        const resolved = substitutions[name];
        const functionName = /^(.+)FunctionArn$/.exec(name)?.[1];
        if (functionName !== undefined) {
          expect({ name, resolved }).toEqual({ name, resolved: { 'Fn::GetAtt': [lambdaNamed(`loket-${kebabCase(functionName)}`), 'Arn'] } });
        } else if (name === 'TableName') {
          expect(JSON.stringify(resolved)).toMatch(/Fn::ImportValue.*LoketStateful.*Table/);
        } else if (name === 'EventBusName') {
          expect(JSON.stringify(resolved)).toMatch(/Fn::ImportValue.*LoketStateful.*EventBus/);
        } else {
          throw new Error(`${key} uses placeholder \${${name}} that this test does not know`);
        }
      }
    },
  );

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
  function workflowsWith(definition: string, version = 1): Template {
    const stack = new Stack(new App(), 'Test');
    const stepFunctionArns: Record<string, IFunction> = Object.fromEntries(
      stepFunctions.map((fn) => [
        fn.name,
        LambdaFunction.fromFunctionArn(stack, fn.name, `arn:aws:lambda:eu-west-1:111111111111:function:${fn.name}`),
      ]),
    );
    const source: WorkflowSource = { key: 'test-type', version, definition };
    new WorkflowsConstruct(stack, 'Workflows', {
      sources: [source],
      stepFunctions: stepFunctionArns,
      table: new Table(stack, 'Table', { partitionKey: { name: 'PK', type: AttributeType.STRING } }),
      eventBus: new EventBus(stack, 'Bus'),
    });
    return Template.fromStack(stack);
  }

  const pass = (parameters: Json): string => JSON.stringify({ StartAt: 'A', States: { A: { Type: 'Pass', Parameters: parameters, End: true } } });

  test('publishes the type version as a Step Functions version that CloudFormation retains, and routes the alias `live` wholly to it', () => {
    const template = workflowsWith(pass({ value: 1 }));
    const [stateMachineId] = Object.keys(template.findResources('AWS::StepFunctions::StateMachine'));
    const versions = Object.entries(template.findResources('AWS::StepFunctions::StateMachineVersion'));
    expect(versions).toHaveLength(1);
    const [versionId, version] = versions[0]!;
    expect(version).toMatchObject({
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: {
        Description: 'type version 1',
        StateMachineArn: { Ref: stateMachineId },
        // Published after the state machine took the new definition, not before.
        StateMachineRevisionId: { 'Fn::GetAtt': [stateMachineId, 'StateMachineRevisionId'] },
      },
    });
    const aliases = Object.values(template.findResources('AWS::StepFunctions::StateMachineAlias'));
    expect(aliases.map((alias) => alias.Properties)).toEqual([
      expect.objectContaining({ Name: 'live', RoutingConfiguration: [{ StateMachineVersionArn: { 'Fn::GetAtt': [versionId, 'Arn'] }, Weight: 100 }] }),
    ]);
  });

  test('a new type version is a new version resource, so the deployment publishes it and keeps the one before for the cases running on it', () => {
    const versionIds = (version: number) => Object.keys(workflowsWith(pass({ value: 1 }), version).findResources('AWS::StepFunctions::StateMachineVersion'));
    const [first] = versionIds(1);
    const [second] = versionIds(2);
    expect(first).toMatch(/Version1/);
    expect(second).toMatch(/Version2/);
    expect(second).not.toBe(first);
  });

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
