import { beforeEach, describe, expect, test } from '@jest/globals';
import type { CaseEvent } from '../../../functions/domain/case-event';
import { caseEventSource, caseEventType } from '../../../functions/domain/case-event';
import { TransientError } from '../../../functions/domain/errors';
import type { Subscription } from '../../../functions/domain/subscription';
import { retrySchedule, type Receiver } from '../../../functions/domain/webhook-delivery';
import type { CaseOverviewFeed } from '../../../functions/ports/case-overview.port';
import type { WebhookSender } from '../../../functions/ports/webhooks.port';
import type { DeliveryOptions } from '../../../functions/use-cases/deliver-webhooks';
import { deliverWebhooks } from '../../../functions/use-cases/deliver-webhooks';
import { fanOutEvent } from '../../../functions/use-cases/fan-out-event';
import { inMemoryDeliveries, inMemorySubscriptions, scriptedSender } from '../../support/in-memory-webhooks';
import { settableClock, testUlid } from '../../support/in-memory-ports';

const hour = 60 * 60 * 1000;
let clock: ReturnType<typeof settableClock>;
let subscriptions: ReturnType<typeof inMemorySubscriptions>;
let deliveries: ReturnType<typeof inMemoryDeliveries>;
let deadLettered: Receiver['kind'][];
let warnings: Array<[string, Readonly<Record<string, unknown>>]>;
let eventCount = 0;

function anEvent(options: { caseId: string; sequence: number; tenant?: string; change?: string; typeKey?: string; inform?: boolean }): CaseEvent {
  eventCount += 1;
  const tenant = options.tenant ?? '44021';
  return {
    specversion: '1.0',
    id: testUlid(1000 + eventCount),
    type: caseEventType(options.change ?? 'status-changed'),
    source: caseEventSource(tenant),
    subject: options.caseId,
    time: clock.now().toISOString(),
    datacontenttype: 'application/json',
    dataschema: 'https://loket.example/v1/events/schemas/status-changed.v1',
    sequence: `${String(options.sequence).padStart(10, '0')}.00`,
    tenant,
    transactiontype: options.typeKey ?? 'proof-of-residence',
    data: {
      caseId: options.caseId,
      caseNumber: `${tenant}-2026-000001`,
      tenant,
      transactionType: { key: options.typeKey ?? 'proof-of-residence', version: 1 },
      ...(options.inform !== undefined ? { inform: options.inform } : {}),
    },
  };
}

async function subscribe(id: number, url: string, filter: Partial<Pick<Subscription, 'eventTypes' | 'transactionTypes' | 'tenant'>> = {}): Promise<Subscription> {
  const subscription: Subscription = { id: testUlid(id), tenant: '44021', url, eventTypes: [], transactionTypes: [], createdAt: clock.now().toISOString(), createdBy: 'operator', ...filter };
  await subscriptions.create(subscription, `whsec_${Buffer.alloc(32, id).toString('base64')}`);
  return subscription;
}

const caseA = testUlid(1);
const caseB = testUlid(2);
const farFuture = { deadline: new Date('2100-01-01T00:00:00Z') };

beforeEach(() => {
  clock = settableClock('2026-12-01T10:00:00Z');
  subscriptions = inMemorySubscriptions();
  deliveries = inMemoryDeliveries();
  deadLettered = [];
  warnings = [];
});

function machinery(sender: WebhookSender, caseOverview?: CaseOverviewFeed, store: typeof deliveries = deliveries, options: DeliveryOptions = {}) {
  const telemetry = { deadLettered: (kind: Receiver['kind']) => deadLettered.push(kind), warn: (message: string, fields: Readonly<Record<string, unknown>>) => warnings.push([message, fields]) };
  return deliverWebhooks({ deliveries: store, subscriptions, sender, clock, random: () => 0, telemetry, ...(caseOverview ? { caseOverview } : {}) }, options);
}

/** Fans an event out (its deliveries recorded, none tried yet). */
const record = (event: CaseEvent, caseOverview = false) => fanOutEvent({ subscriptions, deliveries, clock, caseOverview }).fanOut(event);

