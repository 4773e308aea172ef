import { beforeEach, describe, expect, test } from '@jest/globals';
import { catalogue } from '../../../functions/catalogue/catalogue';
import type { Case } from '../../../functions/domain/case';
import { transition } from '../../../functions/domain/case';
import { systemActor } from '../../../functions/domain/actor';
import { recordStatus } from '../../../functions/use-cases/record-status';
import { reopenCase } from '../../../functions/use-cases/reopen-case';
import type { InMemoryCaseStore, InMemoryWorkflowEngine } from '../../support/in-memory-ports';
import { aCase, callerOf, clerkOf, inMemoryCaseStore, inMemoryWorkflowEngine, outboxDispatcher, settableClock, telemetryRecorder, testUlid, thenDispatch } from '../../support/in-memory-ports';

const submittedAt = new Date('2026-11-09T10:00:00Z');
const operator = callerOf('44021', ['operator']);
const type = catalogue.find('proof-of-residence')!;
let store: InMemoryCaseStore;
let engine: InMemoryWorkflowEngine;
let subject: Case;

/** The case as the workflow left it: under review, then closed `failed` by its catch-all. */
function closedFailed(): Case {
  const opened = aCase({ id: testUlid(1), typeKey: type.key, now: submittedAt, dueAt: new Date('2026-11-16T22:59:59.999Z') });
  const reviewed = transition(opened, type, { status: 'under-review', actor: systemActor('record-status'), now: new Date('2026-11-09T10:01:00Z') }).case;
  return transition(reviewed, type, { status: 'failed', actor: systemActor('record-status'), now: new Date('2026-11-09T10:02:00Z') }).case;
}

beforeEach(() => {
  store = inMemoryCaseStore();
  engine = inMemoryWorkflowEngine();
  subject = store.seedCase(closedFailed());
  engine.executions.set(subject.executionArn, 'failed');
});

const clock = settableClock('2026-11-10T09:00:00Z');
const useCase = () => reopenCase({ cases: store, workflows: engine, catalogue, clock });
const reopen = (caller = operator, caseId = subject.id) =>
  thenDispatch(useCase(), outboxDispatcher(store, engine, clock))({ caller, caseId, reason: 'closed during the register outage' });

describe('an operator reopens a case closed failed by mistake', () => {
  test('it returns to its last open status, without closing date or retention, audited with the reason', async () => {
    expect(subject.closedAt).toBeDefined();
    expect(subject.retention).toBeDefined();
    const { case: saved } = await reopen();
    expect(saved).toMatchObject({ status: 'under-review', version: subject.version + 1 });
    expect(saved.closedAt).toBeUndefined();
    expect(saved.retention).toBeUndefined();
    expect(saved.statusHistory.map((change) => change.status)).toEqual(['submitted', 'under-review', 'failed', 'under-review']);
    const [reopened, recorded] = store.eventsOf(subject.id).slice(-2);
    // The new execution runs the version the case records, and the case records it again.
    expect(recorded).toMatchObject({ action: 'workflow.version-recorded', details: { typeVersion: type.version } });
    expect(reopened).toMatchObject({
      action: 'case.reopened',
      actor: operator,
      reason: 'closed during the register outage',
      details: { from: 'failed', to: 'under-review', previousExecution: subject.id, execution: `${subject.id}-2` },
    });
  });

  test('its workflow starts again as a new execution, through the outbox, with ids only', async () => {
    const { case: saved } = await reopen();
    expect(store.effectsWritten).toEqual([{ kind: 'start-workflow', caseId: subject.id }]);
    expect(saved.executionArn).toBe(`${subject.executionArn}-2`);
    expect(engine.starts).toEqual([{ typeKey: type.key, caseId: `${subject.id}-2`, input: { caseId: subject.id, tenant: '44021', type: type.key, version: type.version } }]);
    expect(engine.executions.get(saved.executionArn)).toBe('running');
  });

  test('a case reopened before gets the next execution', async () => {
    store.cases.set(subject.id, { ...store.cases.get(subject.id)!, executionArn: `${subject.executionArn}-2` });
    const { case: saved } = await reopen();
    expect(saved.executionArn).toBe(`${subject.executionArn}-3`);
  });

  test.each(['under-review', 'issued', 'rejected', 'withdrawn'])("a case with status '%s' is a conflict, and nothing is written", async (status) => {
    store.cases.set(subject.id, { ...subject, status });
    const events = store.eventsOf(subject.id).length;
    await expect(reopen()).rejects.toMatchObject({ kind: 'conflict' });
    expect(store.eventsOf(subject.id)).toHaveLength(events);
    expect(store.cases.get(subject.id)!.version).toBe(subject.version);
    expect(store.effectsWritten).toEqual([]);
  });

  test('is decided on the case as written: reopened by another operator between the read and the write, it is a conflict', async () => {
    const decide = useCase();
    const racing = reopenCase({ cases: store, workflows: engine, catalogue, clock });
    const get = store.get.bind(store);
    let raced = false;
    store.get = async (id) => {
      const read = await get(id);
      if (!raced) {
        raced = true;
        await racing({ caller: operator, caseId: subject.id, reason: 'first' });
      }
      return read;
    };
    await expect(decide({ caller: operator, caseId: subject.id, reason: 'second' })).rejects.toMatchObject({ kind: 'conflict' });
    expect(store.effectsWritten).toHaveLength(1);
    expect(store.eventsOf(subject.id).filter((event) => event.action === 'case.reopened')).toHaveLength(1);
  });

  test('is for operators of the tenant: a clerk is forbidden, another tenant’s operator finds nothing', async () => {
    await expect(reopen(clerkOf())).rejects.toMatchObject({ kind: 'forbidden' });
    await expect(reopen(callerOf('41002', ['operator']))).rejects.toMatchObject({ kind: 'not-found' });
    expect(store.effectsWritten).toEqual([]);
  });

  describe('the new execution records statuses as a re-run does', () => {
    const record = (status: string) => recordStatus({ cases: store, catalogue, clock, telemetry: telemetryRecorder() })({ caseId: subject.id, status, actor: systemActor('record-status') });

    test('a status the case reached before is left alone', async () => {
      await reopen();
      expect(await record('under-review')).toBe('under-review');
      expect(store.cases.get(subject.id)!.statusHistory.map((change) => change.status)).toEqual(['submitted', 'under-review', 'failed', 'under-review']);
    });

    test('failing on the case again closes it failed again: the failure before the reopen does not count', async () => {
      await reopen();
      expect(await record('failed')).toBe('failed');
      const closed = store.cases.get(subject.id)!;
      expect(closed.closedAt).toBeDefined();
      expect(closed.statusHistory.map((change) => change.status)).toEqual(['submitted', 'under-review', 'failed', 'under-review', 'failed']);
    });
  });
});
