import { describe, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');
const depcruise = join(root, 'node_modules/.bin/depcruise');

interface Violation {
  readonly from: string;
  readonly to: string;
  readonly rule: { readonly name: string };
}

/** Runs dependency-cruiser with the project's rules over `paths` below `cwd`; returns the violations it reports. */
function violations(cwd: string, paths: readonly string[]): Violation[] {
  let output: string;
  try {
    output = execFileSync(depcruise, [...paths, '--config', join(root, '.dependency-cruiser.cjs'), '--output-type', 'json'], {
      cwd,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch (error) {
    // depcruise exits non-zero when it finds violations; its report is still on stdout.
    output = (error as { stdout: string }).stdout;
  }
  return (JSON.parse(output) as { summary: { violations: Violation[] } }).summary.violations;
}

describe('the layering rules (.dependency-cruiser.cjs, also `npm run lint:deps`)', () => {
  test('the code base keeps every rule', () => {
    const found = violations(root, ['functions', 'workflows', 'infra', 'designer', 'bench']);
    expect(found.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`)).toEqual([]);
  }, 120_000);

  test('each rule fails on the import it forbids, and names itself', () => {
    const fixture = mkdtempSync(join(tmpdir(), 'loket-layering-'));
    try {
      const files: Record<string, string> = {
        'functions/domain/rule.ts': "import { store } from '../adapters/store';\nexport const rule = store;\n",
        'functions/domain/io.ts': "import { readFileSync } from 'node:fs';\nexport const io = readFileSync;\n",
        'functions/adapters/store.ts': "import { useCase } from '../use-cases/use-case';\nexport const store = useCase;\n",
        'functions/ports/port.ts': "import { store } from '../adapters/store';\nexport type Port = typeof store;\n",
        'functions/use-cases/use-case.ts': "import { handler } from '../api/a.handler';\nimport { SFNClient } from '@aws-sdk/client-sfn';\nexport const useCase = [handler, SFNClient];\n",
        'functions/api/a.handler.ts': "import { SFNClient } from '@aws-sdk/client-sfn';\nimport { host } from '../../infra/local/host';\nexport const handler = [SFNClient, host];\n",
        'functions/steps/cycle-a.ts': "import { b } from './cycle-b';\nexport const a = b;\n",
        'functions/steps/cycle-b.ts': "import { a } from './cycle-a';\nexport const b = a;\n",
        'workflows/permit/document.ts': "import { store } from '../../functions/adapters/store';\nexport const document = store;\n",
        'infra/local/host.ts': 'export const host = 1;\n',
        // A devDependency (as pdf-lib is, the PDF writer's test oracle) is not installed where the code is deployed.
        'functions/adapters/oracle.ts': "import { oracle } from 'test-oracle';\nexport const checked = oracle;\n",
        'package.json': JSON.stringify({ name: 'fixture', dependencies: { ulid: '3.0.2' }, devDependencies: { 'test-oracle': '1.0.0' } }),
        'node_modules/test-oracle/package.json': JSON.stringify({ name: 'test-oracle', version: '1.0.0', main: 'index.js' }),
        'node_modules/test-oracle/index.js': 'exports.oracle = 1;\n',
        // Function code makes its ids with functions/domain/ulid.ts, not with the package itself.
        'functions/use-cases/ids.ts': "import { ulid } from 'ulid';\nexport const id = ulid;\n",
        'node_modules/ulid/package.json': JSON.stringify({ name: 'ulid', version: '3.0.2', main: 'index.js' }),
        'node_modules/ulid/index.js': 'exports.ulid = () => "";\n',
      };
      for (const [path, text] of Object.entries(files)) {
        mkdirSync(dirname(join(fixture, path)), { recursive: true });
        writeFileSync(join(fixture, path), text);
      }
      copyFileSync(join(root, 'tsconfig.json'), join(fixture, 'tsconfig.json'));
      const broken = new Set(violations(fixture, ['functions', 'workflows', 'infra']).map((v) => v.rule.name));
      expect([...broken].sort()).toEqual(
        [
          'adapters-below-use-cases',
          'deployed-code-no-dev-dependencies',
          'domain-is-pure',
          'domain-no-node-io',
          'functions-not-hosts',
          'functions-use-pooled-ulids',
          'handlers-through-use-cases',
          'lambda-code-not-local-host',
          'no-circular',
          'ports-speak-the-domain',
          'use-cases-over-ports',
          'workflows-only-domain',
        ].sort(),
      );
    } finally {
      rmSync(fixture, { recursive: true, force: true });
    }
  }, 120_000);
});
