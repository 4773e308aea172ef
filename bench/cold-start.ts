import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type BuildOptions, type Metafile } from 'esbuild';
import { bundlingOptions, bundlingOptionsOf, type EnvironmentValues, functionDeployments, functionEnvironment, loadsTracer, localResourceNames, tracerDefine } from '../infra/deployment';
import { localRegion } from '../infra/local/local-network';
import { projectRoot } from '../infra/local/paths';
import { bundledOpenApiDocumentText } from '../functions/api/openapi.document';
import { bundledOpenApiFile, bundledTypesFolder, loadPublishedTypes, writeBundledCatalogue } from '../workflows/type-loader';
import { progress, resultsDirectory } from './report';

/*
 * Section 5 of `npm run bench`, and on its own: `npx tsx bench/cold-start.ts [--quick]`.
 * Bundles every declared function with the deployment model's esbuild options (the very
 * ones the CDK construct uses), with the catalogue beside the bundles where the construct
 * copies it (read at init), and times each bundle's module initialisation, with the
 * environment the deployment model gives that function, against a minimal handler that
 * loads the same SDK packages and creates the same clients (read from the bundle's imports),
 * and against that handler with Loket's telemetry set up, which tells Powertools' and the X-Ray
 * SDK's share of init from Loket's own code's.
 */

export interface ColdStart {
  readonly function: string;
  /** Bytes of the bundle's JavaScript (its source map, deployed next to it, is not loaded at init). */
  readonly bytes: number;
  readonly initMs: number;
  readonly baseline: string;
  readonly baselineInitMs: number;
  readonly ratio: number;
  /**
   * Init of the same minimal handler with Loket's telemetry set up as every function sets it up
   * (functions/commons/powertools.ts: Logger, Metrics, and Tracer with the X-Ray SDK where tracing
   * is on): what is left of `initMs` above it is Loket's own code.
   */
  readonly telemetryInitMs: number;
}


/**
 * Values for the variables a function reads, as deployed on AWS (source maps on, tracing on); nothing
 * is called during init, so they need not point anywhere.
 */
const environmentValues: EnvironmentValues = {
  host: 'aws',
  tableName: localResourceNames.table,
  documentsBucket: localResourceNames.documentsBucket,
  stateMachineArns: '{}',
  pseudonymKey: { devKey: 'cold-start' },
  auditSealKey: { devKey: 'cold-start' },
  eventSchemasUrl: 'https://api.example/v1/events/schemas',
  eventBusName: 'loket',
  // The secret as on AWS (read when first needed, not at init), so that init builds its client as there.
  caseOverview: { url: 'https://case-overview.example/dossiers', tokenUrl: 'https://case-overview.example/token', credentials: { secretArn: 'arn:aws:secretsmanager:eu-west-1:000000000000:secret:loket-case-overview' } },
  logLevel: 'WARN',
};

/**
 * The SDK's settings, and the markers of the Lambda runtime by which Powertools Tracer loads the X-Ray SDK
 * as it does on AWS (it loads it only where it traces): init is measured as a deployed function pays it.
 */
const sdkEnvironment = { AWS_REGION: localRegion, AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local', AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x', AWS_XRAY_CONTEXT_MISSING: 'IGNORE_ERROR', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
};
const round = (value: number) => Number(value.toFixed(2));

/** Milliseconds from the start of an `import` of `file` to its end, in a fresh Node process with only `env` (and PATH). */
function initMs(file: string, env: Record<string, string>): number {
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', `const t = performance.now(); await import(${JSON.stringify(file)}); console.log(performance.now() - t);`], {
    // Not this process's environment: the bench's local stack has set its own there (tracing off, a concurrency).
    env: { PATH: process.env.PATH ?? '', ...sdkEnvironment, ...env },
    cwd: projectRoot,
    encoding: 'utf8',
  });
  return Number(out.trim().split('\n').pop());
}

/**
 * The AWS SDK packages a bundle leaves out and imports at init (they come with the Lambda runtime),
 * from esbuild's metafile, sorted: what the minimal handler to compare it with must load too.
 */
export function sdkPackagesOf(metafile: Metafile): string[] {
  const imported = Object.values(metafile.outputs).flatMap((output) => output.imports.filter((entry) => entry.external && entry.path.startsWith('@aws-sdk/')).map((entry) => entry.path));
  return [...new Set(imported)].sort();
}

/**
 * A handler that does nothing but load the given SDK packages and create each client they offer
 * (`@aws-sdk/client-kms` → `new KMSClient({})`), as a function that uses them does at init: the
 * least any function with those clients pays before it runs. `@aws-sdk/lib-dynamodb` wraps the
 * DynamoDB client (`DynamoDBDocumentClient.from`); a package that offers no client is imported.
 */
