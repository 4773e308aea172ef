import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SFNClient } from '@aws-sdk/client-sfn';
import { stateMachineArnOf, workflowSubstitutions, eventBusName, localResourceNames } from '../infra/deployment';
import { localFunctionArn } from '../infra/local/lambda-host';
import { localAccountId, localCredentials, localRegion } from '../infra/local/local-network';
import { moveWorkflowAlias, publishWorkflowVersion } from '../infra/local/workflow-versions';
import { deployedWorkflow, expandWorkflow, loadPublishedWorkflows, substitutePlaceholders, workflowsDirectory } from '../workflows/definitions';
import { publishedVersions, readTypeFile, versionFolderOf } from '../workflows/type-loader';
import { validateWorkflowFolder } from './lint';

export interface PublishOptions {
  readonly key: string;
  /** @default the repository's workflows/ */
  readonly directory?: string;
  /**
   * The Step Functions endpoint of a running local stack, which then runs new cases on the
   * version at once; absent, or when nothing answers there, only the files are written (a stack
   * started later deploys every kept version).
   */
  readonly stepFunctionsEndpoint?: string;
  readonly print?: (line: string) => void;
}

export interface PublishReport {
  /** Why nothing was published. */
  readonly refused?: readonly string[];
  /** The version published. */
  readonly version?: number;
  /** The Step Functions version a running local stack runs it as. */
  readonly versionArn?: string;
}

/** The files of a type folder that make a version: type.json, the workflow and the templates type.json names. */
function versionFiles(folder: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const file of ['type.json', 'workflow.asl.json']) files[file] = readFileSync(join(folder, file), 'utf8');
  const declared = JSON.parse(files['type.json'] as string) as { document?: { template?: Record<string, unknown> } };
  for (const file of Object.values(declared.document?.template ?? {})) {
    if (typeof file === 'string' && existsSync(join(folder, file))) files[file] = readFileSync(join(folder, file), 'utf8');
  }
  return files;
}

/** A type.json's text with another version number, in the designer's layout when the first "version" in it is the type's own. */
function renumbered(text: string, version: number): string {
  const parsed = JSON.parse(text) as Record<string, unknown>;
  const replaced = text.replace(/("version"\s*:\s*)\d+/, `$1${version}`);
  return (JSON.parse(replaced) as Record<string, unknown>).version === version ? replaced : `${JSON.stringify({ ...parsed, version }, null, 2)}\n`;
}

/** A draft's type.json as version `version` keeps it: that number, and its `$schema` pointing from the version's folder, two levels down. */
function typeFileAs(text: string, version: number): string {
  const { $schema } = JSON.parse(text) as { $schema?: unknown };
  const kept = renumbered(text, version);
  return typeof $schema === 'string' && !/^[a-z]+:/.test($schema) ? kept.replace(`"${$schema}"`, `"../../${$schema}"`) : kept;
}

/** Whether the draft holds what a kept version holds, its version number and `$schema` apart. */
function sameFiles(draft: Record<string, string>, kept: Record<string, string>, version: number): boolean {
  const comparable = (files: Record<string, string>, type: string) => {
    const { $schema: _schema, ...rest } = JSON.parse(type) as Record<string, unknown>;
    return JSON.stringify({ ...files, 'type.json': JSON.stringify({ ...rest, version }) });
  };
  return comparable(draft, typeFileAs(draft['type.json'] as string, version)) === comparable(kept, kept['type.json'] as string);
}

/**
 * Whether the draft, published as the version after `last`, would deploy the same workflow as the
 * kept version `last`: what a version deploys can differ by its number (the closing notice, see
 * functions/domain/closing-notice; the migration entry, see functions/domain/migration), so the
 * same files may deploy another workflow.
 */
function sameDeployment(draft: Record<string, string>, kept: Record<string, string>, last: number): boolean {
  // Both are valid JSON here: the draft validated, the kept version was published.
  const deployed = (files: Record<string, string>, version: number) => {
    const type = { ...(JSON.parse(files['type.json'] as string) as { key: string; takesMovedCases?: boolean }), version };
    return JSON.stringify(deployedWorkflow(expandWorkflow(JSON.parse(files['workflow.asl.json'] as string) as Record<string, unknown>, type), type));
  };
  return deployed(draft, last + 1) === deployed(kept, last);
}

