import { callerOf, fieldErrors, httpHandler, json, languageOf, parseBody, requireRole } from '../commons/http';
import { validationError } from '../domain/errors';
import { permissions } from '../domain/permissions';
import { submitCase } from '../use-cases/submit-case';
import { idempotencyKeySchema, submitCaseRequest } from './api.schemas';
import { caseView } from './views';
import { findTransactionType } from '../../workflows/catalogue';

export const handler = httpHandler(async (event) => {
  const caller = callerOf(event);
  requireRole(caller, permissions.submitCase);
  const rawKey = event.headers['idempotency-key'];
  const key = rawKey === undefined ? undefined : idempotencyKeySchema.safeParse(rawKey);
  if (key && !key.success) throw validationError('invalid Idempotency-Key header', fieldErrors(key.error.issues, ['Idempotency-Key']));
  const request = parseBody(event, submitCaseRequest);
  const submission = await submitCase(request, caller, { reason: event.headers['x-audit-reason'], idempotencyKey: key?.data });
  const submitted = submission.case;
  return json(201, caseView(submitted, findTransactionType(submitted.type.key), languageOf(event)), {
    location: `/v1/cases/${submitted.id}`,
    ...(submission.replayed ? { 'idempotent-replayed': 'true' } : {}),
  });
});
