import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { buildApp } from '../../infra/app';
import { constructIdOf } from '../../infra/stacks/stateless.stack';

/** Distinct from cdk.json's defaults, to prove the authorizer takes its values from context. */
export const testContext = {
  // What the CDK CLI sets: resources carry their construct path and asset metadata.
  'aws:cdk:enable-path-metadata': true,
  'aws:cdk:enable-asset-metadata': true,
  'loket:jwtIssuer': 'https://login.test.invalid/realms/loket-test',
  'loket:jwtAudience': 'loket-test-audience',
} as const;

/** Synthesis bundles every handler with esbuild and runs cdk-nag: allow for it. */
export const synthesisTimeout = 240_000;

export type Json = Record<string, any>;

export interface SynthesizedLoket {
  readonly stateful: Template;
  readonly stateless: Template;
  readonly statefulJson: Json;
  readonly statelessJson: Json;
  /** The cloud assembly's policy validation report (cdk-nag's findings), when one was written. */
  readonly validationReport: Json | undefined;
}

/** Synthesizes the whole app in-process, exactly once per call, the way `cdk synth` does. */
export function synthesizeLoket(context: Record<string, unknown> = testContext): SynthesizedLoket {
  const { app, stateful, stateless } = buildApp({ context });
  const assembly = app.synth();
  const statefulJson = assembly.getStackArtifact(stateful.artifactId).template as Json;
  const statelessJson = assembly.getStackArtifact(stateless.artifactId).template as Json;
  const reportFile = join(assembly.directory, 'validation-report.json');
  return {
    stateful: Template.fromJSON(statefulJson),
    stateless: Template.fromJSON(statelessJson),
    statefulJson,
    statelessJson,
    validationReport: existsSync(reportFile) ? (JSON.parse(readFileSync(reportFile, 'utf8')) as Json) : undefined,
  };
}

/** The logical id of the resource synthesized at this construct path (e.g. `LoketStateless/HealthFunction/Resource`). */
export function logicalIdAt(template: Json, constructPath: string): string {
  const entry = Object.entries(template.Resources as Json).find(([, resource]) => resource.Metadata?.['aws:cdk:path'] === constructPath);
  if (!entry) throw new Error(`No resource at ${constructPath}`);
  return entry[0];
}

/** The logical id of the Lambda synthesized for a declared function name. */
export function functionLogicalId(template: Json, name: string): string {
  return logicalIdAt(template, `LoketStateless/${constructIdOf(name)}Function/Resource`);
}

export interface Statement {
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: unknown;
}

/** Every statement of every inline policy attached to the role a resource's `RoleArn`/`Role` points at. */
export function statementsOfRole(template: Json, roleLogicalId: string): Statement[] {
  return Object.values(template.Resources as Json)
    .filter((resource) => resource.Type === 'AWS::IAM::Policy')
    .filter((policy) => (policy.Properties.Roles as Json[]).some((role) => role.Ref === roleLogicalId))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement as Statement[]);
}

export function actionsOf(statements: readonly Statement[]): string[] {
  return [...new Set(statements.flatMap((statement) => [statement.Action].flat()))].sort();
}

/** The IAM statements of a declared function's execution role. */
export function functionStatements(template: Json, name: string): Statement[] {
  const fn = template.Resources[functionLogicalId(template, name)];
  return statementsOfRole(template, fn.Properties.Role['Fn::GetAtt'][0] as string);
}

/** The logical id of the stateful stack's KMS key with this alias (`alias/loket`). */
export function keyLogicalId(statefulTemplate: Json, alias: string): string {
  const found = Object.values(statefulTemplate.Resources as Json).find(
    (resource) => resource.Type === 'AWS::KMS::Alias' && resource.Properties.AliasName === alias,
  );
  if (!found) throw new Error(`No KMS alias ${alias}`);
  return found.Properties.TargetKeyId['Fn::GetAtt'][0] as string;
}

/** Whether a value of the stateless template is the ARN of this stateful key, imported across the stacks. */
export function isImportedKeyArn(value: unknown, keyId: string): boolean {
  const imported = (value as Json | undefined)?.['Fn::ImportValue'];
  return typeof imported === 'string' && imported.startsWith('LoketStateful:') && imported.includes(`FnGetAtt${keyId}Arn`);
}
