import { httpHandler, json } from './http';
import type { ResponseBody } from './route-contract';
import type * as routes from './routes';

/**
 * The liveness answer, typed by the route's contract, which the probe does not bundle. It does bundle
 * zod's core (20 KB of its 66 KB, measured with esbuild's metafile): http.ts's header schemas reach it
 * through api.schemas.ts and the applicant's schemas, and the catalogue's types through its role check.
 */
const alive: ResponseBody<typeof routes.health> = { status: 'ok', service: 'loket' };

export const handler = httpHandler(async () => json(200, alive));
