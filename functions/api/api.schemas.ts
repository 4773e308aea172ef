import * as z from '../domain/zod';
import { applicantSchema } from '../domain/applicant';
import { isValidInsz, isValidKbo, normalizeInsz } from '../domain/identifiers';
import { localizedTextSchema, outcomesSchema, transactionTypeSchema, typeKeySchema, typeVersionSchema } from '../domain/transaction-type';
import type { HeaderName } from './route-contract';

/*
 * The API's request and response schemas: the handlers validate with them and the OpenAPI
 * document is generated from them. This module loads no adapter, so the OpenAPI function,
 * which has no table, can import it.
 *
 * Each schema is built by a call of `built`, which esbuild knows to have no effect but its
 * value, so a function's bundle leaves out (and its cold start does not build) every schema its
 * own routes do not use (issue 14). A schema is built at the top level of this module through
 * `built`, or inside another's, never in a statement of its own.
 */

/**
 * Builds a schema at module load. Marked `@__NO_SIDE_EFFECTS__`, so that esbuild drops a call
 * whose value nothing uses. A `@__PURE__` mark on the schema's expression does not do it: it
 * covers the outermost call only, and the calls inside it (a field's `.check`) may have effects
 * for all esbuild knows, so the health function's bundle built the audit trail's schemas at every
 * cold start. esbuild honours the mark only within a module, so each module of schemas has its
 * own `built`.
 */
const built = /* @__NO_SIDE_EFFECTS__ */ <T>(make: () => T): T => make();

export const submitCaseRequest = built(() => z.strictObject({
  type: z.string().check(z.minLength(1), z.maxLength(100)),
  applicant: applicantSchema,
  data: z._default(z.record(z.string().check(z.maxLength(100)), z.unknown()), {}),
}));

/** The largest document file Loket serves: a function's answer is at most 6 MB, and a file travels base64-encoded. */
export const maxDocumentBytes = 4 * 1024 * 1024;

/*
 * Path parameters: each route names the schema of each `{name}` in its path. A value that
 * does not match cannot name anything, so it answers 404 before anything is read.
 */

const ulid = built(() => z.string().check(z.maxLength(26), z.regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, 'must be a ULID')));
export const caseIdParameter = built(() => ulid.check(z.describe('The case’s id, a ULID')));
export const taskIdParameter = built(() => ulid.check(z.describe('The task’s id, a ULID')));
export const typeKeyParameter = built(() => z.string().check(z.maxLength(100), z.regex(/^[a-z][a-z0-9-]{0,99}$/, 'must be a transaction type key'), z.describe('The transaction type’s key, e.g. proof-of-residence')));
export const documentReferenceParameter = built(() => z.string().check(z.maxLength(64), z.regex(/^[A-Za-z0-9][A-Za-z0-9-]{0,63}$/, 'must be a document reference'), z.describe('The document’s reference: the case number, e.g. 44021-2026-000123')));

/** Text a header may carry: no control characters. */
const headerText = /^[^\x00-\x1f\x7f]*$/;

/** An Idempotency-Key: 1 to 200 visible ASCII characters (a UUID is typical). */
export const idempotencyKeySchema = built(() => z.string().check(z.maxLength(200), z.regex(/^[\x21-\x7e]{1,200}$/, 'must be 1 to 200 visible ASCII characters')));

/** The request headers a route may read, each bounded; a route that declares one refuses a value that does not match with a 400. */
export const headerSchemas = {
  'Idempotency-Key': idempotencyKeySchema,
  'X-Audit-Reason': z.string().check(z.minLength(1), z.maxLength(2000), z.regex(headerText, 'must not contain control characters')),
  'X-Purpose': z.string().check(z.minLength(1), z.maxLength(200), z.regex(headerText, 'must not contain control characters')),
  'Accept-Language': z.string().check(z.maxLength(200), z.regex(/^[A-Za-z0-9*;=.,\s-]*$/, 'must be a list of language tags with weights, e.g. nl-BE,nl;q=0.9,en;q=0.8')),
} as const satisfies Record<HeaderName, z.ZodMiniString>;

