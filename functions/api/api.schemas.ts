import * as z from 'zod';
import { applicantSchema } from '../domain/applicant';
import { isValidInsz, isValidKbo, normalizeInsz } from '../domain/identifiers';
import { transactionTypeSchema } from '../domain/transaction-type';
import type { HeaderName } from './route-contract';

/*
 * The API's request and response schemas: the handlers validate with them and the OpenAPI
 * document is generated from them. This module loads no adapter, so the OpenAPI function,
 * which has no table, can import it.
 */


export const submitCaseRequest = z
  .object({
    type: z.string().min(1).max(100),
    applicant: applicantSchema,
    data: z.record(z.string(), z.unknown()).default({}),
  })
  .strict();

/*
 * Path parameters: each route names the schema of each `{name}` in its path. A value that
 * does not match cannot name anything, so it answers 404 before anything is read.
 */

const ulid = z.string().max(26).regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, 'must be a ULID');
export const caseIdParameter = ulid.describe('The case’s id, a ULID');
export const taskIdParameter = ulid.describe('The task’s id, a ULID');
export const typeKeyParameter = z
  .string()
  .max(100)
  .regex(/^[a-z][a-z0-9-]{0,99}$/, 'must be a transaction type key')
  .describe('The transaction type’s key, e.g. proof-of-residence');
export const documentReferenceParameter = z
  .string()
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9-]{0,63}$/, 'must be a document reference')
  .describe('The document’s reference: the case number, e.g. 44021-2026-000123');

/** Text a header may carry: no control characters. */
const headerText = /^[^\x00-\x1f\x7f]*$/;

/** An Idempotency-Key: 1 to 200 visible ASCII characters (a UUID is typical). */
export const idempotencyKeySchema = z.string().max(200).regex(/^[\x21-\x7e]{1,200}$/, 'must be 1 to 200 visible ASCII characters');

/** The request headers a route may read, each bounded; a route that declares one refuses a value that does not match with a 400. */
export const headerSchemas = {
  'Idempotency-Key': idempotencyKeySchema,
  'X-Audit-Reason': z.string().min(1).max(2000).regex(headerText, 'must not contain control characters'),
  'X-Purpose': z.string().min(1).max(200).regex(headerText, 'must not contain control characters'),
  'Accept-Language': z
    .string()
    .max(200)
    .regex(/^[A-Za-z0-9*;=.,\s-]*$/, 'must be a list of language tags with weights, e.g. nl-BE,nl;q=0.9,en;q=0.8'),
} as const satisfies Record<HeaderName, z.ZodString>;

export const completeTaskRequest = z
  .object({
    outcome: z.string().min(1).max(100),
    data: z.record(z.string(), z.unknown()).optional(),
    reason: z.string().min(1).max(2000).optional(),
  })
  .strict();

export const searchCasesQuery = z
  .object({
    status: z.string().regex(/^[a-z][a-z-]{0,49}$/, 'must be a status code').optional(),
    type: z.string().regex(/^[a-z][a-z0-9-]{0,99}$/, 'must be a transaction type key').optional(),
    applicant: z
      .unknown()
      .refine(() => false, 'a national or enterprise number never goes in a URL: search by applicant with POST /v1/cases/search')
      .optional()
      .describe('Refused: search by applicant with POST /v1/cases/search, so that the number stays out of URLs and logs'),
    limit: z.coerce.number().int().min(1).max(100).default(25),
    cursor: z.string().max(1000).optional(),
  })
  .strict();

/** Search by applicant: the INSZ or KBO travels in the body, never in a URL. */
export const searchByApplicantRequest = z
  .object({
    applicant: z
      .string()
      .max(20)
      .transform(normalizeInsz)
      .refine((value) => isValidInsz(value) || isValidKbo(value), 'must be a valid INSZ or KBO number'),
    status: z.string().regex(/^[a-z][a-z-]{0,49}$/, 'must be a status code').optional(),
    type: z.string().regex(/^[a-z][a-z0-9-]{0,99}$/, 'must be a transaction type key').optional(),
    limit: z.number().int().min(1).max(100).default(25),
    cursor: z.string().max(1000).optional(),
  })
  .strict();

export const attentionQuery = z
  .object({
    attention: z.literal('true').describe('Only the cases that need an operator (the only listing there is)'),
    limit: z.coerce.number().int().min(1).max(100).default(25),
    cursor: z.string().max(1000).optional(),
  })
  .strict();

export const listTasksQuery = z
  .object({
    role: z.string().min(1).max(50).optional(),
    status: z.enum(['open', 'claimed', 'completed', 'cancelled']).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(25),
    cursor: z.string().max(1000).optional(),
  })
  .strict();

