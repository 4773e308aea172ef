import type { Case } from '../domain/case';
import type { WorkflowInput } from '../ports/workflow-engine.port';

/** The input a case's workflow starts with: ids and codes, never personal data. */
export function workflowInputOf(subject: Case): WorkflowInput {
  return { caseId: subject.id, tenant: subject.tenant, type: subject.type.key, version: subject.type.version };
}
