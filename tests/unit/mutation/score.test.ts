import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@jest/globals';
import { expandGlob, formatScore, hasCodeToMutate, keepResults, scoreFromLog } from '../../../mutation/score';
import type { MutantEntry } from '../../../mutation/score';

/** Writes each source into a fresh scratch folder; returns the folder and each file's path, by name. */
function scratchSources<Name extends string>(sources: Record<Name, string>): { dir: string; paths: Record<Name, string> } {
  const dir = mkdtempSync(join(tmpdir(), 'mutation-score-'));
  const paths = {} as Record<Name, string>;
  for (const [name, source] of Object.entries(sources) as Array<[Name, string]>) {
    paths[name] = join(dir, `${name}.ts`);
    writeFileSync(paths[name], source);
  }
  return { dir, paths };
}

const digest = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex').slice(0, 16);
/** A result of mutant `line` of `file`, of the file as it is now unless another digest is given. */
const entry = (file: string, line: number, status: string, at: string, fileDigest = digest(file)): MutantEntry => ({ file, digest: fileDigest, line, column: 1, mutator: 'M', replacement: 'x', status, at });

test('the scope globs name the files Stryker mutates, and nothing beside them', () => {
  const domain = expandGlob('functions/domain/**/*.ts');
  expect(domain).toContain('functions/domain/case.ts');
  expect(domain.every((file) => file.startsWith('functions/domain/') && file.endsWith('.ts'))).toBe(true);
  expect(expandGlob('designer/lint.ts')).toEqual(['designer/lint.ts']);
  expect(expandGlob('designer/no-such-file.ts')).toEqual([]);
  expect(expandGlob('functions/use-cases/*.ts')).not.toContain('functions/domain/case.ts');
});

test('scores each file from its newest results, leaves out invalid mutants, and counts a changed file as not measured', () => {
  const {
    dir,
    paths: { rules, edited },
  } = scratchSources({ rules: 'export const a = () => 1;\n', edited: 'export function b() {\n  return 2;\n}\n' });
  const entries = [
    entry(rules, 1, 'Killed', '2026-12-01T10:00:00Z'),
    entry(rules, 2, 'Survived', '2026-12-01T10:00:00Z'),
    entry(rules, 2, 'Killed', '2026-12-01T11:00:00Z'), // a later run's new test killed it
    entry(rules, 3, 'Timeout', '2026-12-01T10:00:00Z'),
    entry(rules, 4, 'NoCoverage', '2026-12-01T10:00:00Z'),
    entry(rules, 5, 'CompileError', '2026-12-01T10:00:00Z'),
    entry(edited, 1, 'Killed', '2026-12-01T10:00:00Z', 'stale0000000000'),
  ];
  const log = join(dir, 'mutants.jsonl');
  writeFileSync(log, entries.map((e) => JSON.stringify(e)).join('\n'));
  const report = scoreFromLog([rules, edited], log);
  expect(report.files).toEqual([{ file: rules, killed: 2, timeout: 1, survived: 0, noCoverage: 1, invalid: 1, score: 75 }]);
  expect(report.notMeasured).toEqual([edited]);
  expect(report.nothingToMutate).toEqual([]);
  expect(report.total.score).toBe(75);
  expect(report.survivors.map((m) => [m.line, m.status])).toEqual([[4, 'NoCoverage']]);
  expect(formatScore(report, { survivors: true })).toContain(`${rules}:4:1 M`);
});

test('two mutants that start at one place with the same mutator and replacement are two, told apart by where they end', () => {
  const {
    dir,
    paths: { rules },
  } = scratchSources({ rules: 'export const a = () => `x${"y"}`;\n' });
  const at = '2026-12-01T10:00:00Z';
  const entries: MutantEntry[] = [
    { file: rules, digest: digest(rules), line: 1, column: 17, endLine: 1, endColumn: 27, mutator: 'StringLiteral', replacement: '``', status: 'Killed', at },
    { file: rules, digest: digest(rules), line: 1, column: 17, endLine: 1, endColumn: 25, mutator: 'StringLiteral', replacement: '``', status: 'Survived', at },
  ];
  const log = join(dir, 'mutants.jsonl');
  writeFileSync(log, entries.map((e) => JSON.stringify(e)).join('\n'));
  expect(scoreFromLog([rules], log).total).toMatchObject({ killed: 1, survived: 1, score: 50 });
  // The same results logged before ends were recorded (a run that reused them reports them again) count once.
  writeFileSync(log, [...entries, ...entries.map(({ endLine, endColumn, ...legacy }) => legacy)].map((e) => JSON.stringify(e)).join('\n'));
  expect(scoreFromLog([rules], log).total).toMatchObject({ killed: 1, survived: 1, score: 50 });
});

