import * as z from '../domain/zod';
import type { Case } from '../domain/case';
import type { CaseEvent } from '../domain/case-event';
import { caseEventType } from '../domain/case-event';
import type { StatusDefinition, TransactionType } from '../domain/transaction-type';
import { findStatus } from '../domain/transaction-type';
import { applicantId } from '../domain/applicant';
import type { CaseOverviewFeed, CaseOverviewUpdate, CitizenCaseOverview } from '../ports/case-overview.port';
import type { Catalogue } from '../ports/catalogue.port';
import type { CaseStore } from '../ports/case-store.port';
import type { AccessDependencies } from './record-access';
import { recordAccess } from './record-access';

export interface PublishCaseOverviewDependencies extends AccessDependencies {
  readonly cases: Pick<CaseStore, 'get'>;
  readonly catalogue: Pick<Catalogue, 'ofCase'>;
  readonly overview: CitizenCaseOverview;
}

/** The status change an event reports (caseEventData['status-changed']): the new status and, as a shortcut, whether it informs the applicant. */
const statusChangedData = z.object({ to: z.string().check(z.minLength(1), z.maxLength(50)), inform: z.optional(z.boolean()) });

const statusChanged = caseEventType('status-changed');

/** Who reads the applicant's number to hand it to the case overview, as the processing log names it. */
const feedActor = { subject: 'system:case-overview', roles: [] as string[] };

/** The case's id in the citizen's case overview: the same for every update of the case. */
export function overviewTransactionId(source: string, caseNumber: string): string {
  return `${source}/${caseNumber}`;
}

/**
 * The update a status change makes to the citizen's case overview, or undefined when the
 * status does not inform the applicant. Texts come from the type version the case runs on.
 */
export function caseOverviewUpdate(event: CaseEvent, subject: Case, type: TransactionType, status: StatusDefinition): CaseOverviewUpdate | undefined {
  if (!status.inform) return undefined;
  return {
    transactionId: overviewTransactionId(event.source, subject.number),
    source: event.source,
    tenant: subject.tenant,
    caseNumber: subject.number,
    caseId: subject.id,
    productId: type.ipdcProductId,
    title: type.title,
    status: { code: status.code, text: status.citizenText, final: status.final, since: event.time },
    sequence: Number(event.sequence),
    applicant: subject.applicant,
  };
}

/**
 * Feeds the citizen's case overview (DOSIS) from the case events the delivery machinery hands
 * it, one at a time and in order per case:
 * 1. an event that is no status change, or whose status the event already marks as not
 *    informing the applicant, is not applicable (no read at all);
 * 2. the case is read (the applicant's number is never in an event); a case destroyed
 *    meanwhile has no dossier left to show: not applicable;
 * 3. the status is looked up in the case's own type version, which decides whether it informs;
 *    a status that version does not declare is a permanent error (a deployment fault);
 * 4. the read of the applicant's number for the overview is recorded in the processing log
 *    (a disclosure to a public recipient with a legal basis), before it leaves;
 * 5. the overview gets the update; it is idempotent, so a retried delivery is one update.
 * A transient failure of any step propagates as it is, for the machinery to retry.
 */
export function publishCaseOverview(deps: PublishCaseOverviewDependencies): CaseOverviewFeed {
  return {
    async deliver(event) {
      if (event.type !== statusChanged) return 'not-applicable';
      const reported = statusChangedData.safeParse(event.data);
      if (!reported.success) throw new Error(`event ${event.id} is a status change without a status code`);
      if (reported.data.inform === false) return 'not-applicable';
      const subject = await deps.cases.get(event.data.caseId);
      if (!subject) return 'not-applicable';
      const type = deps.catalogue.ofCase(subject);
      const status = findStatus(type, reported.data.to);
      if (!status) throw new Error(`case ${subject.id} reached status '${reported.data.to}', which ${type.key} v${type.version} does not declare`);
      const update = caseOverviewUpdate(event, subject, type, status);
      if (!update) return 'not-applicable';
      await recordAccess(deps, {
        tenant: subject.tenant,
        actor: feedActor,
        applicantId: applicantId(subject.applicant),
        caseId: subject.id,
        action: 'case-overview.publish',
        purpose: `citizen case overview (DOSIS) for ${type.key}`,
      });
      await deps.overview.publish(update);
      return 'delivered';
    },
  };
}
