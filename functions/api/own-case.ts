import { caseRepository } from '../adapters/case.repository';
import type { Caller } from '../commons/http';
import type { Case } from '../domain/case';
import { notFound } from '../domain/errors';

const ulidPattern = /^[0-9A-HJKMNP-TV-Z]{26}$/;

/** The caller's tenant's case; another tenant's case answers exactly like a missing one, so that its existence does not leak. */
export async function requireOwnCase(caller: Caller, id: string | undefined): Promise<Case> {
  const found = id && ulidPattern.test(id) ? await caseRepository.get(id) : undefined;
  if (!found || found.tenant !== caller.tenant) throw notFound(`case ${id ?? ''}`);
  return found;
}
