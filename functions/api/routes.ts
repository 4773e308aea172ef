import * as permissions from '../domain/permitted-roles';
import * as api from './api.schemas';
import { extendRequest, messageRequest, reasonRequest } from './lifecycle.schemas';
import * as subscriptions from './subscription.schemas';
import { route, type RouteContract } from './route-contract';
import type { Scope } from './scopes';

/*
 * Every route of API v1, one contract each. The app declaration turns each into a function,
 * CDK and the local host serve it, the OpenAPI document describes it, and its handler is
 * typed by it, so that none of them can drift from the others.
 */

const reasonExample = /* @__NO_SIDE_EFFECTS__ */ (reason: string) => ({ default: { summary: 'A reason for the audit trail', value: { reason } } });
const caseIdPath = { id: api.caseIdParameter };
const caseResponse = { status: 200, description: 'The case after the action', schema: api.caseViewSchema } as const;
const reasonBody = /* @__NO_SIDE_EFFECTS__ */ (reason: string) => ({ component: 'ReasonRequest', schema: reasonRequest, examples: reasonExample(reason) });

export const health = /* @__PURE__ */ route({
  name: 'health',
  entry: 'functions/api/health.handler.ts',
  summary: 'Liveness probe',
  method: 'GET',
  path: '/v1/health',
  access: { public: true },
  tag: 'Operations',
  success: { status: 200, description: 'The service is alive', schema: api.healthSchema },
  memorySize: 128,
} satisfies RouteContract);

export const getOpenApi = /* @__PURE__ */ route({
  name: 'get-openapi',
  entry: 'functions/api/get-openapi.handler.ts',
  summary: 'Returns the OpenAPI 3.1 document of this API',
  method: 'GET',
  path: '/v1/openapi.json',
  access: { public: true },
  tag: 'Operations',
  success: { status: 200, description: 'This OpenAPI document', schema: api.openApiDocumentSchema },
  servesOpenApiDocument: true,
} satisfies RouteContract);

export const listTransactionTypes = /* @__PURE__ */ route({
  name: 'list-transaction-types',
  entry: 'functions/api/list-transaction-types.handler.ts',
  summary: "Lists the transaction types published for the caller's tenant",
  method: 'GET',
  path: '/v1/transaction-types',
  access: { roles: permissions.readCatalogue, scopes: ['loket/catalogue.read'] },
  tag: 'Catalogue',
  headers: ['Accept-Language'],
  success: { status: 200, description: 'The published transaction types', schema: api.transactionTypeListSchema },
} satisfies RouteContract);

export const getTransactionType = /* @__PURE__ */ route({
  name: 'get-transaction-type',
  entry: 'functions/api/get-transaction-type.handler.ts',
  summary: 'Returns one transaction type: its input schema, statuses, tasks and messages',
  method: 'GET',
  path: '/v1/transaction-types/{key}',
  pathParameters: { key: api.typeKeyParameter },
  access: { roles: permissions.readCatalogue, scopes: ['loket/catalogue.read'] },
  tag: 'Catalogue',
  headers: ['Accept-Language'],
  success: { status: 200, description: 'The transaction type', schema: api.transactionTypeViewSchema },
} satisfies RouteContract);

export const listTransactionTypeVersions = /* @__PURE__ */ route({
  name: 'list-transaction-type-versions',
  entry: 'functions/api/list-transaction-type-versions.handler.ts',
  summary: 'Lists the published versions of one transaction type, oldest first, and the one new cases take',
  method: 'GET',
  path: '/v1/transaction-types/{key}/versions',
  pathParameters: { key: api.typeKeyParameter },
  access: { roles: permissions.readCatalogue, scopes: ['loket/catalogue.read'] },
  tag: 'Catalogue',
  headers: ['Accept-Language'],
  success: { status: 200, description: "The type's versions", schema: api.transactionTypeVersionListSchema },
} satisfies RouteContract);

