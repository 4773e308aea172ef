import { beforeEach, describe, expect, test } from '@jest/globals';
import { catalogue } from '../../../functions/catalogue/catalogue';
import type { Case } from '../../../functions/domain/case';
import type { Effect, OutboxItem } from '../../../functions/domain/effect';
import { StepNoLongerWaits } from '../../../functions/ports/workflow-engine.port';
import { deliverBatch, deliverEffect } from '../../../functions/use-cases/deliver-effect';
import { startCaseWorkflow } from '../../../functions/use-cases/start-workflow';
import { systemActor } from '../../../functions/domain/actor';
import type { InMemoryCaseStore, InMemoryEventExchange, InMemoryWorkflowEngine, TelemetryRecorder } from '../../support/in-memory-ports';
import { aCase, aCaseEvent, executionIdFor, inMemoryCaseStore, inMemoryEventExchange, inMemoryWorkflowEngine, settableClock, telemetryRecorder, testUlid } from '../../support/in-memory-ports';

const submittedAt = new Date('2026-11-09T10:00:00Z');
let store: InMemoryCaseStore;
let engine: InMemoryWorkflowEngine;
let telemetry: TelemetryRecorder;
let exchange: InMemoryEventExchange;
let subject: Case;

beforeEach(() => {
  exchange = inMemoryEventExchange();
  store = inMemoryCaseStore();
  engine = inMemoryWorkflowEngine();
  telemetry = telemetryRecorder();
  // Submitted as version 1, from which the tests below tell the type's later versions.
  subject = store.seedCase(aCase({ id: testUlid(1), typeKey: 'proof-of-residence', typeVersion: 1, now: submittedAt, dueAt: new Date('2026-11-16T22:59:59.999Z') }));
});

/** Puts an effect in the outbox as a change would, and returns its item. */
function enqueue(effect: Effect): OutboxItem {
  const item: OutboxItem = { id: testUlid(900 + store.outbox.size), caseId: subject.id, effect, createdAt: submittedAt.toISOString() };
  store.outbox.set(item.id, item);
  return item;
}

const dependencies = () => ({ cases: store, outbox: store, workflows: engine, events: exchange.events, fanOut: exchange.fanOut, catalogue, clock: settableClock('2026-11-10T09:00:00Z'), telemetry });
const deliver = (item: OutboxItem) => deliverEffect(dependencies())(item);

