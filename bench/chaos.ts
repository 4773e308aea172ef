import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import fc from 'fast-check';
import { generateDevSigningKey, loadOrCreateDevSigningKey, signDevToken } from '../infra/local/dev-keys';
import { startLocalStack } from '../infra/local/local-stack';
import { localCredentials, localRegion } from '../infra/local/local-network';
import { malformedRequest, malformedRequestTokens, sendMalformedRequest } from '../tests/support/malformed-requests';
import type { ReliabilityReport } from './checks';
import { checkTransactions } from './checks';
import { spawnLocalStack } from './local-process';
import { machineAndCommit, progress, resultsDirectory } from './report';
import type { Submitted } from './transactions';
import { Driver, pool, tenants, tokensFor, transactionTypes } from './transactions';

/*
 * npm run chaos [-- --transactions N] [--crash-transactions N] [--malformed N]
 *
 * Reliability under faults, on this machine: (a) injected Lambda and DynamoDB faults,
 * (b) kill -9 of `npm start` under load and a restart, (c) generated malformed requests,
 * (d) races on one Idempotency-Key and on one task. Writes bench-results/chaos-latest.{json,md}.
 */
const argument = (name: string, fallback: number) => {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
};
const transactions = argument('transactions', 1000);
const crashTransactions = argument('crash-transactions', 100);
const malformedCount = argument('malformed', 600);
const lambdaFaultRate = 0.1;
const dynamodbThrottleRate = 0.05;
const lambdaErrors = ['Lambda.ServiceException', 'Lambda.TooManyRequestsException'];

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

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
  readonly completion: { readonly requests: number; readonly successes: number; readonly conflicts: number; readonly other: number[] };
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

