import { describe, expect, test } from '@jest/globals';
import type { Case } from '../../../functions/domain/case';
import { caseNumber, clearAttention, executionNameOf, extend, flagAttention, hasReached, nextExecutionName, isClosed, openCase, reopen, resume, suspend, transition, withdraw } from '../../../functions/domain/case';
import { DomainError } from '../../../functions/domain/errors';
import { cancelTask, claimTask, completeTask, isRepeatedCompletion, openTask, taskResultOf } from '../../../functions/domain/task';
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
    expect(opened.documents).toEqual([]);
    // No version ARN known at submission: the field is left out, not stored empty.
    expect(opened).not.toHaveProperty('workflowVersionArn');
  });

  test('its submission is audited with the number, the type and version, and the first status', () => {
    const { audit } = openCase({
      id: 'C1',
      number: caseNumber('44021', 2026, 7),
      tenant: '44021',
      type,
      applicant: { insz: '85073003328' },
      data: {},
      dueAt: new Date('2026-12-05T22:59:59.999Z'),
      executionArn: 'arn:aws:states:eu-west-1:000000000000:execution:loket-proof-of-residence:C1',
      actor: portal,
      now,
      reason: 'submitted at the counter',
    });
    expect(audit).toEqual({
      action: 'case.submitted',
      actor: portal,
      at: now.toISOString(),
      reason: 'submitted at the counter',
      details: { number: '44021-2026-000007', type: { key: 'proof-of-residence', version: type.version }, status: 'submitted' },
    });
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

  test('records who moved it: a person by their subject, a step as system:<component>', () => {
    const moved = transition(aCase(), type, { status: 'under-review', actor: { kind: 'system', component: 'record-status' }, now }).case;
    expect(moved.statusHistory.map((change) => change.by)).toEqual(['portal@gent', 'system:record-status']);
  });

  test('refuses an undeclared status and any move once closed', () => {
    const system = { kind: 'system', component: 't' } as const;
    expect(kindOf(() => transition(aCase(), type, { status: 'teleported', actor: system, now }))).toBe('conflict');
    const closed = transition(aCase(), type, { status: 'issued', actor: system, now }).case;
    expect(kindOf(() => transition(closed, type, { status: 'rejected', actor: system, now }))).toBe('conflict');
  });
});

describe('an operator flag on a case', () => {
  const reconcile = { kind: 'system', component: 'reconcile' } as const;
  const later = new Date('2026-11-29T08:00:00Z');

  test('flags an open case with the reason and since when, and records why in the audit', () => {
    const flagged = flagAttention(aCase(), type, 'execution FAILED', reconcile, later)!;
    expect(flagged.case.attention).toEqual({ reason: 'execution FAILED', since: later.toISOString() });
    expect(flagged.case.updatedAt).toBe(later.toISOString());
    expect(flagged.audit).toEqual({ action: 'case.needs-attention', actor: reconcile, at: later.toISOString(), details: { reason: 'execution FAILED' } });
  });

  test('flags again only for another reason, and never a closed case', () => {
    const flagged = flagAttention(aCase(), type, 'execution FAILED', reconcile, now)!.case;
    expect(flagAttention(flagged, type, 'execution FAILED', reconcile, later)).toBeUndefined();
    expect(flagAttention(flagged, type, 'execution TIMED_OUT', reconcile, later)?.case.attention).toEqual({ reason: 'execution TIMED_OUT', since: later.toISOString() });
    const closed = transition(aCase(), type, { status: 'issued', actor: reconcile, now }).case;
    expect(flagAttention(closed, type, 'execution FAILED', reconcile, later)).toBeUndefined();
  });

  test('is cleared with its reason in the audit; a case without one changes nothing', () => {
    const flagged = flagAttention(aCase(), type, 'execution FAILED', reconcile, now)!.case;
    const cleared = clearAttention(flagged, reconcile, later)!;
    expect(cleared.case.attention).toBeUndefined();
    expect(cleared.case.updatedAt).toBe(later.toISOString());
    expect(cleared.audit).toEqual({ action: 'case.attention-cleared', actor: reconcile, at: later.toISOString(), details: { reason: 'execution FAILED' } });
    expect(clearAttention(aCase(), reconcile, later)).toBeUndefined();
  });
});

