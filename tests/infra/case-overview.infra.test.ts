import { functions, type FunctionDeclaration } from '../../functions/app.declaration';
import { buildApp } from '../../infra/app';
import { functionEnvironment } from '../../infra/deployment';
import { actionsOf, functionLogicalId, functionStatements, type Json, synthesisTimeout, testContext } from './synthesize';

/** The declared functions, with the reconciler standing in for a function that delivers to the case overview. */
const declared = functions.map((declaration): FunctionDeclaration => (declaration.name === 'reconcile' ? { ...declaration, publishesCaseOverview: true } : declaration));
const publisher = declared.find((declaration) => declaration.name === 'reconcile')!;

function synthesize() {
  const { app, stateful, stateless } = buildApp({
    context: { ...testContext, 'loket:caseOverviewUrl': 'https://dosis.test.invalid', 'loket:caseOverviewTokenUrl': 'https://oauth.test.invalid/token' },
    functions: declared,
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

  test('a function that publishes to it gets the endpoints and the secret, and may read that secret only', () => {
    const fn = stateless.Resources[functionLogicalId(stateless, 'reconcile')];
    const variables = fn.Properties.Environment.Variables as Json;
    expect(variables.CASE_OVERVIEW_URL).toBe('https://dosis.test.invalid');
    expect(variables.CASE_OVERVIEW_TOKEN_URL).toBe('https://oauth.test.invalid/token');
    expect(variables.CASE_OVERVIEW_SECRET_ARN).toEqual({ 'Fn::ImportValue': expect.stringContaining('CaseOverviewCredentials') });
    expect(variables.CASE_OVERVIEW_DEV_CREDENTIALS).toBeUndefined();
    const statements = functionStatements(stateless, 'reconcile');
    expect(actionsOf(statements)).toEqual(expect.arrayContaining(['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue']));
    const secretStatements = statements.filter((statement) => [statement.Action].flat().some((action) => action.startsWith('secretsmanager:')));
    expect(secretStatements.map((statement) => statement.Resource)).toEqual([{ 'Fn::ImportValue': expect.stringContaining('CaseOverviewCredentials') }]);
    expect(statements).toContainEqual(
      expect.objectContaining({ Action: 'kms:Decrypt', Condition: { StringEquals: { 'kms:ViaService': { 'Fn::Join': ['', ['secretsmanager.', { Ref: 'AWS::Region' }, '.amazonaws.com']] } } } }),
    );
  });

  test('a deployment without the case overview cannot deploy a function that publishes to it', () => {
    const values = { host: 'aws', tableName: 't', documentsBucket: 'b', stateMachineArns: '{}', pseudonymKey: { kmsKeyId: 'k' }, auditSealKey: { kmsKeyId: 's' }, eventSchemasUrl: 'https://api.example/v1/events/schemas', eventBusName: 'loket' } as const;
    expect(() => functionEnvironment(publisher, values)).toThrow("Function 'reconcile' publishes to the citizen's case overview, but the deployment names no case overview");
    expect(functionEnvironment(functions.find((declaration) => declaration.name === 'reconcile')!, values)).not.toHaveProperty('CASE_OVERVIEW_URL');
  });
});
