import { createHash } from 'node:crypto';
import { DescribeExecutionCommand, SFNClient } from '@aws-sdk/client-sfn';
import type { TransactionType } from '../functions/domain/transaction-type';
import { stateMachineArnOf } from '../infra/deployment';
import { localAccountId, localCredentials, localRegion } from '../infra/local/local-network';
import type { Finding } from './checks';
import { checkTransactions } from './checks';
import { progress } from './report';
import type { Driven, Driver, Submitted, Tokens } from './transactions';
import { pool, tenants, transactionTypes } from './transactions';

/*
 * One fault class of the chaos run: transactions of every type, for every tenant, with fresh
 * applicants (whom no register knows) and the types' own example applicants (whom the fixture
 * registers know, so that their cases go through tasks and messages), driven by clients while
 * the class's faults are on. The faults stop once every transaction is submitted; the run
 * then measures how long the cases take to settle (final, or flagged for an operator where
 * that is the expected end), and checks what became of each one against where the same
 * transaction ends without faults (a calibration run, `calibrate`).
 */

export type ApplicantMode = 'fresh' | 'known';

export interface PlannedTransaction {
  readonly type: TransactionType;
  readonly tenant: string;
  readonly applicant: ApplicantMode;
  /** The client withdraws the case while it waits for a task or a message (a StopExecution follows). */
  readonly withdraw: boolean;
}

/** Every type × tenant × applicant mode in turn (20 combinations with 5 types), a withdrawal every `withdrawEvery` known applicants. */
export function planTransactions(count: number, options: { readonly withdrawEvery?: number } = {}): PlannedTransaction[] {
  const types = transactionTypes.length;
  let known = 0;
  return Array.from({ length: count }, (_, i) => {
    const applicant: ApplicantMode = Math.floor(i / (types * tenants.length)) % 2 === 0 ? 'known' : 'fresh';
    if (applicant === 'known') known += 1;
    return {
      type: transactionTypes[i % types]!,
      tenant: tenants[Math.floor(i / types) % tenants.length]!,
      applicant,
      withdraw: options.withdrawEvery !== undefined && applicant === 'known' && known % options.withdrawEvery === 0,
    };
  });
}

/** Where a transaction ends without faults, and the documents its case then holds. */
export interface Expectation {
  readonly status: string;
  readonly documents: number;
}

const combination = (type: string, tenant: string, applicant: ApplicantMode) => `${type}|${tenant}|${applicant}`;

/**
 * Runs every type × tenant × applicant mode once without faults (each task answered with its
 * first outcome, as the driver does) and records where it ends: what the same transaction
 * must end as under faults. Two runs of a combination that end differently stop the bench.
 */
export async function calibrate(driver: Driver, tokens: Record<string, Tokens>): Promise<Map<string, Expectation>> {
  const combinations = transactionTypes.flatMap((type) => tenants.flatMap((tenant) => (['fresh', 'known'] as const).map((applicant) => ({ type, tenant, applicant }))));
  const expectations = new Map<string, Expectation>();
  await pool([...combinations, ...combinations], 10, async ({ type, tenant, applicant }) => {
    const result = await driver.transact(tenant, type, { fresh: applicant === 'fresh', timeoutMs: 60_000 });
    if (!result.final) throw new Error(`calibration: ${type.key} for ${tenant} (${applicant} applicant) did not end without faults: ${result.reason}`);
    const found = await driver.call('GET', `/v1/cases/${result.id}`, { token: tokens[tenant]!.portal });
    const expectation = { status: String(found.body.status.code), documents: (found.body.documents ?? []).length };
    const key = combination(type.key, tenant, applicant);
    const earlier = expectations.get(key);
    if (earlier && (earlier.status !== expectation.status || earlier.documents !== expectation.documents)) {
      throw new Error(`calibration: ${key} ended both ${JSON.stringify(earlier)} and ${JSON.stringify(expectation)} without faults`);
    }
    expectations.set(key, expectation);
  });
  return expectations;
}

/** A tenth of the case ids, by a hash of the id: the cases whose workflows a class fails on purpose. */
export function chosenCase(caseId: string, share = 0.1): boolean {
  return createHash('sha256').update(caseId).digest().readUInt32BE(0) / 2 ** 32 < share;
}

