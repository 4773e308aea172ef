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

/** Fails a tenth of the workflows' Lambda invocations with the transient errors Lambda raises. */
function injectFault(): void {
  if (random() >= 0.1) return;
  injected += 1;
  const error = new Error('injected transient Lambda failure');
  error.name = lambdaErrors[injected % lambdaErrors.length]!;
  throw error;
}

/**
 * Where each type must end under the bench driver's plan: a fresh applicant whom no register
 * knows, every task answered with its first outcome, every awaited message delivered. Read
 * off each workflow (and its scenarios in tests/workflows); a fault may delay a case, never
 * change where it ends, so a case that ends `failed` is a finding.
 */
const expectedFinal: Readonly<Record<string, string>> = {
  // Not in the population register, so not shown to live here: a clerk verifies and approves.
  'proof-of-residence': 'issued',
  // Not in the population register: rejected at once (RecordUnknownPerson).
  'change-of-address': 'rejected',
  // Three advices of no objection, the board grants, the objection period passes.
  'event-permit': 'granted',
  // Does not live in the municipality: rejected without a task (RecordNotResident).
  'resident-parking-permit': 'rejected',
  // An enterprise the register does not know is not active: refused at once (RecordInactiveEnterprise).
  'terrace-permit': 'refused',
};

let stack: TestStack;
let driver: Driver;
let tokens: Record<string, Tokens>;

beforeAll(async () => {
  stack = await startTestStack({ timeScale: 0.001, maxWaitSeconds: 1, injectFault, dynamodbThrottleRate: 0.05 });
  tokens = await tokensFor(stack.signingKey);
  driver = new Driver({ apiUrl: stack.apiUrl, dynamodbEndpoint: stack.dynamodbEndpoint, tableName: stack.tableName, tokens });
}, 60_000);

afterAll(async () => {
  driver?.close();
  await stack?.stop();
});

// How long one case may take to reach its final status. Generous on purpose: a case stuck for good
// fails this just as it would fail a tighter bound, and on a machine shared with other suites an
// event permit (the longest workflow, with retries on injected faults) took over a minute.
const perCaseMs = 150_000;

test('50 transactions of every type, with 10 % of Lambda steps and 5 % of DynamoDB calls failing: none lost, none duplicated, every chain verified', async () => {
  const plan = Array.from({ length: 50 }, (_, i) => ({ type: transactionTypes[i % transactionTypes.length]!, tenant: tenants[i % tenants.length]! }));
  const results = await pool(plan, 16, ({ type, tenant }) => driver.transact(tenant, type, { fresh: true, timeoutMs: perCaseMs }));
  const report = await checkTransactions(driver, tokens, results, { freshApplicants: true });
  expect(injected).toBeGreaterThan(0);
  expect(report.notAcknowledged).toEqual([]);
  expect(report.acknowledged).toBe(50);
  expect(report.lost).toEqual([]);
  expect(report.notFinal).toEqual([]);
  expect(report.duplicated).toEqual([]);
  expect(report.unverified).toEqual([]);

  expect(Object.keys(expectedFinal).sort()).toEqual(transactionTypes.map((type) => type.key).sort());
  const unexpected = results
    .filter((result) => result.caseStatus !== expectedFinal[result.type.key])
    .map((result) => ({ id: result.id, tenant: result.tenant, type: result.type.key, status: result.caseStatus, expected: expectedFinal[result.type.key], reason: result.reason }));
  expect(unexpected).toEqual([]);
  const expectedCounts: Record<string, Record<string, number>> = {};
  for (const { type } of plan) {
    const byStatus = (expectedCounts[type.key] ??= {});
    byStatus[expectedFinal[type.key]!] = (byStatus[expectedFinal[type.key]!] ?? 0) + 1;
  }
  expect(report.finalStatuses).toEqual(expectedCounts);
}, 480_000);
