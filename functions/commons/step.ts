import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { Context } from 'aws-lambda';
import * as z from '../domain/zod';
import { TransientError } from '../domain/errors';
import { logger, metrics, traceHandler } from './powertools';
import { asStepError } from './transient-errors';

/** A tenant code as workflows pass it: short and plain, so that nothing else rides along into every log line. */
const tenantPattern = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * Wraps a workflow step in the chain every function shares. The payload is validated with
 * the step's schema; errors propagate, so that the state machine's Retry and Catch see them
 * by name, and a throttling, 5xx, timeout or network error of any client is a `TransientError`.
 * Every log line carries the case id (the correlation id) and, when the workflow passes it, the
 * tenant. What a step throws is logged first, by name: a `TransientError` as a warning (the
 * workflow retries it), anything else as an error (the Catch decides). The logger masks national
 * and enterprise numbers in the message.
 */
export function stepHandler<S extends z.ZodMiniType, O>(schema: S, handle: (input: z.infer<S>, context: Context) => Promise<O>) {
  return middy(async (payload: unknown, context: Context): Promise<O> => {
    const tenant = (payload as { tenant?: unknown } | null)?.tenant;
    if (typeof tenant === 'string' && tenantPattern.test(tenant)) logger.appendKeys({ tenant });
    const caseId = (payload as { caseId?: unknown } | null)?.caseId;
    if (typeof caseId === 'string' && caseId.length <= 100) logger.appendKeys({ caseId });
    try {
      const input = z.parse(schema, payload);
      return await handle(input, context);
    } catch (error) {
      const thrown = asStepError(error);
      const name = thrown instanceof Error ? thrown.name : typeof thrown;
      if (thrown instanceof TransientError) logger.warn('Step failed, transient: the workflow retries it', { errorName: name, error: thrown });
      else logger.error('Step failed', { errorName: name, error: thrown as Error });
      throw thrown;
    }
  }, {
    /*
     * Just before the function's timeout, middy abandons the step with an error it names
     * TimeoutError, which no Task's Retry lists: the Catch would close the case 'failed' for a
     * step that was merely slow (a throttled table, a slow store). It is a TransientError instead.
     */
    timeoutEarlyResponse: () => {
      logger.warn('Step failed, transient: the workflow retries it', { errorName: 'TransientError', cause: 'the function ran out of time' });
      throw new TransientError('the step ran out of time before its function timed out');
    },
  })
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics))
    .use(traceHandler());
}
