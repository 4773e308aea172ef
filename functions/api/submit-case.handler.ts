import { callerOf, httpHandler, json, languageOf, parseBody, requireRole } from '../commons/http';
import { submitCase, submitCaseRequest } from '../use-cases/submit-case';
import { caseView } from './views';
import { findTransactionType } from '../../workflows/catalogue';

export const handler = httpHandler(async (event) => {
  const caller = callerOf(event);
  requireRole(caller, ['portal']);
  const request = parseBody(event, submitCaseRequest);
  const submitted = await submitCase(request, caller, new Date(), event.headers['x-audit-reason']);
  return json(201, caseView(submitted, findTransactionType(submitted.type.key), languageOf(event)), {
    location: `/v1/cases/${submitted.id}`,
  });
});
