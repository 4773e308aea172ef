import { randomUUID } from 'node:crypto';
import { validate, compileErrors } from '@readme/openapi-parser';
import type { Context } from 'aws-lambda';
import { fromJSONSchema } from 'zod';
import * as z from '../../../functions/domain/zod';
import { functions } from '../../../functions/app.declaration';
import type { HttpEvent } from '../../../functions/api/http';
import * as api from '../../../functions/api/api.schemas';
import { handler } from '../../../functions/api/get-openapi.handler';
import { extendRequest, messageRequest, reasonRequest } from '../../../functions/api/lifecycle.schemas';
import { buildOpenApiDocument, inputJsonSchema } from '../../../functions/api/openapi.document';
import { catalogue } from '../../../functions/catalogue/catalogue';
import { scopes } from '../../../functions/api/scopes';
import { pascalCase } from '../../../functions/api/openapi.catalogue';
import { exampleOf } from '../../../designer/run';

/** The document the code builds from the repository's published types, as the local host serves it. */
const openApiDocument = buildOpenApiDocument();

type JsonObject = Record<string, unknown>;
interface Operation {
  security?: unknown[];
  parameters?: { name: string; in: string; required?: boolean; schema: JsonObject }[];
  requestBody?: { content: Record<string, { schema: { $ref: string }; examples?: Record<string, { value: unknown }> }> };
  responses: Record<string, { headers?: Record<string, unknown>; content?: Record<string, { schema: { $ref: string } }> }>;
}

const document = openApiDocument as {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, JsonObject> };
};
const routes = functions.flatMap((fn) => (fn.routes ?? []).map((route) => ({ fn, route })));
const operationOf = (method: string, path: string): Operation => {
  const found = document.paths[path]?.[method.toLowerCase()];
  if (!found) throw new Error(`${method} ${path} is not documented`);
  return found;
};
const componentOf = (ref: string): JsonObject => {
  const schema = document.components.schemas[ref.replace('#/components/schemas/', '')];
  if (!schema) throw new Error(`${ref} does not resolve`);
  return schema;
};
/** A schema with every component it refers to put in place of its reference (request bodies refer to no cycle). */
const inlined = (node: unknown): unknown => {
  if (Array.isArray(node)) return node.map(inlined);
  if (node === null || typeof node !== 'object') return node;
  const { $ref, ...rest } = node as JsonObject;
  const here = Object.fromEntries(Object.entries(rest).map(([key, value]) => [key, inlined(value)]));
  return typeof $ref === 'string' ? { ...(inlined(componentOf($ref)) as JsonObject), ...here } : here;
};
/** A validator of what a component of the document admits. */
const documented = (component: string) => fromJSONSchema(inlined(componentOf(`#/components/schemas/${component}`)) as never);


