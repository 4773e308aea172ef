import { z } from 'zod';
import { caseRepository } from '../adapters/case.repository';
import { stepHandler } from '../commons/step';
import { systemActor } from '../domain/actor';
import { isClosed } from '../domain/case';
import { findTransactionType } from '../../workflows/catalogue';

const input = z.object({ caseId: z.string(), name: z.string().min(1), taskToken: z.string().min(1) });

/** Registers that a step waits for a message; POST /v1/cases/{id}/messages resumes it with the token. */
export const handler = stepHandler(input, async ({ caseId, name, taskToken }) => {
  const now = new Date().toISOString();
  await caseRepository.update(
    caseId,
    (current) => ({
      case: current,
      audit: { action: 'message.awaited', actor: systemActor('await-message'), at: now, details: { name } },
      awaitMessage: { caseId, name, since: now, token: taskToken },
    }),
    { isOpenAfter: (changed) => !isClosed(changed, findTransactionType(changed.type.key)!) },
  );
  return { awaiting: name };
});
