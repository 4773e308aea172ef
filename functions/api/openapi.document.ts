import * as z from '../domain/zod';
import { applicantSchema } from '../domain/applicant';
import * as api from './api.schemas';
import * as subscriptions from './subscription.schemas';
import { requestLimits } from './request-limits';
import { throttleOf, type CatalogueBody, type HeaderName, type RouteContract, type Tag } from './route-contract';
import { routes, submitCase } from './routes';
import { scopes } from './scopes';
import { bundledCatalogue, catalogue } from '../catalogue/catalogue';
import type { Catalogue } from '../ports/catalogue.port';
import type { PublishedType } from '../../workflows/type-loader';
import { applicantComponents, catalogueBodyComponents } from './openapi.catalogue';

type JsonObject = Record<string, unknown>;

const componentRef = (name: string) => ({ $ref: `#/components/schemas/${name}` });

type Override = NonNullable<z.core.ToJSONSchemaParams['override']>;

/**
 * An applicant names exactly one identifier: a refinement zod cannot put in JSON Schema. Each
 * body refers to the components that say it (`Applicant`, or the one kind a type accepts), in
 * which the other identifier is `false`, so that a generated client cannot send both.
 */
const applicantByReference: Override = ({ zodSchema, jsonSchema }) => {
  if (zodSchema !== applicantSchema) return;
  for (const key of Object.keys(jsonSchema)) delete jsonSchema[key];
  Object.assign(jsonSchema, componentRef(applicantComponents.either));
};

/** CitizenApplicant, BusinessApplicant and Applicant (either), from the identifiers' own schemas. */
function applicantSchemas(): Record<string, JsonObject> {
  const { properties } = z.toJSONSchema(applicantSchema, { io: 'input', target: 'draft-2020-12' }) as { properties: Record<'insz' | 'kbo', JsonObject> };
  const onlyOne = (name: 'insz' | 'kbo', description: string, identifier: string): JsonObject => ({
    type: 'object',
    description,
    properties: { [name]: { ...properties[name], description: identifier }, [name === 'insz' ? 'kbo' : 'insz']: false },
    required: [name],
    additionalProperties: false,
  });
  return {
    [applicantComponents.citizen]: onlyOne('insz', 'A citizen', 'National number (INSZ), with valid check digits; separators are allowed'),
    [applicantComponents.business]: onlyOne('kbo', 'A business', 'Enterprise number (KBO), with valid check digits; separators and a BE prefix are allowed'),
    [applicantComponents.either]: {
      description: 'A citizen by national number (INSZ) or a business by enterprise number (KBO): exactly one of the two',
      oneOf: [componentRef(applicantComponents.citizen), componentRef(applicantComponents.business)],
    },
  };
}

const int32 = { minimum: -(2 ** 31), maximum: 2 ** 31 - 1 };

/** An integer's format, from its bounds: int32 when they fit in 32 bits, int64 otherwise. */
const integerFormat: Override = ({ jsonSchema }) => {
  if (jsonSchema.type !== 'integer') return;
  const lowest = Number(jsonSchema.minimum ?? jsonSchema.exclusiveMinimum ?? -Infinity);
  const highest = Number(jsonSchema.maximum ?? jsonSchema.exclusiveMaximum ?? Infinity);
  jsonSchema.format = lowest >= int32.minimum && highest <= int32.maximum ? 'int32' : 'int64';
};

const overrides =
  (...steps: Override[]): Override =>
  (context) => {
    for (const step of steps) step(context);
  };

/** The JSON Schema (draft 2020-12, the dialect of OpenAPI 3.1) of what a client sends: before defaults, coercion and transforms. */
export function inputJsonSchema(schema: z.ZodMiniType): JsonObject {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io: 'input', target: 'draft-2020-12', override: overrides(applicantByReference, integerFormat) });
  return rest;
}

/** zod's date-time pattern restates the format at great length; the format says it. */
const dropDateTimePattern: Override = ({ jsonSchema }) => {
  if (jsonSchema.format === 'date-time') delete jsonSchema.pattern;
};

/** A type's example request is a submission: the request's own component describes it. */
const exampleAsSubmission: Override = ({ zodSchema, jsonSchema }) => {
  if (zodSchema !== api.exampleRequestSchema) return;
  const { description } = jsonSchema;
  for (const key of Object.keys(jsonSchema)) delete jsonSchema[key];
  Object.assign(jsonSchema, componentRef(submitCase.body.component), { description });
};

