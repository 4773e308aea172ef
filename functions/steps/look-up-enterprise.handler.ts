import * as z from 'zod';
import { enterpriseRegister } from '../adapters/enterprise-register';
import { logger } from '../commons/powertools';
import { stepHandler } from '../commons/step';
import { lookUpEnterprise } from '../use-cases/look-up-applicant';

const input = z.object({ caseId: z.string(), tenant: z.string(), kbo: z.string() });

const lookUp = lookUpEnterprise({ enterprises: enterpriseRegister });

/** Asks the enterprise register whether the business exists, is active, and has its seat in the tenant's municipality. */
export const handler = stepHandler(input, async ({ tenant, kbo }) => {
  const result = await lookUp({ tenant, kbo });
  logger.info('Enterprise looked up', result);
  return result;
});