export const submitCase = /* @__PURE__ */ route({
  name: 'submit-case',
  entry: 'functions/api/submit-case.handler.ts',
  summary: 'Submits a case and starts its workflow',
  method: 'POST',
  path: '/v1/cases',
  access: { roles: permissions.submitCase, scopes: ['loket/cases.write'] },
  tag: 'Cases',
  body: {
    component: 'SubmitCaseRequest',
    schema: api.submitCaseRequest,
    // Each published type's example request; the OpenAPI generator fills them in, so that no handler bundles the catalogue for it.
    examples: 'transaction-type-examples',
    catalogue: 'submission',
  },
  headers: ['Idempotency-Key', 'X-Audit-Reason', 'Accept-Language'],
  success: {
    status: 201,
    description:
      'The case was submitted (or, for a repeated Idempotency-Key, had been). The answer comes as soon as the case is stored; its workflow starts right after, even if the workflow engine was briefly unavailable.',
    schema: api.caseViewSchema,
  },
  errors: [422],
  table: 'readWrite',
  // Names the case's execution and records the version it is to run; the outbox dispatcher starts it.
  knowsStateMachines: true,
  readsCurrentWorkflowVersions: true,
} satisfies RouteContract);

export const getCase = /* @__PURE__ */ route({
  name: 'get-case',
  entry: 'functions/api/get-case.handler.ts',
  summary: 'Returns one case of the caller’s tenant',
  method: 'GET',
  path: '/v1/cases/{id}',
  pathParameters: caseIdPath,
  access: { roles: permissions.readCase, scopes: ['loket/cases.read'] },
  tag: 'Cases',
  headers: ['Accept-Language', 'X-Purpose'],
  success: { status: 200, description: 'The case with its open tasks', schema: api.caseViewSchema },
  table: 'read',
} satisfies RouteContract);

export const searchCases = /* @__PURE__ */ route({
  name: 'search-cases',
  entry: 'functions/api/search-cases.handler.ts',
  summary: "Searches the caller's tenant's cases by status, type or applicant",
  method: 'GET',
  path: '/v1/cases',
  access: { roles: permissions.readCase, scopes: ['loket/cases.read'] },
  tag: 'Cases',
  query: api.searchCasesQuery,
  headers: ['Accept-Language', 'X-Purpose'],
  success: { status: 200, description: 'A page of matching cases', schema: api.caseSearchPageSchema },
  table: 'read',
} satisfies RouteContract);

export const searchCasesByApplicant = /* @__PURE__ */ route({
  name: 'search-cases-by-applicant',
  entry: 'functions/api/search-cases-by-applicant.handler.ts',
  summary: "Searches the caller's tenant's cases of one applicant, by INSZ or KBO in the body",
  method: 'POST',
  path: '/v1/cases/search',
  access: { roles: permissions.readCase, scopes: ['loket/cases.read'] },
  tag: 'Cases',
  body: {
    component: 'SearchByApplicantRequest',
    schema: api.searchByApplicantRequest,
    examples: { citizen: { summary: "A citizen's open cases under review", value: { applicant: '85073003328', status: 'under-review', limit: 10 } } },
  },
  headers: ['Accept-Language', 'X-Purpose'],
  success: { status: 200, description: 'A page of the applicant’s cases, oldest first', schema: api.caseSearchPageSchema },
  table: 'read',
} satisfies RouteContract);

export const caseHistory = /* @__PURE__ */ route({
  name: 'case-history',
  entry: 'functions/api/case-history.handler.ts',
  summary: "Returns a case's audit trail and whether it verifies: complete, unchanged, sealed and matching the case",
  method: 'GET',
  path: '/v1/cases/{id}/history',
  pathParameters: caseIdPath,
  access: { roles: permissions.readCase, scopes: ['loket/cases.read'] },
  tag: 'Cases',
  headers: ['X-Purpose'],
  success: { status: 200, description: 'The audit trail, oldest first', schema: api.caseHistorySchema },
  table: 'read',
  verifiesAuditTrail: true,
} satisfies RouteContract);

export const withdrawCase = /* @__PURE__ */ route({
  name: 'withdraw-case',
  entry: 'functions/api/withdraw-case.handler.ts',
  summary: 'Withdraws a case for its applicant and stops its workflow',
  method: 'POST',
  path: '/v1/cases/{id}/withdraw',
  pathParameters: caseIdPath,
  access: { roles: permissions.withdrawCase, scopes: ['loket/cases.write'] },
  tag: 'Cases',
  body: reasonBody('The applicant no longer needs the certificate'),
  headers: ['Accept-Language'],
  // Not a spread of caseResponse: a bundler keeps a spread for fear of a getter, and this route with it.
  success: { status: 200, description: 'The case, closed as withdrawn; its workflow is stopped right after the answer', schema: api.caseViewSchema },
  errors: [409],
  table: 'readWrite',
} satisfies RouteContract);

