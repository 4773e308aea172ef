import type { Applicant } from '../domain/applicant';
import type { CaseEvent } from '../domain/case-event';
import type { LocalizedText } from '../domain/transaction-type';

/**
 * One status change of a case as the citizen's case overview shows it: the Flemish case-status
 * service (DOSIS, "Dossier Status Informatie Systeem" of Digitaal Vlaanderen) that feeds the
 * dossiers of Mijn Burgerprofiel and the e-loket for businesses.
 *
 * It is the one place where personal data leaves Loket in an update: `applicant` is what DOSIS
 * needs to put the dossier in the right profile (its "agent"), sent to a government service with
 * a legal basis. It is read from the case at delivery time, never carried by an event, and never
 * logged.
 */
export interface CaseOverviewUpdate {
  /**
   * The case's id in the overview, the same for every update of one case: the source and the case
   * number (`<source>/<case number>`). DOSIS keys a dossier on its source and dossier number.
   */
  readonly transactionId: string;
  /** Who holds the case: the tenant's event source, `urn:loket:tenant:<NIS code>`. */
  readonly source: string;
  readonly tenant: string;
  /** The human case number (e.g. `44021-2026-000123`): the dossier number the citizen sees. */
  readonly caseNumber: string;
  readonly caseId: string;
  /** The type's product id in the IPDC (the Flemish product and service catalogue). */
  readonly productId: string;
  /** The type's title, as the citizen reads it (the version the case runs on). */
  readonly title: LocalizedText;
  readonly status: {
    readonly code: string;
    /** The status's citizen text, of the case's own type version. */
    readonly text: LocalizedText;
    /** Whether the case is closed with this status. */
    readonly final: boolean;
    /** When the case entered the status (the event's time). */
    readonly since: string;
  };
  /**
   * The change's place in the case's audit trail: a receiver that gets an older update after a
   * newer one (a retry overtaken) keeps the newer.
   */
  readonly sequence: number;
  /** Whose profile shows the case: a citizen by INSZ or a business by KBO. Personal data. */
  readonly applicant: Applicant;
}

/**
 * The citizen's case overview, in the domain's words. Idempotent: the same transaction id and
 * status sent twice is one update for the receiver. Throws `TransientError` for a failure a retry
 * can cure (5xx, timeout, network) and another error for a permanent refusal (4xx).
 */
export interface CitizenCaseOverview {
  publish(update: CaseOverviewUpdate): Promise<void>;
}

/**
 * What the delivery machinery calls for each event it delivers to the citizen's case overview
 * (a second kind of receiver beside the tenant's subscriptions). It answers `not-applicable` for
 * an event that is no status change or whose status does not inform the applicant, and
 * `delivered` once the overview accepted the update. It throws `TransientError` (from
 * functions/domain/errors) for a failure worth retrying and another error for a permanent one,
 * which the machinery dead-letters.
 *
 * From a `status-changed` event it reads `data.to` (the new status's code) and `data.inform` (the
 * status's inform flag); the rest (applicant, texts, product id) it reads from the case store and
 * the catalogue at delivery time.
 *
 * Wired, with its adapters, in functions/outbox/case-overview.wiring.ts (`caseOverviewFeed`).
 */
export interface CaseOverviewFeed {
  deliver(event: CaseEvent): Promise<'delivered' | 'not-applicable'>;
}
