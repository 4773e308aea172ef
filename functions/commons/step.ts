import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import type { Context } from 'aws-lambda';
import type { z } from 'zod';
import { logger, metrics, tracer } from './powertools';
import { asStepError } from './transient-errors';

/**
 * Wraps a workflow step in the chain every function shares. The payload is validated with
 * the step's schema; errors propagate, so that the state machine's Retry and Catch see them
 * by name, and a throttling, 5xx, timeout or network error of any client is a `TransientError`. The case id is the correlation id.
 */
export function stepHandler<S extends z.ZodType, O>(schema: S, handle: (input: z.infer<S>, context: Context) => Promise<O>) {
  return middy(async (payload: unknown, context: Context): Promise<O> => {
    const input = schema.parse(payload);
    const caseId = (input as { caseId?: unknown }).caseId;
    if (typeof caseId === 'string') logger.appendKeys({ caseId });
    try {
      return await handle(input, context);
    } catch (error) {
      throw asStepError(error);
    }
  })
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics))
    .use(captureLambdaHandler(tracer, { captureResponse: false }));
}
