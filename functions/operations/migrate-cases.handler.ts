import * as z from '../domain/zod';
import { caseStore } from '../adapters/dynamodb/table';
import { workflowEngine, workflowPositions } from '../adapters/step-functions';
import { catalogue } from '../catalogue/catalogue';
import { logger } from '../commons/powertools';
import { operationHandler } from '../commons/operation';
import { systemClock } from '../commons/telemetry';
import { systemActor } from '../domain/actor';
import type { MigrationReport } from '../use-cases/migrate-cases';
import { migrateCases } from '../use-cases/migrate-cases';

const run = migrateCases({ cases: caseStore, workflows: workflowEngine, positions: workflowPositions, catalogue, clock: systemClock });

const stateName = z.string().check(z.minLength(1), z.maxLength(80));

/**
 * What an operator invokes it with on AWS (the local stack runs the same use case through
 * `npm run workflows -- migrate`), e.g.
 * `aws lambda invoke --function-name loket-migrate-cases --cli-binary-format raw-in-base64-out --payload
 * '{"type":"proof-of-residence","from":1,"to":2,"map":{"VerifyResidence":"ReviewResidence"},"dryRun":true,"by":"designer@provincie"}' out.json`.
 * `dryRun` must be given, and anything unknown is refused: a misspelt field must not move cases.
 */
const event = z.strictObject({
  type: z.string().check(z.regex(/^[a-z][a-z0-9-]*$/, 'a transaction type key')),
  from: z.number().check(z.int(), z.positive()),
  to: z.number().check(z.int(), z.positive()),
  map: z.record(stateName, stateName),
  cases: z.optional(z.array(z.string().check(z.minLength(1))).check(z.minLength(1))),
  dryRun: z.boolean(),
  by: z.string().check(z.minLength(1), z.maxLength(200)),
});

/** Moves running cases to another version; its report holds ids, numbers, tenants and state names, never personal data. */
export const handler = operationHandler(async (input: unknown): Promise<MigrationReport> => {
  const command = z.parse(event, input);
  const report = await run({
    typeKey: command.type,
    from: command.from,
    to: command.to,
    map: command.map,
    ...(command.cases ? { caseIds: command.cases } : {}),
    dryRun: command.dryRun,
    actor: systemActor(`migrate:${command.by}`),
  });
  const count = (outcome: string) => report.cases.filter((moved) => moved.outcome === outcome).length;
  logger.info(report.dryRun ? 'Listed where the running cases would move' : 'Moved the running cases', {
    type: report.typeKey,
    from: report.from.typeVersion,
    to: report.to.typeVersion,
    dryRun: report.dryRun,
    moved: count('moved'),
    wouldMove: count('would-move'),
    stayed: count('stays'),
    skipped: count('skipped'),
  });
  return report;
});
