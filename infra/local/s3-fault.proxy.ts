import { answerAfterBody, checkedRate, startFaultProxyServer } from './proxy-forward';

/**
 * The errors S3 answers when it cannot serve a request now: the SDK classifies both as
 * transient (a 5xx, and SlowDown as throttling) and retries them with backoff before a
 * caller sees them.
 */
export const s3Errors = {
  SlowDown: { status: 503, message: 'Please reduce your request rate.' },
  InternalError: { status: 500, message: 'We encountered an internal error. Please try again.' },
} as const;
export type S3Error = keyof typeof s3Errors;

export interface S3FaultProxyOptions {
  /** The S3-compatible server's endpoint, e.g. `http://127.0.0.1:4568`. */
  readonly target: string;
  /** Share (0–1) of requests answered with an error instead of being forwarded. @default 0 */
  readonly errorRate?: number;
  /** Source of randomness in [0, 1), so that tests can make the faults repeatable. @default Math.random */
  readonly random?: () => number;
}

export interface S3FaultProxy {
  readonly endpoint: string;
  /** Requests seen, and of them answered with an error, by error. */
  readonly counts: { readonly requests: number; readonly failed: Readonly<Partial<Record<S3Error, number>>> };
  /** The share (0–1) of requests that fail from now on; faulted requests get SlowDown and InternalError in turn. */
  errorRate: number;
  close(): Promise<void>;
}

/**
 * An HTTP proxy in front of the local S3-compatible server that answers a share of requests
 * the way S3 does when it cannot serve them (an XML error body with a 503 SlowDown or a 500
 * InternalError), before the request reaches the store, so a failed request has no effect.
 * The rest pass through unchanged.
 */
export async function startS3FaultProxy(options: S3FaultProxyOptions): Promise<S3FaultProxy> {
  const random = options.random ?? Math.random;
  let errorRate = checkedRate('errorRate', options.errorRate ?? 0);
  const counts = { requests: 0, failed: {} as Partial<Record<S3Error, number>> };
  const names = Object.keys(s3Errors) as S3Error[];
  let turn = 0;

  const server = await startFaultProxyServer(new URL(options.target), (request, response, passOn) => {
    counts.requests += 1;
    if (!(errorRate > 0 && random() < errorRate)) return passOn(request, response);
    const name = names[turn++ % names.length]!;
    counts.failed[name] = (counts.failed[name] ?? 0) + 1;
    const requestId = `faulted-${counts.requests}`;
    const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${name}</Code><Message>${s3Errors[name].message}</Message><RequestId>${requestId}</RequestId><HostId>local</HostId></Error>`;
    answerAfterBody(request, response, s3Errors[name].status, { 'content-type': 'application/xml', 'x-amz-request-id': requestId }, body);
  });
  return {
    endpoint: server.endpoint,
    counts,
    get errorRate() {
      return errorRate;
    },
    set errorRate(rate: number) {
      errorRate = checkedRate('errorRate', rate);
    },
    close: server.close,
  };
}
