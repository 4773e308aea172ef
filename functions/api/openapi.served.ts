import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundledOpenApiFile, typesDirectory } from '../../workflows/type-loader';

declare const LOKET_BUNDLED_TYPES: string | undefined;

/**
 * The OpenAPI document this deployment serves. In a bundle, the one the build wrote beside it
 * (workflows/openapi.json, built from the kept versions the bundle's catalogue holds): building it
 * at init took about 100 ms of get-openapi's cold start, and zod's JSON Schema code most of its
 * bundle (issue 14). From source (the local host, the tests) it is built here, from the catalogue.
 * The test stays inline, so that esbuild sees the dead branch and leaves the builder out of the bundle.
 */
export const servedOpenApiDocument: Readonly<Record<string, unknown>> =
  typeof LOKET_BUNDLED_TYPES === 'string'
    ? (JSON.parse(readFileSync(join(typesDirectory, bundledOpenApiFile), 'utf8')) as Record<string, unknown>)
    : (await import('./openapi.document')).buildOpenApiDocument();
