import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import type { CaseEvent } from '../../functions/domain/case-event';
import { caseEventSource, caseEventType } from '../../functions/domain/case-event';
import { catalogue } from '../../functions/catalogue/catalogue';
import type { EventFanOut } from '../../functions/ports/event-exchange.port';
import { allTaskRoles, driveToFinal } from '../support/case-driver';
import type { TestStack } from '../support/test-stack';
import { eventually, startTestStack } from '../support/test-stack';

/*
 * The webhook deliveries on the local stack, fed as on AWS: the fan-out records deliveries, the
 * table's stream (DynamoDB Local's, through the poller) hands them to the deliver-webhooks
 * function, which signs and POSTs them to a real HTTP receiver on this machine; refused ones
 * come back through the retry-deliveries function on its timer. The retry schedule is
 * shortened by the stack's `webhookTimeScale`, not changed.
 */

interface Received {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  /** What the receiver answered. */
  readonly status: number;
  readonly receivedAt: number;
}

const tenant = '44021';
let stack: TestStack;
let receiver: Server;
let receiverUrl: string;
let fanOut: EventFanOut;
let operator: string;
const received: Received[] = [];
const flakyAnswers = [500, 500, 500];

beforeAll(async () => {
  receiver = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      const path = request.url ?? '';
      if (path.startsWith('/hang')) return; // never answers: the sender gives up after its timeout
      const status = path.startsWith('/flaky') ? (flakyAnswers.shift() ?? 200) : 200;
      received.push({ path, headers: request.headers, body, status, receivedAt: Date.now() });
      response.writeHead(status, { 'content-type': 'text/plain' }).end(status === 200 ? 'accepted' : 'try again later');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  // A day of retries in about 17 s; the first retries come after a few milliseconds.
  stack = await startTestStack({ webhookTimeScale: 0.0002, webhookRetryIntervalMs: 100 });
  ({ eventFanOut: fanOut } = await import('../../functions/outbox/event-fan-out.wiring'));
  operator = await stack.token({ tenant, roles: ['operator'] });
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  receiver?.closeAllConnections();
  await new Promise((resolve) => receiver?.close(resolve));
});

let eventCount = 0;
function anEvent(caseId: string, sequence: number, change = 'status-changed'): CaseEvent {
  eventCount += 1;
  return {
    specversion: '1.0',
    id: `01JEVENT${String(eventCount).padStart(18, '0')}`,
    type: caseEventType(change),
    source: caseEventSource(tenant),
    subject: caseId,
    time: new Date().toISOString(),
    datacontenttype: 'application/json',
    dataschema: `https://loket.example/v1/events/schemas/${change}.v1`,
    sequence: `${String(sequence).padStart(10, '0')}.00`,
    tenant,
    transactiontype: 'proof-of-residence',
    data: { caseId, caseNumber: `${tenant}-2026-000001`, tenant, transactionType: { key: 'proof-of-residence', version: 1 } },
  };
}

async function subscribe(path: string, secret?: string): Promise<{ id: string; secret: string }> {
  const created = await stack.call('POST', '/v1/subscriptions', { token: operator, body: { url: `${receiverUrl}${path}`, ...(secret ? { secret } : {}) } });
  expect(created.status).toBe(201);
  return { id: created.body.id, secret: created.body.secret };
}

const eventOf = (entry: Received) => JSON.parse(entry.body) as CaseEvent;
const at = (path: string) => received.filter((entry) => entry.path === path);

/** Event N+1 of a case reached the receiver only once event N was accepted. */
function expectInOrderPerCase(entries: readonly Received[]): void {
  const accepted = new Map<string, number>();
  for (const entry of entries) {
    const event = eventOf(entry);
    const sequence = Number(event.sequence);
    const last = accepted.get(event.subject) ?? 0;
    expect({ case: event.subject, sequence, sentAfterAccepting: last }).toEqual({ case: event.subject, sequence, sentAfterAccepting: Math.max(last, sequence - 1) });
    if (entry.status === 200) accepted.set(event.subject, Math.max(last, sequence));
  }
}

