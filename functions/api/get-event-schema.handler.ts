import { getEventSchema } from '../use-cases/read-event-schemas';
import { routeHandler } from './http';
import * as routes from './routes';

const get = getEventSchema();

export const handler = routeHandler(routes.getEventSchema, async ({ caller, path }) => ({ body: get({ caller, type: path('type') }) }));
