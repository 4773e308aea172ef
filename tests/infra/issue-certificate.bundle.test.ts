import { join } from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { build } from 'esbuild';
import { functions } from '../../functions/app.declaration';
import { projectRoot } from '../../infra/constructs/loket-function.construct';
import { bundlingOptions } from '../../infra/deployment';

/** Issue 14's budget for every function's code, which Lambda loads at each cold start. */
const budget = 500 * 1024;

describe('the issue-certificate bundle', () => {
  test('is under 500 KB with the deployment’s esbuild options, because the PDF writer is Loket’s own and pdf-lib stays out', async () => {
    const declaration = functions.find((candidate) => candidate.name === 'issue-certificate');
    if (!declaration) throw new Error('issue-certificate is not declared');
    const result = await build({
      ...bundlingOptions,
      entryPoints: [join(projectRoot, declaration.entry)],
      outfile: join(projectRoot, '.loket', 'issue-certificate', 'index.mjs'),
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const code = result.outputFiles.filter((file) => !file.path.endsWith('.map'));
    expect(code).toHaveLength(1);
    const inputs = Object.keys(result.metafile.inputs);
    const packages = new Set(inputs.flatMap((input) => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input)?.[1] ?? []));
    expect([...packages].filter((name) => /pdf-lib|pako|upng/.test(name))).toEqual([]);
    expect(inputs).toContain('functions/adapters/pdf.writer.ts');
    expect(code[0]?.contents.byteLength).toBeLessThan(budget);
  });
});
