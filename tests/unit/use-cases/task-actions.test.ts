import { beforeEach, describe, expect, test } from '@jest/globals';
import { catalogue } from '../../../functions/catalogue/catalogue';
import { DomainError } from '../../../functions/domain/errors';
import type { Case } from '../../../functions/domain/case';
import type { Task } from '../../../functions/domain/task';
import { StepNoLongerWaits } from '../../../functions/ports/workflow-engine.port';
import type { CompleteTaskCommand } from '../../../functions/use-cases/task-actions';
import { claimTask, completeTask } from '../../../functions/use-cases/task-actions';
import type { InMemoryCaseStore, InMemoryWorkflowEngine, SettableClock, TelemetryRecorder } from '../../support/in-memory-ports';
import {
  aCase,
  aTask,
  callerOf,
  clerkOf,
  inMemoryCaseStore,
  inMemoryWorkflowEngine,
  outboxDispatcher,
  portalOf,
  refusal,
  settableClock,
  telemetryRecorder,
  testUlid,
  thenDispatch,
} from '../../support/in-memory-ports';

const submittedAt = new Date('2026-11-09T10:00:00Z');

let store: InMemoryCaseStore;
let engine: InMemoryWorkflowEngine;
let clock: SettableClock;
let telemetry: TelemetryRecorder;
let subject: Case;
let task: Task;

beforeEach(() => {
  store = inMemoryCaseStore();
  engine = inMemoryWorkflowEngine();
  clock = settableClock('2026-11-10T09:00:00Z');
  telemetry = telemetryRecorder();
  subject = store.seedCase(aCase({ id: testUlid(1), typeKey: 'proof-of-residence', now: submittedAt, dueAt: new Date('2026-11-17T22:59:59.999Z') }));
  task = store.seedTask(aTask(subject, { id: testUlid(10), name: 'verify-residence', token: 'token-1', now: submittedAt, dueAt: new Date('2026-11-13T22:59:59.999Z') }));
});

const claim = (caller = clerkOf(), taskId = task.id) => claimTask({ cases: store, clock })({ caller, taskId });
const complete = (overrides: Partial<CompleteTaskCommand> = {}) =>
  thenDispatch(completeTask({ cases: store, catalogue, clock }), outboxDispatcher(store, engine, clock, telemetry))({
    caller: clerkOf(),
    taskId: task.id,
    outcome: 'approve',
    ...overrides,
  });

describe('claiming a task', () => {
  test('assigns it to the clerk with an audit event and the case’s next version', async () => {
    const claimed = await claim();
    expect(claimed).toEqual({ ...task, status: 'claimed', assignee: clerkOf().subject });
    expect(store.tasks.get(task.id)).toEqual(claimed);
    expect(store.cases.get(subject.id)!.version).toBe(1);
    expect(store.eventsOf(subject.id).at(-1)).toMatchObject({
      action: 'task.claimed',
      actor: clerkOf(),
      at: '2026-11-10T09:00:00.000Z',
      details: { taskId: task.id, name: 'verify-residence' },
    });
  });

  test("of another tenant's task is not-found and leaves it open", async () => {
    const error = await refusal(claim(clerkOf('41002')));
    expect(error.kind).toBe('not-found');
    expect(store.tasks.get(task.id)!.status).toBe('open');
    expect(store.commits).toBe(0);
  });

  test('of an id that is not a ULID, or of no task, is not-found, naming the id', async () => {
    expect(await refusal(claim(clerkOf(), 'not-a-task'))).toMatchObject({ kind: 'not-found', message: 'task not-a-task does not exist' });
    expect(await refusal(claim(clerkOf(), testUlid(77)))).toMatchObject({ kind: 'not-found', message: `task ${testUlid(77)} does not exist` });
  });

  test('by someone without the task’s role is forbidden', async () => {
    const error = await refusal(claim(callerOf('44021', ['police'])));
    expect(error.kind).toBe('forbidden');
    expect(store.tasks.get(task.id)!.status).toBe('open');
  });

  test('again by the same clerk changes nothing: no write, no audit event', async () => {
    const first = await claim();
    const again = await claim();
    expect(again).toEqual(first);
    expect(store.commits).toBe(1);
    expect(store.eventsOf(subject.id)).toHaveLength(2);
    expect(store.cases.get(subject.id)!.version).toBe(1);
  });

  test('of a task claimed by another clerk is a conflict', async () => {
    await claim(clerkOf('44021', 'anna@gent'));
    const error = await refusal(claim(clerkOf('44021', 'bert@gent')));
    expect(error.kind).toBe('conflict');
    expect(store.tasks.get(task.id)!.assignee).toBe('anna@gent');
  });

  test('of N concurrent claims exactly one wins; the others conflict', async () => {
    const clerks = ['a', 'b', 'c', 'd', 'e'].map((name) => clerkOf('44021', `${name}@gent`));
    const settled = await Promise.allSettled(clerks.map((clerk) => claim(clerk)));
    const won = settled.filter((result) => result.status === 'fulfilled');
    const lost = settled.flatMap((result) => (result.status === 'rejected' ? [result.reason as DomainError] : []));
    expect(won).toHaveLength(1);
    expect(lost.map((error) => error.kind)).toEqual(['conflict', 'conflict', 'conflict', 'conflict']);
    const winner = (won[0] as PromiseFulfilledResult<Task>).value.assignee;
    expect(store.tasks.get(task.id)!.assignee).toBe(winner);
    expect(store.eventsOf(subject.id).filter((event) => event.action === 'task.claimed')).toHaveLength(1);
  });
});

