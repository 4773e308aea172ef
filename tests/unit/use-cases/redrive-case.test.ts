import { beforeEach, describe, expect, test } from '@jest/globals';
import { catalogue } from '../../../functions/catalogue/catalogue';
import type { Case } from '../../../functions/domain/case';
import type { ExecutionState } from '../../../functions/ports/workflow-engine.port';
import { redriveCase } from '../../../functions/use-cases/redrive-case';
import type { InMemoryCaseStore, InMemoryWorkflowEngine } from '../../support/in-memory-ports';
import { aCase, callerOf, clerkOf, inMemoryCaseStore, inMemoryWorkflowEngine, outboxDispatcher, refusal, settableClock, testUlid, thenDispatch } from '../../support/in-memory-ports';

const submittedAt = new Date('2026-11-09T10:00:00Z');
const operator = callerOf('44021', ['operator']);
let store: InMemoryCaseStore;
let engine: InMemoryWorkflowEngine;
let subject: Case;

beforeEach(() => {
  store = inMemoryCaseStore();
  engine = inMemoryWorkflowEngine();
  subject = store.seedCase(aCase({ id: testUlid(1), typeKey: 'proof-of-residence', now: submittedAt, dueAt: new Date('2026-11-16T22:59:59.999Z') }));
});

const clock = settableClock('2026-11-10T09:00:00Z');
const redrive = (caller = operator, caseId = subject.id) =>
  thenDispatch(redriveCase({ cases: store, workflows: engine, catalogue, clock }), outboxDispatcher(store, engine, clock))({ caller, caseId, reason: 'the register is back' });
const execution = (state: ExecutionState) => engine.executions.set(subject.executionArn, state);

describe('an operator redrives a case', () => {
  test.each(['failed', 'timed-out', 'aborted'] as const)('whose execution %s: the redrive is audited with the reason and delivered through the outbox', async (state) => {
    execution(state);
    const { case: saved } = await redrive();
    expect(saved).toEqual({ ...subject, version: subject.version + 1, updatedAt: '2026-11-10T09:00:00.000Z' });
    expect(store.eventsOf(subject.id).at(-1)).toMatchObject({ action: 'case.redriven', actor: operator, reason: 'the register is back', details: { execution: state } });
    expect(store.effectsWritten).toEqual([{ kind: 'redrive-workflow', caseId: subject.id, executionId: subject.executionArn }]);
    expect(engine.redrives).toEqual([subject.executionArn]);
    expect(engine.executions.get(subject.executionArn)).toBe('running');
  });

  test('clears the attention flag with the redrive, naming it in the audit event: a redriven case may close before the reconciler sees its execution run', async () => {
    execution('failed');
    store.cases.set(subject.id, { ...subject, attention: { reason: 'execution failed (TransientError)', since: '2026-11-10T08:00:00.000Z' } });
    const { case: saved } = await redrive();
    expect(saved.attention).toBeUndefined();
    expect(store.eventsOf(subject.id).at(-1)).toMatchObject({ action: 'case.redriven', details: { execution: 'failed', attentionCleared: 'execution failed (TransientError)' } });
    // Redriven on the case as the caller's check read it: it is not read again for the change.
    expect(store.caseReads).toBe(1);
  });

  test.each([
    ['running', 'running'],
    ['succeeded', 'succeeded'],
    ['missing', 'not started yet'],
  ] as const)('whose execution is %s is a conflict that says so, and nothing is written', async (state, said) => {
    if (state !== 'missing') execution(state);
    const error = await refusal(redrive());
    expect(error.kind).toBe('conflict');
    expect(error.message).toBe(`the workflow of case ${subject.number} is ${said}; only a failed, timed-out or aborted one can be redriven`);
    expect(store.eventsOf(subject.id)).toHaveLength(1);
    expect(engine.redrives).toEqual([]);
  });

  test('that is closed is a conflict', async () => {
    execution('failed');
    store.cases.set(subject.id, { ...subject, status: 'issued', closedAt: submittedAt.toISOString() });
    const error = await refusal(redrive());
    expect(error.kind).toBe('conflict');
    expect(error.message).toBe(`case ${subject.number} is closed with status 'issued'`);
  });

  test('is for operators of the tenant: a clerk is forbidden, another tenant’s operator finds nothing', async () => {
    execution('failed');
    await expect(redrive(clerkOf())).rejects.toMatchObject({ kind: 'forbidden' });
    await expect(redrive(callerOf('41002', ['operator']))).rejects.toMatchObject({ kind: 'not-found' });
    expect(engine.redrives).toEqual([]);
  });

  test('a redrive that finds the execution running again already is not needed, and harmless', async () => {
    execution('failed');
    await redriveCase({ cases: store, workflows: engine, catalogue, clock })({ caller: operator, caseId: subject.id, reason: 'x' });
    execution('running');
    await expect(outboxDispatcher(store, engine, clock)()).resolves.toEqual(['not-needed']);
    expect(engine.redrives).toEqual([]);
  });
});
