import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { bundlingOptions } from '../../infra/deployment';

/*
 * A bundle built as every function's is (minified, its map beside it), whose code throws from
 * known lines of its source (refusal.ts): line 6 throws, line 11 calls the line that throws, and
 * line 13 throws again with the first error as its cause.
 */

const source = `export class RefusedError extends Error {
  readonly code = 'refused'; override readonly name = 'RefusedError';
}

export function refuse(reason: string): never {
  throw new RefusedError(reason);
}

export function refuseBecause(reason: string): never {
  try {
    refuse(reason);
  } catch (cause) {
    throw new Error('could not go on', { cause });
  }
}
`;

export interface MinifiedBundle {
  /** The folder the bundle's source (refusal.ts) is in; the bundle and its map are two folders below it. */
  readonly directory: string;
  /** The bundle, out/lambda/index.mjs, with index.mjs.map beside it. */
  readonly file: string;
  /**
   * What the bundle throws when `call` runs in a Node of its own, as on Lambda (Jest maps the
   * stacks of the files it loads): the error, with its cause, rebuilt with the stacks it had there.
   */
  thrown(call: 'refuse' | 'refuseBecause', reason: string): Error;
  remove(): void;
}

export async function minifiedBundle(): Promise<MinifiedBundle> {
  const directory = mkdtempSync(join(tmpdir(), 'loket-stack-'));
  writeFileSync(join(directory, 'refusal.ts'), source);
  const bundleFile = join(directory, 'out', 'lambda', 'index.mjs');
  await build({ ...bundlingOptions, entryPoints: [join(directory, 'refusal.ts')], outfile: bundleFile, logLevel: 'silent' });
  type Plain = { name?: string; message: string; stack: string; code?: string; cause?: Plain };
  const rebuilt = (from: Plain): Error => {
    const error = new Error(from.message, from.cause && { cause: rebuilt(from.cause) });
    // Own fields, as the class's fields are.
    if (from.code !== undefined) Object.assign(error, { code: from.code });
    if (from.name !== undefined) Object.assign(error, { name: from.name });
    error.stack = from.stack;
    return error;
  };
  return {
    directory,
    file: bundleFile,
    thrown(call, reason) {
      const script = `const bundle = await import(${JSON.stringify(pathToFileURL(bundleFile).href)});
try { bundle.${call}(${JSON.stringify(reason)}); } catch (error) {
  const plain = (e) => ({ name: Object.hasOwn(e, 'name') ? e.name : undefined, message: e.message, stack: e.stack, code: e.code, cause: e.cause && plain(e.cause) });
  console.log(JSON.stringify(plain(error)));
}`;
      return rebuilt(JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } })) as Plain);
    },
    remove: () => rmSync(directory, { recursive: true, force: true }),
  };
}

/** The first frame of a stack. */
export const topFrame = (stack: string): string => stack.split('\n').find((line) => line.trimStart().startsWith('at '))!;
