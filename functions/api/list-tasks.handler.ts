import { z } from 'zod';
import { caseRepository } from '../adapters/case.repository';
import { callerOf, fieldErrors, httpHandler, json } from '../commons/http';
import { forbidden, validationError } from '../domain/errors';
import type { TaskStatus } from '../domain/task';
import { taskView } from './views';

const query = z
  .object({
    role: z.string().min(1).optional(),
    status: z.enum(['open', 'claimed', 'completed', 'cancelled']).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(50),
  })
  .strict();

/** Roles that describe what a caller may do with the API rather than which tasks they work. */
const apiRoles = new Set(['portal', 'designer', 'operator']);

export const handler = httpHandler(async (event) => {
  const caller = callerOf(event);
  const parsed = query.safeParse(event.queryStringParameters ?? {});
  if (!parsed.success) throw validationError('invalid query parameters', fieldErrors(parsed.error.issues));
  const { role, status, limit } = parsed.data;
  const taskRoles = caller.roles.filter((r) => !apiRoles.has(r));
  if (taskRoles.length === 0) throw forbidden('working tasks needs a task role such as clerk');
  if (role !== undefined && !taskRoles.includes(role)) throw forbidden(`you do not hold role '${role}'`);
  const statuses: TaskStatus[] = status ? [status] : ['open', 'claimed'];
  const tasks = await caseRepository.tasksByRole(caller.tenant, role ? [role] : taskRoles, statuses, limit);
  return json(200, { items: tasks.map(taskView) });
});