/** Responses, by component name; one registry so that they refer to each other by `$ref`. */
const responseSchemas = {
  Health: api.healthSchema,
  OpenApiDocument: api.openApiDocumentSchema,
  TransactionTypeList: api.transactionTypeListSchema,
  TransactionTypeSummary: api.transactionTypeSummarySchema,
  TransactionTypeView: api.transactionTypeViewSchema,
  TransactionTypeVersionList: api.transactionTypeVersionListSchema,
  CaseView: api.caseViewSchema,
  CaseSummary: api.caseSummarySchema,
  CaseSearchPage: api.caseSearchPageSchema,
  CaseHistory: api.caseHistorySchema,
  AuditEvent: api.auditEventSchema,
  TaskView: api.taskViewSchema,
  TaskSummary: api.taskSummarySchema,
  TaskPage: api.taskPageSchema,
  AccessRecord: api.accessRecordSchema,
  ProcessingLogPage: api.processingLogPageSchema,
  DataSubjectExport: api.dataSubjectExportSchema,
  Subscription: subscriptions.subscriptionViewSchema,
  CreatedSubscription: subscriptions.createdSubscriptionSchema,
  SubscriptionList: subscriptions.subscriptionListSchema,
  Delivery: subscriptions.deliveryViewSchema,
  DeliveryPage: subscriptions.deliveryPageSchema,
  Replay: subscriptions.replaySchema,
  EventSchemaList: api.eventSchemaListSchema,
  EventSchema: api.eventSchemaSchema,
  Problem: api.problemSchema,
  GatewayError: api.gatewayErrorSchema,
} as const satisfies Record<string, z.ZodMiniType>;

/** The component name of a response schema; a route may only answer with a registered one. */
function responseComponent(schema: z.ZodMiniType): string {
  const found = Object.entries(responseSchemas).find(([, registered]) => registered === schema);
  if (!found) throw new Error('a route answers with a schema that is not among the response components');
  return found[0];
}

function responseComponents(): Record<string, JsonObject> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(responseSchemas)) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, {
    io: 'output',
    target: 'draft-2020-12',
    uri: (id) => `#/components/schemas/${id}`,
    override: overrides(dropDateTimePattern, integerFormat, exampleAsSubmission),
  });
  return Object.fromEntries(
    Object.entries(schemas).map(([id, schema]) => {
      const { $schema: _dialect, $id: _id, ...rest } = schema as JsonObject;
      return [id, rest];
    }),
  );
}

const headerDescriptions: Record<HeaderName, { description: string; example: string }> = {
  'Idempotency-Key': {
    description:
      'Makes a retried submission safe: a request with a key seen in the last 24 hours answers with that key’s case; the same key with a different body answers 422.',
    example: '4b0f6c1e-6a1f-4b7e-9f5e-2d1c3b4a5e6f',
  },
  'X-Audit-Reason': { description: 'Why the caller acts; kept in the case’s audit trail', example: 'Requested at the counter' },
  'X-Purpose': {
    description: 'Why the caller reads this personal data; kept in the processing log (the route’s name when absent)',
    example: 'verifying residence for a school registration',
  },
  'Accept-Language': { description: 'The language of status texts and titles: nl (default) or en', example: 'en' },
};

/** A request header, described by the schema every route that reads it checks it with. */
function headerParameter(name: HeaderName): JsonObject {
  return { name, in: 'header', required: false, ...headerDescriptions[name], schema: inputJsonSchema(api.headerSchemas[name]) };
}

const tags: readonly { name: Tag; description: string }[] = [
  { name: 'Catalogue', description: 'The transaction types a tenant publishes' },
  { name: 'Cases', description: 'Submitting and following cases' },
  { name: 'Tasks', description: 'The human tasks workflows wait on' },
  { name: 'Events', description: 'The CloudEvents Loket publishes for every change to a case: the JSON Schema of each type' },
  { name: 'Data protection', description: 'For the data protection officer (`dpo`): who processed a person’s data, and everything held about them' },
  { name: 'Subscriptions', description: 'For operators (`operator`): the tenant’s webhook subscriptions, their deliveries and replays' },
  { name: 'Operations', description: 'Liveness, this document, and what operators need: the cases that need attention' },
];