/** Fans an event out and hands its new deliveries over, as the stream does. */
async function publish(run: ReturnType<typeof machinery>, event: CaseEvent, caseOverview = false) {
  const before = new Set(deliveries.all().map((delivery) => delivery.id));
  await record(event, caseOverview);
  await run.deliverNew(
    deliveries.all().filter((delivery) => !before.has(delivery.id)),
    farFuture,
  );
}

/** Runs the scheduled retries until nothing is pending, moving the clock to each next attempt. */
async function retryUntilSettled(run: ReturnType<typeof machinery>, maxRuns = 200) {
  for (let runs = 0; runs < maxRuns; runs++) {
    const pending = deliveries.all().filter((delivery) => delivery.status === 'pending');
    if (pending.length === 0) return;
    const next = pending.map((delivery) => delivery.nextAttemptAt!).sort()[0]!;
    if (next > clock.now().toISOString()) clock.set(next);
    await run.retryDue(farFuture);
  }
  throw new Error('deliveries still pending');
}

const sequencesSentTo = (sender: { sent: readonly { url: string; body: string }[] }, url: string, caseId: string) =>
  sender.sent.filter((request) => request.url === url).map((request) => JSON.parse(request.body) as CaseEvent).filter((event) => event.subject === caseId).map((event) => Number(event.sequence));

describe('the fan-out', () => {
  test("records one pending delivery for each of the tenant's subscriptions whose filter matches, and none for the others", async () => {
    const all = await subscribe(1, 'https://all.example/hook');
    const statusOnly = await subscribe(2, 'https://status.example/hook', { eventTypes: [caseEventType('status-changed')] });
    await subscribe(3, 'https://closed.example/hook', { eventTypes: [caseEventType('closed')] });
    await subscribe(4, 'https://parking.example/hook', { transactionTypes: ['resident-parking-permit'] });
    await subscribe(5, 'https://aalst.example/hook', { tenant: '41002' });
    await record(anEvent({ caseId: caseA, sequence: 1 }));
    const recorded = deliveries.all();
    expect(recorded.map((delivery) => delivery.receiver).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)))).toEqual([
      { kind: 'subscription', subscriptionId: all.id },
      { kind: 'subscription', subscriptionId: statusOnly.id },
    ]);
    expect(recorded.every((delivery) => delivery.status === 'pending' && delivery.nextAttemptAt === clock.now().toISOString())).toBe(true);
    expect(deliveries.events).toHaveLength(1);
  });

  test('the same event fanned out twice (the dispatcher retries after a failure) makes one delivery per receiver', async () => {
    await subscribe(1, 'https://all.example/hook');
    const fanOut = fanOutEvent({ subscriptions, deliveries, clock, caseOverview: true });
    const event = anEvent({ caseId: caseA, sequence: 1, inform: true });
    await fanOut.fanOut(event);
    clock.advance(1000);
    await fanOut.fanOut(event);
    expect(deliveries.all()).toHaveLength(2);
    expect(deliveries.events).toHaveLength(1);
  });

  test("records a delivery to the citizen's case overview only for a status change that informs the applicant", async () => {
    const fanOut = fanOutEvent({ subscriptions, deliveries, clock, caseOverview: true });
    await fanOut.fanOut(anEvent({ caseId: caseA, sequence: 1, inform: false }));
    await fanOut.fanOut(anEvent({ caseId: caseA, sequence: 2, change: 'task-created' }));
    // Only a status change informs: another event's data carrying the flag does not.
    await fanOut.fanOut(anEvent({ caseId: caseA, sequence: 2, change: 'reopened', inform: true }));
    await fanOut.fanOut(anEvent({ caseId: caseA, sequence: 3, inform: true }));
    expect(deliveries.all().map((delivery) => [delivery.receiver.kind, delivery.sequence])).toEqual([['case-overview', '0000000003.00']]);
  });

  test("a deployment without the citizen's case overview records no delivery to it, even for a status change that informs the applicant", async () => {
    const all = await subscribe(1, 'https://all.example/hook');
    await record(anEvent({ caseId: caseA, sequence: 1, inform: true }));
    expect(deliveries.all().map((delivery) => delivery.receiver)).toEqual([{ kind: 'subscription', subscriptionId: all.id }]);
  });
});

