import { deliveryStore, subscriptionStore } from '../adapters/dynamodb/webhook.tables';
import { systemClock } from '../commons/telemetry';
import type { EventFanOut } from '../ports/event-exchange.port';
import { fanOutBatch, fanOutEvent, type FanOutDependencies } from '../use-cases/fan-out-event';

const fanOutDependencies: FanOutDependencies = {
  subscriptions: subscriptionStore,
  deliveries: deliveryStore,
  clock: systemClock,
  caseOverview: true,
};

/**
 * The fan-out every committed case event is handed to: it records the deliveries to the tenant's
 * subscriptions (and the citizen's case overview) and returns; the deliver-webhooks function, fed
 * by the table's stream, tries them. The reconciler hands it the events it finds one at a time.
 */
export const eventFanOut: EventFanOut = fanOutEvent(fanOutDependencies);

/** The fan-out of one batch the stream hands the outbox dispatcher: a tenant's subscriptions read once for the batch. */
export const batchFanOut = (): EventFanOut => fanOutBatch(fanOutDependencies);
