import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type { z } from 'zod';
import type { Actor } from '../domain/actor';
import type { FieldError } from '../domain/errors';
import { DomainError, validationError } from '../domain/errors';
import { logger, metrics, tracer } from './powertools';

export type HttpEvent = APIGatewayProxyEventV2WithJWTAuthorizer;
export type HttpResult = APIGatewayProxyStructuredResultV2;
export type Caller = Actor & { kind: 'user' };

/** Bodies above this size are refused before parsing. */
const maxBodyBytes = 64 * 1024;

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
      ...(errors && errors.length > 0 ? { errors } : {}),
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

export function fieldErrors(issues: readonly z.core.$ZodIssue[], prefix: readonly PropertyKey[] = []): FieldError[] {
  const pathOf = (path: readonly PropertyKey[]) => [...prefix, ...path].map(String).join('.') || '(body)';
  return issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ path: pathOf([...issue.path, key]), message: 'is not a known field' }))
      : [{ path: pathOf(issue.path), message: issue.message }],
  );
}

/** Parses and validates a JSON body; anything else is a 400 (or 413/415) problem. */
export function parseBody<T extends z.ZodType>(event: HttpEvent, schema: T): z.infer<T> {
  const contentType = event.headers['content-type'] ?? '';
  if (!/^application\/json\s*(;|$)/i.test(contentType)) {
    throw new HttpError(415, 'Unsupported media type', 'the body must be JSON, sent with content-type application/json');
  }
  const raw = event.body ?? '';
  const text = event.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw;
  if (Buffer.byteLength(text) > maxBodyBytes) throw new HttpError(413, 'Payload too large', `the body is larger than ${maxBodyBytes} bytes`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw validationError('the body is not valid JSON');
  }
  const result = schema.safeParse(parsed);
  if (!result.success) throw validationError('the body does not match the expected shape', fieldErrors(result.error.issues));
  return result.data;
}

/**
 * The authenticated caller, from the claims the JWT authorizer verified. API Gateway passes
 * an array claim as the string `[a b]`; a JSON array or a space-separated string is accepted too.
 */
export function callerOf(event: HttpEvent): Caller {
  const claims = event.requestContext.authorizer?.jwt?.claims ?? {};
  const subject = claims.sub;
  const tenant = claims.tenant;
  if (typeof subject !== 'string' || typeof tenant !== 'string' || subject === '' || tenant === '') {
    throw new DomainError('forbidden', 'the token carries no subject or tenant');
  }
  return { kind: 'user', subject: String(subject), tenant: String(tenant), roles: parseRoles(claims.roles) };
}

function parseRoles(claim: unknown): string[] {
  if (Array.isArray(claim)) return claim.map(String);
  if (typeof claim !== 'string') return [];
  const text = claim.trim();
  if (text.startsWith('[') && text.includes('"')) {
    try {
      const parsed: unknown = JSON.parse(text);
      if (Array.isArray(parsed)) return parsed.map(String);
    } catch {
      // not JSON: fall through to API Gateway's bracketed form
    }
  }
  return text.replace(/^\[|\]$/g, '').split(/[\s,]+/).filter(Boolean);
}

export function requireRole(caller: Caller, allowed: readonly string[]): void {
  if (!caller.roles.some((role) => allowed.includes(role))) {
    throw new DomainError('forbidden', `this action needs one of the roles: ${allowed.join(', ')}`);
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
    .use(captureLambdaHandler(tracer));
}
