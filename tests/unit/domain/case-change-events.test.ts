import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { accessRecordSchema } from '../../../functions/api/api.schemas';
import { catalogue } from '../../../functions/catalogue/catalogue';
import type { Caller } from '../../../functions/domain/actor';
import { systemActor } from '../../../functions/domain/actor';
import type { AuditDraft } from '../../../functions/domain/audit';
import type { Case } from '../../../functions/domain/case';
import { extend, reopen, resume, suspend, transition, withdraw } from '../../../functions/domain/case';
import { bookkeepingActions, changeActions, eventsOfChange } from '../../../functions/domain/case-change-events';
import { caseEventData } from '../../../functions/domain/case-event.schemas';
import { beginDestruction, tombstoneAction, transferDueAction } from '../../../functions/domain/destruction';
import { claimTask, completeTask, openTask } from '../../../functions/domain/task';
import { aCase, testUlid } from '../../support/in-memory-ports';

const now = new Date('2026-11-10T09:00:00Z');
const clerk: Caller = { kind: 'user', subject: 'clerk-1', tenant: '44021', roles: ['clerk', 'police', 'college'] };
const applicant = { insz: '85073003328' } as const;
const permit = catalogue.find('event-permit')!;

const permitCase = (overrides: Partial<Case> = {}): Case => ({
  ...aCase({ id: testUlid(1), typeKey: 'event-permit', now, dueAt: new Date('2026-12-10T22:59:59.999Z'), applicant }),
  ...overrides,
});

/** The change's events as the store would publish them: from its audit draft and the case as saved. */
const eventsOf = (change: { audit: AuditDraft; case: Case }) => eventsOfChange(change.audit, change.case);
const typesOf = (change: { audit: AuditDraft; case: Case }) => eventsOf(change).map((event) => event.change);