describe('delivering an outbox item', () => {
  test('starts the workflow named after the case with ids and codes only (no personal data), and leaves the outbox', async () => {
    const item = enqueue({ kind: 'start-workflow', caseId: subject.id });
    await expect(deliver(item)).resolves.toBe('delivered');
    expect(engine.starts).toEqual([
      { typeKey: 'proof-of-residence', caseId: subject.id, input: { caseId: subject.id, tenant: '44021', type: 'proof-of-residence', version: 1 } },
    ]);
    expect(store.outbox.size).toBe(0);
  });

  test('a start delivered twice runs one execution', async () => {
    const item = enqueue({ kind: 'start-workflow', caseId: subject.id });
    await deliver(item);
    await deliver(item);
    expect(engine.starts).toHaveLength(1);
  });

  const version = (n: number) => `arn:aws:states:eu-west-1:000000000000:stateMachine:loket-proof-of-residence:${n}`;

  test('a started case records the workflow version it runs on, once however often the start is delivered', async () => {
    const item = enqueue({ kind: 'start-workflow', caseId: subject.id });
    await deliver(item);
    await deliver(item);
    expect(store.cases.get(subject.id)).toMatchObject({ type: { key: 'proof-of-residence', version: 1 }, workflowVersionArn: version(1), version: subject.version + 1 });
    expect(store.eventsOf(subject.id).filter((event) => event.action === 'workflow.version-recorded')).toEqual([
      expect.objectContaining({ actor: { kind: 'system', component: 'outbox' }, details: { versionArn: version(1), typeVersion: 1 } }),
    ]);
  });

  test('a case records the version it is to run on before its execution starts, so that no step of its workflow races the recording', async () => {
    const recordedAtStart: Array<string | undefined> = [];
    const start = engine.start.bind(engine);
    engine.start = async (...args) => {
      recordedAtStart.push(store.cases.get(subject.id)?.workflowVersionArn);
      return start(...args);
    };
    engine.currentVersions.set('proof-of-residence', 1);
    await deliver(enqueue({ kind: 'start-workflow', caseId: subject.id }));
    expect(recordedAtStart).toEqual([version(1)]);
    expect(engine.starts.map((started) => started.versionArn)).toEqual([version(1)]);
    // Read once, by the delivery: the recording starts from that case.
    expect(store.caseReads).toBe(1);
  });

  test('a case whose execution was started before it recorded a version (a start that crashed before recording) records the version that runs', async () => {
    engine.currentVersions.set('proof-of-residence', 1);
    await engine.start('proof-of-residence', subject.id, { caseId: subject.id, tenant: '44021', type: 'proof-of-residence', version: 1 });
    engine.currentVersions.set('proof-of-residence', 2);
    await deliver(enqueue({ kind: 'start-workflow', caseId: subject.id }));
    expect(store.cases.get(subject.id)).toMatchObject({ type: { version: 1 }, workflowVersionArn: version(1) });
    expect(store.eventsOf(subject.id).filter((event) => event.action === 'workflow.version-recorded').map((event) => event.details)).toEqual([
      { versionArn: version(2), typeVersion: 2, submittedAs: 1 },
      { versionArn: version(1), typeVersion: 1, submittedAs: 2 },
    ]);
  });

  test('an engine that cannot tell the version new cases start on (an alias split between versions) records the one that runs after the start', async () => {
    await deliver(enqueue({ kind: 'start-workflow', caseId: subject.id }));
    expect(engine.starts.map((started) => started.versionArn)).toEqual([undefined]);
    expect(store.cases.get(subject.id)).toMatchObject({ workflowVersionArn: version(1) });
    // Nothing changed the case between the delivery's read and the recording: it is read once.
    expect(store.caseReads).toBe(1);
  });

  test('a start that runs on the version it asked for reads the case no second time: that version is recorded already', async () => {
    engine.currentVersions.set('proof-of-residence', 1);
    const start = startCaseWorkflow({ cases: store, workflows: engine, clock: settableClock('2026-11-10T09:00:00Z') }, systemActor('outbox'));
    await start(subject);
    // The one change records the version before the start.
    expect(store.decideRuns).toBe(1);
    // Delivered again, the start finds the execution that runs on the recorded version, and reads nothing.
    await start(store.cases.get(subject.id)!);
    expect(store.decideRuns).toBe(1);
    expect(engine.starts.map((started) => started.versionArn)).toEqual([version(1)]);
  });

  test('two deliveries of a start that both read the case before either recorded its version record it once', async () => {
    engine.currentVersions.set('proof-of-residence', 1);
    const start = startCaseWorkflow({ cases: store, workflows: engine, clock: settableClock('2026-11-10T09:00:00Z') }, systemActor('outbox'));
    await Promise.all([start(subject), start(subject)]);
    expect(store.eventsOf(subject.id).filter((event) => event.action === 'workflow.version-recorded')).toHaveLength(1);
    expect(engine.starts).toHaveLength(1);
  });

  test('a case that records the version but not the type version it publishes (the engine could not tell) takes the type version once the engine tells it', async () => {
    engine.currentVersions.set('proof-of-residence', 2);
    store.cases.set(subject.id, { ...subject, workflowVersionArn: version(2) });
    const stale = { ...subject, workflowVersionArn: undefined };
    await startCaseWorkflow({ cases: store, workflows: engine, clock: settableClock('2026-11-10T09:00:00Z') }, systemActor('outbox'))(stale);
    expect(store.cases.get(subject.id)).toMatchObject({ type: { version: 2 }, workflowVersionArn: version(2) });
  });

  test('recording the version a case runs on leaves its updatedAt: nothing a caller sees changed, so its search index copies are not rewritten (issue 14)', async () => {
    await deliver(enqueue({ kind: 'start-workflow', caseId: subject.id }));
    expect(store.cases.get(subject.id)).toMatchObject({ workflowVersionArn: version(1), updatedAt: subject.updatedAt });
  });

  test('a case whose type published a version between its submission and its start takes the version that runs, and the trail keeps the one it was submitted as', async () => {
    engine.currentVersions.set('proof-of-residence', 2);
    await deliver(enqueue({ kind: 'start-workflow', caseId: subject.id }));
    expect(store.cases.get(subject.id)).toMatchObject({ type: { version: 2 }, workflowVersionArn: version(2), updatedAt: '2026-11-10T09:00:00.000Z' });
    expect(store.eventsOf(subject.id).at(-1)).toMatchObject({ action: 'workflow.version-recorded', details: { typeVersion: 2, submittedAs: 1 } });
  });

  test('a case that records a version starts on it again, not on the newest', async () => {
    store.cases.set(subject.id, { ...subject, workflowVersionArn: version(1) });
    engine.currentVersions.set('proof-of-residence', 2);
    await deliver(enqueue({ kind: 'start-workflow', caseId: subject.id }));
    expect(engine.starts.map((start) => start.versionArn)).toEqual([version(1)]);
    expect(store.cases.get(subject.id)).toMatchObject({ type: { version: 1 }, workflowVersionArn: version(1), version: subject.version });
  });

  test('an engine that names no version for the start (a machine published without versions) leaves the case as it is', async () => {
    store.cases.set(subject.id, { ...subject, workflowVersionArn: version(1) });
    const start = engine.start.bind(engine);
    engine.start = async (...args) => ({ executionId: (await start(...args)).executionId });
    await expect(deliver(enqueue({ kind: 'start-workflow', caseId: subject.id }))).resolves.toBe('delivered');
    expect(engine.starts).toHaveLength(1);
    expect(store.cases.get(subject.id)).toMatchObject({ workflowVersionArn: version(1), version: subject.version });
  });

  test('a start for a case closed meanwhile, or gone, is not needed and starts nothing', async () => {
    store.cases.set(subject.id, { ...subject, status: 'withdrawn', closedAt: submittedAt.toISOString() });
    await expect(deliver(enqueue({ kind: 'start-workflow', caseId: subject.id }))).resolves.toBe('not-needed');
    store.cases.delete(subject.id);
    await expect(deliver(enqueue({ kind: 'start-workflow', caseId: subject.id }))).resolves.toBe('not-needed');
    expect(engine.starts).toEqual([]);
    expect(store.outbox.size).toBe(0);
  });

  test('hands a waiting step its result', async () => {
    const item = enqueue({ kind: 'resume-step', caseId: subject.id, token: 't-1', output: { outcome: 'approve' }, answers: { task: testUlid(10) } });
    await expect(deliver(item)).resolves.toBe('delivered');
    expect(engine.resumes).toEqual([{ token: 't-1', output: { outcome: 'approve' } }]);
  });

  test('a result for a step that no longer waits is recorded as undeliverable, once, and leaves the outbox', async () => {
    engine.failResume('t-1', new StepNoLongerWaits('TaskTimedOut'));
    // Another effect of the case waits in the outbox beside it: this item's own presence is what counts.
    enqueue({ kind: 'stop-workflow', caseId: subject.id, executionId: executionIdFor('proof-of-residence', subject.id), cause: 'withdrawn' });
    const item = enqueue({ kind: 'resume-step', caseId: subject.id, token: 't-1', output: { outcome: 'approve' }, answers: { task: testUlid(10) } });
    await expect(deliver(item)).resolves.toBe('undeliverable');
    const trail = store.eventsOf(subject.id);
    expect(trail).toHaveLength(2);
    expect(trail[1]).toEqual(
      expect.objectContaining({
        action: 'task.result-undeliverable',
        actor: { kind: 'system', component: 'outbox' },
        at: '2026-11-10T09:00:00.000Z',
        details: { taskId: testUlid(10), reason: 'TaskTimedOut', outboxId: item.id },
      }),
    );
    expect([...store.outbox.keys()]).toEqual([testUlid(900)]);
    expect(telemetry.warnings).toEqual([{ message: 'A result reached a step that no longer waits', fields: { caseId: subject.id, reason: 'TaskTimedOut' } }]);
  });

  test('a result delivered twice (the stream again after a timed-out batch, or the reconciler and the stream at once) records nothing the second time: the first took it from the outbox', async () => {
    const item = enqueue({ kind: 'resume-step', caseId: subject.id, token: 't-1', output: { outcome: 'approve' }, answers: { task: testUlid(10) } });
    await expect(deliver(item)).resolves.toBe('delivered');
    // The step took the result: its token no longer waits.
    engine.failResume('t-1', new StepNoLongerWaits('TaskTimedOut'));
    // The case's outbox holds another effect meanwhile: only this item's own presence counts.
    const other: OutboxItem = { id: testUlid(950), caseId: subject.id, effect: { kind: 'stop-workflow', caseId: subject.id, executionId: executionIdFor('proof-of-residence', subject.id), cause: 'withdrawn' }, createdAt: submittedAt.toISOString() };
    store.outbox.set(other.id, other);
    await expect(deliver(item)).resolves.toBe('not-needed');
    expect(store.eventsOf(subject.id)).toHaveLength(1);
    expect(telemetry.warnings).toEqual([]);
  });

  test('a message that no longer has a waiting step is named in its undeliverable event', async () => {
    engine.failResume('w-1', new StepNoLongerWaits('InvalidToken'));
    await deliver(enqueue({ kind: 'resume-step', caseId: subject.id, token: 'w-1', output: {}, answers: { message: 'payment-received' } }));
    expect(store.eventsOf(subject.id).at(-1)).toMatchObject({ action: 'message.result-undeliverable', details: { name: 'payment-received', reason: 'InvalidToken' } });
  });

  test('a transient failure propagates and the item stays in the outbox for the next delivery', async () => {
    const failure = Object.assign(new Error('slow down'), { name: 'ThrottlingException' });
    engine.failResume('t-1', failure);
    const item = enqueue({ kind: 'resume-step', caseId: subject.id, token: 't-1', output: {}, answers: { task: testUlid(10) } });
    await expect(deliver(item)).rejects.toBe(failure);
    expect(store.outbox.has(item.id)).toBe(true);
    expect(store.eventsOf(subject.id)).toHaveLength(1);
  });

  test('stops the execution it names', async () => {
    const executionId = executionIdFor('proof-of-residence', subject.id);
    await expect(deliver(enqueue({ kind: 'stop-workflow', caseId: subject.id, executionId, cause: 'Withdrawn by x' }))).resolves.toBe('delivered');
    expect(engine.stops).toEqual([{ executionId, cause: 'Withdrawn by x' }]);
    expect(store.outbox.size).toBe(0);
  });

  test('a redrive runs a failed execution again, and is not needed for one that runs already', async () => {
    const executionId = executionIdFor('proof-of-residence', subject.id);
    engine.executions.set(executionId, 'failed');
    await expect(deliver(enqueue({ kind: 'redrive-workflow', caseId: subject.id, executionId }))).resolves.toBe('delivered');
    expect(engine.redrives).toEqual([executionId]);
    await expect(deliver(enqueue({ kind: 'redrive-workflow', caseId: subject.id, executionId }))).resolves.toBe('not-needed');
    expect(engine.redrives).toEqual([executionId]);
    expect(store.outbox.size).toBe(0);
  });

  test('a closing notice goes to the event bus only (not to the exchange), and leaves the outbox; a bus that fails keeps it there', async () => {
    const notice = { caseId: subject.id, tenant: subject.tenant, type: subject.type.key, status: 'granted' };
    const item = enqueue({ kind: 'publish-closing-notice', caseId: subject.id, notice });
    exchange.failNext('publish', Object.assign(new Error('slow down'), { name: 'ThrottlingException' }));
    await expect(deliver(item)).rejects.toThrow('slow down');
    expect(store.outbox.has(item.id)).toBe(true);
    await expect(deliver(item)).resolves.toBe('delivered');
    expect(exchange.closingNotices).toEqual([notice]);
    expect([exchange.published, exchange.fannedOut]).toEqual([[], []]);
    expect(store.outbox.size).toBe(0);
  });

  describe('an event of a change', () => {
    const event = (id: string, sequence: string) =>
      aCaseEvent(subject, { id, change: 'status-changed', sequence, time: submittedAt.toISOString(), data: { from: 'submitted', to: 'under-review', inform: true, final: false } });

    test('is published on the bus, then handed to the fan-out, and leaves the outbox', async () => {
      const published = event(testUlid(700), '0000000002.00');
      await expect(deliver(enqueue({ kind: 'publish-event', caseId: subject.id, event: published }))).resolves.toBe('delivered');
      expect(exchange.published).toEqual([published]);
      expect(exchange.fannedOut).toEqual([published]);
      expect(store.outbox.size).toBe(0);
    });

    test('a bus that fails leaves the item in the outbox and hands the fan-out nothing; the next delivery publishes the same event', async () => {
      const published = event(testUlid(701), '0000000002.00');
      const item = enqueue({ kind: 'publish-event', caseId: subject.id, event: published });
      const failure = Object.assign(new Error('slow down'), { name: 'ThrottlingException' });
      exchange.failNext('publish', failure);
      await expect(deliver(item)).rejects.toBe(failure);
      expect(store.outbox.has(item.id)).toBe(true);
      expect(exchange.fannedOut).toEqual([]);
      await expect(deliver(item)).resolves.toBe('delivered');
      expect(exchange.published.map((sent) => sent.id)).toEqual([testUlid(701)]);
      expect(exchange.fannedOut.map((sent) => sent.id)).toEqual([testUlid(701)]);
    });

    test('a fan-out that fails leaves the item in the outbox: delivered again, the bus gets the same event id once more and the fan-out gets it', async () => {
      const published = event(testUlid(702), '0000000003.00');
      const item = enqueue({ kind: 'publish-event', caseId: subject.id, event: published });
      exchange.failNext('fanOut', new Error('table unavailable'));
      await expect(deliver(item)).rejects.toThrow('table unavailable');
      expect(store.outbox.has(item.id)).toBe(true);
      await deliver(item);
      expect(exchange.published.map((sent) => sent.id)).toEqual([testUlid(702), testUlid(702)]);
      expect(exchange.fannedOut).toEqual([published]);
      expect(store.outbox.size).toBe(0);
    });

    test('needs no case: the last event of a destroyed case is still published', async () => {
      store.cases.delete(subject.id);
      const published = event(testUlid(703), '0000000009.00');
      await expect(deliver(enqueue({ kind: 'publish-event', caseId: subject.id, event: published }))).resolves.toBe('delivered');
      expect(exchange.published).toEqual([published]);
    });
  });
});

