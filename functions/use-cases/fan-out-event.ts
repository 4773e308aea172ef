import { ulid } from 'ulid';
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
 * 1. the event goes into its tenant's event log (for replay; ids and codes only, expiring);
 * 2. a pending delivery is recorded for each of the tenant's subscriptions whose filter matches,
 *    and for the citizen's case overview when the event is a status change that informs the
 *    applicant; each write is conditional, so the same event fanned out again (the dispatcher
 *    retries after a failure) adds nothing;
 * 3. the table's stream hands each new delivery to the delivery function, which tries it.
 */
export function fanOutEvent(deps: FanOutDependencies): EventFanOut {
  return {
    async fanOut(event) {
      await deps.deliveries.logEvent(event);
      const subscriptions = await deps.subscriptions.ofTenant(event.tenant);
      const receivers: Receiver[] = [
        ...subscriptions.filter((subscription) => subscriptionMatches(subscription, event)).map((subscription) => ({ kind: 'subscription' as const, subscriptionId: subscription.id })),
        ...(deps.caseOverview && informsApplicant(event) ? [{ kind: 'case-overview' as const }] : []),
      ];
      const now = deps.clock.now();
      await Promise.all(receivers.map((receiver) => deps.deliveries.record(newDelivery(event, receiver, originalRun, ulid(), now))));
    },
  };
}