describe('the events of a change', () => {
  test('a submission publishes submitted, with the status the case starts in', () => {
    const subject = permitCase();
    const events = eventsOfChange({ action: 'case.submitted', details: { number: subject.number, type: subject.type, status: 'submitted' } }, subject);
    expect(events).toEqual([
      {
        change: 'submitted',
        data: { caseId: subject.id, caseNumber: subject.number, tenant: '44021', transactionType: { key: 'event-permit', version: subject.type.version }, status: 'submitted' },
      },
    ]);
  });

  test('a status change carries its codes and the status’s inform flag: one the applicant is not informed of says so', () => {
    const moved = transition(permitCase({ status: 'under-advice' }), permit, { status: 'awaiting-decision', actor: systemActor('record-status'), now });
    expect(eventsOf(moved)).toEqual([expect.objectContaining({ change: 'status-changed', data: expect.objectContaining({ from: 'under-advice', to: 'awaiting-decision', inform: true, final: false }) })]);
    const back = transition({ ...permitCase({ status: 'under-advice' }) }, permit, { status: 'submitted', actor: systemActor('record-status'), now });
    expect(eventsOf(back)[0]?.data).toMatchObject({ to: 'submitted', inform: false });
  });

  test('a closing status with a decision and a document publishes status-changed, decided, document-issued and closed, in that order, without the decision’s reason', () => {
    const closed = transition(permitCase({ status: 'objection-period' }), permit, {
      status: 'granted',
      actor: systemActor('issue-certificate'),
      now,
      decision: { outcome: 'granted', decidedBy: 'clerk-1', reason: 'Mevrouw Janssens woont op de Veldstraat 1' },
      document: { kind: 'permit', reference: 'DOC-1', issuedAt: now.toISOString(), language: 'nl', title: { nl: 't', en: 't' }, text: { nl: 'Janssens', en: 'Janssens' } },
    });
    const events = eventsOf(closed);
    expect(events.map((event) => event.change)).toEqual(['status-changed', 'decided', 'document-issued', 'closed']);
    expect(events[0]?.data).toMatchObject({ from: 'objection-period', to: 'granted', inform: true, final: true });
    expect(events[1]?.data).toMatchObject({ outcome: 'granted' });
    expect(events[2]?.data).toMatchObject({ reference: 'DOC-1', kind: 'permit' });
    expect(events[3]?.data).toMatchObject({ status: 'granted', outcome: 'granted' });
    expect(JSON.stringify(events)).not.toMatch(/Janssens|Veldstraat/);
  });

  test('a failure recorded by a step closes the case: status-changed and closed, no decision', () => {
    const failed = transition(permitCase(), permit, { status: 'failed', actor: systemActor('record-status'), now, details: { step: 'Review' } });
    expect(typesOf(failed)).toEqual(['status-changed', 'closed']);
    expect(eventsOf(failed)[1]?.data).toEqual(expect.not.objectContaining({ outcome: expect.anything() }));
    // Not even as undefined: the event goes to the outbox and the bus as it is, and carries only what the change recorded.
    expect(Object.keys(eventsOf(failed)[1]!.data)).not.toContain('outcome');
  });

  test('a withdrawal publishes withdrawn, then the status change and the closing; its reason stays out', () => {
    const withdrawn = withdraw(permitCase(), permit, { actor: clerk, now, reason: 'Verhuisd naar Kerkstraat 5' });
    expect(typesOf(withdrawn)).toEqual(['withdrawn', 'status-changed', 'closed']);
    expect(JSON.stringify(eventsOf(withdrawn))).not.toContain('Kerkstraat');
  });

  test('a reopening publishes reopened and the status change back to the open status', () => {
    const failed = transition(permitCase({ status: 'under-advice', statusHistory: [{ status: 'submitted', at: now.toISOString(), by: 'x' }, { status: 'under-advice', at: now.toISOString(), by: 'x' }] }), permit, {
      status: 'failed',
      actor: systemActor('record-status'),
      now,
    }).case;
    const reopened = reopen(failed, permit, { actor: clerk, now, reason: 'outage', executionArnOf: (name) => `arn:aws:states:eu-west-1:000000000000:execution:loket-event-permit:${name}` });
    expect(eventsOf(reopened).map((event) => [event.change, event.data.from, event.data.to, event.data.inform, event.data.final])).toEqual([
      ['reopened', 'failed', 'under-advice', undefined, undefined],
      // The case is open again: a receiver that closed its copy on the failure opens it again.
      ['status-changed', 'failed', 'under-advice', true, false],
    ]);
  });

  test('suspension, resumption and extension publish their codes and the new deadline, never their reasons', () => {
    const suspended = suspend(permitCase(), permit, { actor: clerk, now, reason: 'wacht op mevrouw Peeters' });
    expect(eventsOf(suspended)).toEqual([expect.objectContaining({ change: 'suspended' })]);
    const resumed = resume(suspended.case, permit, { actor: clerk, now: new Date('2026-11-12T09:00:00Z') });
    expect(eventsOf(resumed)[0]).toMatchObject({ change: 'resumed', data: { dueAt: resumed.case.dueAt } });
    const extended = extend(permitCase(), permit, { actor: clerk, now, days: 10, reason: 'advies van de politie over mevrouw Peeters' });
    expect(eventsOf(extended)[0]).toMatchObject({ change: 'extended', data: { days: 10, dueAt: extended.case.dueAt } });
    expect(JSON.stringify([suspended, resumed, extended].map(eventsOf))).not.toContain('Peeters');
  });

  test('a task’s creation, claim and completion carry its id, name, role and outcome, never the motivation or the completion data', () => {
    const subject = permitCase();
    const created = openTask({
      id: testUlid(20),
      caseId: subject.id,
      caseNumber: subject.number,
      tenant: subject.tenant,
      name: 'police-advice',
      definition: permit.tasks['police-advice']!,
      dueAt: new Date('2026-11-17T22:59:59.999Z'),
      token: 'token-1',
      now,
    });
    expect(eventsOfChange(created.audit, subject)).toEqual([
      expect.objectContaining({ change: 'task-created', data: expect.objectContaining({ taskId: testUlid(20), name: 'police-advice', role: 'police', dueAt: created.task.dueAt }) }),
    ]);
    const claimed = claimTask(created.task, clerk, now)!;
    expect(eventsOfChange(claimed.audit, subject)[0]).toMatchObject({ change: 'task-claimed', data: { taskId: testUlid(20), name: 'police-advice' } });
    const completed = completeTask(claimed.task, { outcome: 'conditions', actor: clerk, now, reason: 'Dhr. Maes is bekend', data: { remark: 'Maes' } })!;
    const [event] = eventsOfChange(completed.audit, subject);
    expect(event).toMatchObject({ change: 'task-completed', data: { taskId: testUlid(20), name: 'police-advice', outcome: 'conditions' } });
    expect(JSON.stringify(event)).not.toContain('Maes');
  });

  test('a message awaited and received carry its name only, never its data', () => {
    const subject = permitCase();
    expect(eventsOfChange({ action: 'message.awaited', details: { name: 'payment-received' } }, subject)[0]).toMatchObject({ change: 'message-awaited', data: { name: 'payment-received' } });
    const received = eventsOfChange({ action: 'message.received', details: { name: 'payment-received', data: { payer: 'Jan Peeters' } } }, subject);
    expect(received[0]).toMatchObject({ change: 'message-received', data: { name: 'payment-received' } });
    expect(JSON.stringify(received)).not.toContain('Peeters');
  });

  test('needing attention and its clearing, a redrive and a destruction are published; the attention’s reason is not', () => {
    const subject = permitCase();
    expect(typesOf({ audit: { action: 'case.needs-attention', actor: systemActor('reconcile'), at: now.toISOString(), details: { reason: 'execution failed' } }, case: subject })).toEqual(['needs-attention']);
    expect(typesOf({ audit: { action: 'case.attention-cleared', actor: systemActor('reconcile'), at: now.toISOString() }, case: subject })).toEqual(['attention-cleared']);
    expect(typesOf({ audit: { action: 'case.redriven', actor: clerk, at: now.toISOString(), details: { execution: 'failed', attentionCleared: 'execution failed' } }, case: subject })).toEqual(['redriven', 'attention-cleared']);
    expect(typesOf({ audit: { action: 'case.redriven', actor: clerk, at: now.toISOString(), details: { execution: 'failed' } }, case: subject })).toEqual(['redriven']);
    const closed = transition(subject, permit, { status: 'refused', actor: systemActor('record-status'), now: new Date('2010-01-04T09:00:00Z') }).case;
    const remains = { case: closed, tasks: [], messageWaits: [], outbox: [], references: [], documentKeys: [] };
    const destroyed = beginDestruction(remains, systemActor('apply-retention'), new Date('2040-01-01T09:00:00Z'));
    expect(destroyed.audit.action).toBe(tombstoneAction);
    expect(eventsOf(destroyed)).toEqual([expect.objectContaining({ change: 'destroyed', data: expect.objectContaining({ caseId: subject.id }) })]);
  });

  test('a decision recorded without an outcome, or as null, publishes no decided event', () => {
    const subject = permitCase({ status: 'awaiting-decision' });
    for (const decision of [{ decidedBy: 'clerk-1' }, null]) {
      expect(eventsOfChange({ action: 'case.status-changed', details: { from: 'under-advice', decision } }, subject).map((event) => event.change)).toEqual(['status-changed']);
    }
  });

  test('of the details, only a string or a number goes along: an object a step passed in its place stays out', () => {
    const subject = permitCase();
    const person = { insz: '85073003328', name: 'Jan Peeters' };
    const events = [
      ...eventsOfChange({ action: 'message.awaited', details: { name: person } }, subject),
      ...eventsOfChange({ action: 'case.extended', details: { days: '10 days: Peeters was abroad' } }, subject),
      ...eventsOfChange({ action: 'case.status-changed', details: { from: person, decision: { outcome: person } } }, subject),
    ];
    expect(events.map((event) => event.change)).toEqual(['message-awaited', 'extended', 'status-changed']);
    expect(JSON.stringify(events)).not.toMatch(/85073003328|Peeters/);
  });

  test.each([['task.reissued'], ['workflow.version-recorded'], ['workflow.migrated'], ['task.result-undeliverable'], ['message.result-undeliverable'], [transferDueAction]])('%s is the workflow’s or the archive’s bookkeeping: it publishes nothing', (action) => {
    expect(changeActions).toContain(action);
    expect(bookkeepingActions.has(action)).toBe(true);
    expect(eventsOfChange({ action, details: { taskId: testUlid(20), name: 'x' } }, permitCase())).toEqual([]);
  });

  test('every other change publishes at least one event', () => {
    const details = { taskId: testUlid(20), name: 'x', role: 'clerk', dueAt: '2026-12-01T22:59:59.999Z', outcome: 'grant', from: 'submitted', days: 10 };
    const publishing = changeActions.filter((action) => !bookkeepingActions.has(action));
    expect(publishing.length).toBeGreaterThan(15);
    for (const action of publishing) expect([action, eventsOfChange({ action, details }, permitCase()).length > 0]).toEqual([action, true]);
  });

  test.each([['case.read'], ['case.history'], ['case.search'], ['document.download'], ['register.lookup'], ['data-subject.export'], ['data-subject.processing-log']])(
    'a read (%s) is no change and publishes nothing',
    (action) => {
      expect(changeActions).not.toContain(action);
      expect(eventsOfChange({ action, details: {} }, permitCase())).toEqual([]);
    },
  );

  test('every event a change publishes matches its type’s schema (strict: nothing undeclared)', () => {
    const subject = permitCase();
    const changes = [
      transition(subject, permit, { status: 'granted', actor: systemActor('x'), now, decision: { outcome: 'granted', decidedBy: 'x', reason: 'free text' } }),
      withdraw(subject, permit, { actor: clerk, now, reason: 'free text' }),
      suspend(subject, permit, { actor: clerk, now }),
      extend(subject, permit, { actor: clerk, now, days: 5, reason: 'free text' }),
      { case: subject, audit: { action: 'task.completed', actor: clerk, at: now.toISOString(), details: { taskId: testUlid(3), name: 'police-advice', outcome: 'favourable', motivation: 'free text' } } },
    ];
    const events = changes.flatMap(eventsOf);
    expect(events).toHaveLength(9);
    for (const event of events) expect({ change: event.change, error: caseEventData[event.change].safeParse(event.data).error?.issues }).toEqual({ change: event.change, error: undefined });
    expect(caseEventData['task-completed'].safeParse({ ...events.at(-1)!.data, motivation: 'free text' }).success).toBe(false);
  });
});

