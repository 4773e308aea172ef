import { caseRepository } from '../adapters/case.repository';
import { decodeCursor, encodeCursor } from '../adapters/cursor';
import { callerOf, fieldErrors, httpHandler, json } from '../commons/http';
import { forbidden, validationError } from '../domain/errors';
import { taskRoles } from '../domain/permissions';
import type { TaskStatus } from '../domain/task';
import { listTasksQuery } from './api.schemas';
import { taskView } from './views';

/** The tenant's task inbox: tasks of the caller's task roles (or one of them), soonest due first. */
export const handler = httpHandler(async (event) => {
  const caller = callerOf(event);
  const parsed = listTasksQuery.safeParse(event.queryStringParameters ?? {});
  if (!parsed.success) throw validationError('invalid query parameters', fieldErrors(parsed.error.issues));
  const { role, status, limit, cursor } = parsed.data;
  const held = taskRoles(caller.roles);
  if (held.length === 0) throw forbidden('working tasks needs a task role such as clerk');
  if (role !== undefined && !held.includes(role)) throw forbidden(`you do not hold role '${role}'`);
  const roles = role ? [role] : held;
  const statuses: TaskStatus[] = status ? [status] : ['open', 'claimed'];
  const scope = { tenant: caller.tenant, roles, statuses, limit };
  const after = cursor === undefined ? undefined : decodeCursor(cursor, scope);
  const page = await caseRepository.tasksByRole({ tenant: caller.tenant, roles, statuses, limit, after });
  return json(200, {
    items: page.items.map(taskView),
    ...(page.after ? { nextCursor: encodeCursor(scope, page.after) } : {}),
  });
});
