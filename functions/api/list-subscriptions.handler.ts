import { subscriptionStore } from '../adapters/dynamodb/webhook.tables';
import { listSubscriptions } from '../use-cases/subscriptions';
import { routeHandler } from './http';
import * as routes from './routes';
import { subscriptionView } from './subscription.views';

const list = listSubscriptions({ subscriptions: subscriptionStore });

export const handler = routeHandler(routes.listSubscriptions, async ({ caller }) => ({
  body: { items: (await list(caller)).map(subscriptionView) },
}));
