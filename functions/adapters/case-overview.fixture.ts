import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { importJWK, jwtVerify, type JWK } from 'jose';
import { dosisUploadPath } from './case-overview.dosis';
import { dosisDossierSchema, type DosisDossier } from './dosis.payload';

/**
 * FIXTURE: a stand-in for DOSIS, the Flemish case-status service this machine cannot reach,
 * for the local host and the tests. It answers like the real service as far as its public
 * documentation shows: an OAuth token endpoint that checks the client's signed assertion, and
 * `POST /api/v1/dosis/dossiers`, which checks the bearer token and the dossier's shape, answers
 * 200 with the upload id when it accepts one, 400 with a DOSIS error (`Code`, `Message`,
 * `Description`) when the shape is wrong and 401 without a valid token. An upload id it has
 * seen is answered again without a second update, and an update older than the dossier's
 * current state does not replace it.
 */
export interface FixtureCaseOverview {
  /** The base URL of the dossier API. */
  readonly url: string;
  readonly tokenUrl: string;
  /** Each dossier's current state, by `<Bron>|<DossierNummer>`. */
  readonly dossiers: ReadonlyMap<string, DosisDossier>;
  /** The updates accepted, in order: one per upload id. */
  readonly updates: readonly DosisDossier[];
  close(): Promise<void>;
}

export interface FixtureCaseOverviewOptions {
  /** The client the fixture knows, and the public half of its key. */
  readonly clientId: string;
  readonly publicJwk: JWK;
  /** @default 0, a free port */
  readonly port?: number;
}

const tokenPath = '/oauth/token';
const tokenLifetimeSeconds = 3600;
const maxBodyBytes = 64 * 1024;

async function bodyOf(request: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > maxBodyBytes) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function answer(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

const dosisError = (code: string, message: string, description?: string) => ({ Code: code, Message: message, ...(description ? { Description: description } : {}) });

export async function startFixtureCaseOverview(options: FixtureCaseOverviewOptions): Promise<FixtureCaseOverview> {
  const key = await importJWK(options.publicJwk, options.publicJwk.alg ?? 'RS256');
  const tokens = new Set<string>();
  const seen = new Map<string, string>();
  const dossiers = new Map<string, DosisDossier>();
  const updates: DosisDossier[] = [];
  let tokenUrl = '';

  async function issueToken(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const form = new URLSearchParams((await bodyOf(request)) ?? '');
    const assertion = form.get('client_assertion');
    if (form.get('grant_type') !== 'client_credentials' || form.get('client_assertion_type') !== 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer' || !assertion) {
      return answer(response, 400, { error: 'invalid_request' });
    }
    try {
      await jwtVerify(assertion, key, { issuer: options.clientId, subject: options.clientId, audience: tokenUrl, requiredClaims: ['jti', 'exp'] });
    } catch {
      return answer(response, 401, { error: 'invalid_client' });
    }
    const token = randomUUID();
    tokens.add(token);
    answer(response, 200, { access_token: token, token_type: 'Bearer', expires_in: tokenLifetimeSeconds, scope: form.get('scope') ?? '' });
  }

  async function upload(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const bearer = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
    if (!bearer || !tokens.has(bearer)) return answer(response, 401, dosisError('Unauthorized', 'no valid access token'));
    const text = await bodyOf(request);
    if (text === undefined) return answer(response, 413, dosisError('PayloadTooLarge', `a dossier is at most ${maxBodyBytes} bytes`));
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return answer(response, 400, dosisError('OngeldigeJson', 'the body is not JSON'));
    }
    const parsed = dosisDossierSchema.safeParse(json);
    if (!parsed.success) {
      // Paths and messages only: never the values, which include a national number.
      const description = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`).join('; ');
      return answer(response, 400, dosisError('ValidatieFout', 'the dossier does not match the DOSIS model', description));
    }
    const dossier = parsed.data;
    const repeated = seen.get(dossier.UploadId);
    if (repeated !== undefined) return answer(response, 200, { Status: repeated, UploadId: dossier.UploadId });
    const id = `${dossier.Identificatie.Bron}|${dossier.Identificatie.DossierNummer}`;
    const current = dossiers.get(id);
    const outdated = current !== undefined && Date.parse(current.WijzigingsDatum) > Date.parse(dossier.WijzigingsDatum);
    if (!outdated) dossiers.set(id, dossier);
    updates.push(dossier);
    seen.set(dossier.UploadId, 'Ontvangen');
    answer(response, 200, { Status: 'Ontvangen', UploadId: dossier.UploadId });
  }

  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://fixture').pathname;
    const handled =
      request.method === 'POST' && path === tokenPath
        ? issueToken(request, response)
        : request.method === 'POST' && path === dosisUploadPath
          ? upload(request, response)
          : Promise.resolve(answer(response, 404, dosisError('NotFound', `no ${request.method} ${path}`)));
    handled.catch(() => {
      if (!response.headersSent) answer(response, 500, dosisError('InternalError', 'the fixture failed'));
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  tokenUrl = `${url}${tokenPath}`;
  return {
    url,
    tokenUrl,
    dossiers,
    updates,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