export const completeTaskRequest = built(() => z.strictObject({
  outcome: z.string().check(z.minLength(1), z.maxLength(100)),
  data: z.optional(z.record(z.string().check(z.maxLength(100)), z.unknown())),
  reason: z.optional(z.string().check(z.minLength(1), z.maxLength(2000))),
}));

export const searchCasesQuery = built(() => z.strictObject({
  status: z.optional(z.string().check(z.maxLength(50), z.regex(/^[a-z][a-z-]{0,49}$/, 'must be a status code'))),
  type: z.optional(z.string().check(z.maxLength(100), z.regex(/^[a-z][a-z0-9-]{0,99}$/, 'must be a transaction type key'))),
  applicant: z.optional(z.unknown().check(z.refine(() => false, 'a national or enterprise number never goes in a URL: search by applicant with POST /v1/cases/search'))).check(z.describe('Refused: search by applicant with POST /v1/cases/search, so that the number stays out of URLs and logs')),
  limit: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(100)), 25),
  cursor: z.optional(z.string().check(z.maxLength(1000))),
}));

/** Search by applicant: the INSZ or KBO travels in the body, never in a URL. */
export const searchByApplicantRequest = built(() => z.strictObject({
  applicant: z.pipe(z.string().check(z.maxLength(20)), z.transform(normalizeInsz)).check(z.refine((value) => isValidInsz(value) || isValidKbo(value), 'must be a valid INSZ or KBO number')),
  status: z.optional(z.string().check(z.maxLength(50), z.regex(/^[a-z][a-z-]{0,49}$/, 'must be a status code'))),
  type: z.optional(z.string().check(z.maxLength(100), z.regex(/^[a-z][a-z0-9-]{0,99}$/, 'must be a transaction type key'))),
  limit: z._default(z.number().check(z.int(), z.gte(1), z.lte(100)), 25),
  cursor: z.optional(z.string().check(z.maxLength(1000))),
}));

export const attentionQuery = built(() => z.strictObject({
  attention: z.literal('true').check(z.describe('Only the cases that need an operator (the only listing there is)')),
  limit: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(100)), 25),
  cursor: z.optional(z.string().check(z.maxLength(1000))),
}));

export const listTasksQuery = built(() => z.strictObject({
  role: z.optional(z.string().check(z.maxLength(50), z.regex(/^[a-z][a-z0-9-]{0,49}$/, 'must be a role name'))),
  status: z.optional(z.enum(['open', 'claimed', 'completed', 'cancelled'])),
  limit: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(100)), 25),
  cursor: z.optional(z.string().check(z.maxLength(1000))),
}));

/*
 * Response schemas: what views.ts and the handlers return, field by field. The catalogue's
 * parts are taken from the transaction type's own schema so that the two cannot drift.
 */

type TypeShape = typeof transactionTypeSchema.shape;
/**
 * A part of the transaction type's own schema, by name, with what the document says of it:
 * taken when a view that shows it is built, so that a bundle whose routes show no type leaves
 * the type's schema out (a call of a method in a view's fields would keep the view).
 */
const typePart = /* @__NO_SIDE_EFFECTS__ */ <K extends keyof TypeShape>(key: K, description?: string): TypeShape[K] =>
  description === undefined ? transactionTypeSchema.shape[key] : ((transactionTypeSchema.shape[key] as z.ZodMiniType).check(z.describe(description)) as TypeShape[K]);

/*
 * The bounds of what responses carry. Each is a bound the request schemas, the domain or the
 * table already keep (ids are ULIDs, reasons at most 2000 characters, one item at most 400 KB);
 * the document states them so that a client can size what it keeps.
 */
