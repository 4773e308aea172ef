import { caseRepository } from '../adapters/case.repository';
import { decodeCursor, encodeCursor } from '../adapters/cursor';
import { callerOf, fieldErrors, httpHandler, json, languageOf, requireRole } from '../commons/http';
import { validationError } from '../domain/errors';
import { permissions } from '../domain/permissions';
import { searchCasesQuery } from './api.schemas';
import { caseSummary } from './views';
import { findTransactionType } from '../../workflows/catalogue';

/** Searches the caller's tenant's cases; every filter is served by an index, never a scan. */
export const handler = httpHandler(async (event) => {
  const caller = callerOf(event);
  requireRole(caller, permissions.readCase);
  const parsed = searchCasesQuery.safeParse(event.queryStringParameters ?? {});
  if (!parsed.success) throw validationError('invalid query parameters', fieldErrors(parsed.error.issues));
  const { cursor, ...filters } = parsed.data;
  const scope = { tenant: caller.tenant, ...filters };
  const after = cursor === undefined ? undefined : decodeCursor(cursor, scope);
  const page = await caseRepository.searchCases({ tenant: caller.tenant, ...filters, after });
  const language = languageOf(event);
  return json(200, {
    items: page.items.map((found) => caseSummary(found, findTransactionType(found.type.key), language)),
    ...(page.after ? { nextCursor: encodeCursor(scope, page.after) } : {}),
  });
});