describe('what a closed or open case refuses, as the caller reads it', () => {
  const system = { kind: 'system', component: 't' } as const;
  const permitType = catalogue.find('resident-parking-permit')!;
  const permit = (): Case => ({ ...aCase(), type: { key: permitType.key, version: permitType.version } });
  const messageOf = (fn: () => unknown) => {
    try {
      fn();
    } catch (error) {
      return (error as Error).message;
    }
    return undefined;
  };

  test('a status the type does not declare is named with the type', () => {
    expect(messageOf(() => transition(aCase(), type, { status: 'teleported', actor: system, now }))).toBe("status 'teleported' is not declared by type 'proof-of-residence'");
  });

  test('a case closed failed keeps the step that failed it; any other move keeps none', () => {
    const failure = { state: 'IssueCertificate', error: 'DomainError', cause: 'template missing' };
    expect(transition(aCase(), type, { status: 'failed', actor: system, now, failure }).case.failure).toEqual(failure);
    expect(transition(aCase(), type, { status: 'issued', actor: system, now }).case).not.toHaveProperty('failure');
  });

  test('a closed case names its number and final status', () => {
    const closed = transition(aCase(), type, { status: 'issued', actor: system, now }).case;
    expect(messageOf(() => withdraw(closed, type, { actor: portal, now }))).toBe("case 44021-2026-000123 is closed with status 'issued'");
    expect(messageOf(() => transition(closed, type, { status: 'rejected', actor: system, now }))).toBe("case 44021-2026-000123 is closed with status 'issued'");
  });

  test('a closed case is suspended, resumed and extended no more', () => {
    const suspended = suspend(permit(), permitType, { actor: clerk, now }).case;
    const closedWhileSuspended = transition(suspended, permitType, { status: 'rejected', actor: system, now }).case;
    const closed = transition(permit(), permitType, { status: 'rejected', actor: system, now }).case;
    const closedMessage = "case 44021-2026-000123 is closed with status 'rejected'";
    expect(messageOf(() => suspend(closed, permitType, { actor: clerk, now }))).toBe(closedMessage);
    expect(messageOf(() => resume(closedWhileSuspended, permitType, { actor: clerk, now }))).toBe(closedMessage);
    expect(messageOf(() => extend(closed, permitType, { actor: clerk, now, days: 1, reason: 'x' }))).toBe(closedMessage);
  });

  test('a document the status change issues is added to the ones the case has', () => {
    const document = { kind: 'certificate', reference: 'D-1', issuedAt: now.toISOString(), language: 'nl', title: { nl: 'Attest', en: 'Certificate' }, text: { nl: 't', en: 't' } } as const;
    const issued = transition(aCase(), type, { status: 'issued', actor: system, now, document }).case;
    expect(issued.documents).toEqual([document]);
    expect(transition(aCase(), type, { status: 'rejected', actor: system, now }).case.documents).toEqual([]);
  });

  test('a type without the status or the rule says so', () => {
    const withoutWithdrawal = { ...type, statuses: type.statuses.filter((status) => status.code !== 'withdrawn') };
    expect(messageOf(() => withdraw(aCase(), withoutWithdrawal, { actor: portal, now }))).toBe("type 'proof-of-residence' cannot be withdrawn");
    expect(messageOf(() => suspend(aCase(), type, { actor: clerk, now }))).toBe("type 'proof-of-residence' does not allow suspension");
  });

  test('suspending twice, or resuming a case that is not suspended, names the case', () => {
    expect(permitType.suspension.allowed).toBe(true);
    const suspended = suspend(permit(), permitType, { actor: clerk, now }).case;
    expect(messageOf(() => suspend(suspended, permitType, { actor: clerk, now }))).toBe('case 44021-2026-000123 is already suspended');
    expect(messageOf(() => resume(permit(), permitType, { actor: clerk, now }))).toBe('case 44021-2026-000123 is not suspended');
  });

  test('only a case closed failed is reopened, to an open status it had', () => {
    const executionArnOf = (name: string) => `arn:aws:states:eu-west-1:000000000000:execution:loket-proof-of-residence:${name}`;
    expect(messageOf(() => reopen(aCase(), type, { actor: clerk, now, executionArnOf }))).toBe(
      "case 44021-2026-000123 has status 'submitted'; only a case closed 'failed' can be reopened",
    );
    const neverOpen: Case = { ...aCase(), status: 'failed', statusHistory: [{ status: 'failed', at: now.toISOString(), by: 'system:t' }] };
    expect(messageOf(() => reopen(neverOpen, type, { actor: clerk, now, executionArnOf }))).toBe('case 44021-2026-000123 never had an open status to return to');
  });
});

