import { listEventSchemas } from '../use-cases/read-event-schemas';
import { routeHandler } from './http';
import * as routes from './routes';

const list = listEventSchemas();

export const handler = routeHandler(routes.listEventSchemas, async ({ caller }) => ({
  body: { items: list({ caller }).map((summary) => ({ ...summary, href: `/v1/events/schemas/${summary.type}` })) },
}));