export function minimalHandlerSource(packages: readonly string[], options: { readonly telemetry?: boolean } = {}): string {
  const lines = packages.map((name, i) => {
    if (name === '@aws-sdk/lib-dynamodb') return `import { DynamoDBDocumentClient as D${i} } from '${name}'; import { DynamoDBClient as B${i} } from '@aws-sdk/client-dynamodb'; export const c${i} = D${i}.from(new B${i}({}));`;
    const service = /^@aws-sdk\/client-(.+)$/.exec(name)?.[1];
    if (service === undefined) return `import * as m${i} from '${name}'; export const c${i} = m${i};`;
    return `import * as m${i} from '${name}'; const C${i} = Object.entries(m${i}).find(([key, value]) => key.endsWith('Client') && key !== 'Client' && typeof value === 'function')?.[1]; export const c${i} = C${i} ? new C${i}({}) : m${i};`;
  });
  const telemetry = options.telemetry ? [`export { logger, metrics, tracer } from ${JSON.stringify(telemetryModule)};`] : [];
  return [...lines, ...telemetry, 'export const handler = async () => ({ statusCode: 200 });'].join('\n');
}

/** Where every function's Logger, Metrics and Tracer are made. */
export const telemetryModule = join(projectRoot, 'functions', 'commons', 'powertools.ts');

/** Bundles `entry` with the given options (a function's own, `bundlingOptionsOf`): its bytes and the SDK packages it imports. */
async function bundle(entry: string, outfile: string, options: BuildOptions): Promise<{ bytes: number; sdkPackages: string[] }> {
  const result = await build({ ...options, entryPoints: [entry], outfile, metafile: true, logLevel: 'silent' });
  const bytes = Object.entries(result.metafile!.outputs)
    .filter(([file]) => !file.endsWith('.map'))
    .reduce((sum, [, output]) => sum + output.bytes, 0);
  return { bytes, sdkPackages: sdkPackagesOf(result.metafile!) };
}

/**
 * Each function's init against its minimal handler, measured in turns (function, handler, function, …)
 * so that both meet the same moment of a shared, noisy machine: the ratio of the two medians.
 */
export async function measureColdStart(options: { readonly quick: boolean }): Promise<ColdStart[]> {
  const runs = options.quick ? 3 : 7;
  const directory = join(resultsDirectory, '.bundles');
  rmSync(directory, { recursive: true, force: true });
  mkdirSync(directory, { recursive: true });
  // The catalogue beside the bundles, where the construct's bundling hook copies it: without it a bundle fails at init.
  writeBundledCatalogue(directory);
  // And the OpenAPI document beside them, which the construct writes beside the bundle of the function that serves it.
  writeFileSync(join(directory, bundledTypesFolder, bundledOpenApiFile), bundledOpenApiDocumentText(loadPublishedTypes()));

  const baselines = new Map<string, { file: string; withTelemetry: string }>();
  /** The minimal handler for these packages, and that handler with telemetry bundled as the function bundles it (with or without the tracer). */
  async function baselineFor(packages: string[], withTracer: boolean): Promise<{ file: string; withTelemetry: string; name: string }> {
    const name = packages.length ? packages.map((p) => p.replace('@aws-sdk/', '')).join('+') : 'none';
    const key = `${name}${withTracer ? '' : '-untraced'}`;
    let files = baselines.get(key);
    if (files === undefined) {
      const made = async (variant: string, source: string) => {
        const entry = join(directory, `minimal-${key}${variant}.ts`);
        writeFileSync(entry, source);
        const file = join(directory, `minimal-${key}${variant}.mjs`);
        await bundle(entry, file, { ...bundlingOptions, define: { ...bundlingOptions.define, ...tracerDefine(withTracer) } });
        return file;
      };
      files = { file: await made('', minimalHandlerSource(packages)), withTelemetry: await made('-telemetry', minimalHandlerSource(packages, { telemetry: true })) };
      baselines.set(key, files);
    }
    return { ...files, name };
  }

  const coldStart: ColdStart[] = [];
  try {
    for (const { declaration, name } of functionDeployments) {
      const outfile = join(directory, `${name}.mjs`);
      const { bytes, sdkPackages } = await bundle(join(projectRoot, declaration.entry), outfile, bundlingOptionsOf(declaration));
      const baseline = await baselineFor(sdkPackages, loadsTracer(declaration));
      const env = functionEnvironment(declaration, environmentValues);
      const measured: number[] = [];
      const baselineMeasured: number[] = [];
      const telemetryMeasured: number[] = [];
      for (let i = 0; i < runs; i++) {
        measured.push(initMs(outfile, env));
        baselineMeasured.push(initMs(baseline.file, {}));
        // With the function's own environment: Powertools reads its settings (service, namespace, tracing) from there.
        telemetryMeasured.push(initMs(baseline.withTelemetry, env));
      }
      const init = median(measured);
      const baselineInit = median(baselineMeasured);
      const telemetryInit = median(telemetryMeasured);
      coldStart.push({ function: name, bytes, initMs: round(init), baseline: baseline.name, baselineInitMs: round(baselineInit), ratio: round(init / baselineInit), telemetryInitMs: round(telemetryInit) });
      progress(`(5) ${name}: ${(bytes / 1024).toFixed(0)} KB, init ${init.toFixed(0)} ms vs ${baselineInit.toFixed(0)} ms (${baseline.name}), ${telemetryInit.toFixed(0)} ms with telemetry`);
    }
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
  return coldStart;
}

const invokedDirectly = process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const results = await measureColdStart({ quick: process.argv.includes('--quick') });
  console.log(JSON.stringify(results, null, 2));
}