describe('delivery', () => {
  test('a receiver that answers 500 three times, then 200, gets every event of a case once accepted, in order: event N+1 never before N was accepted', async () => {
    const url = 'https://flaky.example/hook';
    await subscribe(1, url);
    const sender = scriptedSender({ [url]: [500, 500, 500, 200] });
    const run = machinery(sender);
    for (const sequence of [1, 2, 3]) await publish(run, anEvent({ caseId: caseA, sequence }));
    // Only the first event was tried: the others wait behind it.
    expect(sequencesSentTo(sender, url, caseA)).toEqual([1]);
    await retryUntilSettled(run);
    expect(sequencesSentTo(sender, url, caseA)).toEqual([1, 1, 1, 1, 2, 3]);
    expect(deliveries.all().map((delivery) => [delivery.sequence, delivery.status, delivery.attempts.map((attempt) => attempt.statusCode)])).toEqual([
      ['0000000001.00', 'delivered', [500, 500, 500, 200]],
      ['0000000002.00', 'delivered', [200]],
      ['0000000003.00', 'delivered', [200]],
    ]);
    // Each attempt of one event carries the same webhook id.
    expect(new Set(sender.sent.filter((request) => JSON.parse(request.body).sequence === '0000000001.00').map((request) => request.webhookId)).size).toBe(1);
  });

  test('a schedule given to the delivery (the local host scales time) sets the backoff', async () => {
    const url = 'https://down.example/hook';
    await subscribe(1, url);
    const run = machinery(scriptedSender({ [url]: [500] }), undefined, deliveries, { schedule: { ...retrySchedule, firstDelayMs: 50 } });
    await publish(run, anEvent({ caseId: caseA, sequence: 1 }));
    expect(deliveries.all()[0]!.nextAttemptAt).toBe(new Date(clock.now().getTime() + 50).toISOString());
  });

  test('the retries wait on their backoff: nothing is tried before its next attempt is due', async () => {
    const url = 'https://down.example/hook';
    await subscribe(1, url);
    const sender = scriptedSender({ [url]: [500] });
    const run = machinery(sender);
    await publish(run, anEvent({ caseId: caseA, sequence: 1 }));
    const [delivery] = deliveries.all();
    expect(delivery!.nextAttemptAt).toBe(new Date(clock.now().getTime() + 5_000).toISOString());
    clock.advance(4_999);
    await run.retryDue(farFuture);
    expect(sender.sent).toHaveLength(1);
    clock.advance(1);
    await run.retryDue(farFuture);
    expect(sender.sent).toHaveLength(2);
    expect(deliveries.all()[0]!.nextAttemptAt).toBe(new Date(clock.now().getTime() + 10_000).toISOString());
  });

  test("a failing case holds back neither another case of the same receiver nor another receiver's deliveries", async () => {
    const flaky = 'https://flaky.example/hook';
    const healthy = 'https://healthy.example/hook';
    await subscribe(1, flaky);
    await subscribe(2, healthy);
    const sender = scriptedSender({ [flaky]: [500, 500, 200], [healthy]: [200] });
    const run = machinery(sender);
    await publish(run, anEvent({ caseId: caseA, sequence: 1 }));
    await publish(run, anEvent({ caseId: caseB, sequence: 1 }));
    await publish(run, anEvent({ caseId: caseA, sequence: 2 }));
    // Before any retry: the healthy receiver has all three; the flaky one was tried with each case's first event (both refused), and case A's second waits.
    expect(sequencesSentTo(sender, healthy, caseA)).toEqual([1, 2]);
    expect(sequencesSentTo(sender, healthy, caseB)).toEqual([1]);
    expect(sequencesSentTo(sender, flaky, caseB)).toEqual([1]);
    expect(sequencesSentTo(sender, flaky, caseA)).toEqual([1]);
    await retryUntilSettled(run);
    expect(deliveries.all().every((delivery) => delivery.status === 'delivered')).toBe(true);
  });

  test('a delivery still refused after a day is dead-lettered and counted, and the next event of its case goes on', async () => {
    const url = 'https://gone.example/hook';
    await subscribe(1, url);
    const sender = scriptedSender({ [url]: [500] });
    const run = machinery(sender);
    await publish(run, anEvent({ caseId: caseA, sequence: 1 }));
    const createdAt = clock.now().getTime();
    await publish(run, anEvent({ caseId: caseA, sequence: 2 }));
    await retryUntilSettled(run);
    const [first, second] = deliveries.all();
    expect(first!.status).toBe('dead-lettered');
    expect(Date.parse(first!.attempts.at(-1)!.at) - createdAt).toBeGreaterThanOrEqual(24 * hour);
    expect(Date.parse(first!.attempts.at(-2)!.at) - createdAt).toBeLessThan(24 * hour);
    // The second event waited behind the first for a day, then was tried once and dead-lettered too (it is as old).
    expect(second!.status).toBe('dead-lettered');
    expect(second!.attempts).toHaveLength(1);
    expect(deadLettered).toEqual(['subscription', 'subscription']);
    // The operator's log names each dead letter by ids and counts only.
    expect(warnings).toEqual([
      ['Delivery dead-lettered', { deliveryId: first!.id, receiver: 'subscription', caseId: caseA, attempts: first!.attempts.length }],
      ['Delivery dead-lettered', { deliveryId: second!.id, receiver: 'subscription', caseId: caseA, attempts: 1 }],
    ]);
  });

  test("a deleted subscription's pending deliveries are cancelled, not sent", async () => {
    const url = 'https://flaky.example/hook';
    const subscription = await subscribe(1, url);
    const sender = scriptedSender({ [url]: [500] });
    const run = machinery(sender);
    await publish(run, anEvent({ caseId: caseA, sequence: 1 }));
    await subscriptions.delete('44021', subscription.id);
    await retryUntilSettled(run);
    expect(sender.sent).toHaveLength(1);
    expect(deliveries.all()[0]).toMatchObject({ status: 'cancelled', attempts: [{ statusCode: 500 }, { outcome: 'failed', error: 'subscription-deleted', durationMs: 0 }] });
  });

  test('a subscription whose secret is already gone (its deletion half done) is never sent to unsigned: the delivery is cancelled', async () => {
    const url = 'https://half-deleted.example/hook';
    const subscription = await subscribe(1, url);
    subscriptions.secrets.delete(`44021/${subscription.id}`);
    const sender = scriptedSender({ [url]: [200] });
    await publish(machinery(sender), anEvent({ caseId: caseA, sequence: 1 }));
    expect(sender.sent).toEqual([]);
    expect(deliveries.all()[0]).toMatchObject({ status: 'cancelled', attempts: [{ error: 'subscription-deleted' }] });
  });

  test("the citizen's case overview is retried after a TransientError and dead-lettered at once after a permanent refusal", async () => {
    const outcomes: (() => Promise<'delivered'>)[] = [
      async () => {
        throw new TransientError('DOSIS answered 503');
      },
      async () => 'delivered',
      async () => {
        throw new Error('DOSIS refused the update (400)');
      },
    ];
    const overview: CaseOverviewFeed = { deliver: () => outcomes.shift()!() };
    const run = machinery(scriptedSender({}), overview);
    await publish(run, anEvent({ caseId: caseA, sequence: 1, inform: true }), true);
    expect(deliveries.all()[0]).toMatchObject({ status: 'pending', attempts: [{ outcome: 'failed', error: 'TransientError' }] });
    await retryUntilSettled(run);
    expect(deliveries.all()[0]).toMatchObject({ status: 'delivered' });
    await publish(run, anEvent({ caseId: caseA, sequence: 2, inform: true }), true);
    expect(deliveries.all()[1]).toMatchObject({ status: 'dead-lettered', attempts: [{ outcome: 'failed', error: 'Error' }] });
    expect(deadLettered).toEqual(['case-overview']);
  });

  test('two runs that reach the same delivery at once send it once: the lease keeps the second out', async () => {
    const url = 'https://slow.example/hook';
    await subscribe(1, url);
    const sender = scriptedSender({ [url]: [200] });
    const run = machinery(sender);
    await record(anEvent({ caseId: caseA, sequence: 1 }));
    const results = await Promise.all([run.deliverNew(deliveries.all(), farFuture), run.retryDue(farFuture), run.retryDue(farFuture)]);
    expect(sender.sent).toHaveLength(1);
    // The runs that found it leased leave it be: none of them failed.
    expect(results.map((result) => (typeof result.failed === 'number' ? result.failed : result.failed.length))).toEqual([0, 0, 0]);
    expect(warnings).toEqual([]);
  });

  test('no attempt starts that could outlast the run: the delivery stays due for the next', async () => {
    const url = 'https://ok.example/hook';
    await subscribe(1, url);
    const sender = scriptedSender({ [url]: [200] });
    const run = machinery(sender);
    await record(anEvent({ caseId: caseA, sequence: 1 }));
    await run.deliverNew(deliveries.all(), { deadline: new Date(clock.now().getTime() + 1_000) });
    expect(sender.sent).toHaveLength(0);
    expect(await deliveries.due(clock.now(), 10)).toHaveLength(1);
  });

  test("what the receiver answered is kept as the operator reads it: a timeout by name, an answer's first 256 characters", async () => {
    const url = 'https://chatty.example/hook';
    await subscribe(1, url);
    const answers = [
      { error: 'timeout', durationMs: 5_000 },
      { statusCode: 503, bodyExcerpt: `<html>${'x'.repeat(400)}`, durationMs: 12 },
    ];
    const run = machinery({ send: async () => answers.shift() ?? { statusCode: 204, bodyExcerpt: '', durationMs: 2 } });
    await publish(run, anEvent({ caseId: caseA, sequence: 1 }));
    clock.advance(5_000);
    await run.retryDue(farFuture);
    const [timedOut, refused] = deliveries.all()[0]!.attempts;
    // Strictly: what the receiver did not say (a status, an error, a body) is absent, not undefined.
    expect(timedOut).toStrictEqual({ at: expect.any(String), durationMs: 5_000, outcome: 'failed', error: 'timeout' });
    expect(refused).toStrictEqual({ at: expect.any(String), durationMs: 12, outcome: 'failed', statusCode: 503, bodyExcerpt: `<html>${'x'.repeat(250)}` });
  });

  test("without the citizen's case overview wired, its deliveries wait (not-configured) instead of being lost", async () => {
    const run = machinery(scriptedSender({}));
    await publish(run, anEvent({ caseId: caseA, sequence: 1, inform: true }), true);
    expect(deliveries.all()).toEqual([
      expect.objectContaining({
        status: 'pending',
        nextAttemptAt: new Date(clock.now().getTime() + 5_000).toISOString(),
        attempts: [{ at: clock.now().toISOString(), durationMs: 0, outcome: 'failed', error: 'not-configured' }],
      }),
    ]);
    expect(deadLettered).toEqual([]);
  });

  test('a line the table fails to drain is handed back to be tried again and logged by its error, and the other lines go on', async () => {
    const broken = 'https://broken-line.example/hook';
    const fine = 'https://fine.example/hook';
    await subscribe(1, broken);
    await subscribe(2, fine);
    const sender = scriptedSender({});
    const brokenId = testUlid(1);
    // The table throttles every read of the broken subscription's line, once.
    let throttled = false;
    const flaky: typeof deliveries = {
      ...deliveries,
      async firstPending(line) {
        if (!throttled && line.receiver.kind === 'subscription' && line.receiver.subscriptionId === brokenId) {
          throttled = true;
          throw Object.assign(new Error('Rate exceeded'), { name: 'ProvisionedThroughputExceededException' });
        }
        return deliveries.firstPending(line);
      },
    };
    const run = machinery(sender, undefined, flaky);
    await record(anEvent({ caseId: caseA, sequence: 1 }));
    const { attempts, failed } = await run.deliverNew(deliveries.all(), farFuture);
    expect(attempts).toBe(1);
    expect(failed.map((delivery) => delivery.receiver)).toEqual([{ kind: 'subscription', subscriptionId: brokenId }]);
    expect(warnings).toEqual([['A delivery line could not be drained; it is tried again', { error: 'ProvisionedThroughputExceededException' }]]);
    expect(sender.sent.map((request) => request.url)).toEqual([fine]);
    // Handed over again, it goes out.
    await run.deliverNew(failed, farFuture);
    expect(sender.sent.map((request) => request.url)).toEqual([fine, broken]);
  });

  test('an attempt that can end by the deadline starts; one that could end a moment later waits for the next run', async () => {
    const url = 'https://ok.example/hook';
    await subscribe(1, url);
    const sender = scriptedSender({ [url]: [200] });
    const run = machinery(sender);
    await record(anEvent({ caseId: caseA, sequence: 1 }));
    await record(anEvent({ caseId: caseB, sequence: 1 }));
    const [first, second] = deliveries.all();
    // The sender's timeout is 5 s.
    await run.deliverNew([first!], { deadline: new Date(clock.now().getTime() + 4_999) });
    expect(sender.sent).toHaveLength(0);
    await run.deliverNew([first!, second!], { deadline: new Date(clock.now().getTime() + 5_000) });
    expect(sender.sent).toHaveLength(2);
  });

  test('a scheduled run takes at most 200 due deliveries and says how many it found, tried and failed; the rest wait for the next run', async () => {
    const url = 'https://ok.example/hook';
    await subscribe(1, url);
    for (let n = 0; n < 201; n++) await record(anEvent({ caseId: testUlid(100 + n), sequence: 1 }));
    const run = machinery(scriptedSender({ [url]: [200] }));
    expect(await run.retryDue(farFuture)).toEqual({ due: 200, attempts: 200, failed: 0 });
    expect(await run.retryDue(farFuture)).toEqual({ due: 1, attempts: 1, failed: 0 });
    expect(await run.retryDue({ ...farFuture, limit: 10 })).toEqual({ due: 0, attempts: 0, failed: 0 });
  });

  test.each([
    [199, 'failed'],
    [200, 'accepted'],
    [299, 'accepted'],
    [300, 'failed'],
  ])('an answer %i counts as %s: only a 2xx is accepted', async (statusCode, outcome) => {
    const url = 'https://status.example/hook';
    await subscribe(1, url);
    const run = machinery(scriptedSender({ [url]: [statusCode] }));
    await publish(run, anEvent({ caseId: caseA, sequence: 1 }));
    expect(deliveries.all()[0]!.attempts.map((attempt) => attempt.outcome)).toEqual([outcome]);
  });

  test("the citizen's case overview's attempts record how long the overview took, refused or accepted", async () => {
    const overview: CaseOverviewFeed = {
      async deliver() {
        clock.advance(1_250);
        if (clock.now().getTime() < Date.parse('2026-12-01T10:00:05Z')) throw new TransientError('DOSIS answered 503');
        return 'delivered';
      },
    };
    const run = machinery(scriptedSender({}), overview);
    await publish(run, anEvent({ caseId: caseA, sequence: 1, inform: true }), true);
    await retryUntilSettled(run);
    expect(deliveries.all()[0]).toMatchObject({
      status: 'delivered',
      attempts: [
        { outcome: 'failed', durationMs: 1_250 },
        { outcome: 'accepted', durationMs: 1_250 },
      ],
    });
  });

  test("once a line's refused head is accepted, the deliveries behind it follow in the same run", async () => {
    const url = 'https://back-up.example/hook';
    await subscribe(1, url);
    const sender = scriptedSender({ [url]: [500, 200] });
    const run = machinery(sender);
    for (const sequence of [1, 2, 3]) await publish(run, anEvent({ caseId: caseA, sequence }));
    clock.advance(5_000);
    expect(await run.retryDue(farFuture)).toEqual({ due: 3, attempts: 3, failed: 0 });
    expect(sequencesSentTo(sender, url, caseA)).toEqual([1, 1, 2, 3]);
  });

  test('the deliveries waiting behind a head refused again move to its next attempt: no scheduled run finds them due before then', async () => {
    const url = 'https://down.example/hook';
    await subscribe(1, url);
    const run = machinery(scriptedSender({ [url]: [500] }));
    await publish(run, anEvent({ caseId: caseA, sequence: 1 }));
    await publish(run, anEvent({ caseId: caseA, sequence: 2 }));
    clock.advance(5_000);
    expect(await run.retryDue(farFuture)).toEqual({ due: 2, attempts: 1, failed: 0 });
    const [head, behind] = deliveries.all();
    expect(head!.nextAttemptAt).toBe(new Date(clock.now().getTime() + 10_000).toISOString());
    expect(behind!.nextAttemptAt).toBe(head!.nextAttemptAt);
    clock.advance(9_999);
    expect(await run.retryDue(farFuture)).toEqual({ due: 0, attempts: 0, failed: 0 });
  });

  test("a refused attempt ends its line's drain at once, without reading the line again: an index read right after the settlement could still show the head due, and try the receiver again", async () => {
    const url = 'https://down.example/hook';
    await subscribe(1, url);
    const sender = scriptedSender({ [url]: [500] });
    let lineReads = 0;
    const counted: typeof deliveries = {
      ...deliveries,
      firstPending: (line) => {
        lineReads += 1;
        return deliveries.firstPending(line);
      },
    };
    await record(anEvent({ caseId: caseA, sequence: 1 }));
    await record(anEvent({ caseId: caseA, sequence: 2 }));
    clock.advance(5_000);
    expect(await machinery(sender, undefined, counted).retryDue(farFuture)).toEqual({ due: 2, attempts: 1, failed: 0 });
    expect(lineReads).toBe(1);
    const [head, behind] = deliveries.all();
    expect(behind!.nextAttemptAt).toBe(head!.nextAttemptAt);
  });

  test('only the deliveries behind a refused head are postponed, and one that already waits longer keeps its own time', async () => {
    const url = 'https://down.example/hook';
    await subscribe(1, url);
    const postponed: string[] = [];
    const counted: typeof deliveries = {
      ...deliveries,
      postpone: (delivery, until) => {
        postponed.push(delivery.id);
        return deliveries.postpone(delivery, until);
      },
    };
    for (const sequence of [1, 2, 3]) await record(anEvent({ caseId: caseA, sequence }));
    const [, second, third] = deliveries.all();
    const later = new Date(clock.now().getTime() + hour).toISOString();
    await deliveries.postpone(third!, later);
    clock.advance(5_000);
    const due = deliveries.all().filter((delivery) => delivery.id !== third!.id);
    expect(await machinery(scriptedSender({ [url]: [500] }), undefined, counted).deliverNew([...due, deliveries.all()[2]!], farFuture)).toMatchObject({ attempts: 1 });
    expect(postponed).toEqual([second!.id]);
    const [head, behind, waitingLonger] = deliveries.all();
    expect(behind!.nextAttemptAt).toBe(head!.nextAttemptAt);
    expect(waitingLonger!.nextAttemptAt).toBe(later);
    // Handed over again before the head is due: nothing behind it is written again.
    postponed.length = 0;
    expect(await machinery(scriptedSender({}), undefined, counted).deliverNew(deliveries.all(), farFuture)).toMatchObject({ attempts: 0 });
    expect(postponed).toEqual([]);
  });

  test('drains at most `concurrency` lines at once', async () => {
    const url = 'https://slow.example/hook';
    await subscribe(1, url);
    let inFlight = 0;
    let most = 0;
    const sender: WebhookSender = {
      async send() {
        inFlight += 1;
        most = Math.max(most, inFlight);
        // Yields to the other lines' attempts, as a request on the wire does.
        await new Promise((resolve) => setImmediate(resolve));
        inFlight -= 1;
        return { statusCode: 204, durationMs: 1 };
      },
    };
    for (let n = 0; n < 5; n++) await record(anEvent({ caseId: testUlid(100 + n), sequence: 1 }));
    expect(await machinery(sender, undefined, deliveries, { concurrency: 2 }).retryDue(farFuture)).toEqual({ due: 5, attempts: 5, failed: 0 });
    expect(most).toBe(2);
  });
});
