import { suspendCase } from '../use-cases/lifecycle-actions';
import { caseActionDependencies } from './case-actions.wiring';
import { routeHandler } from './http';
import * as routes from './routes';
import { caseView } from './views';

const suspend = suspendCase(caseActionDependencies);

export const handler = routeHandler(routes.suspendCase, async ({ caller, path, body, language }) => {
  const done = await suspend({ caller, caseId: path('id'), reason: body.reason });
  return { body: caseView(done.case, done.type, language) };
});