describe('the OpenAPI document', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    const result = await validate(structuredClone(openApiDocument) as never);
    if (!result.valid) throw new Error(compileErrors(result));
    expect(result.specification).toBe('OpenAPI');
    expect(openApiDocument.openapi).toBe('3.1.0');
    expect(openApiDocument.servers).toEqual([expect.objectContaining({ url: '/', 'x-internal': false })]);
    expect(openApiDocument.info).toMatchObject({ title: 'Loket API', version: '1.0.0' });
  });

  it('documents every declared route, with the function as its operation, and nothing else', () => {
    const documented = Object.entries(document.paths).flatMap(([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`));
    expect(documented.sort()).toEqual(routes.map(({ route }) => `${route.method} ${route.path}`).sort());
    for (const { fn, route } of routes) {
      expect(operationOf(route.method, route.path)).toMatchObject({ operationId: fn.name, summary: fn.description });
    }
  });

  it('puts the OAuth scopes of its contract and 401 on every authorized route and neither on public ones', () => {
    for (const { route } of routes) {
      const operation = operationOf(route.method, route.path);
      if (route.authorized) {
        expect(operation.security).toEqual([{ oauth2: route.scopes }]);
        expect(operation.responses['401']?.content?.['application/json']?.schema.$ref).toBe('#/components/schemas/GatewayError');
      } else {
        expect(operation.security).toEqual([]);
        expect(operation.responses['401']).toBeUndefined();
      }
    }
  });

  it('declares one OAuth 2.0 scheme that lists every scope with what it allows, and the token rules', () => {
    const { securitySchemes } = (openApiDocument as { components: { securitySchemes: Record<string, any> } }).components;
    expect(Object.keys(securitySchemes)).toEqual(['oauth2']);
    const { authorizationCode } = securitySchemes.oauth2.flows;
    expect(Object.keys(authorizationCode.scopes).sort()).toEqual(Object.keys(scopes).sort());
    for (const description of Object.values(authorizationCode.scopes)) expect(description).toEqual(expect.any(String));
    expect(authorizationCode).toMatchObject({ authorizationUrl: expect.stringMatching(/^https:/), tokenUrl: expect.stringMatching(/^https:/), refreshUrl: expect.stringMatching(/^https:/) });
    expect(securitySchemes.oauth2.description).toMatch(/RFC8725/);
    expect(securitySchemes.oauth2.description).toMatch(/RS256/);
    const used = new Set(routes.flatMap(({ route }) => route.scopes));
    expect([...used].sort()).toEqual(Object.keys(scopes).sort());
  });

  it('answers errors as problem documents, and 404 on every route with an id', () => {
    for (const { route } of routes) {
      const { responses } = operationOf(route.method, route.path);
      for (const [status, response] of Object.entries(responses)) {
        if (Number(status) >= 400 && status !== '401' && status !== '429') {
          expect(response.content?.['application/problem+json']?.schema.$ref).toBe('#/components/schemas/Problem');
        }
      }
      if (route.path.includes('{')) expect(responses['404']).toBeDefined();
    }
    expect(document.components.schemas.Problem).toMatchObject({ required: ['type', 'title', 'status', 'detail'] });
  });

  it('documents POST /v1/cases with Idempotency-Key, 201 with Location, 400 and 422', () => {
    const submit = operationOf('POST', '/v1/cases');
    expect(submit.parameters).toContainEqual(expect.objectContaining({ name: 'Idempotency-Key', in: 'header', required: false }));
    expect(submit.responses['201']?.headers).toHaveProperty('Location');
    expect(Object.keys(submit.responses)).toEqual(expect.arrayContaining(['201', '400', '401', '403', '413', '415', '422']));
    expect(Object.keys(operationOf('POST', '/v1/tasks/{id}/complete').responses)).toContain('409');
  });

  it('gives the search and inbox query strings one parameter per field', async () => {
    for (const [path, query] of [
      ['/v1/cases', api.searchCasesQuery],
      ['/v1/tasks', api.listTasksQuery],
    ] as const) {
      const names = (operationOf('GET', path).parameters ?? []).filter((parameter) => parameter.in === 'query').map((parameter) => parameter.name);
      expect(names).toEqual(Object.keys(query.shape));
    }
  });

  it('describes each request body that no type declares with the JSON Schema of the schema its handler validates with', async () => {
    const bodies: [string, z.ZodMiniType][] = [
      ['POST /v1/cases/{id}/withdraw', reasonRequest],
      ['POST /v1/cases/{id}/suspend', reasonRequest],
      ['POST /v1/cases/{id}/resume', reasonRequest],
      ['POST /v1/cases/{id}/extend', extendRequest],
      ['POST /v1/data-subject/export', api.dataSubjectExportRequest],
    ];
    for (const [route, schema] of bodies) {
      const [method, path] = route.split(' ') as [string, string];
      const media = operationOf(method, path).requestBody?.content['application/json'];
      expect(media && componentOf(media.schema.$ref)).toEqual(inputJsonSchema(schema));
      for (const example of Object.values(media?.examples ?? {})) expect(schema.safeParse(example.value).error).toBeUndefined();
    }
  });

  it('refers every applicant to the components in which exactly one of insz and kbo is allowed', () => {
    expect(componentOf('#/components/schemas/DataSubjectExportRequest')).toMatchObject({ properties: { applicant: { $ref: '#/components/schemas/Applicant' } } });
    const applicant = documented('Applicant');
    expect(applicant.safeParse({ insz: '85073003328' }).success).toBe(true);
    expect(applicant.safeParse({ kbo: '0123456749' }).success).toBe(true);
    expect(applicant.safeParse({ insz: '85073003328', kbo: '0123456749' }).success).toBe(false);
    expect(applicant.safeParse({}).success).toBe(false);
    expect(componentOf('#/components/schemas/CitizenApplicant')).toMatchObject({ properties: { kbo: false }, required: ['insz'] });
  });

  it("offers every transaction type's example request, valid by the handler's schema and by the document's", async () => {
    const media = operationOf('POST', '/v1/cases').requestBody?.content['application/json'];
    const examples = Object.values(media?.examples ?? {}).map((example) => example.value);
    expect(examples).toEqual(expect.arrayContaining(catalogue.all().map((type) => type.example)));
    expect(examples).toHaveLength(catalogue.all().length);
    const submission = documented('SubmitCaseRequest');
    for (const example of examples) {
      expect(api.submitCaseRequest.safeParse(example).error).toBeUndefined();
      expect(submission.safeParse(example).error).toBeUndefined();
    }
    expect(submission.safeParse({ type: 'proof-of-residence', applicant: {}, data: {} }).success).toBe(false);
  });

  it("describes a submission per published type, told apart by `type`, with the applicant kinds it accepts and its type's data schema", () => {
    const request = componentOf('#/components/schemas/SubmitCaseRequest') as { oneOf: unknown[]; discriminator: { propertyName: string; mapping: Record<string, string> } };
    expect(request.discriminator.propertyName).toBe('type');
    expect(Object.keys(request.discriminator.mapping).sort()).toEqual(catalogue.all().map((type) => type.key).sort());
    expect(request.oneOf).toHaveLength(catalogue.all().length);
    const submission = documented('SubmitCaseRequest');
    for (const type of catalogue.all()) {
      const { example } = type;
      expect(submission.safeParse({ ...example, type: 'no-such-type' }).success).toBe(false);
      expect(submission.safeParse({ ...example, data: { ...(example.data as object), notInTheSchema: 'x' } }).success).toBe(false);
      for (const [kind, applicant] of [['citizen', { insz: '85073003328' }], ['business', { kbo: '0123456749' }]] as const) {
        expect({ kind, accepted: submission.safeParse({ ...example, applicant }).success }).toEqual({ kind, accepted: type.applicantKinds.includes(kind) });
      }
      const data = componentOf(`#/components/schemas/${pascalCase(type.key)}Data`);
      expect(Object.keys(data.properties as object)).toEqual(Object.keys(type.inputSchema.properties as object));
    }
  });

  it('describes a message per declared name, told apart by `name`, with its data schema', () => {
    const message = documented('MessageRequest');
    const media = operationOf('POST', '/v1/cases/{id}/messages').requestBody?.content['application/json'];
    for (const example of Object.values(media?.examples ?? {})) {
      expect(messageRequest.safeParse(example.value).error).toBeUndefined();
      expect(message.safeParse(example.value).error).toBeUndefined();
    }
    for (const type of catalogue.all()) {
      for (const [name, declared] of Object.entries(type.messages)) {
        expect(message.safeParse({ name, data: exampleOf(declared.dataSchema) }).error).toBeUndefined();
      }
    }
    expect(message.safeParse({ name: 'payment-received', data: {} }).success).toBe(false);
    expect(message.safeParse({ name: 'payment-received', data: { amount: 25 } }).success).toBe(false);
    expect(message.safeParse({ name: 'no-such-message', data: {} }).success).toBe(false);
  });

  it("describes a completion per task of each published type: one of its outcomes, and data by the task's schema", () => {
    const completion = documented('CompleteTaskRequest');
    const media = operationOf('POST', '/v1/tasks/{id}/complete').requestBody?.content['application/json'];
    for (const example of Object.values(media?.examples ?? {})) {
      expect(api.completeTaskRequest.safeParse(example.value).error).toBeUndefined();
      expect(completion.safeParse(example.value).error).toBeUndefined();
    }
    for (const type of catalogue.all()) {
      for (const [name, task] of Object.entries(type.tasks)) {
        const own = documented(`${pascalCase(type.key)}${pascalCase(name)}Completion`);
        expect(own.safeParse({ outcome: task.outcomes[0], data: exampleOf(task.dataSchema), reason: 'Checked on site' }).error).toBeUndefined();
        expect(own.safeParse({ outcome: 'no-such-outcome' }).success).toBe(false);
        expect(own.safeParse({ outcome: task.outcomes[0], data: { notInTheSchema: 'x' } }).success).toBe(false);
      }
    }
    expect(completion.safeParse({ outcome: 'no-such-outcome' }).success).toBe(false);
  });

  it('describes the responses the views give', () => {
    const submit = operationOf('POST', '/v1/cases');
    expect(submit.responses['201']?.content?.['application/json']?.schema.$ref).toBe('#/components/schemas/CaseView');
    expect(operationOf('POST', '/v1/cases/{id}/messages').responses['202']).toBeDefined();
    expect(componentOf('#/components/schemas/CaseView')).toMatchObject({
      properties: { openTasks: { type: 'array', items: { $ref: '#/components/schemas/TaskView' } } },
    });
    expect(componentOf('#/components/schemas/TaskView').properties).not.toHaveProperty('token');
    expect(componentOf('#/components/schemas/TransactionTypeView')).toMatchObject({ properties: { example: { $ref: '#/components/schemas/SubmitCaseRequest' } } });
    expect(componentOf('#/components/schemas/CaseHistory').required).toEqual(['caseId', 'number', 'verified', 'items']);
    for (const type of catalogue.all()) expect(api.transactionTypeViewSchema.safeParse({ ...type, displayTitle: type.title.en }).success).toBe(true);
  });

  it('declares 429 with Retry-After on every operation, answered by API Gateway', () => {
    for (const { route } of routes) {
      const throttled = operationOf(route.method, route.path).responses['429'] as { headers?: Record<string, { required?: boolean }> };
      expect(throttled).toMatchObject({ content: { 'application/json': { schema: { $ref: '#/components/schemas/GatewayError' } } } });
      expect(throttled.headers?.['Retry-After']).toMatchObject({ required: false });
      const { rateLimit, burstLimit } = route.throttle;
      expect((throttled as { description: string }).description).toContain(`${rateLimit} requests a second from all callers together, with bursts of ${burstLimit}`);
    }
  });

  it('bounds and pattern-checks every path parameter and header with the schema its route checks it with', () => {
    for (const { route } of routes) {
      for (const parameter of operationOf(route.method, route.path).parameters ?? []) {
        if (parameter.in === 'query') continue;
        expect({ route: route.path, name: parameter.name, maxLength: typeof parameter.schema.maxLength }).toEqual({ route: route.path, name: parameter.name, maxLength: 'number' });
        if (parameter.in === 'path') expect(parameter.schema.pattern).toEqual(expect.any(String));
      }
    }
    const claim = operationOf('POST', '/v1/tasks/{id}/claim').parameters?.find((parameter) => parameter.name === 'id');
    expect(claim?.schema).toMatchObject({ type: 'string', maxLength: 26, pattern: '^[0-9A-HJKMNP-TV-Z]{26}$' });
  });

  it('gives every integer a format and a maximum, and every string a maxLength or a fixed value', () => {
    const unbounded: string[] = [];
    const visit = (node: unknown, path: string): void => {
      if (Array.isArray(node)) return node.forEach((item, index) => visit(item, `${path}/${index}`));
      if (node === null || typeof node !== 'object') return;
      const schema = node as JsonObject;
      const integerBounded = ['int32', 'int64'].includes(String(schema.format)) && ('maximum' in schema || 'exclusiveMaximum' in schema);
      if (schema.type === 'integer' && !integerBounded) unbounded.push(path);
      if (schema.type === 'string' && !('maxLength' in schema || 'enum' in schema || 'const' in schema)) unbounded.push(path);
      for (const [key, value] of Object.entries(schema)) if (key !== 'examples' && key !== 'example') visit(value, `${path}/${key}`);
    };
    visit(openApiDocument.paths, '#/paths');
    visit(openApiDocument.components, '#/components');
    expect(unbounded).toEqual([]);
  });

  it('states its CORS policy and request limits', () => {
    expect(openApiDocument).toMatchObject({ 'x-cors': { allowedOrigins: [] }, 'x-request-limits': { bodyBytes: 65_536, bodyDepth: 16 } });
    expect((openApiDocument.info as { description: string }).description).toContain('CORS: none');
  });

  it('is the same document, key for key, however often it is built', () => {
    expect(JSON.stringify(buildOpenApiDocument())).toBe(JSON.stringify(openApiDocument));
  });
});

