import { permissions } from '../domain/permissions';
import { withdrawCase } from '../use-cases/case-actions';
import { caseActionHandler } from './case-action';
import { reasonRequest } from './lifecycle.schemas';

export const handler = caseActionHandler({
  roles: permissions.withdrawCase,
  body: reasonRequest,
  act: (subject, caller, { reason }) => withdrawCase(subject, caller, reason),
});
