import type { EnterpriseRegister, PopulationRegister } from '../ports/registers.port';

/** Asks the population register where the applicant lives, and whether that is the tenant's municipality. */
export function lookUpPerson(deps: { population: Pick<PopulationRegister, 'findPerson'> }) {
  return async (command: { tenant: string; insz: string }): Promise<{ found: boolean; residesInTenant: boolean }> => {
    const person = await deps.population.findPerson(command.insz);
    return { found: person !== undefined, residesInTenant: person?.address.nisCode === command.tenant };
  };
}

/** Asks the enterprise register whether the business exists, is active, and has its seat in the tenant's municipality. */
export function lookUpEnterprise(deps: { enterprises: EnterpriseRegister }) {
  return async (command: { tenant: string; kbo: string }): Promise<{ found: boolean; active: boolean; seatInTenant: boolean }> => {
    const enterprise = await deps.enterprises.findEnterprise(command.kbo);
    return { found: enterprise !== undefined, active: enterprise?.active ?? false, seatInTenant: enterprise?.seat.nisCode === command.tenant };
  };
}
