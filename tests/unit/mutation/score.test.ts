import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@jest/globals';
import { expandGlob, formatScore, scoreFromLog } from '../../../mutation/score';
import type { MutantEntry } from '../../../mutation/score';

const digest = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex').slice(0, 16);

test('the scope globs name the files Stryker mutates, and nothing beside them', () => {
  const domain = expandGlob('functions/domain/**/*.ts');
  expect(domain).toContain('functions/domain/case.ts');
  expect(domain.every((file) => file.startsWith('functions/domain/') && file.endsWith('.ts'))).toBe(true);
  expect(expandGlob('designer/lint.ts')).toEqual(['designer/lint.ts']);
  expect(expandGlob('designer/no-such-file.ts')).toEqual([]);
  expect(expandGlob('functions/use-cases/*.ts')).not.toContain('functions/domain/case.ts');
});

test('scores each file from its newest results, leaves out invalid mutants, and counts a changed file as not measured', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mutation-score-'));
  const rules = join(dir, 'rules.ts');
  const edited = join(dir, 'edited.ts');
  writeFileSync(rules, 'export const a = 1;\n');
  writeFileSync(edited, 'export const b = 2;\n');
  const entry = (file: string, line: number, status: string, at: string, fileDigest = digest(file)): MutantEntry => ({ file, digest: fileDigest, line, column: 1, mutator: 'M', replacement: 'x', status, at });
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
  expect(report.total.score).toBe(75);
  expect(report.survivors.map((m) => [m.line, m.status])).toEqual([[4, 'NoCoverage']]);
  expect(formatScore(report, { survivors: true })).toContain(`${rules}:4:1 M`);
});

test('two mutants that start at one place with the same mutator and replacement are two, told apart by where they end', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mutation-score-'));
  const rules = join(dir, 'rules.ts');
  writeFileSync(rules, 'export const a = `x${"y"}`;\n');
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
