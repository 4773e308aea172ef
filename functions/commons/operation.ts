import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { Context } from 'aws-lambda';
import { logger, metrics, traceHandler } from './powertools';

/**
 * Wraps a function that no route or workflow calls (the stream's, the scheduled ones, one an
 * operator invokes) in the chain every function shares: the logger with the invocation's context
 * and its keys reset after each call, the EMF metrics flushed, and a trace without the response.
 */
export function operationHandler<E, R>(handle: (event: E, context: Context) => Promise<R>) {
  return middy(handle)
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics))
    .use(traceHandler());
}
