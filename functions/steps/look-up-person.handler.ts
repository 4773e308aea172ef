import * as z from 'zod';
import { populationRegister } from '../adapters/population-register';
import { stepHandler } from '../commons/step';
import { logger } from '../commons/powertools';
import { maskInsz } from '../domain/identifiers';

const input = z.object({ caseId: z.string(), tenant: z.string(), insz: z.string() });

/** Asks the population register where the applicant lives, and whether that is the tenant's municipality. */
export const handler = stepHandler(input, async ({ tenant, insz }) => {
  const person = await populationRegister.findPerson(insz);
  const residesInTenant = person?.address.nisCode === tenant;
  logger.info('Applicant looked up', { insz: maskInsz(insz), found: person !== undefined, residesInTenant });
  return { found: person !== undefined, residesInTenant };
});
