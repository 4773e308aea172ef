import { describe, expect, test } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { expandWorkflow, loadWorkflowSources, workflowsDirectory } from '../../workflows/definitions';

type Json = Record<string, any>;

/**
 * The ASL each shipped workflow held, written out in full, before the loader filled in the
 * standard parts (issue 16): the reference the expansion is held to. Compared as definitions
 * rather than by running them, since equal definitions run alike on both hosts, and a
 * difference names the state and field that changed.
 */
const fixtures = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');
const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as Json;
const writtenOut = (key: string) => readJson(join(fixtures, `${key}.asl.json`));
const written = (key: string) => readJson(join(workflowsDirectory, key, 'workflow.asl.json'));
const declared = (key: string) => readJson(join(workflowsDirectory, key, 'type.json'));

/** `State.Field` for every field of every state (Parallel branches as `State/0/Inner.Field`) where two definitions differ. */
function differences(before: Json, after: Json, prefix = ''): string[] {
  const found: string[] = [];
  const top = new Set([...Object.keys(before), ...Object.keys(after)].filter((field) => field !== 'States'));
  if (prefix === '') for (const field of top) if (!isDeepStrictEqual(before[field], after[field])) found.push(field);
  const names = new Set([...Object.keys(before.States ?? {}), ...Object.keys(after.States ?? {})]);
  for (const name of names) {
    const a = before.States?.[name] as Json | undefined;
    const b = after.States?.[name] as Json | undefined;
    if (!a || !b) {
      found.push(`${prefix}${name}`);
      continue;
    }
    for (const field of new Set([...Object.keys(a), ...Object.keys(b)])) {
      if (field === 'Branches') {
        (a.Branches as Json[]).forEach((branch, index) => found.push(...differences(branch, (b.Branches as Json[])[index] ?? {}, `${prefix}${name}/${index}/`)));
      } else if (!isDeepStrictEqual(a[field], b[field])) found.push(`${prefix}${name}.${field}`);
    }
  }
  return found;
}

/**
 * What the expansion changes on purpose, per type; everything else is as the full ASL was.
 * The proof-of-residence failure recorder passed the execution ARN, which record-status never read.
 */
const intended: Readonly<Record<string, readonly string[]>> = {
  'change-of-address': [],
  'event-permit': [],
  'proof-of-residence': ['RecordFailed.Parameters'],
  'resident-parking-permit': [],
  'terrace-permit': [],
};

const keys = readdirSync(fixtures).map((file) => file.replace(/\.asl\.json$/, '')).sort();

describe('the workflows as written expand to the full ASL', () => {
  test('every shipped type has its full ASL kept as a fixture', () => {
    expect(keys).toEqual(Object.keys(intended));
    for (const key of keys) expect(loadWorkflowSources().map((source) => source.key)).toContain(key);
  });

  test.each(keys)('%s expands to its full ASL, apart from the intended changes', (key) => {
    const expanded = expandWorkflow(written(key), declared(key));
    expect(differences(writtenOut(key), expanded)).toEqual(intended[key]);
  });

  test.each(keys)('%s is loaded for both hosts in its expanded form', (key) => {
    const source = loadWorkflowSources().find((candidate) => candidate.key === key)!;
    expect(JSON.parse(source.definition)).toEqual(expandWorkflow(written(key), declared(key)));
  });

  test('the written workflows are at most half as long as the full ASL', () => {
    const lines = (text: string) => text.split('\n').length;
    const before = keys.reduce((sum, key) => sum + lines(readFileSync(join(fixtures, `${key}.asl.json`), 'utf8')), 0);
    const after = keys.reduce((sum, key) => sum + lines(readFileSync(join(workflowsDirectory, key, 'workflow.asl.json'), 'utf8')), 0);
    expect(after * 2).toBeLessThanOrEqual(before);
  });
});

describe('the expansion', () => {
  const type = { tasks: { check: { expiresAfterDays: 3 } }, messages: { paid: { expiresAfterDays: 5 } }, periods: { Cooling: { days: 2 } } };
  const callback = (fn: string, name: string) => ({
    Type: 'Task',
    Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
    Parameters: { FunctionName: `\${${fn}}`, Payload: { name, 'taskToken.$': '$$.Task.Token' } },
    Catch: [{ ErrorEquals: ['States.Timeout'], Next: 'RecordExpired' }],
    End: true,
  });
  const expand = (states: Json) => expandWorkflow({ StartAt: Object.keys(states)[0], States: states }, type).States as Json;

  test('times a task and a message out after the days type.json declares, and a Wait after its period', () => {
    const states = expand({ Check: callback('CreateTaskFunctionArn', 'check'), Paid: callback('AwaitMessageFunctionArn', 'paid'), Cooling: { Type: 'Wait', End: true } });
    expect([states.Check.TimeoutSeconds, states.Paid.TimeoutSeconds, states.Cooling.Seconds]).toEqual([3 * 86_400, 5 * 86_400, 2 * 86_400]);
  });

  test('keeps what the workflow writes itself', () => {
    const retry = [{ ErrorEquals: ['States.ALL'], MaxAttempts: 1 }];
    const states = expand({ Check: { ...callback('CreateTaskFunctionArn', 'check'), TimeoutSeconds: 60, Retry: retry }, Cooling: { Type: 'Wait', Seconds: 5, End: true } });
    expect([states.Check.TimeoutSeconds, states.Check.Retry, states.Cooling.Seconds]).toEqual([60, retry, 5]);
  });

  test('leaves a timeout undeclared when type.json declares none, for the lint to report', () => {
    expect(expand({ Check: callback('CreateTaskFunctionArn', 'unknown') }).Check).not.toHaveProperty('TimeoutSeconds');
  });

  test('adds UnknownOutcome only when a Choice leads to it', () => {
    expect(expand({ Pick: { Type: 'Choice', Choices: [], Default: 'Done' }, Done: { Type: 'Succeed' } })).not.toHaveProperty('UnknownOutcome');
    expect(expand({ Pick: { Type: 'Choice', Choices: [], Default: 'UnknownOutcome' } })).toHaveProperty('UnknownOutcome.Next', 'RecordFailed');
  });
});