const id = built(() => z.string().check(z.maxLength(26), z.regex(/^[0-9A-HJKMNP-TV-Z]{26}$/)));
const caseNumber = built(() => z.string().check(z.maxLength(64), z.regex(/^[A-Za-z0-9][A-Za-z0-9-]{0,63}$/)));
const tenantId = built(() => z.string().check(z.maxLength(64)));
/** Who acted: a token's subject, or `system:<component>`. */
const actorName = built(() => z.string().check(z.maxLength(256)));
/** A status code, an outcome, a task, message or role name, an action. */
const code = built(() => z.string().check(z.maxLength(100)));
const prose = built(() => z.string().check(z.maxLength(2000)));
const cursor = built(() => z.string().check(z.maxLength(1000)));
const dataRecord = built(() => z.record(z.string().check(z.maxLength(100)), z.unknown()));
/** A list kept in one case item, which holds at most 400 KB. */
const inOneItem = 10_000;
/** Tasks and message waits open at once on one case: a workflow waits on a handful. */
const openAtOnce = 1000;

/** An ISO 8601 instant; Loket writes them as `toISOString` does, in UTC. */
const timestamp = built(() => z.iso.datetime({ offset: true }).check(z.maxLength(35)));
const localizedText = localizedTextSchema;

/** A case's applicant after normalisation: digits only, exactly one identifier. */
export const applicantView = built(() => z.union([
  z.strictObject({ insz: z.string().check(z.maxLength(11), z.regex(/^\d{11}$/)) }),
  z.strictObject({ kbo: z.string().check(z.maxLength(10), z.regex(/^[01]\d{9}$/)) }),
]));

const caseTypeRef = built(() => z.object({ key: typeKeySchema, version: typeVersionSchema }));

const statusView = built(() => z.object({
  code,
  text: prose.check(z.describe("The status explained in the caller's language (Accept-Language)")),
  final: z.boolean(),
}));

const statusChange = built(() => z.object({ status: code, at: timestamp, by: actorName }));

const decision = built(() => z.object({
  outcome: code,
  reason: z.optional(prose),
  decidedAt: timestamp,
  decidedBy: actorName,
}));

const caseDocument = built(() => z.object({
  kind: z.enum(['certificate', 'permit']),
  reference: caseNumber,
  issuedAt: timestamp,
  language: z.enum(['nl', 'en']),
  title: localizedText,
  text: localizedText,
  file: z.optional(z.object({
    key: z.string().check(z.maxLength(300), z.describe('Where the document store keeps the file')),
    contentType: z.literal('application/pdf'),
    size: z.number().check(z.int(), z.positive(), z.lte(maxDocumentBytes), z.describe('In bytes')),
    sha256: z.string().check(z.maxLength(64), z.regex(/^[0-9a-f]{64}$/), z.describe('SHA-256 of the file, in hex: a downloaded copy must match it')),
  })).check(z.describe('The issued PDF; download it from GET /v1/cases/{id}/documents/{reference}')),
}));

/** `taskView`: a task without its task token. */
export const taskViewSchema = built(() => z.object({
  id,
  caseId: id,
  caseNumber,
  tenant: tenantId,
  name: code,
  title: localizedText,
  role: code,
  status: z.enum(['open', 'claimed', 'completed', 'cancelled']),
  outcomes: outcomesSchema,
  createdAt: timestamp,
  dueAt: timestamp,
  assignee: z.optional(actorName),
  completion: z.optional(z.object({
    outcome: code,
    by: actorName,
    at: timestamp,
    reason: z.optional(prose),
    data: z.optional(dataRecord),
  })),
}));

const attention = built(() => z.object({ reason: prose.check(z.describe('e.g. `execution failed`')), since: timestamp }).check(z.describe("Set while the case needs an operator: its workflow ended while it is open. POST /v1/cases/{id}/redrive runs it again.")));

/**
 * `caseSummary`: a case as a list shows it. Data minimisation: a list carries no personal data
 * (no INSZ or KBO, no name, no address, no case data), so listing writes no access record; the
 * whole case is one GET /v1/cases/{id} away, and that read is in the processing log.
 */
export const caseSummarySchema = built(() => z.object({
  id,
  number: caseNumber.check(z.describe('Human number per tenant and year, e.g. 44021-2026-000123')),
  type: caseTypeRef,
  applicantKind: z.enum(['citizen', 'business']).check(z.describe('Whether the applicant is a citizen (INSZ) or a business (KBO); the number itself is in GET /v1/cases/{id}')),
  status: statusView,
  createdAt: timestamp,
  updatedAt: timestamp,
  dueAt: timestamp,
  attention: z.optional(attention),
}));

