import { describe, expect, test } from '@jest/globals';
import { ProvisionedThroughputExceededException, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import { S3ServiceException } from '@aws-sdk/client-s3';
import { TaskTimedOut } from '@aws-sdk/client-sfn';
import { asStepError, isTransient } from '../../../functions/commons/transient-errors';
import { DomainError, TransientError } from '../../../functions/domain/errors';

const sdkError = (name: string, status: number, retryable?: { throttling: boolean }) =>
  Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status }, ...(retryable ? { $retryable: retryable } : {}) });

describe('which failures a workflow step retries', () => {
  test.each([
    ['DynamoDB throttling', new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: { httpStatusCode: 400 } })],
    ['a ThrottlingException by name', sdkError('ThrottlingException', 400)],
    ['an error the SDK marks retryable', sdkError('SomethingNew', 400, { throttling: false })],
    ['an S3 503', new S3ServiceException({ name: 'SlowDown', $fault: 'server', $metadata: { httpStatusCode: 503 } })],
    ['any 5xx', sdkError('InternalError', 500)],
    ['a 429', sdkError('TooMany', 429)],
    ['a socket reset', Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })],
    ['a connection refused', Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })],
    ['a client timeout', Object.assign(new Error('timed out'), { name: 'TimeoutError' })],
    ['a TransientError', new TransientError('lost a race')],
  ])('%s is transient', (_, error) => {
    expect(isTransient(error)).toBe(true);
    const mapped = asStepError(error) as Error;
    expect(mapped).toBeInstanceOf(TransientError);
    expect(mapped.name).toBe('TransientError');
  });

  test.each([
    ['a missing table', new ResourceNotFoundException({ message: 'no table', $metadata: { httpStatusCode: 400 } })],
    ['a task that timed out', new TaskTimedOut({ message: 'gone', $metadata: { httpStatusCode: 400 } })],
    ['a domain rule', new DomainError('conflict', 'closed')],
    ['a plain bug', new TypeError('x is undefined')],
    ['a 4xx', sdkError('ValidationException', 400)],
    ['a 4xx with $retryable false', Object.assign(sdkError('ValidationException', 400), { $retryable: false })],
    ['a 4xx with $retryable null', Object.assign(sdkError('ValidationException', 400), { $retryable: null })],
    ['a string', 'oops'],
    ['null', null],
    ['undefined', undefined],
  ])('%s is permanent and passes through unchanged', (_, error) => {
    expect(isTransient(error)).toBe(false);
    expect(asStepError(error)).toBe(error);
  });

  test('the transient error keeps the original as its cause and names it', () => {
    const original = sdkError('ThrottlingException', 400);
    const mapped = asStepError(original) as TransientError;
    expect(mapped.cause).toBe(original);
    expect(mapped.message).toBe('ThrottlingException: ThrottlingException');
  });
});
