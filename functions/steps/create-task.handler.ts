import * as z from '../domain/zod';
import { caseStore } from '../adapters/dynamodb/table';
import { workflowEngine } from '../adapters/step-functions';
import { catalogue } from '../catalogue/catalogue';
import { stepHandler } from '../commons/step';
import { systemClock } from '../commons/telemetry';
import { createTask } from '../use-cases/create-task';
import { statusBeforeWaiting } from '../use-cases/record-status';

const input = z.object({ caseId: z.string(), name: z.string(), taskToken: z.string().check(z.minLength(1)), status: z.optional(z.string().check(z.minLength(1))) });

const create = createTask({ cases: caseStore, workflows: workflowEngine, catalogue, clock: systemClock, recordStatus: statusBeforeWaiting({ catalogue, clock: systemClock }) });

export const handler = stepHandler(input, create);
