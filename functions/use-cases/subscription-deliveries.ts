import { ulid } from '../domain/ulid';
import type { Caller } from '../domain/actor';
import { validationError } from '../domain/errors';
import { decodeCursor, encodeCursor } from '../domain/page-cursor';
import { subscriptionMatches } from '../domain/subscription';
import type { CaseEvent } from '../domain/case-event';
import type { Delivery } from '../domain/webhook-delivery';
import { newDelivery, sequenceKey } from '../domain/webhook-delivery';
import type { Clock } from '../ports/services.port';
import type { DeliveryStore, SubscriptionStore } from '../ports/webhooks.port';
import { ownSubscription } from './subscriptions';

export interface SubscriptionDeliveriesDependencies {
  readonly subscriptions: Pick<SubscriptionStore, 'get'>;
  readonly deliveries: Pick<DeliveryStore, 'ofSubscription' | 'eventsSince' | 'record'>;
  readonly clock: Clock;
}

export interface DeliveryPage {
  readonly items: readonly Delivery[];
  readonly nextCursor?: string;
}

/**
 * An operator reads a subscription's deliveries, newest first, each with its attempts and the
 * answers: the subscription must be the operator's tenant's; the cursor is bound to the tenant,
 * the subscription and the page size.
 */
export function listSubscriptionDeliveries(deps: SubscriptionDeliveriesDependencies) {
  return async (query: { caller: Caller; subscriptionId: string; limit: number; cursor?: string }): Promise<DeliveryPage> => {
    const subscription = await ownSubscription(deps.subscriptions, query.caller, query.subscriptionId);
    // Stryker disable next-line BooleanLiteral: the flag's presence sets this listing's cursors apart from the others'; its value does not matter, so `false` is the same program
    const scope = { tenant: subscription.tenant, subscription: subscription.id, deliveries: true, limit: query.limit };
    const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor, scope);
    const page = await deps.deliveries.ofSubscription({ subscriptionId: subscription.id, limit: query.limit, ...(after ? { after } : {}) });
    return { items: page.items, ...(page.after ? { nextCursor: encodeCursor(scope, page.after) } : {}) };
  };
}

/** The most events one replay request delivers again; the answer says where to go on from. */
export const maxReplayedEvents = 1000;

export interface Replay {
  readonly replayId: string;
  readonly from: string;
  /** How many deliveries the replay recorded. */
  readonly deliveries: number;
  /** Present when the replay stopped at `maxReplayedEvents`: replay again from here for the rest. */
  readonly continueFrom?: string;
}

/**
 * An operator has a subscription's events delivered again from a point in time:
 * 1. the subscription must be the operator's tenant's, and `from` must not lie in the future;
 * 2. every event the tenant's log holds from `from` on that the subscription's filter matches
 *    gets a new delivery (a run of its own), with the event's own webhook id, so that a
 *    receiver that had it deduplicates; the deliveries go out as new ones do, in order per case
 *    (a case's are recorded one after another, in its order; the cases side by side);
 * 3. at most `maxReplayedEvents` events a request: the answer says where the rest start.
 */
export function replaySubscription(deps: SubscriptionDeliveriesDependencies) {
  return async (command: { caller: Caller; subscriptionId: string; from: string }): Promise<Replay> => {
    const subscription = await ownSubscription(deps.subscriptions, command.caller, command.subscriptionId);
    const now = deps.clock.now();
    // The log is kept by UTC time: a `from` with another offset is the same instant in UTC.
    const from = new Date(command.from).toISOString();
    if (Date.parse(from) > now.getTime()) throw validationError('the replay cannot start in the future', [{ path: 'from', message: 'must not be later than now' }]);
    const replayId = ulid();
    const receiver = { kind: 'subscription' as const, subscriptionId: subscription.id };
    let recorded = 0;
    let seen = 0;
    let after: string | undefined;
    do {
      const page = await deps.deliveries.eventsSince({ tenant: subscription.tenant, from, limit: 100, ...(after ? { after } : {}) });
      const room = maxReplayedEvents - seen;
      const taken = page.items.slice(0, room);
      seen += taken.length;
      const matching = taken.filter((event) => subscriptionMatches(subscription, event));
      const written = await Promise.all(casesOf(matching).map((events) => recordInOrder(events, (event) => deps.deliveries.record(newDelivery(event, receiver, replayId, ulid(), now)))));
      recorded += written.reduce((sum, count) => sum + count, 0);
      const next = page.items[room];
      if (next) return { replayId, from, deliveries: recorded, continueFrom: next.time };
      after = page.after;
    } while (after);
    return { replayId, from, deliveries: recorded };
  };
}

/** The events by case, each case's in its order: by sequence, compared as the table compares its keys. */
function casesOf(events: readonly CaseEvent[]): CaseEvent[][] {
  const byCase = new Map<string, CaseEvent[]>();
  for (const event of events) {
    const ofCase = byCase.get(event.subject);
    if (ofCase) ofCase.push(event);
    else byCase.set(event.subject, [event]);
  }
  // Stryker disable next-line EqualityOperator: a case's events never share a sequence, so `<=` orders them the same
  return [...byCase.values()].map((ofCase) => ofCase.sort((a, b) => (sequenceKey(a.sequence) < sequenceKey(b.sequence) ? -1 : 1)));
}

/**
 * Records a case's deliveries one after another. The table's stream hands each one over as it is
 * written, and its line is drained at once: written side by side, event N+1 could be the line's
 * first pending delivery, and be sent, before event N is in the table. The number recorded.
 */
async function recordInOrder(events: readonly CaseEvent[], record: (event: CaseEvent) => Promise<boolean>): Promise<number> {
  let recorded = 0;
  for (const event of events) if (await record(event)) recorded += 1;
  return recorded;
}
