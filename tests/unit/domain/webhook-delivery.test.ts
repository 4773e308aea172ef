import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import type { DeliveryAttempt } from '../../../functions/domain/webhook-delivery';
import { afterFailure, deliveryOrderKey, excerptOf, informsApplicant, maxExcerptLength, newDelivery, receiverKey, retryDelayMs, retrySchedule, scaledSchedule, sequenceKey } from '../../../functions/domain/webhook-delivery';
import { aCaseEvent, testUlid } from '../../support/in-memory-ports';

const hour = 60 * 60 * 1000;
const failed = (at: Date): DeliveryAttempt => ({ at: at.toISOString(), durationMs: 10, outcome: 'failed', statusCode: 500 });

/** Fails a delivery created at `createdAt` at every attempt, with the jitter `random` gives: the times of its attempts, and when it was dead-lettered. */
function failForever(random: () => number, schedule = retrySchedule) {
  const createdAt = new Date('2026-12-01T10:00:00Z');
  const attempts: DeliveryAttempt[] = [];
  let now = createdAt;
  for (;;) {
    attempts.push(failed(now));
    const next = afterFailure({ createdAt: createdAt.toISOString(), attempts }, now, random(), schedule);
    if (next.kind === 'dead-letter') return { attempts, deadLetteredAfterMs: now.getTime() - createdAt.getTime() };
    expect(next.at.getTime()).toBeGreaterThan(now.getTime());
    now = next.at;
  }
}

describe('the retry schedule', () => {
  test('doubles from 5 s up to its 2 h cap, without jitter', () => {
    expect([1, 2, 3, 4, 5].map((retry) => retryDelayMs(retry, 0))).toEqual([5_000, 10_000, 20_000, 40_000, 80_000]);
    expect(retryDelayMs(11, 0)).toBe(5_120_000);
    expect(retryDelayMs(12, 0)).toBe(2 * hour);
    expect(retryDelayMs(40, 0)).toBe(2 * hour);
  });

  test('jitter takes off at most half a delay, so that failures at the same time spread out', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60 }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (retry, random) => {
        const full = retryDelayMs(retry, 0);
        const jittered = retryDelayMs(retry, random);
        return jittered <= full && jittered >= full / 2;
      }),
    );
    expect(retryDelayMs(3, 0.5)).toBeLessThan(retryDelayMs(3, 0));
  });

  test.each([
    ['no jitter', () => 0],
    ['the most jitter', () => 0.999_999],
    ['random jitter', Math.random],
  ])('with %s, a delivery that always fails is retried for at least 24 hours, then dead-lettered at its first failure after', (_name, random) => {
    const { attempts, deadLetteredAfterMs } = failForever(random);
    expect(deadLetteredAfterMs).toBeGreaterThanOrEqual(24 * hour);
    // The last wait before it is at most the cap: it is dead-lettered at the first failure past the day.
    expect(deadLetteredAfterMs).toBeLessThan(26 * hour);
    const secondLast = Date.parse(attempts.at(-2)!.at);
    expect(secondLast - Date.parse(attempts[0]!.at)).toBeLessThan(24 * hour);
  });

  test('a failure at 24 hours old exactly is dead-lettered; a millisecond younger, it is retried', () => {
    const createdAt = '2026-12-01T10:00:00.000Z';
    const attempts = [failed(new Date(createdAt))];
    expect(afterFailure({ createdAt, attempts }, new Date(Date.parse(createdAt) + 24 * hour), 0)).toEqual({ kind: 'dead-letter' });
    expect(afterFailure({ createdAt, attempts }, new Date(Date.parse(createdAt) + 24 * hour - 1), 0)).toMatchObject({ kind: 'retry' });
  });

  test('the first three retries come within 35 seconds of the first attempt', () => {
    const { attempts } = failForever(() => 0);
    expect(Date.parse(attempts[3]!.at) - Date.parse(attempts[0]!.at)).toBe(5_000 + 10_000 + 20_000);
  });

  test('a time scale shortens every duration and keeps the shape: tests run the same schedule faster', () => {
    const scaled = scaledSchedule(0.001);
    expect(retryDelayMs(1, 0, scaled)).toBe(5);
    expect(retryDelayMs(20, 0, scaled)).toBe(7_200);
    const { attempts, deadLetteredAfterMs } = failForever(() => 0, scaled);
    expect(deadLetteredAfterMs).toBeGreaterThanOrEqual(86_400);
    expect(attempts.length).toBe(failForever(() => 0).attempts.length);
  });
});

