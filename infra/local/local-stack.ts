import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { scheduledFunctions, streamFunctions } from '../../functions/app.declaration';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { SFNClient } from '@aws-sdk/client-sfn';
import type { Tenant } from '../../functions/domain/tenant';
import { startFixtureCaseOverview, type FixtureCaseOverview } from '../../functions/adapters/case-overview.fixture';
import { loadPublishedWorkflows, substitutePlaceholders, workflowsDirectory } from '../../workflows/definitions';
import { workflowsDirectoryVariable } from '../../workflows/type-loader';
import {
  eventBusName,
  functionDeployments,
  localResourceNames,
  sharedEnvironment,
  stateMachineArnOf,
  workflowSubstitutions,
} from '../deployment';
import type { DynamoDbFaultProxy } from './dynamodb-fault.proxy';
import { startDynamoDbFaultProxy } from './dynamodb-fault.proxy';
import { startDynamoDbLocal } from './dynamodb-local';
import type { DevSigningKey } from './dev-keys';
import { devAudience, devAuditSealKey, devIssuer, devPseudonymKey, generateCaseOverviewClient } from './dev-keys';
import type { PublishedEvent } from './eventbridge.server';
import { startEventBridgeLocal } from './eventbridge.server';
import { startHttpApi } from './http-api.server';
import type { DeliverBatch } from './outbox-stream';
import { startOutboxStream } from './outbox-stream';
import { type InvocationMiddleware, installInvocationStore, LambdaHost, localFunctionArn } from './lambda-host';
import { freePort, localAccountId, localCredentials, localRegion } from './local-network';
import type { S3FaultProxy } from './s3-fault.proxy';
import { startS3FaultProxy } from './s3-fault.proxy';
import { startS3Local } from './s3-local';
import { startStepFunctionsLocal } from './stepfunctions/stepfunctions.server';
import type { StepFunctionsFaultProxy } from './stepfunctions-fault.proxy';
import { startStepFunctionsFaultProxy } from './stepfunctions-fault.proxy';
import { ensureTable } from './table.setup';
import { moveWorkflowAlias, publishWorkflowVersion } from './workflow-versions';

export const demoTenants: readonly Tenant[] = [
  { id: '44021', name: { nl: 'Stad Gent', en: 'City of Ghent' }, kind: 'municipality' },
  { id: '41002', name: { nl: 'Stad Aalst', en: 'City of Aalst' }, kind: 'municipality' },
];

