import * as z from 'zod';
import { stepHandler } from '../commons/step';
import { createTask } from '../use-cases/case-lifecycle';

const input = z.object({ caseId: z.string(), name: z.string(), taskToken: z.string().min(1) });

export const handler = stepHandler(input, async (command) => createTask(command));
