import { httpHandler, json } from './http';
import type { ResponseBody } from './route-contract';
import type * as routes from './routes';

/** The liveness answer, typed by the route's contract; the probe bundles neither the contracts nor zod. */
const alive: ResponseBody<typeof routes.health> = { status: 'ok', service: 'loket' };

export const handler = httpHandler(async () => json(200, alive));
