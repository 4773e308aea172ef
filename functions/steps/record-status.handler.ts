import * as z from '../domain/zod';
import { caseStore } from '../adapters/dynamodb/table';
import { catalogue } from '../catalogue/catalogue';
import { stepHandler } from '../commons/step';
import { powertoolsTelemetry, systemClock } from '../commons/telemetry';
import { systemActor } from '../domain/actor';
import { stepFailureOf } from '../domain/step-failure';
import { recordStatus } from '../use-cases/record-status';

const input = z.object({
  caseId: z.string(),
  status: z.string(),
  executionArn: z.optional(z.string()),
  decision: z.optional(
    z.pipe(
      z.object({ outcome: z.string(), reason: z.nullish(z.string()), decidedBy: z.string(), taskId: z.nullish(z.string()) }),
      z.transform(({ reason, taskId, ...rest }) => ({ ...rest, ...(reason ? { reason } : {}), ...(taskId ? { taskId } : {}) })),
    ),
  ),
  cancelOpenTasks: z.optional(z.boolean()),
  /** A failure as workflows before the failing state was recorded pass it (executions started on an older definition). */
  error: z.optional(z.object({ Error: z.string(), Cause: z.optional(z.unknown()) })),
  /** The error of the state that failed, keyed by that state's name (`$.failure.<state>`). */
  failure: z.optional(z.record(z.string(), z.object({ Error: z.string(), Cause: z.optional(z.unknown()) }))),
  /** What the workflow knows at this point and the audit trail should keep (e.g. the advice given). */
  details: z.optional(z.record(z.string(), z.unknown())),
});

const record = recordStatus({ cases: caseStore, catalogue, clock: systemClock, telemetry: powertoolsTelemetry });

export const handler = stepHandler(input, async ({ caseId, status, decision, cancelOpenTasks, error, failure, details }) => {
  const failed = failure ? stepFailureOf(failure) : error ? stepFailureOf({ unknown: error }) : undefined;
  const recorded = await record({
    caseId,
    actor: systemActor('record-status'),
    status,
    decision,
    cancelOpenTasks,
    failure: failed,
    details: failed || details ? { ...details, ...(failed ? { failedState: failed.state, error: failed.error, ...(failed.cause ? { cause: failed.cause } : {}) } : {}) } : undefined,
  });
  return { status: recorded };
});
