import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { Tracer } from '@aws-lambda-powertools/tracer';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import type { MiddlewareObj } from '@middy/core';

import { maskIdentifierNumber, maskIdentifiers } from '../domain/identifiers';
import { withSourceMappedStack } from './source-mapped-stack';

const serviceName = 'loket';

/**
 * What a log line carries, as it goes out: every string and number with national and enterprise
 * numbers masked, whoever logged it; an error with its stack pointing at the source, not at the
 * minified bundle (the bundle's map is read when an error is first logged, not at every cold start).
 */
const logValue = (_key: string, value: unknown): unknown =>
  typeof value === 'string' ? maskIdentifiers(value) : typeof value === 'number' ? maskIdentifierNumber(value) : value instanceof Error ? withSourceMappedStack(value) : value;

/** One logger, metrics and tracer per execution environment, shared by every handler. */
export const logger = new Logger({ serviceName, jsonReplacerFn: logValue });
// Most API calls count nothing, which is normal: the metrics' own "no metrics" warning is kept out of the logs.
export const metrics = new Metrics({ serviceName, namespace: 'Loket', logger: logger.createChild({ logLevel: 'ERROR' }) });

/**
 * Whether traces go anywhere, by Powertools Tracer's own rule: on Lambda (`AWS_EXECUTION_ENV`),
 * unless `POWERTOOLS_TRACE_ENABLED` is `false`, and not under SAM's or Amplify's local mocks.
 */
export function tracingEnabledIn(env: Readonly<Record<string, string | undefined>>): boolean {
  const execution = env.AWS_EXECUTION_ENV ?? '';
  return (env.POWERTOOLS_TRACE_ENABLED ?? '').toLowerCase() !== 'false' && execution !== '' && execution !== 'AWS_Lambda_amplify-mock' && (env.AWS_SAM_LOCAL ?? '') === '';
}

/**
 * `false` in the bundle of a function that loads no tracer, `true` in the others: the build defines it
 * from the function's declaration (`bundlingOptionsOf` in infra/deployment.ts). Run from source (the
 * local host, the tests) it is not defined, and the environment alone decides.
 */
declare const LOKET_LOADS_TRACER: boolean | undefined;

/**
 * The tracer where traces go somewhere, and none elsewhere (the local host, the tests, the bench).
 * Loading Powertools Tracer loads the X-Ray SDK, whose context (cls-hooked) installs an async
 * hook that follows every promise and socket of the process, traced or not. In the local host
 * every function shares one process, so that hook slowed all of it (issue 14).
 *
 * The test of `LOKET_LOADS_TRACER` stays inline: where the build defines it `false`, esbuild sees a
 * dead branch and leaves the tracer's import out of the bundle. The unused code cost a cold start
 * 16 ms with tracing off, only to be parsed (issue 14).
 */
export const tracer: Tracer | undefined = (typeof LOKET_LOADS_TRACER !== 'boolean' || LOKET_LOADS_TRACER) && tracingEnabledIn(process.env) ? new (await import('@aws-lambda-powertools/tracer')).Tracer({ serviceName }) : undefined;

/** An AWS SDK client whose calls are traced as subsegments where tracing is on; the client itself elsewhere. */
export const traced = <Client>(client: Client): Client => (tracer ? tracer.captureAWSv3Client(client) : client);

/**
 * The middy middleware that traces a handler's invocation where tracing is on, and none elsewhere
 * (middy's `use` takes a list). A trace carries ids and timings, never the response (personal data
 * stays out of X-Ray).
 */
export const traceHandler = (): MiddlewareObj[] => (tracer ? [captureLambdaHandler(tracer, { captureResponse: false })] : []);
