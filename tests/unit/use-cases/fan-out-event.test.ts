import { beforeEach, describe, expect, test } from '@jest/globals';
import type { CaseEvent } from '../../../functions/domain/case-event';
import type { Subscription } from '../../../functions/domain/subscription';
import { fanOutBatch, fanOutEvent } from '../../../functions/use-cases/fan-out-event';
import { aCaseEvent, settableClock, testUlid } from '../../support/in-memory-ports';
import { inMemoryDeliveries, inMemorySubscriptions } from '../../support/in-memory-webhooks';

let clock: ReturnType<typeof settableClock>;
let subscriptions: ReturnType<typeof inMemorySubscriptions>;
let deliveries: ReturnType<typeof inMemoryDeliveries>;
/** Each read of a tenant's subscriptions, by tenant, and the reads still to fail. */
let reads: string[];
let failingReads: number;
let eventCount = 0;

const counted = () => ({
  ofTenant(tenant: string) {
    reads.push(tenant);
    if (failingReads > 0) {
      failingReads -= 1;
      return Promise.reject(new Error('table unavailable'));
    }
    return subscriptions.ofTenant(tenant);
  },
});

async function subscribe(id: number, tenant: string): Promise<Subscription> {
  const subscription: Subscription = { id: testUlid(id), tenant, url: `https://receiver.example/${id}`, eventTypes: [], transactionTypes: [], createdAt: clock.now().toISOString(), createdBy: 'operator' };
  await subscriptions.create(subscription, `whsec_${Buffer.alloc(32, id).toString('base64')}`);
  return subscription;
}

function eventOf(tenant: string): CaseEvent {
  eventCount += 1;
  const subject = { id: testUlid(500 + eventCount), number: `${tenant}-2026-00000${eventCount}`, tenant, type: { key: 'proof-of-residence', version: 1 } };
  return aCaseEvent(subject, { id: testUlid(10_000 + eventCount), change: 'status-changed', sequence: `${String(eventCount).padStart(10, '0')}.00`, time: clock.now().toISOString() });
}

const receiversOf = (event: CaseEvent) =>
  deliveries
    .all()
    .filter((delivery) => delivery.event.id === event.id)
    .map((delivery) => (delivery.receiver.kind === 'subscription' ? delivery.receiver.subscriptionId : delivery.receiver.kind))
    .sort();

beforeEach(() => {
  clock = settableClock('2026-12-01T10:00:00Z');
  subscriptions = inMemorySubscriptions();
  deliveries = inMemoryDeliveries();
  reads = [];
  failingReads = 0;
});

describe('one event fanned out', () => {
  test('reads its tenant\'s subscriptions each time: a subscription made between two events gets the second', async () => {
    const fanOut = fanOutEvent({ subscriptions: counted(), deliveries, clock, caseOverview: false });
    const first = await subscribe(1, '44021');
    const before = eventOf('44021');
    await fanOut.fanOut(before);
    const second = await subscribe(2, '44021');
    const after = eventOf('44021');
    await fanOut.fanOut(after);
    expect(reads).toEqual(['44021', '44021']);
    expect(receiversOf(before)).toEqual([first.id]);
    expect(receiversOf(after)).toEqual([first.id, second.id].sort());
  });

  test('logs the event even while its subscriptions cannot be read, and records no delivery', async () => {
    const fanOut = fanOutEvent({ subscriptions: counted(), deliveries, clock, caseOverview: false });
    await subscribe(1, '44021');
    const event = eventOf('44021');
    failingReads = 1;
    await expect(fanOut.fanOut(event)).rejects.toThrow('table unavailable');
    expect(receiversOf(event)).toEqual([]);
    expect(deliveries.events.map((logged) => logged.id)).toEqual([event.id]);
  });
});

describe('a batch the stream hands the dispatcher', () => {
  test("reads each tenant's subscriptions once for all of its events, and gives each event every matching subscription", async () => {
    const gent = await subscribe(1, '44021');
    const aalst = await subscribe(2, '41002');
    const batch = fanOutBatch({ subscriptions: counted(), deliveries, clock, caseOverview: false });
    const events = [eventOf('44021'), eventOf('41002'), eventOf('44021'), eventOf('41002')];
    for (const event of events) await batch.fanOut(event);
    expect(reads).toEqual(['44021', '41002']);
    expect(events.map(receiversOf)).toEqual([[gent.id], [aalst.id], [gent.id], [aalst.id]]);
  });

  test('a read that failed is not kept: the next event of the tenant reads again', async () => {
    const gent = await subscribe(1, '44021');
    const batch = fanOutBatch({ subscriptions: counted(), deliveries, clock, caseOverview: false });
    failingReads = 1;
    const failed = eventOf('44021');
    await expect(batch.fanOut(failed)).rejects.toThrow('table unavailable');
    const next = eventOf('44021');
    await batch.fanOut(next);
    expect(reads).toEqual(['44021', '44021']);
    expect(receiversOf(next)).toEqual([gent.id]);
  });

  test('each batch reads anew: a subscription made since the last batch gets the next one', async () => {
    const first = await subscribe(1, '44021');
    await fanOutBatch({ subscriptions: counted(), deliveries, clock, caseOverview: false }).fanOut(eventOf('44021'));
    const second = await subscribe(2, '44021');
    const next = eventOf('44021');
    await fanOutBatch({ subscriptions: counted(), deliveries, clock, caseOverview: false }).fanOut(next);
    expect(reads).toEqual(['44021', '44021']);
    expect(receiversOf(next)).toEqual([first.id, second.id].sort());
  });
});
