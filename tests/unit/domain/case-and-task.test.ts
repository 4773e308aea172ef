import { describe, expect, test } from '@jest/globals';
import type { Case } from '../../../functions/domain/case';
import { caseNumber, extend, isClosed, openCase, transition } from '../../../functions/domain/case';
import { DomainError } from '../../../functions/domain/errors';
import { completeTask, isRepeatedCompletion, openTask } from '../../../functions/domain/task';
import { catalogue } from '../../../functions/catalogue/catalogue';

const type = catalogue.find('proof-of-residence')!;
const portal = { kind: 'user', subject: 'portal@gent', tenant: '44021', roles: ['portal'] } as const;
const clerk = { kind: 'user', subject: 'clerk@gent', tenant: '44021', roles: ['clerk'] } as const;
const now = new Date('2026-11-28T10:00:00Z');

function aCase(): Case {
  return openCase({
    id: '01JDZ0000000000000000000AA',
    number: caseNumber('44021', 2026, 123),
    tenant: '44021',
    type,
    applicant: { insz: '85073003328' },
    data: {},
    dueAt: new Date('2026-12-05T22:59:59.999Z'),
    executionArn: 'arn:aws:states:eu-west-1:000000000000:execution:loket-proof-of-residence:x',
    actor: portal,
    now,
  }).case;
}

const kindOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return error instanceof DomainError ? error.kind : 'other';
  }
  return 'none';
};

describe('a case', () => {
  test('is numbered per tenant and year with six digits', () => {
    expect(caseNumber('44021', 2026, 123)).toBe('44021-2026-000123');
  });

  test('opens in the first status with its submission in the history', () => {
    const opened = aCase();
    expect(opened.status).toBe('submitted');
    expect(opened.statusHistory).toEqual([{ status: 'submitted', at: now.toISOString(), by: 'portal@gent' }]);
    expect(opened.version).toBe(0);
  });

  test('moves to a declared status and records the decision', () => {
    const moved = transition(aCase(), type, {
      status: 'rejected',
      actor: { kind: 'system', component: 'record-status' },
      now,
      decision: { outcome: 'rejected', decidedBy: 'clerk@gent' },
    });
    expect(moved.case.status).toBe('rejected');
    expect(moved.case.decision).toEqual({ outcome: 'rejected', decidedBy: 'clerk@gent', decidedAt: now.toISOString() });
    expect(moved.audit.details).toMatchObject({ from: 'submitted', to: 'rejected' });
    expect(isClosed(moved.case, type)).toBe(true);
  });

  test('refuses an undeclared status and any move once closed', () => {
    const system = { kind: 'system', component: 't' } as const;
    expect(kindOf(() => transition(aCase(), type, { status: 'teleported', actor: system, now }))).toBe('conflict');
    const closed = transition(aCase(), type, { status: 'issued', actor: system, now }).case;
    expect(kindOf(() => transition(closed, type, { status: 'rejected', actor: system, now }))).toBe('conflict');
  });
});

describe('extending the deadline', () => {
  const permitType = catalogue.find('resident-parking-permit')!;
  const maxDays = permitType.extension.maxDays;
  // Due at the end of Monday 7 December 2026 in Brussels.
  const permit = (): Case => ({ ...aCase(), type: { key: permitType.key, version: permitType.version }, dueAt: '2026-12-07T22:59:59.999Z' });
  const extendBy = (days: number, subject = permit()) => extend(subject, permitType, { actor: clerk, now, days, reason: 'Complex file' });

  test('the parking permit allows one extension of at most 15 working days', () => {
    expect(permitType.extension).toEqual({ allowed: true, maxDays: 15, times: 1 });
  });

  test("by exactly the type's maximum is allowed, and moves the due date by that many working days", () => {
    const extended = extendBy(maxDays);
    // 15 working days after Monday 7 December 2026, counted by hand: 8–11 (1–4), 14–18 (5–9),
    // 21–24 (10–13), Christmas on Friday 25 skipped, Mon 28 (14), Tue 29 December (15).
    expect(extended.case.dueAt).toBe('2026-12-29T22:59:59.999Z');
    expect(extended.case.extensions).toEqual([{ days: maxDays, reason: 'Complex file', at: now.toISOString(), by: 'clerk@gent' }]);
    expect(extended.audit).toMatchObject({ action: 'case.extended', details: { days: maxDays, previousDueAt: '2026-12-07T22:59:59.999Z' } });
  });

  test('by one day more than the maximum is refused as invalid (400)', () => {
    expect(kindOf(() => extendBy(maxDays + 1))).toBe('validation');
  });

  test('a second extension, beyond the times the type allows, is a conflict (409)', () => {
    expect(kindOf(() => extendBy(1, extendBy(1).case))).toBe('conflict');
  });

  test('a type that allows no extension refuses even one day (409)', () => {
    expect(type.extension.allowed).toBe(false);
    expect(kindOf(() => extend(aCase(), type, { actor: clerk, now, days: 1, reason: 'x' }))).toBe('conflict');
  });
});

describe('a task', () => {
  const task = () =>
    openTask({
      id: 'T1',
      caseId: 'C1',
      caseNumber: '44021-2026-000001',
      tenant: '44021',
      name: 'verify-residence',
      definition: type.tasks['verify-residence']!,
      dueAt: new Date('2026-12-02T22:59:59.999Z'),
      token: 'secret-token',
      now,
    }).task;

  test('opens for the role and outcomes its type declares', () => {
    expect(task()).toMatchObject({ role: 'clerk', status: 'open', outcomes: ['approve', 'reject'] });
  });

  test('completes with an allowed outcome by someone with its role', () => {
    const done = completeTask(task(), { outcome: 'approve', actor: clerk, now, reason: 'ok', auditReason: 'at the counter' })!;
    expect(done.task.status).toBe('completed');
    expect(done.task.completion).toEqual({ outcome: 'approve', by: 'clerk@gent', at: now.toISOString(), reason: 'ok', data: undefined });
    expect(done.audit).toMatchObject({ action: 'task.completed', reason: 'at the counter', details: { motivation: 'ok' } });
  });

  test('refuses a wrong role (403), an unknown outcome (400) and a second completion (409)', () => {
    expect(kindOf(() => completeTask(task(), { outcome: 'approve', actor: { ...clerk, roles: ['portal'] }, now }))).toBe('forbidden');
    expect(kindOf(() => completeTask(task(), { outcome: 'maybe', actor: clerk, now }))).toBe('validation');
    const done = completeTask(task(), { outcome: 'approve', actor: clerk, now })!.task;
    expect(kindOf(() => completeTask(done, { outcome: 'reject', actor: clerk, now }))).toBe('conflict');
    expect(kindOf(() => completeTask(done, { outcome: 'approve', actor: { ...clerk, subject: 'another-clerk' }, now }))).toBe('conflict');
  });

  test('the same completion repeated by the same clerk changes nothing', () => {
    const done = completeTask(task(), { outcome: 'approve', actor: clerk, now })!.task;
    expect(completeTask(done, { outcome: 'approve', actor: clerk, now })).toBeUndefined();
    expect(isRepeatedCompletion(done, { outcome: 'approve', actor: clerk })).toBe(true);
    expect(isRepeatedCompletion(task(), { outcome: 'approve', actor: clerk })).toBe(false);
  });
});
