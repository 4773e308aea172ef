import type { BuildOptions } from 'esbuild';
import { functionPlaceholder, functions as declaredFunctions, stepFunctions, type FunctionDeclaration } from '../functions/app.declaration';
import { environmentNames } from '../functions/commons/config';
import type { FunctionAccess } from '../functions/function-access';
import { bundledTypesFolder } from '../workflows/type-loader';

/**
 * The deployment model: what the app declaration (functions/app.declaration.ts) becomes on
 * a host. Resource names, each function's environment and the bundling options are decided
 * here once; the CDK stacks, the local host and the bench read them and supply only the
 * values that differ per host (CDK tokens on AWS, local endpoints and names locally).
 */

/**
 * The names of one deployment. Every name an account and region must hold once (stacks,
 * functions, state machines, the event bus, key aliases, the dashboard, the saved queries'
 * folder, the API, the `service` dimension of the custom metrics) carries the environment, so
 * that test and production can share an account and region; log groups, alarms, the table and
 * the buckets are named by CloudFormation after their stack. Without an environment the names
 * are those of the local host and the README (`loket-submit-case`, dashboard `Loket`).
 */
export interface Naming {
  /** e.g. `test`; undefined for the default deployment. */
  readonly environment: string | undefined;
  /** `loket`, or `loket-<environment>`: the start of every physical name. */
  readonly prefix: string;
  /** `submit-case` → `loket[-env]-submit-case`. */
  functionName(name: string): string;
  /** `proof-of-residence` → `loket[-env]-proof-of-residence`. */
  stateMachineName(typeKey: string): string;
  /** `Stateful` → `LoketStateful`, or `Loket<Env>Stateful`. */
  stackName(role: 'Stateful' | 'Stateless'): string;
  /** `alias/loket[-env]`, or `alias/loket[-env]-<purpose>`. */
  keyAlias(purpose?: string): string;
  readonly eventBusName: string;
  /** Powertools' service name, and the `service` dimension of every custom metric. */
  readonly serviceName: string;
  readonly apiName: string;
  /** The CloudWatch dashboard, and the console folder of the saved Logs Insights queries: `Loket`, or `Loket-<env>`. */
  readonly dashboardName: string;
}

/** What an environment may be called: short, lower-case, so that every name built from it stays within AWS's limits. */
const environmentPattern = /^[a-z][a-z0-9]{0,9}$/;

/** The names of the deployment of an environment (`test`, `prod`), or of the default one. */
export function namingOf(environment?: string, source = 'The environment'): Naming {
  if (environment !== undefined && !environmentPattern.test(environment)) {
    throw new Error(`${source} is '${environment}': it must be 1 to 10 lower-case letters and digits, starting with a letter`);
  }
  const prefix = environment ? `loket-${environment}` : 'loket';
  const title = environment ? `Loket${environment.charAt(0).toUpperCase()}${environment.slice(1)}` : 'Loket';
  return {
    environment,
    prefix,
    functionName: (name) => `${prefix}-${name}`,
    stateMachineName: (typeKey) => `${prefix}-${typeKey}`,
    stackName: (role) => `${title}${role}`,
    keyAlias: (purpose) => `alias/${prefix}${purpose ? `-${purpose}` : ''}`,
    eventBusName: prefix,
    serviceName: prefix,
    apiName: prefix,
    dashboardName: environment ? `Loket-${environment}` : 'Loket',
  };
}

/** The default deployment's names: the local host's, and AWS's without an environment. */
export const defaultNaming = namingOf();

/** `submit-case` → `loket-submit-case`: a function's physical name on the local host (and AWS's default deployment). */
export function functionNameOf(name: string): string {
  return defaultNaming.functionName(name);
}

/** `proof-of-residence` → `loket-proof-of-residence`: a transaction type's state machine on the local host. */
export function stateMachineNameOf(typeKey: string): string {
  return defaultNaming.stateMachineName(typeKey);
}

