import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { decodeJwt } from 'jose';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type * as z from '../domain/zod';
import type { Caller } from '../domain/actor';
import type { FieldError } from '../domain/errors';
import { DomainError, fieldErrors, forbidden, validationError } from '../domain/errors';
import { catalogue } from '../catalogue/catalogue';
import { declaredRoles, requireRole, taskRoles } from '../domain/permissions';
import type { Language } from '../domain/transaction-type';
import { logger, metrics, traceHandler } from '../commons/powertools';
import { callerLimits, nestsDeeperThan, outOfBoundsNumbers, requestLimits } from './request-limits';
import { headerSchemas, maxFieldErrors } from './api.schemas';
import type { HeaderName, ResponseBody, RouteContract } from './route-contract';

export type HttpEvent = APIGatewayProxyEventV2WithJWTAuthorizer;
export type HttpResult = APIGatewayProxyStructuredResultV2;

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpResult {
  return { statusCode, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) };
}

/** A file as an attachment: API Gateway decodes the base64 body and sends the bytes. */
export function file(bytes: Uint8Array, contentType: string, filename: string): HttpResult {
  return {
    statusCode: 200,
    headers: {
      'content-type': contentType,
      'content-disposition': `attachment; filename="${filename.replace(/["\\\r\n]/g, '_')}"`,
      'cache-control': 'private, no-store',
    },
    body: Buffer.from(bytes).toString('base64'),
    isBase64Encoded: true,
  };
}

/** An RFC 9457 problem document. */
export function problem(status: number, title: string, detail: string, errors?: readonly FieldError[]): HttpResult {
  return {
    statusCode: status,
    headers: { 'content-type': 'application/problem+json' },
    body: JSON.stringify({
      type: `https://loket.dev/problems/${title.toLowerCase().replace(/[^a-z]+/g, '-')}`,
      title,
      status,
      detail,
      ...(errors && errors.length > 0 ? { errors: errors.slice(0, maxFieldErrors) } : {}),
    }),
  };
}

/** A failure of the HTTP exchange itself rather than of the domain: a wrong media type, an oversized body. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

const domainStatus = { validation: 400, forbidden: 403, 'not-found': 404, conflict: 409, unprocessable: 422 } as const;
const domainTitle = {
  validation: 'Invalid request',
  forbidden: 'Forbidden',
  'not-found': 'Not found',
  conflict: 'Conflict',
  unprocessable: 'Unprocessable request',
} as const;

/** The one mapping of errors to responses: domain errors become 4xx problems, anything else a 500 that is logged. */
export function errorResponse(error: unknown): HttpResult {
  if (error instanceof DomainError) {
    return problem(domainStatus[error.kind], domainTitle[error.kind], error.message, error.errors);
  }
  if (error instanceof HttpError) return problem(error.status, error.title, error.message);
  logger.error('Unhandled error', error as Error);
  return problem(500, 'Internal error', 'The request could not be handled; it has been logged.');
}

/**
 * Parses and validates a JSON body; anything else is a 400 (or 413/415) problem. The size,
 * the nesting and the numbers are checked before the schema, so that no deep or huge body
 * reaches any code that walks it recursively, and no number reaches the table that it refuses.
 */
