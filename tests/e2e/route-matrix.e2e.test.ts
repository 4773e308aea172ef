import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { RouteContract } from '../../functions/api/route-contract';
import { routes } from '../../functions/api/routes';
import { catalogue } from '../../functions/catalogue/catalogue';
import type { TestStack } from '../support/test-stack';
import { eventually, startTestStack } from '../support/test-stack';

/*
 * Every route of the route contracts × every kind of caller × own tenant or another: each
 * answers what its contract declares. A role the contract does not name gets 403 before
 * anything is read; a caller of another tenant finds none of this tenant's cases or tasks
 * (404); an allowed caller of the tenant is served (no 401/403/404, never a 5xx).
 */

const own = '44021';
const other = '41002';
/** API roles, a task role, and a token with no role at all. */
const roles = ['portal', 'clerk', 'designer', 'operator', 'police', 'none'] as const;
type Role = (typeof roles)[number];
const apiOnly = new Set(['portal', 'designer', 'operator']);

/** Whether the route contract lets the role in, before anything is read. */
function letsIn(route: RouteContract, role: Role): boolean {
  if ('public' in route.access) return true;
  if ('roles' in route.access) return route.access.roles.includes(role);
  return role !== 'none' && !apiOnly.has(role);
}

/** Whether the role is served: a task route also needs the task's own role (`clerk` for the matrix's task). */
function allows(route: RouteContract, role: Role): boolean {
  return letsIn(route, role) && (!route.path.startsWith('/v1/tasks/{id}') || role === 'clerk');
}

let stack: TestStack;
const tokens = new Map<string, string>();
const token = (tenant: string, role: Role) => tokens.get(`${tenant}/${role}`)!;

/** A case of the own tenant with an open clerk task: a proof of residence for someone the register places elsewhere. */
async function caseWithTask(): Promise<{ caseId: string; taskId: string }> {
  const submitted = await stack.call('POST', '/v1/cases', {
    token: token(own, 'portal'),
    body: { type: 'proof-of-residence', applicant: { insz: '17073003384' }, data: { purpose: 'matrix' } },
  });
  expect(submitted.status).toBe(201);
  const caseId = submitted.body.id as string;
  const read = await eventually(
    () => stack.call('GET', `/v1/cases/${caseId}`, { token: token(own, 'clerk') }),
    (response) => response.body?.openTasks?.length === 1,
  );
  return { caseId, taskId: read.body.openTasks[0].id as string };
}

interface Ids {
  readonly caseId: string;
  readonly taskId: string;
  /** A subscription of the own tenant, for the subscription routes. */
  readonly subscriptionId?: string;
}

/** A subscription of the own tenant, made by its operator, for a route that names one. */
async function subscriptionFor(route: RouteContract): Promise<string | undefined> {
  if (!route.path.startsWith('/v1/subscriptions/{id}')) return undefined;
  const created = await stack.call('POST', '/v1/subscriptions', { token: token(own, 'operator'), body: { url: 'http://127.0.0.1:9/matrix' } });
  expect(created.status).toBe(201);
  return created.body.id as string;
}

function pathOf(route: RouteContract, ids: Ids): string {
  const id = route.path.startsWith('/v1/tasks/') ? ids.taskId : route.path.startsWith('/v1/subscriptions/') ? ids.subscriptionId! : ids.caseId;
  return route.path
    .replace('{id}', id)
    .replace('{key}', 'proof-of-residence')
    .replace('{type}', 'be.loket.case.submitted.v1')
    .replace('{reference}', 'no-such-document');
}

const bodies: Record<string, unknown> = {
  'submit-case': { type: 'proof-of-residence', applicant: { insz: '85073003328' }, data: {} },
  'withdraw-case': { reason: 'matrix' },
  'suspend-case': { reason: 'matrix' },
  'resume-case': { reason: 'matrix' },
  'extend-case': { days: 1, reason: 'matrix' },
  'send-message': { name: 'payment-received', data: { amount: 1, reference: 'matrix' } },
  'complete-task': { outcome: 'approve' },
  'redrive-case': { reason: 'matrix' },
  'reopen-case': { reason: 'matrix' },
  'create-subscription': { url: 'http://127.0.0.1:9/matrix' },
  'replay-subscription': { from: '2026-01-01T00:00:00Z' },
};
const queries: Record<string, string> = { 'list-cases-needing-attention': '?attention=true' };

beforeAll(async () => {
  stack = await startTestStack();
  for (const tenant of [own, other]) {
    for (const role of roles) tokens.set(`${tenant}/${role}`, await stack.token({ subject: `${role}@${tenant}`, tenant, roles: role === 'none' ? [] : [role] }));
  }
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

describe.each(routes.map((route) => [`${route.method} ${route.path}`, route] as const))('%s', (_, route) => {
  const hasIds = /\{(id|reference)\}/.test(route.path);
  /**
   * The route's callers share one case and subscription, made when the first of them runs: a caller
   * the contract refuses gets 403 before anything is read, another tenant's caller finds nothing, and
   * every route that changes a case, a task or a subscription serves one role only, so no caller
   * sees what another changed.
   */
  let shared: Promise<Ids> | undefined;
  const idsOfRoute = (): Promise<Ids> => (shared ??= (async () => ({ ...(await caseWithTask()), subscriptionId: await subscriptionFor(route) }))());
  const call = (tenant: string, role: Role, ids: Ids) =>
    stack.call(route.method, `${pathOf(route, ids)}${queries[route.name] ?? ''}`, {
      token: 'public' in route.access && role === 'none' ? undefined : token(tenant, role),
      body: route.body ? bodies[route.name] : undefined,
    });

  test.each(roles.map((role) => [role] as const))('as %s of the tenant, and of another tenant', async (role) => {
    const ids = await idsOfRoute();
    const mine = await call(own, role, ids);
    const theirs = await call(other, role, ids);
    const seen = `${route.method} ${route.path} as ${role}: ${mine.status} ${JSON.stringify(mine.body)}`;
    expect(mine.status).toBeLessThan(500);
    expect(theirs.status).toBeLessThan(500);
    if (!allows(route, role)) {
      expect({ seen, status: mine.status }).toEqual({ seen, status: 403 });
      // Let in by the contract but not holding the task's role: another tenant's task is not found before its role is checked.
      expect(theirs.status).toBe(letsIn(route, role) && hasIds ? 404 : 403);
      return;
    }
    // Served: the document reference of the matrix does not exist, which is the one 404 an allowed caller may see.
    if (route.name === 'get-case-document') expect(mine.status).toBe(404);
    else expect({ seen, served: ![401, 403, 404].includes(mine.status) }).toEqual({ seen, served: true });
    if (hasIds) expect(theirs.status).toBe(404);
    else expect(theirs.status).not.toBe(403);
  });
});

test('the matrix covers every route the declaration serves, and each route that changes what a case id or subscription id names serves one role only', () => {
  const changing = routes.filter((route) => route.method !== 'GET' && /\{id\}/.test(route.path));
  expect(changing.length).toBeGreaterThan(0);
  for (const route of changing) expect({ route: route.name, served: roles.filter((role) => allows(route, role)).length }).toEqual({ route: route.name, served: 1 });
  expect(routes.length).toBeGreaterThanOrEqual(19);
  expect(new Set(routes.map((route) => route.name)).size).toBe(routes.length);
  expect(catalogue.find('proof-of-residence')).toBeDefined();
});
