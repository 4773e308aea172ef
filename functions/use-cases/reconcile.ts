import { systemActor } from '../domain/actor';
import { clearAttention, flagAttention } from '../domain/case';
import type { Catalogue } from '../ports/catalogue.port';
import type { CaseReads, CaseStore, OpenCase, Outbox } from '../ports/case-store.port';
import type { Clock, DeadlineFigures, Telemetry } from '../ports/services.port';
import type { ExecutionState, WorkflowEngine } from '../ports/workflow-engine.port';
import { failureNotRecorded } from '../ports/workflow-engine.port';
import type { DeliverEffectDependencies } from './deliver-effect';
import { deliverEffect } from './deliver-effect';
import { startCaseWorkflow } from './start-workflow';

export interface ReconcileDependencies extends DeliverEffectDependencies {
  readonly cases: Pick<CaseStore, 'get' | 'change'>;
  readonly reads: Pick<CaseReads, 'openCases'>;
  readonly outbox: Pick<Outbox, 'pendingOf' | 'delivered'>;
  readonly workflows: Pick<WorkflowEngine, 'executionIdFor' | 'describe' | 'start' | 'currentVersion' | 'stop' | 'resume' | 'redrive'>;
  readonly catalogue: Catalogue;
  readonly clock: Clock;
  readonly telemetry: Telemetry;
}

/** What one run may change. */
export interface ReconcileRun {
  /**
   * This run's stale limit, instead of the configured one: 0 when nothing else will deliver what
   * the outbox holds (the local host starting again reads its stream from the start onwards).
   */
  readonly staleAfterMs?: number;
}

export interface ReconcileOptions {
  /** An outbox item older than this was not delivered by the stream: deliver it now. @default 60 000 */
  readonly staleAfterMs?: number;
  /** Open cases read per page. @default 100 */
  readonly pageSize?: number;
  /** An open case due within this much time, and not overdue yet, is due soon. @default two days */
  readonly dueSoonWithinMs?: number;
}

export interface Reconciliation {
  /** Open cases looked at. */
  readonly examined: number;
  /** Executions that were missing and are now started. */
  readonly started: string[];
  /** Outbox items the stream had not delivered, delivered now. */
  readonly redelivered: number;
  /** Outbox items that could not be delivered now either; they stay for the next run. */
  readonly undelivered: number;
  /** Cases whose workflow ended while they are open, flagged for an operator. */
  readonly flagged: string[];
  /** Flags cleared because the workflow runs again. */
  readonly cleared: string[];
  /** Open cases whose workflow failed with `FailureNotRecorded`, flagged now or before: infrastructure failures. */
  readonly failuresNotRecorded: string[];
  /** Open cases past their due date and due soon, per type (every published type, zeros included), with each tenant's share. */
  readonly deadlines: Readonly<Record<string, DeadlineFigures>>;
}

const ended = (state: ExecutionState) => state !== 'running' && state !== 'missing';

/**
 * Reconciles the open cases with their workflows, on a schedule on both hosts (and at the
 * local host's start-up):
 * 1. delivers outbox items the stream left undelivered (older than `staleAfterMs`);
 * 2. starts the execution of an open case that has none and no start waiting in the outbox;
 * 3. flags an open case whose execution ended (`needs-attention`, with a metric; the reason
 *    names the execution's error), and clears the flag when the execution runs again;
 * 4. counts open cases past their due date, and due soon, per type with each tenant's share, as
 *    metrics published for every type at every run (zeros too, so that an alarm sees how long
 *    a type has had overdue cases);
 * 5. counts open cases whose execution failed with `FailureNotRecorded` per type, as a metric of
 *    its own: the failure path itself could not write, which is the infrastructure's fault and
 *    raises its own alarm, apart from cases that end `failed`.
 * A failure on one case is counted and the others go on; the next run tries again.
 */