export const suspendCase = /* @__PURE__ */ route({
  name: 'suspend-case',
  entry: 'functions/api/suspend-case.handler.ts',
  summary: 'Suspends a case: its deadline clock stops',
  method: 'POST',
  path: '/v1/cases/{id}/suspend',
  pathParameters: caseIdPath,
  access: { roles: permissions.suspendCase, scopes: ['loket/cases.write'] },
  tag: 'Cases',
  body: reasonBody('Waiting for the applicant to supply a document'),
  headers: ['Accept-Language'],
  success: caseResponse,
  errors: [409],
  table: 'readWrite',
} satisfies RouteContract);

export const resumeCase = /* @__PURE__ */ route({
  name: 'resume-case',
  entry: 'functions/api/resume-case.handler.ts',
  summary: 'Resumes a suspended case; its due date moves by the suspended time',
  method: 'POST',
  path: '/v1/cases/{id}/resume',
  pathParameters: caseIdPath,
  access: { roles: permissions.resumeCase, scopes: ['loket/cases.write'] },
  tag: 'Cases',
  body: reasonBody('The applicant supplied the document'),
  headers: ['Accept-Language'],
  success: caseResponse,
  errors: [409],
  table: 'readWrite',
} satisfies RouteContract);

export const extendCase = /* @__PURE__ */ route({
  name: 'extend-case',
  entry: 'functions/api/extend-case.handler.ts',
  summary: "Extends a case's legal deadline by working days",
  method: 'POST',
  path: '/v1/cases/{id}/extend',
  pathParameters: caseIdPath,
  access: { roles: permissions.extendCase, scopes: ['loket/cases.write'] },
  tag: 'Cases',
  body: {
    component: 'ExtendRequest',
    schema: extendRequest,
    examples: { default: { summary: 'Ten more working days', value: { days: 10, reason: 'An on-site check is needed' } } },
  },
  headers: ['Accept-Language'],
  success: caseResponse,
  errors: [409],
  table: 'readWrite',
} satisfies RouteContract);

export const sendMessage = /* @__PURE__ */ route({
  name: 'send-message',
  entry: 'functions/api/send-message.handler.ts',
  summary: 'Delivers a message to the workflow step of a case that waits for it',
  method: 'POST',
  path: '/v1/cases/{id}/messages',
  pathParameters: caseIdPath,
  access: { roles: permissions.sendMessage, scopes: ['loket/cases.write'] },
  tag: 'Cases',
  body: {
    component: 'MessageRequest',
    schema: messageRequest,
    examples: {
      'payment-received': {
        summary: 'The fee of a resident parking permit was paid',
        value: { name: 'payment-received', data: { amount: 25, reference: '+++090/9337/55493+++' } },
      },
    },
    catalogue: 'message',
  },
  headers: ['Accept-Language'],
  success: {
    status: 202,
    description: 'The message is recorded and the waiting step will receive it (at least once, right after the answer). A step that no longer waits gets an audit event `message.result-undeliverable` instead.',
    schema: api.caseViewSchema,
  },
  errors: [409],
  table: 'readWrite',
} satisfies RouteContract);

export const getCaseDocument = /* @__PURE__ */ route({
  name: 'get-case-document',
  entry: 'functions/api/get-case-document.handler.ts',
  summary: "Downloads a document of a case of the caller's tenant as a PDF",
  method: 'GET',
  path: '/v1/cases/{id}/documents/{reference}',
  pathParameters: { id: api.caseIdParameter, reference: api.documentReferenceParameter },
  access: { roles: permissions.readCase, scopes: ['loket/cases.read'] },
  tag: 'Cases',
  headers: ['X-Purpose'],
  success: { status: 200, description: 'The issued document, as an attachment named <reference>.pdf', file: { mediaType: 'application/pdf' } },
  table: 'read',
  documents: 'read',
} satisfies RouteContract);

export const listTasks = /* @__PURE__ */ route({
  name: 'list-tasks',
  entry: 'functions/api/list-tasks.handler.ts',
  summary: "Lists the open tasks of the caller's tenant for the caller's roles",
  method: 'GET',
  path: '/v1/tasks',
  access: { taskRoles: true, scopes: ['loket/tasks.read'] },
  tag: 'Tasks',
  query: api.listTasksQuery,
  success: { status: 200, description: 'A page of tasks, soonest due first', schema: api.taskPageSchema },
  table: 'read',
} satisfies RouteContract);

