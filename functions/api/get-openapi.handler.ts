import { httpHandler, json } from '../commons/http';
import { openApiDocument } from './openapi.document';

/** The API's OpenAPI document; it changes only with a deploy, so clients may cache it briefly. */
export const handler = httpHandler(async () => json(200, openApiDocument, { 'cache-control': 'public, max-age=300' }));
