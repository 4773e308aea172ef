import * as z from 'zod';
import { apiFunctions } from '../app.declaration';
import type { FunctionDeclaration, RouteDeclaration } from '../app.declaration';
import { applicantSchema } from '../domain/applicant';
import { transactionTypes } from '../../workflows/catalogue';
import * as api from './api.schemas';
import { extendRequest, messageRequest, reasonRequest } from './lifecycle.schemas';

type JsonObject = Record<string, unknown>;

type Override = NonNullable<z.core.ToJSONSchemaParams['override']>;

/** What a refinement says and JSON Schema cannot: the applicant names exactly one identifier, check digits and all. */
const describeRefinements: Override = ({ zodSchema, jsonSchema }) => {
  if (zodSchema !== applicantSchema) return;
  const properties = jsonSchema.properties as Record<string, JsonObject> | undefined;
  Object.assign(properties?.insz ?? {}, { description: 'National number (INSZ) of a citizen, with valid check digits; separators are allowed' });
  Object.assign(properties?.kbo ?? {}, { description: 'Enterprise number (KBO) of a business, with valid check digits; separators and a BE prefix are allowed' });
  jsonSchema.oneOf = ['insz', 'kbo'].map((name) => ({ type: 'object', properties: { [name]: {} }, required: [name] }));
};

/** The JSON Schema (draft 2020-12, the dialect of OpenAPI 3.1) of what a client sends: before defaults, coercion and transforms. */
export function inputJsonSchema(schema: z.ZodType): JsonObject {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io: 'input', target: 'draft-2020-12', override: describeRefinements });
  return rest;
}

/** zod's date-time pattern restates the format at great length; the format says it. */
const dropDateTimePattern: Override = ({ jsonSchema }) => {
  if (jsonSchema.format === 'date-time') delete jsonSchema.pattern;
};

const componentRef = (name: string) => ({ $ref: `#/components/schemas/${name}` });

/** Request bodies, by component name. */
const requestBodies = {
  SubmitCaseRequest: api.submitCaseRequest,
  ReasonRequest: reasonRequest,
  ExtendRequest: extendRequest,
  MessageRequest: messageRequest,
  CompleteTaskRequest: api.completeTaskRequest,
} as const satisfies Record<string, z.ZodType>;
type RequestBody = keyof typeof requestBodies;

/** Responses, by component name; one registry so that they refer to each other by `$ref`. */
const responseSchemas = {
  Health: api.healthSchema,
  OpenApiDocument: z.record(z.string(), z.unknown()).describe('This document'),
  TransactionTypeList: api.transactionTypeListSchema,
  TransactionTypeSummary: api.transactionTypeSummarySchema,
  TransactionTypeView: api.transactionTypeViewSchema,
  CaseView: api.caseViewSchema,
  CaseSummary: api.caseSummarySchema,
  CaseSearchPage: api.caseSearchPageSchema,
  CaseHistory: api.caseHistorySchema,
  AuditEvent: api.auditEventSchema,
  TaskView: api.taskViewSchema,
  TaskPage: api.taskPageSchema,
  Problem: api.problemSchema,
  GatewayError: api.gatewayErrorSchema,
} as const satisfies Record<string, z.ZodType>;
type ResponseSchema = keyof typeof responseSchemas;

function responseComponents(): Record<string, JsonObject> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(responseSchemas)) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, {
    io: 'output',
    target: 'draft-2020-12',
    uri: (id) => `#/components/schemas/${id}`,
    override: dropDateTimePattern,
  });
  return Object.fromEntries(
    Object.entries(schemas).map(([id, schema]) => {
      const { $schema: _dialect, $id: _id, ...rest } = schema as JsonObject;
      return [id, rest];
    }),
  );
}

type HeaderName = 'Idempotency-Key' | 'X-Audit-Reason' | 'Accept-Language';