describe('completing a task', () => {
  test('writes the completion and resumes the waiting step with the outcome, who and which task: the reason and data stay in the table', async () => {
    const done = await complete({ data: { registerChecked: true }, reason: 'address confirmed' });
    expect(done).toEqual({
      ...task,
      status: 'completed',
      completion: { outcome: 'approve', by: clerkOf().subject, at: '2026-11-10T09:00:00.000Z', reason: 'address confirmed', data: { registerChecked: true } },
    });
    expect(store.tasks.get(task.id)).toEqual(done);
    expect(store.eventsOf(subject.id).at(-1)).toMatchObject({ action: 'task.completed', details: { outcome: 'approve', motivation: 'address confirmed' } });
    expect(engine.resumes).toEqual([
      { token: 'token-1', output: { outcome: 'approve', completedBy: clerkOf().subject, taskId: task.id } },
    ]);
  });

  test('with an outcome the task does not allow is refused at `outcome`, writing and resuming nothing', async () => {
    const error = await refusal(complete({ outcome: 'maybe' }));
    expect(error.kind).toBe('validation');
    expect(error.errors).toEqual([{ path: 'outcome', message: 'must be one of: approve, reject' }]);
    expect(store.commits).toBe(0);
    expect(engine.resumes).toEqual([]);
  });

  test('with data its task’s schema does not admit is refused at the field, writing and resuming nothing', async () => {
    let deep: Record<string, unknown> = {};
    for (let level = 0; level < 40; level++) deep = { a: deep };
    const cases: [Record<string, unknown>, string][] = [
      [{ registerChecked: 'yes' }, 'data.registerChecked'],
      [{ note: 'n'.repeat(1001) }, 'data.note'],
      [{ unexpected: true }, 'data.unexpected'],
      [deep, 'data.a'],
    ];
    for (const [data, path] of cases) {
      const error = await refusal(complete({ data }));
      expect(error.kind).toBe('validation');
      expect(error.message).toBe('completion data does not match its task’s schema');
      expect(error.errors.map((field) => field.path)).toContain(path);
    }
    expect(store.commits).toBe(0);
    expect(engine.resumes).toEqual([]);
    expect(store.tasks.get(task.id)!.status).toBe('open');
  });

  test('with data, of a task its type no longer declares, is refused at `data`, writing nothing', async () => {
    store.tasks.set(task.id, { ...task, name: 'retired-task' });
    const error = await refusal(complete({ data: { registerChecked: true } }));
    expect(error.kind).toBe('validation');
    expect(error.message).toBe('unknown task');
    expect(error.errors).toEqual([{ path: 'data', message: "type 'proof-of-residence' declares no task 'retired-task'" }]);
    expect(store.commits).toBe(0);
    expect(store.tasks.get(task.id)!.status).toBe('open');
  });

  test("of another tenant's task is not-found", async () => {
    expect((await refusal(complete({ caller: clerkOf('41002') }))).kind).toBe('not-found');
    expect(engine.resumes).toEqual([]);
  });

  test('by someone without the task’s role is forbidden', async () => {
    expect((await refusal(complete({ caller: portalOf() }))).kind).toBe('forbidden');
  });

  test('of a task claimed by someone else is a conflict', async () => {
    await claim(clerkOf('44021', 'anna@gent'));
    expect((await refusal(complete({ caller: clerkOf('44021', 'bert@gent') }))).kind).toBe('conflict');
  });

  test('a second time is a conflict, and the step is resumed once', async () => {
    await complete();
    expect((await refusal(complete({ outcome: 'reject' }))).kind).toBe('conflict');
    expect(engine.resumes).toHaveLength(1);
    expect(store.tasks.get(task.id)!.completion!.outcome).toBe('approve');
  });

  test('is conditioned on the token read: a re-run of the step between read and write makes it a conflict', async () => {
    store.beforeCommit = () => {
      store.tasks.set(task.id, { ...task, token: 'token-2' });
    };
    const error = await refusal(complete());
    expect(error.kind).toBe('conflict');
    expect(store.tasks.get(task.id)).toEqual({ ...task, token: 'token-2' });
    expect(engine.resumes).toEqual([]);
  });

  test('answers as soon as the completion commits: the outcome for the step goes through the outbox in the same change', async () => {
    const done = await completeTask({ cases: store, catalogue, clock })({ caller: clerkOf(), taskId: task.id, outcome: 'approve' });
    expect(done.status).toBe('completed');
    expect(engine.resumes).toEqual([]);
    expect(store.effectsWritten).toEqual([
      {
        kind: 'resume-step',
        caseId: subject.id,
        token: 'token-1',
        output: { outcome: 'approve', completedBy: clerkOf().subject, taskId: task.id },
        answers: { task: task.id },
      },
    ]);
  });

  test('the same completion retried by the same clerk answers the same task and writes nothing more', async () => {
    const first = await complete();
    const commits = store.commits;
    const again = await complete();
    expect(again).toEqual(first);
    expect(store.commits).toBe(commits);
    expect(engine.resumes).toHaveLength(1);
  });

  test('another outcome after completion, or the same outcome by another clerk, is a conflict', async () => {
    await complete();
    expect((await refusal(complete({ outcome: 'reject' }))).kind).toBe('conflict');
    expect((await refusal(complete({ caller: clerkOf('44021', 'another-clerk') }))).kind).toBe('conflict');
  });

  test('when the step no longer waits the completion stands, and the audit trail says the result was undeliverable', async () => {
    engine.failResume('token-1', new StepNoLongerWaits('TaskTimedOut'));
    const done = await complete();
    expect(done.status).toBe('completed');
    expect(store.eventsOf(subject.id).at(-1)).toMatchObject({
      action: 'task.result-undeliverable',
      actor: { kind: 'system', component: 'outbox' },
      details: { taskId: task.id, reason: 'TaskTimedOut' },
    });
    expect(store.outbox.size).toBe(0);
    expect(telemetry.warnings).toEqual([{ message: 'A result reached a step that no longer waits', fields: { caseId: subject.id, reason: 'TaskTimedOut' } }]);
  });

  test('any other engine error leaves the outcome in the outbox for the next delivery', async () => {
    const failure = new Error('throttled');
    engine.failResume('token-1', failure);
    await expect(complete()).rejects.toBe(failure);
    expect(store.tasks.get(task.id)!.status).toBe('completed');
    expect(store.outbox.size).toBe(1);
    expect(telemetry.warnings).toEqual([]);
  });

  test('X-Audit-Reason and the body’s reason are both kept: the reason for the action and the motivation of the decision', async () => {
    const done = await complete({ reason: 'from the body', auditReason: 'from the header' });
    expect(done.completion!.reason).toBe('from the body');
    expect(store.eventsOf(subject.id).at(-1)).toMatchObject({ reason: 'from the header', details: { motivation: 'from the body' } });
  });

  test("X-Audit-Reason alone is the audit event's reason and does not become the decision's motivation, nor reach the step", async () => {
    const done = await complete({ auditReason: 'from the header' });
    expect(done.completion!.reason).toBeUndefined();
    const event = store.eventsOf(subject.id).at(-1)!;
    expect(event.reason).toBe('from the header');
    expect(event.details).not.toHaveProperty('motivation');
    expect(engine.resumes[0]!.output).toEqual({ outcome: 'approve', completedBy: clerkOf().subject, taskId: task.id });
  });

  test('a body’s reason alone is the motivation, and the audit event has no reason for the action', async () => {
    await complete({ reason: 'from the body' });
    const event = store.eventsOf(subject.id).at(-1)!;
    expect(event.reason).toBeUndefined();
    expect(event.details).toMatchObject({ motivation: 'from the body' });
  });
});