const errorDescriptions: Record<number, string> = {
  400: `The request is invalid; \`errors\` names the fields. A body that nests arrays and objects deeper than ${requestLimits.bodyDepth} levels, or holds a number other than 0 whose magnitude is outside ${requestLimits.smallestNumber}…${requestLimits.largestNumber}, is refused before anything reads it`,
  401: 'No valid bearer token (answered by API Gateway)',
  403: 'The token carries none of the scopes the operation accepts (answered by API Gateway), or its roles do not allow the action',
  404: 'No such resource in the caller’s tenant; a case destroyed when its retention ended answers the same (its tombstone stays in its audit trail)',
  409: 'The resource’s state does not allow the action (closed case, task already completed or claimed, no step waiting)',
  413: `The body is larger than ${requestLimits.bodyBytes} bytes`,
  415: 'The body is not sent as application/json',
  422: 'The Idempotency-Key was used before with a different request',
  429: 'Too many requests: the route’s throttle (answered by API Gateway, before any function runs). Wait and retry, with exponential backoff and jitter',
  500: 'The request could not be handled; it has been logged',
};

function pathParameterNames(path: string): string[] {
  return [...path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1] as string);
}

/** A path parameter, described by the schema its route checks it with; a route must declare one for each `{name}`. */
function pathParameter(route: RouteContract, name: string): JsonObject {
  const schema = route.pathParameters?.[name];
  if (!schema) throw new Error(`${route.method} ${route.path} declares no schema for its path parameter {${name}}`);
  const { description, ...rest } = inputJsonSchema(schema);
  return { name, in: 'path', required: true, description, schema: rest };
}

function errorStatuses(route: RouteContract): number[] {
  const statuses = new Set<number>([429, 500, ...(route.errors ?? [])]);
  if (route.body || route.query || (route.headers ?? []).length > 0) statuses.add(400);
  if (route.body) statuses.add(413).add(415);
  if (!('public' in route.access)) statuses.add(401).add(403);
  if (pathParameterNames(route.path).length > 0) statuses.add(404);
  return [...statuses].sort((a, b) => a - b);
}

/** What API Gateway answers itself, before any function runs; the functions answer problem documents. */
const gatewayStatuses = new Set([401, 429]);

const retryAfter = {
  'Retry-After': {
    description:
      'Seconds to wait before retrying, when the answer gives it. API Gateway’s throttle does not, so a client without it backs off exponentially, with jitter',
    required: false,
    schema: { type: 'integer', format: 'int32', minimum: 0, maximum: 86_400 },
  },
};

/** What a 429 says of its route: the throttle API Gateway keeps for it, from its contract. */
function throttleDescription(route: RouteContract): string {
  const { rateLimit, burstLimit } = throttleOf(route);
  return `${errorDescriptions[429]}. This route accepts ${rateLimit} requests a second from all callers together, with bursts of ${burstLimit}`;
}

function errorResponse(status: number, route: RouteContract): JsonObject {
  const fromGateway = gatewayStatuses.has(status);
  const schema = fromGateway ? 'GatewayError' : 'Problem';
  const mediaType = fromGateway ? 'application/json' : 'application/problem+json';
  return {
    description: status === 429 ? throttleDescription(route) : errorDescriptions[status],
    ...(status === 429 ? { headers: retryAfter } : {}),
    content: { [mediaType]: { schema: componentRef(schema) } },
  };
}

/**
 * The identity provider of the reference deployment (cdk.json `loket:jwtIssuer`, a Keycloak
 * realm). Each deployment configures its own issuer, whose discovery document names its
 * endpoints; the OAuth flow of the document shows the reference deployment's.
 */
const referenceIssuer = 'https://auth.example.org/realms/loket';