export const claimTask = /* @__PURE__ */ route({
  name: 'claim-task',
  entry: 'functions/api/claim-task.handler.ts',
  summary: 'Assigns a task to the clerk who claims it',
  method: 'POST',
  path: '/v1/tasks/{id}/claim',
  pathParameters: { id: api.taskIdParameter },
  access: { taskRoles: true, scopes: ['loket/tasks.write'] },
  tag: 'Tasks',
  success: { status: 200, description: 'The task, claimed by the caller', schema: api.taskViewSchema },
  errors: [409],
  table: 'readWrite',
} satisfies RouteContract);

export const completeTask = /* @__PURE__ */ route({
  name: 'complete-task',
  entry: 'functions/api/complete-task.handler.ts',
  summary: 'Completes a task with an outcome and resumes the waiting workflow',
  method: 'POST',
  path: '/v1/tasks/{id}/complete',
  pathParameters: { id: api.taskIdParameter },
  access: { taskRoles: true, scopes: ['loket/tasks.write'] },
  tag: 'Tasks',
  body: {
    component: 'CompleteTaskRequest',
    schema: api.completeTaskRequest,
    examples: {
      approve: { summary: 'Approve', value: { outcome: 'approve' } },
      reject: { summary: 'Reject, with a reason', value: { outcome: 'reject', reason: 'The applicant does not live here' } },
    },
    catalogue: 'completion',
  },
  headers: ['X-Audit-Reason'],
  success: {
    status: 200,
    description:
      'The completed task, as soon as the completion is stored; the waiting step receives the outcome right after. The same completion (same outcome, same clerk) sent again answers the same 200 and changes nothing; any other completion of a completed task is a 409. A step that no longer waits (its deadline passed) gets an audit event `task.result-undeliverable` and the case follows its timeout path.',
    schema: api.taskViewSchema,
  },
  errors: [409],
  table: 'readWrite',
} satisfies RouteContract);

export const casesNeedingAttention = /* @__PURE__ */ route({
  name: 'list-cases-needing-attention',
  entry: 'functions/api/list-cases-needing-attention.handler.ts',
  summary: "Lists the caller's tenant's open cases whose workflow ended, for operators",
  method: 'GET',
  path: '/v1/operations/cases',
  access: { roles: permissions.operateCases, scopes: ['loket/operations.read'] },
  tag: 'Operations',
  query: api.attentionQuery,
  headers: ['Accept-Language'],
  success: { status: 200, description: 'A page of cases that need an operator, longest waiting first, each with why', schema: api.caseSearchPageSchema },
  table: 'read',
} satisfies RouteContract);

export const redriveCase = /* @__PURE__ */ route({
  name: 'redrive-case',
  entry: 'functions/api/redrive-case.handler.ts',
  summary: "Runs a case's failed, timed-out or aborted workflow again, for operators",
  method: 'POST',
  path: '/v1/cases/{id}/redrive',
  pathParameters: caseIdPath,
  access: { roles: permissions.redriveCase, scopes: ['loket/operations.write'] },
  tag: 'Operations',
  body: reasonBody('The population register was unreachable; it is back'),
  headers: ['Accept-Language'],
  success: { status: 202, description: 'The redrive is recorded; the workflow runs again shortly (RedriveExecution, through the outbox)', schema: api.caseViewSchema },
  errors: [409],
  table: 'readWrite',
  readsExecutions: true,
} satisfies RouteContract);

export const reopenCase = /* @__PURE__ */ route({
  name: 'reopen-case',
  entry: 'functions/api/reopen-case.handler.ts',
  summary: "Reopens a case closed 'failed' by mistake and starts its workflow again, for operators",
  method: 'POST',
  path: '/v1/cases/{id}/reopen',
  pathParameters: caseIdPath,
  access: { roles: permissions.reopenCase, scopes: ['loket/operations.write'] },
  tag: 'Operations',
  body: reasonBody('Closed failed during a population register outage; the register is back'),
  headers: ['Accept-Language'],
  success: {
    status: 202,
    description: "The case is open again in its last open status; a new execution of its workflow starts shortly (through the outbox) and takes it to its final status. A case that is not closed 'failed' is a 409.",
    schema: api.caseViewSchema,
  },
  errors: [409],
  table: 'readWrite',
  knowsStateMachines: true,
} satisfies RouteContract);

