import { caseReads } from '../adapters/dynamodb/table';
import { listTasks } from '../use-cases/read-cases';
import { routeHandler } from './http';
import * as routes from './routes';
import { taskSummary } from './views';

const inbox = listTasks({ reads: caseReads });

/** The tenant's task inbox: tasks of the caller's task roles (or one of them), soonest due first, without what a completion says about the applicant. */
export const handler = routeHandler(routes.listTasks, async ({ caller, query }) => {
  const page = await inbox({ caller, ...query });
  return { body: { items: page.items.map(taskSummary), ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) } };
});