/** The domain event bus of the local host. */
export const eventBusName = defaultNaming.eventBusName;
/** Powertools' service name on the local host, and the `service` dimension of every custom metric. */
export const serviceName = defaultNaming.serviceName;
/** CloudWatch namespace of the custom metrics (EMF); environments differ by the `service` dimension. */
export const metricsNamespace = 'Loket';
/** The role the local host says its state machines run as (nothing checks it locally). */
export const workflowsRoleName = `${defaultNaming.prefix}-workflows`;

/** Names CloudFormation generates on AWS; the local host gives them these. */
export const localResourceNames = {
  table: defaultNaming.prefix,
  documentsBucket: `${defaultNaming.prefix}-documents`,
} as const;

/** Where a host's ARNs live. */
export interface ArnScope {
  readonly region: string;
  readonly accountId: string;
}

export function functionArnOf(name: string, scope: ArnScope): string {
  return `arn:aws:lambda:${scope.region}:${scope.accountId}:function:${functionNameOf(name)}`;
}

export function stateMachineArnOf(typeKey: string, scope: ArnScope): string {
  return `arn:aws:states:${scope.region}:${scope.accountId}:stateMachine:${stateMachineNameOf(typeKey)}`;
}

/** What a host gives the workflows' `${Placeholder}` names. */
export interface WorkflowResources {
  readonly tableName: string;
  readonly eventBusName: string;
  /** A step function's ARN, by declared name. */
  readonly functionArn: (name: string) => string;
}

/** Every placeholder a workflow may use, with its value on a host. */
export function workflowSubstitutions(resources: WorkflowResources): Record<string, string> {
  const substitutions: Record<string, string> = { TableName: resources.tableName, EventBusName: resources.eventBusName };
  for (const fn of stepFunctions) substitutions[functionPlaceholder(fn.name)] = resources.functionArn(fn.name);
  return substitutions;
}

/**
 * What a host supplies for the variables of the functions' environment: CDK tokens on AWS,
 * plain strings locally. Which function gets which variable is not the host's choice.
 */
export interface EnvironmentValues {
  readonly host: 'aws' | 'local';
  /** TABLE_NAME, for functions with table access. */
  readonly tableName: string;
  /** DOCUMENTS_BUCKET, for functions with access to the documents. */
  readonly documentsBucket: string;
  /** STATE_MACHINE_ARNS, for functions that start executions: a JSON object of type key → state machine ARN. */
  readonly stateMachineArns: string;
  /** EVENT_SCHEMAS_URL, for functions with table access (a change writes its events): the absolute URL of GET /v1/events/schemas. */
  readonly eventSchemasUrl: string;
  /** EVENT_BUS_NAME, for functions that publish case events. */
  readonly eventBusName: string;
  /** The applicant pseudonyms' key, for functions with table access: a KMS HMAC key on AWS, a development key locally. */
  readonly pseudonymKey: { readonly kmsKeyId: string } | { readonly devKey: string };
  /** The key that seals case audit trails, for functions with table access: a KMS HMAC key on AWS, a development key locally. */
  readonly auditSealKey: { readonly kmsKeyId: string } | { readonly devKey: string };
  /**
   * The citizen's case overview, for functions that publish to it: DOSIS's dossier API and
   * token endpoint with the secret of the client's credentials on AWS, the fixture receiver
   * with development credentials locally.
   * @default - none: a function that publishes to the overview cannot be deployed
   */
  readonly caseOverview?: {
    readonly url: string;
    readonly tokenUrl: string;
    readonly credentials: { readonly secretArn: string } | { readonly devCredentials: string };
  };
  /**
   * POWERTOOLS_LOG_LEVEL.
   * @default 'INFO' on AWS, 'WARN' locally
   */
  readonly logLevel?: string;
  /**
   * WEBHOOK_TIME_SCALE of the delivery functions: multiplies the retry schedule (tests shorten it).
   * @default 1 (the variable is not set)
   */
  readonly webhookTimeScale?: number;
  /**
   * POWERTOOLS_SERVICE_NAME, the `service` dimension of the custom metrics: the environment's.
   * @default serviceName (`loket`)
   */
  readonly serviceName?: string;
}

/** What the local host tells the functions of its concurrency (AWS_LAMBDA_MAX_CONCURRENCY): it runs as many invocations at once as arrive. */
export const localMaxConcurrency = 1000;

