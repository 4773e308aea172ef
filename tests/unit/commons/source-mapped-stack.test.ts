import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdirSync, writeFileSync } from 'node:fs';
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

describe('a stack from a minified bundle with its map', () => {
  test('points at the line and column of the source that threw, under its own name', () => {
    const error = thrown('refuse', 'no');
    expect(topFrame(error.stack!)).toContain('index.mjs:');
    const mapped = topFrame(sourceMappedStack(error.stack!));
    // `throw new RefusedError(reason)` is line 6 of the source, indented by two.
    expect(mapped).toMatch(/refusal\.ts:6:\d+\)?$/);
    expect(mapped).not.toContain('index.mjs');
  });

  test("names a minified function by the name its caller in the bundle called it by", () => {
    const cause = thrown('refuseBecause', 'no').cause as Error;
    expect(topFrame(cause.stack!)).not.toMatch(/[ .]refuse \(/);
    const frames = sourceMappedStack(cause.stack!).split('\n').filter((line) => line.includes('refusal.ts'));
    // refuse threw (line 6), called by refuseBecause (line 11), called from outside the bundle.
    expect(frames[0]).toMatch(/[ .]refuse \(refusal\.ts:6:\d+\)$/);
    expect(frames[1]).toMatch(/refusal\.ts:11:\d+\)$/);
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
    expect(topFrame(copy.stack!)).toMatch(/refusal\.ts:13:\d+\)?$/);
    const cause = copy.cause as Error & { code: string };
    expect(cause.code).toBe('refused');
    expect(cause.message).toBe('no');
    expect(topFrame(cause.stack!)).toMatch(/refusal\.ts:6:\d+\)?$/);
    expect(error.stack).toBe(before);
    expect(topFrame((error.cause as Error).stack!)).toContain('index.mjs:');
  });

});
