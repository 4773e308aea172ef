import { permissions } from '../domain/permissions';
import { resumeCase } from '../use-cases/case-actions';
import { caseActionHandler } from './case-action';
import { reasonRequest } from './lifecycle.schemas';

export const handler = caseActionHandler({
  roles: permissions.resumeCase,
  body: reasonRequest,
  act: (subject, caller, { reason }) => resumeCase(subject, caller, reason),
});
