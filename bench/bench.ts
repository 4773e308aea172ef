import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BatchWriteItemCommand, DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { GetExecutionHistoryCommand, SFNClient } from '@aws-sdk/client-sfn';
import { byDueDay, byOwner, byStatus, bySubmission, keys } from '../functions/adapters/table-keys';
import { findFunctionDeployment } from '../infra/deployment';
import { generateDevSigningKey } from '../infra/local/dev-keys';
import type { InvocationMiddleware } from '../infra/local/lambda-host';
import { startLocalStack } from '../infra/local/local-stack';
import { localCredentials, localRegion } from '../infra/local/local-network';
import { projectRoot } from '../infra/local/paths';
import { measureColdStart } from './cold-start';
import { deliveryMarkdown, deliveryNote, measureDeliveryLatency } from './delivery';
import { spawnLocalStack } from './local-process';
import { formatScore, mutantLogFile, scoreFromLog } from '../mutation/score';
import { machineAndCommit, progress, resultsDirectory } from './report';
import type { Submitted } from './transactions';
import { Driver, percentile, pool, tokensFor, transactionTypes, uniqueApplicant } from './transactions';

/*
 * npm run bench [-- --quick]
 *
 * Measures on this machine what a transaction costs on AWS, how fast the local stack
 * answers against the storage floor, search at scale, cold start and start-up. Writes
 * bench-results/latest.{json,md}. Local durations stand in for Lambda's: they are a proxy.
 */
const quick = process.argv.includes('--quick');
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

interface Price {
  readonly usd: number;
  readonly per: string;
  readonly source: string;
}
const pricesFile = JSON.parse(readFileSync(join(projectRoot, 'bench', 'prices.eu-west-1.json'), 'utf8')) as {
  region: string;
  checked: string;
  prices: Record<'apiRequest' | 'lambdaRequest' | 'lambdaGbSecond' | 'stateTransition' | 'writeRequestUnit' | 'readRequestUnit' | 'eventBridgeEvent', Price>;
};
const prices = pricesFile.prices;

// ---- counting: Lambda invocations and durations, DynamoDB units and Scans ----

const invocations = new Map<string, { count: number; billedMs: number }>();
/** Every invocation, by the API or a workflow, billed per started millisecond as Lambda does. */
const countInvocations: InvocationMiddleware = async (invocation, next) => {
  const started = performance.now();
  try {
    return await next();
  } finally {
    const entry = invocations.get(invocation.function.name) ?? { count: 0, billedMs: 0 };
    entry.count += 1;
    entry.billedMs += Math.ceil(performance.now() - started);
    invocations.set(invocation.function.name, entry);
  }
};

const capacity = { read: 0, write: 0, scans: 0, calls: 0, reads: 0, writes: 0 };
const withCapacity = new Set(['GetItemCommand', 'PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand', 'QueryCommand', 'ScanCommand', 'BatchGetItemCommand', 'BatchWriteItemCommand', 'TransactGetItemsCommand', 'TransactWriteItemsCommand']);
const readCommands = new Set(['GetItemCommand', 'QueryCommand', 'ScanCommand', 'BatchGetItemCommand', 'TransactGetItemsCommand']);
/** Called once the stack has set the functions' environment: the clients module reads it at load. */
async function countDynamoDbCalls(): Promise<void> {
  // The same module instance the in-process handlers use.
  const { dynamodb: functionsDynamodb } = await import('../functions/commons/dynamodb.client');
  functionsDynamodb.middlewareStack.add(
    (next, context) => async (args) => {
      const command = context.commandName ?? '';
      if (command === 'ScanCommand') capacity.scans += 1;
      if (!withCapacity.has(command)) return next(args);
      capacity.calls += 1;
      if (readCommands.has(command)) capacity.reads += 1;
      else capacity.writes += 1;
      (args.input as Record<string, unknown>).ReturnConsumedCapacity = 'TOTAL';
      const result = await next(args);
      const consumed = (result.output as { ConsumedCapacity?: unknown }).ConsumedCapacity;
      const units = (Array.isArray(consumed) ? consumed : consumed ? [consumed] : []).reduce((sum: number, c: { CapacityUnits?: number }) => sum + (c.CapacityUnits ?? 0), 0);
      if (readCommands.has(command)) capacity.read += units;
      else capacity.write += units;
      return result;
    },
    { step: 'initialize', name: 'benchConsumedCapacity', priority: 'low' },
  );
}

