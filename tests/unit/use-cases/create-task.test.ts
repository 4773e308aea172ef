import { beforeEach, describe, expect, test } from '@jest/globals';
import { catalogue } from '../../../functions/catalogue/catalogue';
import type { Case } from '../../../functions/domain/case';
import type { Task } from '../../../functions/domain/task';
import { createTask } from '../../../functions/use-cases/create-task';
import { statusBeforeWaiting } from '../../../functions/use-cases/record-status';
import type { InMemoryCaseStore, InMemoryWorkflowEngine } from '../../support/in-memory-ports';
import { aCase, aTask, inMemoryCaseStore, inMemoryWorkflowEngine, outboxDispatcher, refusal, settableClock, testUlid } from '../../support/in-memory-ports';

const submittedAt = new Date('2026-11-09T10:00:00Z');

let store: InMemoryCaseStore;
let engine: InMemoryWorkflowEngine;
let subject: Case;

beforeEach(() => {
  store = inMemoryCaseStore();
  engine = inMemoryWorkflowEngine();
  subject = store.seedCase(aCase({ id: testUlid(1), typeKey: 'proof-of-residence', now: submittedAt, dueAt: new Date('2026-11-16T22:59:59.999Z') }));
});

// Monday 9 November 2026, 11:00 Brussels: three working days skip Armistice Day.
const dependencies = () => {
  const clock = settableClock('2026-11-09T10:00:00Z');
  return { cases: store, workflows: engine, catalogue, clock, recordStatus: statusBeforeWaiting({ catalogue, clock }) };
};
const create = (name = 'verify-residence', taskToken = 'new-token', caseId = subject.id, status?: string) =>
  createTask(dependencies())({ caseId, name, taskToken, ...(status !== undefined ? { status } : {}) });

const existing = (status: Task['status'], extra: Partial<Task> = {}) =>
  store.seedTask({ ...aTask(subject, { id: testUlid(10), name: 'verify-residence', token: 'old-token', now: submittedAt, dueAt: new Date('2026-11-12T22:59:59.999Z') }), status, ...extra });