describe('a status the type does not declare', () => {
  // A case's status history may hold a status its type's current version no longer declares
  // (a case moved to a newer version): it is an open status, as isClosed tells.
  const system = { kind: 'system', component: 't' } as const;
  const legacy: Case = {
    ...aCase(),
    status: 'failed',
    statusHistory: [
      { status: 'submitted', at: now.toISOString(), by: 'portal@gent' },
      { status: 'awaiting-archive', at: now.toISOString(), by: 'system:t' },
      { status: 'failed', at: now.toISOString(), by: 'system:t' },
    ],
  };

  test('leaves a case open', () => {
    expect(isClosed({ ...aCase(), status: 'awaiting-archive' }, type)).toBe(false);
  });

  test('is the open status a reopening returns to, without informing the applicant', () => {
    const reopened = reopen(legacy, type, { actor: system, now, executionArnOf: (name) => name });
    expect(reopened.case.status).toBe('awaiting-archive');
    expect(reopened.audit.details).toMatchObject({ to: 'awaiting-archive', inform: false });
    expect(reopened.case.statusHistory).toEqual([...legacy.statusHistory, { status: 'awaiting-archive', at: now.toISOString(), by: 'system:t' }]);
  });
});

describe("a case's executions", () => {
  const arn = (name: string) => `arn:aws:states:eu-west-1:000000000000:execution:loket-proof-of-residence:${name}`;

  test('are named after the case, then <case id>-<n> counting on from the current one', () => {
    expect(executionNameOf({ executionArn: arn('C1') })).toBe('C1');
    expect(nextExecutionName({ id: 'C1', executionArn: arn('C1') })).toBe('C1-2');
    expect(nextExecutionName({ id: 'C1', executionArn: arn('C1-2') })).toBe('C1-3');
    expect(nextExecutionName({ id: 'C1', executionArn: arn('C1-12') })).toBe('C1-13');
  });

  test('a current name of any other form is not counted on: the next is -2', () => {
    for (const name of ['C1x-5', 'C1-5x', 'C1-', 'other']) expect([name, nextExecutionName({ id: 'C1', executionArn: arn(name) })]).toEqual([name, 'C1-2']);
  });
});

describe('whether a step finds its status reached already', () => {
  const system = { kind: 'system', component: 'record-status' } as const;

  test('an open status the case had counts, one it never had does not', () => {
    const reviewed = transition(aCase(), type, { status: 'under-review', actor: system, now }).case;
    expect(hasReached(reviewed, type, 'under-review')).toBe(true);
    expect(hasReached(reviewed, type, 'submitted')).toBe(true);
    expect(hasReached(aCase(), type, 'under-review')).toBe(false);
    expect(hasReached(aCase(), type, 'teleported')).toBe(false);
  });

  test('a final status never counts, since a reopened case may close again', () => {
    const reopenedAfterFailure: Case = {
      ...aCase(),
      statusHistory: [
        { status: 'submitted', at: now.toISOString(), by: 'portal@gent' },
        { status: 'failed', at: now.toISOString(), by: 'system:t' },
        { status: 'submitted', at: now.toISOString(), by: 'operator@gent' },
      ],
    };
    expect(hasReached(reopenedAfterFailure, type, 'failed')).toBe(false);
  });
});