function snapshot() {
  let lambdaCount = 0;
  let gbSeconds = 0;
  let apiRequests = 0;
  // The outbox dispatcher's batches and the reconciler's runs are in lambdaCount; these say how many.
  let dispatcherBatches = 0;
  let reconcilerRuns = 0;
  for (const [name, entry] of invocations) {
    const deployment = findFunctionDeployment(name);
    if (!deployment) throw new Error(`Invoked an undeclared function: ${name}`);
    lambdaCount += entry.count;
    gbSeconds += (entry.billedMs / 1000) * (deployment.memorySize / 1024);
    if (deployment.declaration.kind === 'api') apiRequests += entry.count;
    if (deployment.declaration.kind === 'stream') dispatcherBatches += entry.count;
    if (deployment.declaration.kind === 'scheduled') reconcilerRuns += entry.count;
  }
  return { lambdaCount, gbSeconds, apiRequests, dispatcherBatches, reconcilerRuns, ...capacity };
}
type Snapshot = ReturnType<typeof snapshot>;

const median = (values: number[]) => percentile(values, 50);
const round = (value: number, digits = 2) => Number(value.toFixed(digits));

// ---- one in-process stack for cost, throughput, reads and search ----

const { key } = await generateDevSigningKey();
progress(`starting the local stack (${quick ? 'quick' : 'full'} run)`);
const stack = await startLocalStack({
  ports: { api: 0, stepFunctions: 0, dynamodb: 0 },
  signingKey: key,
  timeScale: 0.001,
  maxWaitSeconds: 0.05,
  log: () => undefined,
  middleware: [countInvocations],
});
await countDynamoDbCalls();
const tokens = await tokensFor(key);
const driver = new Driver({ apiUrl: stack.apiUrl, dynamodbEndpoint: stack.dynamodbEndpoint, tableName: stack.tableName, tokens });
const bare = new DynamoDBClient({ endpoint: stack.dynamodbEndpoint, region: localRegion, credentials: localCredentials });
const sfn = new SFNClient({ endpoint: stack.stepFunctionsEndpoint, region: localRegion, credentials: localCredentials });

/** A case's status read from the table, not through the API, so that watching it costs the transaction nothing. */
async function caseOf(id: string): Promise<Record<string, AttributeValue> | undefined> {
  return (await bare.send(new GetItemCommand({ TableName: stack.tableName, Key: { PK: { S: keys.case(id).PK }, SK: { S: 'CASE' } } }))).Item;
}
async function isFinal(submitted: Pick<Submitted, 'id' | 'type'>): Promise<boolean> {
  const status = (await caseOf(submitted.id))?.status?.S;
  return Boolean(submitted.type.statuses.find((s) => s.code === status)?.final);
}

/** Works a case to its final status, watching it in the table (tasks and messages go through the API). */
async function workToFinal(submitted: Submitted, timeoutMs = 30_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  let pause = 5;
  while (Date.now() < deadline) {
    if (await isFinal(submitted)) return true;
    const waits = await driver.waitsOf(submitted.id);
    for (const task of waits.tasks) {
      const outcome = submitted.type.tasks[task.name]?.outcomes[0] ?? 'approve';
      await driver.call('POST', `/v1/tasks/${task.id}/complete`, { token: tokens[submitted.tenant]!.clerk, body: { outcome } });
    }
    for (const name of waits.messages) {
      const { sampleOf } = await import('./transactions');
      await driver.call('POST', `/v1/cases/${submitted.id}/messages`, { token: tokens[submitted.tenant]!.portal, body: { name, data: sampleOf(submitted.type.messages[name]!.dataSchema as Record<string, any>) } });
    }
    pause = waits.tasks.length + waits.messages.length > 0 ? 5 : Math.min(pause * 1.5, 50);
    await new Promise((resolve) => setTimeout(resolve, pause));
  }
  return false;
}