describe('the order of a case’s deliveries to one receiver', () => {
  const event = (id: string) => ({ id }) as never;
  test("follows the events' sequences as they count: Loket's zero-padded form, and a shorter decimal one", () => {
    const key = (sequence: string) => deliveryOrderKey({ sequence, event: event('01JEVENT'), run: 'original' });
    const ordered = ['0000000001.00', '0000000002.00', '0000000002.01', '0000000002.03', '0000000010.00'];
    expect([...ordered].reverse().map(key).sort()).toEqual(ordered.map(key));
    expect(['10', '9', '2.1', '2', '100'].map(key).sort()).toEqual(['2', '2.1', '9', '10', '100'].map(key));
    expect(key('2.01') < key('2.1')).toBe(true);
  });

  test("puts a replay's copy of an event before the next event, so that a replay is in order too", () => {
    const replayOfTwo = deliveryOrderKey({ sequence: '0000000002.00', event: event('01JEVENT2'), run: '01JREPLAY' });
    const three = deliveryOrderKey({ sequence: '0000000003.00', event: event('01JEVENT3'), run: 'original' });
    expect(replayOfTwo < three).toBe(true);
  });
});

describe("a sequence as a delivery's sort key", () => {
  test("the same sequence in Loket's zero-padded form and in a shorter decimal form is one key, and sorts by its number", () => {
    expect(sequenceKey('12')).toBe(sequenceKey('0000000012.00'));
    expect(sequenceKey('12.1')).toBe(sequenceKey('0000000012.10'));
    expect([sequenceKey('0000000011.00'), sequenceKey('10'), sequenceKey('9999999999.01'), sequenceKey('1234567890')].sort()).toEqual(
      [sequenceKey('10'), sequenceKey('0000000011.00'), sequenceKey('1234567890'), sequenceKey('9999999999.01')],
    );
  });

  test('a sequence that is not of that form keeps its own text, and no two sequences share a key', () => {
    expect(sequenceKey('2026-12-01/a')).toBe('2026-12-01/a');
    const sequences = ['12', 'v12', '12.1', '12.1.3', '12a', '12345678901', '1.1234567'];
    expect(new Set(sequences.map(sequenceKey)).size).toBe(sequences.length);
  });
});

test("a receiver's part of the table's keys, which stored deliveries keep across deployments: SUB#<id>, or OVERVIEW", () => {
  expect(receiverKey({ kind: 'subscription', subscriptionId: '01JDZ000000000000000000001' })).toBe('SUB#01JDZ000000000000000000001');
  expect(receiverKey({ kind: 'case-overview' })).toBe('OVERVIEW');
});

describe("what a delivery keeps and whom it informs", () => {
  const gentCase = { id: testUlid(1), number: '44021-2026-000001', tenant: '44021', type: { key: 'proof-of-residence', version: 1 } };
  const event = (change: string, data?: Record<string, unknown>) => aCaseEvent(gentCase, { id: testUlid(100), change, sequence: '0000000007.00', time: '2026-12-01T10:00:00.000Z', data });

  test("keeps a receiver's answer up to its first 256 characters", () => {
    expect(maxExcerptLength).toBe(256);
    expect(excerptOf('x'.repeat(256))).toBe('x'.repeat(256));
    expect(excerptOf(`${'x'.repeat(256)}tail`)).toBe('x'.repeat(256));
    expect(excerptOf('ok')).toBe('ok');
  });

  test("the citizen's case overview receives the status changes that inform the applicant, and nothing else", () => {
    expect(informsApplicant(event('status-changed', { inform: true }))).toBe(true);
    expect(informsApplicant(event('status-changed', { inform: false }))).toBe(false);
    expect(informsApplicant(event('status-changed'))).toBe(false);
    expect(informsApplicant(event('closed', { inform: true }))).toBe(false);
  });

  test("a new delivery is pending and due at once, for the event's tenant, case and sequence", () => {
    const now = new Date('2026-12-01T10:00:01Z');
    const receiver = { kind: 'subscription', subscriptionId: 'S1' } as const;
    expect(newDelivery(event('closed'), receiver, 'original', 'D1', now)).toEqual({
      id: 'D1',
      receiver,
      tenant: '44021',
      caseId: gentCase.id,
      sequence: '0000000007.00',
      run: 'original',
      event: event('closed'),
      status: 'pending',
      createdAt: now.toISOString(),
      nextAttemptAt: now.toISOString(),
      attempts: [],
    });
  });
});
