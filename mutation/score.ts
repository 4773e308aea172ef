/**
 * The mutation score as it stands (`npm run mutate:score`), from the results the mutant-log
 * reporter appended during one or more runs of `npm run mutate` (reports/mutation/mutants.jsonl),
 * and from the results kept in the repository (mutation/results.jsonl, `npm run mutate:keep`).
 *
 * The log is this checkout's own and is not committed; a run over the whole scope takes some five
 * hours on a two-core machine, longer than a working session. So the results that still hold are
 * kept in the repository: a fresh checkout scores from them, and a run adds to them. A kept result
 * counts under the same rule as a logged one (its file unchanged), so it can only go stale, never
 * wrong; anyone can check one by running its file again.
 *
 * A result counts while its source file is unchanged (same digest); a file edited since its run
 * counts as not measured, so that a score never rests on code that is no longer there. Of several
 * results for the same mutant the newest wins (a survivor killed by a later run's new test).
 * The score is Stryker's: killed and timed-out mutants over all valid ones, with mutants no test
 * reaches counted as survivors; mutants that do not compile or crash the run are left out.
 *
 *   npm run mutate:score                      the score per file and in total
 *   npm run mutate:score -- --survivors       also each survivor and uncovered mutant, with its place
 *   npm run mutate:keep                       the score, and the results it rests on written to mutation/results.jsonl
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';

export const mutantLogFile = 'reports/mutation/mutants.jsonl';
/** The results kept in the repository: the valid ones (killed, timed out, survived, not covered) of files unchanged since their run. */
export const keptResultsFile = 'mutation/results.jsonl';

export interface MutantEntry {
  readonly file: string;
  readonly digest: string;
  readonly line: number;
  readonly column: number;
  readonly endLine?: number;
  readonly endColumn?: number;
  readonly mutator: string;
  readonly replacement: string;
  readonly status: string;
  readonly at: string;
}

export interface FileScore {
  readonly file: string;
  readonly killed: number;
  readonly timeout: number;
  readonly survived: number;
  readonly noCoverage: number;
  /** Compile and runtime errors, and ignored mutants: outside the score. */
  readonly invalid: number;
  /** Killed and timed out over the valid mutants, in percent; undefined when none is valid. */
  readonly score: number | undefined;
}

export interface ScoreReport {
  readonly files: readonly FileScore[];
  /** Files in the mutation scope without a current result: never run, or changed since. */
  readonly notMeasured: readonly string[];
  /** Files in the scope with nothing a test could catch: types, and constants that only module loading runs (hasCodeToMutate). */
  readonly nothingToMutate: readonly string[];
  readonly total: FileScore;
  readonly survivors: readonly MutantEntry[];
  /** The valid results the score rests on, in the order of their place: what `keepResults` writes. */
  readonly current: readonly MutantEntry[];
}

const digestOf = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex').slice(0, 16);

/** `functions/domain/**\/*.ts` → the files it names; the config uses only `**` and `*`. */
export function expandGlob(pattern: string): string[] {
  const parts = pattern.split('/');
  const firstWild = parts.findIndex((part) => part.includes('*'));
  if (firstWild === -1) return existsSync(pattern) ? [pattern] : [];
  const escaped = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  const matcher = new RegExp(`^${escaped.replace(/\*\*\//g, '\u0000').replace(/\*/g, '[^/]*').replace(/\u0000/g, '(?:.+/)?')}$`);
  const walk = (dir: string): string[] =>
    !existsSync(dir) ? [] : readdirSync(dir).flatMap((name) => (statSync(join(dir, name)).isDirectory() ? walk(join(dir, name)) : [join(dir, name)]));
  return walk(parts.slice(0, firstWild).join('/') || '.').filter((file) => matcher.test(file)).sort();
}

/** The kinds of node whose body runs after its module has loaded: where a mutant is more than a static one. */
const runsLater = new Set([
  ts.SyntaxKind.FunctionDeclaration,
  ts.SyntaxKind.FunctionExpression,
  ts.SyntaxKind.ArrowFunction,
  ts.SyntaxKind.MethodDeclaration,
  ts.SyntaxKind.Constructor,
  ts.SyntaxKind.GetAccessor,
  ts.SyntaxKind.SetAccessor,
]);

/**
 * Whether a source holds code that runs after its module has loaded (a function, a method, an
 * accessor). A file of types and constants has only static mutants, which the routine run ignores
 * (`ignoreStatic`) and no related test imports at run time: Stryker never reports on it, and it
 * would stay "not measured" for good.
 */
export function hasCodeToMutate(source: string): boolean {
  // With a body: a declaration (an interface's accessor, a `declare function`) runs nothing.
  const found = (node: ts.Node): boolean => (runsLater.has(node.kind) && (node as ts.FunctionLikeDeclaration).body !== undefined) || (ts.forEachChild(node, found) ?? false);
  return found(ts.createSourceFile('source.ts', source, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS));
}

/** The results a score counts: compile and runtime errors, and ignored mutants, are outside it. */
const validStatuses = new Set(['Killed', 'Timeout', 'Survived', 'NoCoverage']);

