import { describe, expect, test } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');
const patches = join(root, 'patches');

/** The files a patch-package patch changes, as its `diff --git a/… b/…` lines name them. */
const changedFiles = (patch: string) => [...readFileSync(join(patches, patch), 'utf8').matchAll(/^diff --git a\/(\S+) b\//gm)].map((found) => found[1]!);

describe('the patches to installed packages (patches/, applied by postinstall)', () => {
  test.each(readdirSync(patches).filter((name) => name.endsWith('.patch')))('%s changes only the package’s own files: no copy left by an edit', (patch) => {
    const files = changedFiles(patch);
    expect(files.length).toBeGreaterThan(0);
    expect(files.filter((file) => !/^node_modules\/.+\.(js|mjs|cjs|d\.ts|json)$/.test(file))).toEqual([]);
  });

  test('both installed copies of asl-validator keep one compiled validator between calls', () => {
    // The interpreter's own copy and the designer lint's: unpatched, each compiles its schemas for every definition.
    for (const copy of ['node_modules/aws-local-stepfunctions/node_modules/asl-validator', 'node_modules/asl-validator']) {
      expect(readFileSync(join(root, copy, 'dist/src/checks/json-schema-errors.js'), 'utf8')).toContain('var ajvByOptions = new Map();');
    }
  });
});