/** The one security scheme: OAuth 2.0 access tokens from the deployment's identity provider, with Loket's scopes. */
const oauth2Scheme = {
  type: 'oauth2',
  description: [
    'OAuth 2.0 access tokens, sent as `Authorization: Bearer <token>`: JWTs (RFC 9068) verified following RFC8725 (JSON Web Token Best Current Practices):',
    "signed with RS256 by the key the header's `kid` names in the issuer's JWKS; `iss` and `aud` those of the deployment;",
    '`exp` required; `nbf` and `iat` not in the future (60 s of clock skew).',
    'Claims: `sub`; `tenant`, the NIS code of the government the caller acts for (never taken from the request);',
    '`roles`, a JSON array of role names (`portal`, `clerk`, `designer`, `operator`, `dpo` and the task roles transaction types declare, such as `police`);',
    '`scope`, space-separated.',
    'Each operation lists the scopes it accepts: a token without one of them (such as an OpenID Connect ID token, which has none) is refused with 403 before anything runs;',
    'the roles then decide what the user may do. The identity provider is configured per deployment:',
    "its endpoints are in `<issuer>/.well-known/openid-configuration`, and those below are the reference deployment's.",
  ].join(' '),
  flows: {
    authorizationCode: {
      authorizationUrl: `${referenceIssuer}/protocol/openid-connect/auth`,
      tokenUrl: `${referenceIssuer}/protocol/openid-connect/token`,
      refreshUrl: `${referenceIssuer}/protocol/openid-connect/token`,
      scopes: Object.fromEntries(Object.entries(scopes).sort(([a], [b]) => (a < b ? -1 : 1))),
    },
  },
};

function queryParameters(query: z.ZodMiniObject): JsonObject[] {
  const schema = inputJsonSchema(query) as { properties?: Record<string, JsonObject>; required?: string[] };
  return Object.entries(schema.properties ?? {}).map(([name, property]) => ({
    name,
    in: 'query',
    required: schema.required?.includes(name) ?? false,
    schema: property,
  }));
}

/** A body's examples; a submission shows each published type's example request. */
function examplesOf(examples: NonNullable<RouteContract['body']>['examples'], types: Catalogue): JsonObject {
  if (examples !== 'transaction-type-examples') return examples;
  return Object.fromEntries(
    [...types.all()].sort((a, b) => a.key.localeCompare(b.key)).map((type) => [type.key, { summary: type.title.en, value: type.example }]),
  );
}

function operation(route: RouteContract, types: Catalogue): JsonObject {
  const spec = route;
  const parameters = [
    ...pathParameterNames(route.path).map((name) => pathParameter(route, name)),
    ...(spec.query ? queryParameters(spec.query) : []),
    ...(spec.headers ?? []).map(headerParameter),
  ];
  const { success } = spec;
  const successHeaders =
    'file' in success
      ? {
          headers: {
            'Content-Disposition': { description: 'attachment; filename="<reference>.pdf"', required: true, schema: { type: 'string', maxLength: 200 } },
          },
        }
      : success.status === 201
      ? {
          headers: {
            Location: { description: 'The new case', required: true, schema: { type: 'string', maxLength: 100 }, example: '/v1/cases/01JB8ZQ6M1V4Y3XK2T9R5N7C0D' },
            'Idempotent-Replayed': { description: '`true` when an earlier request with the same Idempotency-Key created the case', schema: { type: 'string', enum: ['true'] } },
          },
        }
      : {};
  return {
    operationId: route.name,
    summary: route.summary,
    tags: [spec.tag],
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(spec.body
      ? {
          requestBody: {
            required: true,
            content: { 'application/json': { schema: componentRef(spec.body.component), examples: examplesOf(spec.body.examples, types) } },
          },
        }
      : {}),
    responses: {
      [success.status]: {
        description: success.description,
        ...successHeaders,
        content:
          'file' in success
            ? { [success.file.mediaType]: { schema: { type: 'string', format: 'binary', maxLength: api.maxDocumentBytes } } }
            : { 'application/json': { schema: componentRef(responseComponent(success.schema)) } },
      },
      ...Object.fromEntries(errorStatuses(route).map((status) => [status, errorResponse(status, route)])),
    },
    security: 'public' in route.access ? [] : [{ oauth2: [...route.access.scopes] }],
  };
}

/**
 * Loket offers no CORS. Its clients are municipal portals and back-office applications; a
 * browser application calls through its own server (a backend for frontend), which keeps the
 * tokens out of the browser. No answer carries Access-Control-Allow-Origin, and a preflight
 * (OPTIONS) is answered 404 like any route that does not exist, by API Gateway and the local
 * host alike, so that a browser refuses a cross-origin call.
 */
