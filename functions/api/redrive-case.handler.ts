import { workflowEngine } from '../adapters/step-functions';
import { redriveCase } from '../use-cases/redrive-case';
import { caseActionDependencies } from './case-actions.wiring';
import { routeHandler } from './http';
import * as routes from './routes';
import { caseView } from './views';

const redrive = redriveCase({ ...caseActionDependencies, workflows: workflowEngine });

/** 202: the redrive is recorded with the operator's reason; the dispatcher runs it. */
export const handler = routeHandler(routes.redriveCase, async ({ caller, path, body, language }) => {
  const done = await redrive({ caller, caseId: path('id'), reason: body.reason });
  return { body: caseView(done.case, done.type, language) };
});
