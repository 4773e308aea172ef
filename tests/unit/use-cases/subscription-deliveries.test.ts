import { beforeEach, describe, expect, test } from '@jest/globals';
import type { CaseEvent } from '../../../functions/domain/case-event';
import { caseEventType } from '../../../functions/domain/case-event';
import type { Subscription } from '../../../functions/domain/subscription';
import { fanOutEvent } from '../../../functions/use-cases/fan-out-event';
import { listSubscriptionDeliveries, maxReplayedEvents, replaySubscription } from '../../../functions/use-cases/subscription-deliveries';
import { aCaseEvent, callerOf, refusal, settableClock, testUlid } from '../../support/in-memory-ports';
import { inMemoryDeliveries, inMemorySubscriptions } from '../../support/in-memory-webhooks';

const gentOperator = callerOf('44021', ['operator']);
const aalstOperator = callerOf('41002', ['operator']);

let clock: ReturnType<typeof settableClock>;
let subscriptions: ReturnType<typeof inMemorySubscriptions>;
let deliveries: ReturnType<typeof inMemoryDeliveries>;
let all: Subscription;
let closedOnly: Subscription;
let aalst: Subscription;
let eventCount = 0;

async function subscribe(id: number, tenant: string, eventTypes: string[] = []): Promise<Subscription> {
  const subscription: Subscription = { id: testUlid(id), tenant, url: `https://receiver.example/${id}`, eventTypes, transactionTypes: [], createdAt: clock.now().toISOString(), createdBy: 'operator' };
  await subscriptions.create(subscription, `whsec_${Buffer.alloc(32, id).toString('base64')}`);
  return subscription;
}

/** An event of a case of `tenant`, at the clock's time, fanned out as the outbox does; the clock then moves on a second. */
async function publish(options: { tenant?: string; caseNumber?: number; change?: string } = {}): Promise<CaseEvent> {
  eventCount += 1;
  const tenant = options.tenant ?? '44021';
  const caseNumber = options.caseNumber ?? 1;
  const subject = { id: testUlid(500 + caseNumber), number: `${tenant}-2026-00000${caseNumber}`, tenant, type: { key: 'proof-of-residence', version: 1 } };
  const event = aCaseEvent(subject, { id: testUlid(10_000 + eventCount), change: options.change ?? 'status-changed', sequence: `${String(eventCount).padStart(10, '0')}.00`, time: clock.now().toISOString() });
  await fanOutEvent({ subscriptions, deliveries, clock, caseOverview: false }).fanOut(event);
  clock.advance(1000);
  return event;
}

const dependencies = () => ({ subscriptions, deliveries, clock });
const list = (query: Parameters<ReturnType<typeof listSubscriptionDeliveries>>[0]) => listSubscriptionDeliveries(dependencies())(query);
const replay = (command: Parameters<ReturnType<typeof replaySubscription>>[0]) => replaySubscription(dependencies())(command);
const replayed = (replayId: string) => deliveries.all().filter((delivery) => delivery.run === replayId);

beforeEach(async () => {
  clock = settableClock('2026-12-01T10:00:00Z');
  subscriptions = inMemorySubscriptions();
  deliveries = inMemoryDeliveries();
  all = await subscribe(1, '44021');
  closedOnly = await subscribe(2, '44021', [caseEventType('closed')]);
  aalst = await subscribe(3, '41002');
});

describe("an operator reads a subscription's deliveries", () => {
  test('newest first, a page at a time; the last page has no cursor', async () => {
    const events = [];
    for (let n = 0; n < 5; n++) events.push(await publish());
    await publish({ tenant: '41002' });
    const pages: string[][] = [];
    let cursor: string | undefined;
    do {
      const page = await list({ caller: gentOperator, subscriptionId: all.id, limit: 2, ...(cursor ? { cursor } : {}) });
      pages.push(page.items.map((delivery) => delivery.event.id));
      expect(page.items.every((delivery) => delivery.receiver.kind === 'subscription' && delivery.receiver.subscriptionId === all.id)).toBe(true);
      cursor = page.nextCursor;
    } while (cursor);
    expect(pages).toEqual([
      [events[4]!.id, events[3]!.id],
      [events[2]!.id, events[1]!.id],
      [events[0]!.id],
    ]);
  });

  test('a page that holds them all has no cursor; a subscription without deliveries lists none', async () => {
    await publish();
    expect(await list({ caller: gentOperator, subscriptionId: all.id, limit: 10 })).toEqual({ items: [expect.objectContaining({ status: 'pending', attempts: [] })] });
    expect(await list({ caller: gentOperator, subscriptionId: closedOnly.id, limit: 10 })).toEqual({ items: [] });
  });

  test('a cursor is refused (400, naming the cursor) with another subscription or another page size', async () => {
    for (let n = 0; n < 3; n++) await publish({ change: 'closed' });
    const { nextCursor } = await list({ caller: gentOperator, subscriptionId: all.id, limit: 2 });
    expect(nextCursor).toBeDefined();
    for (const query of [
      { subscriptionId: closedOnly.id, limit: 2 },
      { subscriptionId: all.id, limit: 3 },
    ]) {
      const error = await refusal(list({ caller: gentOperator, ...query, cursor: nextCursor! }));
      expect({ kind: error.kind, errors: error.errors }).toEqual({ kind: 'validation', errors: [{ path: 'cursor', message: 'is not a cursor this query returned' }] });
    }
    expect((await list({ caller: gentOperator, subscriptionId: all.id, limit: 2, cursor: nextCursor! })).items).toHaveLength(1);
  });

  test("another tenant's subscription answers as one that does not exist; a clerk is refused", async () => {
    await publish({ tenant: '41002' });
    expect((await refusal(list({ caller: gentOperator, subscriptionId: aalst.id, limit: 10 }))).kind).toBe('not-found');
    expect((await refusal(list({ caller: callerOf('41002', ['clerk']), subscriptionId: aalst.id, limit: 10 }))).kind).toBe('forbidden');
    expect((await list({ caller: aalstOperator, subscriptionId: aalst.id, limit: 10 })).items).toHaveLength(1);
  });
});