/** The levels Powertools Logger knows (POWERTOOLS_LOG_LEVEL). */
export const logLevels = ['DEBUG', 'INFO', 'WARN', 'ERROR', 'CRITICAL', 'SILENT'] as const;
export type LogLevelName = (typeof logLevels)[number];

/** A log level from context or the environment, case-insensitive; anything else fails synthesis rather than logging at a level nobody chose. */
export function logLevelOf(value: string, source: string): LogLevelName {
  const upper = value.toUpperCase();
  const known = logLevels.find((level) => level === upper);
  if (!known) throw new Error(`${source} is '${value}': it must be one of ${logLevels.join(', ')}`);
  return known;
}

/** A comma-separated list from context (`-c loket:alarmEmails=a@example.org,b@example.org`), or a JSON array from cdk.json. */
export function listOf(value: unknown, source: string): string[] {
  if (value === undefined || value === null || value === '') return [];
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value.map((item) => item.trim()).filter(Boolean);
  if (typeof value === 'string') return value.split(',').map((item) => item.trim()).filter(Boolean);
  throw new Error(`${source} must be a comma-separated string or an array of strings`);
}

/** Powertools and Node settings: on AWS metrics and traces go to CloudWatch and X-Ray; locally they have nowhere to go. */
function runtimeEnvironment(values: EnvironmentValues): Record<string, string> {
  if (values.host === 'aws') {
    return {
      // No NODE_OPTIONS=--enable-source-maps: Node would read and index the bundle's map at every cold start
      // (8–10 ms of each, issue 14). The map is deployed beside the bundle (bundlingOptions.sourcemap) and the
      // logger maps an error's stack when it logs one (functions/commons/source-mapped-stack.ts).
      POWERTOOLS_SERVICE_NAME: values.serviceName ?? serviceName,
      POWERTOOLS_METRICS_NAMESPACE: metricsNamespace,
      POWERTOOLS_LOG_LEVEL: values.logLevel ?? 'INFO',
      // Traces carry ids and timings, never a response or an error's data (personal data stays out of X-Ray).
      POWERTOOLS_TRACER_CAPTURE_RESPONSE: 'false',
      POWERTOOLS_TRACER_CAPTURE_ERROR: 'false',
    };
  }
  return {
    POWERTOOLS_SERVICE_NAME: serviceName,
    POWERTOOLS_LOG_LEVEL: values.logLevel ?? 'WARN',
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_TRACE_ENABLED: 'false',
    // The local host runs invocations at once in one process, as Lambda Managed Instances runs them in one
    // environment: this variable, which that runtime sets, makes Powertools keep each invocation's log context
    // and metrics apart (in the InvokeStore the host runs each invocation in). The host sets no limit of its own.
    AWS_LAMBDA_MAX_CONCURRENCY: String(localMaxConcurrency),
  };
}

/**
 * A function's environment, from its declaration's access flags: TABLE_NAME and
 * EVENT_SCHEMAS_URL with table access, EVENT_BUS_NAME when it publishes events, DOCUMENTS_BUCKET with access to the documents, STATE_MACHINE_ARNS when it starts
 * executions (reporting task results and stopping executions need no variable: the token or
 * the execution ARN names the target). The registers' connectors are `fixture` everywhere:
 * no connector to the real population or enterprise register exists yet.
 */
