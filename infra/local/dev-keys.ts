import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { exportJWK, generateKeyPair, importJWK, SignJWT } from 'jose';
import type { CryptoKey, JWK, JSONWebKeySet } from 'jose';

/** The issuer and audience of local dev tokens; on AWS they come from the cdk.json context. */
export const devIssuer = 'https://loket.local/dev';
export const devAudience = 'loket-api';
const algorithm = 'ES256';

export interface DevSigningKey {
  readonly privateKey: CryptoKey;
  readonly jwks: JSONWebKeySet;
}

export async function generateDevSigningKey(kid = 'loket-dev'): Promise<{ key: DevSigningKey; privateJwk: JWK }> {
  const { privateKey, publicKey } = await generateKeyPair(algorithm, { extractable: true });
  const privateJwk = { ...(await exportJWK(privateKey)), kid, alg: algorithm, use: 'sig' };
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: algorithm, use: 'sig' };
  return { key: { privateKey, jwks: { keys: [publicJwk] } }, privateJwk };
}

/**
 * The local signing key, created on first use in a git-ignored file so that `npm start`
 * and `npm run token` agree across restarts. It signs dev tokens only.
 */
export async function loadOrCreateDevSigningKey(file: string): Promise<DevSigningKey> {
  if (existsSync(file)) {
    const privateJwk = JSON.parse(readFileSync(file, 'utf8')) as JWK;
    const { d: _d, ...publicJwk } = privateJwk;
    const privateKey = (await importJWK(privateJwk, algorithm)) as CryptoKey;
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
  readonly subject?: string;
  /** e.g. '8h'; @default '8h' */
  readonly expiresIn?: string | number;
  readonly issuer?: string;
  readonly audience?: string;
}

export async function signDevToken(key: DevSigningKey, claims: DevTokenClaims): Promise<string> {
  const kid = key.jwks.keys[0]?.kid;
  return new SignJWT({ tenant: claims.tenant, roles: [...claims.roles] })
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
