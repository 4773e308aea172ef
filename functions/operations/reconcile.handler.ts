import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import { caseReads, caseStore } from '../adapters/dynamodb/table';
import { workflowEngine } from '../adapters/step-functions';
import { catalogue } from '../catalogue/catalogue';
import { logger, metrics, tracer } from '../commons/powertools';
import { powertoolsTelemetry, systemClock } from '../commons/telemetry';
import type { Reconciliation } from '../use-cases/reconcile';
import { reconcile } from '../use-cases/reconcile';

const run = reconcile({
  cases: caseStore,
  reads: caseReads,
  outbox: caseStore,
  workflows: workflowEngine,
  catalogue,
  clock: systemClock,
  telemetry: powertoolsTelemetry,
});

/** The reconciler, on its schedule (EventBridge on AWS, a timer locally); its report is logged with ids and counts only. */
export const handler = middy(async (): Promise<Reconciliation> => {
  const report = await run();
  logger.info('Reconciled open cases', {
    examined: report.examined,
    started: report.started.length,
    redelivered: report.redelivered,
    undelivered: report.undelivered,
    flagged: report.flagged.length,
    cleared: report.cleared.length,
  });
  return report;
})
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics))
  .use(captureLambdaHandler(tracer, { captureResponse: false }));
