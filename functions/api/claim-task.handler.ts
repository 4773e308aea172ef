import { callerOf, httpHandler, json } from '../commons/http';
import { claimTask } from '../use-cases/case-actions';
import { taskView } from './views';

export const handler = httpHandler(async (event) => {
  const caller = callerOf(event);
  const claimed = await claimTask(event.pathParameters?.id ?? '', caller);
  return json(200, taskView(claimed));
});
