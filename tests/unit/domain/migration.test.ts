import { describe, expect, test } from '@jest/globals';
import { nextExecutionName } from '../../../functions/domain/case';
import { beginsWithMigrationEntry, checkStateMap, migrationEntryState, movedCasesTakenUpTo, moveCase, takesMovedCases, topLevelStatesOf, unknownResumePointState, whyNotMoved } from '../../../functions/domain/migration';
import type { Case } from '../../../functions/domain/case';

const task = (name: unknown, call: 'Parameters' | 'Arguments' = 'Parameters', resource = 'arn:aws:states:::lambda:invoke.waitForTaskToken') => ({
  Type: 'Task',
  Resource: resource,
  [call]: { FunctionName: 'x', Payload: { name, caseId: 'c' } },
  Next: 'End',
});

describe('which versions take moved cases', () => {
  test('a version published while every version had the entry state takes them; a later one only when its type.json asks', () => {
    const last = movedCasesTakenUpTo['resident-parking-permit']!;
    expect(takesMovedCases({ key: 'resident-parking-permit', version: last })).toBe(true);
    expect(takesMovedCases({ key: 'resident-parking-permit', version: 1 })).toBe(true);
    expect(takesMovedCases({ key: 'resident-parking-permit', version: last, takesMovedCases: false })).toBe(true);
    expect(takesMovedCases({ key: 'resident-parking-permit', version: last + 1 })).toBe(false);
    expect(takesMovedCases({ key: 'resident-parking-permit', version: last + 1, takesMovedCases: false })).toBe(false);
    expect(takesMovedCases({ key: 'resident-parking-permit', version: last + 1, takesMovedCases: true })).toBe(true);
  });

  test('a type published since takes them only when its type.json asks', () => {
    expect(takesMovedCases({ key: 'hedge-permit', version: 1 })).toBe(false);
    expect(takesMovedCases({ key: 'hedge-permit', version: 1, takesMovedCases: true })).toBe(true);
  });

  test('a deployed definition takes them when it begins with the entry state', () => {
    expect(beginsWithMigrationEntry({ StartAt: migrationEntryState, States: {} })).toBe(true);
    expect(beginsWithMigrationEntry({ StartAt: 'LookUpApplicant', States: { [migrationEntryState]: { Type: 'Choice' } } })).toBe(false);
    expect(beginsWithMigrationEntry(undefined)).toBe(false);
    expect(beginsWithMigrationEntry([migrationEntryState])).toBe(false);
  });
});

describe('the states a case can be moved from and to', () => {
  test('the top-level states of a deployed definition, without the entry states, each with the task or message it waits on', () => {
    const definition = {
      StartAt: migrationEntryState,
      States: {
        [migrationEntryState]: { Type: 'Choice' },
        Review: task('verify-residence'),
        AwaitPayment: task('payment-received', 'Arguments'),
        Record: task('not-waiting', 'Parameters', 'arn:aws:states:::lambda:invoke'),
        Computed: task({ 'name.$': '$.task' }),
        NoCall: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken', Next: 'End' },
        NoPayload: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken', Parameters: { FunctionName: 'x' }, Next: 'End' },
        Both: { Type: 'Parallel', Branches: [{ StartAt: 'Inner', States: { Inner: task('inner') } }] },
        End: { Type: 'Succeed' },
        [unknownResumePointState]: { Type: 'Fail' },
      },
    };
    expect(topLevelStatesOf(definition)).toStrictEqual([
      { name: 'Review', waitsOn: 'verify-residence' },
      { name: 'AwaitPayment', waitsOn: 'payment-received' },
      { name: 'Record' },
      { name: 'Computed' },
      { name: 'NoCall' },
      { name: 'NoPayload' },
      { name: 'Both' },
      { name: 'End' },
    ]);
  });

  test.each([undefined, null, 'text', [], { States: [] }, { States: 'x' }])('a definition without states has none: %j', (definition) => {
    expect(topLevelStatesOf(definition)).toStrictEqual([]);
  });

  test('a map must name states both versions have, and at least one', () => {
    const from = [{ name: 'A' }, { name: 'B' }];
    const to = [{ name: 'A' }, { name: 'C' }];
    expect(() => checkStateMap({ A: 'A', B: 'C' }, from, to)).not.toThrow();
    const refused = (map: Record<string, string>) => {
      try {
        checkStateMap(map, from, to);
      } catch (error) {
        return { message: (error as Error).message, errors: (error as { errors: unknown }).errors, kind: (error as { kind: unknown }).kind };
      }
      throw new Error('not refused');
    };
    expect(refused({ X: 'C', B: 'B' })).toEqual({
      kind: 'validation',
      message: 'the state map does not fit the two versions',
      errors: [
        { path: 'X', message: "the version cases leave has no top-level state 'X'" },
        { path: 'B', message: "the version cases go to has no top-level state 'B'" },
      ],
    });
    expect(refused({}).errors).toEqual([{ path: 'map', message: 'map at least one state: OldState=NewState' }]);
  });
});

