import { TransientError } from '../domain/errors';

/** Error names the AWS SDK and Node give to failures that a retry can cure. */
const transientNames = new Set([
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'TooManyRequestsException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'TransactionConflictException',
  'TransactionInProgressException',
  'LimitExceededException',
  'InternalServerError',
  'InternalFailure',
  'InternalServerException',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'SlowDown',
  'RequestTimeout',
  'RequestTimeoutException',
  'TimeoutError',
  'KMSInternalException',
  'DependencyTimeoutException',
]);

const transientCodes = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND', 'EHOSTUNREACH', 'UND_ERR_SOCKET']);

interface SdkErrorShape {
  readonly name?: unknown;
  readonly code?: unknown;
  readonly $retryable?: unknown;
  readonly $metadata?: { readonly httpStatusCode?: unknown };
}

/**
 * Whether an error is one that the AWS SDK marks retryable, or throttling, a 5xx, a timeout or a
 * network failure: what a workflow's Retry should see as a `TransientError`, rather than a
 * permanent failure that closes the case.
 */
export function isTransient(error: unknown): boolean {
  if (error instanceof TransientError) return true;
  if (error === null || typeof error !== 'object') return false;
  const shape = error as SdkErrorShape;
  if (shape.$retryable !== undefined && shape.$retryable !== null && shape.$retryable !== false) return true;
  if (typeof shape.name === 'string' && transientNames.has(shape.name)) return true;
  if (typeof shape.code === 'string' && transientCodes.has(shape.code)) return true;
  const status = shape.$metadata?.httpStatusCode;
  return typeof status === 'number' && (status >= 500 || status === 429);
}

/** The error a workflow step throws: a transient failure becomes a `TransientError` that its Retry names; the rest stay as they are. */
export function asStepError(error: unknown): unknown {
  if (error instanceof TransientError || !isTransient(error)) return error;
  const original = error as Error;
  return new TransientError(`${original.name}: ${original.message}`, { cause: error });
}
