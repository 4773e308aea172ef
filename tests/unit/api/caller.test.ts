import { describe, expect, test } from '@jest/globals';
import { generateKeyPair, SignJWT } from 'jose';
import { callerOf, type HttpEvent } from '../../../functions/api/http';
import { catalogue } from '../../../functions/catalogue/catalogue';
import { apiRoles, declaredRoles } from '../../../functions/domain/permissions';

/*
 * The roles a caller holds come from the token's roles claim, which must be a JSON array of
 * declared role names. API Gateway hands the function an array claim as the string `[a b]`;
 * the function reads the exact array from the verified bearer token when it has it.
 */

const { privateKey } = await generateKeyPair('RS256');

async function tokenWith(roles: unknown): Promise<string> {
  return new SignJWT({ tenant: '44021', roles })
    .setProtectedHeader({ alg: 'RS256', kid: 'test' })
    .setSubject('someone@44021')
    .setIssuer('https://issuer.test')
    .setAudience('loket-api')
    .setExpirationTime('5m')
    .sign(privateKey);
}

/** API Gateway's payload 2.0 event as its JWT authorizer passes it on: every claim a string, an array as `[a b]`. */
function eventWith(rolesClaim: unknown, token?: string): HttpEvent {
  return {
    headers: token ? { authorization: `Bearer ${token}` } : {},
    requestContext: {
      authorizer: { jwt: { claims: { sub: 'someone@44021', tenant: '44021', ...(rolesClaim === undefined ? {} : { roles: rolesClaim }) }, scopes: [] } },
    },
  } as unknown as HttpEvent;
}

const flattened = (roles: readonly string[]) => `[${roles.join(' ')}]`;

describe('the roles claim', () => {
  test('API Gateway’s `[a b]` form gives one role per element', async () => {
    const token = await tokenWith(['portal', 'clerk']);
    expect(callerOf(eventWith(flattened(['portal', 'clerk']), token)).roles).toEqual(['portal', 'clerk']);
    expect(callerOf(eventWith('[portal clerk]')).roles).toEqual(['portal', 'clerk']);
  });

  test('one role named "portal clerk" is one unknown role, not a portal and a clerk', async () => {
    const token = await tokenWith(['portal clerk']);
    // API Gateway flattens it to the same string as ["portal", "clerk"]; the verified token tells them apart.
    expect(() => callerOf(eventWith(flattened(['portal clerk']), token))).toThrow(expect.objectContaining({ kind: 'forbidden' }));
  });

  test('an unknown role next to a declared one is ignored', async () => {
    const token = await tokenWith(['portal clerk', 'operator', 'superuser']);
    expect(callerOf(eventWith(flattened(['portal clerk', 'operator', 'superuser']), token)).roles).toEqual(['operator']);
  });

  test('a token whose roles are all unknown is refused', async () => {
    const token = await tokenWith(['admin', 'root']);
    expect(() => callerOf(eventWith('[admin root]', token))).toThrow(expect.objectContaining({ kind: 'forbidden' }));
    const none = await tokenWith([]);
    expect(() => callerOf(eventWith('[]', none))).toThrow(expect.objectContaining({ kind: 'forbidden' }));
  });

  test.each([
    ['a space-separated string', 'portal clerk'],
    ['a comma-separated string', 'portal,clerk'],
    ['a JSON array encoded in a string claim', '["portal","clerk"]'],
    ['one role as a string', 'clerk'],
  ])('%s is refused, not split', async (_, claim) => {
    const token = await tokenWith(claim);
    expect(() => callerOf(eventWith(claim, token))).toThrow(expect.objectContaining({ kind: 'forbidden' }));
    expect(() => callerOf(eventWith(claim))).toThrow(expect.objectContaining({ kind: 'forbidden' }));
  });

  test('a token without a roles claim, or with one that is not an array of strings, is refused', async () => {
    expect(() => callerOf(eventWith(undefined, undefined))).toThrow(expect.objectContaining({ kind: 'forbidden' }));
    const numbers = await tokenWith([1, 2]);
    expect(() => callerOf(eventWith('[1 2]', numbers))).toThrow(expect.objectContaining({ kind: 'forbidden' }));
  });

  test('a bearer token whose roles do not flatten to the verified claim is not believed over the claim', async () => {
    const other = await tokenWith(['operator']);
    expect(callerOf(eventWith('[portal]', other)).roles).toEqual(['portal']);
  });

  test('an array claim (a host that keeps JSON types) is taken element by element', () => {
    expect(callerOf(eventWith(['clerk', 'police'])).roles).toEqual(['clerk', 'police']);
    expect(() => callerOf(eventWith(['portal clerk']))).toThrow(expect.objectContaining({ kind: 'forbidden' }));
  });
});

describe('declared roles', () => {
  test('are the API roles and the task roles the types declare, each once', () => {
    expect(declaredRoles(['clerk', 'clerk', 'police', 'Clerk', ' clerk', 'college'], ['police'])).toEqual(['clerk', 'police']);
    expect(declaredRoles([...apiRoles], [])).toEqual([...apiRoles]);
  });

  test("a caller holds every role a published transaction type gives its tasks, and a role no type declares is none", () => {
    const used = [...new Set(catalogue.all().flatMap((type) => [...type.roles, ...Object.values(type.tasks).map((task) => task.role)]))];
    expect(used).toEqual(expect.arrayContaining(['environment-officer', 'police']));
    expect(callerOf(eventWith([...used, 'gardener'])).roles).toEqual(used);
  });
});