describe('an operator replays a subscription from a point in time', () => {
  test("every event of the tenant's log from then on that its filter matches gets a new pending delivery, with the event's own webhook id", async () => {
    const early = await publish({ change: 'closed' });
    const from = clock.now().toISOString();
    const matching = [await publish({ change: 'closed' }), await publish({ change: 'closed', caseNumber: 2 })];
    await publish({ change: 'status-changed' });
    await publish({ tenant: '41002', change: 'closed' });
    clock.advance(60_000);
    const answer = await replay({ caller: gentOperator, subscriptionId: closedOnly.id, from });
    expect(answer).toEqual({ replayId: expect.any(String), from, deliveries: 2 });
    const copies = replayed(answer.replayId);
    expect(copies.map((delivery) => delivery.event.id).sort()).toEqual(matching.map((event) => event.id).sort());
    expect(copies.map((delivery) => delivery.event.id)).not.toContain(early.id);
    for (const copy of copies) {
      expect(copy).toMatchObject({ receiver: { kind: 'subscription', subscriptionId: closedOnly.id }, tenant: '44021', status: 'pending', attempts: [], createdAt: clock.now().toISOString() });
      // The original delivery of the same event is still there: the copy is another run of it.
      expect(deliveries.all().filter((delivery) => delivery.event.id === copy.event.id && delivery.receiver.kind === 'subscription' && delivery.receiver.subscriptionId === closedOnly.id)).toHaveLength(2);
    }
  });

  test('a delivery the store already holds (its write refused as a duplicate) is not counted', async () => {
    const from = clock.now().toISOString();
    await publish({ change: 'closed' });
    await publish({ change: 'closed', caseNumber: 2 });
    clock.advance(60_000);
    const record = deliveries.record.bind(deliveries);
    let calls = 0;
    const answer = await replaySubscription({ subscriptions, clock, deliveries: { ...deliveries, eventsSince: deliveries.eventsSince.bind(deliveries), record: async (delivery) => (++calls === 1 ? false : record(delivery)) } })({ caller: gentOperator, subscriptionId: closedOnly.id, from });
    expect(calls).toBe(2);
    expect(answer.deliveries).toBe(1);
  });

  test("a case's replayed deliveries are recorded one after another in the case's order, the cases side by side", async () => {
    const from = clock.now().toISOString();
    for (let n = 0; n < 3; n++) {
      await publish({ caseNumber: 1 });
      await publish({ caseNumber: 2 });
    }
    clock.advance(60_000);
    const record = deliveries.record.bind(deliveries);
    const timeline: string[] = [];
    // The earlier a delivery's place in its case, the longer its write takes: written side by side, a later one would land first.
    const slowFirst = async (delivery: Parameters<typeof record>[0]) => {
      timeline.push(`start ${delivery.caseId} ${delivery.sequence}`);
      await new Promise((resolve) => setTimeout(resolve, 30 - 4 * Number(delivery.sequence.slice(0, 10))));
      const written = await record(delivery);
      timeline.push(`end ${delivery.caseId} ${delivery.sequence}`);
      return written;
    };
    const answer = await replaySubscription({ subscriptions, clock, deliveries: { ...deliveries, eventsSince: deliveries.eventsSince.bind(deliveries), record: slowFirst } })({ caller: gentOperator, subscriptionId: all.id, from });
    expect(answer.deliveries).toBe(6);
    for (const caseNumber of [1, 2]) {
      const caseId = testUlid(500 + caseNumber);
      const sequences = deliveries.all().filter((delivery) => delivery.run === answer.replayId && delivery.caseId === caseId).map((delivery) => delivery.sequence).sort();
      expect(sequences).toHaveLength(3);
      // Each write of the case starts once the one before it has ended.
      expect(timeline.filter((entry) => entry.includes(caseId))).toEqual(sequences.flatMap((sequence) => [`start ${caseId} ${sequence}`, `end ${caseId} ${sequence}`]));
    }
    // The two cases' first writes were both under way before either ended.
    expect(timeline.slice(0, 2).every((entry) => entry.startsWith('start'))).toBe(true);
  });

  test("a change's events at the same instant are recorded in the case's order, whatever their ids", async () => {
    const from = clock.now().toISOString();
    const subject = { id: testUlid(501), number: '44021-2026-000001', tenant: '44021', type: { key: 'proof-of-residence', version: 1 } };
    const time = clock.now().toISOString();
    // The log reads them by time, then id: the second event of the change comes first.
    const events = [aCaseEvent(subject, { id: testUlid(20_002), change: 'status-changed', sequence: '0000000007.01', time }), aCaseEvent(subject, { id: testUlid(20_001), change: 'task-created', sequence: '0000000007.02', time })];
    for (const event of events) await fanOutEvent({ subscriptions, deliveries, clock, caseOverview: false }).fanOut(event);
    clock.advance(60_000);
    const record = deliveries.record.bind(deliveries);
    const order: string[] = [];
    const answer = await replaySubscription({ subscriptions, clock, deliveries: { ...deliveries, eventsSince: deliveries.eventsSince.bind(deliveries), record: async (delivery) => (order.push(delivery.sequence), record(delivery)) } })({ caller: gentOperator, subscriptionId: all.id, from });
    expect(answer.deliveries).toBe(2);
    expect(order).toEqual(['0000000007.01', '0000000007.02']);
  });

  test('`from` with another offset is the same instant in UTC; from now is allowed, a moment later is refused (400, naming from)', async () => {
    await publish();
    const at = clock.now();
    expect((await replay({ caller: gentOperator, subscriptionId: all.id, from: '2026-12-01T11:00:00+01:00' })).from).toBe('2026-12-01T10:00:00.000Z');
    expect((await replay({ caller: gentOperator, subscriptionId: all.id, from: at.toISOString() })).deliveries).toBe(0);
    const error = await refusal(replay({ caller: gentOperator, subscriptionId: all.id, from: new Date(at.getTime() + 1).toISOString() }));
    expect({ kind: error.kind, message: error.message, errors: error.errors }).toEqual({
      kind: 'validation',
      message: 'the replay cannot start in the future',
      errors: [{ path: 'from', message: 'must not be later than now' }],
    });
  });

  test("another tenant's subscription answers as one that does not exist, and nothing is recorded", async () => {
    await publish({ tenant: '41002' });
    const before = deliveries.all().length;
    expect((await refusal(replay({ caller: gentOperator, subscriptionId: aalst.id, from: '2026-12-01T00:00:00Z' }))).kind).toBe('not-found');
    expect(deliveries.all()).toHaveLength(before);
  });

  test('reads the log page after page: 150 events are all replayed in one request', async () => {
    for (let n = 0; n < 150; n++) await publish();
    const answer = await replay({ caller: gentOperator, subscriptionId: all.id, from: '2026-12-01T00:00:00Z' });
    expect(answer).toEqual({ replayId: expect.any(String), from: '2026-12-01T00:00:00.000Z', deliveries: 150 });
    expect(new Set(replayed(answer.replayId).map((delivery) => delivery.event.id)).size).toBe(150);
  });

  test(`delivers at most ${maxReplayedEvents} events a request and says where the rest start; a replay from there delivers the rest`, async () => {
    const events = [];
    for (let n = 0; n < maxReplayedEvents + 5; n++) events.push(await publish());
    const first = await replay({ caller: gentOperator, subscriptionId: all.id, from: '2026-12-01T00:00:00Z' });
    expect(first).toMatchObject({ deliveries: maxReplayedEvents, continueFrom: events[maxReplayedEvents]!.time });
    expect(replayed(first.replayId)).toHaveLength(maxReplayedEvents);
    const rest = await replay({ caller: gentOperator, subscriptionId: all.id, from: first.continueFrom! });
    expect(rest).toEqual({ replayId: expect.any(String), from: events[maxReplayedEvents]!.time, deliveries: 5 });
    expect(replayed(rest.replayId).map((delivery) => delivery.event.id).sort()).toEqual(events.slice(maxReplayedEvents).map((event) => event.id));
  });
});
