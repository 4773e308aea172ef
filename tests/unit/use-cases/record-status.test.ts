import { beforeEach, describe, expect, test } from '@jest/globals';
import { catalogue } from '../../../functions/catalogue/catalogue';
import { systemActor } from '../../../functions/domain/actor';
import { closingNoticeInWorkflow } from '../../../functions/domain/closing-notice';
import type { Case } from '../../../functions/domain/case';
import type { Task } from '../../../functions/domain/task';
import type { RecordStatusCommand } from '../../../functions/use-cases/record-status';
import { recordStatus } from '../../../functions/use-cases/record-status';
import type { InMemoryCaseStore, TelemetryRecorder } from '../../support/in-memory-ports';
import { aCase, aTask, inMemoryCaseStore, settableClock, telemetryRecorder, testUlid } from '../../support/in-memory-ports';

const submittedAt = new Date('2026-11-09T10:00:00Z');
const actor = systemActor('record-status');

let store: InMemoryCaseStore;
let telemetry: TelemetryRecorder;
let subject: Case;
let open: Task;
let done: Task;

beforeEach(() => {
  store = inMemoryCaseStore();
  telemetry = telemetryRecorder();
  // Version 1, whose workflow publishes CaseClosed.v1 itself (closing-notice).
  subject = store.seedCase(aCase({ id: testUlid(1), typeKey: 'proof-of-residence', typeVersion: 1, now: submittedAt, dueAt: new Date('2026-11-16T22:59:59.999Z') }));
  open = store.seedTask(aTask(subject, { id: testUlid(10), name: 'verify-residence', token: 't1', now: submittedAt, dueAt: new Date('2026-11-12T22:59:59.999Z') }));
  done = store.seedTask({ ...aTask(subject, { id: testUlid(11), name: 'verify-residence', token: 't2', now: submittedAt, dueAt: new Date('2026-11-12T22:59:59.999Z') }), status: 'completed' });
});

const record = (overrides: Partial<RecordStatusCommand> = {}) =>
  recordStatus({ cases: store, catalogue, clock: settableClock('2026-11-10T09:00:00Z'), telemetry })({ caseId: subject.id, status: 'under-review', actor, ...overrides });

