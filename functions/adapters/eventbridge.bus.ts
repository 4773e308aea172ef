import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { EventBridgeClient, PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import type { CaseEvent } from '../domain/case-event';
import { closingNoticeDetailType, closingNoticeSource, type ClosingNotice } from '../domain/closing-notice';
import { TransientError } from '../domain/errors';
import type { EventBus } from '../ports/event-exchange.port';
import { isTransient } from '../commons/transient-errors';

export interface EventBridgeBusOptions {
  /** How often entries that EventBridge failed are sent again before the publication fails. @default 3 */
  readonly attempts?: number;
  /** The first pause between attempts, doubled each time, with full jitter. @default 100 */
  readonly backoffMs?: number;
}

/** The most entries EventBridge takes in one PutEvents call. */
export const maxEntriesPerPut = 10;

/** The entry of a case event: the tenant's source, its CloudEvents type as the detail type, the whole CloudEvent as the detail. */
function entryOf(busName: string, event: CaseEvent): PutEventsRequestEntry {
  return { EventBusName: busName, Source: event.source, DetailType: event.type, Detail: JSON.stringify(event), Time: new Date(event.time) };
}

/** The entry of a closing notice: as the workflows' PublishCaseClosed state puts it (source `loket.cases`, detail type `CaseClosed.v1`). */
function noticeEntryOf(busName: string, notice: ClosingNotice): PutEventsRequestEntry {
  const { caseId, tenant, type, status } = notice;
  return { EventBusName: busName, Source: closingNoticeSource, DetailType: closingNoticeDetailType, Detail: JSON.stringify({ caseId, tenant, type, status }) };
}

/**
 * The event bus on EventBridge (PutEvents): rules match on the tenant (`source`) and the event
 * type (`detail-type`); the detail is the CloudEvent itself, so a rule's target receives what a
 * webhook subscriber does. Events go ten a call (PutEvents' limit), in order. PutEvents succeeds
 * as a call even when entries fail: the failed entries (FailedEntryCount, an ErrorCode per entry) are sent again while their errors are
 * transient; what still fails is a TransientError (the outbox item comes again), a permanent
 * error of an entry is thrown as it is. EventBridge does not deduplicate: a consumer that must
 * see an event once deduplicates on its CloudEvents id, which a redelivery keeps.
 */
export function eventBridgeBus(client: Pick<EventBridgeClient, 'send'>, busName: string, options: EventBridgeBusOptions = {}): EventBus {
  const attempts = options.attempts ?? 3;
  const backoffMs = options.backoffMs ?? 100;
  async function put(entries: PutEventsRequestEntry[]): Promise<void> {
    let pending = entries;
    for (let attempt = 1; pending.length > 0; attempt++) {
      const { FailedEntryCount = 0, Entries = [] } = await client.send(new PutEventsCommand({ Entries: pending }));
      if (FailedEntryCount === 0) return;
      // Entries answer in the order they were sent; a failed one has an ErrorCode and no EventId.
      const failed = pending.flatMap((entry, index) => {
        const answer = Entries[index];
        return answer?.ErrorCode ? [{ entry, code: answer.ErrorCode, message: answer.ErrorMessage }] : [];
      });
      const permanent = failed.find((failure) => !isTransient({ name: failure.code }));
      if (permanent) throw new Error(`EventBridge refused the event ${permanent.entry.DetailType}: ${permanent.code} ${permanent.message ?? ''}`.trim());
      if (attempt >= attempts) throw new TransientError(`EventBridge failed ${failed.length} event(s) ${attempts} times: ${failed.map((failure) => failure.code).join(', ')}`);
      pending = failed.map((failure) => failure.entry);
      await new Promise((resolve) => setTimeout(resolve, backoffMs * 2 ** (attempt - 1) * Math.random()));
    }
  }
  return {
    async publish(events) {
      for (let start = 0; start < events.length; start += maxEntriesPerPut) await put(events.slice(start, start + maxEntriesPerPut).map((event) => entryOf(busName, event)));
    },
    publishClosingNotice: (notice) => put([noticeEntryOf(busName, notice)]),
  };
}
