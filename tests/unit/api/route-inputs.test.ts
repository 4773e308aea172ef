import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import type { Context } from 'aws-lambda';
import { routeHandler, type HttpEvent, type HttpResult } from '../../../functions/api/http';
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

const taskId = '01JB8ZQ6M1V4Y3XK2T9R5N7C0D';

function eventOf(
  routeKey: string,
  pathParameters: Record<string, string>,
  headers: Record<string, string> = {},
  body?: unknown,
  claims: Record<string, unknown> = { sub: 'clerk@44021', tenant: '44021', roles: '[clerk portal]' },
): HttpEvent {
  return {
    version: '2.0',
    routeKey,
    rawPath: '/',
    rawQueryString: '',
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    pathParameters,
    body: body === undefined ? undefined : JSON.stringify(body),
    isBase64Encoded: false,
    requestContext: {
      requestId: randomUUID(),
      routeKey,
      http: { method: 'POST', path: '/' },
      authorizer: { jwt: { claims, scopes: [] } },
    },
  } as unknown as HttpEvent;
}

/** A route's handler that records what it was given and touches nothing. */
function recording<C extends Parameters<typeof routeHandler>[0]>(contract: C) {
  const seen: { path: Record<string, string>; headers: Record<string, string | undefined>; purpose: string }[] = [];
  const handler = routeHandler(contract, async (request) => {
    const names = [...contract.path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1] as string);
    seen.push({
      path: Object.fromEntries(names.map((name) => [name, request.path(name)])),
      headers: Object.fromEntries((contract.headers ?? []).map((name) => [name, request.header(name)])),
      purpose: request.purpose,
    });
    return { result: { statusCode: 204 } };
  });
  return { seen, call: async (event: HttpEvent) => (await handler(event, context)) as HttpResult };
}

const problemOf = (result: HttpResult) => JSON.parse(String(result.body)) as { status: number; detail: string; errors?: { path: string }[] };

describe('path parameters and headers are checked against the route contract before the handler runs', () => {
  it('answers 404 to a 2,100-character task id on claim and complete, without echoing it or calling the handler', async () => {
    for (const contract of [routes.claimTask, routes.completeTask]) {
      const { seen, call } = recording(contract);
      const longId = 'A'.repeat(2100);
      const result = await call(eventOf(`POST ${contract.path}`, { id: longId }, {}, { outcome: 'approve' }));
      expect(result.statusCode).toBe(404);
      expect(result.body).not.toContain(longId.slice(0, 30));
      expect(seen).toEqual([]);
    }
  });

  it('answers 404 to malformed case ids, type keys and document references', async () => {
    const cases: [Parameters<typeof recording>[0], Record<string, string>][] = [
      [routes.getCase, { id: '01jb8zq6m1v4y3xk2t9r5n7c0d' }],
      [routes.getCase, { id: `${taskId}${taskId}` }],
      [routes.getCase, {}],
      [routes.getTransactionType, { key: 'p'.repeat(101) }],
      [routes.getTransactionType, { key: 'Proof-Of-Residence' }],
      [routes.getCaseDocument, { id: taskId, reference: '44021/2026' }],
      [routes.getCaseDocument, { id: taskId, reference: '4'.repeat(65) }],
      [routes.getCaseDocument, { id: 'x', reference: '44021-2026-000001' }],
    ];
    for (const [contract, path] of cases) {
      const { seen, call } = recording(contract);
      const result = await call(eventOf(`${contract.method} ${contract.path}`, path));
      expect({ path, status: result.statusCode }).toEqual({ path, status: 404 });
      expect(seen).toEqual([]);
    }
  });

  it('gives the handler well-formed path parameters as they came', async () => {
    const { seen, call } = recording(routes.getCaseDocument);
    const result = await call(eventOf('GET /v1/cases/{id}/documents/{reference}', { id: taskId, reference: '44021-2026-000123' }));
    expect(result.statusCode).toBe(204);
    expect(seen[0]?.path).toEqual({ id: taskId, reference: '44021-2026-000123' });
  });

  it('answers 400 naming the header to an oversized or malformed X-Audit-Reason, X-Purpose, Idempotency-Key or Accept-Language', async () => {
    const cases: [Parameters<typeof recording>[0], Record<string, string>, Record<string, string>, string][] = [
      [routes.completeTask, { id: taskId }, { 'x-audit-reason': 'r'.repeat(2001) }, 'X-Audit-Reason'],
      [routes.completeTask, { id: taskId }, { 'x-audit-reason': 'line\u0007bell' }, 'X-Audit-Reason'],
      [routes.getCase, { id: taskId }, { 'x-purpose': 'p'.repeat(201) }, 'X-Purpose'],
      [routes.submitCase, {}, { 'idempotency-key': 'k'.repeat(201) }, 'Idempotency-Key'],
      [routes.submitCase, {}, { 'idempotency-key': 'with space' }, 'Idempotency-Key'],
      [routes.getCase, { id: taskId }, { 'accept-language': 'nl'.repeat(101) }, 'Accept-Language'],
    ];
    for (const [contract, path, headers, name] of cases) {
      const { seen, call } = recording(contract);
      const body = contract === routes.completeTask ? { outcome: 'approve' } : contract === routes.submitCase ? {} : undefined;
      const result = await call(eventOf(`${contract.method} ${contract.path}`, path, headers, body));
      expect({ name, status: result.statusCode }).toEqual({ name, status: 400 });
      expect(problemOf(result).errors?.[0]?.path).toBe(name);
      expect(seen).toEqual([]);
    }
  });

  it('gives the handler declared headers within bounds, and the purpose from X-Purpose or the route', async () => {
    const { seen, call } = recording(routes.getCase);
    await call(eventOf('GET /v1/cases/{id}', { id: taskId }, { 'x-purpose': 'school registration', 'accept-language': 'nl-BE,nl;q=0.9,en;q=0.8' }));
    await call(eventOf('GET /v1/cases/{id}', { id: taskId }));
    expect(seen.map((request) => request.purpose)).toEqual(['school registration', 'get-case']);
    expect(seen[0]?.headers).toEqual({ 'Accept-Language': 'nl-BE,nl;q=0.9,en;q=0.8', 'X-Purpose': 'school registration' });
  });

  it('refuses a token whose subject or tenant the contract could not show, before anything runs', async () => {
    for (const claims of [
      { sub: 's'.repeat(257), tenant: '44021', roles: '[clerk]' },
      { sub: 'clerk@44021', tenant: 't'.repeat(65), roles: '[clerk]' },
      { sub: 'clerk@44021', tenant: '44021/other', roles: '[clerk]' },
    ]) {
      const { seen, call } = recording(routes.getCase);
      const result = await call(eventOf('GET /v1/cases/{id}', { id: taskId }, {}, undefined, claims));
      expect(result.statusCode).toBe(403);
      expect(seen).toEqual([]);
    }
  });
});
