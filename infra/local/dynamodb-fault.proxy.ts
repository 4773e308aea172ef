import { answerAfterBody, checkedRate, startFaultProxyServer } from './proxy-forward';

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
export async function startDynamoDbFaultProxy(options: DynamoDbFaultProxyOptions): Promise<DynamoDbFaultProxy> {
  let throttleRate = checkedRate('throttleRate', options.throttleRate);
  const random = options.random ?? Math.random;
  const errorName = options.error ?? 'ThrottlingException';
  const counts = { requests: 0, throttled: 0 };

  const server = await startFaultProxyServer(new URL(options.target), (request, response, passOn) => {
    counts.requests += 1;
    // Passed on; if DynamoDB Local went away, the client sees a broken connection, as with a network fault.
    if (!(throttleRate > 0 && random() < throttleRate)) return passOn(request, response);
    counts.throttled += 1;
    const body = JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${errorName}`, message: throttlingErrors[errorName] });
    answerAfterBody(
      request,
      response,
      400,
      { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-errortype': `${errorName}:`, 'x-amzn-requestid': `throttled-${counts.requests}` },
      body,
    );
  });
  return {
    endpoint: server.endpoint,
    counts,
    get throttleRate() {
      return throttleRate;
    },
    set throttleRate(rate: number) {
      throttleRate = checkedRate('throttleRate', rate);
    },
    close: server.close,
  };
}
