import { notFound } from '../domain/errors';
import type { CaseStore } from '../ports/case-store.port';
import type { PopulationRegister } from '../ports/registers.port';
import { moveOf } from '../../workflows/change-of-address/move';

/**
 * Records the applicant's move into the tenant's municipality in the population register:
 * 1. the case must have a citizen applicant;
 * 2. the move (new address, moving date) is read from the case's data;
 * 3. the register records it; repeating it is harmless.
 */
export function registerMove(deps: { cases: Pick<CaseStore, 'get'>; population: Pick<PopulationRegister, 'registerMove'> }) {
  return async (command: { caseId: string }): Promise<{ registered: true }> => {
    const subject = await deps.cases.get(command.caseId);
    if (!subject) throw notFound(`case ${command.caseId}`);
    if (!('insz' in subject.applicant)) throw new Error(`case ${command.caseId} has no citizen applicant`);
    const { newAddress, movingDate } = moveOf(subject.data);
    await deps.population.registerMove(subject.applicant.insz, { ...newAddress, nisCode: subject.tenant, from: movingDate });
    return { registered: true };
  };
}
