import { beforeEach, describe, expect, test } from '@jest/globals';
import { catalogue } from '../../../functions/catalogue/catalogue';
import type { Case } from '../../../functions/domain/case';
import type { OutboxItem } from '../../../functions/domain/effect';
import { reconcile } from '../../../functions/use-cases/reconcile';
import type { InMemoryCaseStore, InMemoryEventExchange, InMemoryWorkflowEngine, SettableClock, TelemetryRecorder } from '../../support/in-memory-ports';
import { aCase, executionIdFor, inMemoryCaseStore, inMemoryEventExchange, inMemoryWorkflowEngine, settableClock, telemetryRecorder, testUlid } from '../../support/in-memory-ports';

const submittedAt = new Date('2026-11-09T10:00:00Z');
let store: InMemoryCaseStore;
let engine: InMemoryWorkflowEngine;
let clock: SettableClock;
let telemetry: TelemetryRecorder;
let exchange: InMemoryEventExchange;

beforeEach(() => {
  exchange = inMemoryEventExchange();
  store = inMemoryCaseStore();
  engine = inMemoryWorkflowEngine();
  clock = settableClock('2026-11-10T09:00:00Z');
  telemetry = telemetryRecorder();
});

const run = (options = {}, workflows: InMemoryWorkflowEngine = engine) =>
  reconcile({ cases: store, reads: store, outbox: store, workflows, ...exchange, catalogue, clock, telemetry }, { pageSize: 2, ...options })();

function openCase(n: number, overrides: Partial<Case> = {}, typeKey = 'proof-of-residence'): Case {
  const subject = { ...aCase({ id: testUlid(n), typeKey, now: submittedAt, dueAt: new Date('2026-11-16T22:59:59.999Z'), sequence: n }), ...overrides };
  store.seedCase(subject);
  return subject;
}

const running = (subject: Case) => engine.executions.set(executionIdFor(subject.type.key, subject.id), 'running');
const ended = (subject: Case, state: 'failed' | 'timed-out' | 'aborted', error?: string) => {
  const id = executionIdFor(subject.type.key, subject.id);
  engine.executions.set(id, state);
  if (error) engine.errors.set(id, error);
};

