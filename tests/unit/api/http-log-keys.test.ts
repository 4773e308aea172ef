import { randomUUID } from 'node:crypto';
import { expect, jest, test } from '@jest/globals';
import type { Context } from 'aws-lambda';
import { routeHandler, type HttpEvent, type HttpResult } from '../../../functions/api/http';
import { logger } from '../../../functions/commons/powertools';
import * as routes from '../../../functions/api/routes';

const context = {
  callbackWaitsForEmptyEventLoop: false,
  functionName: 'loket-test',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-1:000000000000:function:loket-test',
  memoryLimitInMB: '256',
  awsRequestId: randomUUID(),
  logGroupName: '/aws/lambda/loket-test',
  logStreamName: 'test',
  getRemainingTimeInMillis: () => 10_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
} as Context;

const caseId = '01JB8ZQ6M1V4Y3XK2T9R5N7C0D';

test("a route's log lines carry the caller's tenant and the case its path names, next to the request id and route", async () => {
  const handler = routeHandler(routes.getCase, async () => {
    throw new Error('the store broke');
  });
  const event = {
    version: '2.0',
    routeKey: 'GET /v1/cases/{id}',
    rawPath: `/v1/cases/${caseId}`,
    rawQueryString: '',
    headers: {},
    pathParameters: { id: caseId },
    isBase64Encoded: false,
    requestContext: {
      requestId: 'request-1',
      routeKey: 'GET /v1/cases/{id}',
      http: { method: 'GET', path: `/v1/cases/${caseId}` },
      authorizer: { jwt: { claims: { sub: 'clerk@44021', tenant: '44021', roles: '[clerk]' }, scopes: [] } },
    },
  } as unknown as HttpEvent;
  const written: string[] = [];
  const collect = (chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  };
  const spies = [jest.spyOn(process.stdout, 'write').mockImplementation(collect), jest.spyOn(process.stderr, 'write').mockImplementation(collect)];
  logger.setLogLevel('INFO');
  let result: HttpResult;
  try {
    result = (await handler(event, context)) as HttpResult;
  } finally {
    spies.forEach((spy) => spy.mockRestore());
  }
  expect(result.statusCode).toBe(500);
  const lines = written.join('').split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
  expect(lines.find((line) => line.message === 'Unhandled error')).toMatchObject({
    level: 'ERROR',
    tenant: '44021',
    caseId,
    requestId: 'request-1',
    route: 'GET /v1/cases/{id}',
  });
});