const headerParameters: Record<HeaderName, JsonObject> = {
  'Idempotency-Key': {
    name: 'Idempotency-Key',
    in: 'header',
    required: false,
    description:
      'Makes a retried submission safe: a request with a key seen in the last 24 hours answers with that key’s case; the same key with a different body answers 422.',
    schema: inputJsonSchema(api.idempotencyKeySchema),
    example: '4b0f6c1e-6a1f-4b7e-9f5e-2d1c3b4a5e6f',
  },
  'X-Audit-Reason': {
    name: 'X-Audit-Reason',
    in: 'header',
    required: false,
    description: 'Why the caller acts; kept in the case’s audit trail',
    schema: { type: 'string' },
  },
  'Accept-Language': {
    name: 'Accept-Language',
    in: 'header',
    required: false,
    description: 'The language of status texts and titles: nl (default) or en',
    schema: { type: 'string' },
    example: 'en',
  },
};

type Tag = 'Catalogue' | 'Cases' | 'Tasks' | 'Operations';

const tags: readonly { name: Tag; description: string }[] = [
  { name: 'Catalogue', description: 'The transaction types a tenant publishes' },
  { name: 'Cases', description: 'Submitting and following cases' },
  { name: 'Tasks', description: 'The human tasks workflows wait on' },
  { name: 'Operations', description: 'Liveness and this document' },
];

interface OperationSpec {
  readonly tag: Tag;
  readonly body?: { readonly schema: RequestBody; readonly examples: Record<string, { summary: string; value: unknown }> };
  readonly query?: z.ZodObject;
  readonly headers?: readonly HeaderName[];
  readonly success:
    | { readonly status: 200 | 201 | 202; readonly description: string; readonly schema: ResponseSchema }
    | { readonly status: 200; readonly description: string; readonly file: { readonly mediaType: string } };
  /** Error statuses beyond those every route of its kind can give (see `errorStatuses`). */
  readonly errors?: readonly (409 | 422)[];
}

const reasonExample = (reason: string) => ({ default: { summary: 'A reason for the audit trail', value: { reason } } });

const caseResponse = { status: 200, description: 'The case after the action', schema: 'CaseView' } as const;

