import type { Case } from './case';
import type { ClosingNotice, Effect } from './effect';

export type { ClosingNotice };

/** Where `CaseClosed.v1` goes on the event bus, whoever puts it there (the legacy PublishCaseClosed state, or the closing step through the outbox). */
export const closingNoticeSource = 'loket.cases';
export const closingNoticeDetailType = 'CaseClosed.v1';

/**
 * The last version of each type whose workflow publishes `CaseClosed.v1` itself, in its
 * `PublishCaseClosed` state: the versions published before the closing step took it over.
 * Frozen: their executions (running ones included) keep that state, and their closing steps add
 * no notice, so that no case announces its closing twice. Every later version, and every type
 * published since, leaves it to its closing step, which writes the notice to the outbox in the
 * closing's own transaction: one state transition less per case (issue 14).
 */
export const closingNoticeInWorkflowUpTo: Readonly<Record<string, number>> = {
  'change-of-address': 2,
  'event-permit': 1,
  'proof-of-residence': 1,
  'resident-parking-permit': 2,
  'terrace-permit': 2,
  'tree-felling-permit': 2,
};

/** Whether the workflow of this type version publishes `CaseClosed.v1` in its own `PublishCaseClosed` state. */
export function closingNoticeInWorkflow(type: { readonly key: string; readonly version: number }): boolean {
  return type.version <= (closingNoticeInWorkflowUpTo[type.key] ?? 0);
}

/**
 * The effect that announces a case's closing by a workflow step, when its type version leaves that to
 * the step (none when its workflow publishes it, or when the case did not close).
 */
export function closingNoticeEffects(saved: Case): Effect[] {
  if (saved.closedAt === undefined || closingNoticeInWorkflow(saved.type)) return [];
  return [{ kind: 'publish-closing-notice', caseId: saved.id, notice: { caseId: saved.id, tenant: saved.tenant, type: saved.type.key, status: saved.status } }];
}
