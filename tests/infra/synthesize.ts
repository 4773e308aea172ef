import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Template } from 'aws-cdk-lib/assertions';
import { buildApp } from '../../infra/app';
import { projectRoot } from '../../infra/constructs/loket-function.construct';
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
/** A caller of `sharedSynthesis` may wait for another worker's synthesis before it would do its own. */
export const sharedSynthesisTimeout = 2 * synthesisTimeout;

/**
 * Context that skips bundling (`aws:cdk:bundling-stacks`), for a synthesis whose test reads no
 * function's code: the templates are the same but for the assets' hashes, in a few seconds.
 */
export const withoutBundling = { 'aws:cdk:bundling-stacks': [] } as const;

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
  return fromTemplates(synthesizeTemplates(context));
}

/** What a synthesis leaves that the tests read: plain JSON, so that it can be kept between processes. */
interface SynthesizedTemplates {
  readonly statefulJson: Json;
  readonly statelessJson: Json;
  readonly validationReport: Json | undefined;
}

function synthesizeTemplates(context: Record<string, unknown>): SynthesizedTemplates {
  const { app, stateful, stateless } = buildApp({ context });
  const assembly = app.synth();
  const reportFile = join(assembly.directory, 'validation-report.json');
  return {
    statefulJson: assembly.getStackArtifact(stateful.artifactId).template as Json,
    statelessJson: assembly.getStackArtifact(stateless.artifactId).template as Json,
    validationReport: existsSync(reportFile) ? (JSON.parse(readFileSync(reportFile, 'utf8')) as Json) : undefined,
  };
}

function fromTemplates({ statefulJson, statelessJson, validationReport }: SynthesizedTemplates): SynthesizedLoket {
  return { stateful: Template.fromJSON(statefulJson), stateless: Template.fromJSON(statelessJson), statefulJson, statelessJson, validationReport };
}

/** Where syntheses are kept between the test files (and jest workers) that read the same one. */
const cacheDirectory = join(tmpdir(), 'loket-synthesis-cache');
/** A kept synthesis older than this is removed the next time one is written (its sources have most likely moved on). */
const cacheLifetimeMs = 24 * 3600_000;

/**
 * What a synthesis depends on: every file of the repository but the tests (tracked or not, as git
 * sees them: the handlers esbuild bundles, the type folders, infra/, cdk.json, package-lock.json and
 * the patches), the checkout's path, the context and the Node version. Undefined outside a git work tree: no sharing then.
 */
function synthesisKey(context: Record<string, unknown>): string | undefined {
  let listed: string;
  try {
    listed = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: projectRoot, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  } catch {
    return undefined;
  }
  // The checkout's path too: the bundles' asset hashes differ between two clones of the same sources, so two checkouts never share one.
  const hash = createHash('sha256').update(JSON.stringify({ context, root: projectRoot, node: process.version, cdkEnv: process.env.CDK_CONTEXT_JSON ?? null }));
  const files = listed.split('\0').filter((file) => file && !file.startsWith('tests/')).sort();
  for (const file of files) {
    const path = join(projectRoot, file);
    // A tracked file deleted from the work tree, or a folder (a submodule): its absence is part of the key.
    const content = existsSync(path) && statSync(path).isFile() ? readFileSync(path) : '<none>';
    hash.update(`${file}\0`).update(content).update('\0');
  }
  return hash.digest('hex').slice(0, 32);
}

/** Whether the process that wrote this lock file still runs. */
function lockHolderAlive(lockFile: string): boolean {
  let pid: number;
  try {
    pid = Number(readFileSync(lockFile, 'utf8'));
  } catch {
    return true; // being written, or just removed: look again
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readKept(file: string): SynthesizedTemplates | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as SynthesizedTemplates;
  } catch {
    return undefined;
  }
}

function removeOldEntries(): void {
  for (const entry of readdirSync(cacheDirectory)) {
    const path = join(cacheDirectory, entry);
    try {
      if (Date.now() - statSync(path).mtimeMs > cacheLifetimeMs) rmSync(path, { force: true });
    } catch {
      // removed by another process meanwhile
    }
  }
}

/**
 * The app synthesized with this context, as `synthesizeLoket` gives it, but done once for every
 * test file that asks for the same sources and context: bundling 43 functions and running
 * cdk-nag takes a minute or more on a loaded machine, and the templates only change with the
 * sources. The first caller synthesizes, holding a lock file so that a caller in another jest
 * worker waits for it instead of doing the same work beside it, then writes the templates
 * under a temporary name and renames them into place (a reader never sees half a file). A lock
 * left by a process that died is taken over.
 */
export async function sharedSynthesis(context: Record<string, unknown> = testContext): Promise<SynthesizedLoket> {
  const key = synthesisKey(context);
  if (!key) return synthesizeLoket(context);
  mkdirSync(cacheDirectory, { recursive: true });
  const file = join(cacheDirectory, `${key}.json`);
  const lockFile = join(cacheDirectory, `${key}.lock`);
  for (;;) {
    const kept = readKept(file);
    if (kept) return fromTemplates(kept);
    let lock: number;
    try {
      lock = openSync(lockFile, 'wx');
    } catch (error) {
      // The folder removed meanwhile (someone cleared the temp dir): make it again and look again.
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        mkdirSync(cacheDirectory, { recursive: true });
        continue;
      }
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (!lockHolderAlive(lockFile)) rmSync(lockFile, { force: true });
      else await sleep(500);
      continue;
    }
    try {
      writeFileSync(lock, String(process.pid));
      closeSync(lock);
      const synthesized = synthesizeTemplates(context);
      const temporary = `${file}.${process.pid}.tmp`;
      writeFileSync(temporary, JSON.stringify(synthesized));
      renameSync(temporary, file);
      removeOldEntries();
      return fromTemplates(synthesized);
    } finally {
      rmSync(lockFile, { force: true });
    }
  }
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
