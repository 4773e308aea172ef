import type { SFNClient } from '@aws-sdk/client-sfn';

type Middleware = Parameters<SFNClient['middlewareStack']['addRelativeTo']>[0];

/** The headers that carry a trace's context from one service to the next. */
const traceHeaders = new Set(['x-amzn-trace-id', 'traceparent', 'tracestate', 'baggage']);

/**
 * The client without the trace header the AWS SDK adds on Lambda (from the invocation's
 * `_X_AMZN_TRACE_ID`). A function X-Ray does not sample (`traced: false`) has an unsampled one,
 * and Step Functions would keep that decision and leave the executions it starts untraced.
 * Without it, Step Functions roots each execution's trace itself, by its own sampling rules:
 * the execution and its steps stay one trace, without the starter's (issue 14).
 */
export function withoutTraceHeader(client: SFNClient): SFNClient {
  type Handler = (args: { request: unknown }) => Promise<unknown>;
  const dropTraceHeaders = (next: Handler): Handler => async (args) => {
    const { headers } = args.request as { headers?: Record<string, string> };
    for (const name of Object.keys(headers ?? {})) if (traceHeaders.has(name.toLowerCase())) delete headers![name];
    return next(args);
  };
  // Right after the SDK's middleware that adds it, before the request is signed.
  client.middlewareStack.addRelativeTo(dropTraceHeaders as unknown as Middleware, { relation: 'after', toMiddleware: 'recursionDetectionMiddleware', name: 'withoutTraceHeader' });
  return client;
}
