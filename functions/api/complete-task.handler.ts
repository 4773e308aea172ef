import { caseStore } from '../adapters/dynamodb/table';
import { catalogue } from '../catalogue/catalogue';
import { systemClock } from '../commons/telemetry';
import { completeTask } from '../use-cases/task-actions';
import { routeHandler } from './http';
import * as routes from './routes';
import { taskView } from './views';

const complete = completeTask({ cases: caseStore, catalogue, clock: systemClock });

export const handler = routeHandler(routes.completeTask, async ({ caller, path, body, header }) => ({
  body: taskView(await complete({ caller, taskId: path('id'), ...body, auditReason: header('X-Audit-Reason') })),
}));
