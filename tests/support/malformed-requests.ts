import fc from 'fast-check';
import { functions } from '../../functions/app.declaration';
import { routes as contracts } from '../../functions/api/routes';
import type { DevTokenClaims } from '../../infra/local/dev-keys';

/*
 * Generated malformed requests against every declared route: wrong types, missing and extra
 * fields, huge, deep and empty bodies, broken JSON, numbers beyond safe integers, bad and
 * overlong identifiers and headers, forged, expired and foreign tokens. Shared by the fuzz test
 * and the chaos harness (bench/chaos.ts). `knownMalformedRequests` adds, once each, the cases
 * that once answered 500 (issue 11, S4 and S7), aimed at a real case and task.
 */

/** The callers a malformed request may come from; two are not tokens at all. */
export async function malformedRequestTokens(sign: (claims: DevTokenClaims) => Promise<string>): Promise<string[]> {
  return [
    await sign({ tenant: '44021', roles: ['portal'] }),
    await sign({ tenant: '44021', roles: ['clerk'] }),
    await sign({ tenant: '41002', roles: ['portal', 'clerk', 'operator', 'designer'] }),
    await sign({ tenant: '99999', roles: ['portal'] }),
    await sign({ tenant: '44021', roles: [] }),
    await sign({ tenant: '44021', roles: ['portal'], expiresIn: Math.floor(Date.now() / 1000) - 10 }),
    'not-a-token',
    '',
    // Index 8, past what the generator picks: every API role of the targets' tenant, for the known requests.
    await sign({ tenant: '44021', roles: ['portal', 'clerk', 'operator', 'dpo'] }),
  ];
}

/** The token of {@link malformedRequestTokens} with every API role of tenant 44021. */
const everyRole = 8;

const routes = functions.flatMap((fn) => fn.routes ?? []);
type Route = (typeof routes)[number];

/**
 * Placeholders the known requests' ids may be: the targets given to {@link sendMalformedRequest},
 * or a ULID no case has. Generated requests never aim at a real case or task: a random body
 * can be a valid one (a reason is all a withdrawal needs), and a claim needs none.
 */
const targetCase = '{case}';
const targetTask = '{task}';

/** Ids that reach DynamoDB's key size limit (2,048 bytes for a partition key) if nothing stops them before. */
const overlongIds = [
  'A'.repeat(2100),
  '0'.repeat(2100),
  `01ARZ3NDEKTSV4RRFFQ69G5FAV${'Z'.repeat(2074)}`,
  encodeURIComponent('é'.repeat(1100)),
];
const idLike = fc.oneof(
  fc.constant('01ARZ3NDEKTSV4RRFFQ69G5FAV'),
  fc.stringMatching(/^[0-9A-Z]{26}$/),
  fc.string({ maxLength: 40 }).map(encodeURIComponent).filter((s) => s.length > 0 && !s.includes('%2F')),
  fc.constant('proof-of-residence'),
  fc.constantFrom(...overlongIds),
);

/** A JSON text nested `levels` deep, arrays or objects, around a value. */
export function nestedJson(levels: number, kind: 'array' | 'object' = 'array', inner = '1'): string {
  return kind === 'array' ? `${'['.repeat(levels)}${inner}${']'.repeat(levels)}` : `${'{"a":'.repeat(levels)}${inner}${'}'.repeat(levels)}`;
}

/** Numbers JavaScript or DynamoDB cannot keep: beyond safe integers, infinite once parsed, or below DynamoDB's smallest. */
const unsafeNumbers = ['1e200', '-1e200', '9007199254740993', '1152921504606846976', '1e400', '1e-200'];
const jsonValue = fc.jsonValue({ maxDepth: 3 });
const badInsz = fc.oneof(fc.constant('85073003327'), fc.stringMatching(/^\d{11}$/), fc.string({ maxLength: 15 }), fc.integer());
const submissionLike = fc.record(
  {
    type: fc.oneof(fc.constant('proof-of-residence'), fc.constant('resident-parking-permit'), fc.string(), fc.integer()),
    applicant: fc.oneof(fc.record({ insz: badInsz }), fc.record({ kbo: fc.string() }), jsonValue),
    data: fc.oneof(fc.record({ language: fc.string(), purpose: fc.oneof(fc.string({ maxLength: 300 }), fc.integer()) }), jsonValue),
    extra: jsonValue,
  },
  { requiredKeys: [] },
);
const body = fc.oneof(
  jsonValue.map((value) => JSON.stringify(value)),
  submissionLike.map((value) => JSON.stringify(value)),
  fc
    .record(
      { outcome: fc.oneof(fc.string(), fc.integer()), days: fc.oneof(fc.integer(), fc.string()), reason: fc.oneof(fc.string(), fc.constant('')), name: fc.string() },
      { requiredKeys: [] },
    )
    .map((v) => JSON.stringify(v)),
  fc.constantFrom('', '{', '{"type":', 'null', '[]', '"text"', '\u0000', 'x'.repeat(100_000)),
  fc.string({ maxLength: 200 }),
  fc.constantFrom(30_000, 1000, 40, 17).chain((levels) =>
    fc.constantFrom(
      nestedJson(levels),
      `{"type":"proof-of-residence","applicant":{"insz":"85073003328"},"data":{"purpose":${nestedJson(levels, 'object', '"x"')}}}`,
      `{"outcome":"approve","data":${nestedJson(levels, 'object', '{}')}}`,
      `{"name":"payment-received","data":${nestedJson(levels)}}`,
    ),
  ),
  fc.constantFrom(...unsafeNumbers).chain((number) =>
    fc.constantFrom(
      `{"name":"payment-received","data":{"amount":${number},"reference":"x"}}`,
      `{"days":${number},"reason":"x"}`,
      `{"outcome":"approve","data":{"pages":${number}}}`,
      `{"applicant":"85073003328","limit":${number}}`,
    ),
  ),
);

