import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import fc from 'fast-check';
import { generateDevSigningKey, loadOrCreateDevSigningKey, signDevToken } from '../infra/local/dev-keys';
import type { InvocationTrigger } from '../infra/local/lambda-host';
import { startLocalStack } from '../infra/local/local-stack';
import { freePort, localCredentials, localRegion } from '../infra/local/local-network';
import type { StepFunctionsFault } from '../infra/local/stepfunctions-fault.proxy';
import { malformedRequest, malformedRequestTokens, sendMalformedRequest } from '../tests/support/malformed-requests';
import type { ReliabilityReport } from './checks';
import { checkTransactions } from './checks';
import type { ClassEnvironment, FaultClass, FaultClassResult } from './fault-classes';
import { calibrate, chosenCase, faultClassFindings, faultClassTable, faultClassTypeTables, runFaultClass } from './fault-classes';
import type { LocalProcess } from './local-process';
import { spawnLocalStack } from './local-process';
import { machineAndCommit, progress, resultsDirectory } from './report';
import type { Submitted } from './transactions';
import { Driver, pool, tenants, tokensFor, transactionTypes } from './transactions';

/*
 * npm run chaos [-- --transactions N] [--class-transactions N] [--crash-transactions N]
 *               [--malformed N] [--reconcile-seconds S] [--kills K] [--only a,b,c,d,1,2,3,4,5]
 *
 * Reliability under faults, on this machine: (a) injected Lambda and DynamoDB faults,
 * (b) kill -9 of `npm start` under load and a restart, (c) generated malformed requests,
 * (d) races on one Idempotency-Key and on one task; and the fault classes where the case
 * store hands over to the workflows, each over the whole catalogue, reported per class:
 * (1) Step Functions throttled or unavailable for StartExecution, SendTaskSuccess,
 * SendTaskFailure and StopExecution; (2) kill -9 of `npm start` while committed effects wait
 * in the outbox, and restarts; (3) DynamoDB throttling and S3 errors; (4) Lambda timeouts;
 * (5) the failure recorder failing. Writes bench-results/chaos-latest.{json,md}.
 */
const argument = (name: string, fallback: number) => {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
};
const onlyIndex = process.argv.indexOf('--only');
const only = onlyIndex >= 0 ? new Set(String(process.argv[onlyIndex + 1]).split(',')) : undefined;
const runs = (section: string) => only === undefined || only.has(section);
const transactions = argument('transactions', 1000);
/** Each fault class's transactions: together the five classes run as many as (a). */
const classTransactions = argument('class-transactions', Math.max(1, Math.round(transactions / 5)));
const crashTransactions = argument('crash-transactions', 100);
const malformedCount = argument('malformed', 600);
/** The reconciler's period in every section: convergence after faults is measured against it. */
const reconcileSeconds = argument('reconcile-seconds', 10);
const kills = argument('kills', 3);
const lambdaFaultRate = 0.1;
const dynamodbThrottleRate = 0.05;
const lambdaErrors = ['Lambda.ServiceException', 'Lambda.TooManyRequestsException'];
/** Class (1): the share of each Step Functions operation's requests that meets a fault. */
const stepFunctionsFaultRate = 0.3;
const stepFunctionsOperations = ['StartExecution', 'SendTaskSuccess', 'SendTaskFailure', 'StopExecution'];
const stepFunctionsFaultKinds: StepFunctionsFault[] = ['throttle', 'unavailable', 'disconnect', 'lose-answer'];
/** Class (3): the share of the functions' DynamoDB requests throttled, and of their S3 requests failed. */
const classThrottleRate = 0.2;
const s3ErrorRate = 0.3;
/** The fault classes' clients look at a case less eagerly than (a)'s: on two shared cores, polling would crowd out the work. */
const classPollMs = { min: 100, max: 1000 };
/** Class (4): the share of invocations that time out, by who invoked. */
const timeoutRates: Record<InvocationTrigger, number> = { workflow: 0.1, stream: 0.1, schedule: 0.2, api: 0.05 };

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
// The reconciler redelivers what the stream left in the outbox after one period, so that a lost delivery is made up within two.
process.env.OUTBOX_STALE_AFTER_SECONDS = String(reconcileSeconds);

interface FaultsSection extends ReliabilityReport {
  readonly transactions: number;
  readonly seconds: number;
  readonly injectedLambdaFaults: number;
  readonly stepInvocations: number;
  readonly serverErrors: number;
}

interface CrashSection extends ReliabilityReport {
  readonly acknowledgedBeforeKill: number;
  readonly recoveredOutput: string;
  readonly restartSeconds: number;
}

interface BadInputSection {
  readonly requests: number;
  readonly statuses: Record<string, number>;
  readonly serverErrors: Array<{ method: string; path: string; status: number }>;
  readonly itemsBefore: number;
  readonly itemsAfter: number;
}

