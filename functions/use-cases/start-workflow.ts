import type { Actor } from '../domain/actor';
import { executionNameOf, type Case } from '../domain/case';
import type { Resume } from '../domain/effect';
import { resumeAtField } from '../domain/migration';
import type { CaseStore } from '../ports/case-store.port';
import type { Clock } from '../ports/services.port';
import type { StartedWorkflow, WorkflowEngine } from '../ports/workflow-engine.port';
import { workflowInputOf } from './workflow-input';

export interface StartWorkflowDependencies {
  readonly cases: Pick<CaseStore, 'change'>;
  readonly workflows: Pick<WorkflowEngine, 'start'>;
  readonly clock: Clock;
}

/**
 * Starts a case's workflow and records on the case the version it runs on; starting it again
 * does no harm, so it belongs in an effect's delivery (retried until it happens), never after
 * a commit in a request:
 * 1. a case that records a workflow version starts on it again (the local engine lost its
 *    executions, an operator reopened the case): a running case keeps its version; a case that
 *    records none starts on its type's alias, which a publish routes to the newest version; a
 *    case moved to another version starts at the state it was mapped to, with the input the
 *    state it left had;
 * 2. the engine answers which version runs and the type version it publishes (StartExecution
 *    does not say; the execution's description does);
 * 3. the case records both in a change of its own, under the optimistic lock of every change,
 *    unless it records them already (a second delivery changes nothing); its updatedAt stays
 *    unless its type version changes, as the API shows no more. When a version was
 *    published between the submission and the start, the case takes the version that runs,
 *    and the audit trail keeps the one it was submitted as.
 */
export function startCaseWorkflow(deps: StartWorkflowDependencies, actor: Actor) {
  return async (subject: Case, resume?: Resume): Promise<StartedWorkflow> => {
    const input = resume ? { ...resume.input, ...workflowInputOf(subject), [resumeAtField]: resume.state } : workflowInputOf(subject);
    const started = await deps.workflows.start(subject.type.key, executionNameOf(subject), input, subject.workflowVersionArn);
    const { versionArn, typeVersion } = started;
    if (versionArn === undefined) return started;
    await deps.cases.change(subject.id, (current) => {
      const version = typeVersion ?? current.type.version;
      if (current.workflowVersionArn === versionArn && current.type.version === version) return { result: () => undefined };
      const at = deps.clock.now().toISOString();
      return {
        change: {
          // The version ARN is the engine's bookkeeping, which no caller sees: updatedAt moves only with the type
          // version, so that a start does not rewrite the case's copies in the search indexes (issue 14).
          case: { ...current, type: { key: current.type.key, version }, workflowVersionArn: versionArn, updatedAt: version === current.type.version ? current.updatedAt : at },
          audit: {
            action: 'workflow.version-recorded',
            actor,
            at,
            details: { versionArn, typeVersion: version, ...(version !== current.type.version ? { submittedAs: current.type.version } : {}) },
          },
        },
        result: () => undefined,
      };
    });
    return started;
  };
}
