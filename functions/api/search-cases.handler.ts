import { z } from 'zod';
import { caseRepository } from '../adapters/case.repository';
import { decodeCursor, encodeCursor } from '../adapters/cursor';
import { callerOf, fieldErrors, httpHandler, json, languageOf, requireRole } from '../commons/http';
import { isValidInsz, isValidKbo, normalizeInsz } from '../domain/identifiers';
import { validationError } from '../domain/errors';
import { permissions } from '../domain/permissions';
import { caseSummary } from './views';
import { findTransactionType } from '../../workflows/catalogue';

export const searchCasesQuery = z
  .object({
    status: z.string().regex(/^[a-z][a-z-]{0,49}$/, 'must be a status code').optional(),
    type: z.string().regex(/^[a-z][a-z0-9-]{0,99}$/, 'must be a transaction type key').optional(),
    applicant: z
      .string()
      .transform(normalizeInsz)
      .refine((value) => isValidInsz(value) || isValidKbo(value), 'must be a valid INSZ or KBO number')
      .optional(),
    limit: z.coerce.number().int().min(1).max(100).default(25),
    cursor: z.string().max(1000).optional(),
  })
  .strict();

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