async function stateTransitions(submitted: Submitted): Promise<number> {
  const executionArn = `${stack.stateMachineArns[submitted.type.key]!.replace(':stateMachine:', ':execution:')}:${submitted.id}`;
  let count = 0;
  let nextToken: string | undefined;
  do {
    const page = await sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000, nextToken }));
    count += (page.events ?? []).filter((e) => e.type?.endsWith('StateEntered')).length;
    nextToken = page.nextToken;
  } while (nextToken);
  return count;
}

// 1. cost per transaction
const costRuns = quick ? 3 : 10;
interface TypeCost {
  readonly type: string;
  readonly finalStatuses: string[];
  readonly straightThrough: boolean;
  readonly perTransaction: { apiRequests: number; lambdaInvocations: number; dispatcherBatches: number; lambdaGbSeconds: number; stateTransitions: number; readUnits: number; writeUnits: number; events: number; dynamodbCalls: number; dynamodbReads: number; dynamodbWrites: number };
  readonly costUsd: number;
  readonly floor: { apiRequests: number; lambdaInvocations: number; writeUnits: number; costUsd: number };
  readonly ratio: number;
  readonly costByItem: Record<string, number>;
}
const costs: TypeCost[] = [];
for (const type of transactionTypes) {
  progress(`(1) cost: ${costRuns} × ${type.key}, one at a time`);
  const before: Snapshot = snapshot();
  const eventsBefore = stack.events.length;
  let transitions = 0;
  let auditEvents = 0;
  let statusChanges = 0;
  let manual = 0;
  const finals: string[] = [];
  for (let i = 0; i < costRuns; i++) {
    const requestsBefore = driver.requests;
    const submitted = await driver.submit('44021', type, { fresh: false });
    if (submitted.status !== 201) throw new Error(`${type.key}: submission answered ${submitted.status}`);
    if (!(await workToFinal(submitted))) throw new Error(`${type.key}: case ${submitted.id} did not reach a final status`);
    await driver.getCase('44021', submitted.id); // the portal shows the result once
    manual += driver.requests - requestsBefore - 2;
    await new Promise((resolve) => setTimeout(resolve, 100)); // the execution's last states (events) after the final status
    transitions += await stateTransitions(submitted);
    const item = await caseOf(submitted.id);
    finals.push(item?.status?.S ?? '?');
    statusChanges += item?.statusHistory?.L?.length ?? 1;
    auditEvents += item?.auditHead?.M?.sequence?.N ? Number(item.auditHead.M.sequence.N) : 1;
  }
  const after = snapshot();
  const per = (value: number) => value / costRuns;
  const perTransaction = {
    apiRequests: per(after.apiRequests - before.apiRequests),
    lambdaInvocations: per(after.lambdaCount - before.lambdaCount),
    // Every effect reaches the workflow through an outbox item (written in the case's transaction,
    // so in writeUnits) and a dispatcher batch from the stream (in lambdaInvocations); the stream's
    // reads by the event source mapping cost nothing.
    dispatcherBatches: per(after.dispatcherBatches - before.dispatcherBatches),
    lambdaGbSeconds: per(after.gbSeconds - before.gbSeconds),
    stateTransitions: per(transitions),
    readUnits: per(after.read - before.read),
    writeUnits: per(after.write - before.write),
    events: per(stack.events.length - eventsBefore),
    dynamodbCalls: per(after.calls - before.calls),
    dynamodbReads: per(after.reads - before.reads),
    dynamodbWrites: per(after.writes - before.writes),
  };
  const costByItem = {
    api: perTransaction.apiRequests * prices.apiRequest.usd,
    lambdaRequests: perTransaction.lambdaInvocations * prices.lambdaRequest.usd,
    lambdaDuration: perTransaction.lambdaGbSeconds * prices.lambdaGbSecond.usd,
    stepFunctions: perTransaction.stateTransitions * prices.stateTransition.usd,
    dynamodbWrites: perTransaction.writeUnits * prices.writeRequestUnit.usd,
    dynamodbReads: perTransaction.readUnits * prices.readRequestUnit.usd,
    eventBridge: perTransaction.events * prices.eventBridgeEvent.usd,
  };
  const costUsd = Object.values(costByItem).reduce((a, b) => a + b, 0);
  // The floor: the client's requests (one submission, plus each decision or message it must send),
  // one minimal Lambda invocation each (128 MB, 1 ms), and one 1-KB write per audit event and per status change.
  const floorRequests = 1 + per(manual);
  const floorWrites = per(auditEvents) + per(statusChanges);
  const floorCost =
    floorRequests * (prices.apiRequest.usd + prices.lambdaRequest.usd + 0.001 * (128 / 1024) * prices.lambdaGbSecond.usd) + floorWrites * prices.writeRequestUnit.usd;
  costs.push({
    type: type.key,
    finalStatuses: [...new Set(finals)],
    straightThrough: manual === 0,
    perTransaction: Object.fromEntries(Object.entries(perTransaction).map(([k, v]) => [k, round(v, 4)])) as TypeCost['perTransaction'],
    costUsd,
    floor: { apiRequests: floorRequests, lambdaInvocations: floorRequests, writeUnits: round(floorWrites), costUsd: floorCost },
    ratio: round(costUsd / floorCost),
    costByItem,
  });
}
const mix = {
  costUsd: costs.reduce((a, c) => a + c.costUsd, 0) / costs.length,
  floorUsd: costs.reduce((a, c) => a + c.floor.costUsd, 0) / costs.length,
};

