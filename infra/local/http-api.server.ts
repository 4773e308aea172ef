import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { VerifiedTokens } from './verified-tokens';
import type { JSONWebKeySet, JWTPayload } from 'jose';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { RouteDeclaration } from '../../functions/app.declaration';
import { apiFunctions } from '../../functions/app.declaration';
import { scopesOfToken } from '../../functions/api/scopes';
import type { LambdaHost } from './lambda-host';
import { localAccountId } from './local-network';

export interface HttpApiOptions {
  readonly port: number;
  /** What runs the routes' functions: the local Lambda host, or a test's stand-in. */
  readonly lambdas: Pick<LambdaHost, 'invoke'>;
  readonly jwks: JSONWebKeySet;
  readonly issuer: string;
  readonly audience: string;
}

export interface HttpApi {
  readonly url: string;
  close(): Promise<void>;
}

/** API Gateway's own limit on a request's payload. */
const maxPayloadBytes = 10 * 1024 * 1024;

/** The only signature algorithm accepted: the HTTP API's JWT authorizer verifies RSA signatures. */
const acceptedAlgorithms = ['RS256'];
/** How far the issuer's clock may be off from this one, for `exp`, `nbf` and `iat`. */
const clockSkewSeconds = 60;

interface CompiledRoute {
  readonly route: RouteDeclaration;
  readonly functionName: string;
  readonly pattern: RegExp;
  readonly parameterNames: string[];
}

function compileRoutes(): CompiledRoute[] {
  return apiFunctions.flatMap((declaration) =>
    (declaration.routes ?? []).map((route) => {
      const parameterNames: string[] = [];
      const source = route.path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{([^}]+)\\?\}/g, (_, name: string) => {
        parameterNames.push(name);
        return '([^/]+)';
      });
      return { route, functionName: declaration.name, pattern: new RegExp(`^${source}$`), parameterNames };
    }),
  );
}

/** API Gateway hands JWT claims to the function as strings; an array becomes `[a b]`. */
function flattenClaims(payload: JWTPayload): Record<string, string> {
  return Object.fromEntries(
    Object.entries(payload).map(([name, value]) => [
      name,
      Array.isArray(value) ? `[${value.join(' ')}]` : typeof value === 'object' ? JSON.stringify(value) : String(value),
    ]),
  );
}

/** The path's parameters, percent-decoded; undefined when an escape is malformed. */
function decodedParameters(names: readonly string[], values: readonly string[]): Record<string, string> | undefined {
  try {
    return Object.fromEntries(names.map((name, i) => [name, decodeURIComponent(values[i] ?? '')]));
  } catch {
    return undefined;
  }
}

function send(response: ServerResponse, statusCode: number, headers: Record<string, string>, body: string | Buffer): void {
  response.writeHead(statusCode, { 'content-length': Buffer.byteLength(body), ...headers });
  response.end(body);
}

/** API Gateway's own error answers, which happen before any function runs. */
function gatewayError(response: ServerResponse, statusCode: number, message: string, extra: Record<string, string> = {}): void {
  send(response, statusCode, { 'content-type': 'application/json', ...extra }, JSON.stringify({ message }));
}

/** A path whose percent-escapes do not decode names nothing; it is refused before anything runs. */
function malformedPath(response: ServerResponse): void {
  const problem = {
    type: 'https://loket.dev/problems/invalid-request',
    title: 'Invalid request',
    status: 400,
    detail: 'the path holds a malformed percent-escape',
  };
  send(response, 400, { 'content-type': 'application/problem+json' }, JSON.stringify(problem));
}

