import { describe, expect, test } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { closingNoticeInWorkflowUpTo } from '../../functions/domain/closing-notice';
import { migrationEntryState, movedCasesTakenUpTo, unknownResumePointState } from '../../functions/domain/migration';
import { caseErrors, deployedWorkflow, executionTimeoutSeconds, expandWorkflow, legalDays, loadPublishedWorkflows, loadWorkflowSources, longestWaitSeconds, maxExecutionSeconds, withMigrationEntry, workflowsDirectory } from '../../workflows/definitions';

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

/** The execution timeouts in days (issue 15): the legal deadline at its longest, plus extensions, plus the longest suspension. */
const timeoutDays: Readonly<Record<string, number>> = {
  'change-of-address': 30 + 5 + 10 + 90,
  'event-permit': 60 + 5 + 20 + 90,
  // 5 working days span at most 20 calendar days by the loader's bound; no extension, no suspension.
  'proof-of-residence': 20,
  'resident-parking-permit': 34 + 15 + 90,
  'terrace-permit': 76 + 20 + 90,
};

/** The record-status steps folded into the waiting step after them, by type (version 2, issue 14). */
const foldedSteps: Readonly<Record<string, ReadonlyArray<readonly [string, string]>>> = {
  'resident-parking-permit': [
    ['RecordAwaitingPayment', 'AwaitPayment'],
    ['RecordUnderReview', 'ReviewPermit'],
  ],
  'change-of-address': [['RecordPoliceCheck', 'PoliceCheck']],
  'terrace-permit': [
    ['RecordAwaitingDocuments', 'AwaitDocuments'],
    ['RecordInspection', 'InspectSite'],
    ['RecordAwaitingDecision', 'CollegeDecision'],
    ['RecordAwaitingPayment', 'AwaitPayment'],
  ],
};

/** The types whose working copy's closing steps publish CaseClosed.v1 with the closing (the versions after those closing-notice lists, issue 14): their workflows end where they led to PublishCaseClosed. */
const closingNoticeByStep: ReadonlySet<string> = new Set(['change-of-address', 'event-permit', 'proof-of-residence', 'resident-parking-permit', 'terrace-permit', 'tree-felling-permit']);

/**
 * Proof of residence version 2 (issue 14): the Pass that recorded the register's decision as the
 * review is folded into the Choice before it, whose rule writes it with a JSONata Output: one
 * state transition less for every straight-through case.
 */
function withRegisterDecisionInChoice(states: Json): void {
  const pass = states.RegisterConfirmsResidence;
  const rule = states.ResidesInTenant.Choices[0];
  expect(pass.ResultPath).toBe('$.review');
  const review = Object.entries<string>(pass.Result).map(([field, value]) => `'${field}': ${value.includes("'") ? `"${value}"` : `'${value}'`}`);
  states.ResidesInTenant = {
    Type: 'Choice',
    Comment: "Straight through when the population register confirms the residence: the authentic source decides, no human in the loop. The rule records that decision as the case's review, so no state of its own is needed for it.",
    QueryLanguage: 'JSONata',
    Choices: [{ Condition: `{% $states.input.register.residesInTenant = ${rule.BooleanEquals} %}`, Output: `{% $merge([$states.input, {'review': {${review.join(', ')}}}]) %}`, Next: pass.Next }],
    Default: states.ResidesInTenant.Default,
  };
  delete states.RegisterConfirmsResidence;
}

/**
 * The full ASL with the changes made on purpose since (issues 15 and 16), each written out:
 * - the execution times out (top-level TimeoutSeconds);
 * - a step's catch-all into RecordFailed catches the case errors only, keeping the error under
 *   the state's name, so that infrastructure errors fail the execution at the step, the case
 *   open; inside the Parallel branches the catch-all into a Fail state is gone (the Parallel's
 *   Catch takes the case errors);
 * - UnknownOutcome keeps its error under its own name, and RecordFailed passes the failure on;
 * - some waiting steps record their own statuses ({@link foldedSteps});
 * - some types' closing steps publish CaseClosed.v1 ({@link closingNoticeByStep}): no PublishCaseClosed;
 *   proof-of-residence's failure recorder no longer passes the execution ARN, which
 *   record-status never read.
 */
