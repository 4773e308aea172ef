import { caseExecutionNames } from '../adapters/state-machines';
import { reopenCase } from '../use-cases/reopen-case';
import { caseActionDependencies } from './case-actions.wiring';
import { routeHandler } from './http';
import * as routes from './routes';
import { caseView } from './views';

// It names the execution the dispatcher will start, and calls no Step Functions API: no client is loaded.
const reopen = reopenCase({ ...caseActionDependencies, workflows: caseExecutionNames });

/** 202: the case is open again, audited with the operator's reason; the dispatcher starts its new execution. */
export const handler = routeHandler(routes.reopenCase, async ({ caller, path, body, language }) => {
  const done = await reopen({ caller, caseId: path('id'), reason: body.reason });
  return { body: caseView(done.case, done.type, language) };
});
