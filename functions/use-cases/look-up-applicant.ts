import { notFound } from '../domain/errors';
import { applicantId } from '../domain/applicant';
import type { CaseStore } from '../ports/case-store.port';
import type { EnterpriseRegister, PopulationRegister } from '../ports/registers.port';
import type { AccessDependencies } from './record-access';
import { recordAccess } from './record-access';

/** The workflow step that reads the register, as the processing log names it. */
const step = (name: string) => ({ subject: `system:${name}`, roles: [] as string[] });

async function applicantOf(cases: Pick<CaseStore, 'get'>, caseId: string) {
  const subject = await cases.get(caseId);
  if (!subject) throw notFound(`case ${caseId}`);
  return subject;
}

/**
 * Asks the population register where the case's applicant lives, and whether that is the
 * case's municipality. The national number is read from the case, never passed by the workflow.
 */
export function lookUpPerson(deps: { cases: Pick<CaseStore, 'get'>; population: Pick<PopulationRegister, 'findPerson'> } & AccessDependencies) {
  return async (command: { caseId: string }): Promise<{ found: boolean; residesInTenant: boolean }> => {
    const subject = await applicantOf(deps.cases, command.caseId);
    if (!('insz' in subject.applicant)) throw new Error(`case ${command.caseId} has no citizen applicant`);
    await recordAccess(deps, { tenant: subject.tenant, actor: step('look-up-person'), applicantId: applicantId(subject.applicant), caseId: subject.id, action: 'register.lookup', purpose: `population register for ${subject.type.key}` });
    const person = await deps.population.findPerson(subject.applicant.insz);
    return { found: person !== undefined, residesInTenant: person?.address.nisCode === subject.tenant };
  };
}

/** Asks the enterprise register whether the case's business exists, is active, and has its seat in the case's municipality. */
export function lookUpEnterprise(deps: { cases: Pick<CaseStore, 'get'>; enterprises: EnterpriseRegister } & AccessDependencies) {
  return async (command: { caseId: string }): Promise<{ found: boolean; active: boolean; seatInTenant: boolean }> => {
    const subject = await applicantOf(deps.cases, command.caseId);
    if (!('kbo' in subject.applicant)) throw new Error(`case ${command.caseId} has no business applicant`);
    await recordAccess(deps, { tenant: subject.tenant, actor: step('look-up-enterprise'), applicantId: applicantId(subject.applicant), caseId: subject.id, action: 'register.lookup', purpose: `enterprise register for ${subject.type.key}` });
    const enterprise = await deps.enterprises.findEnterprise(subject.applicant.kbo);
    return { found: enterprise !== undefined, active: enterprise?.active ?? false, seatInTenant: enterprise?.seat.nisCode === subject.tenant };
  };
}
