import type { AccessAction } from '../domain/access-record';
import type { Clock, ProcessingLog, Pseudonyms } from '../ports/services.port';

/** What a use case that reads personal data needs to leave its trace in the processing log. */
export interface AccessDependencies {
  readonly processingLog: ProcessingLog;
  readonly pseudonyms: Pseudonyms;
  readonly clock: Clock;
}

export interface Access {
  readonly tenant: string;
  readonly actor: { readonly subject: string; readonly roles: readonly string[] };
  /** The person's INSZ or the business's KBO number; the log holds only its pseudonym. */
  readonly applicantId: string;
  readonly caseId?: string;
  readonly action: AccessAction;
  readonly purpose: string;
}

/**
 * Records a read of a person's data before it is handed out: a read that cannot be logged
 * is not served. The person is named by pseudonym only.
 */
export async function recordAccess(deps: AccessDependencies, access: Access): Promise<void> {
  await deps.processingLog.record({
    tenant: access.tenant,
    at: deps.clock.now().toISOString(),
    actor: { subject: access.actor.subject, roles: [...access.actor.roles] },
    person: await deps.pseudonyms.of(access.applicantId),
    ...(access.caseId ? { caseId: access.caseId } : {}),
    action: access.action,
    purpose: access.purpose,
  });
}
