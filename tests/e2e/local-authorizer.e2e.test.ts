import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import type { CryptoKey, JWTPayload } from 'jose';
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { devAudience, devIssuer, generateDevSigningKey, scopesForRoles, signDevToken, type DevSigningKey } from '../../infra/local/dev-keys';
import { startHttpApi, type HttpApi } from '../../infra/local/http-api.server';

/*
 * The local HTTP API's JWT authorizer, over HTTP with real signed tokens, checks what the HTTP
 * API's JWT authorizer checks on AWS: an RS256 signature by the key the token's `kid` names,
 * issuer, audience, a required `exp`, `nbf` and `iat` not in the future (60 s of clock skew),
 * and one of the route's scopes. The functions are stood in for by a recorder, so that what
 * is proven is the authorizer's decision and the event it passes on.
 */

const now = () => Math.floor(Date.now() / 1000);
const catalogueRoute = '/v1/transaction-types';

let api: HttpApi;
let signing: DevSigningKey;
let ecKey: CryptoKey;
const invoked: { name: string; event: APIGatewayProxyEventV2WithJWTAuthorizer }[] = [];

beforeAll(async () => {
  ({ key: signing } = await generateDevSigningKey('loket-dev'));
  // The key set also holds an EC key, so that an ES256 token finds its key and is refused for its algorithm alone.
  const ec = await generateKeyPair('ES256', { extractable: true });
  ecKey = ec.privateKey;
  const jwks = { keys: [...signing.jwks.keys, { ...(await exportJWK(ec.publicKey)), kid: 'loket-ec', alg: 'ES256', use: 'sig' }] };
  api = await startHttpApi({
    port: 0,
    jwks,
    issuer: devIssuer,
    audience: devAudience,
    lambdas: {
      async invoke(name: string, event: unknown) {
        invoked.push({ name, event: event as APIGatewayProxyEventV2WithJWTAuthorizer });
        return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: '{}' };
      },
    },
  });
});

afterAll(async () => {
  await api?.close();
});

beforeEach(() => {
  invoked.length = 0;
});

/** A token of the dev issuer for a portal, signed as `header` says, with these claims over the usual ones. */
async function token(claims: JWTPayload = {}, header: { alg?: string; kid?: string | undefined } = {}, key: CryptoKey = signing.privateKey): Promise<string> {
  const alg = header.alg ?? 'RS256';
  const kid = 'kid' in header ? header.kid : 'loket-dev';
  return new SignJWT({ sub: 'portal@44021', tenant: '44021', roles: ['portal'], scope: 'loket/catalogue.read', iss: devIssuer, aud: devAudience, iat: now(), exp: now() + 600, ...claims })
    .setProtectedHeader({ alg, typ: 'JWT', ...(kid === undefined ? {} : { kid }) })
    .sign(key);
}

async function call(path: string, bearer?: string): Promise<{ status: number; body: any; headers: Headers }> {
  const response = await fetch(`${api.url}${path}`, { headers: bearer ? { authorization: `Bearer ${bearer}` } : {} });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
}

describe('signatures and keys', () => {
  test('an RS256 token signed by the key its kid names is let through', async () => {
    const response = await call(catalogueRoute, await token());
    expect(response.status).toBe(200);
    expect(invoked.map((call) => call.name)).toEqual(['list-transaction-types']);
  });

  test('a token signed with ES256 is refused, even by a key of the key set', async () => {
    expect((await call(catalogueRoute, await token({}, { alg: 'ES256', kid: 'loket-ec' }, ecKey))).status).toBe(401);
    expect(invoked).toEqual([]);
  });

  test('a token without kid is refused, though the key set has a key that verifies it', async () => {
    expect((await call(catalogueRoute, await token({}, { kid: undefined }))).status).toBe(401);
  });

  test('a token whose kid names no key of the set is refused', async () => {
    expect((await call(catalogueRoute, await token({}, { kid: 'another-key' }))).status).toBe(401);
  });

  test('a token signed by a key outside the set, under a known kid, is refused', async () => {
    const { key: stranger } = await generateDevSigningKey('loket-dev');
    expect((await call(catalogueRoute, await signDevToken(stranger, { tenant: '44021', roles: ['portal'] }))).status).toBe(401);
  });
});

