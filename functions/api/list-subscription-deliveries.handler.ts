import { deliveryStore, subscriptionStore } from '../adapters/dynamodb/webhook.tables';
import { systemClock } from '../commons/telemetry';
import { listSubscriptionDeliveries } from '../use-cases/subscription-deliveries';
import { routeHandler } from './http';
import * as routes from './routes';
import { deliveryView } from './subscription.views';

const list = listSubscriptionDeliveries({ subscriptions: subscriptionStore, deliveries: deliveryStore, clock: systemClock });

export const handler = routeHandler(routes.listSubscriptionDeliveries, async ({ caller, path, query }) => {
  const page = await list({ caller, subscriptionId: path('id'), limit: query.limit, ...(query.cursor ? { cursor: query.cursor } : {}) });
  return { body: { items: page.items.map(deliveryView), ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) } };
});
