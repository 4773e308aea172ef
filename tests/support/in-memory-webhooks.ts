import type { CaseEvent } from '../../functions/domain/case-event';
import type { Subscription } from '../../functions/domain/subscription';
import type { Delivery } from '../../functions/domain/webhook-delivery';
import { deliveryOrderKey, receiverKey } from '../../functions/domain/webhook-delivery';
import type { DeliveryLease, DeliveryStore, SubscriptionStore, WebhookAnswer, WebhookRequest, WebhookSender } from '../../functions/ports/webhooks.port';

/** The subscriptions in memory, with their secrets apart, as the table keeps them. */
export function inMemorySubscriptions(): SubscriptionStore & { readonly secrets: Map<string, string> } {
  const subscriptions = new Map<string, Subscription>();
  const secrets = new Map<string, string>();
  const key = (tenant: string, id: string) => `${tenant}/${id}`;
  return {
    secrets,
    async create(subscription, secret) {
      subscriptions.set(key(subscription.tenant, subscription.id), subscription);
      secrets.set(key(subscription.tenant, subscription.id), secret);
    },
    async get(tenant, id) {
      return subscriptions.get(key(tenant, id));
    },
    async ofTenant(tenant) {
      return [...subscriptions.values()].filter((subscription) => subscription.tenant === tenant);
    },
    async secretOf(tenant, id) {
      return secrets.get(key(tenant, id));
    },
    async delete(tenant, id) {
      secrets.delete(key(tenant, id));
      return subscriptions.delete(key(tenant, id));
    },
  };
}

type Stored = { -readonly [K in keyof Delivery]: Delivery[K] } & { leaseUntil?: string };

/** The deliveries in memory, with the table adapter's rules: one per event, receiver and run; leases; lines in order. */
export function inMemoryDeliveries(): DeliveryStore & { readonly all: () => Delivery[]; readonly events: CaseEvent[] } {
  const items = new Map<string, Stored>();
  const events: CaseEvent[] = [];
  const keyOf = (delivery: Delivery) => `${receiverKey(delivery.receiver)}#${delivery.caseId}#${deliveryOrderKey(delivery)}`;
  const strip = ({ leaseUntil: _lease, ...delivery }: Stored): Delivery => structuredClone(delivery);
  return {
    events,
    all: () => [...items.values()].map(strip),
    async record(delivery) {
      if (items.has(keyOf(delivery))) return false;
      items.set(keyOf(delivery), structuredClone(delivery));
      return true;
    },
    async firstPending(line) {
      const prefix = `${receiverKey(line.receiver)}#${line.caseId}#`;
      const first = [...items.entries()]
        .filter(([key, item]) => key.startsWith(prefix) && item.status === 'pending')
        .sort(([a], [b]) => (a < b ? -1 : 1))[0];
      return first ? strip(first[1]) : undefined;
    },
    async claim(delivery, now, until) {
      const item = items.get(keyOf(delivery));
      if (!item || item.status !== 'pending' || (item.leaseUntil !== undefined && item.leaseUntil >= now.toISOString())) return undefined;
      item.leaseUntil = until.toISOString();
      return { delivery: strip(item), until: item.leaseUntil };
    },
    async settle(lease: DeliveryLease, settlement) {
      const item = items.get(keyOf(lease.delivery));
      if (!item || item.leaseUntil !== lease.until) return false;
      const { leaseUntil: _lease, nextAttemptAt: _next, ...rest } = item;
      items.set(keyOf(lease.delivery), {
        ...rest,
        status: settlement.status,
        attempts: [...item.attempts, settlement.attempt],
        ...(settlement.status === 'pending' ? { nextAttemptAt: settlement.nextAttemptAt } : {}),
      });
      return true;
    },
    async postpone(delivery, until) {
      const item = items.get(keyOf(delivery));
      if (item?.status === 'pending') item.nextAttemptAt = until;
    },
    async due(now, limit) {
      return [...items.values()]
        .filter((item) => item.status === 'pending' && item.nextAttemptAt !== undefined && item.nextAttemptAt <= now.toISOString())
        .sort((a, b) => (a.nextAttemptAt! < b.nextAttemptAt! ? -1 : 1))
        .slice(0, limit)
        .map(strip);
    },
    async ofSubscription(query) {
      const mine = [...items.values()]
        .filter((item) => item.receiver.kind === 'subscription' && item.receiver.subscriptionId === query.subscriptionId)
        .map((item) => ({ item, position: `${item.createdAt}#${item.id}` }))
        .filter(({ position }) => query.after === undefined || position < query.after)
        .sort((a, b) => (a.position > b.position ? -1 : 1));
      const page = mine.slice(0, query.limit);
      return { items: page.map(({ item }) => strip(item)), ...(mine.length > query.limit ? { after: page.at(-1)!.position } : {}) };
    },
    async logEvent(event) {
      if (!events.some((logged) => logged.id === event.id)) events.push(event);
    },
    async eventsSince(query) {
      const since = events
        .filter((event) => event.tenant === query.tenant && `${event.time}#${event.id}` >= query.from && (query.after === undefined || `${event.time}#${event.id}` > query.after))
        .sort((a, b) => (`${a.time}#${a.id}` < `${b.time}#${b.id}` ? -1 : 1));
      const page = since.slice(0, query.limit);
      return { items: page, ...(since.length > query.limit ? { after: `${page.at(-1)!.time}#${page.at(-1)!.id}` } : {}) };
    },
  };
}

/** A receiver's endpoint as a script: each URL answers from its own list of statuses (the last one repeats), and every request is kept. */
export function scriptedSender(script: Record<string, readonly number[]>): WebhookSender & { readonly sent: WebhookRequest[] } {
  const sent: WebhookRequest[] = [];
  const calls = new Map<string, number>();
  return {
    sent,
    async send(request): Promise<WebhookAnswer> {
      sent.push(request);
      const answers = script[request.url] ?? [200];
      const call = calls.get(request.url) ?? 0;
      calls.set(request.url, call + 1);
      const statusCode = answers[Math.min(call, answers.length - 1)]!;
      return statusCode === 0 ? { error: 'timeout', durationMs: 5_000 } : { statusCode, bodyExcerpt: statusCode < 300 ? 'ok' : 'nope', durationMs: 3 };
    },
  };
}
