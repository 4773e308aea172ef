import { processingLogOf } from '../use-cases/data-subject';
import { accessDependencies } from './access.wiring';
import { routeHandler } from './http';
import * as routes from './routes';

const logOf = processingLogOf(accessDependencies);

/** The data protection officer: who processed this person's data within the tenant. */
export const handler = routeHandler(routes.processingLog, async ({ caller, body, purpose }) => {
  const page = await logOf({ caller, applicant: body.applicant, limit: body.limit, cursor: body.cursor, purpose });
  return { body: { items: page.items, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) } };
});
