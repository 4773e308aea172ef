import type { Delivery, DeliveryAttempt, RetrySchedule } from '../domain/webhook-delivery';
import { afterFailure, excerptOf, receiverKey, retrySchedule, webhookIdOf } from '../domain/webhook-delivery';
import type { CaseOverviewFeed } from '../ports/case-overview.port';
import type { Clock } from '../ports/services.port';
import type { DeliveryLease, DeliveryLine, DeliveryStore, DeliveryTelemetry, Settlement, SubscriptionStore, WebhookSender } from '../ports/webhooks.port';

export interface DeliveryDependencies {
  readonly deliveries: Omit<DeliveryStore, 'ofSubscription' | 'logEvent' | 'eventsSince'>;
  readonly subscriptions: Pick<SubscriptionStore, 'get' | 'secretOf'>;
  readonly sender: WebhookSender;
  /** The citizen's case overview; without it, its deliveries wait. */
  readonly caseOverview?: CaseOverviewFeed;
  readonly clock: Clock;
  /** A number in [0, 1) for the retries' jitter. */
  readonly random: () => number;
  readonly telemetry: DeliveryTelemetry;
}

export interface DeliveryOptions {
  /** @default retrySchedule */
  readonly schedule?: RetrySchedule;
  /**
   * How long an attempt holds its delivery before another may try it: longer than the sender's
   * timeout, so that two attempts of one delivery never overlap. @default 30 s
   */
  readonly leaseMs?: number;
  /** How many lines are drained at once (each waits on at most one receiver at a time). @default 16 */
  readonly concurrency?: number;
  /** How long one attempt may take at most (the sender's timeout); no attempt starts later than this before the deadline. @default 5 s */
  readonly attemptMs?: number;
}

/** Until when a run may go on: it starts no attempt that could end past it. */
export interface RunLimits {
  readonly deadline: Date;
}

const lineOf = (delivery: Delivery): DeliveryLine => ({ receiver: delivery.receiver, caseId: delivery.caseId });
const lineKey = (line: DeliveryLine) => `${receiverKey(line.receiver)}#${line.caseId}`;

/**
 * Tries deliveries, in order per case and receiver, each receiver on its own schedule:
 * - `deliverNew`: the deliveries the fan-out (or a replay) just recorded, as the table's stream
 *   hands them over; each one's line (its case and receiver) is drained;
 * - `retryDue`: the pending deliveries whose next attempt is due (the scheduled run).
 *
 * Draining a line: its earliest pending delivery is tried if it is due, claimed first so that
 * no two attempts of it overlap; accepted, the next one is tried; refused, it waits for its
 * next attempt (backoff with jitter) and the rest of the line waits behind it, so that event
 * N+1 of a case never reaches a receiver before event N was accepted. A delivery still refused
 * once it is `maxAgeMs` old is dead-lettered (counted, and alarmed on), and its line goes on.
 * Lines are drained side by side: a slow or failing receiver delays neither another receiver
 * nor another case, and no case waits on any receiver (the fan-out only records deliveries).
 */