export function functionEnvironment(declaration: FunctionDeclaration, values: EnvironmentValues): Record<string, string> {
  return {
    ...runtimeEnvironment(values),
    // A function X-Ray does not sample, or one that calls no other service, loads no tracer (nor the X-Ray SDK).
    ...(!loadsTracer(declaration) && { POWERTOOLS_TRACE_ENABLED: 'false' }),
    [environmentNames.populationRegister]: 'fixture',
    [environmentNames.enterpriseRegister]: 'fixture',
    ...(declaration.table && { [environmentNames.tableName]: values.tableName }),
    ...(buildsCaseStore(declaration) &&
      ('kmsKeyId' in values.pseudonymKey
        ? { [environmentNames.pseudonymKeyId]: values.pseudonymKey.kmsKeyId }
        : { [environmentNames.pseudonymDevKey]: values.pseudonymKey.devKey })),
    // Every function that builds the case store seals what it writes.
    ...(buildsCaseStore(declaration) &&
      ('kmsKeyId' in values.auditSealKey
        ? { [environmentNames.auditSealKeyId]: values.auditSealKey.kmsKeyId }
        : { [environmentNames.auditSealDevKey]: values.auditSealKey.devKey })),
    ...(declaration.table && { [environmentNames.eventSchemasUrl]: values.eventSchemasUrl }),
    ...(declaration.publishesEvents && { [environmentNames.eventBusName]: values.eventBusName }),
    ...(declaration.documents && { [environmentNames.documentsBucket]: values.documentsBucket }),
    ...(declaration.publishesCaseOverview && caseOverviewEnvironment(declaration.name, values)),
    ...((declaration.startsExecutions || declaration.knowsStateMachines || declaration.readsCurrentWorkflowVersions || declaration.readsExecutions) && { [environmentNames.stateMachineArns]: values.stateMachineArns }),
    // A flag of the host, not a check of hosts in code: only the local host calls http and local addresses.
    ...(declaration.callbackPolicy && { [environmentNames.callbackPolicy]: values.host === 'aws' ? 'public-https' : 'local-network' }),
    ...(declaration.callbackPolicy && values.webhookTimeScale !== undefined && { [environmentNames.webhookTimeScale]: String(values.webhookTimeScale) }),
  };
}

/** The case overview's endpoints and where its credentials are, for a function that publishes to it. */
function caseOverviewEnvironment(name: string, values: EnvironmentValues): Record<string, string> {
  const overview = values.caseOverview;
  if (!overview) throw new Error(`Function '${name}' publishes to the citizen's case overview, but the deployment names no case overview`);
  return {
    [environmentNames.caseOverviewUrl]: overview.url,
    [environmentNames.caseOverviewTokenUrl]: overview.tokenUrl,
    ...('secretArn' in overview.credentials
      ? { [environmentNames.caseOverviewSecretArn]: overview.credentials.secretArn }
      : { [environmentNames.caseOverviewDevCredentials]: overview.credentials.devCredentials }),
  };
}

/**
 * The endpoints of DOSIS's production environment. UNCONFIRMED: taken from the public VLAIO
 * dosis-connector's documentation (Digitaal Vlaanderen hands them out on onboarding); a
 * deployment overrides them with the context keys `loket:caseOverviewUrl` and
 * `loket:caseOverviewTokenUrl`.
 */
export const dosisProductionEndpoints = {
  url: 'https://prod.dosis-burgers.vlaanderen.be',
  tokenUrl: 'https://oauth.vlaanderen.be/authorization/ws/oauth/v2/token',
} as const;

/**
 * The environment of several functions that share one process (the local host): the union
 * of theirs. Values depend only on the host, never on the function, so the union is unambiguous.
 */
export function sharedEnvironment(declarations: readonly FunctionDeclaration[], values: EnvironmentValues): Record<string, string> {
  return Object.assign({}, ...declarations.map((declaration) => functionEnvironment(declaration, values))) as Record<string, string>;
}

/** Lets CommonJS dependencies call `require` from inside the ESM bundle. */
const requireBanner =
  "import { createRequire as topLevelCreateRequire } from 'node:module'; const require = topLevelCreateRequire(import.meta.url);";

/**
 * How every function is bundled, in esbuild's terms: an ESM bundle for Node 22, minified,
 * with source maps but without the sources in them, and without the AWS SDK v3, which the
 * nodejs22.x runtime ships. `LOKET_BUNDLED_TYPES` tells workflows/type-loader.ts, inlined in
 * the bundle, to read the catalogue that the build writes beside it (into `bundledTypesFolder`).
 * The CDK construct maps these onto NodejsFunction's bundling options; the bench builds with
 * them as they are, and writes the catalogue beside its bundles as the construct does.
 */
