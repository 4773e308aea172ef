import { z } from 'zod';
import { stepHandler } from '../commons/step';
import { recordStatus } from '../use-cases/case-lifecycle';

const input = z.object({
  caseId: z.string(),
  status: z.string(),
  executionArn: z.string().optional(),
  decision: z
    .object({ outcome: z.string(), reason: z.string().nullish(), decidedBy: z.string() })
    .transform(({ reason, ...rest }) => (reason ? { ...rest, reason } : rest))
    .optional(),
  cancelOpenTasks: z.boolean().optional(),
  error: z.object({ Error: z.string(), Cause: z.unknown().optional() }).optional(),
});

export const handler = stepHandler(input, async ({ caseId, status, decision, cancelOpenTasks, error }) => {
  const saved = await recordStatus({ caseId, status, decision, cancelOpenTasks, details: error ? { error: error.Error } : undefined });
  return { status: saved.status };
});
