/**
 * A StrykerJS reporter that appends each mutant's result to reports/mutation/mutants.jsonl the
 * moment it is known, with a digest of its source file. Stryker writes its own reports only when a
 * run ends, and a run over the whole scope outlasts a working session on a two-core machine: with
 * this log a stopped run keeps what it measured, and `npm run mutate:score` adds up the results of
 * several partial runs (`npm run mutate -- --mutate <files>`) while their sources are unchanged.
 */
import { createHash } from 'node:crypto';
import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, matchesGlob, relative, resolve } from 'node:path';
import { commonTokens, declareClassPlugin, PluginKind } from '@stryker-mutator/api/plugin';

export const mutantLogFile = 'reports/mutation/mutants.jsonl';

/**
 * Whether a file is one this run mutates: named by one of its `mutate` patterns (a path or a glob, with or
 * without a line range). An incremental run also reports the last results of the other files its
 * incremental file holds, as they were; one changed since would be logged under its new digest at its
 * old places, as if measured.
 */
export function inScopeOf(patterns) {
  const paths = patterns.map((pattern) => pattern.replace(/:\d+(:\d+)?-\d+(:\d+)?$/, ''));
  // A plain path is compared as it is: Node 20's matchesGlob is experimental and warns once a process.
  const matches = (file, path) => path === file || (/[*?[{]/.test(path) && matchesGlob(file, path));
  // Stryker's `!pattern` takes files out again.
  const named = paths.filter((path) => !path.startsWith('!'));
  const excluded = paths.filter((path) => path.startsWith('!')).map((path) => path.slice(1));
  return (file) => named.some((path) => matches(file, path)) && !excluded.some((path) => matches(file, path));
}

class MutantLogReporter {
  static inject = [commonTokens.options];
  digests = new Map();

  constructor(options) {
    this.inScope = inScopeOf(options.mutate);
  }

  digestOf(file) {
    if (!this.digests.has(file)) this.digests.set(file, createHash('sha256').update(readFileSync(file)).digest('hex').slice(0, 16));
    return this.digests.get(file);
  }

  onMutantTested(result) {
    const file = relative(process.cwd(), resolve(result.fileName));
    if (!this.inScope(file)) return;
    const { line, column } = result.location.start;
    const entry = {
      file,
      digest: this.digestOf(file),
      line,
      column,
      // Two mutants may start at one place with the same mutator and replacement (a literal inside a literal).
      endLine: result.location.end.line,
      endColumn: result.location.end.column,
      mutator: result.mutatorName,
      replacement: result.replacement,
      status: result.status,
      killedBy: result.killedBy?.length ?? 0,
      at: new Date().toISOString(),
    };
    mkdirSync(dirname(mutantLogFile), { recursive: true });
    appendFileSync(mutantLogFile, `${JSON.stringify(entry)}\n`);
  }
}

export const strykerPlugins = [declareClassPlugin(PluginKind.Reporter, 'mutant-log', MutantLogReporter)];
