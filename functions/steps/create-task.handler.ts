import * as z from 'zod';
import { caseStore } from '../adapters/dynamodb/table';
import { workflowEngine } from '../adapters/step-functions';
import { catalogue } from '../catalogue/catalogue';
import { stepHandler } from '../commons/step';
import { systemClock } from '../commons/telemetry';
import { createTask } from '../use-cases/create-task';

const input = z.object({ caseId: z.string(), name: z.string(), taskToken: z.string().min(1) });

const create = createTask({ cases: caseStore, workflows: workflowEngine, catalogue, clock: systemClock });

export const handler = stepHandler(input, create);
