import { callerOf, httpHandler, json, languageOf, parseBody, requireRole } from '../commons/http';
import { permissions } from '../domain/permissions';
import { extendCase } from '../use-cases/case-actions';
import { extendRequest } from './lifecycle.schemas';
import { requireOwnCase } from './own-case';
import { caseView } from './views';
import { findTransactionType } from '../../workflows/catalogue';

export const handler = httpHandler(async (event) => {
  const caller = callerOf(event);
  requireRole(caller, permissions.extendCase);
  const { days, reason } = parseBody(event, extendRequest);
  const subject = await requireOwnCase(caller, event.pathParameters?.id);
  const saved = await extendCase(subject, caller, days, reason);
  return json(200, caseView(saved, findTransactionType(saved.type.key), languageOf(event)));
});
