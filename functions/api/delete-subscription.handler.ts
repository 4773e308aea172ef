import { subscriptionStore } from '../adapters/dynamodb/webhook.tables';
import { deleteSubscription } from '../use-cases/subscriptions';
import { routeHandler } from './http';
import * as routes from './routes';
import { subscriptionView } from './subscription.views';

const remove = deleteSubscription({ subscriptions: subscriptionStore });

export const handler = routeHandler(routes.deleteSubscription, async ({ caller, path }) => ({
  body: subscriptionView(await remove(caller, path('id'))),
}));