describe('creating a task', () => {
  test('opens a new task with the role, outcomes and a due date in working days, with its audit event', async () => {
    const { taskId } = await create();
    expect(taskId).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    const task = store.tasks.get(taskId)!;
    expect(task).toMatchObject({
      caseId: subject.id,
      caseNumber: subject.number,
      tenant: '44021',
      name: 'verify-residence',
      role: 'clerk',
      outcomes: ['approve', 'reject'],
      status: 'open',
      token: 'new-token',
      createdAt: '2026-11-09T10:00:00.000Z',
      dueAt: '2026-11-13T22:59:59.999Z',
    });
    expect(store.eventsOf(subject.id).at(-1)).toMatchObject({ action: 'task.created', details: { taskId, name: 'verify-residence', role: 'clerk' } });
    expect(store.cases.get(subject.id)!.version).toBe(1);
    expect(engine.resumes).toEqual([]);
    // The task opens on the case as first read: it is not read again for the change.
    expect(store.caseReads).toBe(1);
  });

  test('for a task already completed resumes the step at once with the stored result and opens none', async () => {
    const done = existing('completed', { completion: { outcome: 'approve', by: 'clerk@gent', at: '2026-11-10T09:00:00.000Z', reason: 'ok', data: { a: 1 } } });
    await expect(create()).resolves.toEqual({ taskId: done.id });
    expect(engine.resumes).toEqual([{ token: 'new-token', output: { outcome: 'approve', completedBy: 'clerk@gent', taskId: done.id } }]);
    expect(store.tasks.size).toBe(1);
    expect(store.commits).toBe(0);
    // Nothing to record: the case is not even read for a change.
    expect(store.decideRuns).toBe(0);
  });

  test.each([['open'], ['claimed']] as const)('for a task still %s hands it the new token, keeping it as it is otherwise', async (status) => {
    const active = existing(status, status === 'claimed' ? { assignee: 'clerk@gent' } : {});
    await expect(create()).resolves.toEqual({ taskId: active.id });
    expect(store.tasks.size).toBe(1);
    expect(store.tasks.get(active.id)).toEqual({ ...active, token: 'new-token' });
    expect(store.eventsOf(subject.id).at(-1)).toMatchObject({ action: 'task.reissued', actor: { kind: 'system', component: 'create-task' }, details: { taskId: active.id } });
    expect(engine.resumes).toEqual([]);
  });

  test('a task completed while a retried step hands it a new token: the step decides again and resumes with the completion', async () => {
    // The step's first attempt opened the task and timed out; its retry reads the task still open,
    // and the clerk's completion commits between that read and the retry's write.
    const active = existing('open');
    const completion = { outcome: 'approve', by: 'clerk@gent', at: '2026-11-09T10:00:01.000Z' };
    store.beforeCommit = () => {
      store.beforeCommit = undefined;
      store.tasks.set(active.id, { ...active, status: 'completed', completion });
    };
    await expect(create()).resolves.toEqual({ taskId: active.id });
    expect(engine.resumes).toEqual([{ token: 'new-token', output: expect.objectContaining({ outcome: 'approve', completedBy: 'clerk@gent' }) }]);
    expect(store.tasks.get(active.id)).toMatchObject({ status: 'completed', token: 'old-token', completion });
    expect(store.tasks.size).toBe(1);
  });

  test('a task that keeps changing under a retried step is a transient failure after three tries, which the workflow retries', async () => {
    const active = existing('open');
    let round = 0;
    store.beforeCommit = () => {
      round += 1;
      store.tasks.set(active.id, { ...active, token: `someone-else-${round}` });
    };
    const error = await create().catch((thrown: unknown) => thrown);
    expect(error).toMatchObject({
      name: 'TransientError',
      message: `task 'verify-residence' of case ${subject.id} kept changing while its step was retried`,
      cause: { name: 'DomainError', kind: 'conflict' },
    });
    expect(round).toBe(3);
    expect(engine.resumes).toEqual([]);
    // The first try decides on the case as first read; the two after the conflicts read it again.
    expect(store.caseReads).toBe(3);
  });

  test('a cancelled task of the same name does not count: a new one opens', async () => {
    const cancelled = existing('cancelled');
    const { taskId } = await create();
    expect(taskId).not.toBe(cancelled.id);
    expect(store.tasks.size).toBe(2);
  });

  test('an active task of another name is not reissued: a new one opens', async () => {
    const other = store.seedTask({ ...aTask(subject, { id: testUlid(12), name: 'verify-residence', token: 'other-token', now: submittedAt, dueAt: submittedAt }), name: 'other-task', status: 'open' });
    const { taskId } = await create();
    expect(taskId).not.toBe(other.id);
    expect(store.tasks.size).toBe(2);
    expect(store.tasks.get(other.id)).toEqual(other);
    expect(store.tasks.get(taskId)).toMatchObject({ name: 'verify-residence', token: 'new-token', status: 'open' });
  });

  test('a task of another name does not count', async () => {
    store.seedTask({ ...aTask(subject, { id: testUlid(12), name: 'verify-residence', token: 'x', now: submittedAt, dueAt: submittedAt }), name: 'other-task', status: 'completed', completion: { outcome: 'approve', by: 'a', at: 'b' } });
    await create();
    expect(engine.resumes).toEqual([]);
    expect(store.tasks.size).toBe(2);
  });

  test('a name the type does not declare is an error', async () => {
    await expect(create('police-check')).rejects.toThrow("type 'proof-of-residence' declares no task 'police-check'");
    expect(store.tasks.size).toBe(0);
  });

  test('a case that goes while its task opens is not-found at once, not retried as a task that changed', async () => {
    store.beforeCommit = () => {
      store.cases.delete(subject.id);
    };
    const error = await refusal(create('verify-residence', 't'));
    expect(error.kind).toBe('not-found');
    expect(store.decideRuns).toBe(1);
  });

  test('a missing case is not-found', async () => {
    const error = await refusal(create('verify-residence', 't', testUlid(99)));
    expect(error.kind).toBe('not-found');
    expect(error.message).toBe(`case ${testUlid(99)} does not exist`);
  });
});

