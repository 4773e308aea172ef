import { Agent, createServer } from 'node:http';
import { forwardRequest } from './proxy-forward';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * The errors DynamoDB answers when it throttles a request. The SDK classifies both as
 * throttling (@smithy/service-error-classification) and retries them with backoff:
 * ThrottlingException is what an on-demand table answers, ProvisionedThroughputExceeded
 * what a provisioned one answers.
 */
export const throttlingErrors = {
  ThrottlingException: 'Throughput exceeds the current capacity of your table or index. DynamoDB is automatically scaling your table or index so please try again shortly.',
  ProvisionedThroughputExceededException:
    'The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.',
} as const;
export type ThrottlingError = keyof typeof throttlingErrors;

export interface DynamoDbFaultProxyOptions {
  /** DynamoDB Local's endpoint, e.g. `http://127.0.0.1:8000`. */
  readonly target: string;
  /** Share (0–1) of requests answered with a throttling error instead of being forwarded. */
  readonly throttleRate: number;
  /** @default 'ThrottlingException' */
  readonly error?: ThrottlingError;
  /** Source of randomness in [0, 1), so that tests can make the faults repeatable. @default Math.random */
  readonly random?: () => number;
}

export interface DynamoDbFaultProxy {
  readonly endpoint: string;
  /** Requests seen, and of them answered with a throttling error. */
  readonly counts: { readonly requests: number; readonly throttled: number };
  /** The share (0–1) of requests throttled from now on: a test turns its faults on and off. */
  throttleRate: number;
  close(): Promise<void>;
}

/**
 * An HTTP proxy in front of DynamoDB Local that answers a share of requests the way
 * DynamoDB does when it throttles (HTTP 400 with the error's type), before the request
 * reaches the table, so a throttled request has no effect, as on AWS. The rest pass
 * through unchanged, streamed both ways over kept-alive connections.
 */
const checkedRate = (rate: number) => {
  if (!(rate >= 0 && rate <= 1)) throw new Error(`throttleRate must be within 0 and 1, not ${rate}`);
  return rate;
};

export async function startDynamoDbFaultProxy(options: DynamoDbFaultProxyOptions): Promise<DynamoDbFaultProxy> {
  let throttleRate = checkedRate(options.throttleRate);
  const target = new URL(options.target);
  const random = options.random ?? Math.random;
  const errorName = options.error ?? 'ThrottlingException';
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const counts = { requests: 0, throttled: 0 };
  const sockets = new Set<Socket>();

  const throttle = (request: IncomingMessage, response: ServerResponse) => {
    // The body is drained first, so that the client's connection stays usable for its retry.
    request.resume();
    request.on('end', () => {
      const body = JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${errorName}`, message: throttlingErrors[errorName] });
      response.writeHead(400, {
        'content-type': 'application/x-amz-json-1.0',
        'content-length': Buffer.byteLength(body),
        'x-amzn-errortype': `${errorName}:`,
        'x-amzn-requestid': `throttled-${counts.requests}`,
      });
      response.end(body);
    });
  };

  const server = createServer((request, response) => {
    counts.requests += 1;
    if (throttleRate > 0 && random() < throttleRate) {
      counts.throttled += 1;
      throttle(request, response);
      return;
    }
    // DynamoDB Local went away: the client sees a broken connection, as with a network fault.
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
    get throttleRate() {
      return throttleRate;
    },
    set throttleRate(rate: number) {
      throttleRate = checkedRate(rate);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
        agent.destroy();
      }),
  };
}