// 2. throughput and latency of straight-through cases vs the storage floor
const straight = transactionTypes.filter((t) => costs.find((c) => c.type === t.key)?.straightThrough);
const throughput: Array<{ clients: number; cases: number; casesPerSecond: number; p50: number; p95: number; p99: number; floorMsPerCase: number; ratio: number }> = [];
if (straight.length > 0) {
  const opsPerCase = costs.filter((c) => c.straightThrough).reduce((a, c) => a + c.perTransaction.dynamodbCalls, 0) / straight.length;
  const writesShare = costs.filter((c) => c.straightThrough).reduce((a, c) => a + c.perTransaction.dynamodbWrites, 0) / straight.length / opsPerCase;
  const payload = { S: 'x'.repeat(900) };
  for (const clients of [1, 8, 32]) {
    const count = quick ? Math.max(16, clients * 3) : Math.max(50, clients * 10);
    progress(`(2) ${count} straight-through cases at ${clients} client(s)`);
    const latencies: number[] = [];
    const started = performance.now();
    await pool(Array.from({ length: count }, (_, i) => i), clients, async (i) => {
      const t0 = performance.now();
      const submitted = await driver.submit('44021', straight[i % straight.length]!, { fresh: false });
      while (!(await isFinal(submitted))) await new Promise((resolve) => setTimeout(resolve, 2));
      latencies.push(performance.now() - t0);
    });
    const seconds = (performance.now() - started) / 1000;
    // The storage floor: the same number of DynamoDB operations per case, done directly, at the same concurrency.
    const floorStarted = performance.now();
    await pool(Array.from({ length: count }, (_, i) => i), clients, async (i) => {
      for (let op = 0; op < Math.round(opsPerCase); op++) {
        const Key = { PK: { S: `BENCH#${clients}#${i}` }, SK: { S: `OP#${op % 4}` } };
        if (op / opsPerCase < writesShare) await bare.send(new PutItemCommand({ TableName: stack.tableName, Item: { ...Key, payload } }));
        else await bare.send(new GetItemCommand({ TableName: stack.tableName, Key }));
      }
    });
    const floorSeconds = (performance.now() - floorStarted) / 1000;
    throughput.push({
      clients,
      cases: count,
      casesPerSecond: round(count / seconds),
      p50: round(percentile(latencies, 50)),
      p95: round(percentile(latencies, 95)),
      p99: round(percentile(latencies, 99)),
      floorMsPerCase: round((floorSeconds * 1000) / count),
      ratio: round(seconds / floorSeconds),
    });
  }
}

