import type { CaseEvent } from '../domain/case-event';
import type { Subscription } from '../domain/subscription';
import type { Delivery, DeliveryAttempt, DeliveryStatus, Receiver } from '../domain/webhook-delivery';

/** A tenant's subscriptions, each with its secret kept apart. */
export interface SubscriptionStore {
  create(subscription: Subscription, secret: string): Promise<void>;
  get(tenant: string, id: string): Promise<Subscription | undefined>;
  /** All of a tenant's subscriptions, oldest first (a tenant holds at most `maxSubscriptionsPerTenant`). */
  ofTenant(tenant: string): Promise<Subscription[]>;
  /** The secret that signs a subscription's deliveries; undefined once the subscription is deleted. */
  secretOf(tenant: string, id: string): Promise<string | undefined>;
  /** Deletes a subscription; false when there was none. */
  delete(tenant: string, id: string): Promise<boolean>;
}

/** The deliveries of a case to one receiver: where the ordering rule applies. */
export interface DeliveryLine {
  readonly receiver: Receiver;
  readonly caseId: string;
}

/** A delivery claimed for an attempt: only its holder may settle it, until `until`. */
export interface DeliveryLease {
  readonly delivery: Delivery;
  readonly until: string;
}

/** What an attempt leaves: the attempt, and the delivery's status and next attempt after it. */
export interface Settlement {
  readonly attempt: DeliveryAttempt;
  readonly status: DeliveryStatus;
  /** For a delivery still pending: when it is tried next. */
  readonly nextAttemptAt?: string;
}

/** The deliveries, the queue they form, and the tenant's event log they can be replayed from. */
export interface DeliveryStore {
  /**
   * Records a delivery unless its event already has one for this receiver and run (a fan-out
   * repeated after a failure): true when it was written.
   */
  record(delivery: Delivery): Promise<boolean>;
  /** The earliest delivery of a line that is still pending, if any. */
  firstPending(line: DeliveryLine): Promise<Delivery | undefined>;
  /**
   * Claims a pending delivery for one attempt, until `until`; undefined when it is no longer
   * pending or another attempt holds it.
   */
  claim(delivery: Delivery, now: Date, until: Date): Promise<DeliveryLease | undefined>;
  /** Writes an attempt's result; false when the lease was lost meanwhile (the delivery is another attempt's now). */
  settle(lease: DeliveryLease, settlement: Settlement): Promise<boolean>;
  /** Moves a pending delivery's next attempt (one waiting for an earlier event of its line). */
  postpone(delivery: Delivery, until: string): Promise<void>;
  /** Pending deliveries whose next attempt is due at `now`, soonest first. */
  due(now: Date, limit: number): Promise<Delivery[]>;
  /** A subscription's deliveries, newest first, a page at a time (`after`: the position the last page ended at). */
  ofSubscription(query: { subscriptionId: string; limit: number; after?: string }): Promise<{ items: Delivery[]; after?: string }>;
  /** Keeps an event in its tenant's log for replay (ids and codes only; it expires). Idempotent. */
  logEvent(event: CaseEvent): Promise<void>;
  /** A tenant's logged events from a time on, oldest first, a page at a time. */
  eventsSince(query: { tenant: string; from: string; limit: number; after?: string }): Promise<{ items: CaseEvent[]; after?: string }>;
}

/** A signed delivery as it goes out. */
export interface WebhookRequest {
  readonly url: string;
  /** The subscription's `whsec_` secret. */
  readonly secret: string;
  /** `webhook-id`: the event id, the same for every attempt and replay. */
  readonly webhookId: string;
  readonly timestamp: Date;
  /** The JSON body, signed as it is sent. */
  readonly body: string;
}

/** What a receiver's endpoint answered (or why it did not); never throws for the receiver's failure. */
export interface WebhookAnswer {
  readonly statusCode?: number;
  readonly error?: string;
  readonly bodyExcerpt?: string;
  readonly durationMs: number;
}

/** Calls a subscriber's endpoint: signs the request, checks where it goes, and gives up after a short timeout. */
export interface WebhookSender {
  send(request: WebhookRequest): Promise<WebhookAnswer>;
}

/** Checks a callback URL's target when a subscription is created: the reason it is refused, or undefined. */
export interface CallbackTargets {
  refusal(url: string): Promise<string | undefined>;
}

/** What operators count about deliveries; ids and kinds only. */
export interface DeliveryTelemetry {
  deadLettered(receiver: Receiver['kind']): void;
  warn(message: string, fields: Readonly<Record<string, string | number | boolean>>): void;
}
