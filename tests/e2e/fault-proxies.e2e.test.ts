import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SendTaskSuccessCommand, SFNClient } from '@aws-sdk/client-sfn';
import { isTransient } from '../../functions/commons/transient-errors';
import type { DynamoDbFaultProxy } from '../../infra/local/dynamodb-fault.proxy';
import { startDynamoDbFaultProxy } from '../../infra/local/dynamodb-fault.proxy';
import { localCredentials, localRegion } from '../../infra/local/local-network';
import type { S3FaultProxy } from '../../infra/local/s3-fault.proxy';
import { startS3FaultProxy } from '../../infra/local/s3-fault.proxy';
import type { S3Local } from '../../infra/local/s3-local';
import { startS3Local } from '../../infra/local/s3-local';
import type { StepFunctionsFaultProxy } from '../../infra/local/stepfunctions-fault.proxy';
import { startStepFunctionsFaultProxy } from '../../infra/local/stepfunctions-fault.proxy';

/*
 * The chaos run's fault proxies fail requests the way the services do, so that the SDK and
 * Loket's error mapping see what they would see on AWS, and a faulted request has the effect
 * the fault says (none, or the service's own with the answer lost).
 */

/** A stand-in service behind a proxy: answers `{}` and counts the requests that reach it. */
async function countingService(): Promise<{ server: Server; endpoint: string; reached: () => number }> {
  let reached = 0;
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      reached += 1;
      response.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
      response.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return { server, endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, reached: () => reached };
}

const failureOf = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error as Error & { code?: string; $metadata?: { httpStatusCode?: number } },
  );

describe('the S3 fault proxy', () => {
  let s3Local: S3Local;
  let proxy: S3FaultProxy;
  let s3: S3Client;

  beforeAll(async () => {
    s3Local = await startS3Local({ port: 0, buckets: ['documents'] });
    proxy = await startS3FaultProxy({ target: s3Local.endpoint });
    s3 = new S3Client({ endpoint: proxy.endpoint, region: localRegion, credentials: localCredentials, forcePathStyle: true, maxAttempts: 1 });
  }, 30_000);

  afterAll(async () => {
    s3?.destroy();
    await proxy?.close();
    await s3Local?.stop();
  });

  test("answers a failed request with S3's SlowDown and InternalError in turn, which the SDK and the steps see as transient, and stores nothing", async () => {
    proxy.errorRate = 1;
    const slowDown = await failureOf(s3.send(new PutObjectCommand({ Bucket: 'documents', Key: 'documents/a.pdf', Body: 'a' })));
    const internal = await failureOf(s3.send(new PutObjectCommand({ Bucket: 'documents', Key: 'documents/a.pdf', Body: 'a' })));
    expect([slowDown?.name, slowDown?.$metadata?.httpStatusCode]).toEqual(['SlowDown', 503]);
    expect([internal?.name, internal?.$metadata?.httpStatusCode]).toEqual(['InternalError', 500]);
    expect(isTransient(slowDown)).toBe(true);
    expect(isTransient(internal)).toBe(true);
    expect(proxy.counts.failed).toEqual({ SlowDown: 1, InternalError: 1 });

    proxy.errorRate = 0;
    const missing = await failureOf(s3.send(new GetObjectCommand({ Bucket: 'documents', Key: 'documents/a.pdf' })));
    expect(missing?.name).toBe('NoSuchKey');
  });

  test('passes every request through at rate 0', async () => {
    proxy.errorRate = 0;
    await s3.send(new PutObjectCommand({ Bucket: 'documents', Key: 'documents/b.pdf', Body: 'b' }));
    const read = await s3.send(new GetObjectCommand({ Bucket: 'documents', Key: 'documents/b.pdf' }));
    expect(await read.Body?.transformToString()).toBe('b');
  });

  test('refuses a rate outside 0–1', () => {
    expect(() => {
      proxy.errorRate = 1.5;
    }).toThrow('errorRate must be within 0 and 1');
  });
});