describe('GET /v1/openapi.json', () => {
  it('answers 200 with the document as JSON', async () => {
    const event = {
      version: '2.0',
      routeKey: 'GET /v1/openapi.json',
      rawPath: '/v1/openapi.json',
      rawQueryString: '',
      headers: {},
      isBase64Encoded: false,
      requestContext: { requestId: randomUUID(), routeKey: 'GET /v1/openapi.json', http: { method: 'GET', path: '/v1/openapi.json' } },
    } as unknown as HttpEvent;
    const context: Context = {
      callbackWaitsForEmptyEventLoop: false,
      functionName: 'loket-get-openapi',
      functionVersion: '$LATEST',
      invokedFunctionArn: 'arn:aws:lambda:eu-west-1:000000000000:function:loket-get-openapi',
      memoryLimitInMB: '256',
      awsRequestId: randomUUID(),
      logGroupName: '/aws/lambda/loket-get-openapi',
      logStreamName: 'test',
      getRemainingTimeInMillis: () => 10_000,
      done: () => undefined,
      fail: () => undefined,
      succeed: () => undefined,
    };
    const response = await handler(event, context);
    expect(response.statusCode).toBe(200);
    expect(response.headers?.['content-type']).toBe('application/json');
    expect(JSON.parse(response.body ?? '')).toEqual(openApiDocument);
  });
});
