import { httpHandler, json } from '../commons/http';

export const handler = httpHandler(async () => json(200, { status: 'ok', service: 'loket' }));