describe('a task step that names a status', () => {
  test('moves the case to it, by the step, in the commit that opens the task: the status change comes first in the trail, and no reader sees one without the other', async () => {
    const commits = store.commits;
    const { taskId } = await create('verify-residence', 'new-token', subject.id, 'under-review');
    expect(store.commits).toBe(commits + 1);
    const saved = store.cases.get(subject.id)!;
    expect(saved.version).toBe(subject.version + 1);
    expect(saved.status).toBe('under-review');
    expect(saved.statusHistory.at(-1)).toMatchObject({ status: 'under-review', by: 'system:create-task' });
    expect(store.eventsOf(subject.id).slice(-2).map((event) => [event.action, event.details])).toEqual([
      ['case.status-changed', expect.objectContaining({ from: 'submitted', to: 'under-review' })],
      ['task.created', expect.objectContaining({ taskId, name: 'verify-residence' })],
    ]);
  });

  test('run again (a retried step) records the status once and reissues the task it opened', async () => {
    const first = await create('verify-residence', 'token-1', subject.id, 'under-review');
    const again = await create('verify-residence', 'token-2', subject.id, 'under-review');
    expect(again).toEqual(first);
    expect(store.eventsOf(subject.id).filter((event) => event.action === 'case.status-changed')).toHaveLength(1);
    expect(store.tasks.get(first.taskId)).toMatchObject({ status: 'open', token: 'token-2' });
  });

  test('a re-run that finds the task answered moves the case to the status, and resumes the step with the answer through the outbox of that commit', async () => {
    const { taskId } = await create('verify-residence', 'token-1', subject.id);
    store.tasks.set(taskId, { ...store.tasks.get(taskId)!, status: 'completed', completion: { outcome: 'approve', by: 'clerk', at: '2026-11-10T09:00:00.000Z' } });
    const reads = store.caseReads;
    await expect(create('verify-residence', 'token-2', subject.id, 'under-review')).resolves.toEqual({ taskId });
    expect(store.caseReads - reads).toBe(1);
    expect(store.cases.get(subject.id)!.status).toBe('under-review');
    expect(engine.resumes).toEqual([]);
    expect([...store.outbox.values()].map((item) => item.effect)).toContainEqual(expect.objectContaining({ kind: 'resume-step', token: 'token-2', answers: { task: taskId } }));
    await outboxDispatcher(store, engine, settableClock('2026-11-10T09:00:00.000Z'))();
    expect(engine.resumes.map((resume) => resume.token)).toEqual(['token-2']);
  });

  test('a re-run that finds the task answered and the case in its status already resumes the step at once, writing nothing', async () => {
    const { taskId } = await create('verify-residence', 'token-1', subject.id, 'under-review');
    store.tasks.set(taskId, { ...store.tasks.get(taskId)!, status: 'completed', completion: { outcome: 'approve', by: 'clerk', at: '2026-11-10T09:00:00.000Z' } });
    const commits = store.commits;
    await expect(create('verify-residence', 'token-2', subject.id, 'under-review')).resolves.toEqual({ taskId });
    expect(store.commits).toBe(commits);
    expect(store.outbox.size).toBe(0);
    expect(engine.resumes.map((resume) => resume.token)).toEqual(['token-2']);
  });

  test('a final status is refused and nothing changes: the case would close before its task', async () => {
    const before = store.eventsOf(subject.id).length;
    await expect(create('verify-residence', 'new-token', subject.id, 'issued')).rejects.toThrow("create-task cannot record the final status 'issued': the case would close before it waits");
    expect(store.cases.get(subject.id)!.status).toBe('submitted');
    expect(store.eventsOf(subject.id)).toHaveLength(before);
    expect(store.tasks.size).toBe(0);
  });

  test('a status the type does not declare is refused before any task opens', async () => {
    expect((await refusal(create('verify-residence', 'new-token', subject.id, 'no-such-status'))).kind).toBe('conflict');
    expect(store.tasks.size).toBe(0);
  });
});