/*
 * Response schemas: what views.ts and the handlers return, field by field. The catalogue's
 * parts are taken from the transaction type's own schema so that the two cannot drift.
 */


const typeShape = transactionTypeSchema.shape;
const timestamp = z.iso.datetime({ offset: true });
const localizedText = typeShape.title;

/** A case's applicant after normalisation: digits only, exactly one identifier. */
export const applicantView = z.union([
  z.object({ insz: z.string().regex(/^\d{11}$/) }).strict(),
  z.object({ kbo: z.string().regex(/^[01]\d{9}$/) }).strict(),
]);

const caseTypeRef = z.object({ key: z.string(), version: z.number().int().positive() });

const statusView = z.object({
  code: z.string(),
  text: z.string().describe("The status explained in the caller's language (Accept-Language)"),
  final: z.boolean(),
});

const statusChange = z.object({ status: z.string(), at: timestamp, by: z.string() });

const decision = z.object({
  outcome: z.string(),
  reason: z.string().optional(),
  decidedAt: timestamp,
  decidedBy: z.string(),
});

const caseDocument = z.object({
  kind: z.enum(['certificate', 'permit']),
  reference: z.string(),
  issuedAt: timestamp,
  language: z.enum(['nl', 'en']),
  title: localizedText,
  text: localizedText,
  file: z
    .object({
      key: z.string().describe('Where the document store keeps the file'),
      contentType: z.literal('application/pdf'),
      size: z.number().int().positive().describe('In bytes'),
      sha256: z.string().regex(/^[0-9a-f]{64}$/).describe('SHA-256 of the file, in hex: a downloaded copy must match it'),
    })
    .optional()
    .describe('The issued PDF; download it from GET /v1/cases/{id}/documents/{reference}'),
});

/** `taskView`: a task without its task token. */
export const taskViewSchema = z.object({
  id: z.string(),
  caseId: z.string(),
  caseNumber: z.string(),
  tenant: z.string(),
  name: z.string(),
  title: localizedText,
  role: z.string(),
  status: z.enum(['open', 'claimed', 'completed', 'cancelled']),
  outcomes: z.array(z.string()),
  createdAt: timestamp,
  dueAt: timestamp,
  assignee: z.string().optional(),
  completion: z
    .object({
      outcome: z.string(),
      by: z.string(),
      at: timestamp,
      reason: z.string().optional(),
      data: z.record(z.string(), z.unknown()).optional(),
    })
    .optional(),
});

const attention = z
  .object({ reason: z.string().describe('e.g. `execution failed`'), since: timestamp })
  .describe("Set while the case needs an operator: its workflow ended while it is open. POST /v1/cases/{id}/redrive runs it again.");

/** `caseSummary`: a case as a search result shows it. */
export const caseSummarySchema = z.object({
  id: z.string(),
  number: z.string().describe('Human number per tenant and year, e.g. 44021-2026-000123'),
  type: caseTypeRef,
  applicant: applicantView,
  status: statusView,
  createdAt: timestamp,
  updatedAt: timestamp,
  dueAt: timestamp,
  attention: attention.optional(),
});

/** `caseView`: one case, its status explained in the caller's language. */
export const caseViewSchema = z.object({
  id: z.string(),
  number: z.string(),
  type: caseTypeRef,
  applicant: applicantView,
  data: z.record(z.string(), z.unknown()),
  status: statusView,
  statusHistory: z.array(statusChange),
  createdAt: timestamp,
  updatedAt: timestamp,
  dueAt: timestamp,
  closedAt: timestamp.optional().describe('When the case reached a final status'),
  decision: decision.optional(),
  confidentiality: z.string(),
  documents: z.array(caseDocument),
  suspendedSince: timestamp.optional().describe('Set while the case is suspended: its deadline clock stands still'),
  extensions: z
    .array(z.object({ days: z.number().int().positive(), reason: z.string(), at: timestamp, by: z.string() }))
    .describe('Extensions of the legal deadline, in working days'),
  openTasks: z.array(taskViewSchema).describe('Open and claimed tasks; filled by GET /v1/cases/{id} only'),
  awaitingMessages: z
    .array(z.object({ name: z.string(), since: timestamp }))
    .describe('Messages the workflow waits for (POST /v1/cases/{id}/messages); filled by GET /v1/cases/{id} only'),
  attention: attention.optional(),
  version: z.number().int().nonnegative(),
});

