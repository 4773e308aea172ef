import { routeHandler } from './http';
import { servedOpenApiDocument } from './openapi.served';
import { getOpenApi } from './routes';

/** The API's OpenAPI document; it changes only with a deploy, so clients may cache it briefly. */
export const handler = routeHandler(getOpenApi, async () => ({ body: servedOpenApiDocument, headers: { 'cache-control': 'public, max-age=300' } }));
