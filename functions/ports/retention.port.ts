import type { Case } from '../domain/case';
import type { CaseReference, CaseRemains } from '../domain/destruction';
import type { CaseRetention } from '../domain/retention';

/** A closed case as the archive schedule holds it: ids, type and retention, no personal data. */
export interface ScheduledCase {
  readonly id: string;
  readonly tenant: string;
  readonly type: Case['type'];
  readonly retention: CaseRetention;
}

/**
 * The closed cases by the date their retention ends (archiefactiedatum). A case is in it from
 * its closing until it is destroyed or found due for transfer to the archive.
 */
export interface ArchiveSchedule {
  /**
   * The cases due on `day` (a Europe/Brussels date: due on or before it), of one tenant or all.
   * Cases that leave the schedule while this is read (destroyed, marked) do not disturb it.
   */
  due(day: string, options?: { tenant?: string }): AsyncIterable<ScheduledCase>;
  /**
   * Records that every case of every tenant due before the month of `day` has been handled,
   * so that later reads need not look further back. A day before one recorded earlier changes nothing.
   */
  handledBefore(day: string): Promise<void>;
}

/** The items of a case besides the aggregate's own reads (its tasks, waits and outbox), for its destruction. */
export interface CaseDestruction {
  /** The records that point at the case and still exist: its number, and the Idempotency-Key it was submitted with. */
  referencesOf(subject: Case): Promise<CaseReference[]>;
  /**
   * Deletes the remains, each item on the condition that it is as it was read and the case item
   * last, on the condition that it has the version read. Items deleted before are no error.
   * Throws when an item changed; what was deleted by then stays deleted, and the case item
   * stays until everything else is gone, so a later call finishes the job.
   */
  destroy(remains: CaseRemains): Promise<void>;
}

/** The files kept for cases (their issued documents), as far as destroying a case needs them. */
export interface CaseFiles {
  /**
   * The keys of every file kept for the case, whether its case records it or not (e.g. left by a
   * retried step), and of a file of which only earlier versions are left.
   */
  keysOf(subject: Pick<Case, 'id' | 'tenant'>): Promise<string[]>;
  /** Destroys the files with every earlier version the store keeps of them; a key with no file is no error. */
  remove(keys: readonly string[]): Promise<void>;
}
