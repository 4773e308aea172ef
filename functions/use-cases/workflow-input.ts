import type { Case } from '../domain/case';
import type { WorkflowInput } from '../ports/workflow-engine.port';

/** The input a case's workflow starts with. */
export function workflowInputOf(subject: Case): WorkflowInput {
  return { caseId: subject.id, tenant: subject.tenant, type: subject.type.key, applicant: subject.applicant, data: subject.data };
}