export function parseBody<T extends z.ZodMiniType>(event: HttpEvent, schema: T): z.infer<T> {
  const contentType = event.headers['content-type'] ?? '';
  if (!/^application\/json\s*(;|$)/i.test(contentType)) {
    throw new HttpError(415, 'Unsupported media type', 'the body must be JSON, sent with content-type application/json');
  }
  const tooLarge = () => new HttpError(413, 'Payload too large', `the body is larger than ${requestLimits.bodyBytes} bytes`);
  const raw = event.body ?? '';
  if (raw.length > (event.isBase64Encoded ? Math.ceil(requestLimits.bodyBytes / 3) * 4 : requestLimits.bodyBytes)) throw tooLarge();
  const text = event.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw;
  if (Buffer.byteLength(text) > requestLimits.bodyBytes) throw tooLarge();
  if (nestsDeeperThan(text, requestLimits.bodyDepth)) {
    throw validationError(`the body nests arrays and objects deeper than ${requestLimits.bodyDepth} levels`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw validationError('the body is not valid JSON');
  }
  const numbers = outOfBoundsNumbers(parsed);
  if (numbers.length > 0) throw validationError('the body holds a number out of bounds', numbers);
  const result = schema.safeParse(parsed);
  if (!result.success) throw validationError('the body does not match the expected shape', fieldErrors(result.error.issues));
  return result.data;
}

let typeRoles: readonly string[] | undefined;
/**
 * The task roles the published types declare: a role a type folder names is one Loket knows. Read
 * when a caller is first named, not at init: a public route (the health check, the OpenAPI
 * document) never reads the catalogue.
 */
const knownTypeRoles = () => (typeRoles ??= catalogue.all().flatMap((type) => type.roles));

/**
 * The authenticated caller, from the claims the JWT authorizer verified. Its roles are the
 * declared role names its roles claim lists; a token that carries none of them is refused.
 */
export function callerOf(event: HttpEvent): Caller {
  const claims = event.requestContext.authorizer?.jwt?.claims ?? {};
  const subject = claims.sub;
  const tenant = claims.tenant;
  if (typeof subject !== 'string' || typeof tenant !== 'string' || subject === '' || tenant === '') {
    throw new DomainError('forbidden', 'the token carries no subject or tenant');
  }
  // Both are written into cases, tasks and audit events, and the contract bounds them there.
  if (subject.length > callerLimits.subjectLength || !callerLimits.tenantPattern.test(tenant)) {
    throw forbidden('the token’s subject or tenant is not one Loket accepts');
  }
  const roles = declaredRoles(rolesClaimOf(event), knownTypeRoles());
  if (roles.length === 0) throw forbidden('the token carries none of the roles Loket declares');
  return { kind: 'user', subject, tenant, roles };
}

const roleClaimError = 'the roles claim of the token must be a JSON array of role names';

/**
 * The roles claim, one name per array element. It must be a JSON array of strings. API Gateway
 * hands an array claim to the function flattened to the string `[a b]`, which cannot tell
 * `["portal clerk"]` from `["portal", "clerk"]`; the bearer token in the Authorization header,
 * which the JWT authorizer verified, can: its own array is taken when it flattens to exactly
 * the claim API Gateway passed. Without it, `[a b]` is read as API Gateway writes it, one
 * element per space-separated name. Nothing else is split.
 */
function rolesClaimOf(event: HttpEvent): readonly string[] {
  const claim: unknown = event.requestContext.authorizer?.jwt?.claims?.roles;
  if (isStringArray(claim)) return claim;
  if (typeof claim !== 'string') throw forbidden(roleClaimError);
  const inToken = rolesInBearerToken(event.headers.authorization);
  if (inToken && (claim === `[${inToken.join(' ')}]` || claim === JSON.stringify(inToken))) return inToken;
  if (/^\[[^[\]"]*\]$/.test(claim)) return claim.slice(1, -1).split(' ').filter((name) => name !== '');
  throw forbidden(roleClaimError);
}

function isStringArray(value: unknown): value is readonly string[] {
  return Array.isArray(value) && value.every((element) => typeof element === 'string');
}

/** The roles array of the bearer token in an Authorization header, read without verifying it (the authorizer did). */
function rolesInBearerToken(header: string | undefined): readonly string[] | undefined {
  const token = /^Bearer\s+(\S+)$/i.exec(header?.trim() ?? '')?.[1];
  if (!token) return undefined;
  try {
    const { roles } = decodeJwt(token);
    return isStringArray(roles) ? roles : undefined;
  } catch {
    return undefined;
  }
}

/** The first language of Accept-Language that Loket speaks; Dutch when none. */
export function languageOf(event: HttpEvent): 'nl' | 'en' {
  const header = event.headers['accept-language'] ?? '';
  for (const part of header.split(',')) {
    const tag = part.split(';')[0]?.trim().toLowerCase() ?? '';
    if (tag.startsWith('en')) return 'en';
    if (tag.startsWith('nl')) return 'nl';
  }
  return 'nl';
}

/**
 * Wraps an HTTP API handler in the chain every API function shares: Powertools context,
 * metrics and tracing, the request id as correlation id, and one error mapper.
 */
export function httpHandler(handle: (event: HttpEvent, context: Context) => Promise<HttpResult>) {
  return middy(async (event: HttpEvent, context: Context): Promise<HttpResult> => {
    logger.appendKeys({ requestId: event.requestContext.requestId, route: event.routeKey });
    try {
      return await handle(event, context);
    } catch (error) {
      return errorResponse(error);
    }
  })
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics))
    .use(traceHandler());
}

/** What a route's handler is given: the caller and the input its contract declares, validated. */
export interface RouteRequest<C extends RouteContract> {
  /** The authenticated caller; a public route has none. */
  readonly caller: C['access'] extends { public: true } ? undefined : Caller;
  readonly body: C['body'] extends { schema: infer S extends z.ZodMiniType } ? z.output<S> : undefined;
  readonly query: C['query'] extends z.ZodMiniObject ? z.output<C['query']> : undefined;
  /** A path parameter, as its contract's schema accepted it. */
  path(name: string): string;
  /** A header the contract declares, as its schema accepted it; undefined when absent or undeclared. */
  header(name: HeaderName): string | undefined;
  readonly language: Language;
  /** Why the caller acts, for the processing log: its X-Purpose header, or the route it called. */
  readonly purpose: string;
}

/** A route's answer: its contract's success body (and status), or a response made by hand (a file). */
export type RouteAnswer<C extends RouteContract> =
  | { readonly body: ResponseBody<C>; readonly status?: C['success']['status']; readonly headers?: Readonly<Record<string, string>> }
  | { readonly result: HttpResult };

/**
 * The route's path parameters, each checked against its contract's schema before anything is
 * read: a value the schema refuses (too long, the wrong shape) cannot name anything, so it is
 * answered like a missing resource, without echoing it.
 */
function pathParametersOf(contract: RouteContract, event: HttpEvent): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [name, schema] of Object.entries(contract.pathParameters ?? {})) {
    const value = event.pathParameters?.[name] ?? '';
    if (!schema.safeParse(value).success) throw new DomainError('not-found', `no resource has this ${name}`);
    values[name] = value;
  }
  return values;
}

