import { execFileSync } from 'node:child_process';
import { cpus, release, type as osType, totalmem } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../infra/local/paths';

/** Git-ignored: results are of one machine and one moment. */
export const resultsDirectory = join(projectRoot, 'bench-results');

/** The machine and commit a result was measured on, so that figures can be compared honestly. */
export function machineAndCommit() {
  let commit = 'unknown';
  let dirty = false;
  try {
    commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: projectRoot, encoding: 'utf8' }).trim();
    dirty = execFileSync('git', ['status', '--porcelain'], { cwd: projectRoot, encoding: 'utf8' }).trim().length > 0;
  } catch {
    // not a git checkout
  }
  return {
    date: new Date().toISOString(),
    commit,
    /** Uncommitted changes were present: the figures are of the working tree, not only the commit. */
    dirty,
    machine: {
      os: `${osType()} ${release()}`,
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? 'unknown',
      memoryGiB: Math.round(totalmem() / 2 ** 30),
      node: process.version,
    },
  };
}

const started = performance.now();

/** One line of progress on stderr, with the seconds since the run started. */
export function progress(message: string): void {
  process.stderr.write(`[${((performance.now() - started) / 1000).toFixed(1).padStart(6)} s] ${message}\n`);
}