/**
 * `publish <key>`: makes the type's working copy its next version.
 * 1. the draft must validate (every rule of `validate`), and differ from the newest kept version,
 *    in its files or in the workflow it would deploy;
 * 2. its files are copied to `workflows/<key>/versions/<n>/` (n = newest kept + 1), which is
 *    never written again, and the draft's type.json takes the number n;
 * 3. on a running local stack, the version is published as a Step Functions version and the
 *    type's alias moved to it: cases submitted from then on run it, running cases keep theirs.
 *    On AWS, `cdk deploy` does step 3 (see infra/constructs/workflows.construct.ts).
 */
export async function publishType(options: PublishOptions): Promise<PublishReport> {
  const print = options.print ?? console.log;
  const directory = options.directory ?? workflowsDirectory;
  const { key } = options;
  const refuse = (refused: readonly string[]): PublishReport => {
    for (const line of refused) print(line);
    print('Nothing was published.');
    return { refused };
  };
  if (!existsSync(join(directory, key, 'type.json'))) return refuse([`workflows has no type folder "${key}"`]);
  const { problems } = validateWorkflowFolder(key, directory);
  if (problems.length > 0) return refuse(problems);

  const last = publishedVersions(directory, key).at(-1);
  const draft = versionFiles(join(directory, key));
  const kept = last === undefined ? undefined : { version: last, files: versionFiles(join(directory, versionFolderOf(key, last))) };
  if (kept !== undefined && sameFiles(draft, kept.files, kept.version) && sameDeployment(draft, kept.files, kept.version)) {
    return refuse([`${key}: the working copy is version ${last} as published; change it first`]);
  }
  const version = (last ?? 0) + 1;
  const target = join(directory, versionFolderOf(key, version));
  mkdirSync(target, { recursive: true });
  for (const [file, text] of Object.entries(draft)) writeFileSync(join(target, file), file === 'type.json' ? typeFileAs(text, version) : text);
  const draftType = readTypeFile(directory, key) as { version?: unknown };
  if (draftType.version !== version) writeFileSync(join(directory, key, 'type.json'), renumbered(draft['type.json'] as string, version));
  print(`Published ${key} version ${version}: workflows/${versionFolderOf(key, version)}`);

  if (!options.stepFunctionsEndpoint) return { version };
  const versionArn = await deployToLocalStack(directory, key, version, options.stepFunctionsEndpoint, print);
  return versionArn ? { version, versionArn } : { version };
}

/** Publishes the version on a running local stack and moves the type's alias to it; undefined when no stack answers. */
async function deployToLocalStack(directory: string, key: string, version: number, endpoint: string, print: (line: string) => void): Promise<string | undefined> {
  const source = loadPublishedWorkflows(directory).find((published) => published.key === key)?.versions.find((kept) => kept.version === version);
  if (!source) throw new Error(`workflows/${versionFolderOf(key, version)} has no workflow`);
  const substitutions = workflowSubstitutions({ tableName: localResourceNames.table, eventBusName, functionArn: localFunctionArn });
  const stateMachineArn = stateMachineArnOf(key, { region: localRegion, accountId: localAccountId });
  const sfn = new SFNClient({ endpoint, region: localRegion, credentials: localCredentials, maxAttempts: 1 });
  try {
    const versionArn = await publishWorkflowVersion(sfn, { key, stateMachineArn, version, definition: substitutePlaceholders(source.definition, substitutions) });
    await moveWorkflowAlias(sfn, stateMachineArn, versionArn);
    print(`The local stack at ${endpoint} runs new ${key} cases on it (${versionArn}); running cases keep their version.`);
    return versionArn;
  } catch (error) {
    // Only an absent stack is no error: the files are the publication, and a stack deploys them when it starts.
    const code = (error as { cause?: { code?: string }; code?: string }).code ?? (error as { cause?: { code?: string } }).cause?.code;
    if (code !== 'ECONNREFUSED') throw error;
    print(`No local stack answers at ${endpoint}; npm start deploys version ${version} when it starts.`);
    return undefined;
  } finally {
    sfn.destroy();
  }
}