describe('times', () => {
  test('a token without exp is refused', async () => {
    expect((await call(catalogueRoute, await token({ exp: undefined }))).status).toBe(401);
  });

  test('a token issued in the future is refused; one within the clock skew is let through', async () => {
    expect((await call(catalogueRoute, await token({ iat: now() + 300 }))).status).toBe(401);
    expect((await call(catalogueRoute, await token({ iat: now() + 30 }))).status).toBe(200);
  });

  test('a token not valid before a time in the future is refused; one within the clock skew is let through', async () => {
    expect((await call(catalogueRoute, await token({ nbf: now() + 300 }))).status).toBe(401);
    expect((await call(catalogueRoute, await token({ nbf: now() + 30 }))).status).toBe(200);
  });

  test('an expired token is refused', async () => {
    expect((await call(catalogueRoute, await token({ iat: now() - 3600, exp: now() - 600 }))).status).toBe(401);
  });
});

describe('scopes', () => {
  test('a token without any scope, such as an OpenID Connect ID token, is a 403', async () => {
    const idToken = await token({ scope: undefined, token_use: 'id', email: 'someone@example.org' });
    const response = await call(catalogueRoute, idToken);
    expect(response.status).toBe(403);
    expect(response.body).toEqual({ message: 'Forbidden' });
    expect(invoked).toEqual([]);
  });

  test('a token whose scopes are not among the route’s is a 403, as API Gateway answers it', async () => {
    const response = await call(catalogueRoute, await token({ scope: 'loket/cases.read loket/tasks.write' }));
    expect(response.status).toBe(403);
    expect(response.body).toEqual({ message: 'Forbidden' });
    expect(invoked).toEqual([]);
  });

  test('the scope may come as a space-separated `scope` or an `scp` array, and reaches the function', async () => {
    expect((await call(catalogueRoute, await token({ scope: 'openid loket/catalogue.read' }))).status).toBe(200);
    expect((await call(catalogueRoute, await token({ scope: undefined, scp: ['loket/catalogue.read'] }))).status).toBe(200);
    expect(invoked.map((call) => call.event.requestContext.authorizer.jwt.scopes)).toEqual([['openid', 'loket/catalogue.read'], ['loket/catalogue.read']]);
  });

  test('each route requires its own scope', async () => {
    const caseReader = await token({ roles: ['clerk'], scope: 'loket/cases.read' });
    expect((await call('/v1/cases/01JB8ZQ6M1V4Y3XK2T9R5N7C0D', caseReader)).status).toBe(200);
    expect((await call('/v1/tasks', caseReader)).status).toBe(403);
    expect((await call('/v1/operations/cases?attention=true', caseReader)).status).toBe(403);
  });

  test('a dev token carries the scopes of the routes its roles may call', async () => {
    expect(scopesForRoles(['portal'])).toEqual(['loket/cases.read', 'loket/cases.write', 'loket/catalogue.read']);
    expect(scopesForRoles(['police'])).toEqual(['loket/tasks.read', 'loket/tasks.write']);
    expect(scopesForRoles(['portal clerk'])).toEqual([]);
    const clerk = await signDevToken(signing, { tenant: '44021', roles: ['clerk'] });
    expect((await call('/v1/tasks', clerk)).status).toBe(200);
    expect((await call('/v1/operations/cases?attention=true', clerk)).status).toBe(403);
  });
});

describe('what the function is given', () => {
  test('claims as API Gateway passes them: strings, an array as `[a b]`', async () => {
    await call(catalogueRoute, await token({ roles: ['portal', 'clerk'] }));
    expect(invoked[0]?.event.requestContext.authorizer.jwt.claims).toMatchObject({ sub: 'portal@44021', tenant: '44021', roles: '[portal clerk]' });
  });

  test('a public route needs no token', async () => {
    expect((await call('/v1/health')).status).toBe(200);
  });
});

describe('paths', () => {
  test.each([['/v1/cases/%E0%A4%A/history'], ['/v1/cases/%zz'], ['/v1/tasks/%/claim']])('a malformed %%-escape (%s) is a 400 problem, and no function runs', async (path) => {
    const response = await fetch(`${api.url}${path}`, { method: path.endsWith('claim') ? 'POST' : 'GET', headers: { authorization: `Bearer ${await token()}` } });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(await response.json()).toMatchObject({ status: 400, title: 'Invalid request' });
    expect(invoked).toEqual([]);
  });

  test('a well-formed escape is decoded into the path parameter', async () => {
    await call('/v1/transaction-types/proof%2Dof-residence', await token());
    expect(invoked[0]?.event.pathParameters).toEqual({ key: 'proof-of-residence' });
  });
});

test('the server listens on the loopback interface only', () => {
  expect(new URL(api.url).hostname).toBe('127.0.0.1');
});
