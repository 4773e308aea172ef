import { afterAll, expect, test } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkTransactions } from '../../bench/checks';
import type { LocalProcess } from '../../bench/local-process';
import { spawnLocalStack } from '../../bench/local-process';
import { Driver, tokensFor, transactionTypes } from '../../bench/transactions';
import type { Submitted } from '../../bench/transactions';
import { loadOrCreateDevSigningKey } from '../../infra/local/dev-keys';
import type { LocalStack } from '../../infra/local/local-stack';
import { startLocalStack } from '../../infra/local/local-stack';

/*
 * The local Step Functions engine keeps executions in memory. After `npm start` is killed
 * with kill -9 (the whole process group, DynamoDB Local's JVM included), a new start on
 * the same state directory finds the open cases and starts their workflows again, and
 * the cases can be worked to a final status.
 */
const stateDirectory = mkdtempSync(join(tmpdir(), 'loket-crash-'));
let crashed: LocalProcess | undefined;
let restarted: LocalStack | undefined;
const drivers: Driver[] = [];

afterAll(async () => {
  for (const driver of drivers) driver.close();
  await crashed?.kill9();
  await restarted?.stop();
  rmSync(stateDirectory, { recursive: true, force: true });
});

test('cases waiting on a clerk or a message when the stack is killed resume after a restart and reach a final status', async () => {
  const signingKey = await loadOrCreateDevSigningKey(join(stateDirectory, 'dev-signing-key.json'));
  const tokens = await tokensFor(signingKey);
  crashed = await spawnLocalStack({ stateDirectory, env: { LOKET_MAX_WAIT_SECONDS: '1' } });
  await crashed.ready;
  const before = new Driver({ apiUrl: crashed.apiUrl, dynamodbEndpoint: crashed.dynamodbEndpoint, tableName: 'loket', tokens });
  drivers.push(before);

  // A fresh applicant is unknown to the register: every type then stops at a clerk's task or a message.
  const submitted: Submitted[] = [];
  for (const type of transactionTypes) {
    const submission = await before.submit('44021', type, { fresh: true });
    expect(submission.status).toBe(201);
    submitted.push(submission);
  }
  for (const submission of submitted) {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const waits = await before.waitsOf(submission.id);
      const current = await before.getCase('44021', submission.id);
      if (waits.tasks.length + waits.messages.length > 0 || current.body?.status?.final) break;
      if (Date.now() > deadline) throw new Error(`case ${submission.id} of ${submission.type.key} never waited: ${JSON.stringify(current.body?.status)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  await crashed.kill9();
  crashed = undefined;

  restarted = await startLocalStack({ ports: { api: 0, stepFunctions: 0, dynamodb: 0 }, stateDirectory, signingKey, timeScale: 0.01, maxWaitSeconds: 1, log: () => undefined });
  const after = new Driver({ apiUrl: restarted.apiUrl, dynamodbEndpoint: restarted.dynamodbEndpoint, tableName: restarted.tableName, tokens });
  drivers.push(after);
  const driven = await Promise.all(submitted.map(async (submission) => ({ ...submission, ...(await after.driveToFinal(submission, 30_000)) })));
  const report = await checkTransactions(after, tokens, driven, { freshApplicants: true });
  expect(report.lost).toEqual([]);
  expect(report.notFinal).toEqual([]);
  expect(report.duplicated).toEqual([]);
  expect(report.unverified).toEqual([]);
  expect(after.serverErrors).toEqual([]);
}, 120_000);