describe('recording a status', () => {
  test('moves the case with its audit event and answers the new status', async () => {
    await expect(record({ details: { step: 'Review' } })).resolves.toBe('under-review');
    const saved = store.cases.get(subject.id)!;
    expect(saved.status).toBe('under-review');
    expect(saved.version).toBe(1);
    expect(saved.statusHistory.at(-1)).toEqual({ status: 'under-review', at: '2026-11-10T09:00:00.000Z', by: 'system:record-status' });
    expect(store.eventsOf(subject.id).at(-1)).toMatchObject({ action: 'case.status-changed', details: { from: 'submitted', to: 'under-review', step: 'Review' } });
    expect(store.tasks.get(open.id)!.status).toBe('open');
    expect(telemetry.closed).toEqual([]);
  });

  test("closing the case 'failed' keeps the failing step on the case, for its view", async () => {
    const failure = { state: 'IssueCertificate', error: 'DomainError', cause: "type 'x' issues no document" };
    await expect(record({ status: 'failed', cancelOpenTasks: true, failure, details: { failedState: 'IssueCertificate' } })).resolves.toBe('failed');
    expect(store.cases.get(subject.id)!).toMatchObject({ status: 'failed', failure });
    expect(store.eventsOf(subject.id).at(-1)).toMatchObject({ details: { to: 'failed', failedState: 'IssueCertificate' } });
  });

  test('a status reached before is left alone (a retried step): no write', async () => {
    await record();
    await expect(record()).resolves.toBe('under-review');
    expect(store.commits).toBe(1);
  });

  test('a final status closes the case with the decision, cancels active tasks when asked, and is counted', async () => {
    const status = await record({ status: 'expired', cancelOpenTasks: true, decision: { outcome: 'expired', decidedBy: 'system' } });
    expect(status).toBe('expired');
    const saved = store.cases.get(subject.id)!;
    expect(saved).toMatchObject({ status: 'expired', closedAt: '2026-11-10T09:00:00.000Z', decision: { outcome: 'expired', decidedBy: 'system', decidedAt: '2026-11-10T09:00:00.000Z' } });
    expect(store.tasks.get(open.id)!.status).toBe('cancelled');
    expect(store.tasks.get(done.id)!.status).toBe('completed');
    expect(store.commits).toBe(1);
    expect(telemetry.closed).toEqual([{ typeKey: 'proof-of-residence', status: 'expired' }]);
  });

  test("a clerk's decision takes its reason from the completed task the workflow names, which carries no free text itself", async () => {
    const decided = store.seedTask({ ...done, id: testUlid(12), completion: { outcome: 'reject', by: 'clerk@gent', at: '2026-11-10T08:00:00.000Z', reason: 'Not at this address' } });
    await record({ status: 'rejected', decision: { outcome: 'rejected', decidedBy: 'clerk@gent', taskId: decided.id } });
    expect(store.cases.get(subject.id)!.decision).toEqual({ outcome: 'rejected', decidedBy: 'clerk@gent', reason: 'Not at this address', decidedAt: '2026-11-10T09:00:00.000Z' });
  });

  test("a task of another case, or one completed without a reason, gives the decision none; a reason the workflow states is kept", async () => {
    const other = store.seedCase(aCase({ id: testUlid(2), typeKey: 'proof-of-residence', now: submittedAt, dueAt: new Date('2026-11-16T22:59:59.999Z') }));
    const elsewhere = store.seedTask({ ...aTask(other, { id: testUlid(20), name: 'verify-residence', token: 't3', now: submittedAt, dueAt: submittedAt }), status: 'completed', completion: { outcome: 'reject', by: 'clerk@gent', at: 'x', reason: 'of another case' } });
    await record({ status: 'rejected', decision: { outcome: 'rejected', decidedBy: 'clerk@gent', taskId: elsewhere.id } });
    expect(store.cases.get(subject.id)!.decision).toEqual({ outcome: 'rejected', decidedBy: 'clerk@gent', decidedAt: '2026-11-10T09:00:00.000Z' });

    const third = store.seedCase(aCase({ id: testUlid(3), typeKey: 'proof-of-residence', now: submittedAt, dueAt: new Date('2026-11-16T22:59:59.999Z') }));
    await recordStatus({ cases: store, catalogue, clock: settableClock('2026-11-10T09:00:00Z'), telemetry })({
      caseId: third.id,
      status: 'rejected',
      actor,
      decision: { outcome: 'rejected', decidedBy: 'system:deadline', reason: 'No answer in time', taskId: testUlid(99) },
    });
    expect(store.cases.get(third.id)!.decision).toMatchObject({ reason: 'No answer in time' });
  });

  describe('the closing notice (CaseClosed.v1)', () => {
    const noticesOf = (caseId: string) => [...store.outbox.values()].filter((item) => item.caseId === caseId && item.effect.kind === 'publish-closing-notice').map((item) => item.effect);
    const parking = () =>
      store.seedCase({ ...aCase({ id: testUlid(2), typeKey: 'resident-parking-permit', now: submittedAt, dueAt: new Date('2026-12-16T22:59:59.999Z') }), status: 'under-review' });
    const recordFor = (caseId: string, overrides: Partial<RecordStatusCommand>) =>
      recordStatus({ cases: store, catalogue, clock: settableClock('2026-11-10T09:00:00Z'), telemetry })({ caseId, status: 'rejected', actor, ...overrides });

    test('a closing of a version whose workflow leaves it to the step goes to the outbox in the same commit, once', async () => {
      const later = parking();
      expect(closingNoticeInWorkflow(later.type)).toBe(false);
      await recordFor(later.id, { status: 'rejected' });
      expect(store.commits).toBe(1);
      expect(noticesOf(later.id)).toEqual([{ kind: 'publish-closing-notice', caseId: later.id, notice: { caseId: later.id, tenant: later.tenant, type: 'resident-parking-permit', status: 'rejected' } }]);
      await recordFor(later.id, { status: 'rejected' }); // the step again: nothing more
      expect(noticesOf(later.id)).toHaveLength(1);
    });

    test('none for a status that does not close, for a failure, nor where the workflow publishes it itself', async () => {
      const later = parking();
      await recordFor(later.id, { status: 'awaiting-payment' });
      expect(noticesOf(later.id)).toEqual([]);
      await recordFor(later.id, { status: 'failed', failure: { state: 'GrantPermit', error: 'DomainError', cause: 'no' } });
      expect(store.cases.get(later.id)!.status).toBe('failed');
      expect([...store.outbox.values()].filter((item) => item.caseId === later.id)).toEqual([]); // no effect at all
      // proof-of-residence version 1 publishes CaseClosed.v1 in its PublishCaseClosed state.
      expect(closingNoticeInWorkflow(subject.type)).toBe(true);
      await record({ status: 'expired' });
      expect(store.cases.get(subject.id)!.status).toBe('expired');
      expect(noticesOf(subject.id)).toEqual([]);
    });
  });

  test('without cancelOpenTasks leaves the tasks as they are', async () => {
    await record({ status: 'rejected' });
    expect(store.tasks.get(open.id)!.status).toBe('open');
  });

  test('a case closed meanwhile (withdrawn) is left alone and nothing is counted', async () => {
    store.cases.set(subject.id, { ...subject, status: 'withdrawn' });
    await expect(record({ status: 'issued' })).resolves.toBe('withdrawn');
    expect(store.commits).toBe(0);
    expect(telemetry.closed).toEqual([]);
  });

  test('a status the type does not declare is a conflict', async () => {
    await expect(record({ status: 'granted' })).rejects.toMatchObject({ kind: 'conflict' });
  });

  test('a missing case is not-found', async () => {
    await expect(record({ caseId: testUlid(99) })).rejects.toMatchObject({ kind: 'not-found' });
  });

  test('a task that changed since it was read makes the change a conflict', async () => {
    store.beforeCommit = () => {
      store.tasks.set(open.id, { ...open, status: 'claimed', assignee: 'clerk@gent' });
    };
    await expect(record({ status: 'expired', cancelOpenTasks: true })).rejects.toMatchObject({ kind: 'conflict' });
    expect(store.cases.get(subject.id)!.status).toBe('submitted');
  });
});