function readBody(request: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxPayloadBytes) {
        resolve(undefined);
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

/**
 * The HTTP API on the local host: the same routes as the CDK HttpApi, each request turned
 * into an API Gateway payload 2.0 event for the same handler, and JWTs checked the way the
 * HTTP API JWT authorizer checks them (an RS256 signature by the JWKS key the token's `kid`
 * names, issuer, audience, expiry, not-before and issued-at, and the route's scopes).
 */
export async function startHttpApi(options: HttpApiOptions): Promise<HttpApi> {
  const routes = compileRoutes();
  const keySet = createLocalJWKSet(options.jwks);
  const verified = new VerifiedTokens({ clockSkewSeconds });

  /**
   * The token's claims if it is one the HTTP API's JWT authorizer accepts: signed with RS256 by
   * the key its header names (`kid` is required), for this issuer and audience, with an `exp`,
   * and current: `exp` not passed, `nbf` and `iat` not in the future, each within the clock skew.
   */
  async function authenticate(header: string | undefined): Promise<JWTPayload | undefined> {
    if (!header) return undefined;
    const token = header.replace(/^Bearer\s+/i, '').trim();
    const remembered = verified.get(token);
    if (remembered) return remembered;
    try {
      if (typeof decodeProtectedHeader(token).kid !== 'string') return undefined;
      const { payload } = await jwtVerify(token, keySet, {
        algorithms: acceptedAlgorithms,
        issuer: options.issuer,
        audience: options.audience,
        requiredClaims: ['exp'],
        clockTolerance: clockSkewSeconds,
      });
      // jose checks that `iat` is not in the future only together with a maximum token age, which the authorizer has not.
      if (!verified.isCurrent(payload)) return undefined;
      verified.remember(token, payload);
      return payload;
    } catch {
      return undefined;
    }
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const method = (request.method ?? 'GET').toUpperCase();
    if (method === 'GET' && url.pathname === '/.well-known/jwks.json') {
      return send(response, 200, { 'content-type': 'application/json' }, JSON.stringify(options.jwks));
    }
    const candidates = routes.filter((candidate) => candidate.pattern.test(url.pathname));
    const match = candidates.find((candidate) => candidate.route.method === method);
    if (!match) return gatewayError(response, 404, 'Not Found');

    const pathParameters = decodedParameters(match.parameterNames, match.pattern.exec(url.pathname)?.slice(1) ?? []);
    if (!pathParameters) return malformedPath(response);

    let claims: Record<string, string> | undefined;
    let scopes: string[] = [];
    if (match.route.authorized) {
      const payload = await authenticate(request.headers.authorization);
      if (!payload) return gatewayError(response, 401, 'Unauthorized', { 'www-authenticate': 'Bearer' });
      // As the authorizer checks a route's authorizationScopes: one of them must be in the token (an ID token has none).
      scopes = scopesOfToken(payload);
      if (match.route.scopes.length > 0 && !match.route.scopes.some((scope) => scopes.includes(scope))) {
        return gatewayError(response, 403, 'Forbidden');
      }
      claims = flattenClaims(payload);
    }
    const body = await readBody(request);
    if (!body) return gatewayError(response, 413, 'Request Entity Too Large');

    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers)) {
      if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
    }
    const query: Record<string, string> = {};
    for (const [name, value] of url.searchParams) query[name] = name in query ? `${query[name]},${value}` : value;
    const routeKey = `${match.route.method} ${match.route.path}`;
    const now = new Date();
    const requestId = randomUUID();
    const event: APIGatewayProxyEventV2WithJWTAuthorizer = {
      version: '2.0',
      routeKey,
      rawPath: url.pathname,
      rawQueryString: url.search.replace(/^\?/, ''),
      headers,
      ...(Object.keys(query).length > 0 ? { queryStringParameters: query } : {}),
      ...(match.parameterNames.length > 0 ? { pathParameters } : {}),
      ...(body.length > 0 ? { body: body.toString('utf8') } : {}),
      isBase64Encoded: false,
      requestContext: {
        accountId: localAccountId,
        apiId: 'local',
        authorizer: { principalId: '', integrationLatency: 0, jwt: { claims: claims ?? {}, scopes } },
        domainName: headers.host ?? 'localhost',
        domainPrefix: 'localhost',
        http: {
          method,
          path: url.pathname,
          protocol: `HTTP/${request.httpVersion}`,
          sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
          userAgent: headers['user-agent'] ?? '',
        },
        requestId,
        routeKey,
        stage: '$default',
        time: now.toISOString(),
        timeEpoch: now.getTime(),
      },
    };
    const result = (await options.lambdas.invoke(match.functionName, event)) as APIGatewayProxyStructuredResultV2;
    // As API Gateway does, a base64 body (a file) goes out as its bytes.
    const text = typeof result.body === 'string' ? result.body : '';
    const resultBody = result.isBase64Encoded ? Buffer.from(text, 'base64') : text;
    const resultHeaders = Object.fromEntries(Object.entries(result.headers ?? {}).map(([k, v]) => [k, String(v)]));
    send(response, result.statusCode ?? 200, { ...resultHeaders, 'apigw-requestid': requestId }, resultBody);
  }

  const server: Server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      console.error('Local HTTP API: the function failed', error);
      if (!response.headersSent) gatewayError(response, 500, 'Internal Server Error');
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
