import type { Context } from 'aws-lambda';
import { logger } from '../commons/powertools';
import { operationHandler } from '../commons/operation';
import { deadlineOf, deliveries } from '../outbox/deliver-webhooks.wiring';

/**
 * Retries the deliveries whose next attempt is due, on its schedule (EventBridge on AWS, a
 * timer locally): each due delivery's line is drained in order, lines side by side. A
 * delivery the stream never handed over (a lost record) is due too, and goes out here.
 */
export const handler = operationHandler(async (_event: unknown, context: Context) => {
  const report = await deliveries.retryDue({ deadline: deadlineOf(context.getRemainingTimeInMillis()) });
  logger.info('Due deliveries retried', { ...report });
  return report;
});
