/**
 * What the processing log keeps of one read of personal data (GDPR art. 30): who, in which
 * role and tenant, when, which case, which person (by pseudonym, never the number), what was
 * done and why. The log is append-only and kept apart from the cases, with its own retention.
 */
export interface AccessRecord {
  readonly tenant: string;
  readonly at: string;
  readonly actor: { readonly subject: string; readonly roles: readonly string[] };
  /** The person's keyed pseudonym. */
  readonly person: string;
  readonly caseId?: string;
  readonly action: AccessAction;
  /** Why: the caller's X-Purpose, or the route or workflow step that read. */
  readonly purpose: string;
}

export type AccessAction =
  | 'case.read'
  | 'case.history'
  | 'case.search'
  | 'document.download'
  | 'register.lookup'
  | 'data-subject.processing-log'
  | 'data-subject.export'
  /** The applicant's number handed to the citizen's case overview (DOSIS) with a status change. */
  | 'case-overview.publish';

/** How long access records are kept: the common limitation period for a data subject's claims. */
export const accessRecordRetentionYears = 5;
