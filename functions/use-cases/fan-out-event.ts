import { ulid } from '../domain/ulid';
import { subscriptionMatches } from '../domain/subscription';
import type { Receiver } from '../domain/webhook-delivery';
import { informsApplicant, newDelivery, originalRun } from '../domain/webhook-delivery';
import type { EventFanOut } from '../ports/event-exchange.port';
import type { Clock } from '../ports/services.port';
import type { DeliveryStore, SubscriptionStore } from '../ports/webhooks.port';

export interface FanOutDependencies {
  readonly subscriptions: Pick<SubscriptionStore, 'ofTenant'>;
  readonly deliveries: Pick<DeliveryStore, 'record' | 'logEvent'>;
  readonly clock: Clock;
  /** Whether the citizen's case overview is a receiver (of the status changes that inform the applicant). */
  readonly caseOverview: boolean;
}

/**
 * Hands a committed case event to everyone outside who wants it, without calling any of them:
 * 1. the event goes into its tenant's event log (for replay; ids and codes only, expiring), while
 *    the tenant's subscriptions are read;
 * 2. a pending delivery is recorded for each of the tenant's subscriptions whose filter matches,
 *    and for the citizen's case overview when the event is a status change that informs the
 *    applicant; each write is conditional, so the same event fanned out again (the dispatcher
 *    retries after a failure) adds nothing;
 * 3. the table's stream hands each new delivery to the delivery function, which tries it.
 */
export function fanOutEvent(deps: FanOutDependencies): EventFanOut {
  return {
    async fanOut(event) {
      const [, subscriptions] = await Promise.all([deps.deliveries.logEvent(event), deps.subscriptions.ofTenant(event.tenant)]);
      const receivers: Receiver[] = [
        ...subscriptions.filter((subscription) => subscriptionMatches(subscription, event)).map((subscription) => ({ kind: 'subscription' as const, subscriptionId: subscription.id })),
        ...(deps.caseOverview && informsApplicant(event) ? [{ kind: 'case-overview' as const }] : []),
      ];
      const now = deps.clock.now();
      await Promise.all(receivers.map((receiver) => deps.deliveries.record(newDelivery(event, receiver, originalRun, ulid(), now))));
    },
  };
}

/**
 * The fan-out of one batch of committed events (what the table's stream hands the dispatcher at
 * once): each tenant's subscriptions are read once, for all of the batch's events of that tenant.
 * Every event of a batch was committed before the batch was read from the stream, and the read of
 * the subscriptions comes after that: a subscription made before any of those changes is in it,
 * as it would be in a read per event, and one deleted before them is not. A read that failed is
 * not kept: the next event reads again.
 */
export function fanOutBatch(deps: FanOutDependencies): EventFanOut {
  const read = new Map<string, ReturnType<FanOutDependencies['subscriptions']['ofTenant']>>();
  const ofTenant = (tenant: string) => {
    let subscriptions = read.get(tenant);
    if (!subscriptions) {
      subscriptions = deps.subscriptions.ofTenant(tenant);
      subscriptions.catch(() => read.delete(tenant));
      read.set(tenant, subscriptions);
    }
    return subscriptions;
  };
  return fanOutEvent({ ...deps, subscriptions: { ofTenant } });
}
