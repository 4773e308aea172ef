import { caseRepository } from '../adapters/case.repository';
import { callerOf, httpHandler, json, languageOf, requireRole } from '../commons/http';
import { permissions } from '../domain/permissions';
import { isCaseId, ownCaseOnly } from './own-case';
import { caseView } from './views';
import { findTransactionType } from '../../workflows/catalogue';

export const handler = httpHandler(async (event) => {
  const caller = callerOf(event);
  requireRole(caller, permissions.readCase);
  const id = event.pathParameters?.id;
  // The three reads go out together; the tenant check comes before anything is shown.
  const [stored, tasks, waits] = isCaseId(id)
    ? await Promise.all([caseRepository.get(id), caseRepository.tasksOfCase(id), caseRepository.messageWaitsOf(id)])
    : [undefined, [], []];
  const found = ownCaseOnly(caller, id, stored);
  return json(200, caseView(found, findTransactionType(found.type.key), languageOf(event), tasks, waits));
});
