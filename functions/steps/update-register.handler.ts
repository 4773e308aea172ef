import * as z from 'zod';
import { caseRepository } from '../adapters/case.repository';
import { populationRegister } from '../adapters/population-register';
import { stepHandler } from '../commons/step';
import { notFound } from '../domain/errors';

const input = z.object({ caseId: z.string() });

const changeOfAddress = z.object({
  newAddress: z.object({ street: z.string(), postalCode: z.string(), municipality: z.string() }),
  movingDate: z.string(),
});

/** Records the applicant's move into the tenant's municipality in the population register; repeating it is harmless. */
export const handler = stepHandler(input, async ({ caseId }) => {
  const subject = await caseRepository.get(caseId);
  if (!subject) throw notFound(`case ${caseId}`);
  if (!('insz' in subject.applicant)) throw new Error(`case ${caseId} has no citizen applicant`);
  const { newAddress, movingDate } = changeOfAddress.parse(subject.data);
  await populationRegister.registerMove(subject.applicant.insz, { ...newAddress, nisCode: subject.tenant, from: movingDate });
  return { registered: true };
});
