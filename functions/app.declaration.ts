/**
 * The one declaration of the app: every function, the routes it serves, the access it
 * needs and the workflow placeholders it fills. The CDK stacks (infra/) and the local
 * host (infra/local/) are both generated from this list, so the two cannot drift.
 */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RouteDeclaration {
  readonly method: HttpMethod;
  /** API Gateway HTTP API path, with `{name}` path parameters. */
  readonly path: string;
  /** Whether the JWT authorizer guards the route. */
  readonly authorized: boolean;
}

export interface FunctionDeclaration {
  /** kebab-case name: the Lambda's logical name and the local in-process function name. */
  readonly name: string;
  /** Handler module, relative to the project root; it exports `handler`. */
  readonly entry: string;
  readonly description: string;
  /** An API function serves routes; a step function is called by workflows. */
  readonly kind: 'api' | 'step';
  readonly routes?: readonly RouteDeclaration[];
  /** Access to the table; absent means none. */
  readonly table?: 'read' | 'readWrite';
  /** Starts executions of the transaction types' state machines. */
  readonly startsExecutions?: boolean;
  /** Reports task outcomes back to waiting executions (SendTaskSuccess/Failure). */
  readonly sendsTaskResults?: boolean;
  /** Stops executions of the transaction types' state machines. */
  readonly stopsExecutions?: boolean;
  /** Access to the issued documents' files (the documents bucket); absent means none. */
  readonly documents?: 'read' | 'readWrite';
  /** @default 256 */
  readonly memorySize?: number;
  /** @default 10 */
  readonly timeoutSeconds?: number;
}

