import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { sourceMappedStack, withSourceMappedStack } from '../../../functions/commons/source-mapped-stack';
import { minifiedBundle, topFrame, type MinifiedBundle } from '../../support/minified-bundle';

let bundle: MinifiedBundle;
beforeAll(async () => {
  bundle = await minifiedBundle();
});
afterAll(() => bundle.remove());
const thrown: MinifiedBundle['thrown'] = (call, reason) => bundle.thrown(call, reason);

/** The frames of a stack (its lines that start with `at`). */
const framesOf = (stack: string) => stack.split('\n').filter((line) => line.trimStart().startsWith('at '));

/** A copy of the bundle and its map in a folder of its own under the source's: the same code under another file name. */
function copyOfBundle(folder: string): string {
  const file = join(bundle.directory, 'copies', folder, 'index.mjs');
  mkdirSync(join(bundle.directory, 'copies', folder), { recursive: true });
  copyFileSync(bundle.file, file);
  copyFileSync(`${bundle.file}.map`, `${file}.map`);
  return file;
}

/** A frame moved to another copy of the bundle: the same place, another file. */
const movedTo = (frame: string, file: string) => frame.replace(pathToFileURL(bundle.file).href, pathToFileURL(file).href);

describe('a stack from a minified bundle with its map', () => {
  test('points at the line and column of the source that threw, by its path from the source folder', () => {
    const error = thrown('refuse', 'no');
    expect(topFrame(error.stack!)).toContain('index.mjs:');
    // `  throw new RefusedError(reason);` is line 6 of refusal.ts; the error is made at `new`, column 9.
    // The bundle is two folders below the source: the map names it ../../refusal.ts.
    expect(topFrame(sourceMappedStack(error.stack!))).toMatch(/ \(refusal\.ts:6:9\)$/);
  });

  test('names a minified function by the name its caller in the same bundle called it by, whatever the length of its minified name', () => {
    const cause = thrown('refuseBecause', 'no').cause as Error;
    const frames = framesOf(cause.stack!);
    expect(frames[0]).not.toMatch(/[ .]refuse \(/);
    // refuse threw (line 6), called by refuseBecause at line 11, column 5, itself called from outside the bundle.
    const mapped = framesOf(sourceMappedStack(cause.stack!));
    expect(mapped[0]).toMatch(/[ .]refuse \(refusal\.ts:6:9\)$/);
    expect(mapped[1]).toMatch(/ \(refusal\.ts:11:5\)$/);
    // A longer minified name is replaced whole.
    const longer = [cause.stack!.split('\n')[0], frames[0]!.replace(/[\w$]+ \(/, 'xy$z9 ('), ...frames.slice(1)].join('\n');
    expect(framesOf(sourceMappedStack(longer))[0]).toMatch(/[ .]refuse \(refusal\.ts:6:9\)$/);
  });

  test('keeps a minified name when the caller is in another file, which names none of its functions', () => {
    const frames = framesOf((thrown('refuseBecause', 'no').cause as Error).stack!);
    const other = copyOfBundle('other');
    const mapped = framesOf(sourceMappedStack([frames[0], movedTo(frames[1]!, other)].join('\n')));
    expect(mapped[0]).toBe(frames[0]!.replace(/\(file:.*\)$/, '(refusal.ts:6:9)'));
    expect(mapped[1]).toMatch(/ \(refusal\.ts:11:5\)$/);
  });

  test('is mapped with the map as it was first read', () => {
    const cached = copyOfBundle('cached');
    const frame = movedTo(topFrame(thrown('refuse', 'no').stack!), cached);
    expect(sourceMappedStack(frame)).toMatch(/ \(refusal\.ts:6:9\)$/);
    rmSync(`${cached}.map`);
    expect(sourceMappedStack(frame)).toMatch(/ \(refusal\.ts:6:9\)$/);
  });

  test('keeps the first line and the frames of files without a map as they were', () => {
    const error = thrown('refuse', 'no');
    const lines = error.stack!.split('\n');
    const mapped = sourceMappedStack(error.stack!).split('\n');
    expect(mapped[0]).toBe(lines[0]);
    const unmapped = lines.filter((line) => line.includes('at ') && !line.includes('index.mjs'));
    expect(unmapped.length).toBeGreaterThan(0);
    for (const line of unmapped) expect(mapped).toContain(line);
  });

  test('is left as it is when the map beside the bundle cannot be read', () => {
    const broken = join(bundle.directory, 'broken', 'index.mjs');
    const stack = `Error: no\n    at refuse (${pathToFileURL(broken).href}:1:20)\n    at ${broken}:1:40`;
    mkdirSync(join(bundle.directory, 'broken'));
    writeFileSync(`${broken}.map`, '{ not a map');
    expect(sourceMappedStack(stack)).toBe(stack);
  });
});

describe('an error as the logger writes it', () => {
  test('is a copy of the same class, message and fields, the cause mapped too, the error itself untouched', () => {
    const error = thrown('refuseBecause', 'no');
    const before = error.stack;
    const copy = withSourceMappedStack(error);
    expect(copy).not.toBe(error);
    expect(copy).toBeInstanceOf(Error);
    expect(copy.message).toBe('could not go on');
    // `    throw new Error('could not go on', { cause });` is line 13.
    expect(topFrame(copy.stack!)).toMatch(/ \(refusal\.ts:13:11\)$/);
    const cause = copy.cause as Error & { code: string };
    expect(cause.code).toBe('refused');
    expect(cause.message).toBe('no');
    expect(topFrame(cause.stack!)).toMatch(/ \(refusal\.ts:6:9\)$/);
    expect(error.stack).toBe(before);
    expect(topFrame((error.cause as Error).stack!)).toContain('index.mjs:');
  });

  test('has the fields of the error, each as the error has it: only its own enumerable fields show as fields', () => {
    const error = thrown('refuseBecause', 'no');
    const copy = withSourceMappedStack(error);
    expect(Object.keys(copy)).toEqual(Object.keys(error));
    // The cause's class declares its code and its name as fields.
    expect(Object.keys(copy.cause as Error)).toEqual(['code', 'name']);
    expect((copy.cause as Error).name).toBe('RefusedError');
    const described = (subject: object, field: string) => {
      const { value: _value, ...descriptor } = Object.getOwnPropertyDescriptor(subject, field)!;
      return descriptor;
    };
    for (const field of ['message', 'stack', 'cause']) expect(described(copy, field)).toEqual(described(error, field));
    for (const field of ['message', 'stack', 'code', 'name']) expect(described(copy.cause as Error, field)).toEqual(described(error.cause as Error, field));
  });
});