/** `caseView`: one case, its status explained in the caller's language. */
export const caseViewSchema = built(() => z.object({
  id,
  number: caseNumber,
  type: caseTypeRef,
  applicant: applicantView,
  data: dataRecord,
  status: statusView,
  statusHistory: z.array(statusChange).check(z.maxLength(inOneItem)),
  createdAt: timestamp,
  updatedAt: timestamp,
  dueAt: timestamp,
  closedAt: z.optional(timestamp).check(z.describe('When the case reached a final status')),
  decision: z.optional(decision),
  confidentiality: code,
  documents: z.array(caseDocument).check(z.maxLength(inOneItem)),
  suspendedSince: z.optional(timestamp).check(z.describe('Set while the case is suspended: its deadline clock stands still')),
  extensions: z.array(z.object({ days: z.number().check(z.int(), z.positive(), z.lte(365)), reason: prose, at: timestamp, by: actorName })).check(z.maxLength(inOneItem), z.describe('Extensions of the legal deadline, in working days')),
  openTasks: z.array(taskViewSchema).check(z.maxLength(openAtOnce), z.describe('Open and claimed tasks; filled by GET /v1/cases/{id} only')),
  completedTasks: z.array(taskViewSchema).check(z.maxLength(openAtOnce), z.describe("Completed tasks with their outcome, reason and data (an officer's note); filled by GET /v1/cases/{id} only, whose read is in the processing log")),
  awaitingMessages: z.array(z.object({ name: code, since: timestamp })).check(z.maxLength(openAtOnce), z.describe('Messages the workflow waits for (POST /v1/cases/{id}/messages); filled by GET /v1/cases/{id} only')),
  attention: z.optional(attention),
  failure: z.optional(z.object({
    state: z.string().check(z.maxLength(100), z.describe('The workflow state that failed')),
    error: z.string().check(z.maxLength(100), z.describe("The error's name")),
    cause: z.optional(z.string().check(z.maxLength(300))).check(z.describe("The error's message, national and enterprise numbers masked")),
  })).check(z.describe("Set on a case closed 'failed': the step that failed it")),
  version: z.number().check(z.int(), z.nonnegative(), z.lte(Number.MAX_SAFE_INTEGER)),
}));

/** `transactionTypeSummary`. */
export const transactionTypeSummarySchema = built(() => z.object({
  key: typePart('key'),
  version: typePart('version'),
  title: typePart('title'),
  description: typePart('description'),
  // Each call in a view of the type is marked too, so that the view, and the type's schema with it, can be left out.
  displayTitle: prose.check(z.describe("The title in the caller's language (Accept-Language)")),
  applicantKinds: typePart('applicantKinds'),
  legalDeadline: typePart('legalDeadline'),
  fee: typePart('fee'),
}));

/**
 * A type's example request. The OpenAPI document refers it to the submission's component, so
 * that a generated client can send it to POST /v1/cases as it is.
 */
export const exampleRequestSchema = built(() => typePart('example', 'A request of this type, to send to POST /v1/cases as it is'));

/** `transactionTypeView`: the summary with the input JSON Schema, an example request and the statuses. */
export const transactionTypeViewSchema = built(() => z.extend(transactionTypeSummarySchema, {
  inputSchema: typePart('inputSchema', 'JSON Schema of the `data` a case of this type takes'),
  example: exampleRequestSchema,
  statuses: typePart('statuses'),
  roles: typePart('roles'),
  tasks: typePart('tasks', 'The human tasks, by name: who works them, their outcomes, and the JSON Schema (`dataSchema`) of the `data` a completion may carry'),
  messages: typePart('messages', 'The messages a case may wait for, by name, with the JSON Schema (`dataSchema`) of their `data`'),
  suspension: typePart('suspension'),
  extension: typePart('extension'),
  confidentiality: typePart('confidentiality'),
  retention: typePart('retention'),
}));

const actor = built(() => z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('user'), subject: actorName, tenant: tenantId, roles: z.array(code).check(z.maxLength(50)) }),
  z.object({ kind: z.literal('system'), component: code }),
]));