export const functions: readonly FunctionDeclaration[] = [
  {
    name: 'health',
    entry: 'functions/api/health.handler.ts',
    description: 'Liveness probe',
    kind: 'api',
    routes: [{ method: 'GET', path: '/v1/health', authorized: false }],
    memorySize: 128,
  },
  {
    name: 'get-openapi',
    entry: 'functions/api/get-openapi.handler.ts',
    description: 'Returns the OpenAPI 3.1 document of this API',
    kind: 'api',
    routes: [{ method: 'GET', path: '/v1/openapi.json', authorized: false }],
  },
  {
    name: 'list-transaction-types',
    entry: 'functions/api/list-transaction-types.handler.ts',
    description: "Lists the transaction types published for the caller's tenant",
    kind: 'api',
    routes: [{ method: 'GET', path: '/v1/transaction-types', authorized: true }],
    table: 'read',
  },
  {
    name: 'get-transaction-type',
    entry: 'functions/api/get-transaction-type.handler.ts',
    description: 'Returns one transaction type with its input schema and statuses',
    kind: 'api',
    routes: [{ method: 'GET', path: '/v1/transaction-types/{key}', authorized: true }],
    table: 'read',
  },
  {
    name: 'submit-case',
    entry: 'functions/api/submit-case.handler.ts',
    description: 'Submits a case and starts its workflow',
    kind: 'api',
    routes: [{ method: 'POST', path: '/v1/cases', authorized: true }],
    table: 'readWrite',
    startsExecutions: true,
  },
  {
    name: 'get-case',
    entry: 'functions/api/get-case.handler.ts',
    description: 'Returns one case of the caller’s tenant',
    kind: 'api',
    routes: [{ method: 'GET', path: '/v1/cases/{id}', authorized: true }],
    table: 'read',
  },
  {
    name: 'search-cases',
    entry: 'functions/api/search-cases.handler.ts',
    description: "Searches the caller's tenant's cases by status, type or applicant",
    kind: 'api',
    routes: [{ method: 'GET', path: '/v1/cases', authorized: true }],
    table: 'read',
  },
  {
    name: 'case-history',
    entry: 'functions/api/case-history.handler.ts',
    description: "Returns a case's audit trail and whether its hash chain verifies",
    kind: 'api',
    routes: [{ method: 'GET', path: '/v1/cases/{id}/history', authorized: true }],
    table: 'read',
  },
  {
    name: 'withdraw-case',
    entry: 'functions/api/withdraw-case.handler.ts',
    description: 'Withdraws a case for its applicant and stops its workflow',
    kind: 'api',
    routes: [{ method: 'POST', path: '/v1/cases/{id}/withdraw', authorized: true }],
    table: 'readWrite',
    stopsExecutions: true,
  },
  {
    name: 'suspend-case',
    entry: 'functions/api/suspend-case.handler.ts',
    description: "Suspends a case: its deadline clock stops",
    kind: 'api',
    routes: [{ method: 'POST', path: '/v1/cases/{id}/suspend', authorized: true }],
    table: 'readWrite',
  },
  {
    name: 'resume-case',
    entry: 'functions/api/resume-case.handler.ts',
    description: 'Resumes a suspended case; its due date moves by the suspended time',
    kind: 'api',
    routes: [{ method: 'POST', path: '/v1/cases/{id}/resume', authorized: true }],
    table: 'readWrite',
  },
  {
    name: 'extend-case',
    entry: 'functions/api/extend-case.handler.ts',
    description: "Extends a case's legal deadline by working days",
    kind: 'api',
    routes: [{ method: 'POST', path: '/v1/cases/{id}/extend', authorized: true }],
    table: 'readWrite',
  },
  {
    name: 'send-message',
    entry: 'functions/api/send-message.handler.ts',
    description: 'Delivers a message to the workflow step of a case that waits for it',
    kind: 'api',
    routes: [{ method: 'POST', path: '/v1/cases/{id}/messages', authorized: true }],
    table: 'readWrite',
    sendsTaskResults: true,
  },
  {
    name: 'list-tasks',
    entry: 'functions/api/list-tasks.handler.ts',
    description: "Lists the open tasks of the caller's tenant for the caller's roles",
    kind: 'api',
    routes: [{ method: 'GET', path: '/v1/tasks', authorized: true }],
    table: 'read',
  },
  {
    name: 'claim-task',
    entry: 'functions/api/claim-task.handler.ts',
    description: 'Assigns a task to the clerk who claims it',
    kind: 'api',
    routes: [{ method: 'POST', path: '/v1/tasks/{id}/claim', authorized: true }],
    table: 'readWrite',
  },
  {
    name: 'complete-task',
    entry: 'functions/api/complete-task.handler.ts',
    description: 'Completes a task with an outcome and resumes the waiting workflow',
    kind: 'api',
    routes: [{ method: 'POST', path: '/v1/tasks/{id}/complete', authorized: true }],
    table: 'readWrite',
    sendsTaskResults: true,
  },
  {
    name: 'look-up-person',
    entry: 'functions/steps/look-up-person.handler.ts',
    description: 'Looks up the applicant in the population register (authentic source)',
    kind: 'step',
  },
  {
    name: 'look-up-enterprise',
    entry: 'functions/steps/look-up-enterprise.handler.ts',
    description: 'Looks up the business applicant in the enterprise register (KBO)',
    kind: 'step',
  },
  {
    name: 'update-register',
    entry: 'functions/steps/update-register.handler.ts',
    description: "Records the applicant's move in the population register",
    kind: 'step',
    table: 'read',
  },
  {
    name: 'record-status',
    entry: 'functions/steps/record-status.handler.ts',
    description: "Records a case's status transition with its audit event",
    kind: 'step',
    table: 'readWrite',
  },
  {
    name: 'create-task',
    entry: 'functions/steps/create-task.handler.ts',
    description: 'Creates a human task that holds the waiting workflow step’s task token',
    kind: 'step',
    // Resumes a re-run workflow at once when the task was answered or the message received before.
    sendsTaskResults: true,
    table: 'readWrite',
  },
  {
    name: 'await-message',
    entry: 'functions/steps/await-message.handler.ts',
    description: 'Registers that a workflow step waits for a message on its case',
    kind: 'step',
    // Resumes a re-run workflow at once when the task was answered or the message received before.
    sendsTaskResults: true,
    table: 'readWrite',
  },
  {
    name: 'issue-certificate',
    entry: 'functions/steps/issue-certificate.handler.ts',
    description: 'Issues the document of a case (a certificate or permit) and records the decision',
    kind: 'step',
    table: 'readWrite',
    documents: 'readWrite',
  },
  {
    name: 'get-case-document',
    entry: 'functions/api/get-case-document.handler.ts',
    description: "Downloads a document of a case of the caller's tenant as a PDF",
    kind: 'api',
    routes: [{ method: 'GET', path: '/v1/cases/{id}/documents/{reference}', authorized: true }],
    table: 'read',
    documents: 'read',
  },
];

/** `look-up-person` → `LookUpPersonFunctionArn`: the placeholder a workflow uses for a step function. */
export function functionPlaceholder(functionName: string): string {
  const pascal = functionName
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
  return `${pascal}FunctionArn`;
}

/** Placeholders that name resources rather than functions. */
export const resourcePlaceholders = ['TableName', 'EventBusName'] as const;
export type ResourcePlaceholder = (typeof resourcePlaceholders)[number];

export const stepFunctions = functions.filter((fn) => fn.kind === 'step');
export const apiFunctions = functions.filter((fn) => fn.kind === 'api');

/** Every placeholder a workflow definition may use. */
export const knownPlaceholders: readonly string[] = [
  ...stepFunctions.map((fn) => functionPlaceholder(fn.name)),
  ...resourcePlaceholders,
];
