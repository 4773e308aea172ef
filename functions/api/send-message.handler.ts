import { callerOf, httpHandler, json, languageOf, parseBody, requireRole } from '../commons/http';
import { permissions } from '../domain/permissions';
import { deliverMessage } from '../use-cases/case-actions';
import { messageRequest } from './lifecycle.schemas';
import { requireOwnCase } from './own-case';
import { caseView } from './views';
import { findTransactionType } from '../../workflows/catalogue';

export const handler = httpHandler(async (event) => {
  const caller = callerOf(event);
  requireRole(caller, permissions.sendMessage);
  const { name, data } = parseBody(event, messageRequest);
  const subject = await requireOwnCase(caller, event.pathParameters?.id);
  const saved = await deliverMessage(subject, caller, name, data);
  return json(202, caseView(saved, findTransactionType(saved.type.key), languageOf(event)));
});