export interface FaultClass {
  /** e.g. `1` */
  readonly id: string;
  readonly title: string;
  /** Turns the class's faults on before the load; `load` tells how far it is. */
  faultsOn(load: LoadProgress): void | Promise<void>;
  /** Turns them off while the last transactions are in flight; resolves when they are off (e.g. a killed stack serves again). */
  faultsOff(): void | Promise<void>;
  /** What was injected, for the report. */
  injected(): Record<string, unknown>;
  /** The cases whose expected end is `needs-attention` (open, flagged for an operator) instead of a final status. */
  readonly expectsAttention?: (caseId: string) => boolean;
  readonly withdrawEvery?: number;
  /** Submission attempts per client (a stack that is down takes retries). @default 8 */
  readonly submitAttempts?: number;
}

/** How far a class's load is: transactions settled (final, flagged or given up) of all. */
export interface LoadProgress {
  readonly total: number;
  settled(): number;
  /** The faults stop once this many have settled. */
  readonly faultsStopAt: number;
}

export interface ClassEnvironment {
  readonly driver: Driver;
  readonly tokens: Record<string, Tokens>;
  /** The Step Functions endpoint itself (not a fault proxy), to tell a running execution from an ended or missing one. */
  readonly stepFunctionsEndpoint: string;
  readonly expectations: ReadonlyMap<string, Expectation>;
  readonly reconcilePeriodMs: number;
  /** Clients at once. @default 32 */
  readonly concurrency?: number;
}

export interface FaultClassResult {
  readonly id: string;
  readonly title: string;
  readonly transactions: number;
  readonly acknowledged: number;
  readonly notAcknowledged: Finding[];
  /** Acknowledged, then not found. */
  readonly lost: Finding[];
  /** Open, not flagged, and no execution running. */
  readonly stuck: Finding[];
  /** Open with an execution still running when the wait for convergence ended. */
  readonly notConverged: Finding[];
  /** More than one case per Idempotency-Key or fresh applicant, or more documents than the same transaction issues without faults. */
  readonly duplicated: Finding[];
  /** Ended elsewhere than the same transaction does without faults (e.g. `failed` or `expired`), or flagged although the work was done. */
  readonly wrongFinal: Finding[];
  readonly unverified: Finding[];
  /** Results that met no waiting step (audit `*.result-undeliverable`): after a timeout, or a second delivery of a result that got there. */
  readonly undeliverableResults: number;
  /** Outbox items (committed effects) still undelivered after the wait for convergence. */
  readonly undelivered: Finding[];
  /** Withdrawn by the client (each expected to end `withdrawn`). */
  readonly withdrawn: number;
  /** Expected to end flagged for an operator; how many were; how many GET /v1/operations/cases?attention=true lists. */
  readonly attention: { readonly expected: number; readonly flagged: number; readonly listed: number };
  /** From the faults stopping until every case was final or flagged; undefined: some never were. */
  readonly convergeSeconds: number | undefined;
  /**
   * From the faults stopping until the system was consistent again: no committed effect waiting
   * in the outbox, and every open case either running its workflow or flagged (what remains
   * after that is the clients' own work); undefined: not within the wait.
   */
  readonly consistentSeconds: number | undefined;
  readonly reconcilePeriodSeconds: number;
  readonly withinTwoPeriods: boolean;
  /** Cases not yet final or flagged when the faults stopped. */
  readonly openWhenFaultsStopped: number;
  readonly loadSeconds: number;
  readonly injected: Record<string, unknown>;
  readonly finalStatuses: Record<string, Record<string, number>>;
  /** 5xx answers the clients saw during the class (and retried). */
  readonly serverErrors: number;
}

