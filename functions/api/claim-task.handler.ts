import { caseStore } from '../adapters/dynamodb/table';
import { systemClock } from '../commons/telemetry';
import { claimTask } from '../use-cases/task-actions';
import { routeHandler } from './http';
import * as routes from './routes';
import { taskView } from './views';

const claim = claimTask({ cases: caseStore, clock: systemClock });

export const handler = routeHandler(routes.claimTask, async ({ caller, path }) => ({
  body: taskView(await claim({ caller, taskId: path('id') })),
}));
