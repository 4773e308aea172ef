import { deliverMessage } from '../use-cases/deliver-message';
import { caseActionDependencies } from './case-actions.wiring';
import { routeHandler } from './http';
import * as routes from './routes';
import { caseView } from './views';

const deliver = deliverMessage(caseActionDependencies);

/** 202: the message is delivered; the workflow goes on asynchronously. */
export const handler = routeHandler(routes.sendMessage, async ({ caller, path, body, language }) => {
  const done = await deliver({ caller, caseId: path('id'), name: body.name, data: body.data });
  return { body: caseView(done.case, done.type, language) };
});
