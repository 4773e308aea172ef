import { beforeEach, describe, expect, test } from '@jest/globals';
import { catalogue } from '../../../functions/catalogue/catalogue';
import type { Case } from '../../../functions/domain/case';
import { awaitMessage } from '../../../functions/use-cases/await-message';
import { statusBeforeWaiting } from '../../../functions/use-cases/record-status';
import type { InMemoryCaseStore, InMemoryWorkflowEngine } from '../../support/in-memory-ports';
import { aCase, inMemoryCaseStore, inMemoryWorkflowEngine, outboxDispatcher, settableClock, testUlid } from '../../support/in-memory-ports';

const submittedAt = new Date('2026-11-09T10:00:00Z');
const now = '2026-11-10T09:00:00.000Z';

let store: InMemoryCaseStore;
let engine: InMemoryWorkflowEngine;
let subject: Case;

beforeEach(() => {
  store = inMemoryCaseStore();
  engine = inMemoryWorkflowEngine();
  subject = store.seedCase(aCase({ id: testUlid(1), typeKey: 'resident-parking-permit', now: submittedAt, dueAt: new Date('2026-11-30T22:59:59.999Z') }));
});

const dependencies = () => {
  const clock = settableClock(now);
  return { cases: store, workflows: engine, catalogue, clock, recordStatus: statusBeforeWaiting({ catalogue, clock }) };
};
const wait = (suspendDeadline: boolean, caseId = subject.id, status?: string) =>
  awaitMessage(dependencies())({ caseId, name: 'payment-received', taskToken: 'step-token', suspendDeadline, ...(status !== undefined ? { status } : {}) });

describe('awaiting a message', () => {
  test('writes the wait with an audit event, leaving the deadline running', async () => {
    await expect(wait(false)).resolves.toEqual({ awaiting: 'payment-received' });
    expect(await store.messageWait(subject.id, 'payment-received')).toEqual({
      caseId: subject.id,
      name: 'payment-received',
      since: now,
      token: 'step-token',
      suspendsDeadline: false,
    });
    expect(store.cases.get(subject.id)!.suspendedSince).toBeUndefined();
    expect(store.eventsOf(subject.id).at(-1)).toMatchObject({ action: 'message.awaited', at: now, details: { name: 'payment-received' }, actor: { kind: 'system', component: 'await-message' } });
    expect(engine.resumes).toEqual([]);
  });

  test('suspends the deadline when asked, with the wait in the same change', async () => {
    await wait(true);
    const saved = store.cases.get(subject.id)!;
    expect(saved.suspendedSince).toBe(now);
    expect(saved.version).toBe(1);
    expect(store.commits).toBe(1);
    expect(store.eventsOf(subject.id).at(-1)).toMatchObject({ action: 'case.suspended', reason: "waiting for message 'payment-received'" });
    expect((await store.messageWait(subject.id, 'payment-received'))!.suspendsDeadline).toBe(true);
  });

  test('a case suspended already stays suspended since then, and the wait is written', async () => {
    store.cases.set(subject.id, { ...subject, suspendedSince: '2026-11-09T12:00:00.000Z' });
    await wait(true);
    expect(store.cases.get(subject.id)!.suspendedSince).toBe('2026-11-09T12:00:00.000Z');
    expect(store.eventsOf(subject.id).at(-1)!.action).toBe('message.awaited');
    expect(await store.messageWait(subject.id, 'payment-received')).toBeDefined();
  });

  test('a message received before (a re-run workflow) resumes the step at once, without its data, writing nothing', async () => {
    const received = { name: 'payment-received', data: { amount: 25, reference: 'x' }, receivedAt: '2026-11-09T11:00:00.000Z', by: 'portal@gent' };
    store.cases.set(subject.id, { ...subject, messages: [{ ...received, name: 'other' }, received] });
    await expect(wait(true)).resolves.toEqual({ awaiting: 'payment-received', alreadyReceived: true });
    expect(engine.resumes).toEqual([{ token: 'step-token', output: { name: 'payment-received', receivedAt: '2026-11-09T11:00:00.000Z', by: 'portal@gent' } }]);
    expect(store.commits).toBe(0);
    expect(store.waits.size).toBe(0);
  });

  test('a missing case is not-found', async () => {
    await expect(wait(false, testUlid(99))).rejects.toMatchObject({ kind: 'not-found' });
  });
});

describe('a wait that names a status', () => {
  test('moves the case to it, by the step, in the commit that writes the wait: no reader sees the status without the wait', async () => {
    const commits = store.commits;
    await expect(wait(false, subject.id, 'awaiting-payment')).resolves.toEqual({ awaiting: 'payment-received' });
    expect(store.commits).toBe(commits + 1);
    const saved = store.cases.get(subject.id)!;
    expect(saved.version).toBe(subject.version + 1);
    expect(saved.status).toBe('awaiting-payment');
    expect(saved.statusHistory.at(-1)).toMatchObject({ status: 'awaiting-payment', by: 'system:await-message' });
    expect(store.eventsOf(subject.id).slice(-2).map((event) => event.action)).toEqual(['case.status-changed', 'message.awaited']);
    expect(store.waits.size).toBe(1);
  });

  test('with the deadline suspended, in the same one commit: the status, then the suspension with the wait', async () => {
    const commits = store.commits;
    await wait(true, subject.id, 'awaiting-payment');
    expect(store.commits).toBe(commits + 1);
    const saved = store.cases.get(subject.id)!;
    expect(saved).toMatchObject({ status: 'awaiting-payment', suspendedSince: now });
    expect(store.eventsOf(subject.id).slice(-2).map((event) => event.action)).toEqual(['case.status-changed', 'case.suspended']);
    expect(store.waits.get(`${subject.id}#payment-received`)).toMatchObject({ suspendsDeadline: true, token: 'step-token' });
  });

  test('a message received before (a re-run) still moves the case to the status, and resumes the step through the outbox of that commit, not in a call after it', async () => {
    store.seedCase({ ...subject, messages: [{ name: 'payment-received', data: { amount: 1 }, receivedAt: now, by: 'portal' }] });
    await expect(wait(false, subject.id, 'awaiting-payment')).resolves.toEqual({ awaiting: 'payment-received', alreadyReceived: true });
    expect(store.cases.get(subject.id)!.status).toBe('awaiting-payment');
    expect(store.waits.size).toBe(0);
    expect(engine.resumes).toEqual([]);
    expect([...store.outbox.values()].map((item) => item.effect)).toContainEqual(
      expect.objectContaining({ kind: 'resume-step', caseId: subject.id, token: 'step-token', answers: { message: 'payment-received' } }),
    );
    await outboxDispatcher(store, engine, settableClock(now))();
    expect(engine.resumes).toEqual([{ token: 'step-token', output: expect.anything() }]);
  });

  test('run again records the status once', async () => {
    await wait(false, subject.id, 'awaiting-payment');
    await wait(false, subject.id, 'awaiting-payment');
    expect(store.eventsOf(subject.id).filter((event) => event.action === 'case.status-changed')).toHaveLength(1);
  });

  test('a final status is refused and nothing is written', async () => {
    const before = store.eventsOf(subject.id).length;
    await expect(wait(false, subject.id, 'granted')).rejects.toThrow("await-message cannot record the final status 'granted': the case would close before it waits");
    expect(store.cases.get(subject.id)!.status).toBe('submitted');
    expect(store.eventsOf(subject.id)).toHaveLength(before);
    expect(store.waits.size).toBe(0);
  });
});
