import * as z from 'zod';
import { populationRegister } from '../adapters/population-register';
import { logger } from '../commons/powertools';
import { stepHandler } from '../commons/step';
import { lookUpPerson } from '../use-cases/look-up-applicant';

const input = z.object({ caseId: z.string(), tenant: z.string(), insz: z.string() });

const lookUp = lookUpPerson({ population: populationRegister });

/** Asks the population register where the applicant lives, and whether that is the tenant's municipality. */
export const handler = stepHandler(input, async ({ tenant, insz }) => {
  const result = await lookUp({ tenant, insz });
  logger.info('Applicant looked up', result);
  return result;
});
