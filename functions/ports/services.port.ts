import type { AccessRecord } from '../domain/access-record';
import type { Case, CaseDocument, DocumentFile } from '../domain/case';
import type { Tenant } from '../domain/tenant';

/** The time, so that deadlines and audit times can be tested on a clock of the test's choosing. */
export interface Clock {
  now(): Date;
}

/** The local governments onboarded on Loket. */
export interface TenantDirectory {
  get(id: string): Promise<Tenant | undefined>;
}

/** Renders documents as files and keeps them; the same document gives the same bytes at the same key. */
export interface DocumentFiling {
  /** Renders and stores a case's document in the tenant's name; describes the file it kept. */
  file(document: CaseDocument, subject: Case, tenant: Tenant): Promise<DocumentFile>;
  /** The bytes kept for a file, or undefined when there are none. */
  read(file: DocumentFile): Promise<Uint8Array | undefined>;
}

/** Open cases of one type past their due date and due soon, in all and per tenant (tenants with any only). */
export interface DeadlineFigures {
  readonly overdue: number;
  readonly dueSoon: number;
  readonly tenants: Readonly<Record<string, { readonly overdue: number; readonly dueSoon: number }>>;
}

/** What operators count and what deserves a warning; never personal data. */
export interface Telemetry {
  caseSubmitted(typeKey: string): void;
  /** A case reached a final status. */
  caseClosed(typeKey: string, status: string): void;
  warn(message: string, fields: Readonly<Record<string, string | number | boolean>>): void;
  /** A case's workflow ended while the case is open. */
  caseNeedsAttention(typeKey: string): void;
  /** How many open cases of a type are past their due date or due soon, and each tenant's share, as the reconciler counted them. */
  deadlines(typeKey: string, figures: DeadlineFigures): void;
  /**
   * How many open cases of a type have a workflow that failed with `FailureNotRecorded` (its
   * failure recorder could not write), as the reconciler counted them at one run: infrastructure
   * failures, apart from cases that end `failed`.
   */
  failuresNotRecorded(typeKey: string, count: number): void;
}

/**
 * Keyed pseudonyms of national and enterprise numbers: the same number always gives the same
 * pseudonym, and without the key (which no table writer holds) a pseudonym cannot be turned
 * back into the number, nor guessed by hashing candidates. Indexes and the processing log key
 * on pseudonyms, never on the numbers themselves.
 */
export interface Pseudonyms {
  of(identifier: string): Promise<string>;
}

/** The processing log: who read whose personal data. Append-only. */
export interface ProcessingLog {
  record(record: AccessRecord): Promise<void>;
  /** A person's records within a tenant, oldest first, a page at a time. */
  ofPerson(query: { tenant: string; person: string; limit: number; after?: string }): Promise<{ items: AccessRecord[]; after?: string }>;
}
