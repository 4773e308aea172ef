import { permissions } from '../domain/permissions';
import { deliverMessage } from '../use-cases/case-actions';
import { caseActionHandler } from './case-action';
import { messageRequest } from './lifecycle.schemas';

/** 202: the message is delivered; the workflow goes on asynchronously. */
export const handler = caseActionHandler({
  roles: permissions.sendMessage,
  body: messageRequest,
  status: 202,
  act: (subject, caller, { name, data }) => deliverMessage(subject, caller, name, data),
});
