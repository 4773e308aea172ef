/**
 * Retention (archiefnominatie and archiefactiedatum): what happens to a closed case when the
 * retention period of its type's version ends, and from which day. A case gets its retention
 * when it closes; from then on it no longer depends on the catalogue, so a later version of
 * the type cannot shorten or lengthen it.
 */
import { brusselsDate } from './calendar';
import type { TransactionType } from './transaction-type';

export type RetentionAction = TransactionType['retention']['action'];

export interface CaseRetention {
  /** `destroy`: the case is destroyed and leaves a tombstone in its audit trail; `keep`: it goes to the archive. */
  readonly action: RetentionAction;
  /** The retention period of the type's version, in years after closing. */
  readonly years: number;
  /** The Europe/Brussels date from which the action is due (`YYYY-MM-DD`): the closing date plus the period. */
  readonly dueOn: string;
  /** A `keep` case found due: it waits for transfer to the archive, and the retention job passes it by from then on. */
  readonly transferDueSince?: string;
  /** A `destroy` case whose destruction began: its tombstone is written, and its items are being deleted. */
  readonly destroyingSince?: string;
}

/**
 * The same calendar date `years` later. A period that starts on 29 February ends on
 * 1 March when the last year has no 29 February: retention never ends a day early.
 */
export function addYears(isoDate: string, years: number): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate);
  if (!match) throw new RangeError(`not an ISO date (YYYY-MM-DD): ${isoDate}`);
  if (!Number.isSafeInteger(years) || years < 0) throw new RangeError(`a retention period is a whole number of years, got ${years}`);
  const date = new Date(Date.UTC(Number(match[1]) + years, Number(match[2]) - 1, Number(match[3])));
  return date.toISOString().slice(0, 10);
}

/** The retention a case gets when it closes at `closedAt`, from the type version it ran on. */
export function retentionOnClosing(type: Pick<TransactionType, 'retention'>, closedAt: Date): CaseRetention {
  const { years, action } = type.retention;
  return { action, years, dueOn: addYears(brusselsDate(closedAt), years) };
}

/** Whether the retention's action is due on `day` (a Europe/Brussels date). */
export function isRetentionDue(retention: Pick<CaseRetention, 'dueOn'>, day: string): boolean {
  return retention.dueOn <= day;
}
