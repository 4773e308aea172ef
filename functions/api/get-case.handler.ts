import { caseRepository } from '../adapters/case.repository';
import { callerOf, httpHandler, json, languageOf, requireRole } from '../commons/http';
import { permissions } from '../domain/permissions';
import { requireOwnCase } from './own-case';
import { caseView } from './views';
import { findTransactionType } from '../../workflows/catalogue';

export const handler = httpHandler(async (event) => {
  const caller = callerOf(event);
  requireRole(caller, permissions.readCase);
  const found = await requireOwnCase(caller, event.pathParameters?.id);
  const [tasks, waits] = await Promise.all([caseRepository.tasksOfCase(found.id), caseRepository.messageWaitsOf(found.id)]);
  return json(200, caseView(found, findTransactionType(found.type.key), languageOf(event), tasks, waits));
});