/** Header values that are too long or carry control characters. */
const badHeaders = fc.record(
  {
    'x-audit-reason': fc.constantFrom('r'.repeat(5000), 'a tab\there', ''),
    'x-purpose': fc.constantFrom('p'.repeat(5000), 'p'.repeat(201)),
    'accept-language': fc.constantFrom('nl'.repeat(500), 'nl;q=<script>'),
  },
  { requiredKeys: [] },
);

/** One malformed request: a route, what fills its path parameters, which caller, and the rest. */
export const malformedRequest = fc.record({
  route: fc.constantFrom(...routes),
  id: idLike,
  /** Index into the tokens of {@link malformedRequestTokens}. */
  token: fc.nat({ max: 7 }),
  body,
  contentType: fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=utf-8', ''),
  query: fc.array(
    fc.tuple(
      fc.constantFrom('status', 'type', 'applicant', 'limit', 'cursor', 'role', 'x'),
      fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom('1e200', '9007199254740993', 'c'.repeat(5000))),
    ),
    { maxLength: 3 },
  ),
  idempotencyKey: fc.option(fc.oneof(fc.string({ maxLength: 300 }), fc.constant('k'.repeat(2100))), { nil: undefined }),
  headers: fc.option(badHeaders, { nil: undefined }),
});
export type MalformedRequest = typeof malformedRequest extends fc.Arbitrary<infer T> ? T : never;

/** A real case waiting for the message `payment-received` and a real open task of the tenant the tokens' first callers belong to. */
export interface MalformedRequestTargets {
  readonly caseId: string;
  readonly taskId: string;
}

/** A ULID no case or task has: what the placeholders name when no targets are given. */
const nobody = '01ARZ3NDEKTSV4RRFFQ69G5FAV';

/** Sends one malformed request to the API and answers its status code. */
export async function sendMalformedRequest(apiUrl: string, tokens: readonly string[], r: MalformedRequest, targets?: MalformedRequestTargets): Promise<number> {
  const id = r.id === targetCase ? (targets?.caseId ?? nobody) : r.id === targetTask ? (targets?.taskId ?? nobody) : r.id;
  const path = r.route.path.replace(/\{[^}]+\}/g, id);
  const query = new URLSearchParams(r.query).toString();
  const response = await fetch(`${apiUrl}${path}${query ? `?${query}` : ''}`, {
    method: r.route.method,
    headers: {
      ...(tokens[r.token] ? { authorization: `Bearer ${tokens[r.token]}` } : {}),
      ...(r.contentType ? { 'content-type': r.contentType } : {}),
      ...(r.idempotencyKey !== undefined && /^[\x20-\x7e]*$/.test(r.idempotencyKey) ? { 'idempotency-key': r.idempotencyKey } : {}),
      ...r.headers,
    },
    body: r.route.method === 'GET' ? undefined : r.body,
  });
  await response.arrayBuffer();
  return response.status;
}

/** The declared route of a contract, by the contract's (and its function's) name. */
const routeNamed = (name: string): Route => {
  const contract = contracts.find((candidate) => candidate.name === name);
  const found = routes.find((route) => route.method === contract?.method && route.path === contract?.path);
  if (!found) throw new Error(`no route ${name}`);
  return found;
};

/** One known bad request: what it is, the request, and the status it must get. */
export interface KnownMalformedRequest {
  readonly name: string;
  readonly request: MalformedRequest;
  readonly expected: 400 | 404;
}

