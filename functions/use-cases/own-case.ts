import type { Caller } from '../domain/actor';
import type { Case } from '../domain/case';
import { notFound } from '../domain/errors';
import type { TransactionType } from '../domain/transaction-type';
import type { CaseStore } from '../ports/case-store.port';

/** A case with the type it runs on: what every answer about a case is shown with. */
export interface CaseOutcome {
  readonly case: Case;
  readonly type: TransactionType;
}

const ulidPattern = /^[0-9A-HJKMNP-TV-Z]{26}$/;

/** Whether an id can name a case (a ULID); anything else is not looked up at all. */
export function isCaseId(id: string): boolean {
  return ulidPattern.test(id);
}

/**
 * The same check for a case read together with other data: another tenant's case answers
 * exactly like a missing one, so that its existence does not leak.
 */
export function ownCaseOnly(caller: Caller, id: string, found: Case | undefined): Case {
  return ownRecordOnly(caller, id, found && { case: found }).case;
}

/** The same check for a case read with what belongs to it (its waits): the record as read. */
export function ownRecordOnly<T extends { readonly case: Case }>(caller: Caller, id: string, found: T | undefined): T {
  if (!found || found.case.tenant !== caller.tenant) throw notFound(`case ${id}`);
  return found;
}

/** The caller's tenant's case with this id. */
export async function readOwnCase(cases: Pick<CaseStore, 'get'>, caller: Caller, id: string): Promise<Case> {
  return ownCaseOnly(caller, id, isCaseId(id) ? await cases.get(id) : undefined);
}