interface Outcome extends Submitted, Partial<Driven> {
  readonly plan: PlannedTransaction;
  readonly withdrawnByClient: boolean;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Withdraws a case once its workflow waits for a task or a message; false when it ended first. */
async function withdrawWhileWaiting(driver: Driver, tokens: Tokens, submitted: Submitted): Promise<boolean> {
  for (let round = 0; round < 400; round++) {
    const waits = await driver.waitsOf(submitted.id).catch(() => ({ tasks: [], messages: [] }));
    if (waits.tasks.length + waits.messages.length > 0) {
      for (let attempt = 0; attempt < 10; attempt++) {
        const answer = await driver
          .call('POST', `/v1/cases/${submitted.id}/withdraw`, { token: tokens.portal, body: { reason: 'The applicant no longer needs it (chaos bench)' } })
          .catch(() => undefined);
        if (answer?.status === 200) return true;
        if (answer?.status === 409) return false;
        await sleep(200);
      }
      return false;
    }
    const current = await driver.getCase(submitted.tenant, submitted.id).catch(() => undefined);
    if (current?.body?.status?.final) return false;
    await sleep(50);
  }
  return false;
}

/** All cases of a tenant that GET /v1/operations/cases?attention=true lists, page by page. */
async function listedForOperators(driver: Driver, operatorToken: string): Promise<Set<string>> {
  const ids = new Set<string>();
  let cursor: string | undefined;
  do {
    const page = await driver.call('GET', `/v1/operations/cases?attention=true&limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { token: operatorToken });
    if (page.status !== 200) throw new Error(`GET /v1/operations/cases answered ${page.status}: ${JSON.stringify(page.body)}`);
    for (const item of page.body.items ?? []) ids.add(String(item.id));
    cursor = page.body.nextCursor;
  } while (cursor);
  return ids;
}

/**
 * Runs one fault class over `count` transactions and reports it. The faults are on while the
 * transactions are submitted and driven; when the last one is submitted they stop, and the
 * clients keep driving the open cases until each is final (or flagged, where that is its
 * expected end) or `4 × the reconciler period` (at least two minutes) has passed.
 */
export async function runFaultClass(environment: ClassEnvironment, faultClass: FaultClass, count: number): Promise<FaultClassResult> {
  const { driver, tokens, expectations } = environment;
  const plan = planTransactions(count, { withdrawEvery: faultClass.withdrawEvery });
  const waitLimitMs = Math.max(4 * environment.reconcilePeriodMs, 120_000);
  const errorsBefore = driver.serverErrors.length;
  const concurrency = environment.concurrency ?? 32;
  // The faults stop while the last transactions are still in flight: once all but these have settled.
  const inFlightAtStop = Math.max(1, Math.min(Math.ceil(concurrency / 2), Math.ceil(count / 4)));
  let settledCount = 0;
  const live = new Map<string, { tenant: string; typeKey: string; settled: boolean }>();
  let faultsOffAt: number | undefined;
  let giveUpAt = Number.POSITIVE_INFINITY;
  let faultsStopping: Promise<void> | undefined;
  const stopFaults = () =>
    (faultsStopping ??= (async () => {
      await faultClass.faultsOff();
      faultsOffAt = performance.now();
      giveUpAt = Date.now() + waitLimitMs;
      progress(`(${faultClass.id}) faults off; waiting for the open cases to settle`);
    })());

  const monitor = new SFNClient({ endpoint: environment.stepFunctionsEndpoint, region: localRegion, credentials: localCredentials, maxAttempts: 5 });
  /** Whether an unsettled case is where it should be: nothing in its outbox, and its workflow running (or it is final or flagged). */
  const inPlace = async (caseId: string, tracked: { tenant: string; typeKey: string }): Promise<boolean> => {
    if ((await driver.pendingEffectsOf(caseId)).length > 0) return false;
    const found = await driver.getCase(tracked.tenant, caseId);
    if (found.body?.status?.final || found.body?.attention) return true;
    const executionArn = `${stateMachineArnOf(tracked.typeKey, { region: localRegion, accountId: localAccountId }).replace(':stateMachine:', ':execution:')}:${caseId}`;
    const { status } = await monitor.send(new DescribeExecutionCommand({ executionArn }));
    return status === 'RUNNING';
  };
  let consistent: Promise<number | undefined> | undefined;
  /** From the faults stopping, polls the unsettled cases until all are in place; when (performance.now()), or undefined at the give-up time. */
  const watchConsistency = async (): Promise<number | undefined> => {
    while (Date.now() < giveUpAt) {
      const open = [...live.entries()].filter(([, tracked]) => !tracked.settled);
      const checks = await Promise.all(open.map(([id, tracked]) => inPlace(id, tracked).catch(() => false)));
      if (checks.every(Boolean)) return performance.now();
      await sleep(250);
    }
    return undefined;
  };

  progress(`(${faultClass.id}) ${faultClass.title}: ${count} transactions`);
  await faultClass.faultsOn({ total: plan.length, settled: () => settledCount, faultsStopAt: plan.length - inFlightAtStop });
  const started = performance.now();
  const outcomes = await pool(
    plan,
    environment.concurrency ?? 32,
    async (planned): Promise<Outcome> => {
      const submitted = await driver.submit(planned.tenant, planned.type, { fresh: planned.applicant === 'fresh', attempts: faultClass.submitAttempts ?? 8 });
      if (submitted.status !== 201) return { ...submitted, plan: planned, withdrawnByClient: false };
      const tracked = { tenant: planned.tenant, typeKey: planned.type.key, settled: false };
      live.set(submitted.id, tracked);
      const withdrawnByClient = planned.withdraw ? await withdrawWhileWaiting(driver, tokens[planned.tenant]!, submitted) : false;
      const driven = await driver.driveToFinal(submitted, 0, { deadline: () => giveUpAt, stopOnAttention: true });
      tracked.settled = driven.settledAt !== undefined;
      return { ...submitted, ...driven, plan: planned, withdrawnByClient };
    },
    (done) => {
      settledCount = done;
      if (settledCount >= plan.length - inFlightAtStop) void stopFaults().then(() => (consistent ??= watchConsistency()));
      if (done % 100 === 0 || done === plan.length) progress(`(${faultClass.id}) ${done}/${plan.length} settled or given up`);
    },
  );
  await stopFaults();
  const consistentAt = await (consistent ??= watchConsistency());
  const loadSeconds = (performance.now() - started) / 1000;
  const offAt = faultsOffAt!;
  const acknowledgedOutcomes = outcomes.filter((outcome) => outcome.status === 201);
  const unsettled = acknowledgedOutcomes.filter((outcome) => outcome.settledAt === undefined);
  const settledLast = Math.max(offAt, ...acknowledgedOutcomes.map((outcome) => outcome.settledAt ?? offAt));
  const convergeSeconds = unsettled.length > 0 ? undefined : (settledLast - offAt) / 1000;
  const consistentSeconds = consistentAt === undefined ? undefined : Math.max(0, consistentAt - offAt) / 1000;
  const openWhenFaultsStopped = acknowledgedOutcomes.filter((outcome) => outcome.settledAt === undefined || outcome.settledAt > offAt).length;

  progress(`(${faultClass.id}) checking: present, where each ended, one case per key and applicant, documents, chains`);
  const checked = await checkTransactions(driver, tokens, outcomes, { freshApplicants: (result) => (result as Outcome).plan.applicant === 'fresh' });
  const stuck: Finding[] = [];
  const undelivered: Finding[] = [];
  const notConverged: Finding[] = [];
  const duplicated: Finding[] = [...checked.duplicated];
  const wrongFinal: Finding[] = [];
  const finalStatuses: Record<string, Record<string, number>> = {};
  const attention = { expected: 0, flagged: 0, listed: 0 };
  const flaggedByTenant = new Map<string, string[]>();
  const sfn = new SFNClient({ endpoint: environment.stepFunctionsEndpoint, region: localRegion, credentials: localCredentials, maxAttempts: 5 });
  const lostIds = new Set(checked.lost.map((finding) => finding.caseId));
  try {
    await pool(acknowledgedOutcomes, 16, async (outcome) => {
      if (lostIds.has(outcome.id)) return;
      const type = outcome.type.key;
      for (const item of await driver.pendingEffectsOf(outcome.id)) {
        undelivered.push({ caseId: outcome.id, type, why: `outbox item ${item.id} (${item.kind}, committed ${item.createdAt}) not delivered` });
      }
      const expectsAttention = faultClass.expectsAttention?.(outcome.id) ?? false;
      if (expectsAttention) attention.expected += 1;
      const expected = outcome.withdrawnByClient
        ? { status: 'withdrawn', documents: 0 }
        : expectations.get(combination(type, outcome.tenant, outcome.plan.applicant));
      const found = await driver.call('GET', `/v1/cases/${outcome.id}`, { token: tokens[outcome.tenant]!.portal });
      const current = found.body;
      const finding = (why: string): Finding => ({ caseId: outcome.id, type, why });
      if (current.status?.final) {
        const code = String(current.status.code);
        const byStatus = (finalStatuses[type] ??= {});
        byStatus[code] = (byStatus[code] ?? 0) + 1;
        if (expectsAttention) wrongFinal.push(finding(`ended '${code}', expected open and flagged for an operator (the failure recorder failed)`));
        else if (expected && code !== expected.status) {
          // The audit trail says why: the error a failure was recorded with, the last events before the end.
          const history = await driver.call('GET', `/v1/cases/${outcome.id}/history`, { token: tokens[outcome.tenant]!.operator });
          const events: Array<{ action?: string; details?: Record<string, unknown> }> = history.body?.items ?? [];
          const trail = events.slice(-6).map((event) => `${event.action}${event.details?.error ? ` (${String(event.details.error)})` : ''}`);
          wrongFinal.push(finding(`ended '${code}', expected '${expected.status}' (${outcome.plan.applicant} applicant, tenant ${outcome.tenant}); last events: ${trail.join(' → ')}`));
        }
        const documents = (current.documents ?? []).length;
        if (expected && !expectsAttention && code === expected.status && documents > expected.documents) {
          duplicated.push(finding(`${documents} documents, ${expected.documents} without faults`));
        }
        return;
      }
      if (current.attention) {
        if (expectsAttention) {
          attention.flagged += 1;
          flaggedByTenant.set(outcome.tenant, [...(flaggedByTenant.get(outcome.tenant) ?? []), outcome.id]);
        } else wrongFinal.push(finding(`open and flagged '${current.attention.reason}', expected '${expected?.status}': the work was done`));
        return;
      }
      const executionArn = `${stateMachineArnOf(type, { region: localRegion, accountId: localAccountId }).replace(':stateMachine:', ':execution:')}:${outcome.id}`;
      const execution = await sfn.send(new DescribeExecutionCommand({ executionArn })).then(
        (answer) => String(answer.status),
        (error: Error) => (error.name === 'ExecutionDoesNotExist' ? 'missing' : `unknown (${error.name})`),
      );
      if (execution === 'RUNNING') notConverged.push(finding(`still '${current.status?.code}' with its execution running`));
      else stuck.push(finding(`open '${current.status?.code}', not flagged, execution ${execution}`));
    });
    for (const [tenant, flagged] of flaggedByTenant) {
      const listed = await listedForOperators(driver, tokens[tenant]!.operator);
      attention.listed += flagged.filter((id) => listed.has(id)).length;
    }
  } finally {
    sfn.destroy();
    monitor.destroy();
  }

  const withinTwoPeriods = convergeSeconds !== undefined && convergeSeconds * 1000 <= 2 * environment.reconcilePeriodMs;
  const result: FaultClassResult = {
    id: faultClass.id,
    title: faultClass.title,
    transactions: plan.length,
    acknowledged: checked.acknowledged,
    notAcknowledged: checked.notAcknowledged,
    lost: checked.lost,
    stuck,
    notConverged,
    duplicated,
    wrongFinal,
    unverified: checked.unverified,
    undeliverableResults: checked.undeliverableResults,
    undelivered,
    withdrawn: outcomes.filter((outcome) => outcome.withdrawnByClient).length,
    attention,
    convergeSeconds,
    consistentSeconds,
    reconcilePeriodSeconds: environment.reconcilePeriodMs / 1000,
    withinTwoPeriods,
    openWhenFaultsStopped,
    loadSeconds,
    injected: faultClass.injected(),
    finalStatuses,
    serverErrors: driver.serverErrors.length - errorsBefore,
  };
  progress(
    `(${faultClass.id}) ${result.acknowledged}/${result.transactions} acknowledged: ${result.lost.length} lost, ${stuck.length} stuck, ${notConverged.length} not converged, ` +
      `${duplicated.length} duplicated, ${wrongFinal.length} wrong final; converged ${convergeSeconds === undefined ? 'never' : `in ${convergeSeconds.toFixed(1)} s`} (period ${result.reconcilePeriodSeconds} s)`,
  );
  return result;
}

/** A markdown table of the fault classes, one row each. */
export function faultClassTable(results: readonly FaultClassResult[]): string[] {
  const seconds = (value: number | undefined) => (value === undefined ? 'never' : `${value.toFixed(1)} s`);
  return [
    '| fault class | transactions | lost | effects undelivered | stuck | duplicated | wrong final status | needs attention (expected → flagged, listed) | open when faults stopped | consistent after | all final or flagged after | reconciler period | within 2 periods |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...results.map(
      (r) =>
        `| (${r.id}) ${r.title} | ${r.transactions} (${r.acknowledged} acknowledged${r.withdrawn ? `, ${r.withdrawn} withdrawn` : ''}) | ${r.lost.length} | ${r.undelivered.length} | ${r.stuck.length} | ${r.duplicated.length} | ${r.wrongFinal.length} | ${r.attention.expected ? `${r.attention.expected} → ${r.attention.flagged}, ${r.attention.listed}` : '–'} | ${r.openWhenFaultsStopped} | ${seconds(r.consistentSeconds)} | ${seconds(r.convergeSeconds)}${r.notConverged.length ? ` (${r.notConverged.length} still running)` : ''} | ${r.reconcilePeriodSeconds} s | ${r.withinTwoPeriods ? 'yes' : '**no**'} |`,
    ),
  ];
}

/** One table per fault class, a row per type: where its transactions ended, and what went wrong with them. */
export function faultClassTypeTables(results: readonly FaultClassResult[]): string[] {
  const lines: string[] = [];
  for (const r of results) {
    const plan = planTransactions(r.transactions);
    const count = (list: readonly Finding[], type: string) => list.filter((finding) => finding.type === type).length;
    lines.push(
      `### (${r.id}) ${r.title}`,
      '',
      '| type | transactions | final statuses | flagged for an operator | lost | effects undelivered | stuck | still running | duplicated | wrong final status |',
      '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    );
    for (const type of transactionTypes.map((t) => t.key)) {
      const statuses = Object.entries(r.finalStatuses[type] ?? {})
        .map(([code, n]) => `${code} ${n}`)
        .join(', ');
      const planned = plan.filter((item) => item.type.key === type).length;
      const final = Object.values(r.finalStatuses[type] ?? {}).reduce((sum, n) => sum + n, 0);
      // What is neither final nor accounted for otherwise was open and flagged when checked.
      const flagged = planned - final - count(r.notAcknowledged, type) - count(r.lost, type) - count(r.stuck, type) - count(r.notConverged, type);
      lines.push(
        `| ${type} | ${planned} | ${statuses || '–'} | ${flagged} | ${count(r.lost, type)} | ${count(r.undelivered, type)} | ${count(r.stuck, type)} | ${count(r.notConverged, type)} | ${count(r.duplicated, type)} | ${count(r.wrongFinal, type)} |`,
      );
    }
    lines.push('');
  }
  return lines;
}

/** The findings of the fault classes, at most 30 per kind and class. */
export function faultClassFindings(results: readonly FaultClassResult[]): string[] {
  const lines: string[] = [];
  for (const r of results) {
    const kinds = { 'not acknowledged': r.notAcknowledged, lost: r.lost, 'effect undelivered': r.undelivered, stuck: r.stuck, 'not converged': r.notConverged, duplicated: r.duplicated, 'wrong final status': r.wrongFinal, 'chain not verified': r.unverified };
    for (const [kind, list] of Object.entries(kinds)) {
      for (const finding of list.slice(0, 30)) lines.push(`- (${r.id}) ${kind}: case ${finding.caseId || '(none)'} (${finding.type}): ${finding.why}`);
      if (list.length > 30) lines.push(`- (${r.id}) … and ${list.length - 30} more ${kind}`);
    }
  }
  return lines;
}
