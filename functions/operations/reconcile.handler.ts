import { caseReads } from '../adapters/dynamodb/table';
import { effectDelivery } from '../outbox/effect-delivery.wiring';
import { environmentNames } from '../commons/config';
import { logger } from '../commons/powertools';
import { operationHandler } from '../commons/operation';
import type { Reconciliation } from '../use-cases/reconcile';
import { reconcile } from '../use-cases/reconcile';

/** The configured staleness of outbox items in milliseconds; absent: the use case's default. */
function staleAfterMs(seconds: string | undefined): number | undefined {
  if (seconds === undefined || seconds === '') return undefined;
  const value = Number(seconds);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${environmentNames.outboxStaleAfterSeconds} must be a number of seconds, not '${seconds}'`);
  return value * 1000;
}

const run = reconcile(
  {
    ...effectDelivery,
    reads: caseReads,
  },
  { staleAfterMs: staleAfterMs(process.env[environmentNames.outboxStaleAfterSeconds]) },
);

/**
 * The reconciler, on its schedule (EventBridge on AWS, a timer locally); its report is logged
 * with ids and counts only. An event `{ "outboxStaleAfterSeconds": n }` sets this run's stale
 * limit (the local host's start-up run passes 0).
 */
export const handler = operationHandler(async (event: unknown): Promise<Reconciliation> => {
  const override = (event as { outboxStaleAfterSeconds?: unknown } | null | undefined)?.outboxStaleAfterSeconds;
  const report = await run(typeof override === 'number' && Number.isFinite(override) && override >= 0 ? { staleAfterMs: override * 1000 } : {});
  logger.info('Reconciled open cases', {
    examined: report.examined,
    started: report.started.length,
    redelivered: report.redelivered,
    undelivered: report.undelivered,
    flagged: report.flagged.length,
    cleared: report.cleared.length,
    failuresNotRecorded: report.failuresNotRecorded.length,
  });
  return report;
});
