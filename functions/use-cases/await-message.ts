import { systemActor } from '../domain/actor';
import type { DeliveredMessage } from '../domain/case';
import { suspend } from '../domain/case';
import type { MessageWait } from '../domain/message-wait';
import { messageResultOf } from '../domain/message-wait';
import type { Catalogue } from '../ports/catalogue.port';
import type { CaseStore } from '../ports/case-store.port';
import type { Clock } from '../ports/services.port';
import type { WorkflowEngine } from '../ports/workflow-engine.port';
import type { StatusBeforeWaiting } from './record-status';
import { afterStatus } from './record-status';

export interface AwaitMessageCommand {
  readonly caseId: string;
  readonly name: string;
  readonly taskToken: string;
  /** Whether the legal deadline stands still while the case waits (the applicant must act). */
  readonly suspendDeadline: boolean;
  /** A status the case moves to before it waits (one that is not final), as a record-status step before it would. */
  readonly status?: string;
}

export interface AwaitMessageDependencies {
  readonly cases: Pick<CaseStore, 'change'>;
  readonly workflows: Pick<WorkflowEngine, 'resume'>;
  readonly catalogue: Catalogue;
  readonly clock: Clock;
  /** The status the step names, recorded in the transaction that opens the wait (record-status's own rules). */
  readonly recordStatus: StatusBeforeWaiting;
}

/**
 * Registers that a workflow step waits for a message; POST /v1/cases/{id}/messages resumes it:
 * 0. the case moves to the status the step names, if any, as a record-status step would, in
 *    the same transaction as what follows (no reader sees the status before the wait);
 * 1. a message the case received before (a re-run workflow) resumes the step at once (through the
 *    outbox, in the commit of the status, when there is one to record);
 * 2. otherwise the wait is written with its audit event, suspending the deadline when asked
 *    and the case is not suspended already.
 */
export function awaitMessage(deps: AwaitMessageDependencies) {
  return async (command: AwaitMessageCommand): Promise<{ awaiting: string; alreadyReceived?: true }> => {
    const { caseId, name, taskToken } = command;
    const now = deps.clock.now();
    const actor = systemActor('await-message');
    const received = await deps.cases.change<{ message: DeliveredMessage; resumedThroughOutbox: boolean } | undefined>(caseId, (read) => {
      const status = command.status === undefined ? undefined : deps.recordStatus(read, { status: command.status, step: 'await-message' });
      const current = status?.case ?? read;
      const earlier = current.messages?.find((message) => message.name === name);
      if (earlier) {
        if (!status) return { result: () => ({ message: earlier, resumedThroughOutbox: false }) };
        // With the status recorded, the message goes to the step through the outbox in that commit, not in a call after it.
        const resume = { kind: 'resume-step', caseId, token: taskToken, output: { ...messageResultOf(earlier) }, answers: { message: name } } as const;
        return { change: { ...status, effects: [resume] }, result: () => ({ message: earlier, resumedThroughOutbox: true }) };
      }
      const wait: MessageWait = { caseId, name, since: now.toISOString(), token: taskToken, suspendsDeadline: false };
      // Only a wait that suspended the case resumes it: a clerk's earlier suspension is the clerk's to end.
      if (command.suspendDeadline && !current.suspendedSince) {
        const suspended = suspend(current, deps.catalogue.ofCase(current), { actor, now, reason: `waiting for message '${name}'` });
        return { change: afterStatus(status, { ...suspended, awaitMessage: { ...wait, suspendsDeadline: true } }), result: () => undefined };
      }
      return {
        change: afterStatus(status, { case: current, audit: { action: 'message.awaited', actor, at: now.toISOString(), details: { name } }, awaitMessage: wait }),
        result: () => undefined,
      };
    });
    if (received) {
      if (!received.resumedThroughOutbox) await deps.workflows.resume(taskToken, messageResultOf(received.message));
      return { awaiting: name, alreadyReceived: true };
    }
    return { awaiting: name };
  };
}
