import { routeHandler } from './http';
import { openApiDocument } from './openapi.document';
import { getOpenApi } from './routes';

/** The API's OpenAPI document; it changes only with a deploy, so clients may cache it briefly. */
export const handler = routeHandler(getOpenApi, async () => ({ body: openApiDocument, headers: { 'cache-control': 'public, max-age=300' } }));
