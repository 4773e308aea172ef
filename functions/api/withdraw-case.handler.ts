import { powertoolsTelemetry } from '../commons/telemetry';
import { withdrawCase } from '../use-cases/lifecycle-actions';
import { caseActionDependencies } from './case-actions.wiring';
import { routeHandler } from './http';
import * as routes from './routes';
import { caseView } from './views';

const withdraw = withdrawCase({ ...caseActionDependencies, telemetry: powertoolsTelemetry });

export const handler = routeHandler(routes.withdrawCase, async ({ caller, path, body, language }) => {
  const done = await withdraw({ caller, caseId: path('id'), reason: body.reason });
  return { body: caseView(done.case, done.type, language) };
});