export function reconcile(deps: ReconcileDependencies, options: ReconcileOptions = {}) {
  const deliver = deliverEffect(deps);
  const configuredStaleAfterMs = options.staleAfterMs ?? 60_000;
  const pageSize = options.pageSize ?? 100;
  const dueSoonWithinMs = options.dueSoonWithinMs ?? 2 * 24 * 60 * 60 * 1000;

  return async (run: ReconcileRun = {}): Promise<Reconciliation> => {
    const staleAfterMs = run.staleAfterMs ?? configuredStaleAfterMs;
    const now = deps.clock.now();
    const actor = systemActor('reconciler');
    const report = { examined: 0, started: [] as string[], redelivered: 0, undelivered: 0, flagged: [] as string[], cleared: [] as string[], failuresNotRecorded: [] as string[] };
    const deadlines: Record<string, { overdue: number; dueSoon: number; tenants: Record<string, { overdue: number; dueSoon: number }> }> = Object.fromEntries(
      deps.catalogue.all().map((type) => [type.key, { overdue: 0, dueSoon: 0, tenants: {} }]),
    );
    const notRecorded: Record<string, number> = {};

    async function reconcileCase(open: OpenCase): Promise<void> {
      const type = deps.catalogue.versionOf(open.type);
      if (!type) return;
      const pending = await deps.outbox.pendingOf(open.id);
      for (const item of pending.filter((candidate) => now.getTime() - Date.parse(candidate.createdAt) >= staleAfterMs)) {
        try {
          await deliver(item);
          report.redelivered += 1;
        } catch {
          report.undelivered += 1;
        }
      }
      const { state, error } = await describeCurrentExecution(type.key, open.id);
      if (state === 'failed' && error === failureNotRecorded) {
        report.failuresNotRecorded.push(open.id);
        notRecorded[type.key] = (notRecorded[type.key] ?? 0) + 1;
      }
      if (state === 'missing' && !pending.some((item) => item.effect.kind === 'start-workflow')) {
        const subject = await deps.cases.get(open.id);
        if (subject) {
          await startCaseWorkflow(deps, actor)(subject);
          report.started.push(subject.id);
        }
      } else if (ended(state)) {
        const flagged = await deps.cases.change(open.id, (current) => {
          const change = flagAttention(current, type, error ? `execution ${state} (${error})` : `execution ${state}`, actor, now);
          return { change, result: () => change !== undefined };
        });
        if (flagged) {
          report.flagged.push(open.id);
          deps.telemetry.caseNeedsAttention(type.key);
        }
      } else if (state === 'running' && open.attention) {
        const cleared = await deps.cases.change(open.id, (current) => {
          const change = clearAttention(current, actor, now);
          return { change, result: () => change !== undefined };
        });
        if (cleared) report.cleared.push(open.id);
      }
      const untilDue = Date.parse(open.dueAt) - now.getTime();
      const figure = untilDue < 0 ? 'overdue' : untilDue <= dueSoonWithinMs ? 'dueSoon' : undefined;
      if (figure) {
        const ofType = (deadlines[type.key] ??= { overdue: 0, dueSoon: 0, tenants: {} });
        const ofTenant = (ofType.tenants[open.tenant] ??= { overdue: 0, dueSoon: 0 });
        ofType[figure] += 1;
        ofTenant[figure] += 1;
      }
    }

    /**
     * The case's current execution: the one named after the case, unless that one ended and the
     * case records another (an operator reopened it: `<case id>-<n>`), which is read only then.
     */
    async function describeCurrentExecution(typeKey: string, caseId: string) {
      const first = deps.workflows.executionIdFor(typeKey, caseId);
      const status = await deps.workflows.describe(first);
      if (status.state === 'running') return status;
      const subject = await deps.cases.get(caseId);
      return subject && subject.executionArn !== first ? deps.workflows.describe(subject.executionArn) : status;
    }

    let after: string | undefined;
    do {
      const page = await deps.reads.openCases(after, pageSize);
      for (const open of page.items) {
        report.examined += 1;
        try {
          await reconcileCase(open);
        } catch (error) {
          deps.telemetry.warn('A case could not be reconciled; the next run tries again', { caseId: open.id, error: (error as Error).name });
        }
      }
      after = page.after;
    } while (after !== undefined);

    for (const [typeKey, figures] of Object.entries(deadlines)) deps.telemetry.deadlines(typeKey, figures);
    for (const [typeKey, count] of Object.entries(notRecorded)) deps.telemetry.failuresNotRecorded(typeKey, count);
    return { ...report, deadlines };
  };
}