export const bundlingOptions = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node22',
  mainFields: ['module', 'main'],
  banner: { js: requireBanner },
  minify: true,
  sourcemap: true,
  sourcesContent: false,
  external: ['@aws-sdk/*'],
  define: { LOKET_BUNDLED_TYPES: JSON.stringify(bundledTypesFolder) },
} as const satisfies BuildOptions;

/** Whether a function builds the case store (table access, unless it declares `caseStore: false`): it gets the pseudonym and audit seal keys. */
export const buildsCaseStore = (access: FunctionAccess): boolean => Boolean(access.table) && access.caseStore !== false;

/**
 * Whether a function calls another service: an AWS service (the table, its keys, the state machines,
 * the documents bucket, the event bus, a secret) or a subscriber's webhook. A function that calls
 * none (the health check, the OpenAPI document, the catalogue's and event schemas' routes) only
 * reads what its bundle carries.
 */
export function callsOtherServices(access: FunctionAccess): boolean {
  return Boolean(
    access.table ||
      access.documents ||
      access.verifiesAuditTrail ||
      access.startsExecutions ||
      access.knowsStateMachines ||
      access.readsCurrentWorkflowVersions ||
      access.readsExecutions ||
      access.readsWorkflowHistory ||
      access.sendsTaskResults ||
      access.stopsExecutions ||
      access.publishesCaseOverview ||
      access.callbackPolicy ||
      access.publishesEvents,
  );
}

/**
 * Whether a function's bundle holds Powertools Tracer and the X-Ray SDK. Not where X-Ray does not
 * sample the function (`traced: false`), nor where it calls no other service: Lambda's active
 * tracing records such a function's segment (its initialisation and invocation) by itself, and the
 * SDK would add only a handler subsegment that repeats it. Left out, the tracer costs such a cold
 * start nothing: not loading it, and not parsing it either (16 ms, issue 14).
 */
export const loadsTracer = (declaration: FunctionDeclaration): boolean => declaration.traced !== false && callsOtherServices(declaration);

/**
 * How one function is bundled: `bundlingOptions`, with `LOKET_LOADS_TRACER` telling
 * functions/commons/powertools.ts whether to bundle the tracer at all (`loadsTracer`).
 */
export function bundlingOptionsOf(declaration: FunctionDeclaration) {
  return { ...bundlingOptions, define: { ...bundlingOptions.define, ...tracerDefine(loadsTracer(declaration)) } } as const satisfies BuildOptions;
}

/** The define by which a bundle holds the tracer or leaves it out (`LOKET_LOADS_TRACER` in functions/commons/powertools.ts). */
export const tracerDefine = (loads: boolean) => ({ LOKET_LOADS_TRACER: JSON.stringify(loads) });

/** One declared function as deployed: its physical name and its resolved settings. */
export interface FunctionDeployment {
  readonly declaration: FunctionDeclaration;
  /** The declared (kebab-case) name. */
  readonly name: string;
  /** `loket-<name>`. */
  readonly functionName: string;
  readonly memorySize: number;
  readonly timeoutSeconds: number;
}

export const defaultMemorySize = 256;
export const defaultTimeoutSeconds = 10;

export function deploymentOf(declaration: FunctionDeclaration, naming: Naming = defaultNaming): FunctionDeployment {
  return {
    declaration,
    name: declaration.name,
    functionName: naming.functionName(declaration.name),
    memorySize: declaration.memorySize ?? defaultMemorySize,
    timeoutSeconds: declaration.timeoutSeconds ?? defaultTimeoutSeconds,
  };
}

/** Every declared function as deployed, in declaration order. */
export const functionDeployments: readonly FunctionDeployment[] = declaredFunctions.map((declaration) => deploymentOf(declaration));

const functionArnPattern = /^arn:aws:lambda:[^:]+:\d+:function:/;

/** The deployed function a caller means by its declared name, its physical name (`loket-x`) or its ARN (qualifier ignored). */
export function findFunctionDeployment(nameOrArn: string, deployments: readonly FunctionDeployment[] = functionDeployments): FunctionDeployment | undefined {
  const bare = nameOrArn.replace(functionArnPattern, '').replace(/:.*$/, '');
  return deployments.find((deployment) => deployment.functionName === bare || deployment.name === bare);
}
