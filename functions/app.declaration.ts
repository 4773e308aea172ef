/**
 * The one declaration of the app: every function, the routes it serves, the access it
 * needs and the workflow placeholders it fills. The CDK stacks (infra/) and the local
 * host (infra/local/) are both generated from this list, so the two cannot drift. API
 * functions come from the route contracts (functions/api/routes.ts), one function a route.
 */
import { routes } from './api/routes';
import { throttleOf, type HttpMethod, type RouteContract, type RouteThrottle } from './api/route-contract';
import type { Scope } from './api/scopes';
import type { FunctionAccess } from './function-access';

export type { HttpMethod } from './api/route-contract';

export interface RouteDeclaration {
  readonly method: HttpMethod;
  /** API Gateway HTTP API path, with `{name}` path parameters. */
  readonly path: string;
  /** Whether the JWT authorizer guards the route. */
  readonly authorized: boolean;
  /** OAuth scopes the route accepts, one of which the token must carry; none on a public route. */
  readonly scopes: readonly Scope[];
  /** Requests a second the route accepts from all callers, and the burst above that. */
  readonly throttle: RouteThrottle;
}

export interface StreamRecordFilter {
  readonly eventName: 'INSERT' | 'MODIFY' | 'REMOVE';
  /** The `entity` attribute of the item's new image. */
  readonly entity: string;
}

export interface FunctionDeclaration extends FunctionAccess {
  /** kebab-case name: the Lambda's logical name and the local in-process function name. */
  readonly name: string;
  /** Handler module, relative to the project root; it exports `handler`. */
  readonly entry: string;
  readonly description: string;
  /**
   * An API function serves routes; a step function is called by workflows; the stream
   * function is fed the table's new items (the outbox); a scheduled function runs every
   * `everyMinutes`; an invoked function runs only when an operator invokes it.
   */
  readonly kind: 'api' | 'step' | 'stream' | 'scheduled' | 'invoked';
  /** How often a scheduled function runs. */
  readonly everyMinutes?: number;
  /**
   * Which records of the table's stream a stream function is given: on AWS the event source
   * mapping's filter, locally the poller's. Nothing else reaches it, so no other item's image
   * (a case with its applicant) ever becomes its input.
   */
  readonly streamRecords?: StreamRecordFilter;
  /**
   * How many batches of one stream shard a stream function may work on at once (the event source
   * mapping's parallelization factor; records of one partition key stay in order). @default 1
   */
  readonly concurrentBatchesPerShard?: number;
  /**
   * Whether X-Ray samples the function's invocations (Lambda's Active tracing). False: it is traced
   * only where its caller's trace is (PassThrough), and it loads no tracer. @default true
   */
  readonly traced?: boolean;
  readonly routes?: readonly RouteDeclaration[];
}

