import fc from 'fast-check';
import { functions } from '../../functions/app.declaration';
import type { DevTokenClaims } from '../../infra/local/dev-keys';

/*
 * Generated malformed requests against every declared route: wrong types, missing and extra
 * fields, huge and empty bodies, broken JSON, bad identifiers, forged, expired and foreign
 * tokens. Shared by the fuzz test and the chaos harness (bench/chaos.ts).
 */

/** The callers a malformed request may come from; the last two are not tokens at all. */
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
  ];
}

const routes = functions.flatMap((fn) => fn.routes ?? []);
const idLike = fc.oneof(
  fc.constant('01ARZ3NDEKTSV4RRFFQ69G5FAV'),
  fc.stringMatching(/^[0-9A-Z]{26}$/),
  fc.string({ maxLength: 40 }).map(encodeURIComponent).filter((s) => s.length > 0 && !s.includes('%2F')),
  fc.constant('proof-of-residence'),
);
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
);

/** One malformed request: a route, what fills its path parameters, which caller, and the rest. */
export const malformedRequest = fc.record({
  route: fc.constantFrom(...routes),
  id: idLike,
  /** Index into the tokens of {@link malformedRequestTokens}. */
  token: fc.nat({ max: 7 }),
  body,
  contentType: fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=utf-8', ''),
  query: fc.array(fc.tuple(fc.constantFrom('status', 'type', 'applicant', 'limit', 'cursor', 'role', 'x'), fc.string({ maxLength: 30 })), { maxLength: 3 }),
  idempotencyKey: fc.option(fc.string({ maxLength: 300 }), { nil: undefined }),
});
export type MalformedRequest = typeof malformedRequest extends fc.Arbitrary<infer T> ? T : never;

/** Sends one malformed request to the API and answers its status code. */
export async function sendMalformedRequest(apiUrl: string, tokens: readonly string[], r: MalformedRequest): Promise<number> {
  const path = r.route.path.replace(/\{[^}]+\}/g, r.id);
  const query = new URLSearchParams(r.query).toString();
  const response = await fetch(`${apiUrl}${path}${query ? `?${query}` : ''}`, {
    method: r.route.method,
    headers: {
      ...(tokens[r.token] ? { authorization: `Bearer ${tokens[r.token]}` } : {}),
      ...(r.contentType ? { 'content-type': r.contentType } : {}),
      ...(r.idempotencyKey !== undefined && /^[\x20-\x7e]*$/.test(r.idempotencyKey) ? { 'idempotency-key': r.idempotencyKey } : {}),
    },
    body: r.route.method === 'GET' ? undefined : r.body,
  });
  await response.arrayBuffer();
  return response.status;
}