interface RacesSection {
  readonly idempotency: { readonly requests: number; readonly distinctCases: number; readonly serverErrors: number; readonly casesForApplicant: number };
  /**
   * 50 concurrent completions of one task by one clerk, half with one outcome and half with
   * another: the first to commit wins; the requests with its outcome are answered 200 (a retry of
   * the same completion), the others 409; the task is completed once.
   */
  readonly completion: {
    readonly requests: number;
    readonly outcomes: readonly string[];
    readonly winningOutcome: string | undefined;
    readonly successes: number;
    readonly conflicts: number;
    /** Answered 200 with an outcome that is not the one stored: must be 0. */
    readonly successesOfTheLoser: number;
    /** Answered 409 although they asked for the stored outcome: must be 0. */
    readonly conflictsOfTheWinner: number;
    /** `task.completed` events in the case's audit trail: must be 1. */
    readonly completedEvents: number;
    readonly other: number[];
  };
}

/** One kill -9 of class (2): what waited in the outbox, and how long the restart took. */
interface KillRecord {
  /** Outbox items (committed effects not yet delivered) seen at the last look before the kill. */
  readonly pendingEffects: number;
  readonly restartSeconds: number;
  /** What the restarted stack said it did at start-up (the reconciler's first run). */
  readonly startUp: string;
}

