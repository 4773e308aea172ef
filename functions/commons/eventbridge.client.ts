import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { traced } from './powertools';

/** Created once per execution environment; loaded only by the functions that publish case events. */
export const eventBridge = traced(new EventBridgeClient({}));
