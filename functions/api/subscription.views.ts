import type { Subscription } from '../domain/subscription';
import type { Delivery } from '../domain/webhook-delivery';
import { webhookIdOf } from '../domain/webhook-delivery';
import type { View } from './route-contract';
import type * as schemas from './subscription.schemas';

/** A subscription as the API shows it: never its secret (not part of the domain object), nor its tenant (the caller's). */
export function subscriptionView(subscription: Subscription): View<typeof schemas.subscriptionViewSchema> {
  const { tenant: _tenant, ...visible } = subscription;
  return visible;
}

/** A delivery as the listing shows it: the event by its id and type, not its data. */
export function deliveryView(delivery: Delivery): View<typeof schemas.deliveryViewSchema> {
  return {
    id: delivery.id,
    webhookId: webhookIdOf(delivery),
    eventType: delivery.event.type,
    caseId: delivery.caseId,
    sequence: delivery.sequence,
    run: delivery.run,
    status: delivery.status,
    createdAt: delivery.createdAt,
    ...(delivery.nextAttemptAt && delivery.status === 'pending' ? { nextAttemptAt: delivery.nextAttemptAt } : {}),
    attempts: delivery.attempts,
  };
}