describe('a subscriber that answers 500 three times, then 200', () => {
  const caseA = '01JCASEA000000000000000000';
  const caseB = '01JCASEB000000000000000000';
  let subscription: { id: string; secret: string };
  let events: CaseEvent[];

  test('receives every event of each case accepted exactly once per webhook id, in order per case, each signed with its secret', async () => {
    subscription = await subscribe('/flaky');
    expect(subscription.secret).toMatch(/^whsec_/);
    const listed = await stack.call('GET', '/v1/subscriptions', { token: operator });
    expect(listed.body.items).toEqual([expect.objectContaining({ id: subscription.id, url: `${receiverUrl}/flaky` })]);
    expect(JSON.stringify(listed.body)).not.toContain(subscription.secret);

    events = [anEvent(caseA, 1), anEvent(caseA, 2), anEvent(caseB, 1), anEvent(caseA, 3), anEvent(caseB, 2, 'closed')];
    for (const event of events) await fanOut.fanOut(event);
    // The dispatcher may hand the same event over again: it adds no delivery.
    await fanOut.fanOut(events[0]!);

    await eventually(
      async () => at('/flaky').filter((entry) => entry.status === 200).length,
      (count) => count >= events.length,
      30_000,
    );
    const accepted = at('/flaky').filter((entry) => entry.status === 200);
    expect(accepted.map((entry) => entry.headers['webhook-id']).sort()).toEqual(events.map((event) => event.id).sort());
    expect(at('/flaky').filter((entry) => entry.status === 500)).toHaveLength(3);
    expectInOrderPerCase(at('/flaky'));
    for (const entry of at('/flaky')) {
      expect(new Webhook(subscription.secret).verify(entry.body, entry.headers as Record<string, string>)).toEqual(eventOf(entry));
      expect(entry.headers['webhook-id']).toBe(eventOf(entry).id);
    }
  });

  test('its deliveries list each attempt with the answer, a page at a time', async () => {
    const seen: any[] = [];
    let cursor: string | undefined;
    do {
      const page = await stack.call('GET', `/v1/subscriptions/${subscription.id}/deliveries?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { token: operator });
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.items);
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(events.length);
    expect(seen.every((delivery) => delivery.status === 'delivered' && delivery.attempts.at(-1).statusCode === 200)).toBe(true);
    const refused = seen.flatMap((delivery) => delivery.attempts.filter((attempt: any) => attempt.outcome === 'failed'));
    expect(refused).toHaveLength(3);
    expect(refused.every((attempt: any) => attempt.statusCode === 500 && attempt.bodyExcerpt === 'try again later')).toBe(true);
    // Another tenant's operator finds no such subscription.
    const aalst = await stack.token({ tenant: '41002', roles: ['operator'] });
    expect((await stack.call('GET', `/v1/subscriptions/${subscription.id}/deliveries`, { token: aalst })).status).toBe(404);
  });

  test('a replay from before the events delivers each again, with the same webhook id, in order per case', async () => {
    const before = at('/flaky').length;
    const replay = await stack.call('POST', `/v1/subscriptions/${subscription.id}/replay`, { token: operator, body: { from: new Date(Date.parse(events[0]!.time) - 1000).toISOString() } });
    expect(replay.status).toBe(202);
    expect(replay.body.deliveries).toBe(events.length);
    const again = await eventually(
      async () => at('/flaky').slice(before),
      (entries) => entries.filter((entry) => entry.status === 200).length >= events.length,
      30_000,
    );
    expect(again.map((entry) => entry.headers['webhook-id']).sort()).toEqual(events.map((event) => event.id).sort());
    expectInOrderPerCase(again);
  });

  test('a replay from after the events delivers nothing, and one from the future is refused', async () => {
    const none = await stack.call('POST', `/v1/subscriptions/${subscription.id}/replay`, { token: operator, body: { from: new Date().toISOString() } });
    expect(none).toMatchObject({ status: 202, body: { deliveries: 0 } });
    const future = await stack.call('POST', `/v1/subscriptions/${subscription.id}/replay`, { token: operator, body: { from: '2999-01-01T00:00:00Z' } });
    expect(future.status).toBe(400);
    expect(future.headers.get('content-type')).toBe('application/problem+json');
  });
});

describe('a receiver that hangs', () => {
  test('delays neither another subscriber nor a case: the case’s workflow ends while its deliveries wait', async () => {
    for (const existing of (await stack.call('GET', '/v1/subscriptions', { token: operator })).body.items) {
      expect((await stack.call('DELETE', `/v1/subscriptions/${existing.id}`, { token: operator })).status).toBe(200);
    }
    const hanging = await subscribe('/hang');
    await subscribe('/ok');
    const event = anEvent('01JCASEC000000000000000000', 1);
    await fanOut.fanOut(event);
    await eventually(
      async () => at('/ok').filter((entry) => entry.headers['webhook-id'] === event.id).length,
      (count) => count === 1,
    );
    // The other receiver has it while the hanging one's first attempt has not even ended.
    const pending = await stack.call('GET', `/v1/subscriptions/${hanging.id}/deliveries`, { token: operator });
    expect(pending.body.items).toEqual([expect.objectContaining({ status: 'pending', attempts: [] })]);

    // A whole case runs to its end with the hanging subscriber subscribed to every event.
    const portal = await stack.token({ tenant, roles: ['portal'] });
    const worker = await stack.token({ tenant, roles: allTaskRoles });
    const submitted = await stack.call('POST', '/v1/cases', { token: portal, body: { type: 'proof-of-residence', applicant: { insz: '85073003328' }, data: { purpose: 'webhooks' } } });
    expect(submitted.status).toBe(201);
    const { final } = await driveToFinal(stack, submitted.body.id, { portal, worker });
    expect(final.status.final).toBe(true);
    expect((await stack.call('DELETE', `/v1/subscriptions/${hanging.id}`, { token: operator })).status).toBe(200);
  });
});

describe('a subscriber of every event', () => {
  test('sees a case from its submission to its closing: each event once accepted, in the order of the case, signed, ids and codes only', async () => {
    const subscriber = await subscribe('/view');
    const portal = await stack.token({ tenant, roles: ['portal'] });
    const worker = await stack.token({ tenant, roles: allTaskRoles });
    const submitted = await stack.call('POST', '/v1/cases', { token: portal, body: { type: 'proof-of-residence', applicant: { insz: '85073003328' }, data: { purpose: 'webhooks' } } });
    expect(submitted.status).toBe(201);
    const caseId = submitted.body.id as string;
    await driveToFinal(stack, caseId, { portal, worker });
    const ofCase = () => at('/view').filter((entry) => eventOf(entry).subject === caseId);
    const seen = await eventually(
      async () => ofCase(),
      (entries) => entries.some((entry) => eventOf(entry).type === caseEventType('closed')),
      30_000,
    );
    const sequences = seen.map((entry) => eventOf(entry).sequence);
    expect(sequences).toEqual([...sequences].sort());
    expect(new Set(seen.map((entry) => entry.headers['webhook-id'])).size).toBe(seen.length);
    expect(seen[0] && eventOf(seen[0]).type).toBe(caseEventType('submitted'));
    for (const entry of seen) expect(new Webhook(subscriber.secret).verify(entry.body, entry.headers as Record<string, string>)).toEqual(eventOf(entry));
    expect(JSON.stringify(seen.map(eventOf))).not.toContain('85073003328');
    const received = seen.map((entry) => ({ type: eventOf(entry).type, sequence: eventOf(entry).sequence, data: eventOf(entry).data }));
    // The figures of the closing note (printed, not asserted: the machine is shared): from the event's time (its commit) to the receipt.
    const latencies = seen.map((entry) => entry.receivedAt - Date.parse(eventOf(entry).time)).sort((a, b) => a - b);
    const percentile = (p: number) => latencies[Math.min(latencies.length - 1, Math.ceil((p / 100) * latencies.length) - 1)];
    process.stdout.write(
      `A subscriber's view of case ${caseId}:\n${received.map((event) => `  ${event.sequence} ${event.type} ${JSON.stringify(event.data)}`).join('\n')}\n` +
        `delivery latency, commit to receipt (${latencies.length} events): p50 ${percentile(50)} ms, p99 ${percentile(99)} ms\n`,
    );
  });
});

describe('changes of one case committed back to back', () => {
  test('reach a subscriber in the order of the case, each once, while other cases’ changes go alongside', async () => {
    await subscribe('/race');
    const portal = await stack.token({ tenant, roles: ['portal'] });
    const clerk = await stack.token({ tenant, roles: ['clerk'] });
    // Cases that wait for a clerk, so that they stay open while a clerk suspends and resumes them again and again.
    const example = catalogue.find('event-permit')!.example;
    const caseIds = await Promise.all(
      [1, 2, 3, 4].map(async () => {
        const submitted = await stack.call('POST', '/v1/cases', { token: portal, body: example });
        expect(submitted.status).toBe(201);
        return submitted.body.id as string;
      }),
    );
    // Each case's changes one right after the other, the cases at once: the stream hands the dispatcher several events of a
    // case in one batch, at times beside another case's (counted once: batches of 1 to 4 events of a case, two cases at most).
    // On a dispatcher that fanned a batch's events out all at once (bfd3530) this failed in 1 of 4 runs; the unit tests of
    // deliverBatch hold the order every time, this holds it through the stream, the dispatcher and deliver-webhooks.
    const rounds = 5;
    await Promise.all(
      caseIds.map(async (caseId) => {
        for (let round = 0; round < rounds; round++) {
          for (const action of ['suspend', 'resume']) {
            const changed = await stack.call('POST', `/v1/cases/${caseId}/${action}`, { token: clerk, body: { reason: 'Waiting for a document' } });
            expect(changed.status).toBe(200);
          }
        }
      }),
    );
    const onBus = (caseId: string) => stack.events.filter((entry) => (entry.detail as CaseEvent).subject === caseId).map((entry) => entry.detail as CaseEvent);
    const receivedOf = (caseId: string) => at('/race').filter((entry) => eventOf(entry).subject === caseId);
    const allReceived = () =>
      caseIds.every((caseId) => {
        const published = onBus(caseId);
        const ids = new Set(receivedOf(caseId).map((entry) => entry.headers['webhook-id']));
        return published.filter((event) => event.type === caseEventType('resumed')).length === rounds && published.every((event) => ids.has(event.id));
      });
    await eventually(async () => allReceived(), (done) => done, 30_000);
    for (const caseId of caseIds) {
      const received = receivedOf(caseId);
      // Every event the case published reached the receiver once (the receiver accepts each at once), in the order of the case.
      expect(received.map((entry) => entry.status)).toEqual(received.map(() => 200));
      expect(received.map((entry) => entry.headers['webhook-id']).sort()).toEqual(onBus(caseId).map((event) => event.id).sort());
      const sequences = received.map((entry) => eventOf(entry).sequence);
      expect(sequences).toEqual([...sequences].sort());
      expect(received.map((entry) => eventOf(entry).type).filter((type) => type.includes('suspended') || type.includes('resumed'))).toEqual(
        Array.from({ length: rounds }, () => [caseEventType('suspended'), caseEventType('resumed')]).flat(),
      );
    }
  });
});

describe('creating a subscription', () => {
  test.each([
    [{ url: 'ftp://127.0.0.1/hook' }, 'url'],
    [{ url: 'http://127.0.0.1/hook', secret: 'not-a-secret' }, 'secret'],
    [{ url: 'http://127.0.0.1/hook', eventTypes: ['case.closed'] }, 'eventTypes.0'],
    [{ url: 'http://127.0.0.1/hook', transactionTypes: ['no-such-type'] }, 'transactionTypes.0'],
    [{ url: 'http://127.0.0.1/hook', tenant: '41002' }, 'tenant'],
  ])('refuses %j with a problem that names %s, and stores nothing', async (body, path) => {
    const before = (await stack.call('GET', '/v1/subscriptions', { token: operator })).body.items.length;
    const refused = await stack.call('POST', '/v1/subscriptions', { token: operator, body });
    expect(refused.status).toBe(400);
    expect(refused.headers.get('content-type')).toBe('application/problem+json');
    expect(refused.body.errors.map((error: { path: string }) => error.path)).toContain(path);
    expect((await stack.call('GET', '/v1/subscriptions', { token: operator })).body.items.length).toBe(before);
  });

  test('is for operators only', async () => {
    const clerk = await stack.token({ tenant, roles: ['clerk'] });
    expect((await stack.call('POST', '/v1/subscriptions', { token: clerk, body: { url: 'http://127.0.0.1/hook' } })).status).toBe(403);
  });
});