/** The workflows' building blocks: each is called by the state machines through its placeholder. */
const steps: readonly FunctionDeclaration[] = [
  {
    name: 'look-up-person',
    entry: 'functions/steps/look-up-person.handler.ts',
    description: 'Looks up the applicant in the population register (authentic source)',
    kind: 'step',
    table: 'read',
  },
  {
    name: 'look-up-enterprise',
    entry: 'functions/steps/look-up-enterprise.handler.ts',
    description: 'Looks up the business applicant in the enterprise register (KBO)',
    kind: 'step',
    table: 'read',
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
];

const accessKeys = [
  'table',
  'caseStore',
  'verifiesAuditTrail',
  'startsExecutions',
  'knowsStateMachines',
  'readsCurrentWorkflowVersions',
  'readsExecutions',
  'sendsTaskResults',
  'stopsExecutions',
  'publishesEvents',
  'documents',
  'callbackPolicy',
  'servesOpenApiDocument',
  'memorySize',
  'timeoutSeconds',
] as const;

/** A route's function: its contract's name, entry and grants, serving the one route. */
function apiFunction(contract: RouteContract): FunctionDeclaration {
  const access = Object.fromEntries(accessKeys.flatMap((key) => (contract[key] === undefined ? [] : [[key, contract[key]]]))) as FunctionAccess;
  return {
    name: contract.name,
    entry: contract.entry,
    description: contract.summary,
    kind: 'api',
    routes: [
      {
        method: contract.method,
        path: contract.path,
        authorized: !('public' in contract.access),
        scopes: 'public' in contract.access ? [] : contract.access.scopes,
        throttle: throttleOf(contract),
      },
    ],
    ...access,
  };
}

/** What keeps the case store and the workflows together (the outbox dispatcher and the reconciler), the event deliveries, the retention job and the migration of running cases. */
const operations: readonly FunctionDeclaration[] = [
  {
    name: 'dispatch-outbox',
    entry: 'functions/outbox/dispatch-outbox.handler.ts',
    description: "Delivers the outbox's effects to the workflows (start, task and message results, stop) and publishes case events, fed by the table's stream",
    kind: 'stream',
    streamRecords: { eventName: 'INSERT', entity: 'outbox' },
    // Each case is a partition key: its effects stay in order, while other cases' effects go side by side,
    // so that a rush of submissions (or a slow Step Functions call) does not queue every case behind one batch.
    concurrentBatchesPerShard: 10,
    table: 'readWrite',
    startsExecutions: true,
    sendsTaskResults: true,
    stopsExecutions: true,
    publishesEvents: true,
    // Not traced: fed by the stream, each batch was a trace of its own ($5 a million, four a resident parking permit)
    // that joins no request (issue 14). The executions it starts stay traced: it passes no trace header on
    // (sfn.client), so Step Functions roots each execution's trace and samples it by its own rules. What a delivery
    // did is in the function's log; its errors, throttles, near-timeouts and the outbox dead-letter queue have alarms.
    traced: false,
    timeoutSeconds: 60,
  },
  {
    name: 'deliver-webhooks',
    entry: 'functions/outbox/deliver-webhooks.handler.ts',
    description: "Delivers case events to the tenant's subscriptions (signed webhooks) and the citizen's case overview, in order per case, fed new deliveries by the table's stream",
    kind: 'stream',
    streamRecords: { eventName: 'INSERT', entity: 'webhook-delivery' },
    // Each delivery line is a partition key: lines go side by side, each in its own order, so that one slow receiver holds up no batch of others.
    concurrentBatchesPerShard: 10,
    // Not traced: fed by the stream, each batch was a trace of its own ($5 a million) that joins no request and no
    // workflow, three a resident parking permit (issue 14). What an attempt did is in the delivery's record (status,
    // attempts, next attempt; GET …/deliveries) and the function's log; DeliveriesDeadLettered, its throttles and its duration have alarms.
    traced: false,
    table: 'readWrite',
    callbackPolicy: true,
    publishesCaseOverview: true,
    timeoutSeconds: 60,
  },
  {
    name: 'retry-deliveries',
    entry: 'functions/operations/retry-deliveries.handler.ts',
    description: 'Retries the webhook and case-overview deliveries whose next attempt is due (backoff with jitter for a day, then dead letters)',
    kind: 'scheduled',
    everyMinutes: 1,
    table: 'readWrite',
    callbackPolicy: true,
    publishesCaseOverview: true,
    timeoutSeconds: 120,
  },
  {
    name: 'reconcile',
    entry: 'functions/operations/reconcile.handler.ts',
    description: 'Reconciles open cases with their workflows: starts missing executions, flags ended ones, redelivers stale outbox items, counts overdue cases',
    kind: 'scheduled',
    everyMinutes: 5,
    table: 'readWrite',
    startsExecutions: true,
    sendsTaskResults: true,
    stopsExecutions: true,
    publishesEvents: true,
    timeoutSeconds: 300,
    memorySize: 512,
  },
  {
    name: 'apply-retention',
    entry: 'functions/operations/apply-retention.handler.ts',
    description: "Applies closed cases' retention once it is due: destroys them, leaving a tombstone in their audit trail, or marks them for transfer to the archive",
    kind: 'scheduled',
    everyMinutes: 24 * 60,
    table: 'readWrite',
    documents: 'destroy',
    timeoutSeconds: 900,
    memorySize: 512,
  },
  {
    name: 'migrate-cases',
    entry: 'functions/operations/migrate-cases.handler.ts',
    description: 'Moves the cases running on one version of a workflow to another, each at the state a designer maps its own to; invoked by an operator',
    kind: 'invoked',
    table: 'readWrite',
    knowsStateMachines: true,
    readsWorkflowHistory: true,
    timeoutSeconds: 900,
    memorySize: 512,
  },
];

export const functions: readonly FunctionDeclaration[] = [...routes.map(apiFunction), ...steps, ...operations];

/** `look-up-person` → `LookUpPerson`: how kebab-case names become CDK ids and placeholder names. */
export function pascalCase(kebab: string): string {
  return kebab
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

/** `look-up-person` → `LookUpPersonFunctionArn`: the placeholder a workflow uses for a step function. */
export function functionPlaceholder(functionName: string): string {
  return `${pascalCase(functionName)}FunctionArn`;
}

/** Placeholders that name resources rather than functions. */
export const resourcePlaceholders = ['TableName', 'EventBusName'] as const;
export type ResourcePlaceholder = (typeof resourcePlaceholders)[number];

export const stepFunctions = functions.filter((fn) => fn.kind === 'step');
export const apiFunctions = functions.filter((fn) => fn.kind === 'api');
export const streamFunctions = functions.filter((fn) => fn.kind === 'stream');
export const scheduledFunctions = functions.filter((fn) => fn.kind === 'scheduled');

/** Every placeholder a workflow definition may use. */
export const knownPlaceholders: readonly string[] = [
  ...stepFunctions.map((fn) => functionPlaceholder(fn.name)),
  ...resourcePlaceholders,
];
