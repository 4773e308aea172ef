import { callerOf, httpHandler, json, languageOf, parseBody, requireRole } from '../commons/http';
import { permissions } from '../domain/permissions';
import { withdrawCase } from '../use-cases/case-actions';
import { reasonRequest } from './lifecycle.schemas';
import { requireOwnCase } from './own-case';
import { caseView } from './views';
import { findTransactionType } from '../../workflows/catalogue';

export const handler = httpHandler(async (event) => {
  const caller = callerOf(event);
  requireRole(caller, permissions.withdrawCase);
  const { reason } = parseBody(event, reasonRequest);
  const subject = await requireOwnCase(caller, event.pathParameters?.id);
  const saved = await withdrawCase(subject, caller, reason);
  return json(200, caseView(saved, findTransactionType(saved.type.key), languageOf(event)));
});
