import { caseRepository } from '../adapters/case.repository';
import { callerOf, httpHandler, json, languageOf, requireRole } from '../commons/http';
import { notFound } from '../domain/errors';
import { caseView } from './views';
import { findTransactionType } from '../../workflows/catalogue';

const readers = ['portal', 'clerk', 'operator'];

export const handler = httpHandler(async (event) => {
  const caller = callerOf(event);
  requireRole(caller, readers);
  const id = event.pathParameters?.id ?? '';
  const found = /^[0-9A-HJKMNP-TV-Z]{26}$/.test(id) ? await caseRepository.get(id) : undefined;
  // Another tenant's case answers exactly like a missing one, so that its existence does not leak.
  if (!found || found.tenant !== caller.tenant) throw notFound(`case ${id}`);
  const tasks = await caseRepository.tasksOfCase(found.id);
  return json(200, caseView(found, findTransactionType(found.type.key), languageOf(event), tasks));
});
