import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { buildOpenApiDocument } from '../../../functions/api/openapi.document';

/*
 * The generated OpenAPI document, linted as a security reviewer would: Spectral with the OWASP
 * API Security ruleset (.spectral.yaml) and Redocly's recommended rules (redocly.yaml). Both run
 * from node_modules on a file, offline; every rule switched off is listed with its reason in
 * those files. A broken copy of the document shows that the rules are live.
 */
const root = resolve(import.meta.dirname, '../../..');
const run = promisify(execFile);
/** Redocly would otherwise send usage data and look for updates. */
const offline = { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_UPDATE_NOTIFIER: '1' };

interface Finding {
  readonly rule: string;
  readonly where: string;
  readonly message: string;
}

/** Spectral's errors (severity 0) for a document file. */
async function spectralErrors(file: string): Promise<Finding[]> {
  const args = ['lint', file, '--ruleset', join(root, '.spectral.yaml'), '--format', 'json', '--quiet', '--fail-severity', 'error'];
  const { stdout } = await run(join(root, 'node_modules/.bin/spectral'), args, { cwd: root, env: offline, maxBuffer: 64 * 1024 * 1024 }).catch(
    (error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }),
  );
  const results = JSON.parse(stdout) as { code: string; severity: number; path: string[]; message: string }[];
  return results.filter((result) => result.severity === 0).map((result) => ({ rule: result.code, where: result.path.join('.'), message: result.message }));
}

/** Redocly's errors for a document file. */
async function redoclyErrors(file: string): Promise<Finding[]> {
  const args = ['lint', file, '--config', join(root, 'redocly.yaml'), '--format', 'json'];
  const { stdout } = await run(join(root, 'node_modules/.bin/redocly'), args, { cwd: root, env: offline, maxBuffer: 64 * 1024 * 1024 }).catch(
    (error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }),
  );
  const { problems } = JSON.parse(stdout) as { problems: { ruleId: string; severity: string; message: string; location: { pointer: string }[] }[] };
  return problems
    .filter((problem) => problem.severity === 'error')
    .map((problem) => ({ rule: problem.ruleId, where: problem.location[0]?.pointer ?? '', message: problem.message }));
}

let scratch: string;
let documentFile: string;
let brokenFile: string;

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'loket-openapi-'));
  const document = buildOpenApiDocument() as any;
  documentFile = join(scratch, 'openapi.json');
  writeFileSync(documentFile, JSON.stringify(document, null, 2));
  // The same document with one unbounded path id, and a public route without `security: []`.
  const broken = structuredClone(document);
  delete broken.paths['/v1/tasks/{id}/claim'].post.parameters[0].schema.maxLength;
  delete broken.paths['/v1/health'].get.security;
  brokenFile = join(scratch, 'broken.json');
  writeFileSync(brokenFile, JSON.stringify(broken, null, 2));
});

afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

describe('the OpenAPI document passes the security linters', () => {
  test('Spectral with the OWASP API Security ruleset finds no error', async () => {
    expect(await spectralErrors(documentFile)).toEqual([]);
  });

  test("Redocly's recommended rules find no error", async () => {
    expect(await redoclyErrors(documentFile)).toEqual([]);
  });

  test('both report an unbounded path id and a public route without security: []', async () => {
    const [spectral, redocly] = await Promise.all([spectralErrors(brokenFile), redoclyErrors(brokenFile)]);
    expect(spectral).toEqual([expect.objectContaining({ rule: 'owasp:api4:2023-string-limit', where: 'paths./v1/tasks/{id}/claim.post.parameters.0.schema' })]);
    expect(redocly).toEqual([expect.objectContaining({ rule: 'security-defined', where: '#/paths/~1v1~1health/get' })]);
  });
});