describe('reconciling open cases with their workflows', () => {
  test('starts the execution an open case lacks, with its input, and leaves running ones alone (over several pages)', async () => {
    const lacking = openCase(1);
    const others = [openCase(2), openCase(3), openCase(4)];
    others.forEach(running);
    const report = await run();
    expect(report.examined).toBe(4);
    expect(report.started).toEqual([lacking.id]);
    expect(engine.starts).toEqual([{ typeKey: 'proof-of-residence', caseId: lacking.id, input: expect.objectContaining({ caseId: lacking.id, tenant: '44021' }) }]);
  });

  test('leaves closed cases out', async () => {
    openCase(1, { status: 'issued', closedAt: submittedAt.toISOString() });
    const report = await run();
    expect(report.examined).toBe(0);
    expect(engine.starts).toEqual([]);
  });

  test('a start still waiting in the outbox, and not yet stale, is left to the dispatcher', async () => {
    const subject = openCase(1);
    const item: OutboxItem = { id: testUlid(901), caseId: subject.id, effect: { kind: 'start-workflow', caseId: subject.id }, createdAt: '2026-11-10T08:59:30.000Z' };
    store.outbox.set(item.id, item);
    const report = await run();
    expect(report.started).toEqual([]);
    expect(report.redelivered).toBe(0);
    expect(engine.starts).toEqual([]);
    expect(store.outbox.has(item.id)).toBe(true);
    expect(report.flagged).toEqual([]);
    expect(store.cases.get(subject.id)!.attention).toBeUndefined();
  });

  test('delivers outbox items older than the stale limit, and counts those that fail again', async () => {
    const subject = openCase(1);
    running(subject);
    const stale: OutboxItem = { id: testUlid(901), caseId: subject.id, effect: { kind: 'resume-step', caseId: subject.id, token: 't-1', output: {}, answers: { task: 'x' } }, createdAt: '2026-11-10T08:58:59.000Z' };
    const failing: OutboxItem = { id: testUlid(902), caseId: subject.id, effect: { kind: 'resume-step', caseId: subject.id, token: 't-2', output: {}, answers: { task: 'y' } }, createdAt: '2026-11-10T08:58:00.000Z' };
    store.outbox.set(stale.id, stale);
    store.outbox.set(failing.id, failing);
    engine.failResume('t-2', Object.assign(new Error('down'), { name: 'ServiceUnavailable' }));
    const report = await run({ staleAfterMs: 60_000 });
    expect(report.redelivered).toBe(1);
    expect(report.undelivered).toBe(1);
    expect(engine.resumes).toEqual([{ token: 't-1', output: {} }]);
    expect([...store.outbox.keys()]).toEqual([failing.id]);
  });

  test('a run told that every item is stale (the local host starting again) delivers the outbox however young its items: the stream reads only what is written after the start', async () => {
    const subject = openCase(1);
    const young: OutboxItem = { id: testUlid(901), caseId: subject.id, effect: { kind: 'start-workflow', caseId: subject.id }, createdAt: '2026-11-10T08:59:58.000Z' };
    store.outbox.set(young.id, young);
    const reconciler = reconcile({ cases: store, reads: store, outbox: store, workflows: engine, ...exchange, catalogue, clock, telemetry }, { staleAfterMs: 60_000 });
    const report = await reconciler({ staleAfterMs: 0 });
    expect(report.redelivered).toBe(1);
    expect(engine.starts).toEqual([expect.objectContaining({ caseId: subject.id })]);
    expect(store.outbox.size).toBe(0);
    // The next run on the schedule keeps the configured limit.
    store.outbox.set(young.id, { ...young, id: testUlid(902) });
    await expect(reconciler()).resolves.toMatchObject({ redelivered: 0 });
  });

  test('an item exactly at the stale limit is delivered; one a moment younger is not', async () => {
    const subject = openCase(1);
    running(subject);
    const at = (createdAt: string, n: number): OutboxItem => ({ id: testUlid(n), caseId: subject.id, effect: { kind: 'resume-step', caseId: subject.id, token: `t-${n}`, output: {}, answers: { task: 'x' } }, createdAt });
    store.outbox.set(testUlid(901), at('2026-11-10T08:59:00.000Z', 901));
    store.outbox.set(testUlid(902), at('2026-11-10T08:59:00.001Z', 902));
    await run({ staleAfterMs: 60_000 });
    expect(engine.resumes.map((resume) => resume.token)).toEqual(['t-901']);
  });

  test.each(['succeeded', 'failed', 'timed-out', 'aborted'] as const)('flags an open case whose execution %s, once, with an audit event and a metric', async (state) => {
    const subject = openCase(1);
    engine.executions.set(executionIdFor(subject.type.key, subject.id), state);
    const first = await run();
    expect(first.flagged).toEqual([subject.id]);
    expect(store.cases.get(subject.id)!.attention).toEqual({ reason: `execution ${state}`, since: '2026-11-10T09:00:00.000Z' });
    expect(store.eventsOf(subject.id).at(-1)).toMatchObject({ action: 'case.needs-attention', actor: { kind: 'system', component: 'reconciler' }, details: { reason: `execution ${state}` } });
    const second = await run();
    expect(second.flagged).toEqual([]);
    expect(store.eventsOf(subject.id)).toHaveLength(2);
    expect(telemetry.needingAttention).toEqual(['proof-of-residence']);
    expect(engine.starts).toEqual([]);
  });

  test('names the error an execution failed with in the reason; another error than FailureNotRecorded is not counted with those', async () => {
    const subject = openCase(1);
    ended(subject, 'failed', 'States.Runtime');
    const report = await run();
    expect(report.flagged).toEqual([subject.id]);
    expect(store.cases.get(subject.id)!.attention?.reason).toBe('execution failed (States.Runtime)');
    expect(report.failuresNotRecorded).toEqual([]);
    expect(telemetry.notRecorded).toEqual([]);
  });

  describe('a workflow whose failure recorder could not write (FailureNotRecorded)', () => {
    test('is flagged for an operator with that reason, and counted apart as an infrastructure failure of its type', async () => {
      const subject = openCase(1);
      ended(subject, 'failed', 'FailureNotRecorded');
      const report = await run();
      expect(report.flagged).toEqual([subject.id]);
      expect(report.failuresNotRecorded).toEqual([subject.id]);
      expect(store.cases.get(subject.id)!.attention).toEqual({ reason: 'execution failed (FailureNotRecorded)', since: '2026-11-10T09:00:00.000Z' });
      expect(store.eventsOf(subject.id).at(-1)).toMatchObject({ action: 'case.needs-attention', details: { reason: 'execution failed (FailureNotRecorded)' } });
      expect(telemetry.needingAttention).toEqual(['proof-of-residence']);
      expect(telemetry.notRecorded).toEqual([{ typeKey: 'proof-of-residence', count: 1 }]);
    });

    test('is counted at every run while it lasts (the alarm stays raised), though flagged only once', async () => {
      const subject = openCase(1);
      ended(subject, 'failed', 'FailureNotRecorded');
      await run();
      const second = await run();
      expect(second.flagged).toEqual([]);
      expect(second.failuresNotRecorded).toEqual([subject.id]);
      expect(store.eventsOf(subject.id)).toHaveLength(2);
      expect(telemetry.needingAttention).toEqual(['proof-of-residence']);
      expect(telemetry.notRecorded).toEqual([
        { typeKey: 'proof-of-residence', count: 1 },
        { typeKey: 'proof-of-residence', count: 1 },
      ]);
    });

    test('is counted per type, one count per type and run; other ended executions are not counted, nor one aborted with that error name', async () => {
      ended(openCase(1), 'failed', 'FailureNotRecorded');
      ended(openCase(2), 'failed', 'FailureNotRecorded');
      ended(openCase(3, {}, 'event-permit'), 'failed', 'FailureNotRecorded');
      ended(openCase(4), 'timed-out', 'States.Timeout');
      ended(openCase(5), 'aborted');
      running(openCase(6));
      // StopExecution takes any error name: an execution stopped by hand with this one was not failed by its recorder.
      ended(openCase(7), 'aborted', 'FailureNotRecorded');
      const report = await run();
      expect(report.failuresNotRecorded.sort()).toEqual([testUlid(1), testUlid(2), testUlid(3)].sort());
      expect(report.flagged).toHaveLength(6);
      expect(telemetry.notRecorded).toEqual(
        expect.arrayContaining([
          { typeKey: 'proof-of-residence', count: 2 },
          { typeKey: 'event-permit', count: 1 },
        ]),
      );
      expect(telemetry.notRecorded).toHaveLength(2);
    });

    test('once redriven and running, is no longer counted and its flag is cleared', async () => {
      const subject = openCase(1);
      ended(subject, 'failed', 'FailureNotRecorded');
      await run();
      await engine.redrive(executionIdFor(subject.type.key, subject.id));
      const after = await run();
      expect(after.failuresNotRecorded).toEqual([]);
      expect(after.cleared).toEqual([subject.id]);
      expect(telemetry.notRecorded).toEqual([{ typeKey: 'proof-of-residence', count: 1 }]);
    });
  });

  test('clears the flag once the execution runs again', async () => {
    const subject = openCase(1, { attention: { reason: 'execution failed', since: '2026-11-09T12:00:00.000Z' } });
    running(subject);
    const report = await run();
    expect(report.cleared).toEqual([subject.id]);
    expect(store.cases.get(subject.id)!.attention).toBeUndefined();
    expect(store.eventsOf(subject.id).at(-1)).toMatchObject({ action: 'case.attention-cleared', details: { reason: 'execution failed' } });
  });

  describe('deadlines as operators see them', () => {
    const figuresOf = (typeKey: string) => telemetry.deadlineFigures.find((entry) => entry.typeKey === typeKey)?.figures;

    test('counts open cases past their due date and due within two days per type, with each tenant’s share; a case due later is in neither', async () => {
      [
        openCase(1, { dueAt: '2026-11-09T22:59:59.999Z' }),
        openCase(2, { dueAt: '2026-11-08T22:59:59.999Z' }),
        openCase(3, { dueAt: '2026-11-01T22:59:59.999Z', tenant: '41002' }),
        openCase(4, { dueAt: '2026-11-11T22:59:59.999Z' }),
        openCase(5, { dueAt: '2026-11-12T09:00:00.000Z', tenant: '41002' }),
        openCase(6, { dueAt: '2026-11-12T09:00:00.001Z' }),
        openCase(7, { dueAt: '2026-11-01T22:59:59.999Z' }, 'event-permit'),
      ].forEach(running);
      const report = await run();
      expect(report.deadlines['proof-of-residence']).toEqual({
        overdue: 3,
        dueSoon: 2,
        tenants: { '44021': { overdue: 2, dueSoon: 1 }, '41002': { overdue: 1, dueSoon: 1 } },
      });
      expect(figuresOf('proof-of-residence')).toEqual(report.deadlines['proof-of-residence']);
      expect(figuresOf('event-permit')).toEqual({ overdue: 1, dueSoon: 0, tenants: { '44021': { overdue: 1, dueSoon: 0 } } });
    });

    test('every published type gets its figures at every run, zeros too, so that an alarm sees for how long a type has had overdue cases', async () => {
      await run();
      expect(telemetry.deadlineFigures.map((entry) => entry.typeKey).sort()).toEqual(catalogue.all().map((type) => type.key).sort());
      expect(telemetry.deadlineFigures.every((entry) => entry.figures.overdue === 0 && entry.figures.dueSoon === 0)).toBe(true);
    });

    test('a case due exactly now is due soon, not overdue yet', async () => {
      running(openCase(1, { dueAt: '2026-11-10T09:00:00.000Z' }));
      expect((await run()).deadlines['proof-of-residence']).toEqual({ overdue: 0, dueSoon: 1, tenants: { '44021': { overdue: 0, dueSoon: 1 } } });
    });
  });

  test('an ended execution that the case itself names is described once a run: each DescribeExecution counts against the account quota', async () => {
    const subject = openCase(1);
    ended(subject, 'failed', 'States.Runtime');
    const described: string[] = [];
    const report = await run({}, { ...engine, describe: (executionId: string) => (described.push(executionId), engine.describe(executionId)) });
    expect(report.flagged).toEqual([subject.id]);
    expect(described).toEqual([subject.executionArn]);
  });

  describe('a case an operator reopened runs on a new execution', () => {
    const reopened = (n: number) => openCase(n, { executionArn: `${executionIdFor('proof-of-residence', testUlid(n))}-2` });

    test('whose state counts, not the ended one named after the case', async () => {
      const subject = reopened(1);
      engine.executions.set(executionIdFor(subject.type.key, subject.id), 'failed');
      engine.executions.set(subject.executionArn, 'running');
      const report = await run();
      expect(report.flagged).toEqual([]);
      expect(report.started).toEqual([]);
    });

    test('which is flagged when it ends in turn, and started under its own name when missing', async () => {
      const ending = reopened(1);
      engine.executions.set(executionIdFor(ending.type.key, ending.id), 'failed');
      engine.executions.set(ending.executionArn, 'timed-out');
      engine.errors.set(ending.executionArn, 'States.Timeout');
      const lacking = reopened(2);
      engine.executions.set(executionIdFor(lacking.type.key, lacking.id), 'failed');
      const report = await run();
      expect(report.flagged).toEqual([ending.id]);
      expect(store.cases.get(ending.id)!.attention?.reason).toBe('execution timed-out (States.Timeout)');
      expect(report.started).toEqual([lacking.id]);
      expect(engine.starts).toEqual([{ typeKey: 'proof-of-residence', caseId: `${lacking.id}-2`, input: expect.objectContaining({ caseId: lacking.id }) }]);
    });
  });

  test('an execution that timed out (its top-level TimeoutSeconds) puts the open case on the attention list with the reason and counts it', async () => {
    const subject = openCase(1);
    ended(subject, 'timed-out', 'States.Timeout');
    const report = await run();
    expect(report.flagged).toEqual([subject.id]);
    expect(store.cases.get(subject.id)!.attention?.reason).toBe('execution timed-out (States.Timeout)');
    expect(telemetry.needingAttention).toEqual(['proof-of-residence']);
    expect((await store.casesNeedingAttention({ tenant: '44021', limit: 10 })).items.map((item) => item.id)).toEqual([subject.id]);
  });

  test('a failure on one case is warned about and the others are still reconciled', async () => {
    const broken = openCase(1);
    const fine = openCase(2);
    engine.describe = async (id) => {
      if (id.endsWith(broken.id)) throw Object.assign(new Error('boom'), { name: 'InternalFailure' });
      return { state: 'missing' };
    };
    const report = await run();
    expect(report.started).toEqual([fine.id]);
    expect(telemetry.warnings).toEqual([{ message: 'A case could not be reconciled; the next run tries again', fields: { caseId: broken.id, error: 'InternalFailure' } }]);
  });

  test('a case whose execution is missing is started although another effect of it waits in the outbox: only a waiting start stands for it', async () => {
    const subject = openCase(1);
    const stop: OutboxItem = { id: testUlid(901), caseId: subject.id, effect: { kind: 'stop-workflow', caseId: subject.id, executionId: 'x', cause: 'withdrawn' }, createdAt: '2026-11-10T08:59:58.000Z' };
    store.outbox.set(stop.id, stop);
    const report = await run();
    expect(report.redelivered).toBe(0);
    expect(report.started).toEqual([subject.id]);
  });

  test('a flagged case whose execution is missing while its start waits in the outbox keeps its flag', async () => {
    const subject = openCase(1, { attention: { reason: 'execution failed', since: '2026-11-09T12:00:00.000Z' } });
    const item: OutboxItem = { id: testUlid(901), caseId: subject.id, effect: { kind: 'start-workflow', caseId: subject.id }, createdAt: '2026-11-10T08:59:30.000Z' };
    store.outbox.set(item.id, item);
    const report = await run();
    expect(report.cleared).toEqual([]);
    expect(report.flagged).toEqual([]);
    expect(store.cases.get(subject.id)!.attention).toEqual({ reason: 'execution failed', since: '2026-11-09T12:00:00.000Z' });
  });

  test('a flag someone cleared after the list was read is not reported cleared again', async () => {
    const subject = openCase(1);
    running(subject);
    const reads = {
      openCases: async (after: string | undefined, limit: number) => {
        const page = await store.openCases(after, limit);
        return { ...page, items: page.items.map((item) => ({ ...item, attention: { reason: 'execution failed', since: '2026-11-09T12:00:00.000Z' } })) };
      },
    };
    const report = await reconcile({ cases: store, reads, outbox: store, workflows: engine, ...exchange, catalogue, clock, telemetry })();
    expect(report.cleared).toEqual([]);
    expect(store.eventsOf(subject.id)).toHaveLength(1);
  });

  test('an open case the store no longer holds when it is read is neither started nor warned about', async () => {
    openCase(1);
    const cases = { ...store, get: async () => undefined };
    const report = await reconcile({ cases, reads: store, outbox: store, workflows: engine, ...exchange, catalogue, clock, telemetry })();
    expect(report.examined).toBe(1);
    expect(report.started).toEqual([]);
    expect(engine.starts).toEqual([]);
    expect(telemetry.warnings).toEqual([]);
  });

  test('while the execution named after the case runs, another one the case records is not consulted', async () => {
    const subject = openCase(1, { executionArn: `${executionIdFor('proof-of-residence', testUlid(1))}-2` });
    engine.executions.set(executionIdFor(subject.type.key, subject.id), 'running');
    engine.executions.set(subject.executionArn, 'failed');
    const report = await run();
    expect(report.flagged).toEqual([]);
    expect(store.cases.get(subject.id)!.attention).toBeUndefined();
  });

  test('without options, items a minute old are stale and open cases are read a hundred at a time', async () => {
    const subject = openCase(1);
    running(subject);
    const at = (createdAt: string, n: number): OutboxItem => ({ id: testUlid(n), caseId: subject.id, effect: { kind: 'resume-step', caseId: subject.id, token: `t-${n}`, output: {}, answers: { task: 'x' } }, createdAt });
    store.outbox.set(testUlid(901), at('2026-11-10T08:59:00.000Z', 901));
    store.outbox.set(testUlid(902), at('2026-11-10T08:59:00.001Z', 902));
    const limits: number[] = [];
    const reads = {
      openCases: (after: string | undefined, limit: number) => {
        limits.push(limit);
        return store.openCases(after, limit);
      },
    };
    await reconcile({ cases: store, reads, outbox: store, workflows: engine, ...exchange, catalogue, clock, telemetry })();
    expect(engine.resumes.map((resume) => resume.token)).toEqual(['t-901']);
    expect(limits).toEqual([100]);
    limits.length = 0;
    await reconcile({ cases: store, reads, outbox: store, workflows: engine, ...exchange, catalogue, clock, telemetry }, { pageSize: 7 })();
    expect(limits).toEqual([7]);
  });

  test('a case of a type that is still found but no longer listed has its deadline counted', async () => {
    openCase(1, { dueAt: '2026-11-09T00:00:00.000Z' });
    const unlisted = { ...catalogue, all: () => [] };
    const report = await reconcile({ cases: store, reads: store, outbox: store, workflows: engine, ...exchange, catalogue: unlisted, clock, telemetry })();
    expect(report.deadlines['proof-of-residence']).toEqual({ overdue: 1, dueSoon: 0, tenants: { '44021': { overdue: 1, dueSoon: 0 } } });
  });

  test('a case of a type no longer published is skipped', async () => {
    openCase(1, { type: { key: 'retired-type', version: 1 } });
    const report = await run();
    expect(report.examined).toBe(1);
    expect(report.started).toEqual([]);
    expect(telemetry.warnings).toEqual([]);
  });
});
