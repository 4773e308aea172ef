import type { CaseEvent } from '../domain/case-event';
import type { ClosingNotice } from '../domain/closing-notice';

/**
 * Where the outbox dispatcher hands a committed case event: the event bus (other AWS consumers,
 * EventBridge on AWS) and the exchange (the tenant's subscriptions and the citizen's case
 * overview). Both must accept the same event twice: a dispatcher that fails after one of them
 * delivers the outbox item again.
 */
export interface EventBus {
  publish(events: readonly CaseEvent[]): Promise<void>;
  /** `CaseClosed.v1`, as the workflows' `PublishCaseClosed` state publishes it (closing-notice). */
  publishClosingNotice(notice: ClosingNotice): Promise<void>;
}

/**
 * Takes an event for everyone outside who wants it: it records a delivery per matching
 * subscription (and one for the citizen's case overview where the status informs the applicant)
 * and returns at once; the deliveries themselves are attempted elsewhere, so that a slow or
 * unavailable receiver never delays a case nor another receiver. Idempotent per event id.
 */
export interface EventFanOut {
  fanOut(event: CaseEvent): Promise<void>;
}
