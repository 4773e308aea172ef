import { deliveryStore, subscriptionStore } from '../adapters/dynamodb/webhook.tables';
import { systemClock } from '../commons/telemetry';
import type { EventFanOut } from '../ports/event-exchange.port';
import { fanOutEvent } from '../use-cases/fan-out-event';

/**
 * The fan-out the outbox dispatcher hands every committed case event to: it records the
 * deliveries to the tenant's subscriptions (and the citizen's case overview) and returns; the
 * deliver-webhooks function, fed by the table's stream, tries them.
 */
export const eventFanOut: EventFanOut = fanOutEvent({
  subscriptions: subscriptionStore,
  deliveries: deliveryStore,
  clock: systemClock,
  caseOverview: true,
});
