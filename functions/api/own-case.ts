import { caseRepository } from '../adapters/case.repository';
import type { Caller } from '../commons/http';
import type { Case } from '../domain/case';
import { notFound } from '../domain/errors';

const ulidPattern = /^[0-9A-HJKMNP-TV-Z]{26}$/;

/** The caller's tenant's case; another tenant's case answers exactly like a missing one, so that its existence does not leak. */
export async function requireOwnCase(caller: Caller, id: string | undefined): Promise<Case> {
  return ownCaseOnly(caller, id, isCaseId(id) ? await caseRepository.get(id) : undefined);
}

/** The same check, for a case read together with other data (the other data is dropped unseen when it fails). */
export function ownCaseOnly(caller: Caller, id: string | undefined, found: Case | undefined): Case {
  if (!found || found.tenant !== caller.tenant) throw notFound(`case ${id ?? ''}`);
  return found;
}

export function isCaseId(id: string | undefined): id is string {
  return id !== undefined && ulidPattern.test(id);
}
