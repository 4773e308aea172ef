import { extendCase } from '../use-cases/lifecycle-actions';
import { caseActionDependencies } from './case-actions.wiring';
import { routeHandler } from './http';
import * as routes from './routes';
import { caseView } from './views';

const extend = extendCase(caseActionDependencies);

export const handler = routeHandler(routes.extendCase, async ({ caller, path, body, language }) => {
  const done = await extend({ caller, caseId: path('id'), days: body.days, reason: body.reason });
  return { body: caseView(done.case, done.type, language) };
});
