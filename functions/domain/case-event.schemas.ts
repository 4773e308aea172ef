import * as z from './zod';
import { caseEventType } from './case-event';

/**
 * The data of every case event type, in zod: the one source of the events' JSON Schemas (served
 * at GET /v1/events/schemas) and of the check that a change's events carry nothing else. Every
 * object is strict, so a field that is not declared here (a reason, completion data, anything a
 * person typed) makes an event invalid rather than published: events carry ids and codes only.
 */

/** A code as the types declare them: a status, an outcome, a task or message name. */
const code = z.string().check(z.minLength(1), z.maxLength(100));
const id = z.string().check(z.minLength(1), z.maxLength(100));
const instant = z.iso.datetime();

/** What every event's data holds: which case, of which tenant and transaction type. */
const caseFields = {
  caseId: id.check(z.describe('The case id (a ULID)')),
  caseNumber: z.string().check(z.minLength(1), z.maxLength(50), z.describe('The human case number, e.g. 44021-2026-000123')),
  tenant: id.check(z.describe('The NIS code of the tenant whose case it is')),
  transactionType: z.strictObject({ key: code, version: z.number().check(z.int(), z.positive()) }).check(z.describe('The transaction type and the version the case runs on')),
};

const dataOf = <S extends z.core.$ZodLooseShape>(shape: S) => z.strictObject({ ...caseFields, ...shape });

/** Each event type's data, by the change it reports (the middle of `be.loket.case.<change>.v1`). */
export const caseEventData = {
  submitted: dataOf({ status: code.check(z.describe('The status the case starts in')) }),
  'status-changed': dataOf({
    from: code,
    to: code,
    inform: z.boolean().check(z.describe('Whether the applicant is informed of this status (it feeds the citizen\'s case overview)')),
    final: z.boolean().check(z.describe('Whether the status closes the case')),
  }),
  decided: dataOf({ outcome: code }),
  'document-issued': dataOf({ reference: id.check(z.describe('The document\'s reference (GET /v1/cases/{id}/documents/{reference})')), kind: z.enum(['certificate', 'permit']) }),
  closed: dataOf({ status: code, outcome: z.optional(code) }),
  withdrawn: dataOf({}),
  reopened: dataOf({ from: code, to: code }),
  suspended: dataOf({}),
  resumed: dataOf({ dueAt: instant.check(z.describe('The legal deadline, moved by the time the case stood still')) }),
  extended: dataOf({ days: z.number().check(z.int(), z.positive()), dueAt: instant.check(z.describe('The extended legal deadline')) }),
  'task-created': dataOf({ taskId: id, name: code, role: code, dueAt: instant }),
  'task-claimed': dataOf({ taskId: id, name: code }),
  'task-completed': dataOf({ taskId: id, name: code, outcome: code }),
  'message-awaited': dataOf({ name: code }),
  'message-received': dataOf({ name: code }),
  'needs-attention': dataOf({}),
  'attention-cleared': dataOf({}),
  redriven: dataOf({}),
  destroyed: dataOf({}),
} as const;

export type CaseEventChange = keyof typeof caseEventData;
export const caseEventChanges = Object.keys(caseEventData) as CaseEventChange[];

/** What an event type tells, for the schema list. */
export const caseEventDescriptions: Readonly<Record<CaseEventChange, string>> = {
  submitted: 'A case was submitted',
  'status-changed': 'A case moved to another status',
  decided: 'A decision was recorded on a case',
  'document-issued': 'A document (certificate, permit) was issued for a case',
  closed: 'A case reached a final status',
  withdrawn: 'The applicant withdrew the case',
  reopened: 'An operator reopened a case closed failed',
  suspended: 'A case was suspended: its deadline stands still',
  resumed: 'A suspended case was resumed',
  extended: 'The legal deadline of a case was extended',
  'task-created': 'A task for a role was created on a case',
  'task-claimed': 'A clerk claimed a task',
  'task-completed': 'A task was completed with an outcome',
  'message-awaited': 'The workflow of a case waits for a message',
  'message-received': 'A message was delivered to a case',
  'needs-attention': 'The workflow of an open case ended: an operator must look at it',
  'attention-cleared': 'A case no longer needs an operator',
  redriven: 'An operator redrove the workflow of a case',
  destroyed: 'A case was destroyed at the end of its retention; its tombstone stays in its audit trail',
};

/** The change an event type reports, or undefined for a type that is not a case event's. */
export function changeOfEventType(type: string): CaseEventChange | undefined {
  return caseEventChanges.find((change) => caseEventType(change) === type);
}

/**
 * The CloudEvents 1.0 attributes of an event of type `type`: the envelope around its data, with
 * the extension attributes `sequence`, `tenant` and `transactiontype`.
 */
const envelopeAttributes = <T extends z.ZodMiniType<string>>(type: T) => ({
  specversion: z.literal('1.0'),
  id: id.check(z.describe('A ULID, unique per event; a redelivery keeps it')),
  type,
  source: z.string().check(z.regex(/^urn:loket:tenant:[0-9A-Za-z-]+$/), z.describe('The tenant whose case changed')),
  subject: id.check(z.describe('The case id')),
  time: instant,
  datacontenttype: z.literal('application/json'),
  dataschema: z.url().check(z.describe('Where this schema is served')),
  sequence: z.string().check(z.regex(/^\d{10}\.\d{2}$/), z.describe("The case's audit sequence of the change and the event's place in it: events of a case sort in this order")),
  tenant: id,
  transactiontype: code,
});

/**
 * Any case event's envelope, its data left to the type's schema: what the outbox checks before an
 * event is written, so that a malformed attribute (a `dataschema` that is no URL, a time that is
 * no instant) fails the change instead of reaching a subscriber.
 */
export const caseEventEnvelopeSchema = z.strictObject({ ...envelopeAttributes(z.string().check(z.regex(/^be\.loket\.case\.[a-z-]+\.v[1-9]\d*$/))), data: z.record(z.string(), z.unknown()) });

/**
 * The whole event of a type, as a CloudEvent 1.0 in structured JSON: the envelope's attributes
 * (its `type` fixed) and the type's data. Strict as well: an attribute not declared here is not
 * Loket's.
 */
export function caseEventSchema(change: CaseEventChange) {
  return z.strictObject({ ...envelopeAttributes(z.literal(caseEventType(change))), data: caseEventData[change] }).check(z.describe(caseEventDescriptions[change]));
}

/** The JSON Schema (draft-07, which most validators read) of an event type: envelope and data. */
export function caseEventJsonSchema(change: CaseEventChange): Record<string, unknown> {
  return { ...z.toJSONSchema(caseEventSchema(change), { target: 'draft-7' }), title: caseEventType(change) };
}
