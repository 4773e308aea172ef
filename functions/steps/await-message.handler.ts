import * as z from 'zod';
import { caseRepository } from '../adapters/case.repository';
import { workflowEngine } from '../adapters/workflow-engine';
import { stepHandler } from '../commons/step';
import { systemActor } from '../domain/actor';
import { suspend } from '../domain/case';
import type { DeliveredMessage } from '../domain/case';
import { typeOfCase } from '../../workflows/catalogue';

const input = z.object({
  caseId: z.string(),
  name: z.string().min(1),
  taskToken: z.string().min(1),
  /** Whether the legal deadline stands still while the case waits (the applicant must act). */
  suspendDeadline: z.boolean().default(false),
});

/** Registers that a step waits for a message; POST /v1/cases/{id}/messages resumes it with the token. */
export const handler = stepHandler(input, async ({ caseId, name, taskToken, suspendDeadline }) => {
  const now = new Date();
  const actor = systemActor('await-message');
  let received: DeliveredMessage | undefined;
  await caseRepository.update(
    caseId,
    (current) => {
      // A re-run workflow (recovery, redrive) does not wait again for a message the case already received.
      received = current.messages?.find((message) => message.name === name);
      if (received) return undefined;
      const type = typeOfCase(current);
      const wait = { caseId, name, since: now.toISOString(), token: taskToken, suspendsDeadline: suspendDeadline };
      if (suspendDeadline && !current.suspendedSince) {
        const suspended = suspend(current, type, { actor, now, reason: `waiting for message '${name}'` });
        return { ...suspended, awaitMessage: wait };
      }
      return {
        case: current,
        audit: { action: 'message.awaited', actor, at: now.toISOString(), details: { name } },
        awaitMessage: wait,
      };
    },
  );
  if (received) {
    await workflowEngine.resume(taskToken, received);
    return { awaiting: name, alreadyReceived: true };
  }
  return { awaiting: name };
});