export interface LocalStackOptions {
  /**
   * Ports of the HTTP API, the Step Functions endpoint, DynamoDB Local and the S3-compatible
   * document store; 0 picks free ones. `s3` @default 0
   */
  readonly ports: { readonly api: number; readonly stepFunctions: number; readonly dynamodb: number; readonly s3?: number };
  /**
   * Where DynamoDB Local and the document store keep their data and published events are
   * logged; absent: in memory, and documents in a temporary directory removed on stop.
   */
  readonly stateDirectory?: string;
  readonly signingKey: DevSigningKey;
  /** Multiplies workflow timeouts, waits and retry intervals (tests shorten them). @default 1 */
  readonly timeScale?: number;
  /** Log level of the functions' Powertools logger. @default 'WARN' */
  readonly logLevel?: string;
  /**
   * The functions write their EMF metric documents to standard output, as they do on AWS, where
   * CloudWatch reads them from the log (the bench counts their bytes). @default false: metrics off
   */
  readonly emitMetrics?: boolean;
  readonly log?: (line: string) => void;
  /**
   * Called before a workflow invokes a function, with the function as the workflow names it;
   * throwing here fails the invocation the way Lambda itself can fail (e.g. an error named
   * `Lambda.ServiceException`), for fault tests. A middleware outside all of `middleware`.
   */
  readonly injectFault?: (functionName: string, payload: unknown) => void | Promise<void>;
  /**
   * Run around every function invocation, by the HTTP API or a workflow, the first outermost
   * (after `injectFault`): for counting, timing or faults of one's own.
   * @default - none
   */
  readonly middleware?: readonly InvocationMiddleware[];
  /** Caps every Wait state at this many seconds (LOKET_MAX_WAIT_SECONDS); absent: waits are real. */
  readonly maxWaitSeconds?: number;
  /**
   * Share (0–1) of the functions' DynamoDB requests answered with a throttling error, through
   * a proxy in front of DynamoDB Local, for fault tests; given (even 0), the proxy is there
   * and `LocalStack.dynamodbFaults` changes the share later. @default - no proxy
   */
  readonly dynamodbThrottleRate?: number;
  /**
   * Share (0–1) of the functions' S3 requests answered with an S3 error (SlowDown,
   * InternalError), through a proxy in front of the document store, for fault tests; given
   * (even 0), `LocalStack.s3Faults` changes the share later. @default - no proxy
   */
  readonly s3ErrorRate?: number;
  /**
   * How often the reconciler runs; it also runs once before the API serves. Every other
   * scheduled function runs on its own declared `everyMinutes`.
   * @default its declared `everyMinutes`
   */
  readonly reconcileIntervalMs?: number;
  /**
   * Multiplies the webhook deliveries' retry schedule (backoff and the day before the dead
   * letters); tests shorten it, as `timeScale` shortens workflow waits. @default 1
   */
  readonly webhookTimeScale?: number;
  /** How often due webhook deliveries are retried. @default the retry function's declared `everyMinutes` */
  readonly webhookRetryIntervalMs?: number;
  /**
   * Puts a proxy in front of the Step Functions endpoint the functions use, through which a
   * test fails chosen operations (`LocalStack.stepFunctionsFaults`). @default false
   */
  readonly stepFunctionsFaults?: boolean;
  /**
   * The workflows directory whose types the stack deploys and its functions' catalogue reads
   * (a test's scratch copy, which it publishes new versions into while the stack runs).
   * @default the repository's workflows/
   */
  readonly workflowsDirectory?: string;
}

export type { PublishedEvent } from './eventbridge.server';

export interface LocalStack {
  readonly apiUrl: string;
  readonly stepFunctionsEndpoint: string;
  readonly dynamodbEndpoint: string;
  readonly tableName: string;
  /** The S3-compatible endpoint (path-style) that keeps the issued documents. */
  readonly s3Endpoint: string;
  /** The fixture receiver standing in for the citizen's case overview (DOSIS): what it was sent. */
  readonly caseOverview: FixtureCaseOverview;
  readonly documentsBucket: string;
  readonly stateMachineArns: Readonly<Record<string, string>>;
  /** The local EventBridge endpoint (PutEvents only). */
  readonly eventBridgeEndpoint: string;
  /** Events published on the bus (the outbox's case events, the workflows' CaseClosed.v1), in order. */
  readonly events: readonly PublishedEvent[];
  /** With the `stepFunctionsFaults` option: the faults the functions' Step Functions calls meet now. */
  readonly stepFunctionsFaults?: StepFunctionsFaultProxy;
  /** With the `dynamodbThrottleRate` option: the throttling the functions' DynamoDB calls meet now. */
  readonly dynamodbFaults?: DynamoDbFaultProxy;
  /** With the `s3ErrorRate` option: the errors the functions' S3 calls meet now. */
  readonly s3Faults?: S3FaultProxy;
  /** Runs a scheduled function once now, as its rule runs it (the bench measures a run of each). */
  runScheduled(name: string): Promise<unknown>;
  stop(): Promise<void>;
}

const { table: tableName, documentsBucket } = localResourceNames;
const arnScope = { region: localRegion, accountId: localAccountId };
let running = false;

/** `injectFault` as a middleware: it sees only what workflows invoke, and its throw is the invocation's failure. */
function faultInjection(injectFault: NonNullable<LocalStackOptions['injectFault']>): InvocationMiddleware {
  return async (invocation, next) => {
    if (invocation.trigger === 'workflow') await injectFault(invocation.calledAs, invocation.event);
    return next();
  };
}