async function itemCount(endpoint: string, tableName: string): Promise<number> {
  const client = new DynamoDBClient({ endpoint, region: localRegion, credentials: localCredentials });
  let count = 0;
  let startKey: Record<string, any> | undefined;
  do {
    const page = await client.send(new ScanCommand({ TableName: tableName, Select: 'COUNT', ExclusiveStartKey: startKey }));
    count += page.Count ?? 0;
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  client.destroy();
  return count;
}

/** Which injected faults the in-process stack's hooks apply now. */
type InProcessMode = 'none' | 'lambda-faults' | 'timeouts' | 'recorder';

/** Errors a timed-out Lambda function shows a Task state: `Sandbox.Timedout` on current runtimes, `Lambda.Unknown` on older ones. */
const timeoutErrors = ['Sandbox.Timedout', 'Lambda.Unknown'];

function namedError(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

/**
 * (a), (c), (d) and the fault classes (1), (3), (4) and (5) share one in-process stack: its
 * Lambda host's hooks, its fault proxies (DynamoDB, S3, Step Functions) and its reconciler
 * timer every `reconcileSeconds`; each section turns on its own faults and off again.
 */
async function inProcessSections(): Promise<{ faults?: FaultsSection; badInput?: BadInputSection; races?: RacesSection; classes: FaultClassResult[] }> {
  let mode: InProcessMode = 'none';
  let stepInvocations = 0;
  let injected = 0;
  const timeouts = { before: 0, after: 0, byTrigger: {} as Record<string, number> };
  const recorder = { permanentStepFaults: 0, recorderFailures: 0, cases: new Set<string>() };
  const { key } = await generateDevSigningKey();
  progress(`starting an in-process local stack with fault proxies; the reconciler runs every ${reconcileSeconds} s`);
  const stack = await startLocalStack({
    ports: { api: 0, stepFunctions: 0, dynamodb: 0 },
    signingKey: key,
    timeScale: 0.01,
    maxWaitSeconds: 1,
    dynamodbThrottleRate: 0,
    s3ErrorRate: 0,
    stepFunctionsFaults: true,
    reconcileIntervalMs: reconcileSeconds * 1000,
    logLevel: 'ERROR',
    log: () => undefined,
    injectFault: () => {
      if (mode !== 'lambda-faults') return;
      stepInvocations += 1;
      if (Math.random() >= lambdaFaultRate) return;
      injected += 1;
      throw namedError(lambdaErrors[injected % lambdaErrors.length]!, 'injected transient Lambda failure');
    },
    middleware: [
      // (4) A share of invocations time out: before the function did anything, or after it did its work but before it answered.
      async (invocation, next) => {
        if (mode !== 'timeouts' || Math.random() >= timeoutRates[invocation.trigger]) return next();
        const after = invocation.trigger === 'api' || (timeouts.before + timeouts.after) % 2 === 1;
        if (after) {
          timeouts.after += 1;
          await next();
        } else timeouts.before += 1;
        timeouts.byTrigger[invocation.trigger] = (timeouts.byTrigger[invocation.trigger] ?? 0) + 1;
        throw namedError(timeoutErrors[(timeouts.before + timeouts.after) % timeoutErrors.length]!, `Task timed out after ${invocation.function.timeoutSeconds}.00 seconds`);
      },
      // (5) The chosen cases' workflows meet a permanent step error, and their failure recorder fails every attempt.
      async (invocation, next) => {
        const caseId = (invocation.event as { caseId?: unknown } | undefined)?.caseId;
        if (invocation.trigger !== 'workflow' || typeof caseId !== 'string') return next();
        if (!recorder.cases.has(caseId) && !(mode === 'recorder' && chosenCase(caseId))) return next();
        recorder.cases.add(caseId);
        if (invocation.function.name === 'record-status' && (invocation.event as { status?: unknown }).status === 'failed') {
          recorder.recorderFailures += 1;
          throw namedError('Lambda.ServiceException', 'injected: the failure recorder cannot run');
        }
        recorder.permanentStepFaults += 1;
        throw namedError('InjectedPermanentFault', 'injected permanent step failure');
      },
    ],
  });
  const dynamodbFaults = stack.dynamodbFaults!;
  const s3Faults = stack.s3Faults!;
  const stepFunctionsFaults = stack.stepFunctionsFaults!;
  const tokens = await tokensFor(key);
  const driver = new Driver({
    apiUrl: stack.apiUrl,
    dynamodbEndpoint: stack.dynamodbEndpoint,
    tableName: stack.tableName,
    tokens,
    chooseOutcome: (outcomes) => outcomes[Math.floor(Math.random() * outcomes.length)]!,
  });
  // The fault classes answer every task with its first outcome, as the calibration did.
  const classDriver = new Driver({ apiUrl: stack.apiUrl, dynamodbEndpoint: stack.dynamodbEndpoint, tableName: stack.tableName, tokens, pollMs: classPollMs });
  const result: { faults?: FaultsSection; badInput?: BadInputSection; races?: RacesSection; classes: FaultClassResult[] } = { classes: [] };
  try {
    // (a) injected faults
    if (runs('a')) {
      progress(`(a) ${transactions} transactions over ${transactionTypes.length} types: ${transactionTypes.map((t) => t.key).join(', ')}`);
      mode = 'lambda-faults';
      dynamodbFaults.throttleRate = dynamodbThrottleRate;
      const started = performance.now();
      const plan = Array.from({ length: transactions }, (_, i) => ({ type: transactionTypes[i % transactionTypes.length]!, tenant: tenants[i % tenants.length]! }));
      const results = await pool(
        plan,
        32,
        ({ type, tenant }) => driver.transact(tenant, type, { fresh: true, timeoutMs: 120_000 }),
        (done) => {
          if (done % 50 === 0 || done === transactions) progress(`(a) ${done}/${transactions} transactions final or given up; ${injected} Lambda faults injected`);
        },
      );
      const seconds = (performance.now() - started) / 1000;
      const serverErrorsDuringLoad = driver.serverErrors.length;
      mode = 'none';
      dynamodbFaults.throttleRate = 0;
      progress('(a) checking: present, final, one case per key and applicant, chains verified');
      const checked = await checkTransactions(driver, tokens, results, { freshApplicants: true });
      result.faults = { transactions, seconds, injectedLambdaFaults: injected, stepInvocations, serverErrors: serverErrorsDuringLoad, ...checked };
    }

    // The fault classes, each against where the same transactions end without faults.
    const classIds = ['1', '3', '4', '5'].filter(runs);
    if (classIds.length > 0) {
      progress(`calibrating: every type × tenant × applicant (fresh, known) twice without faults`);
      const expectations = await calibrate(classDriver, tokens);
      const environment: ClassEnvironment = { driver: classDriver, tokens, stepFunctionsEndpoint: stack.stepFunctionsEndpoint, expectations, reconcilePeriodMs: reconcileSeconds * 1000 };
      const delta = (now: Readonly<Record<string, number>>, before: Readonly<Record<string, number>>) =>
        Object.fromEntries(stepFunctionsOperations.map((operation) => [operation, (now[operation] ?? 0) - (before[operation] ?? 0)]));
      let requestsBefore: Record<string, number> = {};
      let faultedBefore: Record<string, number> = {};
      let dynamodbBefore = { requests: 0, throttled: 0 };
      let s3Before = { requests: 0, failed: 0 };
      const s3Failed = () => Object.values(s3Faults.counts.failed).reduce((sum, n) => sum + (n ?? 0), 0);
      const classes: Record<string, FaultClass> = {
        '1': {
          id: '1',
          title: `Step Functions throttled or unavailable (${stepFunctionsFaultRate * 100} % of ${stepFunctionsOperations.join(', ')}: ${stepFunctionsFaultKinds.join(', ')})`,
          withdrawEvery: 5,
          faultsOn() {
            requestsBefore = { ...stepFunctionsFaults.requests };
            faultedBefore = { ...stepFunctionsFaults.faulted };
            for (const operation of stepFunctionsOperations) stepFunctionsFaults.faults.set(operation, { faults: stepFunctionsFaultKinds, rate: stepFunctionsFaultRate });
          },
          faultsOff() {
            for (const operation of stepFunctionsOperations) stepFunctionsFaults.faults.delete(operation);
          },
          injected: () => ({ requests: delta(stepFunctionsFaults.requests, requestsBefore), faulted: delta(stepFunctionsFaults.faulted, faultedBefore) }),
        },
        '3': {
          id: '3',
          title: `DynamoDB throttling (${classThrottleRate * 100} % of the functions' requests) and S3 errors (${s3ErrorRate * 100} %: SlowDown, InternalError)`,
          faultsOn() {
            dynamodbBefore = { ...dynamodbFaults.counts };
            s3Before = { requests: s3Faults.counts.requests, failed: s3Failed() };
            dynamodbFaults.throttleRate = classThrottleRate;
            s3Faults.errorRate = s3ErrorRate;
          },
          faultsOff() {
            dynamodbFaults.throttleRate = 0;
            s3Faults.errorRate = 0;
          },
          injected: () => ({
            dynamodb: { requests: dynamodbFaults.counts.requests - dynamodbBefore.requests, throttled: dynamodbFaults.counts.throttled - dynamodbBefore.throttled },
            s3: { requests: s3Faults.counts.requests - s3Before.requests, failed: s3Failed() - s3Before.failed },
          }),
        },
        '4': {
          id: '4',
          title: `Lambda timeouts (${Object.entries(timeoutRates).map(([trigger, rate]) => `${rate * 100} % of ${trigger}`).join(', ')} invocations; before or after the work)`,
          faultsOn() {
            mode = 'timeouts';
          },
          faultsOff() {
            mode = 'none';
          },
          injected: () => ({ ...timeouts, errors: timeoutErrors }),
        },
        '5': {
          id: '5',
          title: 'the failure recorder failing (a tenth of the cases: a permanent step error, and every attempt to record the failure fails)',
          expectsAttention: (caseId) => recorder.cases.has(caseId) || chosenCase(caseId),
          faultsOn() {
            mode = 'recorder';
          },
          // The fault is the chosen cases' own: it stays with them until their executions end.
          faultsOff() {},
          injected: () => ({ cases: recorder.cases.size, permanentStepFaults: recorder.permanentStepFaults, recorderFailures: recorder.recorderFailures }),
        },
      };
      for (const id of classIds) {
        result.classes.push(await runFaultClass(environment, classes[id]!, classTransactions));
        mode = 'none';
      }
    }

    // (d) races, under the faults of (a)
    if (runs('d')) {
      progress('(d) 50 concurrent submissions with one Idempotency-Key; 50 concurrent completions of one task');
      mode = 'lambda-faults';
      dynamodbFaults.throttleRate = dynamodbThrottleRate;
      const type = transactionTypes.find((t) => Object.keys(t.tasks).length > 0) ?? transactionTypes[0]!;
      const tenant = tenants[0];
      const errorsBefore = driver.serverErrors.length;
      const one: Submitted = await driver.submit(tenant, type, { fresh: true, idempotencyKey: 'chaos-storm' });
      const storm = await Promise.all(
        Array.from({ length: 49 }, () => driver.call('POST', '/v1/cases', { token: tokens[tenant]!.portal, body: one.body, headers: { 'idempotency-key': 'chaos-storm' } })),
      );
      const ids = new Set([one.id, ...storm.filter((r) => r.status === 201).map((r) => r.body.id as string)]);
      const applicant = Object.values((one.body as { applicant: Record<string, string> }).applicant)[0];
      const byApplicant = await driver.call('POST', '/v1/cases/search', { token: tokens[tenant]!.portal, body: { applicant } });
      // A task to complete: submit fresh cases until one waits on a task.
      mode = 'none';
      let taskId: string | undefined;
      let taskCaseId: string | undefined;
      let outcomes: string[] = [];
      for (let attempt = 0; attempt < 20 && !taskId; attempt++) {
        const candidateType = transactionTypes[attempt % transactionTypes.length]!;
        const candidate = await driver.submit(tenant, candidateType, { fresh: true });
        for (let poll = 0; poll < 100 && !taskId; poll++) {
          const waits = await driver.waitsOf(candidate.id);
          const [first] = waits.tasks;
          const declared = first ? (candidateType.tasks[first.name]?.outcomes ?? []) : [];
          if (first && declared.length >= 2) {
            taskId = first.id;
            taskCaseId = candidate.id;
            outcomes = declared.slice(0, 2);
          }
          if (first || waits.messages.length > 0 || (await driver.getCase(tenant, candidate.id)).body?.status?.final) break;
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      }
      mode = 'lambda-faults';
      const attempts = Array.from({ length: 50 }, (_, i) => outcomes[i % 2]!);
      const completions = taskId
        ? await Promise.all(
            attempts.map(async (outcome) => ({
              outcome,
              answer: await driver.call('POST', `/v1/tasks/${taskId}/complete`, { token: tokens[tenant]!.clerk, body: { outcome } }),
            })),
          )
        : [];
      const stored = taskId ? (await driver.call('GET', `/v1/cases/${taskCaseId}/history`, { token: tokens[tenant]!.operator })).body?.items ?? [] : [];
      const completedEvents = (stored as Array<{ action?: string; details?: { outcome?: string } }>).filter((event) => event.action === 'task.completed');
      const winningOutcome = completedEvents[0]?.details?.outcome;
      result.races = {
        idempotency: {
          requests: 50,
          distinctCases: ids.size,
          serverErrors: driver.serverErrors.length - errorsBefore,
          casesForApplicant: byApplicant.body?.items?.length ?? -1,
        },
        completion: {
          requests: completions.length,
          outcomes,
          winningOutcome,
          successes: completions.filter((c) => c.answer.status === 200).length,
          conflicts: completions.filter((c) => c.answer.status === 409).length,
          successesOfTheLoser: completions.filter((c) => c.answer.status === 200 && c.outcome !== winningOutcome).length,
          conflictsOfTheWinner: completions.filter((c) => c.answer.status === 409 && c.outcome === winningOutcome).length,
          completedEvents: completedEvents.length,
          other: completions.filter((c) => c.answer.status !== 200 && c.answer.status !== 409).map((c) => c.answer.status),
        },
      };
      const race = result.races.completion;
      progress(`(d) one key: ${ids.size} case(s); one task: '${race.winningOutcome}' won, ${race.successes} × 200, ${race.conflicts} × 409, ${race.completedEvents} completion(s) recorded`);
      mode = 'none';
      dynamodbFaults.throttleRate = 0;
    }

    // (c) bad input, without faults: a 5xx here must come from the input, not from an injected fault
    if (runs('c')) {
      await new Promise((resolve) => setTimeout(resolve, 2000)); // let the last workflows settle
      const itemsBefore = await itemCount(stack.dynamodbEndpoint, stack.tableName);
      progress(`(c) ${malformedCount} generated malformed requests over every route (${itemsBefore} items in the table)`);
      const sign = (claims: Parameters<typeof signDevToken>[1]) => signDevToken(key, claims);
      const badTokens = await malformedRequestTokens(sign);
      const statuses: Record<string, number> = {};
      const badErrors: BadInputSection['serverErrors'] = [];
      const samples = fc.sample(malformedRequest, { numRuns: malformedCount, seed: 20261128 });
      await pool(samples, 8, async (r, i) => {
        const status = await sendMalformedRequest(stack.apiUrl, badTokens, r);
        statuses[status] = (statuses[status] ?? 0) + 1;
        if (status >= 500) badErrors.push({ method: r.route.method, path: r.route.path, status });
        if ((i + 1) % 100 === 0) progress(`(c) ${i + 1}/${malformedCount}`);
      });
      const itemsAfter = await itemCount(stack.dynamodbEndpoint, stack.tableName);
      result.badInput = { requests: samples.length, statuses, serverErrors: badErrors, itemsBefore, itemsAfter };
    }
    return result;
  } finally {
    driver.close();
    classDriver.close();
    await stack.stop();
  }
}

/** (b): `npm start` as a child process, kill -9 of its process group under load, then a restart on the same state. */
async function crash(): Promise<CrashSection> {
  const stateDirectory = mkdtempSync(join(tmpdir(), 'loket-chaos-crash-'));
  const env = { LOKET_MAX_WAIT_SECONDS: '1' };
  try {
    const key = await loadOrCreateDevSigningKey(join(stateDirectory, 'dev-signing-key.json'));
    const tokens = await tokensFor(key);
    progress('(b) starting `npm start` as a child process with its own state directory and ports');
    const first = await spawnLocalStack({ stateDirectory, via: 'npm', env });
    await first.ready;
    const driver = new Driver({ apiUrl: first.apiUrl, dynamodbEndpoint: first.dynamodbEndpoint, tableName: 'loket', tokens });
    const acknowledged: Submitted[] = [];
    let stopLoad = false;
    let sent = 0;
    // Clients submit and work their cases until the kill; what they were told (201) is what must survive.
    const load = pool(
      Array.from({ length: crashTransactions }, (_, i) => i),
      16,
      async (i) => {
        if (stopLoad) return;
        sent += 1;
        const submitted = await driver.submit(tenants[i % tenants.length]!, transactionTypes[i % transactionTypes.length]!, { fresh: true, attempts: 1 }).catch(() => undefined);
        if (submitted?.status === 201) {
          acknowledged.push(submitted);
          if (!stopLoad) await driver.driveToFinal(submitted, 5_000).catch(() => undefined);
        }
      },
    );
    while (acknowledged.length < crashTransactions / 2) await new Promise((resolve) => setTimeout(resolve, 20));
    progress(`(b) kill -9 of the process group with ${acknowledged.length} acknowledged cases and requests in flight`);
    await first.kill9();
    stopLoad = true;
    await load.catch(() => undefined);
    driver.close();
    const acknowledgedBeforeKill = acknowledged.length;

    progress('(b) starting again on the same state directory');
    const second = await spawnLocalStack({ stateDirectory, via: 'npm', env, ports: undefined });
    const restartMs = await second.ready;
    const recoveredOutput = (second.output().match(/Started the workflows[^\n]*/) ?? ['(no open cases to start again)'])[0];
    progress(`(b) ${recoveredOutput}; driving the ${acknowledgedBeforeKill} acknowledged cases to a final status`);
    const after = new Driver({ apiUrl: second.apiUrl, dynamodbEndpoint: second.dynamodbEndpoint, tableName: 'loket', tokens });
    try {
      const driven = await pool(acknowledged, 16, async (submitted) => ({ ...submitted, ...(await after.driveToFinal(submitted, 60_000)) }));
      const checked = await checkTransactions(after, tokens, driven, { freshApplicants: true });
      return { ...checked, acknowledgedBeforeKill, recoveredOutput, restartSeconds: restartMs / 1000 };
    } finally {
      after.close();
      await second.stop();
    }
  } finally {
    rmSync(stateDirectory, { recursive: true, force: true });
  }
}

/** Outbox items in the table: effects committed and not yet delivered. A Scan, by the bench only. */
async function pendingOutboxItems(client: DynamoDBClient, tableName: string): Promise<number> {
  let count = 0;
  let startKey: Record<string, any> | undefined;
  do {
    const page = await client.send(
      new ScanCommand({
        TableName: tableName,
        Select: 'COUNT',
        FilterExpression: 'begins_with(SK, :outbox)',
        ExpressionAttributeValues: { ':outbox': { S: 'OUTBOX#' } },
        ExclusiveStartKey: startKey,
      }),
    );
    count += page.Count ?? 0;
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return count;
}

/**
 * (2): `npm start` as a child process on fixed ports, killed with kill -9 (its whole process
 * group, DynamoDB Local's JVM included) at moments when committed effects wait in its outbox,
 * and started again on the same state and ports while the clients go on (they retry what
 * fails meanwhile). The local engine keeps executions in memory, so a restart also loses every
 * running workflow: the reconciler must start them again and deliver what the outbox holds.
 */
async function killBetweenCommitAndEffect(): Promise<FaultClassResult & { kills: KillRecord[] }> {
  const stateDirectory = mkdtempSync(join(tmpdir(), 'loket-chaos-kill-'));
  const env = {
    LOKET_MAX_WAIT_SECONDS: '1',
    LOKET_RECONCILE_INTERVAL_MS: String(reconcileSeconds * 1000),
    OUTBOX_STALE_AFTER_SECONDS: String(reconcileSeconds),
  };
  const ports = { api: await freePort(), stepFunctions: await freePort(), dynamodb: await freePort(), s3: await freePort() };
  let current: LocalProcess | undefined;
  try {
    const key = await loadOrCreateDevSigningKey(join(stateDirectory, 'dev-signing-key.json'));
    const tokens = await tokensFor(key);
    progress('(2) starting `npm start` as a child process with its own state directory and ports');
    current = await spawnLocalStack({ stateDirectory, via: 'npm', env, ports });
    await current.ready;
    const driver = new Driver({ apiUrl: current.apiUrl, dynamodbEndpoint: current.dynamodbEndpoint, tableName: 'loket', tokens, pollMs: classPollMs });
    const table = new DynamoDBClient({ endpoint: current.dynamodbEndpoint, region: localRegion, credentials: localCredentials, maxAttempts: 1 });
    try {
      progress('(2) calibrating: every type × tenant × applicant (fresh, known) twice without faults');
      const expectations = await calibrate(driver, tokens);
      const records: KillRecord[] = [];
      let killer: Promise<void> = Promise.resolve();
      const killOnce = async () => {
        // Wait for a moment when effects wait in the outbox (a few seconds at most), then kill.
        let pending = 0;
        const lookUntil = Date.now() + 20_000;
        while (Date.now() < lookUntil) {
          pending = await pendingOutboxItems(table, 'loket').catch(() => 0);
          if (pending >= 3) break;
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        progress(`(2) kill -9 with ${pending} committed effect(s) waiting in the outbox`);
        await current!.kill9();
        const restarted = await spawnLocalStack({ stateDirectory, via: 'npm', env, ports });
        current = restarted;
        const restartMs = await restarted.ready;
        const startUp = (restarted.output().match(/Started the workflows[^\n]*/) ?? ['(no open cases to start again)'])[0];
        progress(`(2) serving again after ${(restartMs / 1000).toFixed(1)} s; ${startUp}`);
        records.push({ pendingEffects: pending, restartSeconds: restartMs / 1000, startUp });
      };
      const faultClass: FaultClass = {
        id: '2',
        title: `kill -9 of \`npm start\` while committed effects wait in the outbox (${kills} kills), restart on the same state`,
        submitAttempts: 20,
        // The kills spread over the load, the last one where the faults are to stop: they stop when it serves again.
        faultsOn(load) {
          killer = (async () => {
            for (let k = 1; k <= kills; k++) {
              const due = Math.round((load.faultsStopAt * k) / kills);
              while (load.settled() < due) await new Promise((resolve) => setTimeout(resolve, 100));
              await killOnce();
            }
          })();
        },
        async faultsOff() {
          await killer;
        },
        injected: () => ({ kills: records }),
      };
      const environment: ClassEnvironment = { driver, tokens, stepFunctionsEndpoint: current.stepFunctionsEndpoint, expectations, reconcilePeriodMs: reconcileSeconds * 1000, concurrency: 16 };
      const outcome = await runFaultClass(environment, faultClass, classTransactions);
      return { ...outcome, kills: records };
    } finally {
      table.destroy();
      driver.close();
    }
  } finally {
    await current?.stop();
    rmSync(stateDirectory, { recursive: true, force: true });
  }
}

/** The completion race held: one completion recorded, its outcome's requests answered 200 and the other's 409. */
function completionRaceHeld(race: RacesSection['completion']): boolean {
  return (
    race.requests === 50 && race.completedEvents === 1 && race.successesOfTheLoser === 0 && race.conflictsOfTheWinner === 0 && race.successes + race.conflicts === race.requests
  );
}

function findings(title: string, report: ReliabilityReport): string[] {
  const lines: string[] = [];
  for (const [name, list] of Object.entries({
    lost: report.lost,
    'not final': report.notFinal,
    failed: report.failed,
    duplicated: report.duplicated,
    'chain not verified': report.unverified,
    'not acknowledged': report.notAcknowledged,
  })) {
    for (const finding of list.slice(0, 50)) lines.push(`- ${title}, ${name}: case ${finding.caseId || '(none)'} (${finding.type}): ${finding.why}`);
    if (list.length > 50) lines.push(`- … and ${list.length - 50} more ${name}`);
  }
  return lines;
}

const startedAt = Date.now();
const { faults, badInput, races, classes } = ['a', 'c', 'd', '1', '3', '4', '5'].some(runs) ? await inProcessSections() : { classes: [] as FaultClassResult[] };
const crashed = runs('b') ? await crash() : undefined;
const killed = runs('2') ? await killBetweenCommitAndEffect() : undefined;
const faultClasses = [...classes, ...(killed ? [killed] : [])].sort((x, y) => x.id.localeCompare(y.id));
const summary = {
  lost: (faults?.lost.length ?? 0) + (crashed?.lost.length ?? 0) + faultClasses.reduce((n, c) => n + c.lost.length, 0),
  duplicated: (faults?.duplicated.length ?? 0) + (crashed?.duplicated.length ?? 0) + faultClasses.reduce((n, c) => n + c.duplicated.length, 0),
  racesFailed: races ? (races.idempotency.distinctCases === 1 ? 0 : 1) + (completionRaceHeld(races.completion) ? 0 : 1) : 0,
  notFinal: (faults?.notFinal.length ?? 0) + (crashed?.notFinal.length ?? 0),
  unverified: (faults?.unverified.length ?? 0) + (crashed?.unverified.length ?? 0) + faultClasses.reduce((n, c) => n + c.unverified.length, 0),
  badInput5xx: badInput?.serverErrors.length ?? 0,
  badInputWrites: badInput ? badInput.itemsAfter - badInput.itemsBefore : 0,
  faultClasses: {
    transactions: faultClasses.reduce((n, c) => n + c.transactions, 0),
    lost: faultClasses.reduce((n, c) => n + c.lost.length, 0),
    undelivered: faultClasses.reduce((n, c) => n + c.undelivered.length, 0),
    stuck: faultClasses.reduce((n, c) => n + c.stuck.length, 0),
    notConverged: faultClasses.reduce((n, c) => n + c.notConverged.length, 0),
    duplicated: faultClasses.reduce((n, c) => n + c.duplicated.length, 0),
    wrongFinal: faultClasses.reduce((n, c) => n + c.wrongFinal.length, 0),
    allWithinTwoReconcilerPeriods: faultClasses.every((c) => c.withinTwoPeriods),
  },
};
const command = `npm run chaos -- ${process.argv.slice(2).join(' ')}`.trim();
const report = { ...machineAndCommit(), command, durationSeconds: (Date.now() - startedAt) / 1000, summary, faults, crash: crashed, badInput, races, faultClasses };
mkdirSync(resultsDirectory, { recursive: true });
writeFileSync(join(resultsDirectory, 'chaos-latest.json'), `${JSON.stringify(report, null, 2)}\n`);

const statusLines = (statuses: Record<string, Record<string, number>>) =>
  Object.entries(statuses).map(([type, byStatus]) => `  - ${type}: ${Object.entries(byStatus).map(([code, n]) => `${code} ${n}`).join(', ')}`);
const md = [
  '# Loket chaos report',
  '',
  `Commit ${report.commit}${report.dirty ? ' (with uncommitted changes)' : ''} on ${report.machine.os}, ${report.machine.cpus} CPUs, Node ${report.machine.node}; ${report.date}; took ${report.durationSeconds.toFixed(0)} s.`,
  `Command: \`${command}\``,
  '',
  ...(faultClasses.length > 0
    ? [
        '## Fault classes',
        '',
        `Each class: ${classTransactions} transactions over every type (${transactionTypes.map((t) => t.key).join(', ')}), both tenants, fresh applicants and the types' example applicants, every task answered with its first outcome and every awaited message delivered; where each must end comes from a calibration run without faults. The faults stop while the last transactions are in flight (once all but the last ones, at most 16, have settled); "consistent after" is the time from then until no committed effect waited in the outbox and every open case ran its workflow or was flagged; "all final or flagged after" until every case was final, or flagged for an operator where that is its expected end (the clients' own remaining work included). The reconciler runs every ${reconcileSeconds} s and delivers outbox items older than one period.`,
        '',
        ...faultClassTable(faultClasses),
        '',
        'Injected, per class:',
        ...faultClasses.map(
          (c) =>
            `- (${c.id}) ${JSON.stringify(c.injected)}; ${c.serverErrors} × 5xx seen by clients (retried); ${c.undeliverableResults} result(s) that met no waiting step (audit \`*.result-undeliverable\`); load ${c.loadSeconds.toFixed(0)} s`,
        ),
        '',
        ...faultClassTypeTables(faultClasses),
      ]
    : []),
  '## Other sections',
  '',
  '| check | result | goal |',
  '| --- | --- | --- |',
  ...(faults
    ? [
        `| (a) ${faults.transactions} transactions, ${(lambdaFaultRate * 100).toFixed(0)} % Lambda step faults (${faults.injectedLambdaFaults} of ${faults.stepInvocations} invocations), ${(dynamodbThrottleRate * 100).toFixed(0)} % DynamoDB throttling | ${faults.acknowledged} acknowledged, ${faults.lost.length} lost, ${faults.notFinal.length} not final, ${faults.duplicated.length} duplicated, ${faults.unverified.length} chains not verified, ${faults.serverErrors} × 5xx seen by clients (retried) in ${faults.seconds.toFixed(0)} s | 0 lost, 0 duplicated, all final and verified |`,
      ]
    : []),
  ...(crashed
    ? [
        `| (b) kill -9 under load, restart | ${crashed.acknowledgedBeforeKill} acknowledged before the kill: ${crashed.lost.length} lost, ${crashed.notFinal.length} not final after restart, ${crashed.duplicated.length} duplicated, ${crashed.unverified.length} chains not verified; restart served in ${crashed.restartSeconds.toFixed(1)} s; ${crashed.recoveredOutput} | every acknowledged case present and final or resumable |`,
      ]
    : []),
  ...(badInput
    ? [
        `| (c) ${badInput.requests} malformed requests | ${badInput.serverErrors.length} × 5xx; items ${badInput.itemsBefore} → ${badInput.itemsAfter}; statuses ${JSON.stringify(badInput.statuses)} | 0 × 5xx, nothing written |`,
      ]
    : []),
  ...(races
    ? [
        `| (d) 50 submissions, one Idempotency-Key | ${races.idempotency.distinctCases} case(s), ${races.idempotency.casesForApplicant} for the applicant, ${races.idempotency.serverErrors} × 5xx | one case |`,
        `| (d) 50 completions of one task by one clerk, ${races.completion.outcomes.map((o) => `25 × '${o}'`).join(' and ')} | '${races.completion.winningOutcome}' won: ${races.completion.successes} × 200 (${races.completion.successesOfTheLoser} of them for the other outcome), ${races.completion.conflicts} × 409 (${races.completion.conflictsOfTheWinner} of them for the winning outcome), other ${JSON.stringify(races.completion.other)}; ${races.completion.completedEvents} completion(s) recorded | one completion recorded; its outcome's requests 200, the other's 409 |`,
      ]
    : []),
  '',
  ...(faults ? ['Final statuses under faults (a):', ...statusLines(faults.finalStatuses), ''] : []),
  ...(crashed ? ['Final statuses after the crash (b):', ...statusLines(crashed.finalStatuses), ''] : []),
  '## Findings',
  '',
  ...(() => {
    const lines = [
      ...(faults ? findings('(a)', faults) : []),
      ...(crashed ? findings('(b)', crashed) : []),
      ...(badInput?.serverErrors ?? []).map((e) => `- (c) ${e.method} ${e.path} answered ${e.status}`),
      ...faultClassFindings(faultClasses),
    ];
    return lines.length > 0 ? lines : ['None.'];
  })(),
  '',
].join('\n');
writeFileSync(join(resultsDirectory, 'chaos-latest.md'), md);
progress(`wrote ${join(resultsDirectory, 'chaos-latest.json')} and chaos-latest.md`);
console.log(`\n${md}`);
process.exit(0);