/** (a), (c) and (d) share one in-process stack with faults injected into its Lambda steps and DynamoDB calls. */
async function faultsBadInputAndRaces(): Promise<{ faults: FaultsSection; badInput: BadInputSection; races: RacesSection }> {
  let stepInvocations = 0;
  let injected = 0;
  let faultsOn = true;
  const { key } = await generateDevSigningKey();
  progress('starting a local stack with 10 % Lambda step faults and 5 % DynamoDB throttling');
  const stack = await startLocalStack({
    ports: { api: 0, stepFunctions: 0, dynamodb: 0 },
    signingKey: key,
    timeScale: 0.01,
    maxWaitSeconds: 1,
    dynamodbThrottleRate,
    log: () => undefined,
    injectFault: () => {
      stepInvocations += 1;
      if (!faultsOn || Math.random() >= lambdaFaultRate) return;
      injected += 1;
      const error = new Error('injected transient Lambda failure');
      error.name = lambdaErrors[injected % lambdaErrors.length]!;
      throw error;
    },
  });
  const tokens = await tokensFor(key);
  const driver = new Driver({
    apiUrl: stack.apiUrl,
    dynamodbEndpoint: stack.dynamodbEndpoint,
    tableName: stack.tableName,
    tokens,
    chooseOutcome: (outcomes) => outcomes[Math.floor(Math.random() * outcomes.length)]!,
  });
  try {
    // (a) injected faults
    progress(`(a) ${transactions} transactions over ${transactionTypes.length} types: ${transactionTypes.map((t) => t.key).join(', ')}`);
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
    progress('(a) checking: present, final, one case per key and applicant, chains verified');
    const checked = await checkTransactions(driver, tokens, results, { freshApplicants: true });
    const faults: FaultsSection = { transactions, seconds, injectedLambdaFaults: injected, stepInvocations, serverErrors: serverErrorsDuringLoad, ...checked };

    // (d) races, still under faults
    progress('(d) 50 concurrent submissions with one Idempotency-Key; 50 concurrent completions of one task');
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
    faultsOn = false;
    let taskId: string | undefined;
    let outcome = 'approve';
    for (let attempt = 0; attempt < 20 && !taskId; attempt++) {
      const candidateType = transactionTypes[attempt % transactionTypes.length]!;
      const candidate = await driver.submit(tenant, candidateType, { fresh: true });
      for (let poll = 0; poll < 100 && !taskId; poll++) {
        const waits = await driver.waitsOf(candidate.id);
        taskId = waits.tasks[0]?.id;
        if (waits.tasks[0]) outcome = candidateType.tasks[waits.tasks[0].name]?.outcomes[0] ?? outcome;
        if (waits.messages.length > 0 || (await driver.getCase(tenant, candidate.id)).body?.status?.final) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
    faultsOn = true;
    const completions = taskId
      ? await Promise.all(
          Array.from({ length: 50 }, () => driver.call('POST', `/v1/tasks/${taskId}/complete`, { token: tokens[tenant]!.clerk, body: { outcome } })),
        )
      : [];
    const races: RacesSection = {
      idempotency: {
        requests: 50,
        distinctCases: ids.size,
        serverErrors: driver.serverErrors.length - errorsBefore,
        casesForApplicant: byApplicant.body?.items?.length ?? -1,
      },
      completion: {
        requests: completions.length,
        successes: completions.filter((r) => r.status === 200).length,
        conflicts: completions.filter((r) => r.status === 409).length,
        other: completions.filter((r) => r.status !== 200 && r.status !== 409).map((r) => r.status),
      },
    };
    progress(`(d) one key: ${ids.size} case(s); one task: ${races.completion.successes} success(es), ${races.completion.conflicts} × 409`);

    // (c) bad input, without faults: a 5xx here must come from the input, not from an injected fault
    faultsOn = false;
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
    const badInput: BadInputSection = { requests: samples.length, statuses, serverErrors: badErrors, itemsBefore, itemsAfter };
    return { faults, badInput, races };
  } finally {
    driver.close();
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
    const recoveredOutput = (second.output().match(/Resumed the workflows[^\n]*/) ?? ['(no open cases to resume)'])[0];
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

function findings(title: string, report: ReliabilityReport): string[] {
  const lines: string[] = [];
  for (const [name, list] of Object.entries({ lost: report.lost, 'not final': report.notFinal, duplicated: report.duplicated, 'chain not verified': report.unverified, 'not acknowledged': report.notAcknowledged })) {
    for (const finding of list.slice(0, 50)) lines.push(`- ${title}, ${name}: case ${finding.caseId || '(none)'} (${finding.type}): ${finding.why}`);
    if (list.length > 50) lines.push(`- … and ${list.length - 50} more ${name}`);
  }
  return lines;
}

const startedAt = Date.now();
const { faults, badInput, races } = await faultsBadInputAndRaces();
const crashed = await crash();
const summary = {
  lost: faults.lost.length + crashed.lost.length,
  duplicated: faults.duplicated.length + crashed.duplicated.length,
  racesFailed: (races.idempotency.distinctCases === 1 ? 0 : 1) + (races.completion.successes === 1 ? 0 : 1),
  notFinal: faults.notFinal.length + crashed.notFinal.length,
  unverified: faults.unverified.length + crashed.unverified.length,
  badInput5xx: badInput.serverErrors.length,
  badInputWrites: badInput.itemsAfter - badInput.itemsBefore,
};
const report = { ...machineAndCommit(), durationSeconds: (Date.now() - startedAt) / 1000, summary, faults, crash: crashed, badInput, races };
mkdirSync(resultsDirectory, { recursive: true });
writeFileSync(join(resultsDirectory, 'chaos-latest.json'), `${JSON.stringify(report, null, 2)}\n`);

const statusLines = (statuses: Record<string, Record<string, number>>) =>
  Object.entries(statuses).map(([type, byStatus]) => `  - ${type}: ${Object.entries(byStatus).map(([code, n]) => `${code} ${n}`).join(', ')}`);
const md = [
  '# Loket chaos report',
  '',
  `Commit ${report.commit} on ${report.machine.os}, ${report.machine.cpus} CPUs, Node ${report.machine.node}; ${report.date}; took ${report.durationSeconds.toFixed(0)} s.`,
  `Command: \`npm run chaos -- --transactions ${transactions} --crash-transactions ${crashTransactions} --malformed ${malformedCount}\``,
  '',
  '| check | result | goal |',
  '| --- | --- | --- |',
  `| (a) ${faults.transactions} transactions, ${(lambdaFaultRate * 100).toFixed(0)} % Lambda step faults (${faults.injectedLambdaFaults} of ${faults.stepInvocations} invocations), ${(dynamodbThrottleRate * 100).toFixed(0)} % DynamoDB throttling | ${faults.acknowledged} acknowledged, ${faults.lost.length} lost, ${faults.notFinal.length} not final, ${faults.duplicated.length} duplicated, ${faults.unverified.length} chains not verified, ${faults.serverErrors} × 5xx seen by clients (retried) in ${faults.seconds.toFixed(0)} s | 0 lost, 0 duplicated, all final and verified |`,
  `| (b) kill -9 under load, restart | ${crashed.acknowledgedBeforeKill} acknowledged before the kill: ${crashed.lost.length} lost, ${crashed.notFinal.length} not final after restart, ${crashed.duplicated.length} duplicated, ${crashed.unverified.length} chains not verified; restart served in ${crashed.restartSeconds.toFixed(1)} s; ${crashed.recoveredOutput} | every acknowledged case present and final or resumable |`,
  `| (c) ${badInput.requests} malformed requests | ${badInput.serverErrors.length} × 5xx; items ${badInput.itemsBefore} → ${badInput.itemsAfter}; statuses ${JSON.stringify(badInput.statuses)} | 0 × 5xx, nothing written |`,
  `| (d) 50 submissions, one Idempotency-Key | ${races.idempotency.distinctCases} case(s), ${races.idempotency.casesForApplicant} for the applicant, ${races.idempotency.serverErrors} × 5xx | one case |`,
  `| (d) 50 completions of one task | ${races.completion.successes} success(es), ${races.completion.conflicts} × 409, other ${JSON.stringify(races.completion.other)} | one success |`,
  '',
  'Final statuses under faults:',
  ...statusLines(faults.finalStatuses),
  '',
  'Final statuses after the crash:',
  ...statusLines(crashed.finalStatuses),
  '',
  '## Findings',
  '',
  ...(() => {
    const lines = [...findings('(a)', faults), ...findings('(b)', crashed), ...badInput.serverErrors.map((e) => `- (c) ${e.method} ${e.path} answered ${e.status}`)];
    return lines.length > 0 ? lines : ['None.'];
  })(),
  '',
].join('\n');
writeFileSync(join(resultsDirectory, 'chaos-latest.md'), md);
progress(`wrote ${join(resultsDirectory, 'chaos-latest.json')} and chaos-latest.md`);
console.log(`\n${md}`);
process.exit(0);
