import * as z from '../domain/zod';
import { caseStore, processingLog } from '../adapters/dynamodb/table';
import { pseudonyms } from '../adapters/pseudonyms.instance';
import { systemClock } from '../commons/telemetry';
import { populationRegister } from '../adapters/population-register';
import { logger } from '../commons/powertools';
import { stepHandler } from '../commons/step';
import { lookUpPerson } from '../use-cases/look-up-applicant';

const input = z.object({ caseId: z.string() });

const lookUp = lookUpPerson({ cases: caseStore, population: populationRegister, processingLog, pseudonyms, clock: systemClock });

/** Asks the population register where the applicant lives, and whether that is the tenant's municipality. */
export const handler = stepHandler(input, async ({ caseId }) => {
  const result = await lookUp({ caseId });
  logger.info('Applicant looked up', result);
  return result;
});
