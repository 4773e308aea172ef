import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { GetExecutionHistoryCommand } from '@aws-sdk/client-sfn';
import { startLocalStepFunctions, type LocalStepFunctions } from './local-stepfunctions.fixture';

/**
 * Long enough that a wait shorter than the cap (0 s) stays well below it on a loaded machine, where
 * a timer may fire hundreds of milliseconds late (a capped wait then also ends late, far below the hour).
 */
const MAX_WAIT_SECONDS = 2;
/** A capped wait ends within this: far below the hour it asked for, whatever the machine's load adds to the cap. */
const CAPPED_WITHIN_MS = 30_000;
let env: LocalStepFunctions;

beforeAll(async () => {
  env = await startLocalStepFunctions(1, { maxWaitSeconds: MAX_WAIT_SECONDS });
});

afterAll(async () => {
  await env.close();
});

/**
 * Runs a one-Wait machine and measures the wait as the engine recorded it: from WaitStateEntered
 * to WaitStateExited in the execution's history. The gap between those two events is the Wait's
 * own length, which the machine's load barely touches; the time until a poll sees the end
 * would add whatever the machine is busy with.
 */
async function runTimed(name: string, waitFields: Record<string, unknown>, input: unknown) {
  const arn = await env.createMachine(name, {
    StartAt: 'Pause',
    States: { Pause: { Type: 'Wait', ...waitFields, OutputPath: '$.keep', End: true } },
  });
  const executionArn = await env.start(arn, input);
  const described = await env.waitUntilDone(executionArn);
  const { events = [] } = await env.sfn.send(new GetExecutionHistoryCommand({ executionArn }));
  const at = (type: string) => events.find((event) => event.type === type)?.timestamp?.getTime() ?? Number.NaN;
  return { described, waitedMs: at('WaitStateExited') - at('WaitStateEntered'), types: events.map((event) => event.type) };
}

const anHourFromNow = () => new Date(Date.now() + 3_600_000).toISOString();

describe('maxWaitSeconds caps every Wait state', () => {
  test('a Wait of 3600 s finishes at the cap, far below its hour and passes its input on', async () => {
    const { described, waitedMs, types } = await runTimed('capped-seconds', { Seconds: 3600 }, { keep: { caseId: 'c-1' } });
    expect(described.status).toBe('SUCCEEDED');
    expect(JSON.parse(described.output!)).toEqual({ caseId: 'c-1' });
    expect(waitedMs).toBeGreaterThanOrEqual(MAX_WAIT_SECONDS * 1000 - 20);
    expect(waitedMs).toBeLessThan(CAPPED_WITHIN_MS);
    expect(types).toEqual(['ExecutionStarted', 'WaitStateEntered', 'WaitStateExited', 'ExecutionSucceeded']);
  });

  test.each([
    ['SecondsPath', { SecondsPath: '$.delay' }, () => ({ delay: 3600, keep: 1 })],
    ['Timestamp', { Timestamp: '2999-01-01T00:00:00Z' }, () => ({ keep: 1 })],
    ['TimestampPath', { TimestampPath: '$.until' }, () => ({ until: anHourFromNow(), keep: 1 })],
  ] as const)('a %s wait an hour or more away finishes at the cap, far below its hour', async (kind, fields, input) => {
    const { described, waitedMs } = await runTimed(`capped-${kind.toLowerCase()}`, fields, input());
    expect(described.status).toBe('SUCCEEDED');
    expect(described.output).toBe('1');
    expect(waitedMs).toBeGreaterThanOrEqual(MAX_WAIT_SECONDS * 1000 - 20);
    expect(waitedMs).toBeLessThan(CAPPED_WITHIN_MS);
  });

  test('a wait shorter than the cap keeps its own length', async () => {
    const { described, waitedMs } = await runTimed('short-path', { SecondsPath: '$.delay' }, { delay: 0, keep: 'now' });
    expect(described.status).toBe('SUCCEEDED');
    expect(waitedMs).toBeLessThan(MAX_WAIT_SECONDS * 1000);
  });

  test('a SecondsPath that is not a non-negative integer fails the execution with States.Runtime', async () => {
    const { described } = await runTimed('bad-path', { SecondsPath: '$.delay' }, { delay: 'soon', keep: 1 });
    expect(described).toMatchObject({ status: 'FAILED', error: 'States.Runtime' });
  });
});
