import { MetricUnit } from '@aws-lambda-powertools/metrics';
import * as z from '../domain/zod';
import { caseFiles } from '../adapters/document.store';
import { dynamoArchiveSchedule } from '../adapters/dynamodb/archive.schedule';
import { dynamoCaseDestruction } from '../adapters/dynamodb/case.destruction';
import { caseStore } from '../adapters/dynamodb/table';
import { environmentNames, requireEnv } from '../commons/config';
import { documentClient } from '../commons/dynamodb.client';
import { caseMetricDimension, caseMetricNames } from '../commons/metric-names';
import { logger, metrics } from '../commons/powertools';
import { operationHandler } from '../commons/operation';
import { powertoolsTelemetry, systemClock } from '../commons/telemetry';
import type { RetentionReport } from '../use-cases/apply-retention';
import { applyRetention } from '../use-cases/apply-retention';

const tableName = requireEnv(environmentNames.tableName);

const run = applyRetention({
  cases: caseStore,
  outbox: caseStore,
  schedule: dynamoArchiveSchedule(documentClient, tableName),
  destruction: dynamoCaseDestruction(documentClient, tableName),
  files: caseFiles,
  clock: systemClock,
  telemetry: powertoolsTelemetry,
});

const isoDate = z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD'));

/**
 * What starts a run: its schedule (EventBridge on AWS, a timer locally), or an operator who
 * invokes the function, e.g. `{"dryRun": true}` to list what is due, `{"dryRun": true,
 * "asOf": "2031-12-31"}` to list what will be by then, `{"tenant": "44021"}` for one tenant's
 * cases. Anything else is refused: a misspelt `dryRun` must not destroy.
 */
const event = z.union([
  z.pipe(
    z.looseObject({ source: z.literal('aws.events'), 'detail-type': z.literal('Scheduled Event') }).check(z.refine((scheduled) => !('dryRun' in scheduled), { message: 'a scheduled event takes no dryRun' })),
    z.transform(() => ({ dryRun: false })),
  ),
  z
    .strictObject({ dryRun: z._default(z.boolean(), false), asOf: z.optional(isoDate), tenant: z.optional(z.string().check(z.regex(/^\d{5}$/))) })
    .check(z.refine((command) => command.asOf === undefined || command.dryRun, { message: 'only a dry run takes asOf', path: ['asOf'] })),
]);

/** The retention job; its report holds ids, types, dates and counts, never personal data. */
export const handler = operationHandler(async (input: unknown): Promise<RetentionReport> => {
  const command = z.parse(event, input);
  const report = await run(command);
  logger.info(report.dryRun ? 'Listed the cases whose retention is due' : 'Applied the retention of the cases due', {
    dryRun: report.dryRun,
    asOf: report.asOf,
    destroyed: report.destroyed.length,
    transferDue: report.transferDue.length,
    failed: report.failed.length,
    incomplete: report.incomplete,
  });
  const destroyedPerType = new Map<string, number>();
  if (!report.dryRun) for (const { type } of report.destroyed) destroyedPerType.set(type.key, (destroyedPerType.get(type.key) ?? 0) + 1);
  for (const [typeKey, count] of destroyedPerType) {
    // One EMF document per type: the dimensions of a single document are shared by its metrics.
    const single = metrics.singleMetric();
    single.addDimension(caseMetricDimension, typeKey);
    single.addMetric(caseMetricNames.destroyed, MetricUnit.Count, count);
  }
  return report;
});
