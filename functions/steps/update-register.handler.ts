import * as z from '../domain/zod';
import { caseStore } from '../adapters/dynamodb/table';
import { populationRegister } from '../adapters/population-register';
import { stepHandler } from '../commons/step';
import { registerMove } from '../use-cases/register-move';

const input = z.object({ caseId: z.string() });

const register = registerMove({ cases: caseStore, population: populationRegister });

/** Records the applicant's move into the tenant's municipality in the population register; repeating it is harmless. */
export const handler = stepHandler(input, register);