export const processingLog = /* @__PURE__ */ route({
  name: 'data-subject-processing-log',
  entry: 'functions/api/data-subject-processing-log.handler.ts',
  summary: "Lists who processed a person's or business's data within the caller's tenant, for the data protection officer",
  method: 'POST',
  path: '/v1/data-subject/processing-log',
  access: { roles: permissions.dataSubject, scopes: ['loket/data-subject.read'] },
  tag: 'Data protection',
  // Each answer reads a person's whole processing log.
  throttle: { rateLimit: 5, burstLimit: 10 },
  body: {
    component: 'ProcessingLogRequest',
    schema: api.processingLogRequest,
    examples: { citizen: { summary: 'A citizen’s processing log', value: { applicant: { insz: '85073003328' }, limit: 50 } } },
  },
  headers: ['X-Purpose'],
  success: { status: 200, description: 'A page of access records, oldest first', schema: api.processingLogPageSchema },
  table: 'read',
} satisfies RouteContract);

export const dataSubjectExport = /* @__PURE__ */ route({
  name: 'data-subject-export',
  entry: 'functions/api/data-subject-export.handler.ts',
  summary: "Exports everything the caller's tenant holds about a person or business, for the data protection officer",
  method: 'POST',
  path: '/v1/data-subject/export',
  access: { roles: permissions.dataSubject, scopes: ['loket/data-subject.read'] },
  tag: 'Data protection',
  // Each answer reads everything held about a person, for up to 30 seconds.
  throttle: { rateLimit: 1, burstLimit: 5 },
  body: {
    component: 'DataSubjectExportRequest',
    schema: api.dataSubjectExportRequest,
    examples: { citizen: { summary: 'A citizen’s access request', value: { applicant: { insz: '85073003328' } } } },
  },
  headers: ['X-Purpose', 'Accept-Language'],
  success: { status: 200, description: 'The cases with their audit trails and document links, and the processing log', schema: api.dataSubjectExportSchema },
  table: 'read',
  timeoutSeconds: 30,
} satisfies RouteContract);

const subscriptionPath = { id: subscriptions.subscriptionIdParameter };

export const createSubscription = /* @__PURE__ */ route({
  name: 'create-subscription',
  entry: 'functions/api/create-subscription.handler.ts',
  summary: "Subscribes a callback URL to the caller's tenant's case events (signed webhooks), for operators",
  method: 'POST',
  path: '/v1/subscriptions',
  access: { roles: permissions.manageSubscriptions, scopes: ['loket/subscriptions.write'] },
  tag: 'Subscriptions',
  body: {
    component: 'CreateSubscriptionRequest',
    schema: subscriptions.createSubscriptionRequest,
    examples: {
      statusChanges: {
        summary: 'The status changes of resident parking permits, with a generated secret',
        value: { url: 'https://backoffice.example.org/loket/events', eventTypes: ['be.loket.case.status-changed.v1'], transactionTypes: ['resident-parking-permit'] },
      },
    },
  },
  success: {
    status: 201,
    description:
      'The subscription, with its signing secret: this is the only answer that shows the secret. Every matching event is POSTed to the URL as a CloudEvent (structured JSON), signed the Standard Webhooks way (webhook-id, webhook-timestamp, webhook-signature), at least once, retried with backoff for a day, in order per case.',
    schema: subscriptions.createdSubscriptionSchema,
  },
  errors: [422],
  table: 'readWrite',
  caseStore: false,
  callbackPolicy: true,
} satisfies RouteContract);

export const listSubscriptions = /* @__PURE__ */ route({
  name: 'list-subscriptions',
  entry: 'functions/api/list-subscriptions.handler.ts',
  summary: "Lists the caller's tenant's webhook subscriptions (without their secrets), for operators",
  method: 'GET',
  path: '/v1/subscriptions',
  access: { roles: permissions.manageSubscriptions, scopes: ['loket/subscriptions.read'] },
  tag: 'Subscriptions',
  success: { status: 200, description: 'The subscriptions, oldest first', schema: subscriptions.subscriptionListSchema },
  table: 'read',
  caseStore: false,
} satisfies RouteContract);

export const deleteSubscription = /* @__PURE__ */ route({
  name: 'delete-subscription',
  entry: 'functions/api/delete-subscription.handler.ts',
  summary: 'Deletes a webhook subscription of the caller’s tenant, for operators',
  method: 'DELETE',
  path: '/v1/subscriptions/{id}',
  pathParameters: subscriptionPath,
  access: { roles: permissions.manageSubscriptions, scopes: ['loket/subscriptions.write'] },
  tag: 'Subscriptions',
  success: { status: 200, description: 'The deleted subscription; its pending deliveries are cancelled', schema: subscriptions.subscriptionViewSchema },
  table: 'readWrite',
  caseStore: false,
} satisfies RouteContract);

