import { buildApp } from '../../infra/app';
import { namingOf } from '../../infra/deployment';
import { type Json, synthesisTimeout, testContext, withoutBundling } from './synthesize';

/**
 * Two environments in one account and region: every name the account must hold once differs
 * between them. Bundling is skipped (`aws:cdk:bundling-stacks`): names do not depend on the code.
 */
function namesOf(environment: string | undefined): { stacks: string[]; names: string[]; services: string[]; expressions: string[] } {
  const context: Record<string, unknown> = { ...testContext, ...withoutBundling };
  if (environment) context['loket:environment'] = environment;
  const { app, stateful, stateless } = buildApp({ context });
  const assembly = app.synth();
  const stacks = [stateful, stateless];
  const names: string[] = [];
  const services: string[] = [];
  const expressions: string[] = [];
  const nameProperty: Record<string, string> = {
    'AWS::Lambda::Function': 'FunctionName',
    'AWS::StepFunctions::StateMachine': 'StateMachineName',
    'AWS::Events::EventBus': 'Name',
    'AWS::KMS::Alias': 'AliasName',
    'AWS::CloudWatch::Dashboard': 'DashboardName',
    'AWS::SNS::Topic': 'TopicName',
    'AWS::Logs::QueryDefinition': 'Name',
    'AWS::ApiGatewayV2::Api': 'Name',
    'AWS::ApiGatewayV2::Authorizer': 'Name',
  };
  for (const stack of stacks) {
    const template = assembly.getStackArtifact(stack.artifactId).template as Json;
    for (const [logicalId, resource] of Object.entries(template.Resources as Record<string, Json>)) {
      const property = nameProperty[resource.Type];
      if (property) {
        const name: unknown = resource.Properties[property];
        // The default deployment's alarm topic keeps the name CloudFormation gives it (after its stack).
        if (name === undefined && resource.Type === 'AWS::SNS::Topic' && !environment) continue;
        if (typeof name !== 'string') throw new Error(`${logicalId} (${resource.Type}) has no literal ${property}: ${JSON.stringify(name)}`);
        names.push(`${resource.Type} ${name}`);
      }
      if (resource.Type === 'AWS::Lambda::Function') services.push(resource.Properties.Environment.Variables.POWERTOOLS_SERVICE_NAME);
      if (resource.Type === 'AWS::CloudWatch::Alarm') {
        for (const metric of resource.Properties.Metrics ?? []) if (String(metric.Expression ?? '').includes('"Loket"')) expressions.push(metric.Expression);
      }
    }
  }
  return { stacks: stacks.map((stack) => stack.stackName), names, services: [...new Set(services)], expressions };
}

describe('an environment prefix on every name', () => {
  let test: ReturnType<typeof namesOf>;
  let production: ReturnType<typeof namesOf>;
  let unnamed: ReturnType<typeof namesOf>;
  beforeAll(() => {
    test = namesOf('test');
    production = namesOf('prod');
    unnamed = namesOf(undefined);
  }, 3 * synthesisTimeout);

  it('two environments share no stack name and no physical name of a function, state machine, bus, key alias, dashboard, topic, saved query or API', () => {
    expect(test.stacks).toEqual(['LoketTestStateful', 'LoketTestStateless']);
    expect(production.stacks).toEqual(['LoketProdStateful', 'LoketProdStateless']);
    expect(test.names.length).toBeGreaterThan(40);
    expect(test.names.length).toBe(production.names.length);
    expect(new Set(test.names).size).toBe(test.names.length);
    expect(test.names.filter((name) => production.names.includes(name) || unnamed.names.includes(name))).toEqual([]);
    for (const type of ['AWS::Lambda::Function loket-test-', 'AWS::StepFunctions::StateMachine loket-test-', 'AWS::KMS::Alias alias/loket-test', 'AWS::Logs::QueryDefinition Loket-test/']) {
      expect(test.names.some((name) => name.startsWith(type))).toBe(true);
    }
    expect(test.names).toEqual(expect.arrayContaining(['AWS::Events::EventBus loket-test', 'AWS::CloudWatch::Dashboard Loket-test', 'AWS::SNS::Topic loket-test-alarms']));
  });

  it("each environment's functions publish their metrics under its own service, which its alarms read", () => {
    expect(test.services).toEqual(['loket-test']);
    expect(production.services).toEqual(['loket-prod']);
    expect(test.expressions.length).toBeGreaterThanOrEqual(4);
    for (const expression of test.expressions) expect(expression).toContain(`WHERE service = 'loket-test'`);
  });

  it('without an environment the names stay those of the local host and the README', () => {
    expect(unnamed.stacks).toEqual(['LoketStateful', 'LoketStateless']);
    expect(unnamed.names).toEqual(
      expect.arrayContaining(['AWS::Lambda::Function loket-submit-case', 'AWS::StepFunctions::StateMachine loket-proof-of-residence', 'AWS::KMS::Alias alias/loket', 'AWS::CloudWatch::Dashboard Loket', 'AWS::Events::EventBus loket']),
    );
    expect(unnamed.services).toEqual(['loket']);
    expect(unnamed.names.filter((name) => name.startsWith('AWS::SNS::Topic'))).toEqual([]);
  });

  it('an environment name that would break a name limit fails synthesis, naming the context key', () => {
    expect(() => namingOf('Prod-1', "Context 'loket:environment'")).toThrow(/loket:environment.*lower-case/);
    expect(() => namingOf('averyverylongname')).toThrow(/1 to 10/);
    expect(() => buildApp({ context: { ...testContext, 'loket:environment': 'Test' } })).toThrow(/Context 'loket:environment' is 'Test'/);
  });
});