/**
 * Every audit action the code records (a literal `action: '…'`, or an exported action constant), read
 * from the sources. Under a mutation run the tests run in a sandbox of instrumented copies, whose
 * literals are wrapped in the mutants' switches; the project's own sources are two folders up.
 */
function auditActionsInSources(): string[] {
  const root = process.cwd().replace(/[\\/]\.stryker-tmp[\\/]sandbox-[^\\/]+$/, '');
  const files = (dir: string): string[] => readdirSync(dir).flatMap((name) => (statSync(join(dir, name)).isDirectory() ? files(join(dir, name)) : name.endsWith('.ts') ? [join(dir, name)] : []));
  const found = new Set<string>();
  for (const file of files(join(root, 'functions'))) {
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/(?:action: |Action = |\? )'([a-z-]+\.[a-z-]+)'/g)) found.add(match[1]!);
  }
  return [...found].sort();
}

test('every audit action the code records is mapped on purpose (to events or to none), and no access record is', () => {
  // Access records (reads of personal data, disclosures) go to the processing log, not to a case's trail: they change no case.
  const reads: readonly string[] = accessRecordSchema.shape.action.options;
  expect(reads).toContain('case.read');
  expect(reads.filter((action) => changeActions.includes(action))).toEqual([]);
  const recorded = auditActionsInSources().filter((action) => !reads.includes(action));
  expect(recorded.length).toBeGreaterThan(15);
  expect(recorded.filter((action) => !changeActions.includes(action))).toEqual([]);
});

test('a move to another version, or a result a step could not deliver, publishes no event', () => {
  for (const action of ['workflow.migrated', 'task.result-undeliverable', 'message.result-undeliverable', 'workflow.version-recorded']) {
    expect([action, eventsOfChange({ action, details: {} }, permitCase())]).toEqual([action, []]);
  }
});
