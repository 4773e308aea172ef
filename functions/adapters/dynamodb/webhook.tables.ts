import { documentClient } from '../../commons/dynamodb.client';
import { environmentNames, requireEnv } from '../../commons/config';
import { dynamoDeliveryStore, dynamoSubscriptionStore } from './webhook.store';

/** The subscriptions and deliveries in the app's table, bound once per execution environment. */
const tableName = requireEnv(environmentNames.tableName);

export const subscriptionStore = dynamoSubscriptionStore(documentClient, tableName);
export const deliveryStore = dynamoDeliveryStore(documentClient, tableName);
