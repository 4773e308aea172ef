import { randomUUID } from 'node:crypto';
import { importJWK, SignJWT, type JWK } from 'jose';
import { TransientError } from '../domain/errors';
import type { CitizenCaseOverview } from '../ports/case-overview.port';
import { dosisDossierOf, dosisErrorSchema } from './dosis.payload';

/** Where DOSIS takes dossier statuses, under its base URL. */
export const dosisUploadPath = '/api/v1/dosis/dossiers';
/** The OAuth scope of uploads to DOSIS (the VLAIO connector's `DosisImport`). */
export const dosisScope = 'DosisImport';

/** A permanent refusal by the case overview: sending the same update again cannot help. */
export class CaseOverviewRefused extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'CaseOverviewRefused';
  }
}

/** The client DOSIS knows Loket by, and the private key (a JWK) whose public half is registered with it. */
export interface DosisCredentials {
  readonly clientId: string;
  readonly privateJwk: JWK;
}

export interface BearerTokens {
  /** A bearer token; `fresh` when the last one was refused. */
  token(fresh?: boolean): Promise<string>;
}

/** A refused or failed HTTP exchange as the delivery machinery needs it: worth a retry, or not. */
function failureOf(what: string, status: number, code?: string): Error {
  const detail = `${what} answered ${status}${code ? ` (${code})` : ''}`;
  return status >= 500 || status === 429 || status === 408 ? new TransientError(detail) : new CaseOverviewRefused(detail, status);
}

/** A network failure or timeout of a request: transient. */
function unreachable(what: string, error: unknown): TransientError {
  const cause = error as { name?: string; cause?: { code?: string } };
  return new TransientError(`${what} unreachable (${cause.cause?.code ?? cause.name ?? 'error'})`, { cause: error });
}

/** DOSIS's own error code, if its answer carries one; never its description, which may repeat what was sent. */
async function errorCodeOf(response: Response): Promise<string | undefined> {
  const parsed = dosisErrorSchema.safeParse(await response.json().catch(() => undefined));
  return parsed.success ? parsed.data.Code : undefined;
}

/**
 * OAuth 2.0 client credentials with a signed client assertion (`private_key_jwt`), as the
 * Flemish authorization server asks of DOSIS clients. The token is kept until five minutes
 * before it expires.
 */
export function oauthClientCredentials(options: { tokenUrl: string; credentials: () => Promise<DosisCredentials>; timeoutMs?: number; now?: () => number }): BearerTokens {
  const now = options.now ?? Date.now;
  let cached: { value: string; until: number } | undefined;
  return {
    async token(fresh = false) {
      if (!fresh && cached && cached.until > now()) return cached.value;
      const { clientId, privateJwk } = await options.credentials();
      const algorithm = privateJwk.alg ?? 'RS256';
      const assertion = await new SignJWT({})
        .setProtectedHeader({ alg: algorithm, ...(privateJwk.kid ? { kid: privateJwk.kid } : {}) })
        .setIssuer(clientId)
        .setSubject(clientId)
        .setAudience(options.tokenUrl)
        .setJti(randomUUID())
        .setIssuedAt(Math.floor(now() / 1000))
        .setExpirationTime(Math.floor(now() / 1000) + 120)
        .sign(await importJWK(privateJwk, algorithm));
      const body = new URLSearchParams({
        grant_type: 'client_credentials',
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        client_assertion: assertion,
        scope: dosisScope,
      });
      let response: Response;
      try {
        response = await fetch(options.tokenUrl, { method: 'POST', body, signal: AbortSignal.timeout(options.timeoutMs ?? 10_000) });
      } catch (error) {
        throw unreachable('the DOSIS token endpoint', error);
      }
      if (!response.ok) throw failureOf('the DOSIS token endpoint', response.status);
      const granted = (await response.json().catch(() => ({}))) as { access_token?: unknown; expires_in?: unknown };
      if (typeof granted.access_token !== 'string') throw new TransientError('the DOSIS token endpoint answered without an access token');
      const lifetime = typeof granted.expires_in === 'number' ? granted.expires_in : 300;
      cached = { value: granted.access_token, until: now() + Math.max(0, lifetime - 300) * 1000 };
      return cached.value;
    },
  };
}

/**
 * The citizen's case overview over DOSIS's HTTP API. Idempotent through the upload id, which
 * follows from the update (the same transaction id, status and place in the trail give the
 * same id). A 5xx, 429, 408, a timeout or a network failure is a `TransientError`; another 4xx
 * is a `CaseOverviewRefused`. A 401 is tried once more with a fresh token. What is sent is
 * never logged: it carries the applicant's number.
 */
export function dosisCaseOverview(options: { baseUrl: string; tokens: BearerTokens; timeoutMs?: number }): CitizenCaseOverview {
  const url = new URL(dosisUploadPath, options.baseUrl).toString();
  async function upload(body: string, fresh: boolean): Promise<Response> {
    const token = await options.tokens.token(fresh);
    try {
      return await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', authorization: `Bearer ${token}` },
        body,
        signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
      });
    } catch (error) {
      throw unreachable('DOSIS', error);
    }
  }
  return {
    async publish(update) {
      const body = JSON.stringify(dosisDossierOf(update));
      let response = await upload(body, false);
      if (response.status === 401) response = await upload(body, true);
      if (response.ok) {
        await response.body?.cancel();
        return;
      }
      throw failureOf('DOSIS', response.status, await errorCodeOf(response));
    },
  };
}
