import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect, test } from '@jest/globals';
import ts from 'typescript';
import { projectRoot } from '../../../infra/local/paths';
import { expandGlob } from '../../../mutation/score';

/*
 * Stryker's TypeScript checker sets aside the mutants that do not compile, within the project
 * tsconfig.mutation.json names. A file mutated or a test run outside that project would have its
 * compile errors tested as mutants, or its types never checked against a mutant.
 */
const jestConfig = createRequire(import.meta.url)(join(projectRoot, 'jest.mutation.config.cjs')) as { testMatch: string[] };

function checkerFiles(): Set<string> {
  const file = join(projectRoot, 'tsconfig.mutation.json');
  const read = ts.readConfigFile(file, ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, projectRoot, undefined, file);
  expect(parsed.errors).toEqual([]);
  return new Set(parsed.fileNames.map((name) => join(name)));
}

test("the checker's project holds every file the mutation run mutates and every test it runs", async () => {
  const { default: stryker } = (await import(pathToFileURL(join(projectRoot, 'stryker.config.mjs')).href)) as { default: { mutate: string[]; tsconfigFile: string } };
  expect(stryker.tsconfigFile).toBe('tsconfig.mutation.json');
  const mutated = stryker.mutate.flatMap((pattern) => expandGlob(pattern));
  const tests = jestConfig.testMatch.flatMap((pattern) => expandGlob(pattern.replace('<rootDir>/', '')));
  expect(mutated.length).toBeGreaterThan(60);
  expect(tests.length).toBeGreaterThan(30);
  const inProject = checkerFiles();
  expect([...mutated, ...tests].map((file) => join(projectRoot, file)).filter((file) => !inProject.has(file))).toEqual([]);
});