export const listSubscriptionDeliveries = /* @__PURE__ */ route({
  name: 'list-subscription-deliveries',
  entry: 'functions/api/list-subscription-deliveries.handler.ts',
  summary: "Lists a subscription's deliveries with their attempts and the receiver's answers, for operators",
  method: 'GET',
  path: '/v1/subscriptions/{id}/deliveries',
  pathParameters: subscriptionPath,
  access: { roles: permissions.manageSubscriptions, scopes: ['loket/subscriptions.read'] },
  tag: 'Subscriptions',
  query: subscriptions.deliveriesQuery,
  success: { status: 200, description: 'A page of deliveries, newest first', schema: subscriptions.deliveryPageSchema },
  table: 'read',
  caseStore: false,
} satisfies RouteContract);

export const replaySubscription = /* @__PURE__ */ route({
  name: 'replay-subscription',
  entry: 'functions/api/replay-subscription.handler.ts',
  summary: "Delivers a subscription's events again from a point in time, for operators",
  method: 'POST',
  path: '/v1/subscriptions/{id}/replay',
  pathParameters: subscriptionPath,
  access: { roles: permissions.manageSubscriptions, scopes: ['loket/subscriptions.write'] },
  tag: 'Subscriptions',
  body: {
    component: 'ReplayRequest',
    schema: subscriptions.replayRequest,
    examples: { sinceMorning: { summary: 'Everything since this morning', value: { from: '2026-12-01T06:00:00Z' } } },
  },
  success: {
    status: 202,
    description:
      'The replay is recorded: every logged event since `from` that the subscription matches is delivered again (new deliveries, the same webhook-id per event, so that a receiver deduplicates), in order per case.',
    schema: subscriptions.replaySchema,
  },
  table: 'readWrite',
  caseStore: false,
  timeoutSeconds: 30,
} satisfies RouteContract);

/** Every route, in the order the declaration lists their functions. */
/**
 * Whoever reads the catalogue: the schemas describe ids and codes only, and are reference data like the
 * types. One scope, not "any of Loket's": a dev token is minted with the scopes of the routes its roles may
 * call, and an any-of list would hand every role every scope.
 */
const anyCaller = { roles: permissions.readEventSchemas, scopes: ['loket/catalogue.read'] as Scope[] };

export const listEventSchemas = /* @__PURE__ */ route({
  name: 'list-event-schemas',
  entry: 'functions/api/list-event-schemas.handler.ts',
  summary: 'Lists the case event types Loket publishes, with where each JSON Schema is served',
  method: 'GET',
  path: '/v1/events/schemas',
  access: anyCaller,
  tag: 'Events',
  success: { status: 200, description: 'The event types', schema: api.eventSchemaListSchema },
} satisfies RouteContract);

export const getEventSchema = /* @__PURE__ */ route({
  name: 'get-event-schema',
  entry: 'functions/api/get-event-schema.handler.ts',
  summary: "Returns the JSON Schema of one case event type: the CloudEvent envelope and its data (an event's `dataschema`)",
  method: 'GET',
  path: '/v1/events/schemas/{type}',
  pathParameters: { type: api.eventTypeParameter },
  access: anyCaller,
  tag: 'Events',
  success: { status: 200, description: 'The JSON Schema (draft-07)', schema: api.eventSchemaSchema },
} satisfies RouteContract);

export const routes: readonly RouteContract[] = [
  health,
  getOpenApi,
  listTransactionTypes,
  getTransactionType,
  listTransactionTypeVersions,
  submitCase,
  getCase,
  searchCases,
  searchCasesByApplicant,
  caseHistory,
  withdrawCase,
  suspendCase,
  resumeCase,
  extendCase,
  sendMessage,
  listTasks,
  claimTask,
  completeTask,
  getCaseDocument,
  casesNeedingAttention,
  redriveCase,
  reopenCase,
  processingLog,
  dataSubjectExport,
  createSubscription,
  listSubscriptions,
  deleteSubscription,
  listSubscriptionDeliveries,
  replaySubscription,
  listEventSchemas,
  getEventSchema,
];