/**
 * Brings up the whole app on this machine: DynamoDB Local with the app's table and demo
 * tenants, an S3-compatible document store with the documents bucket, the Step Functions
 * endpoint with every workflow, and the HTTP API, all running
 * the same handlers as on AWS. Only the environment differs.
 */
export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  // The handlers read their configuration from the process environment once, as on Lambda: one stack per process.
  if (running) throw new Error('A local stack is already running in this process');
  running = true;
  const stops: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const step of stops.reverse()) await step().catch(() => undefined);
    running = false;
  };
  try {
    // The API's port is chosen first: the events every change writes point at the schemas it serves.
    const apiPort = options.ports.api || (await freePort());
    // DynamoDB Local's JVM takes seconds to start: everything that does not need it starts meanwhile.
    const dynamodbEndpoint = `http://127.0.0.1:${options.ports.dynamodb || (await freePort())}`;
    const dynamoStarting = startDynamoDbLocal({
      port: Number(new URL(dynamodbEndpoint).port),
      dataDirectory: options.stateDirectory ? join(options.stateDirectory, 'dynamodb') : undefined,
    });
    dynamoStarting.catch(() => undefined); // awaited below; this only keeps an early failure from going unhandled
    stops.push(async () => (await dynamoStarting).stop());
    const dynamodb = new DynamoDBClient({ endpoint: dynamodbEndpoint, region: localRegion, credentials: localCredentials });
    stops.push(async () => dynamodb.destroy());
    const s3Starting = startS3Local({
      port: options.ports.s3 ?? 0,
      dataDirectory: options.stateDirectory ? join(options.stateDirectory, 's3') : undefined,
      buckets: [documentsBucket],
    });
    s3Starting.catch(() => undefined); // awaited below, like DynamoDB Local
    stops.push(async () => (await s3Starting).stop());

    const events: PublishedEvent[] = [];
    const eventLog = options.stateDirectory ? join(options.stateDirectory, 'events.jsonl') : undefined;
    if (options.stateDirectory) mkdirSync(options.stateDirectory, { recursive: true });
    // The bus: the dispatcher's EventBridge client and the workflows' events:putEvents tasks both reach it with PutEvents.
    const eventBridgeLocal = await startEventBridgeLocal({
      log: options.log,
      publish: (published) => {
        for (const event of published) {
          events.push(event);
          if (eventLog) appendFileSync(eventLog, `${JSON.stringify(event)}\n`);
          options.log?.(`event ${event.detailType} ${JSON.stringify(event.detail)}`);
        }
      },
    });
    stops.push(eventBridgeLocal.close);
    const eventBridge = new EventBridgeClient({ endpoint: eventBridgeLocal.endpoint, region: localRegion, credentials: localCredentials });
    stops.push(async () => eventBridge.destroy());
    const lambdas = new LambdaHost({
      middleware: [...(options.injectFault ? [faultInjection(options.injectFault)] : []), ...(options.middleware ?? [])],
    });
    const sfnLocal = await startStepFunctionsLocal({
      port: options.ports.stepFunctions,
      region: localRegion,
      invokeLambda: (name: string, payload: unknown) => lambdas.invoke(name, payload, { trigger: 'workflow' }),
      dynamodb,
      timeScale: options.timeScale,
      maxWaitSeconds: options.maxWaitSeconds,
      log: options.log,
      publishEvents: async (entries) => {
        const { FailedEntryCount = 0, Entries = [] } = await eventBridge.send(new PutEventsCommand({ Entries: entries }));
        if (FailedEntryCount > 0) throw Object.assign(new Error(Entries.find((entry) => entry.ErrorCode)?.ErrorMessage ?? 'an entry failed'), { name: 'PutEventsFailed' });
      },
    });
    stops.push(sfnLocal.close);

    // The functions may reach DynamoDB through a proxy that throttles a share of their requests.
    let dynamodbFaults: DynamoDbFaultProxy | undefined;
    if (options.dynamodbThrottleRate !== undefined) {
      dynamodbFaults = await startDynamoDbFaultProxy({ target: dynamodbEndpoint, throttleRate: options.dynamodbThrottleRate });
      stops.push(dynamodbFaults.close);
    }
    const functionsDynamodbEndpoint = dynamodbFaults?.endpoint ?? dynamodbEndpoint;
    // Likewise their Step Functions calls, through a proxy that fails the operations a test names.
    let stepFunctionsFaults: StepFunctionsFaultProxy | undefined;
    if (options.stepFunctionsFaults) {
      stepFunctionsFaults = await startStepFunctionsFaultProxy({ target: sfnLocal.endpoint });
      stops.push(stepFunctionsFaults.close);
    }

    const s3Local = await s3Starting;
    // And their S3 calls, through a proxy that answers a share of them with S3's errors.
    let s3Faults: S3FaultProxy | undefined;
    if (options.s3ErrorRate !== undefined) {
      s3Faults = await startS3FaultProxy({ target: s3Local.endpoint, errorRate: options.s3ErrorRate });
      stops.push(s3Faults.close);
    }
    // The citizen's case overview: the fixture receiver stands in for DOSIS, with a client key made for this run.
    const caseOverviewClient = await generateCaseOverviewClient();
    const caseOverview = await startFixtureCaseOverview({ clientId: caseOverviewClient.clientId, publicJwk: caseOverviewClient.publicJwk });
    stops.push(caseOverview.close);
    const directory = options.workflowsDirectory ?? workflowsDirectory;
    const workflows = loadPublishedWorkflows(directory);
    // The local endpoint names state machines as AWS does, so their ARNs are known before they exist.
    const stateMachineArns = Object.fromEntries(workflows.map((published) => [published.key, stateMachineArnOf(published.key, arnScope)]));
    // One process hosts every function: it gets the union of their environments.
    // Before the environment names AWS_LAMBDA_MAX_CONCURRENCY: from then on Powertools, wherever it loads, looks for the store.
    installInvocationStore();
    Object.assign(process.env, {
      AWS_REGION: localRegion,
      AWS_ACCESS_KEY_ID: localCredentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: localCredentials.secretAccessKey,
      AWS_ENDPOINT_URL_DYNAMODB: functionsDynamodbEndpoint,
      AWS_ENDPOINT_URL_SFN: stepFunctionsFaults?.endpoint ?? sfnLocal.endpoint,
      AWS_ENDPOINT_URL_S3: s3Faults?.endpoint ?? s3Local.endpoint,
      AWS_ENDPOINT_URL_EVENTBRIDGE: eventBridgeLocal.endpoint,
      [workflowsDirectoryVariable]: directory,
      ...sharedEnvironment(
        functionDeployments.map((deployment) => deployment.declaration),
        {
          host: 'local',
          tableName,
          documentsBucket,
          stateMachineArns: JSON.stringify(stateMachineArns),
          pseudonymKey: { devKey: devPseudonymKey },
          auditSealKey: { devKey: devAuditSealKey },
          caseOverview: {
            url: caseOverview.url,
            tokenUrl: caseOverview.tokenUrl,
            credentials: { devCredentials: JSON.stringify({ clientId: caseOverviewClient.clientId, privateJwk: caseOverviewClient.privateJwk }) },
          },
          eventSchemasUrl: `http://127.0.0.1:${apiPort}/v1/events/schemas`,
          eventBusName,
          logLevel: options.logLevel,
          ...(options.webhookTimeScale !== undefined ? { webhookTimeScale: options.webhookTimeScale } : {}),
        },
      ),
      ...(options.emitMetrics && { POWERTOOLS_METRICS_DISABLED: 'false' }),
    });
    const warming = lambdas.preload();

    const substitutions = workflowSubstitutions({ tableName, eventBusName, functionArn: localFunctionArn });
    const sfn = new SFNClient({ endpoint: sfnLocal.endpoint, region: localRegion, credentials: localCredentials });
    // Every kept version is published in order, so type version n is Step Functions version n after
    // every start; the alias routes new cases to the newest. A case that records an older one runs it again.
    for (const published of workflows) {
      const stateMachineArn = stateMachineArns[published.key] as string;
      let versionArn = '';
      for (const source of published.versions) {
        versionArn = await publishWorkflowVersion(sfn, {
          key: published.key,
          stateMachineArn,
          version: source.version,
          definition: substitutePlaceholders(source.definition, substitutions),
        });
      }
      await moveWorkflowAlias(sfn, stateMachineArn, versionArn);
    }
    sfn.destroy();

    await dynamoStarting;
    const { streamArn } = await ensureTable(dynamodb, tableName);
    await warming;
    const { tenantDirectory } = await import('../../functions/adapters/dynamodb/table');
    for (const tenant of demoTenants) await tenantDirectory.put(tenant);

    // Each stream function (the outbox dispatcher, the webhook deliveries) is fed from DynamoDB Local's own stream,
    // through its own record filter, as its event source mapping feeds it on AWS.
    if (streamFunctions.length === 0) throw new Error('no stream function is declared');
    const streams = new DynamoDBStreamsClient({ endpoint: dynamodbEndpoint, region: localRegion, credentials: localCredentials });
    const pollers = streamFunctions.map((streamFunction) =>
      startOutboxStream({
        client: streams,
        streamArn,
        deliver: (event) => lambdas.invoke(streamFunction.name, event, { trigger: 'stream' }) as ReturnType<DeliverBatch>,
        records: streamFunction.streamRecords,
        concurrentBatches: streamFunction.concurrentBatchesPerShard,
        log: options.log,
      }),
    );
    stops.push(async () => {
      for (const poller of pollers) await poller.stop();
      streams.destroy();
    });

    // Every scheduled function runs on its own timer, as its rule runs it on AWS. The reconciler also
    // runs once before the API serves (executions live in the engine's memory: after a crash it
    // starts the open cases' workflows again).
    /** A scheduled function's run, as its rule runs it. */
    const runScheduled = (name: string) => lambdas.invoke(name, {}, { trigger: 'schedule' });
    const reconciler = scheduledFunctions.find((scheduled) => scheduled.name === 'reconcile');
    if (!reconciler) throw new Error('no reconciler is declared');
    // Its first run delivers all the outbox holds, however young: the stream is read from now on.
    const first = (await lambdas.invoke(reconciler.name, { outboxStaleAfterSeconds: 0 }, { trigger: 'schedule' })) as { started?: string[] };
    if (first.started && first.started.length > 0) (options.log ?? console.log)(`Started the workflows of ${first.started.length} open case(s)`);
    for (const scheduled of scheduledFunctions) {
      const intervalMs =
        scheduled === reconciler && options.reconcileIntervalMs !== undefined
          ? options.reconcileIntervalMs
          : scheduled.name === 'retry-deliveries' && options.webhookRetryIntervalMs !== undefined
            ? options.webhookRetryIntervalMs
            : (scheduled.everyMinutes ?? 5) * 60_000;
      let busy = false;
      const timer = setInterval(() => {
        if (busy) return;
        busy = true;
        runScheduled(scheduled.name)
          .catch((error: Error) => options.log?.(`${scheduled.name}: ${error.name}: ${error.message}`))
          .finally(() => {
            busy = false;
          });
      }, intervalMs);
      timer.unref();
      stops.push(async () => clearInterval(timer));
    }

    const api = await startHttpApi({
      port: apiPort,
      lambdas,
      jwks: options.signingKey.jwks,
      issuer: devIssuer,
      audience: devAudience,
    });
    stops.push(api.close);

    return {
      apiUrl: api.url,
      stepFunctionsEndpoint: sfnLocal.endpoint,
      dynamodbEndpoint,
      tableName,
      s3Endpoint: s3Local.endpoint,
      documentsBucket,
      stateMachineArns,
      eventBridgeEndpoint: eventBridgeLocal.endpoint,
      events,
      caseOverview,
      ...(stepFunctionsFaults && { stepFunctionsFaults }),
      ...(dynamodbFaults && { dynamodbFaults }),
      ...(s3Faults && { s3Faults }),
      runScheduled: async (name) => {
        if (!scheduledFunctions.some((scheduled) => scheduled.name === name)) throw new Error(`${name} is not a scheduled function`);
        return runScheduled(name);
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