describe('a batch of outbox items, as the stream hands them over', () => {
  const eventItem = (id: number) =>
    enqueue({ kind: 'publish-event', caseId: subject.id, event: aCaseEvent(subject, { id: testUlid(id), change: 'status-changed', sequence: `00000000${id}.00`, time: submittedAt.toISOString() }) });
  const heard: string[] = [];
  const deliverAll = (items: OutboxItem[]) => deliverBatch(dependencies())(items, (item, delivery) => heard.push(`${item.id} ${delivery}`));
  beforeEach(() => {
    heard.length = 0;
  });

  test('the events of consecutive items go to the bus in one publication, an item of another kind between them starts a new one; each is fanned out in order and leaves the outbox', async () => {
    const items = [eventItem(801), eventItem(802), enqueue({ kind: 'publish-closing-notice', caseId: subject.id, notice: { caseId: subject.id, tenant: subject.tenant, type: subject.type.key, status: 'issued' } }), eventItem(803)];
    const result = await deliverAll(items);
    expect(result).toEqual({ delivered: items.map((item) => ({ item, delivery: 'delivered' })) });
    expect(exchange.publications).toEqual([[testUlid(801), testUlid(802)], [testUlid(803)]]);
    expect(exchange.fannedOut.map((event) => event.id)).toEqual([testUlid(801), testUlid(802), testUlid(803)]);
    expect(exchange.closingNotices).toHaveLength(1);
    expect(store.outbox.size).toBe(0);
    expect(heard).toEqual(items.map((item) => `${item.id} delivered`));
  });

  /** An event item of another case, as a change of that case writes it. */
  const otherCaseItem = (other: Case, id: number): OutboxItem => {
    const item: OutboxItem = {
      id: testUlid(id),
      caseId: other.id,
      effect: { kind: 'publish-event', caseId: other.id, event: aCaseEvent(other, { id: testUlid(id), change: 'status-changed', sequence: `00000000${id}.00`, time: submittedAt.toISOString() }) },
      createdAt: submittedAt.toISOString(),
    };
    store.outbox.set(item.id, item);
    return item;
  };
  const otherCase = () => store.seedCase(aCase({ id: testUlid(2), typeKey: 'proof-of-residence', typeVersion: 1, now: submittedAt, dueAt: new Date('2026-11-16T22:59:59.999Z'), sequence: 2 }));
  /** Fan-outs that take a few turns each, noting when each starts and ends. */
  const slowFanOut = (seen: string[]) => {
    const fanOut = exchange.fanOut.fanOut.bind(exchange.fanOut);
    exchange.fanOut.fanOut = async (event) => {
      seen.push(`start ${event.id}`);
      for (let turn = 0; turn < 3; turn++) await new Promise((resolve) => setImmediate(resolve));
      await fanOut(event);
      seen.push(`end ${event.id}`);
    };
  };

  test("a case's events are fanned out one after another: a receiver's delivery of event N is recorded before that of event N+1 can be, so it never gets N+1 first", async () => {
    const items = [eventItem(831), eventItem(832), eventItem(833)];
    const seen: string[] = [];
    slowFanOut(seen);
    expect(await deliverAll(items)).toEqual({ delivered: items.map((item) => ({ item, delivery: 'delivered' })) });
    expect(seen).toEqual([831, 832, 833].flatMap((id) => [`start ${testUlid(id)}`, `end ${testUlid(id)}`]));
  });

  test("the cases of a run are fanned out side by side, each case's events one after another", async () => {
    const other = otherCase();
    const items = [eventItem(841), otherCaseItem(other, 851), eventItem(842), otherCaseItem(other, 852)];
    const seen: string[] = [];
    slowFanOut(seen);
    expect(await deliverAll(items)).toEqual({ delivered: items.map((item) => ({ item, delivery: 'delivered' })) });
    expect(seen.slice(0, 2)).toEqual([`start ${testUlid(841)}`, `start ${testUlid(851)}`]);
    for (const [first, second] of [[841, 842], [851, 852]] as const) expect(seen.indexOf(`end ${testUlid(first)}`)).toBeLessThan(seen.indexOf(`start ${testUlid(second)}`));
    expect(exchange.publications).toEqual([[testUlid(841), testUlid(851), testUlid(842), testUlid(852)]]);
    expect(store.outbox.size).toBe(0);
    expect(heard).toHaveLength(4);
  });

  test('an item leaves the outbox while the next event of its case is fanned out', async () => {
    const items = [eventItem(861), eventItem(862)];
    const seen: string[] = [];
    slowFanOut(seen);
    const leave = store.delivered.bind(store);
    store.delivered = async (item) => {
      seen.push(`leaving ${item.id}`);
      for (let turn = 0; turn < 6; turn++) await new Promise((resolve) => setImmediate(resolve));
      await leave(item);
      seen.push(`left ${item.id}`);
    };
    expect(await deliverAll(items)).toEqual({ delivered: items.map((item) => ({ item, delivery: 'delivered' })) });
    expect(seen.indexOf(`start ${testUlid(862)}`)).toBeLessThan(seen.indexOf(`left ${items[0]!.id}`));
    expect(store.outbox.size).toBe(0);
  });

  test("a case whose event fails fans out none of its later events; the other cases' go on, and from the failed item on the batch comes again", async () => {
    const other = otherCase();
    const items = [eventItem(871), otherCaseItem(other, 881), eventItem(872), otherCaseItem(other, 882), eventItem(873)];
    const fannedOut: string[] = [];
    const fanOut = exchange.fanOut.fanOut.bind(exchange.fanOut);
    exchange.fanOut.fanOut = async (event) => {
      fannedOut.push(event.id);
      if (event.id === testUlid(872)) throw new Error('table unavailable');
      return fanOut(event);
    };
    const result = await deliverAll(items);
    expect(result.delivered.map(({ item }) => item.id)).toEqual([items[0]!.id, items[1]!.id]);
    expect(result.failed).toEqual({ index: 2, error: new Error('table unavailable') });
    expect(fannedOut).not.toContain(testUlid(873));
    expect([...store.outbox.keys()].sort()).toEqual([items[2]!.id, items[4]!.id]);
    expect(heard.sort()).toEqual([items[0]!.id, items[1]!.id, items[3]!.id].map((id) => `${id} delivered`).sort());
    // Handed over again from the failed item, the other case's event delivered alongside goes out once more, harmlessly.
    exchange.fanOut.fanOut = fanOut;
    expect(await deliverAll(items.slice(2))).toEqual({ delivered: items.slice(2).map((item) => ({ item, delivery: 'delivered' })) });
    expect(store.outbox.size).toBe(0);
  });

  test('an event fanned out whose item could not leave the outbox comes again from there; the next event of its case was fanned out, after it', async () => {
    const items = [eventItem(895), eventItem(896)];
    const leave = store.delivered.bind(store);
    store.delivered = async (item) => {
      if (item.id === items[0]!.id) throw new Error('table unavailable');
      return leave(item);
    };
    const result = await deliverAll(items);
    expect(result).toEqual({ delivered: [], failed: { index: 0, error: new Error('table unavailable') } });
    expect(exchange.fannedOut.map((event) => event.id)).toEqual([testUlid(895), testUlid(896)]);
    expect([...store.outbox.keys()]).toEqual([items[0]!.id]);
    expect(heard).toEqual([`${items[1]!.id} delivered`]);
    store.delivered = leave;
    expect(await deliverAll(items)).toEqual({ delivered: items.map((item) => ({ item, delivery: 'delivered' })) });
    expect(store.outbox.size).toBe(0);
  });

  test('an item of another kind that fails stops the batch there: the events after it are not published', async () => {
    const notice = enqueue({ kind: 'publish-closing-notice', caseId: subject.id, notice: { caseId: subject.id, tenant: subject.tenant, type: subject.type.key, status: 'issued' } });
    const items = [notice, eventItem(897)];
    const failure = Object.assign(new Error('slow down'), { name: 'ThrottlingException' });
    exchange.failNext('publish', failure);
    expect(await deliverAll(items)).toEqual({ delivered: [], failed: { index: 0, error: failure } });
    expect(exchange.publications).toEqual([]);
    expect(exchange.fannedOut).toEqual([]);
    expect(store.outbox.size).toBe(2);
    expect(heard).toEqual([]);
  });

  test('stops at the first item that fails: those before it left the outbox, it and those after it stay for the next delivery', async () => {
    const items = [eventItem(811), eventItem(812), eventItem(813)];
    exchange.fanOut.fanOut = ((fanOut) => async (event) => {
      if (event.id === testUlid(812)) throw new Error('table unavailable');
      return fanOut(event);
    })(exchange.fanOut.fanOut.bind(exchange.fanOut));
    const result = await deliverAll(items);
    expect(result.delivered.map(({ item }) => item.id)).toEqual([items[0]!.id]);
    expect(result.failed).toEqual({ index: 1, error: new Error('table unavailable') });
    expect([...store.outbox.keys()]).toEqual([items[1]!.id, items[2]!.id]);
    expect(heard).toEqual([`${items[0]!.id} delivered`]);
    // The run went to the bus at once: delivered again, its later events go to the bus once more.
    expect(exchange.publications).toEqual([[testUlid(811), testUlid(812), testUlid(813)]]);
  });

  test('a bus that fails a run fails its first item: nothing of the run is fanned out or leaves the outbox, and the items before it are delivered', async () => {
    const start = enqueue({ kind: 'start-workflow', caseId: subject.id });
    const items = [start, eventItem(821), eventItem(822)];
    const failure = Object.assign(new Error('slow down'), { name: 'ThrottlingException' });
    exchange.failNext('publish', failure);
    const result = await deliverAll(items);
    expect(result).toEqual({ delivered: [{ item: start, delivery: 'delivered' }], failed: { index: 1, error: failure } });
    expect(exchange.fannedOut).toEqual([]);
    expect([...store.outbox.keys()]).toEqual([items[1]!.id, items[2]!.id]);
    // Delivered again, the run goes to the bus whole.
    expect(await deliverAll(items.slice(1))).toEqual({ delivered: items.slice(1).map((item) => ({ item, delivery: 'delivered' })) });
    expect(exchange.publications).toEqual([[testUlid(821), testUlid(822)]]);
  });
});