/**
 * The requests that once answered 500 (issue 11): S4, bodies that are deep, carry numbers
 * beyond safe integers or completion data nested 40 deep; S7, overlong and malformed ids,
 * references and headers. Each comes from a caller with every API role of the targets' tenant,
 * so that no role check answers first; each is refused before anything is written.
 */
export function knownMalformedRequests(): KnownMalformedRequest[] {
  const known: KnownMalformedRequest[] = [];
  const add = (name: string, expected: 400 | 404, route: string, fields: Partial<MalformedRequest>) =>
    known.push({
      name,
      expected,
      request: { route: routeNamed(route), id: nobody, token: everyRole, body: '', contentType: 'application/json', query: [], idempotencyKey: undefined, headers: undefined, ...fields },
    });
  const submission = (data: string) => `{"type":"proof-of-residence","applicant":{"insz":"85073003328"},"data":${data}}`;
  const deep = nestedJson(30_000);

  // S4: the body is checked before it is fingerprinted, validated or stored.
  add('a submission nested 30,000 deep, with an Idempotency-Key', 400, 'submit-case', { body: submission(`{"x":${deep}}`), idempotencyKey: 'deep-1' });
  add('a submission nested 30,000 deep', 400, 'submit-case', { body: submission(`{"x":${deep}}`) });
  // A route that takes no body (claiming a task, deleting a subscription) does not read one: it answers as without it.
  for (const route of contracts.filter((candidate) => candidate.method !== 'GET' && 'body' in candidate)) {
    add(`${route.name}: a body nested 30,000 deep`, 400, route.name, {
      id: route.path.startsWith('/v1/tasks/') ? targetTask : targetCase,
      body: deep,
    });
  }
  for (const number of unsafeNumbers) {
    add(`a payment message with amount ${number}`, 400, 'send-message', { id: targetCase, body: `{"name":"payment-received","data":{"amount":${number},"reference":"x"}}` });
  }
  add('a payment message with an amount above its schema’s maximum', 400, 'send-message', { id: targetCase, body: '{"name":"payment-received","data":{"amount":1000000,"reference":"x"}}' });
  add('a completion whose data is nested 40 deep', 400, 'complete-task', { id: targetTask, body: `{"outcome":"approve","data":${nestedJson(40, 'object', '{}')}}` });
  add('a completion whose data is nested 12 deep, within the body limit', 400, 'complete-task', { id: targetTask, body: `{"outcome":"approve","data":${nestedJson(12, 'object', '{}')}}` });
  add('a completion whose data its task’s schema refuses', 400, 'complete-task', { id: targetTask, body: '{"outcome":"approve","data":{"registerChecked":"yes"}}' });

  // S7: ids, references and headers are bounded and pattern-checked before any read.
  for (const route of contracts.filter((candidate) => candidate.path.includes('{'))) {
    for (const id of overlongIds.slice(0, 2)) {
      add(`${route.name}: a ${id.length}-character id`, 404, route.name, {
        id,
        body: route.name === 'complete-task' ? '{"outcome":"approve"}' : route.name === 'send-message' ? '{"name":"payment-received","data":{"amount":1,"reference":"x"}}' : route.name === 'extend-case' ? '{"days":1,"reason":"x"}' : '{"reason":"x"}',
      });
    }
  }
  add('a valid submission with a 5,000-character X-Audit-Reason', 400, 'submit-case', {
    body: submission('{"purpose":"school registration","language":"nl"}'),
    headers: { 'x-audit-reason': 'r'.repeat(5000) },
  });
  add('a valid submission with a 2,100-character Idempotency-Key', 400, 'submit-case', {
    body: submission('{"purpose":"school registration","language":"nl"}'),
    idempotencyKey: 'k'.repeat(2100),
  });
  add('a completion with a 5,000-character X-Audit-Reason', 400, 'complete-task', { id: targetTask, body: '{"outcome":"approve"}', headers: { 'x-audit-reason': 'r'.repeat(5000) } });
  add('a read of the case with a 5,000-character X-Purpose', 400, 'get-case', { id: targetCase, headers: { 'x-purpose': 'p'.repeat(5000) } });
  add('a read of the case with a 1,000-character Accept-Language', 400, 'get-case', { id: targetCase, headers: { 'accept-language': 'nl'.repeat(500) } });
  add('a search with a 5,000-character cursor', 400, 'search-cases', { query: [['cursor', 'c'.repeat(5000)]] });
  add('a search with limit 1e200', 400, 'search-cases', { query: [['limit', '1e200']] });
  add('a search by applicant with limit 1e200', 400, 'search-cases-by-applicant', { body: '{"applicant":"85073003328","limit":1e200}' });
  return known;
}
