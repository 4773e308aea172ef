import type { CaseEvent } from './case-event';
import { caseEventType } from './case-event';

/**
 * Who a delivery goes to: a tenant's subscription, or the citizen's case overview (DOSIS), the
 * second kind of receiver the same machinery serves.
 */
export type Receiver = { readonly kind: 'subscription'; readonly subscriptionId: string } | { readonly kind: 'case-overview' };

/** One try at handing an event to its receiver, and what came back. */
export interface DeliveryAttempt {
  readonly at: string;
  readonly durationMs: number;
  /** `accepted`: a 2xx (or the overview took it); anything else is tried again later. */
  readonly outcome: 'accepted' | 'failed';
  /** The HTTP status the receiver answered, when it answered. */
  readonly statusCode?: number;
  /** Why there is no answer or why it does not count: `timeout`, `redirect`, `target-refused`, a network error's code. */
  readonly error?: string;
  /** The start of the receiver's answer, at most `maxExcerptLength` characters. */
  readonly bodyExcerpt?: string;
}

export const maxExcerptLength = 256;

/**
 * - `pending`: waits for its first or next attempt (or for an earlier event of its case);
 * - `delivered`: the receiver accepted it;
 * - `dead-lettered`: still refused after the retry window (`retrySchedule.maxAgeMs`);
 * - `cancelled`: its subscription was deleted before it was accepted.
 */
export type DeliveryStatus = 'pending' | 'delivered' | 'dead-lettered' | 'cancelled';

/**
 * One event for one receiver. The fan-out writes one per matching receiver; a replay writes new
 * ones (another `run`) for the same events, with the same webhook id, so that a receiver
 * deduplicates on it.
 */
export interface Delivery {
  /** A ULID: the delivery's own id, as the deliveries listing shows it. */
  readonly id: string;
  readonly receiver: Receiver;
  readonly tenant: string;
  readonly caseId: string;
  /** The event's place in its case (its CloudEvents `sequence`): a receiver gets a case's events in this order. */
  readonly sequence: string;
  /** `original` for the fan-out's, the replay's id for a replay's. */
  readonly run: string;
  readonly event: CaseEvent;
  readonly status: DeliveryStatus;
  readonly createdAt: string;
  /** When a pending delivery is next tried. */
  readonly nextAttemptAt?: string;
  readonly attempts: readonly DeliveryAttempt[];
}

/** The webhook id a receiver deduplicates on: the event's id, the same for every attempt and every replay. */
export const webhookIdOf = (delivery: Pick<Delivery, 'event'>) => delivery.event.id;

/** The run of the fan-out's deliveries. */
export const originalRun = 'original';

/**
 * How deliveries are retried: exponential backoff with jitter, for at least `maxAgeMs`. The
 * n-th retry waits `firstDelayMs · 2^(n-1)`, capped at `maxDelayMs`, and then a random share
 * of it is taken off (at most `jitter`), so that the retries of many deliveries that failed
 * together spread out. A delivery that fails once it is `maxAgeMs` old is dead-lettered.
 */
export interface RetrySchedule {
  readonly firstDelayMs: number;
  readonly maxDelayMs: number;
  readonly maxAgeMs: number;
  /** The largest share of a delay the jitter takes off (0–1). */
  readonly jitter: number;
}

export const retrySchedule: RetrySchedule = {
  firstDelayMs: 5_000,
  maxDelayMs: 2 * 60 * 60 * 1000,
  maxAgeMs: 24 * 60 * 60 * 1000,
  jitter: 0.5,
};

/** The schedule with every duration multiplied by `timeScale` (tests shorten it; the shape stays the same). */
export function scaledSchedule(timeScale: number, schedule: RetrySchedule = retrySchedule): RetrySchedule {
  return {
    ...schedule,
    firstDelayMs: schedule.firstDelayMs * timeScale,
    maxDelayMs: schedule.maxDelayMs * timeScale,
    maxAgeMs: schedule.maxAgeMs * timeScale,
  };
}

/** The wait before retry number `retry` (1 for the first retry), given a random number in [0, 1). */
export function retryDelayMs(retry: number, random: number, schedule: RetrySchedule = retrySchedule): number {
  const exponent = Math.min(Math.max(retry - 1, 0), 40);
  const full = Math.min(schedule.maxDelayMs, schedule.firstDelayMs * 2 ** exponent);
  return Math.round(full * (1 - schedule.jitter * random));
}

/** What follows a failed attempt: another at a time, or the dead letters once the delivery is old enough. */
export type AfterFailure = { readonly kind: 'retry'; readonly at: Date } | { readonly kind: 'dead-letter' };

export function afterFailure(
  delivery: Pick<Delivery, 'createdAt' | 'attempts'>,
  now: Date,
  random: number,
  schedule: RetrySchedule = retrySchedule,
): AfterFailure {
  const age = now.getTime() - Date.parse(delivery.createdAt);
  if (age >= schedule.maxAgeMs) return { kind: 'dead-letter' };
  // `attempts` holds the failed attempt already: after the first failure comes retry 1.
  const retry = Math.max(1, delivery.attempts.length);
  return { kind: 'retry', at: new Date(now.getTime() + retryDelayMs(retry, random, schedule)) };
}

/**
 * Where a delivery stands among its case's deliveries to the same receiver: a delivery is tried
 * only when none that sorts before it is still pending, so that event N+1 of a case never
 * reaches a receiver before event N was accepted (or dead-lettered). The event's sequence
 * comes first (`sequenceKey`); then the event and the run, so that a replay's copy of an event
 * follows the original's.
 */
export function deliveryOrderKey(delivery: Pick<Delivery, 'sequence' | 'event' | 'run'>): string {
  return `${sequenceKey(delivery.sequence)}#${delivery.event.id}#${delivery.run}`;
}

/**
 * A sequence as a key that sorts as the sequence counts: CloudEvents orders sequences as strings,
 * and Loket's are zero-padded (`0000000012.01`: the change's audit sequence, then the event's
 * place among the change's events); a shorter decimal form (`12`, `12.1`) is padded the same way.
 */
export function sequenceKey(sequence: string): string {
  const decimal = /^(\d{1,10})(?:\.(\d{1,6}))?$/.exec(sequence);
  if (!decimal) return sequence;
  return `${decimal[1]!.padStart(10, '0')}.${(decimal[2] ?? '').padEnd(6, '0')}`;
}

/** The receiver as one key part: `SUB#<id>`, or `OVERVIEW`. */
export function receiverKey(receiver: Receiver): string {
  return receiver.kind === 'subscription' ? `SUB#${receiver.subscriptionId}` : 'OVERVIEW';
}

/** A receiver's answer cut to what a delivery keeps of it. */
export function excerptOf(body: string): string {
  return body.slice(0, maxExcerptLength);
}

/** Whether a status change informs the applicant: the citizen's case overview receives those. */
export function informsApplicant(event: CaseEvent): boolean {
  return event.type === caseEventType('status-changed') && event.data.inform === true;
}

/** A new pending delivery of an event to a receiver, due at once. */
export function newDelivery(event: CaseEvent, receiver: Receiver, run: string, id: string, now: Date): Delivery {
  return {
    id,
    receiver,
    tenant: event.tenant,
    caseId: event.subject,
    sequence: event.sequence,
    run,
    event,
    status: 'pending',
    createdAt: now.toISOString(),
    nextAttemptAt: now.toISOString(),
    attempts: [],
  };
}

/** How long the tenant's event log keeps an event for replay. */
export const eventLogRetentionDays = 30;