/** What each API function's route takes and gives, by function name. */
const operations: Record<string, OperationSpec> = {
  health: { tag: 'Operations', success: { status: 200, description: 'The service is alive', schema: 'Health' } },
  'get-openapi': { tag: 'Operations', success: { status: 200, description: 'This OpenAPI document', schema: 'OpenApiDocument' } },
  'list-transaction-types': {
    tag: 'Catalogue',
    headers: ['Accept-Language'],
    success: { status: 200, description: 'The published transaction types', schema: 'TransactionTypeList' },
  },
  'get-transaction-type': {
    tag: 'Catalogue',
    headers: ['Accept-Language'],
    success: { status: 200, description: 'The transaction type', schema: 'TransactionTypeView' },
  },
  'submit-case': {
    tag: 'Cases',
    body: {
      schema: 'SubmitCaseRequest',
      examples: Object.fromEntries(
        [...transactionTypes]
          .sort((a, b) => a.key.localeCompare(b.key))
          .map((type) => [type.key, { summary: type.title.en, value: type.example }]),
      ),
    },
    headers: ['Idempotency-Key', 'X-Audit-Reason', 'Accept-Language'],
    success: { status: 201, description: 'The case was submitted (or, for a repeated Idempotency-Key, had been)', schema: 'CaseView' },
    errors: [422],
  },
  'get-case': {
    tag: 'Cases',
    headers: ['Accept-Language'],
    success: { status: 200, description: 'The case with its open tasks', schema: 'CaseView' },
  },
  'search-cases': {
    tag: 'Cases',
    query: api.searchCasesQuery,
    headers: ['Accept-Language'],
    success: { status: 200, description: 'A page of matching cases', schema: 'CaseSearchPage' },
  },
  'case-history': {
    tag: 'Cases',
    success: { status: 200, description: 'The audit trail, oldest first', schema: 'CaseHistory' },
  },
  'withdraw-case': {
    tag: 'Cases',
    body: { schema: 'ReasonRequest', examples: reasonExample('The applicant no longer needs the certificate') },
    headers: ['Accept-Language'],
    success: caseResponse,
    errors: [409],
  },
  'suspend-case': {
    tag: 'Cases',
    body: { schema: 'ReasonRequest', examples: reasonExample('Waiting for the applicant to supply a document') },
    headers: ['Accept-Language'],
    success: caseResponse,
    errors: [409],
  },
  'resume-case': {
    tag: 'Cases',
    body: { schema: 'ReasonRequest', examples: reasonExample('The applicant supplied the document') },
    headers: ['Accept-Language'],
    success: caseResponse,
    errors: [409],
  },
  'extend-case': {
    tag: 'Cases',
    body: {
      schema: 'ExtendRequest',
      examples: { default: { summary: 'Ten more working days', value: { days: 10, reason: 'An on-site check is needed' } } },
    },
    headers: ['Accept-Language'],
    success: caseResponse,
    errors: [409],
  },
  'send-message': {
    tag: 'Cases',
    body: {
      schema: 'MessageRequest',
      examples: {
        'payment-received': {
          summary: 'The fee of a resident parking permit was paid',
          value: { name: 'payment-received', data: { amount: 25, reference: '+++090/9337/55493+++' } },
        },
      },
    },
    headers: ['Accept-Language'],
    success: { status: 202, description: 'The message was delivered to the waiting step', schema: 'CaseView' },
    errors: [409],
  },
  'get-case-document': {
    tag: 'Cases',
    success: { status: 200, description: 'The issued document, as an attachment named <reference>.pdf', file: { mediaType: 'application/pdf' } },
  },
  'list-tasks': {
    tag: 'Tasks',
    query: api.listTasksQuery,
    success: { status: 200, description: 'A page of tasks, soonest due first', schema: 'TaskPage' },
  },
  'claim-task': {
    tag: 'Tasks',
    success: { status: 200, description: 'The task, claimed by the caller', schema: 'TaskView' },
    errors: [409],
  },
  'complete-task': {
    tag: 'Tasks',
    body: {
      schema: 'CompleteTaskRequest',
      examples: {
        approve: { summary: 'Approve', value: { outcome: 'approve' } },
        reject: { summary: 'Reject, with a reason', value: { outcome: 'reject', reason: 'The applicant does not live here' } },
      },
    },
    headers: ['X-Audit-Reason'],
    success: { status: 200, description: 'The completed task', schema: 'TaskView' },
    errors: [409],
  },
};

const errorDescriptions: Record<number, string> = {
  400: 'The request is invalid; `errors` names the fields',
  401: 'No valid bearer token (answered by API Gateway)',
  403: 'The token lacks a role or tenant the action needs',
  404: 'No such resource in the caller’s tenant',
  409: 'The resource’s state does not allow the action (closed case, task already completed or claimed, no step waiting)',
  413: 'The body is larger than 64 KiB',
  415: 'The body is not sent as application/json',
  422: 'The Idempotency-Key was used before with a different request',
  500: 'The request could not be handled; it has been logged',
};

function pathParameterNames(path: string): string[] {
  return [...path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1] as string);
}

function errorStatuses(route: RouteDeclaration, spec: OperationSpec): number[] {
  const statuses = new Set<number>([500, ...(spec.errors ?? [])]);
  if (spec.body || spec.query || spec.headers?.includes('Idempotency-Key')) statuses.add(400);
  if (spec.body) statuses.add(413).add(415);
  if (route.authorized) statuses.add(401).add(403);
  if (pathParameterNames(route.path).length > 0) statuses.add(404);
  return [...statuses].sort((a, b) => a - b);
}

function errorResponse(status: number): JsonObject {
  const schema = status === 401 ? 'GatewayError' : 'Problem';
  const mediaType = status === 401 ? 'application/json' : 'application/problem+json';
  return { description: errorDescriptions[status], content: { [mediaType]: { schema: componentRef(schema) } } };
}

function queryParameters(query: z.ZodObject): JsonObject[] {
  const schema = inputJsonSchema(query) as { properties?: Record<string, JsonObject>; required?: string[] };
  return Object.entries(schema.properties ?? {}).map(([name, property]) => ({
    name,
    in: 'query',
    required: schema.required?.includes(name) ?? false,
    schema: property,
  }));
}

