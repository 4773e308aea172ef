import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { checkTransactions } from '../../bench/checks';
import { Driver, pool, tenants, tokensFor, transactionTypes } from '../../bench/transactions';
import type { Tokens } from '../../bench/transactions';
import type { TestStack } from '../support/test-stack';
import { startTestStack } from '../support/test-stack';

/** A small PRNG with a fixed seed, so that the same invocations fail on every run. */
function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const random = mulberry32(20261128);
const lambdaErrors = ['Lambda.ServiceException', 'Lambda.TooManyRequestsException'];
let injected = 0;
/** Off while the reference cases run. */
let faultsOn = false;

/** Fails a tenth of the workflows' Lambda invocations with the transient errors Lambda raises. */
function injectFault(): void {
  if (!faultsOn) return;
  if (random() >= 0.1) return;
  injected += 1;
  const error = new Error('injected transient Lambda failure');
  error.name = lambdaErrors[injected % lambdaErrors.length]!;
  throw error;
}

/**
 * How often the driver looks at a case it drives (a read through the API and two queries), from
 * 200 ms after it acted to at most every 2 s while nothing moves. The bench's default (20 to 250
 * ms) over 16 cases at once was most of the work on two cores: 4,100 reads for 50 cases took CPU
 * from the stack that moves them (faulted cases: 206 s; 1,100 reads at this pace: 87 s).
 */
const pollMs = { min: 200, max: 2000 };

let stack: TestStack;
let driver: Driver;
let tokens: Record<string, Tokens>;

beforeAll(async () => {
  stack = await startTestStack({ timeScale: 0.001, maxWaitSeconds: 1, injectFault, dynamodbThrottleRate: 0.05 });
  tokens = await tokensFor(stack.signingKey);
  driver = new Driver({ apiUrl: stack.apiUrl, dynamodbEndpoint: stack.dynamodbEndpoint, tableName: stack.tableName, tokens, pollMs });
}, 60_000);

afterAll(async () => {
  driver?.close();
  await stack?.stop();
});

// A case is stuck when nothing moves: no case of the run gets a new status or a task or message to
// act on for `idleMs`. While others move, a case waiting behind their backlog in the outbox stream
// is slow, not stuck, and is driven up to `perCaseMs`: on a machine shared with other suites the same
// cases took three times as long as alone (155 s alone, 456 s in CI, where a fixed 150 s per case
// gave up on cases that were still moving), and a per-case idle bound of 90 s gave up on cases
// queued behind the others at a load of 8 on two cores.
const idleMs = 90_000;
const perCaseMs = 420_000;

/**
 * Where each type ends under the bench driver's plan (a fresh applicant whom no register knows,
 * every task answered with its first outcome, every awaited message delivered) is what one
 * case of it does without Lambda faults, per tenant: the reference. A fault may delay a case,
 * never change where it ends, so a faulted case that ends elsewhere (or `failed`) is a finding.
 * Taken from a run rather than a list, so that a type added as a folder is covered as it is.
 */
async function referenceFinals(): Promise<Record<string, string | undefined>> {
  const pairs = transactionTypes.flatMap((type) => tenants.map((tenant) => ({ type, tenant })));
  const progress = { movedAt: Date.now() };
  const results = await pool(pairs, pairs.length, ({ type, tenant }) => driver.transact(tenant, type, { fresh: true, timeoutMs: perCaseMs, idleMs, progress }));
  return Object.fromEntries(results.map((result, index) => [`${pairs[index]!.type.key} ${pairs[index]!.tenant}`, result.final ? result.caseStatus : undefined]));
}

test('50 transactions of every type, with 10 % of Lambda steps and 5 % of DynamoDB calls failing: none lost, none duplicated, every chain verified, each ending where it ends without Lambda faults', async () => {
  const expectedFinal = await referenceFinals();
  expect(Object.entries(expectedFinal).filter(([, status]) => status === undefined || status === 'failed')).toEqual([]);
  faultsOn = true;
  const plan = Array.from({ length: 50 }, (_, i) => ({ type: transactionTypes[i % transactionTypes.length]!, tenant: tenants[i % tenants.length]! }));
  const progress = { movedAt: Date.now() };
  const results = await pool(plan, 16, ({ type, tenant }) => driver.transact(tenant, type, { fresh: true, timeoutMs: perCaseMs, idleMs, progress }));
  const report = await checkTransactions(driver, tokens, results, { freshApplicants: true });
  expect(injected).toBeGreaterThan(0);
  expect(report.notAcknowledged).toEqual([]);
  expect(report.acknowledged).toBe(50);
  expect(report.lost).toEqual([]);
  expect(report.notFinal).toEqual([]);
  expect(report.duplicated).toEqual([]);
  expect(report.unverified).toEqual([]);

  const expectedOf = (type: { key: string }, tenant: string) => expectedFinal[`${type.key} ${tenant}`];
  // Per case, as the driver saw it end; a case the driver left while it still moved is judged by
  // the counts below, which are read after the run (notFinal above holds any that never ended).
  const unexpected = results
    .filter((result) => result.final && result.caseStatus !== expectedOf(result.type, result.tenant))
    .map((result) => ({ id: result.id, tenant: result.tenant, type: result.type.key, status: result.caseStatus, expected: expectedOf(result.type, result.tenant), reason: result.reason }));
  expect(unexpected).toEqual([]);
  const expectedCounts: Record<string, Record<string, number>> = {};
  for (const { type, tenant } of plan) {
    const byStatus = (expectedCounts[type.key] ??= {});
    byStatus[expectedOf(type, tenant)!] = (byStatus[expectedOf(type, tenant)!] ?? 0) + 1;
  }
  expect(report.finalStatuses).toEqual(expectedCounts);
}, 900_000);