function tally(file: string, entries: readonly MutantEntry[]): FileScore {
  const count = (status: string) => entries.filter((entry) => entry.status === status).length;
  const killed = count('Killed');
  const timeout = count('Timeout');
  const survived = count('Survived');
  const noCoverage = count('NoCoverage');
  const valid = entries.filter((entry) => validStatuses.has(entry.status)).length;
  return { file, killed, timeout, survived, noCoverage, invalid: entries.length - valid, score: valid === 0 ? undefined : (100 * (killed + timeout)) / valid };
}

/**
 * Reads the logs (the kept results and this checkout's log, by default) and scores each file of `scope`
 * (the config's `mutate` globs) from its current results. Kept results hold no invalid mutants: the
 * invalid column counts only those of the log.
 */
export function scoreFromLog(scope: readonly string[], logs: string | readonly string[] = [keptResultsFile, mutantLogFile]): ScoreReport {
  const lines = (typeof logs === 'string' ? [logs] : logs).flatMap((log) => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : []));
  const newest = new Map<string, MutantEntry>();
  for (const entry of lines.map((line) => JSON.parse(line) as MutantEntry)) {
    const key = [entry.file, entry.line, entry.column, entry.endLine, entry.endColumn, entry.mutator, entry.replacement].join('\u0000');
    const known = newest.get(key);
    if (!known || known.at <= entry.at) newest.set(key, entry);
  }
  const inScope = [...new Set(scope.flatMap((pattern) => expandGlob(pattern)))];
  const files = inScope.filter((file) => hasCodeToMutate(readFileSync(file, 'utf8')));
  const current = new Map(files.map((file) => [file, [] as MutantEntry[]]));
  const digests = new Map(files.map((file) => [file, digestOf(file)]));
  // Entries written before the log recorded where a mutant ends cannot be told apart from a newer
  // run's; a file that a newer run measured counts that run's only.
  const withEnds = new Set([...newest.values()].filter((entry) => entry.endLine !== undefined).map((entry) => `${entry.file}\u0000${entry.digest}`));
  for (const entry of newest.values()) {
    if (entry.endLine === undefined && withEnds.has(`${entry.file}\u0000${entry.digest}`)) continue;
    if (digests.get(entry.file) === entry.digest) current.get(entry.file)!.push(entry);
  }
  // Stryker reports a file's static mutants as ignored before it runs any of its others: a run stopped then measured nothing of it.
  const measured = files.filter((file) => current.get(file)!.some((entry) => entry.status !== 'Ignored'));
  const all = measured.flatMap((file) => current.get(file)!);
  const byPlace = (a: MutantEntry, b: MutantEntry) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column;
  return {
    current: measured.flatMap((file) => current.get(file)!.filter((entry) => validStatuses.has(entry.status))).sort(byPlace),
    files: measured.map((file) => tally(file, current.get(file)!)),
    notMeasured: files.filter((file) => !measured.includes(file)),
    nothingToMutate: inScope.filter((file) => !files.includes(file)),
    total: tally('total', all),
    survivors: all.filter((entry) => entry.status === 'Survived' || entry.status === 'NoCoverage').sort(byPlace),
  };
}

const percent = (score: number | undefined) => (score === undefined ? '—' : `${score.toFixed(2)} %`);

export function formatScore(report: ScoreReport, options: { survivors?: boolean } = {}): string {
  const row = (s: FileScore) => `| ${s.file} | ${s.killed} | ${s.timeout} | ${s.survived} | ${s.noCoverage} | ${s.invalid} | ${percent(s.score)} |`;
  const lines = ['| file | killed | timeout | survived | no coverage | invalid | score |', '|---|---|---|---|---|---|---|', ...report.files.map(row), row(report.total)];
  if (report.notMeasured.length > 0) lines.push('', `Not measured (never run, or changed since their run): ${report.notMeasured.length} files`, ...report.notMeasured.map((file) => `- ${file}`));
  if (report.nothingToMutate.length > 0) lines.push('', `Nothing to mutate (types, and constants only module loading runs): ${report.nothingToMutate.join(', ')}`);
  if (options.survivors) lines.push('', 'Survivors and uncovered mutants:', ...report.survivors.map((m) => `- ${m.file}:${m.line}:${m.column} ${m.mutator} → ${JSON.stringify(m.replacement).slice(0, 120)} (${m.status})`));
  return lines.join('\n');
}

/**
 * Writes the results the score rests on to `file`, one per line, in the order of their place: what a
 * commit keeps of the runs so far. A result of a file changed since drops out, as it does from the score.
 */
export function keepResults(report: ScoreReport, file = keptResultsFile): number {
  const kept = report.current.map(({ file: source, digest, line, column, endLine, endColumn, mutator, replacement, status, at }) => ({ file: source, digest, line, column, endLine, endColumn, mutator, replacement, status, at }));
  writeFileSync(file, kept.map((entry) => `${JSON.stringify(entry)}\n`).join(''));
  return kept.length;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { default: config } = (await import(pathToFileURL(join(process.cwd(), 'stryker.config.mjs')).href)) as { default: { mutate: string[] } };
  const report = scoreFromLog(config.mutate);
  console.log(formatScore(report, { survivors: process.argv.includes('--survivors') }));
  if (process.argv.includes('--keep')) console.log(`\nKept ${keepResults(report)} results in ${keptResultsFile}.`);
}