describe('the Step Functions fault proxy', () => {
  let service: Awaited<ReturnType<typeof countingService>>;
  let proxy: StepFunctionsFaultProxy;
  let sfn: SFNClient;
  const sendTaskSuccess = () => sfn.send(new SendTaskSuccessCommand({ taskToken: 'a-token', output: '{}' }));

  beforeAll(async () => {
    service = await countingService();
    proxy = await startStepFunctionsFaultProxy({ target: service.endpoint });
    sfn = new SFNClient({ endpoint: proxy.endpoint, region: localRegion, credentials: localCredentials, maxAttempts: 1 });
  });

  afterEach(() => proxy.faults.clear());

  afterAll(async () => {
    sfn?.destroy();
    await proxy?.close();
    await new Promise((resolve) => service?.server.close(resolve));
  });

  test.each([
    ['throttle', 'ThrottlingException', 400],
    ['unavailable', 'ServiceUnavailable', 503],
  ] as const)('%s: the engine never sees the request; the SDK gets %s (%d), a transient error', async (fault, name, status) => {
    const before = service.reached();
    proxy.faults.set('SendTaskSuccess', fault);
    const failure = await failureOf(sendTaskSuccess());
    expect([failure?.name, failure?.$metadata?.httpStatusCode]).toEqual([name, status]);
    expect(isTransient(failure)).toBe(true);
    expect(service.reached()).toBe(before);
  });

  test('disconnect: the engine never sees the request; the SDK sees a broken connection', async () => {
    const before = service.reached();
    proxy.faults.set('SendTaskSuccess', 'disconnect');
    const failure = await failureOf(sendTaskSuccess());
    // (Outside Jest's module realm the SDK's error keeps its name TimeoutError and code ECONNRESET, which isTransient knows.)
    expect(failure?.message).toMatch(/socket hang up|ECONNRESET/);
    expect(service.reached()).toBe(before);
  });

  test('lose-answer: the engine acts on the request, and the caller gets a broken connection instead of its answer', async () => {
    const before = service.reached();
    proxy.faults.set('SendTaskSuccess', 'lose-answer');
    const failure = await failureOf(sendTaskSuccess());
    expect(failure?.message).toMatch(/socket hang up|ECONNRESET/);
    expect(service.reached()).toBe(before + 1);
  });

  test('a rule fails a share of the requests, with its faults in turn, and counts them per operation', async () => {
    let draw = 0;
    const ruled = await startStepFunctionsFaultProxy({ target: service.endpoint, random: () => [0.1, 0.9, 0.1, 0.9][draw++ % 4]! });
    const client = new SFNClient({ endpoint: ruled.endpoint, region: localRegion, credentials: localCredentials, maxAttempts: 1 });
    try {
      ruled.faults.set('SendTaskSuccess', { faults: ['throttle', 'unavailable'], rate: 0.5 });
      const outcomes = [];
      for (let i = 0; i < 4; i++) {
        const failure = await failureOf(client.send(new SendTaskSuccessCommand({ taskToken: 't', output: '{}' })));
        outcomes.push(failure?.name ?? 'passed');
      }
      expect(outcomes).toEqual(['ThrottlingException', 'passed', 'ServiceUnavailable', 'passed']);
      expect(ruled.requests.SendTaskSuccess).toBe(4);
      expect(ruled.faulted.SendTaskSuccess).toBe(2);
    } finally {
      client.destroy();
      await ruled.close();
    }
  });

  test('an operation without a fault passes', async () => {
    const before = service.reached();
    proxy.faults.set('StartExecution', 'throttle');
    await expect(sendTaskSuccess()).resolves.toBeDefined();
    expect(service.reached()).toBe(before + 1);
  });
});

describe('the DynamoDB fault proxy', () => {
  let service: Awaited<ReturnType<typeof countingService>>;
  let proxy: DynamoDbFaultProxy;
  let dynamodb: DynamoDBClient;

  beforeAll(async () => {
    service = await countingService();
    proxy = await startDynamoDbFaultProxy({ target: service.endpoint, throttleRate: 0 });
    dynamodb = new DynamoDBClient({ endpoint: proxy.endpoint, region: localRegion, credentials: localCredentials, maxAttempts: 1 });
  });

  afterAll(async () => {
    dynamodb?.destroy();
    await proxy?.close();
    await new Promise((resolve) => service?.server.close(resolve));
  });

  test('throttles from the moment its rate is raised, and passes again once it is lowered', async () => {
    await dynamodb.send(new ListTablesCommand({}));
    proxy.throttleRate = 1;
    const throttled = await failureOf(dynamodb.send(new ListTablesCommand({})));
    expect(throttled?.name).toBe('ThrottlingException');
    expect(isTransient(throttled)).toBe(true);
    proxy.throttleRate = 0;
    await dynamodb.send(new ListTablesCommand({}));
    expect(service.reached()).toBe(2);
    expect(proxy.counts).toEqual({ requests: 3, throttled: 1 });
  });
});
