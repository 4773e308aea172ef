import { environmentNames, requireEnv } from '../commons/config';
import { eventBridge } from '../commons/eventbridge.client';
import { eventBridgeBus } from './eventbridge.bus';

/** The case events' bus, bound once per execution environment for the functions that publish (the outbox dispatcher, the reconciler). */
export const eventBus = eventBridgeBus(eventBridge, requireEnv(environmentNames.eventBusName));
