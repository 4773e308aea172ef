import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from '@jest/globals';
import { App, Stack } from 'aws-cdk-lib';
import { LoketFunction, projectRoot } from '../../infra/constructs/loket-function.construct';
import { buildOpenApiDocument } from '../../functions/api/openapi.document';
import { publishedVersions, typeFolderNames, typesDirectory } from '../../workflows/type-loader';
import { synthesisTimeout } from './synthesize';

/** Under the repository (git ignores .loket/), so that a bundle run here resolves the SDK from node_modules, as Lambda's runtime provides it. */
const scratch = join(projectRoot, '.loket');
mkdirSync(scratch, { recursive: true });
const outdirs: string[] = [];
afterAll(() => outdirs.forEach((outdir) => rmSync(outdir, { recursive: true, force: true })));

/** Synthesizes one function with the real esbuild bundling; returns its bundle's directory. */
function bundleOf(entry: string, root = projectRoot, props: { readonly loadsTracer?: boolean; readonly carriesOpenApiDocument?: boolean } = {}): string {
  const outdir = mkdtempSync(join(scratch, 'bundle-test-'));
  outdirs.push(outdir);
  const app = new App({ outdir, context: { 'aws:cdk:enable-asset-metadata': true } });
  const stack = new Stack(app, 'Bundled');
  new LoketFunction(stack, 'Listed', { entry, description: 'test', projectRoot: root, ...props });
  const assembly = app.synth();
  const template = assembly.getStackArtifact(stack.artifactId).template as { Resources: Record<string, { Type: string; Metadata?: Record<string, string> }> };
  const lambda = Object.values(template.Resources).find((resource) => resource.Type === 'AWS::Lambda::Function');
  const assetPath = lambda?.Metadata?.['aws:asset:path'];
  if (!assetPath) throw new Error('no asset path on the function');
  return join(assembly.directory, assetPath);
}

/** Calls a bundled API handler the way Lambda does, in a process of its own, with a caller's JWT claims. */
function invokeBundled(bundle: string, path = '/v1/transaction-types'): any {
  const event = {
    version: '2.0',
    routeKey: `GET ${path}`,
    rawPath: path,
    headers: {},
    requestContext: { requestId: 'r1', http: { method: 'GET', path }, authorizer: { jwt: { claims: { sub: 'portal@gent', tenant: '44021', roles: '[portal]' } } } },
    isBase64Encoded: false,
  };
  const script = `const { handler } = await import(${JSON.stringify(join(bundle, 'index.mjs'))}); process.stdout.write(JSON.stringify(await handler(${JSON.stringify(event)}, { awsRequestId: 'r1', functionName: 'f', getRemainingTimeInMillis: () => 10000 })));`;
  const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: bundle,
    env: { PATH: process.env.PATH, AWS_REGION: 'eu-west-1', POWERTOOLS_METRICS_DISABLED: 'true', POWERTOOLS_TRACE_ENABLED: 'false', POWERTOOLS_LOG_LEVEL: 'SILENT', POWERTOOLS_SERVICE_NAME: 'loket' },
    encoding: 'utf8',
  });
  return JSON.parse(output);
}

describe('a function bundle carries the catalogue', () => {
  test(
    'every kept version, validated at synthesis, in workflows/catalogue.json: no type folder, and the bundled catalogue lists every type, read at cold start',
    () => {
      const bundle = bundleOf('functions/api/list-transaction-types.handler.ts');
      expect(readdirSync(join(bundle, 'workflows'))).toEqual(['catalogue.json']);
      const carried = JSON.parse(readFileSync(join(bundle, 'workflows', 'catalogue.json'), 'utf8')) as Array<{ folder: string; document?: { source: { nl: string } } }>;
      // Each kept version, not the working copies designers edit.
      expect(carried.map((entry) => entry.folder)).toEqual(typeFolderNames().flatMap((folder) => publishedVersions(typesDirectory, folder).map((version) => `${folder}/versions/${version}`)));
      expect(carried.find((entry) => entry.folder === 'event-permit/versions/1')?.document?.source.nl).toContain('{{data.eventName}}');
      const response = invokeBundled(bundle);
      expect(response.statusCode).toBe(200);
      expect(JSON.parse(response.body).items.map((type: { key: string }) => type.key).sort()).toEqual(typeFolderNames());
      // The bundle's source map is deployed beside it, for the logger to map a logged error's stack (Node is not asked to: no NODE_OPTIONS).
      const map = JSON.parse(readFileSync(join(bundle, 'index.mjs.map'), 'utf8')) as { sources: string[] };
      expect(map.sources.filter((source) => source.endsWith('functions/api/list-transaction-types.handler.ts'))).toHaveLength(1);
    },
    synthesisTimeout,
  );

  test(
    'a malformed published type.json fails the synthesis, naming the file',
    () => {
      const root = mkdtempSync(join(scratch, 'root-test-'));
      outdirs.push(root);
      cpSync(join(projectRoot, 'workflows'), join(root, 'workflows'), { recursive: true });
      writeFileSync(join(root, 'workflows', 'terrace-permit', 'versions', '1', 'type.json'), '{"key": "terrace-permit", "version": 1}');
      writeFileSync(join(root, 'package-lock.json'), '{}');
      mkdirSync(join(root, 'functions'), { recursive: true });
      writeFileSync(join(root, 'functions', 'entry.ts'), 'export const handler = async () => ({});');
      expect(() => bundleOf('functions/entry.ts', root)).toThrow(/terrace-permit\/versions\/1\/type\.json is not a valid transaction type/);
    },
    synthesisTimeout,
  );
});

describe('a function bundle holds the tracer only where the function loads it', () => {
  /** Powertools Tracer's X-Ray SDK in a bundle: a name only its code carries. */
  const holdsXRay = (bundle: string) => readFileSync(join(bundle, 'index.mjs'), 'utf8').includes('aws-xray-sdk-core');

  test(
    'by default it does; with loadsTracer false the tracer is not even in the bundle, and the function still serves',
    () => {
      expect(holdsXRay(bundleOf('functions/api/list-transaction-types.handler.ts'))).toBe(true);
      const untraced = bundleOf('functions/api/list-transaction-types.handler.ts', projectRoot, { loadsTracer: false });
      expect(holdsXRay(untraced)).toBe(false);
      expect(invokeBundled(untraced).statusCode).toBe(200);
    },
    2 * synthesisTimeout,
  );
});

describe('the OpenAPI document is built with the bundle, not at cold start', () => {
  test(
    'the bundle of the function that serves it carries workflows/openapi.json, serves it as it is, and holds no code that builds it',
    () => {
      const bundle = bundleOf('functions/api/get-openapi.handler.ts', projectRoot, { carriesOpenApiDocument: true });
      expect(readdirSync(join(bundle, 'workflows')).sort()).toEqual(['catalogue.json', 'openapi.json']);
      const response = invokeBundled(bundle, '/v1/openapi.json');
      expect(response.statusCode).toBe(200);
      // The very document the code builds from the kept versions, key for key.
      expect(JSON.parse(response.body)).toEqual(buildOpenApiDocument());
      // Only the builder says this (functions/api/openapi.document.ts).
      expect(readFileSync(join(bundle, 'index.mjs'), 'utf8')).not.toContain('every route must share one /v<n>/ prefix');
      // Other functions carry only the catalogue.
      expect(readdirSync(join(bundleOf('functions/api/health.handler.ts'), 'workflows'))).toEqual(['catalogue.json']);
    },
    3 * synthesisTimeout,
  );
});