export function deliverWebhooks(deps: DeliveryDependencies, options: DeliveryOptions = {}) {
  const schedule = options.schedule ?? retrySchedule;
  const leaseMs = options.leaseMs ?? 30_000;
  const attemptMs = options.attemptMs ?? 5_000;
  const concurrency = options.concurrency ?? 16;

  async function attempt(delivery: Delivery): Promise<{ attempt: DeliveryAttempt; permanent?: boolean; cancelled?: boolean }> {
    const started = deps.clock.now();
    const at = started.toISOString();
    if (delivery.receiver.kind === 'case-overview') {
      if (!deps.caseOverview) return { attempt: { at, durationMs: 0, outcome: 'failed', error: 'not-configured' } };
      try {
        await deps.caseOverview.deliver(delivery.event);
        return { attempt: { at, durationMs: deps.clock.now().getTime() - started.getTime(), outcome: 'accepted' } };
      } catch (error) {
        const name = (error as Error).name;
        const failed: DeliveryAttempt = { at, durationMs: deps.clock.now().getTime() - started.getTime(), outcome: 'failed', error: name };
        return name === 'TransientError' ? { attempt: failed } : { attempt: failed, permanent: true };
      }
    }
    const { subscriptionId } = delivery.receiver;
    const [subscription, secret] = await Promise.all([deps.subscriptions.get(delivery.tenant, subscriptionId), deps.subscriptions.secretOf(delivery.tenant, subscriptionId)]);
    if (!subscription || !secret) return { attempt: { at, durationMs: 0, outcome: 'failed', error: 'subscription-deleted' }, cancelled: true };
    const answer = await deps.sender.send({ url: subscription.url, secret, webhookId: webhookIdOf(delivery), timestamp: started, body: JSON.stringify(delivery.event) });
    const accepted = answer.statusCode !== undefined && answer.statusCode >= 200 && answer.statusCode < 300;
    return {
      attempt: {
        at,
        durationMs: answer.durationMs,
        outcome: accepted ? 'accepted' : 'failed',
        ...(answer.statusCode !== undefined ? { statusCode: answer.statusCode } : {}),
        ...(answer.error ? { error: answer.error } : {}),
        ...(answer.bodyExcerpt !== undefined ? { bodyExcerpt: excerptOf(answer.bodyExcerpt) } : {}),
      },
    };
  }

  /** What an attempt leaves the delivery in. */
  function settlementOf(lease: DeliveryLease, result: Awaited<ReturnType<typeof attempt>>): Settlement {
    if (result.attempt.outcome === 'accepted') return { attempt: result.attempt, status: 'delivered' };
    if (result.cancelled) return { attempt: result.attempt, status: 'cancelled' };
    const next = result.permanent
      ? ({ kind: 'dead-letter' } as const)
      : afterFailure({ createdAt: lease.delivery.createdAt, attempts: [...lease.delivery.attempts, result.attempt] }, deps.clock.now(), deps.random(), schedule);
    return next.kind === 'retry' ? { attempt: result.attempt, status: 'pending', nextAttemptAt: next.at.toISOString() } : { attempt: result.attempt, status: 'dead-lettered' };
  }

  /**
   * Tries a line's deliveries in order until one waits or the line is done; the deliveries that
   * brought the line here (`arrived`) and wait behind a refused one are moved to its next
   * attempt, so that the due list does not offer them again before then. The number of attempts made.
   */
  async function drain(line: DeliveryLine, arrived: readonly Delivery[], limits: RunLimits): Promise<number> {
    let attempts = 0;
    for (;;) {
      const head = await deps.deliveries.firstPending(line);
      if (!head) return attempts;
      const now = deps.clock.now();
      if (head.nextAttemptAt && Date.parse(head.nextAttemptAt) > now.getTime()) {
        await postponeBehind(head, head.nextAttemptAt, arrived);
        return attempts;
      }
      // An attempt that could outlast the run is left to the next run (the delivery stays due).
      if (now.getTime() + attemptMs > limits.deadline.getTime()) return attempts;
      const lease = await deps.deliveries.claim(head, now, new Date(now.getTime() + leaseMs));
      if (!lease) return attempts;
      const result = await attempt(lease.delivery);
      attempts += 1;
      const settlement = settlementOf(lease, result);
      if (!(await deps.deliveries.settle(lease, settlement))) return attempts;
      if (settlement.status === 'dead-lettered') {
        deps.telemetry.deadLettered(head.receiver.kind);
        deps.telemetry.warn('Delivery dead-lettered', { deliveryId: head.id, receiver: head.receiver.kind, caseId: head.caseId, attempts: head.attempts.length + 1 });
      }
      // Still pending: ends the drain here rather than reading the line again, as an index read right after the
      // settlement could still show the head due.
      if (settlement.nextAttemptAt !== undefined) {
        await postponeBehind(head, settlement.nextAttemptAt, arrived);
        return attempts;
      }
    }
  }

  /**
   * Moves the deliveries that arrived behind a waiting head to its next attempt, unless they wait longer already. The
   * head is not written again; a delivery that is no longer pending, the store leaves as it is.
   */
  async function postponeBehind(head: Delivery, until: string, arrived: readonly Delivery[]): Promise<void> {
    for (const waiting of arrived) {
      // Stryker disable next-line StringLiteral: what arrives is new and pending, due at once (newDelivery); the fallback only satisfies the optional type.
      if (waiting.id !== head.id && (waiting.nextAttemptAt ?? '') < until) await deps.deliveries.postpone(waiting, until);
    }
  }

  /** Drains each line once, side by side; a line whose drain failed (the table, not a receiver) is reported by its deliveries. */
  async function drainLines(arrived: readonly Delivery[], limits: RunLimits): Promise<{ attempts: number; failed: Delivery[] }> {
    const lines = new Map<string, Delivery[]>();
    for (const delivery of arrived) lines.set(lineKey(lineOf(delivery)), [...(lines.get(lineKey(lineOf(delivery))) ?? []), delivery]);
    const results = await settledInPool([...lines.values()], concurrency, (members) => drain(lineOf(members[0]!), members, limits));
    const failed = [...lines.values()].filter((_members, index) => results[index]?.status === 'rejected').flat();
    for (const result of results) {
      if (result.status === 'rejected') deps.telemetry.warn('A delivery line could not be drained; it is tried again', { error: (result.reason as Error).name });
    }
    const attempts = results.reduce((sum, result) => sum + (result.status === 'fulfilled' ? result.value : 0), 0);
    return { attempts, failed };
  }

  return {
    /** The deliveries just recorded: each one's line is drained. Those whose line failed come back, to be handed over again. */
    deliverNew: (recorded: readonly Delivery[], limits: RunLimits) => drainLines(recorded, limits),

    /** The pending deliveries that are due: up to `limit` of them, each one's line drained. */
    async retryDue(limits: RunLimits & { readonly limit?: number }): Promise<{ due: number; attempts: number; failed: number }> {
      const due = await deps.deliveries.due(deps.clock.now(), limits.limit ?? 200);
      const { attempts, failed } = await drainLines(due, limits);
      return { due: due.length, attempts, failed: failed.length };
    },
  };
}

/** Runs `work` on every item, at most `size` at a time; the results in the items' order, as Promise.allSettled gives them. */
async function settledInPool<T, R>(items: readonly T[], size: number, work: (item: T) => Promise<R>): Promise<PromiseSettledResult<R>[]> {
  // Stryker disable next-line ArrayDeclaration: equivalent; results are set by index, and sizing the array first only saves its growing
  const results: PromiseSettledResult<R>[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      try {
        results[index] = { status: 'fulfilled', value: await work(items[index]!) };
      } catch (reason) {
        results[index] = { status: 'rejected', reason };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(size, items.length) }, worker));
  return results;
}
