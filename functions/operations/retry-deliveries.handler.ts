import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import type { Context } from 'aws-lambda';
import { logger, metrics, tracer } from '../commons/powertools';
import { deadlineOf, deliveries } from '../outbox/deliver-webhooks.wiring';

/**
 * Retries the deliveries whose next attempt is due, on its schedule (EventBridge on AWS, a
 * timer locally): each due delivery's line is drained in order, lines side by side. A
 * delivery the stream never handed over (a lost record) is due too, and goes out here.
 */
export const handler = middy(async (_event: unknown, context: Context) => {
  const report = await deliveries.retryDue({ deadline: deadlineOf(context.getRemainingTimeInMillis()) });
  logger.info('Due deliveries retried', { ...report });
  return report;
})
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics))
  .use(captureLambdaHandler(tracer, { captureResponse: false }));
