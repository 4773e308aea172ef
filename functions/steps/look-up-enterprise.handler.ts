import * as z from '../domain/zod';
import { caseStore, processingLog } from '../adapters/dynamodb/table';
import { pseudonyms } from '../adapters/pseudonyms.instance';
import { systemClock } from '../commons/telemetry';
import { enterpriseRegister } from '../adapters/enterprise-register';
import { logger } from '../commons/powertools';
import { stepHandler } from '../commons/step';
import { lookUpEnterprise } from '../use-cases/look-up-applicant';

const input = z.object({ caseId: z.string() });

const lookUp = lookUpEnterprise({ cases: caseStore, enterprises: enterpriseRegister, processingLog, pseudonyms, clock: systemClock });

/** Asks the enterprise register whether the business exists, is active, and has its seat in the tenant's municipality. */
export const handler = stepHandler(input, async ({ caseId }) => {
  const result = await lookUp({ caseId });
  logger.info('Enterprise looked up', result);
  return result;
});
