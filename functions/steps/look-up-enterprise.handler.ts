import * as z from 'zod';
import { enterpriseRegister } from '../adapters/enterprise-register';
import { stepHandler } from '../commons/step';
import { logger } from '../commons/powertools';

const input = z.object({ caseId: z.string(), tenant: z.string(), kbo: z.string() });

/** Asks the enterprise register whether the business exists, is active, and has its seat in the tenant's municipality. */
export const handler = stepHandler(input, async ({ tenant, kbo }) => {
  const enterprise = await enterpriseRegister.findEnterprise(kbo);
  const result = {
    found: enterprise !== undefined,
    active: enterprise?.active ?? false,
    seatInTenant: enterprise?.seat.nisCode === tenant,
  };
  logger.info('Enterprise looked up', { kbo, ...result });
  return result;
});