describe('a completion racing its own retry', () => {
  test('the retry that loses the write is answered with the completed task, like any later retry', async () => {
    let raced = false;
    store.beforeCommit = async () => {
      if (raced) return;
      raced = true;
      // The original request commits first, between the retry's read and its write.
      await completeTask({ cases: store, catalogue, clock })({ caller: clerkOf(), taskId: task.id, outcome: 'approve' });
    };
    const answer = await completeTask({ cases: store, catalogue, clock })({ caller: clerkOf(), taskId: task.id, outcome: 'approve' });
    expect(answer.status).toBe('completed');
    expect(answer.completion).toMatchObject({ outcome: 'approve', by: clerkOf().subject });
    expect(store.eventsOf(subject.id).filter((event) => event.action === 'task.completed')).toHaveLength(1);
  });

  test('a retry with data off the schema is refused, though the same clerk’s same outcome committed meanwhile', async () => {
    const read = store.getTask.bind(store);
    let raced = false;
    store.getTask = async (id) => {
      const found = await read(id);
      if (!raced) {
        raced = true;
        // The original request commits right after the retry has read the task.
        await completeTask({ cases: store, catalogue, clock })({ caller: clerkOf(), taskId: task.id, outcome: 'approve', data: { registerChecked: true } });
      }
      return found;
    };
    const error = await refusal(completeTask({ cases: store, catalogue, clock })({ caller: clerkOf(), taskId: task.id, outcome: 'approve', data: { registerChecked: 'yes' } }));
    expect(error.kind).toBe('validation');
    expect(error.errors.map((field) => field.path)).toEqual(['data.registerChecked']);
  });

  test('a failure of the write that is not a lost race propagates, though the same clerk’s same outcome committed meanwhile', async () => {
    const failure = new Error('table unavailable');
    store.beforeCommit = async () => {
      store.beforeCommit = undefined;
      await completeTask({ cases: store, catalogue, clock })({ caller: clerkOf(), taskId: task.id, outcome: 'approve' });
      throw failure;
    };
    await expect(completeTask({ cases: store, catalogue, clock })({ caller: clerkOf(), taskId: task.id, outcome: 'approve' })).rejects.toBe(failure);
  });

  test('another outcome racing it still loses with a conflict', async () => {
    let raced = false;
    store.beforeCommit = async () => {
      if (raced) return;
      raced = true;
      await completeTask({ cases: store, catalogue, clock })({ caller: clerkOf(), taskId: task.id, outcome: 'approve' });
    };
    await expect(completeTask({ cases: store, catalogue, clock })({ caller: clerkOf(), taskId: task.id, outcome: 'reject' })).rejects.toMatchObject({ kind: 'conflict' });
  });
});
