import { Agent, createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { forwardRequest } from './proxy-forward';

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

const checkedRate = (rate: number) => {
  if (!(rate >= 0 && rate <= 1)) throw new Error(`errorRate must be within 0 and 1, not ${rate}`);
  return rate;
};

/**
 * An HTTP proxy in front of the local S3-compatible server that answers a share of requests
 * the way S3 does when it cannot serve them (an XML error body with a 503 SlowDown or a 500
 * InternalError), before the request reaches the store, so a failed request has no effect.
 * The rest pass through unchanged.
 */
export async function startS3FaultProxy(options: S3FaultProxyOptions): Promise<S3FaultProxy> {
  const target = new URL(options.target);
  const random = options.random ?? Math.random;
  let errorRate = checkedRate(options.errorRate ?? 0);
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const counts = { requests: 0, failed: {} as Partial<Record<S3Error, number>> };
  const names = Object.keys(s3Errors) as S3Error[];
  let turn = 0;
  const sockets = new Set<Socket>();

  const fail = (request: IncomingMessage, response: ServerResponse, name: S3Error) => {
    // The body is drained first, so that the client's connection stays usable for its retry.
    request.resume();
    request.on('end', () => {
      const requestId = `faulted-${counts.requests}`;
      const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${name}</Code><Message>${s3Errors[name].message}</Message><RequestId>${requestId}</RequestId><HostId>local</HostId></Error>`;
      response.writeHead(s3Errors[name].status, {
        'content-type': 'application/xml',
        'content-length': Buffer.byteLength(body),
        'x-amz-request-id': requestId,
      });
      response.end(body);
    });
  };

  const server = createServer((request, response) => {
    counts.requests += 1;
    if (errorRate > 0 && random() < errorRate) {
      const name = names[turn++ % names.length]!;
      counts.failed[name] = (counts.failed[name] ?? 0) + 1;
      fail(request, response, name);
      return;
    }
    forwardRequest(target, agent, request, response);
  });
  server.keepAliveTimeout = 60_000;
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    counts,
    get errorRate() {
      return errorRate;
    },
    set errorRate(rate: number) {
      errorRate = checkedRate(rate);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
        agent.destroy();
      }),
  };
}
