import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { tracer } from './powertools';

/** Created once per execution environment; loaded only by the functions that publish case events. */
export const eventBridge = tracer.captureAWSv3Client(new EventBridgeClient({}));
