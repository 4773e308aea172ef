import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { hmacAuditSeal } from '../functions/adapters/audit-seal';
import { dynamoCaseStore } from '../functions/adapters/dynamodb/case.store';
import { hmacPseudonyms } from '../functions/adapters/pseudonyms';
import { stepFunctionsEngine, stepFunctionsPositions } from '../functions/adapters/workflow-engine';
import { directoryCatalogue } from '../functions/catalogue/catalogue';
import type { Actor } from '../functions/domain/actor';
import { DomainError } from '../functions/domain/errors';
import { migrateCases, type CaseMigration, type MigrationReport } from '../functions/use-cases/migrate-cases';
import { localResourceNames, stateMachineArnOf } from '../infra/deployment';
import { devAuditSealKey, devPseudonymKey } from '../infra/local/dev-keys';
import { localAccountId, localCredentials, localRegion } from '../infra/local/local-network';
import { workflowsDirectory } from '../workflows/definitions';

export interface MigrateOptions {
  readonly key: string;
  readonly from: number;
  readonly to: number;
  /** `OldState=NewState` pairs, as the command line gives them. */
  readonly map: readonly string[];
  /** Only these cases (ids); absent: every case running on `from`. */
  readonly caseIds?: readonly string[];
  readonly dryRun: boolean;
  /** Who moves the cases, for the audit trail. @default the user running the command */
  readonly by?: string;
  /** @default the repository's workflows/ */
  readonly directory?: string;
  /** The running local stack's endpoints and table. */
  readonly stepFunctionsEndpoint: string;
  readonly dynamodbEndpoint: string;
  /** @default the table `npm start` creates */
  readonly tableName?: string;
  /** Where the stack serves its event schemas: the case events a change publishes point there. */
  readonly eventSchemasUrl: string;
  readonly print?: (line: string) => void;
}

/** `A=B` pairs → map; a pair without `=`, or a state mapped twice, is refused with what is wrong. */
export function parseStateMap(pairs: readonly string[]): { map: Record<string, string>; problems: string[] } {
  const map: Record<string, string> = {};
  const problems: string[] = [];
  for (const pair of pairs) {
    const [source, target, ...rest] = pair.split('=');
    if (!source || !target || rest.length > 0) problems.push(`--map ${pair}: write it as OldState=NewState`);
    else if (source in map) problems.push(`--map ${pair}: ${source} is mapped twice`);
    else map[source] = target;
  }
  return { map, problems };
}

const outcomeLine = (moved: CaseMigration, dryRun: boolean) => {
  const name = moved.number ? `${moved.number} (${moved.caseId})` : moved.caseId;
  switch (moved.outcome) {
    case 'moved':
    case 'would-move':
      return `  ${name}: ${moved.state} → ${moved.target}${dryRun ? '' : ', moved'}`;
    case 'stays':
      return `  ${name}: ${moved.state}, stays (${moved.reason})`;
    case 'skipped':
      return `  ${name}: ${moved.state ?? '-'}, skipped: ${moved.reason}`;
  }
};

/** The report as the command prints it: one line per case, then what was done. */
export function describeMigration(report: MigrationReport): string[] {
  const count = (outcome: CaseMigration['outcome']) => report.cases.filter((moved) => moved.outcome === outcome).length;
  const moving = report.dryRun ? count('would-move') : count('moved');
  return [
    `${report.typeKey}: version ${report.from.typeVersion} → ${report.to.typeVersion}, ${report.cases.length} running case(s)`,
    ...report.cases.map((moved) => outcomeLine(moved, report.dryRun)),
    report.dryRun
      ? `Dry run: ${moving} would move, ${count('stays')} stay, ${count('skipped')} skipped. Nothing was changed.`
      : `${moving} moved, ${count('stays')} stayed, ${count('skipped')} skipped.`,
  ];
}

/**
 * `migrate <key> --from N --to M --map OldState=NewState ... [--case id] [--dry-run]`: moves the
 * cases that run version N of a type's workflow to version M on the running local stack (see
 * functions/use-cases/migrate-cases). Undefined when the options are refused (they are printed).
 */
export async function migrateType(options: MigrateOptions): Promise<MigrationReport | undefined> {
  const print = options.print ?? console.log;
  const { map, problems } = parseStateMap(options.map);
  if (problems.length > 0) {
    for (const problem of problems) print(problem);
    return undefined;
  }
  const directory = options.directory ?? workflowsDirectory;
  const stateMachineArns = { [options.key]: stateMachineArnOf(options.key, { region: localRegion, accountId: localAccountId }) };
  const sfn = new SFNClient({ endpoint: options.stepFunctionsEndpoint, region: localRegion, credentials: localCredentials });
  const dynamodb = new DynamoDBClient({ endpoint: options.dynamodbEndpoint, region: localRegion, credentials: localCredentials });
  const documents = DynamoDBDocumentClient.from(dynamodb, { marshallOptions: { removeUndefinedValues: true } });
  const cases = dynamoCaseStore(documents, options.tableName ?? localResourceNames.table, hmacPseudonyms(devPseudonymKey), hmacAuditSeal(devAuditSealKey), {
    schemasUrl: options.eventSchemasUrl,
  });
  const actor: Actor = { kind: 'system', component: `migrate:${options.by ?? process.env.USER ?? 'operator'}` };
  try {
    const report = await migrateCases({
      cases,
      workflows: stepFunctionsEngine(sfn, () => stateMachineArns),
      positions: stepFunctionsPositions(sfn, () => stateMachineArns),
      catalogue: directoryCatalogue(directory),
      clock: { now: () => new Date() },
    })({ typeKey: options.key, from: options.from, to: options.to, map, ...(options.caseIds ? { caseIds: options.caseIds } : {}), dryRun: options.dryRun, actor });
    for (const line of describeMigration(report)) print(line);
    return report;
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    print(error.message);
    for (const problem of error.errors) print(`  ${problem.path}: ${problem.message}`);
    print('Nothing was changed.');
    return undefined;
  } finally {
    sfn.destroy();
    dynamodb.destroy();
  }
}
