import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type BuildOptions } from 'esbuild';
import { bundlingOptions, type EnvironmentValues, functionDeployments, functionEnvironment, localResourceNames } from '../infra/deployment';
import { localRegion } from '../infra/local/local-network';
import { projectRoot } from '../infra/local/paths';
import { progress, resultsDirectory } from './report';

/*
 * Section 5 of `npm run bench`, and on its own: `npx tsx bench/cold-start.ts [--quick]`.
 * Bundles every declared function with the deployment model's esbuild options (the very
 * ones the CDK construct uses) and times each bundle's module initialisation, with the
 * environment the deployment model gives that function, against a minimal handler that
 * creates the same SDK clients.
 */

export interface ColdStart {
  readonly function: string;
  /** Bytes of the bundle's JavaScript (its source map, deployed next to it, is not loaded at init). */
  readonly bytes: number;
  readonly initMs: number;
  readonly baseline: string;
  readonly baselineInitMs: number;
  readonly ratio: number;
}

const esbuildOptions: BuildOptions = { ...bundlingOptions, metafile: true, logLevel: 'silent' };

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

function initMs(file: string, env: Record<string, string>, runs: number): number {
  const measured: number[] = [];
  for (let i = 0; i < runs; i++) {
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', `const t = performance.now(); await import(${JSON.stringify(file)}); console.log(performance.now() - t);`], {
      // Not this process's environment: the bench's local stack has set its own there (tracing off, a concurrency).
      env: { PATH: process.env.PATH ?? '', ...sdkEnvironment, ...env },
      cwd: projectRoot,
      encoding: 'utf8',
    });
    measured.push(Number(out.trim().split('\n').pop()));
  }
  return median(measured);
}

async function bundle(entry: string, outfile: string): Promise<number> {
  const result = await build({ ...esbuildOptions, entryPoints: [entry], outfile });
  return Object.entries(result.metafile!.outputs)
    .filter(([file]) => !file.endsWith('.map'))
    .reduce((sum, [, output]) => sum + output.bytes, 0);
}

export async function measureColdStart(options: { readonly quick: boolean }): Promise<ColdStart[]> {
  const runs = options.quick ? 3 : 7;
  const directory = join(resultsDirectory, '.bundles');
  rmSync(directory, { recursive: true, force: true });
  mkdirSync(directory, { recursive: true });

  const baselines = new Map<string, { initMs: number }>();
  async function baselineFor(clientsNeeded: string[]): Promise<{ initMs: number; name: string }> {
    const name = clientsNeeded.length ? clientsNeeded.join('+') : 'none';
    let baseline = baselines.get(name);
    if (!baseline) {
      const source = [
        ...clientsNeeded.map((c, i) => `import { ${c === 'dynamodb' ? 'DynamoDBClient' : 'SFNClient'} as C${i} } from '@aws-sdk/client-${c === 'dynamodb' ? 'dynamodb' : 'sfn'}'; const c${i} = new C${i}({});`),
        'export const handler = async () => ({ statusCode: 200 });',
      ].join('\n');
      const entry = join(directory, `minimal-${name}.ts`);
      writeFileSync(entry, source);
      const outfile = join(directory, `minimal-${name}.mjs`);
      await bundle(entry, outfile);
      baseline = { initMs: initMs(outfile, {}, runs) };
      baselines.set(name, baseline);
    }
    return { initMs: baseline.initMs, name };
  }

  const coldStart: ColdStart[] = [];
  try {
    for (const { declaration, name } of functionDeployments) {
      const outfile = join(directory, `${name}.mjs`);
      const bytes = await bundle(join(projectRoot, declaration.entry), outfile);
      const needed = [...(declaration.table ? ['dynamodb'] : []), ...(declaration.startsExecutions || declaration.sendsTaskResults || declaration.stopsExecutions ? ['sfn'] : [])];
      const baseline = await baselineFor(needed);
      const init = initMs(outfile, functionEnvironment(declaration, environmentValues), runs);
      coldStart.push({ function: name, bytes, initMs: round(init), baseline: baseline.name, baselineInitMs: round(baseline.initMs), ratio: round(init / baseline.initMs) });
      progress(`(5) ${name}: ${(bytes / 1024).toFixed(0)} KB, init ${init.toFixed(0)} ms vs ${baseline.initMs.toFixed(0)} ms`);
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
