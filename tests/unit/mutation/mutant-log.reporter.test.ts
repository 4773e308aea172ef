import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@jest/globals';
import { inScopeOf, mutantLogFile, strykerPlugins } from '../../../mutation/mutant-log.reporter.mjs';

type Reporter = { onMutantTested(result: object): void };
const { injectableClass: MutantLogReporter } = strykerPlugins[0] as unknown as { injectableClass: new (options: { mutate: string[] }) => Reporter };

const resultIn = (fileName: string) => ({
  fileName,
  location: { start: { line: 2, column: 4 }, end: { line: 2, column: 9 } },
  mutatorName: 'StringLiteral',
  replacement: '""',
  status: 'Killed',
  killedBy: ['1'],
});

test('logs the results of the files the run mutates, not the old ones an incremental run reports of the others', () => {
  const workdir = mkdtempSync(join(tmpdir(), 'mutant-log-'));
  mkdirSync(join(workdir, 'src', 'deep'), { recursive: true });
  for (const file of ['src/deep/a.ts', 'ranged.ts', 'changed-since.ts']) writeFileSync(join(workdir, file), `export const x = 1;\nexport const y = 'text';\n`);
  const before = process.cwd();
  process.chdir(workdir);
  try {
    const reporter = new MutantLogReporter({ mutate: ['src/**/*.ts', 'ranged.ts:1-2'] });
    for (const file of ['src/deep/a.ts', 'ranged.ts', 'changed-since.ts']) reporter.onMutantTested(resultIn(join(workdir, file)));
    const logged = readFileSync(mutantLogFile, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { file: string; status: string; line: number });
    expect(logged.map((entry) => entry.file)).toEqual(['src/deep/a.ts', 'ranged.ts']);
    expect(logged[0]).toMatchObject({ status: 'Killed', line: 2, killedBy: 1 });
  } finally {
    process.chdir(before);
    rmSync(workdir, { recursive: true, force: true });
  }
});

test("a file a `!pattern` takes out again is not in the run's scope", () => {
  const inScope = inScopeOf(['functions/**/*.ts', '!functions/adapters/**', 'designer/lint.ts:10-20']);
  expect(['functions/domain/case.ts', 'functions/adapters/webhook.sender.ts', 'designer/lint.ts', 'designer/data-flow.ts'].map(inScope)).toEqual([true, false, true, false]);
});

test('a glob without a star (braces, a question mark) names files too', () => {
  const inScope = inScopeOf(['designer/{lint,data-flow}.ts', 'functions/domain/cas?.ts']);
  expect(['designer/lint.ts', 'designer/data-flow.ts', 'designer/run.ts', 'functions/domain/case.ts', 'functions/domain/cases.ts'].map(inScope)).toEqual([true, true, false, true, false]);
});
