/**
 * TEST DOUBLES for the retention job's ports, over the in-memory case store and document
 * filing, for unit tests only. They behave like the adapters where the job can tell:
 * - the schedule holds closed cases with a retention that is neither being transferred nor
 *   destroyed away, in order of due date, tenant and id; it is read as the store is when each
 *   case comes up, so a case destroyed meanwhile does not come up;
 * - `destroy` deletes each item only if it is as read (a task's status, a wait's token, the
 *   case's version) and the case last; a failed condition throws and leaves what was deleted
 *   deleted, like a later transaction of the DynamoDB adapter;
 * - the references are the case's number and its Idempotency-Key record.
 * Tests interrupt a run through `interrupt`, which throws once at the named point.
 */
import { conflict } from '../../functions/domain/errors';
import type { CaseReference } from '../../functions/domain/destruction';
import type { ArchiveSchedule, CaseDestruction, CaseFiles, ScheduledCase } from '../../functions/ports/retention.port';
import type { InMemoryCaseStore, InMemoryDocumentFiling } from './in-memory-ports';

/** Where a test makes a run die, once: before the files go, or after the dependents went and before the case item. */
export type RetentionInterrupt = 'before-files' | 'before-case-item';

export interface InMemoryRetention {
  readonly schedule: ArchiveSchedule;
  readonly destruction: CaseDestruction;
  readonly files: CaseFiles;
  /** The days passed to `handledBefore`, in order. */
  readonly handled: string[];
  interrupt?: RetentionInterrupt;
}

export function inMemoryRetention(store: InMemoryCaseStore, filing: InMemoryDocumentFiling): InMemoryRetention {
  const dieAt = (point: RetentionInterrupt) => {
    if (retention.interrupt !== point) return;
    retention.interrupt = undefined;
    throw new Error(`interrupted ${point}`);
  };

  const retention: InMemoryRetention = {
    handled: [],
    schedule: {
      async *due(day, options = {}) {
        const scheduled = [...store.cases.values()]
          .filter((subject) => subject.retention && !subject.retention.transferDueSince && subject.retention.dueOn <= day)
          .filter((subject) => options.tenant === undefined || subject.tenant === options.tenant)
          .map((subject) => ({ sortKey: `${subject.retention!.dueOn}#${subject.tenant}#${subject.id}`, id: subject.id }))
          .sort((a, b) => (a.sortKey < b.sortKey ? -1 : 1));
        for (const { id } of scheduled) {
          const subject = store.cases.get(id);
          if (!subject?.retention) continue;
          yield structuredClone({ id, tenant: subject.tenant, type: subject.type, retention: subject.retention } satisfies ScheduledCase);
        }
      },
      async handledBefore(day) {
        retention.handled.push(day);
      },
    },
    destruction: {
      async referencesOf(subject) {
        const references: CaseReference[] = [];
        if (store.numbers.get(subject.number) === subject.id) references.push({ kind: 'case-number', value: subject.number });
        for (const record of store.idempotencyRecords.values()) {
          if (record.caseId === subject.id && record.tenant === subject.tenant) references.push({ kind: 'idempotency-key', value: record.key });
        }
        return references;
      },
      async destroy(remains) {
        for (const task of remains.tasks) {
          const stored = store.tasks.get(task.id);
          if (stored && stored.status !== task.status) throw conflict(`task ${task.id} changed`);
          store.tasks.delete(task.id);
        }
        for (const wait of remains.messageWaits) {
          const key = `${wait.caseId}#${wait.name}`;
          const stored = store.waits.get(key);
          if (stored && stored.token !== wait.token) throw conflict(`the wait for ${wait.name} changed`);
          store.waits.delete(key);
        }
        for (const item of remains.outbox) store.outbox.delete(item.id);
        for (const reference of remains.references) {
          if (reference.kind === 'case-number') store.numbers.delete(reference.value);
          else store.idempotencyRecords.delete(`${remains.case.tenant}#${reference.value}`);
        }
        dieAt('before-case-item');
        const stored = store.cases.get(remains.case.id);
        if (stored && stored.version !== remains.case.version) throw conflict(`case ${remains.case.id} changed`);
        store.cases.delete(remains.case.id);
      },
    },
    files: {
      async keysOf(subject) {
        return [...filing.files.keys()].filter((key) => key.startsWith(`${subject.tenant}/${subject.id}/`));
      },
      async remove(keys) {
        dieAt('before-files');
        for (const key of keys) filing.files.delete(key);
      },
    },
  };
  return retention;
}
