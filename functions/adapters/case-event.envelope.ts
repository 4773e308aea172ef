import * as z from '../domain/zod';
import type { AuditEvent } from '../domain/audit';
import type { Case } from '../domain/case';
import type { CaseEvent } from '../domain/case-event';
import { caseEventSource, caseEventType } from '../domain/case-event';
import { caseEventEnvelopeSchema } from '../domain/case-event.schemas';
import type { ChangeEvent } from '../domain/case-change-events';
import { eventsOfChange } from '../domain/case-change-events';

/** Where the events' JSON Schemas are served, and how an event gets its id. */
export interface EnvelopeOptions {
  /** The absolute URL of GET /v1/events/schemas, without a trailing slash. */
  readonly schemasUrl: string;
  /** A new ULID for each event. */
  readonly newId: () => string;
}

/**
 * `sequence`: the audit sequence of the change, then the event's place among the change's
 * events, both zero-padded, since CloudEvents orders sequences as strings (`0000000012.01`).
 */
export function eventSequence(auditSequence: number, index: number): string {
  return `${String(auditSequence).padStart(10, '0')}.${String(index).padStart(2, '0')}`;
}

/**
 * One event of a change in its CloudEvents 1.0 envelope (structured JSON), checked against the
 * envelope of the published schemas: a missing or malformed attribute throws before anything is
 * written.
 */
export function envelopeOf(event: ChangeEvent, audit: Pick<AuditEvent, 'at' | 'sequence'>, index: number, options: EnvelopeOptions): CaseEvent {
  const type = caseEventType(event.change);
  const envelope: CaseEvent = {
    specversion: '1.0',
    id: options.newId(),
    type,
    source: caseEventSource(event.data.tenant),
    subject: event.data.caseId,
    time: audit.at,
    datacontenttype: 'application/json',
    dataschema: `${options.schemasUrl}/${type}`,
    sequence: eventSequence(audit.sequence, index),
    tenant: event.data.tenant,
    transactiontype: event.data.transactionType.key,
    data: event.data,
  };
  const checked = caseEventEnvelopeSchema.safeParse(envelope);
  if (!checked.success) throw new Error(`The envelope of a ${type} event is not a valid CloudEvent: ${z.prettifyError(checked.error)}`);
  return envelope;
}

/** The events a change publishes (eventsOfChange), each in its envelope, in order. */
export function caseEventsOf(audit: Pick<AuditEvent, 'action' | 'details' | 'at' | 'sequence'>, saved: Case, options: EnvelopeOptions): CaseEvent[] {
  return eventsOfChange(audit, saved).map((event, index) => envelopeOf(event, audit, index, options));
}