function withIntendedChanges(key: string, full: Json): Json {
  const changed = JSON.parse(JSON.stringify(full)) as Json;
  changed.TimeoutSeconds = timeoutDays[key]! * 86_400;
  for (const [name, state] of Object.entries<Json>(changed.States)) {
    for (const catcher of state.Catch ?? []) {
      if (catcher.Next === 'RecordFailed') Object.assign(catcher, { ErrorEquals: caseErrors, ResultPath: `$.failure.${name}` });
    }
    for (const branch of state.Branches ?? []) {
      for (const [inner, innerState] of Object.entries<Json>(branch.States)) {
        if (innerState.Type === 'Fail' && innerState.Error === 'AdviceFailed') delete branch.States[inner];
        if (innerState.Catch) innerState.Catch = innerState.Catch.filter((catcher: Json) => catcher.ErrorEquals[0] !== 'States.ALL');
      }
    }
  }
  if (changed.States.UnknownOutcome) changed.States.UnknownOutcome.ResultPath = '$.failure.UnknownOutcome';
  changed.States.RecordFailed.Parameters.Payload = { 'caseId.$': '$.caseId', status: 'failed', cancelOpenTasks: true, 'failure.$': '$.failure' };
  // Version 2 (issue 14): these waiting steps record the status the record-status step before them recorded.
  for (const [record, waiting] of foldedSteps[key] ?? []) {
    const { States: states } = changed;
    for (const state of Object.values<Json>(states)) {
      if (state.Next === record) state.Next = waiting;
      if (state.Default === record) state.Default = waiting;
      for (const choice of state.Choices ?? []) if (choice.Next === record) choice.Next = waiting;
    }
    states[waiting].Parameters.Payload.status = states[record].Parameters.Payload.status;
    delete states[record];
  }
  if (key === 'proof-of-residence') withRegisterDecisionInChoice(changed.States);
  // The versions after those closing-notice lists (issue 14): the closing step publishes CaseClosed.v1, and the workflow ends there.
  if (closingNoticeByStep.has(key)) {
    for (const state of Object.values<Json>(changed.States)) {
      if (state.Next !== 'PublishCaseClosed') continue;
      delete state.Next;
      state.End = true;
    }
    delete changed.States.PublishCaseClosed;
    delete changed.States.CaseClosedEventNotPublished;
  }
  return changed;
}

const keys = readdirSync(fixtures).map((file) => file.replace(/\.asl\.json$/, '')).sort();

