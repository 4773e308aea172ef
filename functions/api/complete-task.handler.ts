import { callerOf, httpHandler, json, parseBody } from '../commons/http';
import { completeTask } from '../use-cases/complete-task';
import { completeTaskRequest } from './api.schemas';
import { taskView } from './views';

export const handler = httpHandler(async (event) => {
  const caller = callerOf(event);
  const request = parseBody(event, completeTaskRequest);
  const completed = await completeTask(event.pathParameters?.id ?? '', request, caller, event.headers['x-audit-reason']);
  return json(200, taskView(completed));
});
