import { deliveryStore, subscriptionStore } from '../adapters/dynamodb/webhook.tables';
import { systemClock } from '../commons/telemetry';
import { replaySubscription } from '../use-cases/subscription-deliveries';
import { routeHandler } from './http';
import * as routes from './routes';

const replay = replaySubscription({ subscriptions: subscriptionStore, deliveries: deliveryStore, clock: systemClock });

/** 202: the replay's deliveries are recorded; the delivery function sends them, in order per case. */
export const handler = routeHandler(routes.replaySubscription, async ({ caller, path, body }) => ({
  body: await replay({ caller, subscriptionId: path('id'), from: body.from }),
}));
