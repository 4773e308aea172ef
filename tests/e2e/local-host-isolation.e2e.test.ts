import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { CapturedOutput } from '../support/telemetry-capture';
import { captureOutput } from '../support/telemetry-capture';
import type { TestStack } from '../support/test-stack';
import { eventually, startTestStack } from '../support/test-stack';

/*
 * The local host runs every function in this one process, invocations of different functions
 * at the same time, as Lambda Managed Instances runs concurrent invocations in one environment.
 * What one invocation puts in the shared Logger (its function, its request id) and in the
 * shared Metrics must stay its own: an operator reading the local log must not find the
 * dispatcher's lines under the name of the API function that happened to run beside it.
 */
const livesInGent = '85073003328';
const cases = 8;

let stack: TestStack;
let output: CapturedOutput;
let portal: string;
const lines: Array<Record<string, unknown>> = [];

beforeAll(async () => {
  output = captureOutput();
  try {
    stack = await startTestStack({ timeScale: 0.001, maxWaitSeconds: 0.05, logLevel: 'INFO' });
    portal = await stack.token({ tenant: '44021', roles: ['portal'], subject: 'portal@gent' });
    const submitted = await Promise.all(
      Array.from({ length: cases }, () => stack.call('POST', '/v1/cases', { token: portal, body: { type: 'proof-of-residence', applicant: { insz: livesInGent }, data: {} } })),
    );
    const ids = submitted.map((response) => response.body.id as string);
    // Reads of every case keep the API busy while the workflows, the dispatcher and the webhooks run.
    let reading = true;
    const readers = Array.from({ length: 4 }, async () => {
      while (reading) for (const id of ids) await stack.call('GET', `/v1/cases/${id}`, { token: portal });
    });
    await eventually(
      async () => ids.filter((id) => stack.events.some((event) => event.detailType === 'CaseClosed.v1' && (event.detail as { caseId?: string }).caseId === id)).length,
      (closed) => closed === cases,
      60_000,
    );
    reading = false;
    await Promise.all(readers);
  } finally {
    output.restore();
  }
  for (const piece of output.pieces.filter((piece) => piece.source === 'stdout')) {
    for (const text of piece.text.split('\n')) {
      if (!text.startsWith('{')) continue;
      const line = JSON.parse(text) as Record<string, unknown>;
      if (typeof line.function_name === 'string') lines.push(line);
    }
  }
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

describe('functions that run at the same time in the local host', () => {
  test("log under their own name: the dispatcher's lines, written while the API served reads, are the dispatcher's", () => {
    const logged = lines.filter((line) => line.message === 'Outbox item delivered');
    // Each case's start at least went through the outbox.
    expect(logged.length).toBeGreaterThanOrEqual(cases);
    expect([...new Set(logged.map((line) => line.function_name))]).toEqual(['loket-dispatch-outbox']);
  });

  test('each invocation logs under one function: no request id appears under two names', () => {
    const namesOfRequest = new Map<unknown, Set<unknown>>();
    for (const line of lines) namesOfRequest.set(line.function_request_id, (namesOfRequest.get(line.function_request_id) ?? new Set()).add(line.function_name));
    expect(lines.length).toBeGreaterThan(cases);
    expect([...namesOfRequest].filter(([, names]) => names.size > 1).map(([id, names]) => `${String(id)}: ${[...names].join(', ')}`)).toEqual([]);
  });
});