const sha256Hex = built(() => z.string().check(z.maxLength(64), z.regex(/^[0-9a-f]{64}$/)));
const stateDigest = built(() => z.string().check(z.maxLength(71), z.regex(/^sha256:[0-9a-f]{64}$/), z.describe('SHA-256 of the canonical JSON of the case as stored (keys sorted), prefixed `sha256:`')));
const seal = built(() => z.string().check(z.maxLength(43), z.regex(/^[A-Za-z0-9_-]{43}$/), z.describe('HMAC-SHA-256 (base64url) under a key the table\'s writers do not hold')));

/** One sealed event of a case's audit trail. */
export const auditEventSchema = built(() => z.object({
  caseId: id,
  sequence: z.number().check(z.int(), z.positive(), z.lte(Number.MAX_SAFE_INTEGER)),
  action: code,
  actor,
  at: timestamp,
  reason: z.optional(prose).check(z.describe('The reason for the action: the X-Audit-Reason header, or the reason of a lifecycle action')),
  details: z.optional(dataRecord).check(z.describe("What changed; a task completion's `motivation` is the reason its body gave for the decision")),
  previousHash: sha256Hex,
  previousSeal: z.optional(seal).check(z.describe("The previous event's seal; absent on the first event")),
  previousStateDigest: z.optional(stateDigest).check(z.describe('The case as the change found it; absent on the first event')),
  stateDigest: z.optional(stateDigest).check(z.describe('The case as the change left it; absent only on events written before trails were sealed')),
  hash: sha256Hex.check(z.describe("SHA-256 of the event's canonical JSON without its hash and seal")),
  seal: z.optional(seal).check(z.describe('The MAC of the case id, sequence, hash and state digest; absent only on events written before trails were sealed')),
}));

export const trailFaultSchema = built(() => z.enum(['sequence', 'link', 'hash', 'seal', 'unsealed', 'state', 'missing', 'head', 'case']).check(z.describe('Why the trail does not verify: `sequence` an event is out of place (removed or reordered), `link` an event does not link to the one before, `hash` an event was rewritten (or chained onto a forged head), `seal` an event was rewritten with recomputed hashes or its seal changed, `unsealed` an event predates sealing, `state` the case was changed between two events, `missing` newest events were deleted, `head` the case item names another last event, `case` the case was changed after its last event')));

export const caseHistorySchema = built(() => z.object({
  caseId: id,
  number: caseNumber,
  verified: z.boolean().check(z.describe("Whether the trail tells the truth: every event is in place, linked and unchanged, the newest event's seal holds, the case item names the last event, and the case as stored is the state that event recorded")),
  firstBadSequence: z.optional(z.number().check(z.int(), z.positive(), z.lte(Number.MAX_SAFE_INTEGER))).check(z.describe('When not verified: the sequence number of the first position where the trail departs from what was sealed')),
  fault: z.optional(trailFaultSchema).check(z.describe('When not verified: why, at `firstBadSequence`')),
  items: z.array(auditEventSchema),
}));

const page = <T extends z.ZodMiniType>(item: T) =>
  z.object({
    items: z.array(item).check(z.maxLength(100)),
    nextCursor: z.optional(cursor).check(z.describe('Present when there are more results: pass it as `cursor` for the next page')),
  });

export const caseSearchPageSchema = built(() => page(caseSummarySchema));
/**
 * `taskSummary`: a task as the inbox lists it. A completion shows its outcome, who and when,
 * but not its reason or data, which may be free text about the applicant (an officer's note):
 * the case shows those (`completedTasks` of GET /v1/cases/{id}), and that read is in the processing log.
 */
export const taskSummarySchema = built(() => z.extend(taskViewSchema, {
  completion: z.optional(z.pick(taskViewSchema.shape.completion.def.innerType, { outcome: true, by: true, at: true })),
}));
export const taskPageSchema = built(() => page(taskSummarySchema));
export const transactionTypeListSchema = built(() => z.object({ items: z.array(transactionTypeSummarySchema).check(z.maxLength(1000)) }));
/** A type's published versions: each as a summary, oldest first; `current` is the one new cases take. */
export const transactionTypeVersionListSchema = built(() => z.object({
  key: typePart('key'),
  current: typePart('version', 'The version a case submitted now takes; a case keeps the version it was submitted as'),
  items: z.array(transactionTypeSummarySchema).check(z.maxLength(1000), z.describe('Every version kept, oldest first')),
}));

