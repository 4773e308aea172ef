import { functions } from '../../functions/app.declaration';
import { buildApp } from '../../infra/app';
import { functionEnvironment } from '../../infra/deployment';
import { actionsOf, functionLogicalId, functionStatements, type Json, synthesisTimeout, testContext, withoutBundling } from './synthesize';

/** The functions that deliver to the case overview: the delivery machinery's. */
const publishers = functions.filter((declaration) => declaration.publishesCaseOverview);
const publisher = publishers[0]!;

/** Without bundling: what is asserted here is the functions' environment and grants, not their code. */
function synthesize() {
  const { app, stateful, stateless } = buildApp({
    context: { ...testContext, ...withoutBundling, 'loket:caseOverviewUrl': 'https://dosis.test.invalid', 'loket:caseOverviewTokenUrl': 'https://oauth.test.invalid/token' },
  });
  const assembly = app.synth();
  return {
    stateful: assembly.getStackArtifact(stateful.artifactId).template as Json,
    stateless: assembly.getStackArtifact(stateless.artifactId).template as Json,
  };
}

describe("the citizen's case overview on AWS", () => {
  let stateful: Json;
  let stateless: Json;

  beforeAll(() => {
    ({ stateful, stateless } = synthesize());
  }, synthesisTimeout);

  test("the client's credentials are a secret encrypted with the customer-managed key, kept on stack deletion, with no value in the template", () => {
    const secrets = Object.entries(stateful.Resources as Json).filter(([, resource]) => resource.Type === 'AWS::SecretsManager::Secret');
    expect(secrets).toHaveLength(1);
    const [, secret] = secrets[0]!;
    expect(secret.DeletionPolicy).toBe('Retain');
    expect(secret.Properties.KmsKeyId).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^Key/), 'Arn'] });
    expect(secret.Properties.SecretString).toBeUndefined();
  });

  test('the delivery machinery publishes to it: the stream-fed deliverer and the retrier', () => {
    expect(publishers.map((declaration) => declaration.name)).toEqual(['deliver-webhooks', 'retry-deliveries']);
  });

  test.each(publishers.map((declaration) => [declaration.name]))('%s gets the endpoints and the secret, and may read that secret only', (name) => {
    const fn = stateless.Resources[functionLogicalId(stateless, name)];
    const variables = fn.Properties.Environment.Variables as Json;
    expect(variables.CASE_OVERVIEW_URL).toBe('https://dosis.test.invalid');
    expect(variables.CASE_OVERVIEW_TOKEN_URL).toBe('https://oauth.test.invalid/token');
    expect(variables.CASE_OVERVIEW_SECRET_ARN).toEqual({ 'Fn::ImportValue': expect.stringContaining('CaseOverviewCredentials') });
    expect(variables.CASE_OVERVIEW_DEV_CREDENTIALS).toBeUndefined();
    const statements = functionStatements(stateless, name);
    expect(actionsOf(statements)).toEqual(expect.arrayContaining(['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue']));
    const secretStatements = statements.filter((statement) => [statement.Action].flat().some((action) => action.startsWith('secretsmanager:')));
    expect(secretStatements.map((statement) => statement.Resource)).toEqual([{ 'Fn::ImportValue': expect.stringContaining('CaseOverviewCredentials') }]);
    expect(statements).toContainEqual(
      expect.objectContaining({ Action: 'kms:Decrypt', Condition: { StringEquals: { 'kms:ViaService': { 'Fn::Join': ['', ['secretsmanager.', { Ref: 'AWS::Region' }, '.amazonaws.com']] } } } }),
    );
  });

  test('a deployment without the case overview cannot deploy a function that publishes to it', () => {
    const values = { host: 'aws', tableName: 't', documentsBucket: 'b', stateMachineArns: '{}', pseudonymKey: { kmsKeyId: 'k' }, auditSealKey: { kmsKeyId: 's' }, eventSchemasUrl: 'https://api.example/v1/events/schemas', eventBusName: 'loket' } as const;
    expect(() => functionEnvironment(publisher, values)).toThrow(`Function '${publisher.name}' publishes to the citizen's case overview, but the deployment names no case overview`);
    expect(functionEnvironment({ ...publisher, publishesCaseOverview: false }, values)).not.toHaveProperty('CASE_OVERVIEW_URL');
  });
});