/** The headers the contract declares, each checked against its schema: a value that does not match is a 400 naming the header. */
function declaredHeadersOf(contract: RouteContract, event: HttpEvent): Partial<Record<HeaderName, string>> {
  const values: Partial<Record<HeaderName, string>> = {};
  const errors: FieldError[] = [];
  for (const name of contract.headers ?? []) {
    const value = event.headers[name.toLowerCase()];
    if (value === undefined) continue;
    const parsed = headerSchemas[name].safeParse(value);
    if (parsed.success) values[name] = parsed.data;
    else errors.push(...fieldErrors(parsed.error.issues, [name]));
  }
  if (errors.length > 0) throw validationError('invalid request headers', errors);
  return values;
}

/**
 * The handler of one route, driven by its contract: it authenticates the caller and checks
 * the roles the contract names, validates the query and body with the contract's schemas,
 * and answers with the contract's success status; every error goes through one mapper.
 */
export function routeHandler<C extends RouteContract>(contract: C, handle: (request: RouteRequest<C>) => Promise<RouteAnswer<C>>) {
  return httpHandler(async (event) => {
    let caller: Caller | undefined;
    if (!('public' in contract.access)) {
      caller = callerOf(event);
      logger.appendKeys({ tenant: caller.tenant });
      if ('roles' in contract.access) requireRole(caller, contract.access.roles);
      else if (taskRoles(caller.roles).length === 0) throw forbidden('working tasks needs a task role such as clerk');
    }
    const pathValues = pathParametersOf(contract, event);
    // The case a route names is on every line it logs, as on the steps' lines: one query finds a case's whole story.
    if (contract.path.startsWith('/v1/cases/{id}') && pathValues.id) logger.appendKeys({ caseId: pathValues.id });
    const headers = declaredHeadersOf(contract, event);
    let query: unknown;
    if (contract.query) {
      const parsed = contract.query.safeParse(event.queryStringParameters ?? {});
      if (!parsed.success) throw validationError('invalid query parameters', fieldErrors(parsed.error.issues));
      query = parsed.data;
    }
    const body = contract.body ? parseBody(event, contract.body.schema) : undefined;
    const answer = await handle({
      caller,
      body,
      query,
      path: (name) => pathValues[name] ?? '',
      header: (name) => headers[name],
      language: languageOf(event),
      purpose: headers['X-Purpose'] ?? contract.name,
    } as RouteRequest<C>);
    if ('result' in answer) return answer.result;
    return json(answer.status ?? contract.success.status, answer.body, answer.headers ?? {});
  });
}