function operation(fn: FunctionDeclaration, route: RouteDeclaration): JsonObject {
  const spec = operations[fn.name];
  if (!spec) throw new Error(`the OpenAPI document does not describe function '${fn.name}'`);
  const parameters = [
    ...pathParameterNames(route.path).map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } })),
    ...(spec.query ? queryParameters(spec.query) : []),
    ...(spec.headers ?? []).map((name) => headerParameters[name]),
  ];
  const { success } = spec;
  const successHeaders =
    'file' in success
      ? {
          headers: {
            'Content-Disposition': { description: 'attachment; filename="<reference>.pdf"', required: true, schema: { type: 'string' } },
          },
        }
      : success.status === 201
      ? {
          headers: {
            Location: { description: 'The new case', required: true, schema: { type: 'string' }, example: '/v1/cases/01JB8ZQ6M1V4Y3XK2T9R5N7C0D' },
            'Idempotent-Replayed': { description: '`true` when an earlier request with the same Idempotency-Key created the case', schema: { type: 'string', enum: ['true'] } },
          },
        }
      : {};
  return {
    operationId: fn.name,
    summary: fn.description,
    tags: [spec.tag],
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(spec.body
      ? {
          requestBody: {
            required: true,
            content: { 'application/json': { schema: componentRef(spec.body.schema), examples: spec.body.examples } },
          },
        }
      : {}),
    responses: {
      [success.status]: {
        description: success.description,
        ...successHeaders,
        content:
          'file' in success
            ? { [success.file.mediaType]: { schema: { type: 'string', format: 'binary' } } }
            : { 'application/json': { schema: componentRef(success.schema) } },
      },
      ...Object.fromEntries(errorStatuses(route, spec).map((status) => [status, errorResponse(status)])),
    },
    ...(route.authorized ? { security: [{ bearerAuth: [] }] } : {}),
  };
}

/** `/v1/...` on every route gives version 1.0.0; routes of different versions would need one document each. */
function apiVersion(routes: readonly RouteDeclaration[]): string {
  const majors = new Set(routes.map((route) => /^\/v(\d+)\//.exec(route.path)?.[1]));
  const [major] = majors;
  if (majors.size !== 1 || major === undefined) throw new Error('every route must share one /v<n>/ prefix');
  return `${major}.0.0`;
}

const sortedEntries = <T>(record: Record<string, T>) => Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

/** Builds the document from the declaration and the schemas; the same code gives the same document, key for key. */
export function buildOpenApiDocument(): JsonObject {
  const undeclared = Object.keys(operations).filter((name) => !apiFunctions.some((fn) => fn.name === name));
  if (undeclared.length > 0) throw new Error(`the OpenAPI document describes undeclared functions: ${undeclared.join(', ')}`);
  const routes = apiFunctions.flatMap((fn) => (fn.routes ?? []).map((route) => ({ fn, route })));
  const paths: Record<string, Record<string, JsonObject>> = {};
  for (const { fn, route } of routes) {
    paths[route.path] = { ...paths[route.path], [route.method.toLowerCase()]: operation(fn, route) };
  }
  const schemas: Record<string, JsonObject> = {
    ...responseComponents(),
    ...Object.fromEntries(Object.entries(requestBodies).map(([name, schema]) => [name, inputJsonSchema(schema)])),
  };
  return {
    openapi: '3.1.0',
    info: {
      title: 'Loket API',
      version: apiVersion(routes.map(({ route }) => route)),
      description:
        'Digital government transactions. Errors are application/problem+json (RFC 9457). The tenant always comes from the token; a case or task of another tenant answers 404.',
    },
    servers: [{ url: '/' }],
    tags,
    paths: Object.fromEntries(sortedEntries(paths)),
    components: {
      securitySchemes: {
        bearerAuth: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'A JWT with the claims sub, tenant and roles',
        },
      },
      schemas: Object.fromEntries(sortedEntries(schemas)),
    },
  };
}

/** The API's OpenAPI 3.1 document, built once: it depends only on code. */
export const openApiDocument: Readonly<JsonObject> = buildOpenApiDocument();
