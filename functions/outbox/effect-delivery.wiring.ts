import { caseStore } from '../adapters/dynamodb/table';
import { eventBus } from '../adapters/event-bus.instance';
import { workflowEngine } from '../adapters/step-functions';
import { catalogue } from '../catalogue/catalogue';
import { powertoolsTelemetry, systemClock } from '../commons/telemetry';
import { eventFanOut } from './event-fan-out.wiring';

/** What delivering an outbox item needs, wired once for its two callers: the stream dispatcher and the reconciler. */
export const effectDelivery = {
  cases: caseStore,
  outbox: caseStore,
  workflows: workflowEngine,
  events: eventBus,
  fanOut: eventFanOut,
  catalogue,
  clock: systemClock,
  telemetry: powertoolsTelemetry,
};
