import { permissions } from '../domain/permissions';
import { extendCase } from '../use-cases/case-actions';
import { caseActionHandler } from './case-action';
import { extendRequest } from './lifecycle.schemas';

export const handler = caseActionHandler({
  roles: permissions.extendCase,
  body: extendRequest,
  act: (subject, caller, { days, reason }) => extendCase(subject, caller, days, reason),
});