describe('a case that may move', () => {
  const from = { typeVersion: 1, versionArn: 'arn:m:1' };
  const subject = { id: 'C1', executionArn: 'arn:e:C1', workflowVersionArn: 'arn:m:1' } as Case;
  test('is open, runs the execution found and records the version it leaves; the first reason that fails is given', () => {
    expect(whyNotMoved(subject, { from, executionArn: 'arn:e:C1' }, false)).toBeUndefined();
    expect(whyNotMoved(subject, { from, executionArn: 'arn:e:C1' }, true)).toBe('it closed meanwhile');
    expect(whyNotMoved(subject, { from, executionArn: 'arn:e:C1-2' }, false)).toBe('it runs another execution');
    expect(whyNotMoved(subject, { from: { ...from, versionArn: 'arn:m:2' }, executionArn: 'arn:e:C1' }, false)).toBe('it does not record the version it is to leave');
  });

  test.each([
    ['arn:e:01JD', '01JD-2'],
    ['arn:e:01JD-2', '01JD-3'],
    ['arn:e:01JD-19', '01JD-20'],
    ['arn:e:01JD-x', '01JD-2'],
  ])('its next execution after %s is named %s', (executionArn, next) => {
    expect(nextExecutionName({ id: '01JD', executionArn })).toBe(next);
  });

  test('a case id that ends in digits after a dash is not taken for a restart', () => {
    expect(nextExecutionName({ id: 'case-7', executionArn: 'arn:e:case-7' })).toBe('case-7-2');
  });
});

describe('moving a case to another version', () => {
  test('records the new version and the next execution, audited with both versions, states and executions', () => {
    const subject = { id: 'C1', type: { key: 'event-permit', version: 1 }, executionArn: 'arn:e:C1', workflowVersionArn: 'arn:m:1', updatedAt: '2026-11-01T00:00:00.000Z' } as Case;
    const actor = { kind: 'system', component: 'migrate-cases' } as const;
    const now = new Date('2026-12-01T10:00:00Z');
    const moved = moveCase(subject, {
      from: { typeVersion: 1, versionArn: 'arn:m:1' },
      to: { typeVersion: 2, versionArn: 'arn:m:2' },
      fromState: 'AwaitPayment',
      toState: 'AwaitFee',
      executionArn: 'arn:e:C1',
      actor,
      now,
      executionArnOf: (name) => `arn:e:${name}`,
    });
    expect(moved.case).toEqual({ ...subject, type: { key: 'event-permit', version: 2 }, workflowVersionArn: 'arn:m:2', executionArn: 'arn:e:C1-2', updatedAt: now.toISOString() });
    expect(moved.audit).toEqual({
      action: 'workflow.migrated',
      actor,
      at: now.toISOString(),
      details: { fromVersion: 1, toVersion: 2, fromState: 'AwaitPayment', toState: 'AwaitFee', previousExecution: 'C1', execution: 'C1-2' },
    });
  });
});
