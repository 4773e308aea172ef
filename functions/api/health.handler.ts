import { routeHandler } from './http';
import { health } from './routes';

export const handler = routeHandler(health, async () => ({ body: { status: 'ok' as const, service: 'loket' } }));