/** `transactionTypeSummary`. */
export const transactionTypeSummarySchema = z.object({
  key: typeShape.key,
  version: typeShape.version,
  title: typeShape.title,
  description: typeShape.description,
  displayTitle: z.string().describe("The title in the caller's language (Accept-Language)"),
  applicantKinds: typeShape.applicantKinds,
  legalDeadline: typeShape.legalDeadline,
  fee: typeShape.fee,
});

/** `transactionTypeView`: the summary with the input JSON Schema, an example request and the statuses. */
export const transactionTypeViewSchema = transactionTypeSummarySchema.extend({
  inputSchema: typeShape.inputSchema.describe('JSON Schema of the `data` a case of this type takes'),
  example: typeShape.example,
  statuses: typeShape.statuses,
  roles: typeShape.roles,
  tasks: typeShape.tasks.describe('The human tasks, by name: who works them, their outcomes, and the JSON Schema (`dataSchema`) of the `data` a completion may carry'),
  messages: typeShape.messages.describe('The messages a case may wait for, by name, with the JSON Schema (`dataSchema`) of their `data`'),
  suspension: typeShape.suspension,
  extension: typeShape.extension,
  confidentiality: typeShape.confidentiality,
  retention: typeShape.retention,
});

const actor = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('user'), subject: z.string(), tenant: z.string(), roles: z.array(z.string()) }),
  z.object({ kind: z.literal('system'), component: z.string() }),
]);

/** One sealed event of a case's audit trail. */
export const auditEventSchema = z.object({
  caseId: z.string(),
  sequence: z.number().int().positive(),
  action: z.string(),
  actor,
  at: timestamp,
  reason: z.string().optional(),
  details: z.record(z.string(), z.unknown()).optional(),
  previousHash: z.string().regex(/^[0-9a-f]{64}$/),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
});

export const caseHistorySchema = z.object({
  caseId: z.string(),
  number: z.string(),
  verified: z.boolean().describe("Whether every event's hash and link to the one before hold"),
  items: z.array(auditEventSchema),
});

const page = <T extends z.ZodType>(item: T) =>
  z.object({
    items: z.array(item),
    nextCursor: z.string().optional().describe('Present when there are more results: pass it as `cursor` for the next page'),
  });

export const caseSearchPageSchema = page(caseSummarySchema);
export const taskPageSchema = page(taskViewSchema);
export const transactionTypeListSchema = z.object({ items: z.array(transactionTypeSummarySchema) });

export const openApiDocumentSchema = z.record(z.string(), z.unknown()).describe('This document');

/** The data protection officer names the person or business in the body, never in a URL. */
export const processingLogRequest = z
  .object({ applicant: applicantSchema, limit: z.number().int().min(1).max(100).default(50), cursor: z.string().max(1000).optional() })
  .strict();

export const dataSubjectExportRequest = z.object({ applicant: applicantSchema }).strict();

export const accessRecordSchema = z.object({
  tenant: z.string(),
  at: timestamp,
  actor: z.object({ subject: z.string(), roles: z.array(z.string()) }),
  person: z.string().describe("The person's keyed pseudonym: the same for every record of one person"),
  caseId: z.string().optional(),
  action: z.enum(['case.read', 'case.history', 'case.search', 'document.download', 'register.lookup', 'data-subject.processing-log', 'data-subject.export']),
  purpose: z.string().describe("The caller's X-Purpose, or the route or workflow step that read"),
});

export const processingLogPageSchema = z.object({
  items: z.array(accessRecordSchema),
  nextCursor: z.string().optional().describe('Present when there are more records: pass it as `cursor` for the next page'),
});

export const dataSubjectExportSchema = z.object({
  person: z.string().describe("The person's keyed pseudonym"),
  cases: z.array(
    z.object({
      case: caseViewSchema,
      history: z.array(auditEventSchema),
      documents: z.array(z.object({ reference: z.string(), href: z.string().describe('GET this with a token that may read the case') })),
    }),
  ),
  accessRecords: z.array(accessRecordSchema),
});

export const healthSchema = z.object({ status: z.literal('ok'), service: z.string() });

/** An RFC 9457 problem, as `problem()` in commons/http.ts writes it. */
export const problemSchema = z.object({
  type: z.string().describe('A URI that identifies the kind of problem'),
  title: z.string(),
  status: z.number().int().min(400).max(599),
  detail: z.string(),
  errors: z
    .array(z.object({ path: z.string().describe('Dotted path of the field, e.g. applicant.insz'), message: z.string() }))
    .optional()
    .describe('The fields that failed validation'),
});

/** What API Gateway's JWT authorizer answers itself, before any function runs. */
export const gatewayErrorSchema = z.object({ message: z.string() });
