import { join } from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { build } from 'esbuild';
import { routes } from '../../functions/api/routes';
import { projectRoot } from '../../infra/constructs/loket-function.construct';
import { bundlingOptions, bundlingOptionsOf, buildsCaseStore, callsOtherServices, functionDeployments, loadsTracer } from '../../infra/deployment';

/*
 * Every API function loads the one module of route contracts and the one of schemas; its bundle
 * must still build only what its own route uses (issue 14: building every route's schemas, and
 * the transaction type's schema they took parts from, cost each API function's cold start ~16 ms).
 */

/** The code of a route's function as the deployment bundles it. */
async function bundled(name: string): Promise<string> {
  const route = routes.find((candidate) => candidate.name === name);
  if (!route) throw new Error(`no route ${name}`);
  const result = await build({ ...bundlingOptions, entryPoints: [join(projectRoot, route.entry)], outfile: join(projectRoot, '.loket', name, 'index.mjs'), write: false, logLevel: 'silent' });
  return result.outputFiles.find((file) => file.path.endsWith('.mjs'))!.text;
}

/** A route's contract in a bundle: its summary, which only the contract carries (as esbuild writes it: ASCII, other characters escaped). */
const carries = (code: string, name: string) =>
  code.includes(routes.find((route) => route.name === name)!.summary.replace(/[^\x00-\x7f]/g, (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`));

/** The transaction type's schema in a bundle: a message only its refinement has. */
const typeSchemaIn = (code: string) => code.includes('status codes must be unique');

/** The audit trail's schemas in a bundle: a description only its seal has. */
const auditTrailSchemaIn = (code: string) => code.includes('writers do not hold');

describe("an API function's bundle", () => {
  // The catalogue's functions show types, so their views are built from the type's schema; no other function builds it.
  test.each([
    ['list-subscriptions', false],
    ['withdraw-case', false],
    ['get-case', false],
    ['submit-case', false],
    ['get-transaction-type', true],
    ['list-transaction-types', true],
  ] as const)(
    '%s carries its own route contract and no other (the transaction type schema: %s)',
    async (name, showsTypes) => {
      const code = await bundled(name);
      expect(routes.filter((route) => carries(code, route.name)).map((route) => route.name)).toEqual([name]);
      expect(typeSchemaIn(code)).toBe(showsTypes);
    },
    30_000,
  );

  // A schema whose fields call a method (`.max`, `.describe`) was kept by every bundle that imported the schemas, a `@__PURE__` mark notwithstanding.
  test.each([
    ['case-history', true],
    ['get-case', false],
    ['submit-case', false],
    ['health', false],
  ] as const)(
    '%s builds the audit trail’s schemas: %s',
    async (name, showsTrail) => {
      expect(auditTrailSchemaIn(await bundled(name))).toBe(showsTrail);
    },
    30_000,
  );
});

describe("a function's bundle and zod's classic build", () => {
  /** The zod modules that put code in a declared function's bundle, by esbuild's metafile (a module it read and shook out entirely puts none). */
  async function zodModulesOf(name: string): Promise<string[]> {
    const deployment = functionDeployments.find((candidate) => candidate.name === name);
    if (!deployment) throw new Error(`no function ${name}`);
    const result = await build({ ...bundlingOptionsOf(deployment.declaration), entryPoints: [join(projectRoot, deployment.declaration.entry)], outfile: join(projectRoot, '.loket', name, 'index.mjs'), write: false, metafile: true, logLevel: 'silent' });
    const bundle = Object.entries(result.metafile.outputs).find(([file]) => file.endsWith('.mjs'))![1];
    return Object.entries(bundle.inputs)
      .filter(([input, { bytesInOutput }]) => input.includes('node_modules/zod/') && bytesInOutput > 0)
      .map(([input]) => input);
  }
  const classic = (modules: string[]) => modules.some((module) => module.includes('node_modules/zod/v4/classic/'));

  // Loading both builds costs a cold start the classic one's ~25 ms for nothing (issue 14): only the functions that check a designer's JSON Schema (fromJSONSchema) load it.
  test.each([
    ['get-case', false],
    ['health', false],
    ['record-status', false],
    ['dispatch-outbox', false],
    ['apply-retention', false],
    ['submit-case', true],
    ['complete-task', true],
  ] as const)(
    '%s loads the classic build: %s',
    async (name, checksDesignersData) => {
      const modules = await zodModulesOf(name);
      expect(modules.some((module) => module.includes('node_modules/zod/v4/mini/'))).toBe(true);
      expect(classic(modules)).toBe(checksDesignersData);
    },
    30_000,
  );
});

describe("a function's bundle and the tracer", () => {
  test('the functions that load no tracer are the two X-Ray does not sample and the seven that call no other service', () => {
    expect(functionDeployments.filter((deployment) => !loadsTracer(deployment.declaration)).map((deployment) => deployment.name)).toEqual([
      'health',
      'get-openapi',
      'list-transaction-types',
      'get-transaction-type',
      'list-transaction-type-versions',
      'list-event-schemas',
      'get-event-schema',
      'dispatch-outbox',
      'deliver-webhooks',
    ]);
  });

  /** The modules of Powertools Tracer and the X-Ray SDK that put code in a declared function's bundle. */
  async function tracerModulesOf(name: string): Promise<string[]> {
    const deployment = functionDeployments.find((candidate) => candidate.name === name)!;
    const result = await build({ ...bundlingOptionsOf(deployment.declaration), entryPoints: [join(projectRoot, deployment.declaration.entry)], outfile: join(projectRoot, '.loket', name, 'index.mjs'), write: false, metafile: true, logLevel: 'silent' });
    const bundle = Object.entries(result.metafile.outputs).find(([file]) => file.endsWith('.mjs'))![1];
    return Object.entries(bundle.inputs)
      .filter(([input, { bytesInOutput }]) => /node_modules\/(aws-xray-sdk-core|@aws-lambda-powertools\/tracer\/lib\/esm\/Tracer)/.test(input) && bytesInOutput > 0)
      .map(([input]) => input);
  }

  // Left in, the tracer's code cost a cold start 16 ms with tracing off, unused (issue 14).
  test.each([
    ['health', false],
    ['get-openapi', false],
    ['dispatch-outbox', false],
    ['get-case', true],
    ['record-status', true],
  ] as const)(
    '%s bundles the tracer and the X-Ray SDK: %s',
    async (name, loads) => {
      expect((await tracerModulesOf(name)).length > 0).toBe(loads);
    },
    30_000,
  );
});

describe("a function's bundle and its declared access", () => {
  /** The AWS SDK packages a declared function's bundle imports (the runtime provides them), by esbuild's metafile. */
  async function sdkPackagesOf(entry: string, name: string, options: ReturnType<typeof bundlingOptionsOf>): Promise<string[]> {
    const result = await build({ ...options, entryPoints: [join(projectRoot, entry)], outfile: join(projectRoot, '.loket', name, 'index.mjs'), write: false, metafile: true, logLevel: 'silent' });
    const imported = Object.values(result.metafile.outputs).flatMap((output) => output.imports.filter((entry) => entry.external && entry.path.startsWith('@aws-sdk/')).map((entry) => entry.path));
    return [...new Set(imported)];
  }

  // A grant no code uses is access nobody needs: the catalogue's three routes kept a table read after the catalogue moved into the bundle,
  // and the subscription routes held both HMAC keys of the case store, which they never build.
  test('each function imports the clients of what it declares, and no more: the table, the case store’s keys, the documents, the workflows, the event bus, the secret', async () => {
    const mismatches: string[] = [];
    for (const { name, declaration } of functionDeployments) {
      const packages = await sdkPackagesOf(declaration.entry, name, bundlingOptionsOf(declaration));
      const declared = {
        'any client': callsOtherServices(declaration),
        '@aws-sdk/client-dynamodb': Boolean(declaration.table),
        // The case store's HMAC keys (pseudonyms and audit seals); the history route verifies seals.
        '@aws-sdk/client-kms': buildsCaseStore(declaration) || Boolean(declaration.verifiesAuditTrail),
        '@aws-sdk/client-s3': Boolean(declaration.documents),
        // Naming a state machine or an execution (knowsStateMachines) needs no client; every call does.
        '@aws-sdk/client-sfn': Boolean(
          declaration.startsExecutions || declaration.sendsTaskResults || declaration.stopsExecutions || declaration.readsExecutions || declaration.readsWorkflowHistory || declaration.readsCurrentWorkflowVersions,
        ),
        '@aws-sdk/client-eventbridge': Boolean(declaration.publishesEvents),
        '@aws-sdk/client-secrets-manager': Boolean(declaration.publishesCaseOverview),
      };
      for (const [client, expected] of Object.entries(declared)) {
        const imported = client === 'any client' ? packages.length > 0 : packages.includes(client);
        if (imported !== expected) mismatches.push(`${name}: ${client} ${imported ? 'imported' : 'not imported'}, ${expected ? 'declared' : 'not declared'}`);
      }
    }
    expect(mismatches).toEqual([]);
  }, 120_000);
});
