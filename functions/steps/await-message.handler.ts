import * as z from '../domain/zod';
import { caseStore } from '../adapters/dynamodb/table';
import { workflowEngine } from '../adapters/step-functions';
import { catalogue } from '../catalogue/catalogue';
import { stepHandler } from '../commons/step';
import { systemClock } from '../commons/telemetry';
import { awaitMessage } from '../use-cases/await-message';
import { statusBeforeWaiting } from '../use-cases/record-status';

const input = z.object({
  caseId: z.string(),
  name: z.string().check(z.minLength(1)),
  taskToken: z.string().check(z.minLength(1)),
  /** Whether the legal deadline stands still while the case waits (the applicant must act). */
  suspendDeadline: z._default(z.boolean(), false),
  /** A status the case moves to before it waits. */
  status: z.optional(z.string().check(z.minLength(1))),
});

const wait = awaitMessage({ cases: caseStore, workflows: workflowEngine, catalogue, clock: systemClock, recordStatus: statusBeforeWaiting({ catalogue, clock: systemClock }) });

/** Registers that a step waits for a message; POST /v1/cases/{id}/messages resumes it with the token. */
export const handler = stepHandler(input, wait);
