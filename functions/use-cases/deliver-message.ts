import type { Caller } from '../domain/actor';
import type { DeliveredMessage } from '../domain/case';
import { isClosed, resume } from '../domain/case';
import { conflict, fieldErrors, validationError } from '../domain/errors';
import { messageResultOf } from '../domain/message-wait';
import { permissions, requireRole } from '../domain/permissions';
import { schemaValidator } from '../domain/transaction-type';
import type { Catalogue } from '../ports/catalogue.port';
import type { CaseStore } from '../ports/case-store.port';
import type { Clock } from '../ports/services.port';
import type { CaseOutcome } from './own-case';
import { readOwnCase } from './own-case';

export interface DeliverMessageCommand {
  readonly caller: Caller;
  readonly caseId: string;
  readonly name: string;
  readonly data: Readonly<Record<string, unknown>>;
}

export interface DeliverMessageDependencies {
  readonly cases: Pick<CaseStore, 'get' | 'change' | 'messageWait'>;
  readonly catalogue: Catalogue;
  readonly clock: Clock;
}

/**
 * Delivers a message to the workflow step of a case that waits for it:
 * 1. checks the type declares the message and validates its data;
 * 2. finds the waiting step; when none waits, the message is refused (409), not lost;
 * 3. ends the wait, records the delivery and hands the step the message (through the outbox)
 *    in one transaction: a concurrent delivery loses, and a committed delivery always reaches
 *    the step, or is recorded as undeliverable when the step no longer waits.
 */
export function deliverMessage(deps: DeliverMessageDependencies) {
  return async (command: DeliverMessageCommand): Promise<CaseOutcome> => {
    const { caller, name } = command;
    requireRole(caller, permissions.sendMessage);
    const subject = await readOwnCase(deps.cases, caller, command.caseId);
    const type = deps.catalogue.ofCase(subject);
    const definition = type.messages[name];
    if (!definition) {
      throw validationError('unknown message', [{ path: 'name', message: `type '${type.key}' declares no message '${name}'` }]);
    }
    const valid = schemaValidator(definition.dataSchema).safeParse(command.data);
    if (!valid.success) throw validationError('message data does not match its schema', fieldErrors(valid.error.issues, ['data']));
    if (isClosed(subject, type)) throw conflict(`case ${subject.number} is closed with status '${subject.status}'`);
    const wait = await deps.cases.messageWait(subject.id, name);
    if (!wait) throw conflict(`no step of case ${subject.number} is waiting for message '${name}'`);
    const now = deps.clock.now();
    const delivered: DeliveredMessage = { name, data: valid.data as Record<string, unknown>, receivedAt: now.toISOString(), by: caller.subject };
    const saved = await deps.cases.change(subject.id, (current) => {
      // A wait that suspended the deadline ends the suspension when the message arrives.
      const resumed = wait.suspendsDeadline && current.suspendedSince ? resume(current, type, { actor: caller, now }).case : current;
      return {
        change: {
          case: { ...resumed, messages: [...(current.messages ?? []), delivered], updatedAt: now.toISOString() },
          audit: {
            action: 'message.received',
            actor: caller,
            at: now.toISOString(),
            details: { name, ...(resumed !== current ? { dueAt: resumed.dueAt, previousDueAt: current.dueAt } : {}) },
          },
          deliverMessage: wait,
          effects: [{ kind: 'resume-step', caseId: current.id, token: wait.token, output: { ...messageResultOf(delivered) }, answers: { message: name } }],
        },
        result: (changed) => changed,
      };
    }, { from: subject });
    return { case: saved, type };
  };
}
