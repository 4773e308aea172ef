import { systemActor } from '../domain/actor';
import type { CaseDocument } from '../domain/case';
import { isClosed, transition } from '../domain/case';
import { closingNoticeEffects } from '../domain/closing-notice';
import { writeDocument } from '../domain/document';
import { notFound } from '../domain/errors';
import type { Catalogue } from '../ports/catalogue.port';
import type { CaseStore } from '../ports/case-store.port';
import type { PopulationRegister } from '../ports/registers.port';
import type { Clock, DocumentFiling, Telemetry, TenantDirectory } from '../ports/services.port';
import { decisionOf } from './decision';

export interface IssueDocumentCommand {
  readonly caseId: string;
  /** The final status the document closes the case with. @default 'issued' */
  readonly status?: string;
  readonly decidedBy: string;
  /** A reason the workflow states itself (e.g. the register decided). */
  readonly reason?: string | null;
  /** The task whose completion decided: its reason, read from the table, becomes the decision's. */
  readonly taskId?: string | null;
}

export interface IssueDocumentDependencies {
  readonly cases: Pick<CaseStore, 'get' | 'change' | 'taskOfCase'>;
  readonly tenants: TenantDirectory;
  readonly population: Pick<PopulationRegister, 'findPerson'>;
  readonly documents: Pick<DocumentFiling, 'file'>;
  readonly catalogue: Catalogue;
  readonly clock: Clock;
  readonly telemetry: Telemetry;
}

/**
 * Issues a case's document (a certificate, a permit):
 * 1. a case closed already is left as it is (a retried step);
 * 2. looks the applicant up in the population register (once-only: nothing is asked again);
 * 3. writes the document's text in Dutch and English, in the tenant's name, from the templates
 *    its type's folder declares;
 * 4. renders it as a PDF and stores it, before the transaction: a failed transaction leaves a
 *    harmless file that the retried step overwrites, since the key follows from the case;
 * 5. closes the case in its final status with the decision (a clerk's reason read from the
 *    deciding task) and the document (with its file's key, size and SHA-256), in one transaction,
 *    with its closing notice (CaseClosed.v1) unless its type version's workflow publishes that;
 *    decided on the case as first read, which is read again only if it changed since.
 * Returns the case's status afterwards.
 */
export function issueDocument(deps: IssueDocumentDependencies) {
  return async (command: IssueDocumentCommand): Promise<string> => {
    const subject = await deps.cases.get(command.caseId);
    if (!subject) throw notFound(`case ${command.caseId}`);
    const type = deps.catalogue.ofCase(subject);
    if (isClosed(subject, type)) return subject.status;
    const template = deps.catalogue.documentOf(subject.type);
    if (!template) throw new Error(`type '${type.key}' version ${type.version} declares no document`);
    const tenant = await deps.tenants.get(subject.tenant);
    if (!tenant) throw new Error(`tenant ${subject.tenant} of case ${subject.id} is not onboarded`);
    const person = 'insz' in subject.applicant ? await deps.population.findPerson(subject.applicant.insz) : undefined;
    const now = deps.clock.now();
    const status = command.status ?? 'issued';
    const decision = await decisionOf(deps.cases, subject.id, { outcome: status, decidedBy: command.decidedBy, reason: command.reason ?? undefined, taskId: command.taskId ?? undefined });
    const text = writeDocument(template, { subject, tenant, person, now });
    const document: CaseDocument = { ...text, file: await deps.documents.file(text, subject, tenant) };
    const closed = await deps.cases.change(subject.id, (current) => {
      if (isClosed(current, type)) return { result: (saved) => ({ status: saved.status, closed: false }) };
      const next = transition(current, type, { status, actor: systemActor('issue-certificate'), now, decision, document });
      return {
        change: { ...next, effects: closingNoticeEffects(next.case) },
        result: (saved) => ({ status: saved.status, closed: true }),
      };
    }, { from: subject });
    if (closed.closed) deps.telemetry.caseClosed(type.key, closed.status);
    return closed.status;
  };
}