// 3. read latency: GET /v1/cases/{id} at 32 clients vs a bare GetItem
progress('(3) GET /v1/cases/{id} at 32 clients vs a bare GetItem');
const target = await driver.submit('44021', transactionTypes[0]!, { fresh: true });
const reads = quick ? 640 : 3200;
const getLatencies: number[] = [];
await pool(Array.from({ length: reads }), 32, async () => {
  const t0 = performance.now();
  await driver.getCase('44021', target.id);
  getLatencies.push(performance.now() - t0);
});
const bareLatencies: number[] = [];
await pool(Array.from({ length: reads }), 32, async () => {
  const t0 = performance.now();
  await caseOf(target.id);
  bareLatencies.push(performance.now() - t0);
});
const readLatency = { requests: reads, getP99: round(percentile(getLatencies, 99)), getItemP99: round(percentile(bareLatencies, 99)), ratio: round(percentile(getLatencies, 99) / percentile(bareLatencies, 99)) };

// 4. search at 1k and at many cases, seeded directly, counting Scans on request paths
const seedTenant = '41002';
const template = await caseOf(target.id);
let seeded = 0;
async function seedTo(total: number): Promise<void> {
  const statuses = ['submitted', 'under-review', 'issued'];
  while (seeded < total) {
    const batch = Array.from({ length: Math.min(25, total - seeded) }, () => {
      seeded += 1;
      const id = `01SEED${String(seeded).padStart(20, '0')}`;
      const createdAt = new Date(Date.UTC(2026, 0, 1) + seeded * 1000).toISOString();
      const dueAt = new Date(Date.UTC(2026, 2, 1) + seeded * 1000).toISOString();
      const status = statuses[seeded % statuses.length]!;
      const applicant = uniqueApplicant('insz').insz!;
      const item: Record<string, AttributeValue> = { ...template! };
      const put = (values: Record<string, string>) => {
        for (const [name, value] of Object.entries(values)) item[name] = { S: value };
      };
      put({ ...keys.case(id), ...byStatus.cases(seedTenant, status, dueAt, id), ...byOwner.cases(seedTenant, applicant, createdAt, id), ...bySubmission.cases(seedTenant, transactionTypes[0]!.key, createdAt, id), id, tenant: seedTenant, status, createdAt, dueAt });
      delete item.GSI3PK;
      delete item.GSI3SK;
      if (status !== 'issued') put(byDueDay.cases(dueAt, id));
      return { PutRequest: { Item: item } };
    });
    let pending: typeof batch | undefined = batch;
    while (pending && pending.length > 0) {
      const result = await bare.send(new BatchWriteItemCommand({ RequestItems: { [stack.tableName]: pending } }));
      pending = result.UnprocessedItems?.[stack.tableName] as typeof batch | undefined;
    }
  }
}
async function searchMedian(): Promise<number> {
  const queries = ['/v1/cases?limit=20', '/v1/cases?status=under-review&limit=20', `/v1/cases?type=${transactionTypes[0]!.key}&limit=20`];
  const token = tokens[seedTenant]!.portal;
  const latencies: number[] = [];
  for (let i = 0; i < (quick ? 60 : 200); i++) {
    const t0 = performance.now();
    const response = await driver.call('GET', queries[i % queries.length]!, { token });
    if (response.status !== 200) throw new Error(`search answered ${response.status}: ${JSON.stringify(response.body)}`);
    latencies.push(performance.now() - t0);
  }
  return median(latencies);
}
const largeSize = quick ? 20_000 : 100_000;
progress('(4) seeding 1,000 cases');
await seedTo(1000);
const scansBefore = capacity.scans;
const searchSmall = await searchMedian();
progress(`(4) seeding up to ${largeSize.toLocaleString('en')} cases`);
const seedStarted = performance.now();
await pool(Array.from({ length: 4 }), 4, () => seedTo(largeSize)); // seeded is shared: four writers share the work
progress(`(4) seeded in ${((performance.now() - seedStarted) / 1000).toFixed(0)} s`);
const searchLarge = await searchMedian();
const search = { smallCases: 1000, largeCases: largeSize, medianSmallMs: round(searchSmall), medianLargeMs: round(searchLarge), ratio: round(searchLarge / searchSmall), scansOnRequestPaths: capacity.scans - scansBefore, scansWholeRun: capacity.scans };

