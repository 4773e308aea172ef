import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { exportJWK, generateKeyPair, importJWK, SignJWT } from 'jose';
import type { CryptoKey, JWK, JSONWebKeySet } from 'jose';
import type { RouteAccess } from '../../functions/api/route-contract';
import { routes } from '../../functions/api/routes';
import type { Scope } from '../../functions/api/scopes';
import { catalogue } from '../../functions/catalogue/catalogue';
import { declaredRoles, taskRoles } from '../../functions/domain/permissions';

/** The issuer and audience of local dev tokens; on AWS they come from the cdk.json context. */
export const devIssuer = 'https://loket.local/dev';
export const devAudience = 'loket-api';
/** RSA, as the HTTP API's JWT authorizer (and so the local one) requires. */
const algorithm = 'RS256';

export interface DevSigningKey {
  readonly privateKey: CryptoKey;
  readonly jwks: JSONWebKeySet;
}

export async function generateDevSigningKey(kid = 'loket-dev'): Promise<{ key: DevSigningKey; privateJwk: JWK }> {
  const { privateKey, publicKey } = await generateKeyPair(algorithm, { extractable: true, modulusLength: 2048 });
  const privateJwk = { ...(await exportJWK(privateKey)), kid, alg: algorithm, use: 'sig' };
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: algorithm, use: 'sig' };
  return { key: { privateKey, jwks: { keys: [publicJwk] } }, privateJwk };
}

/**
 * A client of the local case overview fixture, made afresh for each run: its id and key pair.
 * The private half goes to the functions as development credentials, the public half to the
 * fixture, as DOSIS keeps the public half of a registered client.
 */
export async function generateCaseOverviewClient(): Promise<{ clientId: string; privateJwk: JWK; publicJwk: JWK }> {
  const { privateKey, publicKey } = await generateKeyPair(algorithm, { extractable: true, modulusLength: 2048 });
  const kid = 'loket-case-overview-dev';
  return {
    clientId: 'loket-local',
    privateJwk: { ...(await exportJWK(privateKey)), kid, alg: algorithm },
    publicJwk: { ...(await exportJWK(publicKey)), kid, alg: algorithm },
  };
}

/**
 * The local signing key, created on first use in a git-ignored file so that `npm start`
 * and `npm run token` agree across restarts. It signs dev tokens only; a key of another
 * algorithm (an older ES256 one) is replaced.
 */
export async function loadOrCreateDevSigningKey(file: string): Promise<DevSigningKey> {
  const stored = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as JWK) : undefined;
  if (stored?.alg === algorithm && stored.kty === 'RSA') {
    const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicJwk } = stored;
    const privateKey = (await importJWK(stored, algorithm)) as CryptoKey;
    return { privateKey, jwks: { keys: [publicJwk] } };
  }
  const { key, privateJwk } = await generateDevSigningKey();
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(privateJwk), { mode: 0o600 });
  return key;
}

export interface DevTokenClaims {
  readonly tenant: string;
  readonly roles: readonly string[];
  /**
   * The token's OAuth scopes.
   * @default scopesForRoles(roles): what a client would ask for on behalf of a user with these roles
   */
  readonly scopes?: readonly string[];
  readonly subject?: string;
  /** e.g. '8h'; @default '8h' */
  readonly expiresIn?: string | number;
  readonly issuer?: string;
  readonly audience?: string;
}

/** Whether a user with these (declared) roles may call a route of this access. */
function mayCall(access: RouteAccess, roles: readonly string[]): boolean {
  if ('public' in access) return true;
  return 'roles' in access ? access.roles.some((role) => roles.includes(role)) : taskRoles(roles).length > 0;
}

/** The scopes of every route a user with these roles may call, sorted: what a client asks for on the user's behalf. */
export function scopesForRoles(roles: readonly string[]): Scope[] {
  const held = declaredRoles(roles, catalogue.all().flatMap((type) => type.roles));
  const granted = routes.flatMap((route) => ('public' in route.access || !mayCall(route.access, held) ? [] : route.access.scopes));
  return [...new Set(granted)].sort();
}

/** An access token as the identity provider would issue it: RS256 with the key's `kid`, and a `scope` claim unless it has no scopes. */
export async function signDevToken(key: DevSigningKey, claims: DevTokenClaims): Promise<string> {
  const kid = key.jwks.keys[0]?.kid;
  const scopes = claims.scopes ?? scopesForRoles(claims.roles);
  return new SignJWT({ tenant: claims.tenant, roles: [...claims.roles], ...(scopes.length > 0 ? { scope: scopes.join(' ') } : {}) })
    .setProtectedHeader({ alg: algorithm, typ: 'JWT', ...(kid ? { kid } : {}) })
    .setSubject(claims.subject ?? `dev-${claims.roles.join('-') || 'user'}@${claims.tenant}`)
    .setIssuer(claims.issuer ?? devIssuer)
    .setAudience(claims.audience ?? devAudience)
    .setIssuedAt()
    .setExpirationTime(claims.expiresIn ?? '8h')
    .sign(key.privateKey);
}

/**
 * The local host's key for applicant pseudonyms (on AWS a KMS HMAC key). Fixed, so that
 * pseudonyms in a kept `.loket/` table stay valid across restarts; it protects nothing.
 */
export const devPseudonymKey = 'loket-local-development-pseudonym-key';

/**
 * The local host's key that seals audit trails (on AWS a KMS HMAC key no table writer holds).
 * Fixed, so that trails in a kept `.loket/` table still verify after a restart; it protects nothing.
 */
export const devAuditSealKey = 'loket-local-development-audit-seal-key';