export const corsPolicy = {
  allowedOrigins: [] as string[],
  statement:
    'CORS: none. Browser applications call Loket through their own server (a backend for frontend), which keeps tokens out of the browser; no answer carries Access-Control-Allow-Origin, and a preflight (OPTIONS) answers 404.',
};

/** `/v1/...` on every route gives version 1.0.0; routes of different versions would need one document each. */
function apiVersion(): string {
  const majors = new Set(routes.map((route) => /^\/v(\d+)\//.exec(route.path)?.[1]));
  const [major] = majors;
  if (majors.size !== 1 || major === undefined) throw new Error('every route must share one /v<n>/ prefix');
  return `${major}.0.0`;
}

const sortedEntries = <T>(record: Record<string, T>) => Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

const catalogueBodyDescriptions: Record<CatalogueBody, string> = {
  submission:
    'A case to submit: one of the published types, told apart by `type`, each with the applicant kinds it accepts and the JSON Schema of its `data` (the `inputSchema` of GET /v1/transaction-types/{key})',
  message:
    'A message for the step of a case that waits for it: one of the messages the published types declare, told apart by `name`, each with the JSON Schema of its `data` (the `messages` of GET /v1/transaction-types/{key})',
  completion:
    "A task's completion: an outcome its task declares, and `data` by its task's JSON Schema (the `tasks` of GET /v1/transaction-types/{key}); one component per task of each published type",
};

/** The components of a route's request body: its own schema's, or the variants the published types declare. */
function requestBodySchemas(route: RouteContract, types: Catalogue): Record<string, JsonObject> {
  if (!route.body) return {};
  const { component, schema, catalogue: variants } = route.body;
  const generic = inputJsonSchema(schema);
  if (!variants) return { [component]: generic };
  const declared = catalogueBodyComponents(variants, {
    types: types.all(),
    component,
    description: catalogueBodyDescriptions[variants],
    reason: inputJsonSchema(api.completeTaskRequest.shape.reason.def.innerType),
  });
  return Object.keys(declared).length > 0 ? declared : { [component]: generic };
}

/**
 * Builds the document from the declaration, the schemas and the published types (the catalogue's, unless
 * told which); the same code and types give the same document, key for key.
 */
export function buildOpenApiDocument(types: Catalogue = catalogue): JsonObject {
  const paths: Record<string, Record<string, JsonObject>> = {};
  for (const route of routes) {
    paths[route.path] = { ...paths[route.path], [route.method.toLowerCase()]: operation(route, types) };
  }
  const schemas: Record<string, JsonObject> = {
    ...responseComponents(),
    ...applicantSchemas(),
    ...Object.assign({}, ...routes.map((route) => requestBodySchemas(route, types))),
  };
  return {
    openapi: '3.1.0',
    info: {
      title: 'Loket API',
      version: apiVersion(),
      description: [
        'Digital government transactions. Errors are application/problem+json (RFC 9457). The tenant always comes from the token; a case or task of another tenant answers 404.',
        `Request bodies are JSON of at most ${requestLimits.bodyBytes} bytes, nested at most ${requestLimits.bodyDepth} levels, with numbers that are 0 or of magnitude ${requestLimits.smallestNumber} to ${requestLimits.largestNumber}; anything else is refused before it is read.`,
        corsPolicy.statement,
      ].join('\n\n'),
    },
    'x-cors': corsPolicy,
    'x-request-limits': requestLimits,
    servers: [
      {
        url: '/',
        description: 'The deployment that serves this document: production or staging on AWS, or the local stack of `npm start`',
        'x-internal': false,
      },
    ],
    tags,
    paths: Object.fromEntries(sortedEntries(paths)),
    components: {
      securitySchemes: { oauth2: oauth2Scheme },
      schemas: Object.fromEntries(sortedEntries(schemas)),
    },
  };
}

/**
 * The document as a function bundle carries it (workflows/openapi.json), for the types the bundle carries:
 * the build writes it beside get-openapi's bundle, which serves it as it is (functions/api/openapi.served.ts).
 */
export const bundledOpenApiDocumentText = (published: readonly PublishedType[]): string => `${JSON.stringify(buildOpenApiDocument(bundledCatalogue(published)))}\n`;
