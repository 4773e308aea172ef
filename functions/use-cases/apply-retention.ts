import { systemActor } from '../domain/actor';
import { brusselsDate } from '../domain/calendar';
import type { Case } from '../domain/case';
import type { CaseRemains, DestroyedItems } from '../domain/destruction';
import { beginDestruction, destroyedItems, markTransferDue } from '../domain/destruction';
import { validationError } from '../domain/errors';
import type { CaseStore, Outbox } from '../ports/case-store.port';
import type { ArchiveSchedule, CaseDestruction, CaseFiles, ScheduledCase } from '../ports/retention.port';
import type { Clock, Telemetry } from '../ports/services.port';

export interface ApplyRetentionCommand {
  /** Lists what is due, and what destroying it would remove, without changing anything. */
  readonly dryRun: boolean;
  /** A dry run only: the Europe/Brussels date to list for, e.g. the end of next month. @default today */
  readonly asOf?: string;
  /** Only this tenant's cases. @default every tenant's */
  readonly tenant?: string;
}

export interface ApplyRetentionDependencies {
  readonly cases: Pick<CaseStore, 'get' | 'change' | 'tasksOfCase' | 'messageWaitsOf'>;
  readonly outbox: Pick<Outbox, 'pendingOf'>;
  readonly schedule: ArchiveSchedule;
  readonly destruction: CaseDestruction;
  readonly files: CaseFiles;
  readonly clock: Clock;
  readonly telemetry: Pick<Telemetry, 'warn'>;
}

export interface RetentionOptions {
  /** The most cases one run handles; the rest are left for the next run. @default 2000 */
  readonly maxCases?: number;
}

/** A case whose retention is due: ids and codes only. */
export interface DueCase {
  readonly id: string;
  readonly tenant: string;
  readonly type: Case['type'];
  readonly dueOn: string;
}

export interface DestroyedCase extends DueCase {
  /** What was (in a dry run: would be) removed; for a destruction an earlier run began, what was left of it. */
  readonly items: DestroyedItems;
  /** True when an earlier run wrote the tombstone and this one finished the deletes. */
  readonly resumed: boolean;
}

export interface RetentionReport {
  readonly dryRun: boolean;
  /** The Europe/Brussels date the run applied retention for. */
  readonly asOf: string;
  /** Cases destroyed (in a dry run: that would be). */
  readonly destroyed: DestroyedCase[];
  /** `keep` cases found due for transfer to the archive (in a dry run: that would be). */
  readonly transferDue: DueCase[];
  /** Cases that could not be handled now, with the error's name; the next run tries them again. */
  readonly failed: Array<DueCase & { readonly error: string }>;
  /** More cases were due than one run handles: the next run goes on. */
  readonly incomplete: boolean;
}

const dueCaseOf = (scheduled: ScheduledCase): DueCase => ({ id: scheduled.id, tenant: scheduled.tenant, type: scheduled.type, dueOn: scheduled.retention.dueOn });

/**
 * Applies the retention of closed cases whose retention is due (a scheduled job, daily):
 * 1. reads the due cases from the archive schedule, of every tenant or one;
 * 2. a `keep` case is marked due for transfer to the archive, with an audit event, and leaves
 *    the schedule;
 * 3. a `destroy` case gets its tombstone first: in one transaction with the case's version
 *    (so that it describes exactly the state read), the last event of its audit trail records
 *    what goes, when, under which rule and a digest of it; then its files are destroyed with
 *    every version the store keeps, then its tasks, message waits, outbox items (but its events,
 *    which the dispatcher still publishes, the destruction's own among them), number and
 *    Idempotency-Key records and finally the case item. A run that dies half way leaves the case marked and in the schedule: the next
 *    run finishes the deletes without a second tombstone;
 * 4. a dry run reads the same and changes nothing.
 * A failure on one case is reported and the others go on. A complete run over every tenant
 * without failures records how far the schedule is handled.
 */
export function applyRetention(deps: ApplyRetentionDependencies, options: RetentionOptions = {}) {
  const maxCases = options.maxCases ?? 2000;
  const actor = systemActor('apply-retention');

  async function remainsOf(subject: Case): Promise<CaseRemains> {
    const [tasks, messageWaits, outbox, references, documentKeys] = await Promise.all([
      deps.cases.tasksOfCase(subject.id),
      deps.cases.messageWaitsOf(subject.id),
      deps.outbox.pendingOf(subject.id),
      deps.destruction.referencesOf(subject),
      // What the store keeps for the case, including a file a retried step left that the case does not record.
      deps.files.keysOf(subject),
    ]);
    // An event not published yet is the world's, not the case's: it stays in the outbox for the dispatcher, uncounted.
    const effects = outbox.filter((item) => item.effect.kind !== 'publish-event');
    return { case: subject, tasks, messageWaits, outbox: effects, references, documentKeys };
  }

  return async (command: ApplyRetentionCommand): Promise<RetentionReport> => {
    if (command.asOf !== undefined && !command.dryRun) {
      throw validationError('only a dry run looks ahead', [{ path: 'asOf', message: 'a run that changes anything applies retention as of today' }]);
    }
    const now = deps.clock.now();
    const asOf = command.asOf ?? brusselsDate(now);
    const report = { destroyed: [] as DestroyedCase[], transferDue: [] as DueCase[], failed: [] as RetentionReport['failed'] };

    /** Destroys one case (a dry run: tells what it would remove); undefined when it is gone already. */
    async function destroy(due: DueCase): Promise<DestroyedCase | undefined> {
      const subject = await deps.cases.get(due.id);
      if (!subject) return undefined;
      const remains = await remainsOf(subject);
      const resumed = subject.retention?.destroyingSince !== undefined;
      if (command.dryRun) return { ...due, items: destroyedItems(remains), resumed };
      const marked = resumed
        ? remains
        : await deps.cases.change(subject.id, async (current) => {
            const read = current.version === subject.version ? remains : await remainsOf(current);
            // A concurrent run wrote the tombstone: only the deletes are left.
            if (current.retention?.destroyingSince) return { result: () => read };
            return { change: beginDestruction(read, actor, now), result: (saved) => ({ ...read, case: saved }) };
          }, { from: subject });
      await deps.files.remove(marked.documentKeys);
      await deps.destruction.destroy(marked);
      return { ...due, items: destroyedItems(marked), resumed };
    }

    async function markForTransfer(due: DueCase): Promise<void> {
      if (!command.dryRun) {
        await deps.cases.change(due.id, (current) => {
          const change = markTransferDue(current, actor, now);
          return { change, result: () => undefined };
        });
      }
      report.transferDue.push(due);
    }

    let handled = 0;
    let incomplete = false;
    for await (const scheduled of deps.schedule.due(asOf, { tenant: command.tenant })) {
      if (handled >= maxCases) {
        incomplete = true;
        break;
      }
      handled += 1;
      const due = dueCaseOf(scheduled);
      try {
        if (scheduled.retention.action === 'keep') {
          await markForTransfer(due);
        } else {
          const destroyed = await destroy(due);
          if (destroyed) report.destroyed.push(destroyed);
        }
      } catch (error) {
        const name = error instanceof Error ? error.name : 'Error';
        report.failed.push({ ...due, error: name });
        deps.telemetry.warn('The retention of a case could not be applied; the next run tries again', { caseId: due.id, error: name });
      }
    }

    if (!command.dryRun && command.tenant === undefined && !incomplete && report.failed.length === 0) await deps.schedule.handledBefore(asOf);
    return { dryRun: command.dryRun, asOf, ...report, incomplete };
  };
}