// 7. webhook delivery latency, on this stack while it runs (reported after start-up)
progress('(7) webhook delivery latency, commit to receipt');
const delivery = await measureDeliveryLatency(driver, tokens, { quick });

driver.close();
bare.destroy();
sfn.destroy();
await stack.stop();

// 5. cold start: bundle size and module init time vs a minimal handler
progress('(5) bundling every declared function as the CDK construct does');
const coldStart = await measureColdStart({ quick });

// 6. start-up: `npm start` to the first 200 on /v1/health, on a fresh state directory
progress('(6) `npm start` until the first served request');
const startupDirectory = mkdtempSync(join(tmpdir(), 'loket-bench-start-'));
const started = await spawnLocalStack({ stateDirectory: startupDirectory, via: 'npm' });
const startupSeconds = round((await started.ready) / 1000);
await started.stop();
rmSync(startupDirectory, { recursive: true, force: true });

// 8. the mutation score as the mutant log holds it (npm run mutate writes it; nothing is run here)
const { default: strykerConfig } = (await import(pathToFileURL(join(projectRoot, 'stryker.config.mjs')).href)) as { default: { mutate: string[] } };
const mutation = scoreFromLog(strykerConfig.mutate, join(projectRoot, mutantLogFile));

// ---- report ----
const goals = {
  cost: costs.every((c) => c.ratio <= 2),
  engineOverhead: throughput.every((t) => t.ratio <= 1.5),
  readLatency: readLatency.ratio <= 3,
  search: search.ratio <= 1.2 && search.scansOnRequestPaths === 0,
  bundles: coldStart.every((c) => c.bytes <= 500 * 1024),
  init: coldStart.every((c) => c.ratio <= 1.5),
  startup: startupSeconds <= 10,
  mutation: mutation.notMeasured.length === 0 && (mutation.total.score ?? 0) >= 90,
};
const report = {
  ...machineAndCommit(),
  command: `npm run bench${quick ? ' -- --quick' : ''}`,
  prices: pricesFile,
  cost: { runsPerType: costRuns, types: costs, mix },
  throughput,
  readLatency,
  search,
  coldStart,
  startup: { seconds: startupSeconds },
  delivery,
  mutation: { total: mutation.total, files: mutation.files, notMeasured: mutation.notMeasured },
  goals,
  notes: [
    'Lambda durations are measured in-process on this machine and billed per started ms at the declared memory: a proxy for Lambda’s, not a measurement of it.',
    'State transitions are the StateEntered events of each execution’s history (retries would add more on AWS).',
    'DynamoDB units are the ConsumedCapacity DynamoDB Local returns for the functions’ calls (ReturnConsumedCapacity TOTAL).',
    deliveryNote,
  ],
};
mkdirSync(resultsDirectory, { recursive: true });
writeFileSync(join(resultsDirectory, 'latest.json'), `${JSON.stringify(report, null, 2)}\n`);
const usd = (value: number) => `$${(value * 1e6).toFixed(2)} per million`;
const yes = (ok: boolean) => (ok ? 'met' : '**not met**');
const md = [
  '# Loket benchmark',
  '',
  `Commit ${report.commit}${report.dirty ? ' (with uncommitted changes)' : ''} on ${report.machine.os}, ${report.machine.cpus} × ${report.machine.cpuModel}, Node ${report.machine.node}; ${report.date}.`,
  `Command: \`${report.command}\`. Prices: ${pricesFile.region}, ${pricesFile.checked} (bench/prices.eu-west-1.json).`,
  '',
  `## 1. Cost per transaction (${costRuns} runs per type, the type's example) — goal ≤ 2× the floor: ${yes(goals.cost)}`,
  '',
  '| type | final | API req | Lambda inv | GB-s | transitions | WRU | RRU | events | cost | floor | ratio |',
  '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ...costs.map((c) => `| ${c.type} | ${c.finalStatuses.join(', ')} | ${c.perTransaction.apiRequests} | ${c.perTransaction.lambdaInvocations} | ${c.perTransaction.lambdaGbSeconds} | ${c.perTransaction.stateTransitions} | ${c.perTransaction.writeUnits} | ${c.perTransaction.readUnits} | ${c.perTransaction.events} | ${usd(c.costUsd)} | ${usd(c.floor.costUsd)} | ${c.ratio} |`),
  `| mix (equal shares) | | | | | | | | | ${usd(mix.costUsd)} | ${usd(mix.floorUsd)} | ${round(mix.costUsd / mix.floorUsd)} |`,
  '',
  `## 2. Straight-through throughput (${straight.map((t) => t.key).join(', ') || 'no straight-through type'}) — goal ≤ 1.5× the storage floor: ${yes(goals.engineOverhead)}`,
  '',
  '| clients | cases | cases/s | p50 ms | p95 ms | p99 ms | floor ms/case | ratio |',
  '| --- | --- | --- | --- | --- | --- | --- | --- |',
  ...throughput.map((t) => `| ${t.clients} | ${t.cases} | ${t.casesPerSecond} | ${t.p50} | ${t.p95} | ${t.p99} | ${t.floorMsPerCase} | ${t.ratio} |`),
  '',
  `## 3. Read latency at 32 clients — goal ≤ 3× bare GetItem: ${yes(goals.readLatency)}`,
  '',
  `GET /v1/cases/{id} p99 ${readLatency.getP99} ms vs GetItem p99 ${readLatency.getItemP99} ms: ${readLatency.ratio}× (${reads} requests each).`,
  '',
  `## 4. Search — goal ≤ 1.2× and 0 Scans: ${yes(goals.search)}`,
  '',
  `Median ${search.medianSmallMs} ms at ${search.smallCases.toLocaleString('en')} cases, ${search.medianLargeMs} ms at ${search.largeCases.toLocaleString('en')}: ${search.ratio}×; Scans on request paths: ${search.scansOnRequestPaths} (whole run: ${search.scansWholeRun}).`,
  '',
  `## 5. Cold start — goals ≤ 500 KB: ${yes(goals.bundles)}; init ≤ 1.5× a minimal handler: ${yes(goals.init)}`,
  '',
  '| function | bundle KB | init ms | minimal handler (clients) | its init ms | ratio |',
  '| --- | --- | --- | --- | --- | --- |',
  ...coldStart.map((c) => `| ${c.function} | ${(c.bytes / 1024).toFixed(0)} | ${c.initMs} | ${c.baseline} | ${c.baselineInitMs} | ${c.ratio} |`),
  '',
  `## 6. Start-up — goal ≤ 10 s: ${yes(goals.startup)}`,
  '',
  `\`npm start\` served its first request after ${startupSeconds} s (fresh state directory).`,
  '',
  ...deliveryMarkdown(delivery),
  '',
  `## 8. Mutation score (from \`${mutantLogFile}\`, \`npm run mutate\`) — goal ≥ 90 % over the whole scope: ${yes(goals.mutation)}`,
  '',
  formatScore(mutation),
  '',
  ...report.notes.map((note) => `- ${note}`),
  '',
].join('\n');
writeFileSync(join(resultsDirectory, 'latest.md'), md);
progress(`wrote ${join(resultsDirectory, 'latest.json')} and latest.md`);
console.log(`\n${md}`);
process.exit(0);