export const eventTypeParameter = built(() => z.string().check(z.maxLength(100), z.regex(/^be\.loket\.case\.[a-z-]+\.v[0-9]+$/), z.describe('A case event type, e.g. be.loket.case.status-changed.v1')));

export const eventSchemaListSchema = built(() => z.object({
  items: z.array(
      z.object({
        type: eventTypeParameter,
        description: prose,
        href: z.string().check(z.maxLength(200), z.describe('Where its JSON Schema is served, relative to the API: what its events name as `dataschema`')),
      }),
    ).check(z.maxLength(200)),
}));

export const eventSchemaSchema = built(() => z.record(z.string().check(z.maxLength(100)), z.unknown()).check(z.describe('The JSON Schema (draft-07) of the event type: the CloudEvent envelope and its data')));

export const openApiDocumentSchema = built(() => z.record(z.string().check(z.maxLength(100)), z.unknown()).check(z.describe('This document')));

/** The data protection officer names the person or business in the body, never in a URL. */
export const processingLogRequest = built(() => z.strictObject({ applicant: applicantSchema, limit: z._default(z.number().check(z.int(), z.gte(1), z.lte(100)), 50), cursor: z.optional(z.string().check(z.maxLength(1000))) }));

export const dataSubjectExportRequest = built(() => z.strictObject({ applicant: applicantSchema }));

export const accessRecordSchema = built(() => z.object({
  tenant: tenantId,
  at: timestamp,
  actor: z.object({ subject: actorName, roles: z.array(code).check(z.maxLength(50)) }),
  person: z.string().check(z.maxLength(100), z.describe("The person's keyed pseudonym: the same for every record of one person")),
  caseId: z.optional(id),
  action: z.enum(['case.read', 'case.history', 'case.search', 'document.download', 'register.lookup', 'data-subject.processing-log', 'data-subject.export', 'case-overview.publish']),
  purpose: z.string().check(z.maxLength(200), z.describe("The caller's X-Purpose, or the route or workflow step that read")),
}));

export const processingLogPageSchema = built(() => z.object({
  items: z.array(accessRecordSchema).check(z.maxLength(100)),
  nextCursor: z.optional(cursor).check(z.describe('Present when there are more records: pass it as `cursor` for the next page')),
}));

export const dataSubjectExportSchema = built(() => z.object({
  person: z.string().check(z.maxLength(100), z.describe("The person's keyed pseudonym")),
  cases: z.array(
    z.object({
      case: caseViewSchema,
      history: z.array(auditEventSchema),
      documents: z.array(z.object({ reference: caseNumber, href: z.string().check(z.maxLength(200), z.describe('GET this with a token that may read the case')) })).check(z.maxLength(inOneItem)),
    }),
  ),
  accessRecords: z.array(accessRecordSchema),
}));

export const healthSchema = built(() => z.object({ status: z.literal('ok'), service: code }));

/** The most field errors a problem names; a body with more faults gets the first ones. */
export const maxFieldErrors = 100;

/** An RFC 9457 problem, as `problem()` in commons/http.ts writes it. */
export const problemSchema = built(() => z.object({
  type: z.string().check(z.maxLength(200), z.describe('A URI that identifies the kind of problem')),
  title: code,
  status: z.number().check(z.int(), z.gte(400), z.lte(599)),
  detail: prose,
  errors: z.optional(z.array(z.object({ path: z.string().check(z.maxLength(1000), z.describe('Dotted path of the field, e.g. applicant.insz')), message: prose })).check(z.maxLength(maxFieldErrors))).check(z.describe('The fields that failed validation')),
}));

/** What API Gateway's JWT authorizer answers itself, before any function runs. */
export const gatewayErrorSchema = built(() => z.object({ message: z.string().check(z.maxLength(200)) }));
