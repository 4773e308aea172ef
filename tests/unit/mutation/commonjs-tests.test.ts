import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { expect, test } from '@jest/globals';
import { build } from 'esbuild';
import { projectRoot } from '../../../infra/local/paths';
import { expandGlob } from '../../../mutation/score';

/*
 * `npm run mutate` runs its tests as CommonJS (jest.mutation.config.cjs). A test there that
 * reaches a module with a top-level await (which CommonJS cannot load) fails Stryker's dry run,
 * and with it the whole mutation run: the Powertools module did that once, unnoticed, because
 * runs limited to a few files load only their related tests. Compiled to CommonJS as that run
 * compiles them, every test it runs must load.
 */
const config = createRequire(import.meta.url)(join(projectRoot, 'jest.mutation.config.cjs')) as { testMatch: string[]; testPathIgnorePatterns: string[] };

function mutationTestFiles(): string[] {
  const files = config.testMatch.flatMap((pattern) => expandGlob(pattern.replace('<rootDir>/', '')).map((file) => join(projectRoot, file)));
  const ignored = config.testPathIgnorePatterns.map((pattern) => new RegExp(pattern.replace('<rootDir>', projectRoot.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))));
  return [...new Set(files)].filter((file) => !ignored.some((pattern) => pattern.test(file))).sort();
}

test('every test the mutation run loads compiles to CommonJS, with every module of the project it reaches', async () => {
  const files = mutationTestFiles();
  expect(files.length).toBeGreaterThan(30);
  const result = await build({ entryPoints: files, bundle: true, format: 'cjs', platform: 'node', packages: 'external', write: false, outdir: join(projectRoot, '.mutation-check'), logLevel: 'silent' }).then(
    () => [],
    (error: { errors: Array<{ text: string; location?: { file: string } | null }> }) => error.errors.map((e) => `${e.location ? relative(projectRoot, e.location.file) : '?'}: ${e.text}`),
  );
  expect(result).toEqual([]);
});
