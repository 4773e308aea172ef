import { execFileSync } from 'node:child_process';
import type { Metafile } from 'esbuild';
import { minimalHandlerSource, sdkPackagesOf } from '../../../bench/cold-start';
import { projectRoot } from '../../../infra/local/paths';

const output = (imports: Array<{ path: string; external?: boolean }>): Metafile['outputs'][string] => ({
  bytes: 1,
  inputs: {},
  exports: ['handler'],
  imports: imports.map((entry) => ({ kind: 'import-statement', external: false, ...entry })),
});

describe('the minimal handler a function is compared with at init', () => {
  test('loads the AWS SDK packages the bundle imports at init: external, once each, sorted; not node builtins or bundled code', () => {
    const metafile: Metafile = {
      inputs: {},
      outputs: {
        'get-case.mjs': output([
          { path: '@aws-sdk/lib-dynamodb', external: true },
          { path: 'node:crypto', external: true },
          { path: '@aws-sdk/client-kms', external: true },
          { path: '@aws-sdk/client-dynamodb', external: true },
          { path: '@aws-sdk/client-kms', external: true },
          { path: 'node_modules/@aws-sdk/util-bundled/index.js' },
        ]),
        'get-case.mjs.map': output([]),
      },
    };
    expect(sdkPackagesOf(metafile)).toEqual(['@aws-sdk/client-dynamodb', '@aws-sdk/client-kms', '@aws-sdk/lib-dynamodb']);
  });

  test('a function that imports no SDK package is compared with a handler that imports nothing', () => {
    expect(sdkPackagesOf({ inputs: {}, outputs: { 'health.mjs': output([{ path: 'node:crypto', external: true }]) } })).toEqual([]);
    expect(minimalHandlerSource([])).toBe('export const handler = async () => ({ statusCode: 200 });');
  });

  test('creates a client of each client package, and the document client around a DynamoDB client', () => {
    const source = minimalHandlerSource(['@aws-sdk/client-kms', '@aws-sdk/client-sfn', '@aws-sdk/lib-dynamodb', '@aws-sdk/util-dynamodb']);
    const probe = `${source}\nconsole.log(JSON.stringify([c0.constructor.name, c1.constructor.name, c2.constructor.name, typeof c3.marshall, typeof handler]));`;
    const printed = execFileSync(process.execPath, ['--input-type=module', '-e', probe], {
      cwd: projectRoot,
      env: { PATH: process.env.PATH ?? '', AWS_REGION: 'eu-west-1', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
      encoding: 'utf8',
    });
    expect(JSON.parse(printed.trim())).toEqual(['KMSClient', 'SFNClient', 'DynamoDBDocumentClient', 'function', 'function']);
  });
});