describe('the workflows as written expand to the full ASL', () => {
  test('every shipped type has its full ASL kept as a fixture', () => {
    expect(keys).toEqual(Object.keys(timeoutDays));
    for (const key of keys) expect(loadWorkflowSources().map((source) => source.key)).toContain(key);
  });

  test.each(keys)('%s expands to its full ASL with the intended changes, and nothing else', (key) => {
    const expanded = expandWorkflow(written(key), declared(key));
    expect(differences(withIntendedChanges(key, writtenOut(key)), expanded)).toEqual([]);
    // The comparison can fail: the full ASL as it was differs where the changes are.
    expect(differences(writtenOut(key), expanded)).toEqual(expect.arrayContaining(['TimeoutSeconds', 'RecordFailed.Parameters']));
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

  describe('where a workflow leads to PublishCaseClosed', () => {
    const closing = (fields: Json = {}) => ({ Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { FunctionName: '${RecordStatusFunctionArn}', Payload: { status: 'granted' } }, ...fields });
    const ofVersion = (key: string, version: number, states: Json) => expandWorkflow({ StartAt: Object.keys(states)[0], States: states }, { ...type, key, version }).States as Json;

    test('a version published before its closing step took CaseClosed.v1 over keeps the state that publishes it', () => {
      for (const [key, version] of Object.entries(closingNoticeInWorkflowUpTo)) {
        const states = ofVersion(key, version, { Grant: closing({ Next: 'PublishCaseClosed' }) });
        expect(states.Grant.Next).toBe('PublishCaseClosed');
        expect(states.PublishCaseClosed).toMatchObject({ Type: 'Task', Resource: 'arn:aws:states:::events:putEvents', End: true });
        expect(states).toHaveProperty('CaseClosedEventNotPublished.Type', 'Fail');
      }
    });

    test('a later version, or a new type, ends there: its closing step publishes CaseClosed.v1 with the closing', () => {
      for (const [key, version] of [['resident-parking-permit', closingNoticeInWorkflowUpTo['resident-parking-permit']! + 1], ['hedge-permit', 1]] as const) {
        const states = ofVersion(key, version, { Grant: closing({ Next: 'PublishCaseClosed' }), Refuse: closing({ ResultPath: null, Next: 'PublishCaseClosed' }) });
        expect(Object.keys(states).sort()).toEqual(['CaseFailed', 'FailureNotRecorded', 'Grant', 'RecordFailed', 'Refuse']);
        expect(states.Grant).toMatchObject({ End: true });
        expect(states.Grant).not.toHaveProperty('Next');
        expect(states.Refuse).toMatchObject({ ResultPath: null, End: true });
      }
    });

    test('a Choice or a Catch that names it, which cannot end, goes to a Succeed state of that name', () => {
      const states = ofVersion('hedge-permit', 1, {
        Pick: { Type: 'Choice', Choices: [{ Variable: '$.x', IsPresent: true, Next: 'Grant' }], Default: 'PublishCaseClosed' },
        Grant: closing({ Catch: [{ ErrorEquals: ['Loket.Nothing'], Next: 'PublishCaseClosed' }], Next: 'PublishCaseClosed' }),
      });
      expect(states.PublishCaseClosed).toEqual({ Type: 'Succeed', Comment: expect.stringContaining('CaseClosed.v1') });
      expect(states.Grant).toMatchObject({ End: true });
      expect(states).not.toHaveProperty('CaseClosedEventNotPublished');
    });

    test('a PublishCaseClosed the workflow writes itself is kept as written', () => {
      const own = { Type: 'Pass', End: true };
      const states = ofVersion('hedge-permit', 1, { Grant: closing({ Next: 'PublishCaseClosed' }), PublishCaseClosed: own });
      expect([states.Grant.Next, states.PublishCaseClosed]).toEqual(['PublishCaseClosed', own]);
    });
  });

  test('adds UnknownOutcome only when a Choice leads to it', () => {
    expect(expand({ Pick: { Type: 'Choice', Choices: [], Default: 'Done' }, Done: { Type: 'Succeed' } })).not.toHaveProperty('UnknownOutcome');
    expect(expand({ Pick: { Type: 'Choice', Choices: [], Default: 'UnknownOutcome' } })).toHaveProperty('UnknownOutcome.Next', 'RecordFailed');
  });
});

describe('the execution timeout', () => {
  const day = 86_400;

  test.each(keys)('%s: the legal days at least, longer than every course its timers allow, at most a year', (key) => {
    const expanded = expandWorkflow(written(key), declared(key));
    const timeout = expanded.TimeoutSeconds as number;
    expect(timeout).toBeGreaterThanOrEqual(legalDays(declared(key))! * day);
    // A suspension stops none of the workflow's timers: every course, suspended or not, ends before the timeout.
    expect(timeout).toBeGreaterThanOrEqual(longestWaitSeconds(expanded)! + day);
    expect(timeout).toBeLessThanOrEqual(maxExecutionSeconds);
  });

  test('counts a Parallel as its longest branch and a timeout path as the wait before it', () => {
    const machine = {
      StartAt: 'Advice',
      States: {
        Advice: {
          Type: 'Parallel',
          Branches: [
            { StartAt: 'A', States: { A: { Type: 'Task', TimeoutSeconds: 5 * day, End: true } } },
            { StartAt: 'B', States: { B: { Type: 'Wait', Seconds: 9 * day, End: true } } },
          ],
          Next: 'Decide',
        },
        Decide: { Type: 'Task', TimeoutSeconds: 3 * day, Catch: [{ ErrorEquals: ['States.Timeout'], Next: 'Pay' }], Next: 'Done' },
        Pay: { Type: 'Task', TimeoutSeconds: 30 * day, Next: 'Done' },
        Done: { Type: 'Succeed' },
      },
    };
    expect(longestWaitSeconds(machine)).toBe((9 + 3 + 30) * day);
  });

  test('is a year for a workflow that can wait in a loop, and for a type whose suspension is unbounded', () => {
    const looping = { StartAt: 'Ask', States: { Ask: { Type: 'Task', TimeoutSeconds: day, Next: 'Ask' } } };
    const bounded = { legalDeadline: { days: 10, kind: 'calendar' }, suspension: { allowed: false } };
    expect(executionTimeoutSeconds(looping, bounded)).toBe(maxExecutionSeconds);
    const once = { StartAt: 'Ask', States: { Ask: { Type: 'Task', TimeoutSeconds: day, End: true } } };
    expect(executionTimeoutSeconds(once, bounded)).toBe((10 + 5) * day);
    expect(executionTimeoutSeconds(once, { ...bounded, suspension: { allowed: true } })).toBe(maxExecutionSeconds);
    expect(executionTimeoutSeconds(once, { ...bounded, suspension: { allowed: true, maxDays: 30 }, extension: { allowed: true, maxDays: 7, times: 2 } })).toBe(
      (10 + 5 + 30 + 14) * day,
    );
  });
});

describe('the entry state a version that takes moved cases begins with (a case moved by `migrate` resumes there)', () => {
  const machine = { StartAt: 'First', States: { First: { Type: 'Pass', Next: 'Second' }, Second: { Type: 'Succeed' } } };

  test('in JSONPath: no resumeAt starts at the workflow\'s start, a top-level state\'s name starts there, any other name fails', () => {
    const deployed = withMigrationEntry(machine);
    expect(deployed.StartAt).toBe(migrationEntryState);
    expect(deployed.States).toEqual({
      [migrationEntryState]: {
        Type: 'Choice',
        Comment: expect.stringContaining('every other case starts at First'),
        Choices: [
          { Not: { Variable: '$.resumeAt', IsPresent: true }, Next: 'First' },
          { Variable: '$.resumeAt', StringEquals: 'First', Next: 'First' },
          { Variable: '$.resumeAt', StringEquals: 'Second', Next: 'Second' },
        ],
        Default: unknownResumePointState,
      },
      ...machine.States,
      [unknownResumePointState]: { Type: 'Fail', Error: 'Loket.UnknownResumePoint', Cause: expect.any(String) },
    });
  });

  test('in JSONata, since a JSONata workflow takes no JSONPath state; a name with quotes stays one string', () => {
    const deployed = withMigrationEntry({ ...machine, QueryLanguage: 'JSONata', States: { ...machine.States, 'Say "hi"': { Type: 'Succeed' } } });
    expect((deployed.States as Json)[migrationEntryState].Choices).toEqual([
      { Condition: '{% $not($exists($states.input.resumeAt)) %}', Next: 'First' },
      { Condition: '{% $states.input.resumeAt = "First" %}', Next: 'First' },
      { Condition: '{% $states.input.resumeAt = "Second" %}', Next: 'Second' },
      { Condition: '{% $states.input.resumeAt = "Say \\"hi\\"" %}', Next: 'Say "hi"' },
    ]);
  });

  test('a workflow that names a state like the entry states is refused; one without states is left alone', () => {
    expect(() => withMigrationEntry({ StartAt: migrationEntryState, States: { [migrationEntryState]: { Type: 'Succeed' } } })).toThrow(`A workflow may not name a state ${migrationEntryState}`);
    expect(() => withMigrationEntry({ ...machine, States: { ...machine.States, [unknownResumePointState]: { Type: 'Succeed' } } })).toThrow(unknownResumePointState);
    expect(withMigrationEntry({ States: {} })).toEqual({ States: {} });
    // Also in a version that takes no moved cases: the next version may ask for the entry.
    const hedge = { key: 'hedge-permit', version: 1 };
    expect(() => deployedWorkflow({ ...machine, States: { ...machine.States, [migrationEntryState]: { Type: 'Succeed' } } }, hedge)).toThrow(`A workflow may not name a state ${migrationEntryState}`);
    expect(() => deployedWorkflow({ ...machine, States: { ...machine.States, [unknownResumePointState]: { Type: 'Succeed' } } }, hedge)).toThrow(unknownResumePointState);
    expect(deployedWorkflow({ States: 'none' }, hedge)).toEqual({ States: 'none' });
  });

  test('a version deploys with it when it takes moved cases: published before that was a choice, or asked for in its type.json', () => {
    const last = movedCasesTakenUpTo['resident-parking-permit']!;
    const startOf = (type: { key: string; version: number; takesMovedCases?: boolean }) => deployedWorkflow(machine, type).StartAt;
    expect(startOf({ key: 'resident-parking-permit', version: last })).toBe(migrationEntryState);
    expect(startOf({ key: 'resident-parking-permit', version: last + 1 })).toBe('First');
    expect(startOf({ key: 'resident-parking-permit', version: last + 1, takesMovedCases: true })).toBe(migrationEntryState);
    expect(deployedWorkflow(machine, { key: 'hedge-permit', version: 1 })).toEqual(machine);
  });

  test('the versions both hosts deploy: those published before it was a choice begin with it, the current ones (which do not ask) start at their own start', () => {
    for (const published of loadPublishedWorkflows()) {
      const starts = published.versions.map((version) => [version.version, (JSON.parse(version.definition) as Json).StartAt]);
      const frozen = movedCasesTakenUpTo[published.key]!;
      expect(starts.filter(([version]) => (version as number) <= frozen).map(([, start]) => start)).toEqual(Array.from({ length: frozen }, () => migrationEntryState));
      expect(starts.at(-1)![1]).not.toBe(migrationEntryState);
    }
  });
});
