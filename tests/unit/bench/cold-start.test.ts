import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll } from '@jest/globals';
import { build, type Metafile } from 'esbuild';
import { minimalHandlerSource, sdkPackagesOf, telemetryModule } from '../../../bench/cold-start';
import { bundlingOptions } from '../../../infra/deployment';
import { projectRoot } from '../../../infra/local/paths';
import { loadPublishedTypes, typeFolderNames, typesDirectory, writeBundledCatalogue } from '../../../workflows/type-loader';

const output = (imports: Array<{ path: string; external?: boolean }>): Metafile['outputs'][string] => ({
  bytes: 1,
  inputs: {},
  exports: ['handler'],
  imports: imports.map((entry) => ({ kind: 'import-statement', external: false, ...entry })),
});

describe('the minimal handler a function is compared with at init', () => {
  test('loads the AWS SDK packages the bundle imports at init: external, once each, sorted; not node builtins or bundled code', () => {
    const metafile: Metafile = {
      inputs: {},
      outputs: {
        'get-case.mjs': output([
          { path: '@aws-sdk/lib-dynamodb', external: true },
          { path: 'node:crypto', external: true },
          { path: '@aws-sdk/client-kms', external: true },
          { path: '@aws-sdk/client-dynamodb', external: true },
          { path: '@aws-sdk/client-kms', external: true },
          { path: 'node_modules/@aws-sdk/util-bundled/index.js' },
        ]),
        'get-case.mjs.map': output([]),
      },
    };
    expect(sdkPackagesOf(metafile)).toEqual(['@aws-sdk/client-dynamodb', '@aws-sdk/client-kms', '@aws-sdk/lib-dynamodb']);
  });

  test('a function that imports no SDK package is compared with a handler that imports nothing', () => {
    expect(sdkPackagesOf({ inputs: {}, outputs: { 'health.mjs': output([{ path: 'node:crypto', external: true }]) } })).toEqual([]);
    expect(minimalHandlerSource([])).toBe('export const handler = async () => ({ statusCode: 200 });');
  });

  test('creates a client of each client package, and the document client around a DynamoDB client', () => {
    const source = minimalHandlerSource(['@aws-sdk/client-kms', '@aws-sdk/client-sfn', '@aws-sdk/lib-dynamodb', '@aws-sdk/util-dynamodb']);
    const probe = `${source}\nconsole.log(JSON.stringify([c0.constructor.name, c1.constructor.name, c2.constructor.name, typeof c3.marshall, typeof handler]));`;
    const printed = execFileSync(process.execPath, ['--input-type=module', '-e', probe], {
      cwd: projectRoot,
      env: { PATH: process.env.PATH ?? '', AWS_REGION: 'eu-west-1', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
      encoding: 'utf8',
    });
    expect(JSON.parse(printed.trim())).toEqual(['KMSClient', 'SFNClient', 'DynamoDBDocumentClient', 'function', 'function']);
  });
});

describe('the minimal handler with telemetry, which tells Powertools’ share of init from Loket’s own code’s', () => {
  const scratch = join(projectRoot, '.loket');
  let directory: string;
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  test('sets up the clients and Loket’s own Logger, Metrics and Tracer; the X-Ray SDK where tracing is on, as on Lambda', async () => {
    mkdirSync(scratch, { recursive: true });
    directory = mkdtempSync(join(scratch, 'cold-start-'));
    const source = minimalHandlerSource(['@aws-sdk/client-kms'], { telemetry: true });
    expect(source).toContain(`export { logger, metrics, tracer } from ${JSON.stringify(telemetryModule)};`);
    writeFileSync(join(directory, 'minimal.ts'), source);
    await build({ ...bundlingOptions, entryPoints: [join(directory, 'minimal.ts')], outfile: join(directory, 'minimal.mjs'), logLevel: 'silent' });
    const probe = `const m = await import(${JSON.stringify(join(directory, 'minimal.mjs'))}); console.log(JSON.stringify([m.c0.constructor.name, typeof m.logger.info, typeof m.metrics.addMetric, typeof m.tracer?.captureAWSv3Client, typeof m.handler]));`;
    const run = (env: Record<string, string>) =>
      JSON.parse(
        execFileSync(process.execPath, ['--input-type=module', '-e', probe], {
          cwd: projectRoot,
          env: { PATH: process.env.PATH ?? '', AWS_REGION: 'eu-west-1', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...env },
          encoding: 'utf8',
        }).trim(),
      ) as unknown;
    // The names are minified: what each is shows in what it does (log, add a metric, trace an SDK client).
    expect(run({ AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x', AWS_XRAY_CONTEXT_MISSING: 'IGNORE_ERROR' })).toEqual(['KMSClient', 'function', 'function', 'function', 'function']);
    expect(run({})).toEqual(['KMSClient', 'function', 'function', 'undefined', 'function']);
  });

  test('is the plain minimal handler without the option', () => {
    expect(minimalHandlerSource(['@aws-sdk/client-kms'])).not.toContain(telemetryModule);
  });
});

describe('the bundles whose init is measured', () => {
  /** Under the repository (git ignores .loket/), so that the bundle resolves the SDK from node_modules. */
  const scratch = join(projectRoot, '.loket');
  const directories: string[] = [];
  afterAll(() => directories.forEach((directory) => rmSync(directory, { recursive: true, force: true })));

  /** Bundles an entry that reports what the catalogue holds at init, as the bench bundles a function, into a directory of its own. */
  async function catalogueProbe(): Promise<{ directory: string; run: () => string[] }> {
    mkdirSync(scratch, { recursive: true });
    const directory = mkdtempSync(join(scratch, 'cold-start-'));
    directories.push(directory);
    const entry = join(directory, 'probe.ts');
    writeFileSync(entry, `import { catalogue } from ${JSON.stringify(join(projectRoot, 'functions/catalogue/catalogue'))};\nconsole.log(JSON.stringify(catalogue.all().map((type) => type.key)));\n`);
    await build({ ...bundlingOptions, entryPoints: [entry], outfile: join(directory, 'probe.mjs'), logLevel: 'silent' });
    const run = () => JSON.parse(execFileSync(process.execPath, [join(directory, 'probe.mjs')], { cwd: directory, env: { PATH: process.env.PATH ?? '' }, encoding: 'utf8' }).trim()) as string[];
    return { directory, run };
  }

  test('carry the catalogue where the CDK construct puts it, so that init reads it as on AWS', async () => {
    const { directory, run } = await catalogueProbe();
    expect(writeBundledCatalogue(directory)).toBe(loadPublishedTypes(typesDirectory).length);
    expect(run()).toEqual(typeFolderNames(typesDirectory));
  });

  test('without it a bundle fails at init rather than measure a catalogue with no type in it', async () => {
    const { directory, run } = await catalogueProbe();
    expect(run).toThrow(`no such file or directory, open '${join(directory, 'workflows', 'catalogue.json')}'`);
  });
});
