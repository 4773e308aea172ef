import { subscriptionStore } from '../adapters/dynamodb/webhook.tables';
import { dnsCallbackTargets } from '../adapters/webhook.sender';
import { catalogue } from '../catalogue/catalogue';
import { callbackPolicyOf, environmentNames, requireEnv } from '../commons/config';
import { systemClock } from '../commons/telemetry';
import { createSubscription } from '../use-cases/subscriptions';
import { routeHandler } from './http';
import * as routes from './routes';
import { subscriptionView } from './subscription.views';

const policy = callbackPolicyOf(requireEnv(environmentNames.callbackPolicy));
const create = createSubscription({
  subscriptions: subscriptionStore,
  clock: systemClock,
  targets: dnsCallbackTargets(policy),
  policy,
  transactionTypes: () => catalogue.all().map((type) => type.key),
});

/** 201 with the secret: the one answer that carries it. */
export const handler = routeHandler(routes.createSubscription, async ({ caller, body }) => {
  const { subscription, secret } = await create({ caller, ...body });
  return { body: { ...subscriptionView(subscription), secret }, headers: { location: `/v1/subscriptions/${subscription.id}` } };
});
