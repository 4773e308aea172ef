import { permissions } from '../domain/permissions';
import { suspendCase } from '../use-cases/case-actions';
import { caseActionHandler } from './case-action';
import { reasonRequest } from './lifecycle.schemas';

export const handler = caseActionHandler({
  roles: permissions.suspendCase,
  body: reasonRequest,
  act: (subject, caller, { reason }) => suspendCase(subject, caller, reason),
});
