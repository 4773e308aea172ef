import type { Actor } from '../domain/actor';
import { executionNameOf, type Case } from '../domain/case';
import type { Resume } from '../domain/effect';
import { resumeAtField } from '../domain/migration';
import type { CaseStore } from '../ports/case-store.port';
import type { Clock } from '../ports/services.port';
import type { PublishedVersion, StartedWorkflow, WorkflowEngine } from '../ports/workflow-engine.port';
import { workflowInputOf } from './workflow-input';

export interface StartWorkflowDependencies {
  readonly cases: Pick<CaseStore, 'change'>;
  readonly workflows: Pick<WorkflowEngine, 'start' | 'currentVersion'>;
  readonly clock: Clock;
}

/**
 * Starts a case's workflow on the version the case records, recording it first; starting it again
 * does no harm, so it belongs in an effect's delivery (retried until it happens), never after
 * a commit in a request:
 * 1. a case that records a workflow version starts on it: most cases record it as they are
 *    submitted (submit-case), and a start again (the local engine lost its executions, an operator
 *    reopened the case) runs it too: a running case keeps its version; a case moved to another
 *    version starts at the state it was mapped to, with the input the state it left had;
 * 2. a case that records none records the version its type's alias routes new cases to, and the
 *    type version it publishes, in a change of its own under the optimistic lock of every change,
 *    and then starts on it. Recorded before the start, the change cannot race the workflow's first
 *    steps, which change the case too (recorded after it, it made the first of them retry its
 *    change in most cases: one transaction, its seals and its reads more per case; issue 14);
 * 3. a start that finds the execution running on another version (one started before the case
 *    recorded its version) records the version that runs; so does a start on an alias that routes
 *    to more than one version, where the version is known only once the execution runs.
 * A recording leaves updatedAt unless the type version changes, as the API shows no more. When a
 * version was published between the submission and the start, the case takes the version that
 * runs, and the audit trail keeps the one it was submitted as.
 */
export function startCaseWorkflow(deps: StartWorkflowDependencies, actor: Actor) {
  /** Records the running version on the case; `from` is the case as read, while nothing has changed it since. */
  const record = (caseId: string, running: PublishedVersion, from: Case | undefined) =>
    deps.cases.change(caseId, (current) => {
      const version = running.typeVersion ?? current.type.version;
      if (current.workflowVersionArn === running.versionArn && current.type.version === version) return { result: () => undefined };
      const at = deps.clock.now().toISOString();
      return {
        change: {
          // The version ARN is the engine's bookkeeping, which no caller sees: updatedAt moves only with the type
          // version, so that a start does not rewrite the case's copies in the search indexes (issue 14).
          case: { ...current, type: { key: current.type.key, version }, workflowVersionArn: running.versionArn, updatedAt: version === current.type.version ? current.updatedAt : at },
          audit: {
            action: 'workflow.version-recorded',
            actor,
            at,
            details: { versionArn: running.versionArn, typeVersion: version, ...(version !== current.type.version ? { submittedAs: current.type.version } : {}) },
          },
        },
        result: () => undefined,
      };
    }, { from });
  return async (subject: Case, resume?: Resume): Promise<StartedWorkflow> => {
    const input = resume ? { ...resume.input, ...workflowInputOf(subject), [resumeAtField]: resume.state } : workflowInputOf(subject);
    const target = subject.workflowVersionArn === undefined ? await deps.workflows.currentVersion(subject.type.key) : undefined;
    if (target) await record(subject.id, target, subject);
    const asked = subject.workflowVersionArn ?? target?.versionArn;
    const started = await deps.workflows.start(subject.type.key, executionNameOf(subject), input, asked);
    if (started.versionArn !== undefined && started.versionArn !== asked) await record(subject.id, { ...started, versionArn: started.versionArn }, target ? undefined : subject);
    return started;
  };
}