test('a file of types and constants has nothing to mutate: it is neither scored nor left "not measured" for good', () => {
  const {
    dir,
    paths: { types, rules },
  } = scratchSources({
    types: "import type { X } from './x';\nexport interface Effect { readonly kind: 'start'; run(x: X): void }\nexport type Kind = Effect['kind'];\nexport const retentionYears = 5;\n",
    rules: 'export const schema = z.string().refine((value) => value.length > 0);\n',
  });
  const report = scoreFromLog([types, rules], join(dir, 'no-log.jsonl'));
  expect(report.nothingToMutate).toEqual([types]);
  expect(report.notMeasured).toEqual([rules]);
  expect(formatScore(report)).toContain(`Nothing to mutate (types, and constants only module loading runs): ${types}`);
});

test('code that runs after its module loaded is what can be mutated: functions, methods, accessors, constructors', () => {
  const cases: Array<[string, boolean]> = [
    ['export const a = 1;', false],
    ['export type F = (x: number) => number;', false],
    ['export interface I { m(): void; get g(): number }', false],
    ['export declare function d(): void;', false],
    ['export declare class D { m(): void }', false],
    ['export function f() {}', true],
    ['export const f = function () {};', true],
    ['export const f = () => 1;', true],
    ['export class C { m() {} }', true],
    ['export class C { constructor() {} }', true],
    ['export class C { get g() { return 1; } }', true],
    ['export class C { set s(v: number) {} }', true],
    ['export const o = { m() {} };', true],
  ];
  expect(cases.map(([source]) => [source, hasCodeToMutate(source)])).toEqual(cases);
});

test('results kept in the repository count with the log’s, the newest of each mutant winning; keeping writes the valid current ones only', () => {
  const {
    dir,
    paths: { rules, edited },
  } = scratchSources({ rules: 'export const a = () => 1;\n', edited: 'export function b() {\n  return 2;\n}\n' });
  const kept = join(dir, 'results.jsonl');
  const log = join(dir, 'mutants.jsonl');
  // Kept by an earlier checkout: a survivor, a killed one, and one of a file edited since.
  writeFileSync(kept, [entry(rules, 1, 'Survived', '2026-12-01T10:00:00Z'), entry(rules, 2, 'Killed', '2026-12-01T10:00:00Z'), entry(edited, 1, 'Killed', '2026-12-01T10:00:00Z', 'stale0000000000')].map((e) => JSON.stringify(e)).join('\n'));
  // This checkout's run: the survivor killed by a new test, a compile error.
  writeFileSync(log, [entry(rules, 1, 'Killed', '2026-12-04T10:00:00Z'), entry(rules, 3, 'CompileError', '2026-12-04T10:00:00Z')].map((e) => JSON.stringify(e)).join('\n'));

  const report = scoreFromLog([rules, edited], [kept, log]);
  expect(report.files).toEqual([{ file: rules, killed: 2, timeout: 0, survived: 0, noCoverage: 0, invalid: 1, score: 100 }]);
  expect(report.notMeasured).toEqual([edited]);

  const written = join(dir, 'kept-again.jsonl');
  expect(keepResults(report, written)).toBe(2);
  const lines = readFileSync(written, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as MutantEntry);
  expect(lines.map((line) => [line.file, line.line, line.status, line.at])).toEqual([
    [rules, 1, 'Killed', '2026-12-04T10:00:00Z'],
    [rules, 2, 'Killed', '2026-12-01T10:00:00Z'],
  ]);
  // A fresh checkout scores from what was kept alone as this one did (but for the invalid mutants, which are not kept).
  expect(scoreFromLog([rules, edited], [written, join(dir, 'no-log.jsonl')]).total).toEqual({ ...report.total, invalid: 0 });
});

test('a file of which a stopped run reported only the static mutants it ignores is not measured', () => {
  const {
    dir,
    paths: { rules },
  } = scratchSources({ rules: 'export const a = () => 1;\n' });
  const log = join(dir, 'mutants.jsonl');
  writeFileSync(log, JSON.stringify(entry(rules, 1, 'Ignored', '2026-12-04T10:00:00Z')));
  expect(scoreFromLog([rules], log)).toMatchObject({ files: [], notMeasured: [rules] });
  writeFileSync(log, [entry(rules, 1, 'Ignored', '2026-12-04T10:00:00Z'), entry(rules, 2, 'Killed', '2026-12-04T10:05:00Z')].map((e) => JSON.stringify(e)).join('\n'));
  expect(scoreFromLog([rules], log).files).toEqual([{ file: rules, killed: 1, timeout: 0, survived: 0, noCoverage: 0, invalid: 1, score: 100 }]);
});