describe('suspending and resuming', () => {
  const permitType = catalogue.find('resident-parking-permit')!;
  const permit = (): Case => ({ ...aCase(), type: { key: permitType.key, version: permitType.version }, dueAt: '2026-12-07T22:59:59.999Z' });
  const suspendedAt = new Date('2026-12-01T09:00:00Z');

  test('a suspension records since when, and the due date it stopped', () => {
    const suspended = suspend(permit(), permitType, { actor: clerk, now: suspendedAt, reason: 'waiting for the applicant' });
    expect(suspended.case.suspendedSince).toBe(suspendedAt.toISOString());
    expect(suspended.audit).toEqual({ action: 'case.suspended', actor: clerk, at: suspendedAt.toISOString(), reason: 'waiting for the applicant', details: { dueAt: '2026-12-07T22:59:59.999Z' } });
  });

  test('resuming moves the due date by exactly the time the case stood still', () => {
    const suspended = suspend(permit(), permitType, { actor: clerk, now: suspendedAt }).case;
    const resumed = resume(suspended, permitType, { actor: clerk, now: new Date('2026-12-04T15:30:00Z') });
    const stoodStill = 3 * 86_400_000 + 6.5 * 3_600_000;
    expect(resumed.case.dueAt).toBe('2026-12-11T05:29:59.999Z');
    expect(resumed.case.suspendedSince).toBeUndefined();
    expect(resumed.audit.details).toEqual({ suspendedSince: suspendedAt.toISOString(), suspendedMs: stoodStill, previousDueAt: '2026-12-07T22:59:59.999Z', dueAt: '2026-12-11T05:29:59.999Z' });
  });

  test('a resumption stamped before the suspension (a clock behind) leaves the due date as it was', () => {
    const suspended = suspend(permit(), permitType, { actor: clerk, now: suspendedAt }).case;
    const resumed = resume(suspended, permitType, { actor: clerk, now: new Date(suspendedAt.getTime() - 60_000) });
    expect(resumed.case.dueAt).toBe('2026-12-07T22:59:59.999Z');
    expect(resumed.audit.details).toMatchObject({ suspendedMs: 0 });
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

  test('each refusal says why: the limit in days, the times used, or a type that allows none', () => {
    const refusal = (fn: () => unknown) => {
      try {
        fn();
      } catch (error) {
        return { kind: (error as DomainError).kind, message: (error as Error).message, errors: (error as DomainError).errors };
      }
      return undefined;
    };
    expect(refusal(() => extendBy(maxDays + 1))).toEqual({
      kind: 'validation',
      message: 'extension too long',
      errors: [{ path: 'days', message: "at most 15 working days for type 'resident-parking-permit'" }],
    });
    expect(refusal(() => extendBy(1, extendBy(1).case))).toMatchObject({ kind: 'conflict', message: 'the deadline of case 44021-2026-000123 was already extended 1 time(s), the most its type allows' });
    // Switched off, extension is refused whatever times and days the type still names.
    const switchedOff = { ...permitType, extension: { ...permitType.extension, allowed: false } };
    expect(refusal(() => extend(permit(), switchedOff, { actor: clerk, now, days: 1, reason: 'x' }))).toMatchObject({
      kind: 'conflict',
      message: "type 'resident-parking-permit' does not allow extending the deadline",
    });
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

  const refusal = (fn: () => unknown) => {
    try {
      fn();
    } catch (error) {
      return { kind: (error as DomainError).kind, message: (error as Error).message };
    }
    return undefined;
  };
  const colleague = { ...clerk, subject: 'colleague@gent' } as const;

  test("its opening is recorded as the create-task step's, with its name, role and due date", () => {
    const opened = openTask({ id: 'T1', caseId: 'C1', caseNumber: '44021-2026-000001', tenant: '44021', name: 'verify-residence', definition: type.tasks['verify-residence']!, dueAt: new Date('2026-12-02T22:59:59.999Z'), token: 'secret-token', now });
    expect(opened.audit).toEqual({
      action: 'task.created',
      actor: { kind: 'system', component: 'create-task' },
      at: now.toISOString(),
      details: { taskId: 'T1', name: 'verify-residence', role: 'clerk', dueAt: '2026-12-02T22:59:59.999Z' },
    });
    expect(JSON.stringify(opened.audit)).not.toContain('secret-token');
  });

  test('an outcome the task does not offer is refused with the outcomes it does', () => {
    expect(refusal(() => completeTask(task(), { outcome: 'maybe', actor: clerk, now }))).toEqual({ kind: 'validation', message: 'outcome not allowed' });
    try {
      completeTask(task(), { outcome: 'maybe', actor: clerk, now });
    } catch (error) {
      expect((error as DomainError).errors).toEqual([{ path: 'outcome', message: 'must be one of: approve, reject' }]);
    }
  });

  test('a completion without a motivation records none', () => {
    const done = completeTask(task(), { outcome: 'approve', actor: clerk, now })!;
    expect(done.audit.details).toEqual({ taskId: 'T1', name: 'verify-residence', outcome: 'approve' });
  });

  test('a refused completion names the role it needs, or who holds the task', () => {
    expect(refusal(() => completeTask(task(), { outcome: 'approve', actor: { ...clerk, roles: ['portal'] }, now }))).toEqual({
      kind: 'forbidden',
      message: "completing task 'verify-residence' needs role 'clerk'",
    });
    const claimed = claimTask(task(), colleague, now)!.task;
    expect(refusal(() => completeTask(claimed, { outcome: 'approve', actor: clerk, now }))).toEqual({ kind: 'conflict', message: 'task T1 is claimed by someone else' });
    expect(completeTask(claimed, { outcome: 'approve', actor: colleague, now })?.task.status).toBe('completed');
  });

  test('is claimed by a clerk with its role, and claiming it again oneself changes nothing', () => {
    const claimed = claimTask(task(), clerk, now)!;
    expect(claimed.task).toMatchObject({ status: 'claimed', assignee: 'clerk@gent' });
    expect(claimed.audit).toEqual({ action: 'task.claimed', actor: clerk, at: now.toISOString(), details: { taskId: 'T1', name: 'verify-residence' } });
    expect(claimTask(claimed.task, clerk, now)).toBeUndefined();
  });

  test('a claim is refused without the role (403), on a task someone else holds, and on a task no longer open (409)', () => {
    expect(refusal(() => claimTask(task(), { ...clerk, roles: ['portal'] }, now))).toEqual({ kind: 'forbidden', message: "claiming task 'verify-residence' needs role 'clerk'" });
    const claimed = claimTask(task(), colleague, now)!.task;
    expect(refusal(() => claimTask(claimed, clerk, now))).toEqual({ kind: 'conflict', message: 'task T1 is claimed by someone else' });
    const done = completeTask(task(), { outcome: 'reject', actor: clerk, now })!.task;
    expect(refusal(() => claimTask(done, clerk, now))).toEqual({ kind: 'conflict', message: 'task T1 is already completed' });
    expect(refusal(() => claimTask(cancelTask(task()), clerk, now))).toEqual({ kind: 'conflict', message: 'task T1 is already cancelled' });
    const doneByClaimant = completeTask(claimTask(task(), clerk, now)!.task, { outcome: 'approve', actor: clerk, now })!.task;
    expect(refusal(() => claimTask(doneByClaimant, clerk, now))).toEqual({ kind: 'conflict', message: 'task T1 is already completed' });
  });

  test('tells the waiting step its outcome, who decided and which task; the reason and data stay in the table', () => {
    const done = completeTask(task(), { outcome: 'reject', actor: clerk, now, reason: 'Lives at Kerkstraat 5', data: { note: 'x' } })!.task;
    expect(taskResultOf({ ...done, completion: done.completion! })).toEqual({ outcome: 'reject', completedBy: 'clerk@gent', taskId: 'T1' });
  });

  test('cancelling ends it, and a cancelled task is completed no more', () => {
    const cancelled = cancelTask(task());
    expect(cancelled).toEqual({ ...task(), status: 'cancelled' });
    expect(refusal(() => completeTask(cancelled, { outcome: 'approve', actor: clerk, now }))).toEqual({ kind: 'conflict', message: 'task T1 is already cancelled' });
  });

  test('the same completion repeated by the same clerk changes nothing', () => {
    const done = completeTask(task(), { outcome: 'approve', actor: clerk, now })!.task;
    expect(completeTask(done, { outcome: 'approve', actor: clerk, now })).toBeUndefined();
    expect(isRepeatedCompletion(done, { outcome: 'approve', actor: clerk })).toBe(true);
    expect(isRepeatedCompletion(task(), { outcome: 'approve', actor: clerk })).toBe(false);
  });
});
