import type { EventFanOut } from '../ports/event-exchange.port';

/**
 * The fan-out until the exchange exists: it records nothing and delivers nothing, so an event
 * reaches the event bus only. The webhooks work (issue 12, subscriptions and the citizen's case
 * overview) replaces it with its own EventFanOut in the dispatcher's composition root
 * (functions/outbox/dispatch-outbox.handler.ts, functions/operations/reconcile.handler.ts).
 */
export const noFanOut: EventFanOut = {
  async fanOut() {},
};
