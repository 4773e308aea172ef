import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { DeleteObjectsCommand, ListObjectsV2Command, ListObjectVersionsCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { s3CaseFiles } from '../../functions/adapters/case-files';
import { localCredentials, localRegion } from '../../infra/local/local-network';
import type { S3Local } from '../../infra/local/s3-local';
import { startS3Local } from '../../infra/local/s3-local';

/*
 * The retention job's file destruction with a real SDK client against the local S3 server, which
 * keeps no versions: its ListObjectVersions answers as a bucket whose versioning was never enabled
 * (each object once, version "null"), and DeleteObjects of version "null" deletes the object. The
 * versioned bucket's side (noncurrent versions, delete markers): tests/unit/adapters/case-files.test.ts.
 */
const bucket = 'loket-documents-test';
let local: S3Local;
let client: S3Client;
const requests: string[] = [];

const prefixOf = (subject: { id: string; tenant: string }) => `documents/${subject.tenant}/${subject.id}/`;
const caseA = { id: '01JDZ000000000000000000001', tenant: '44021' };
const caseB = { id: '01JDZ000000000000000000002', tenant: '44021' };
const put = (key: string) => client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: new Uint8Array([37, 80, 68, 70]), ContentType: 'application/pdf' }));
async function keysUnder(prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
    keys.push(...(page.Contents ?? []).map((object) => object.Key!));
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return keys;
}

beforeAll(async () => {
  local = await startS3Local({ port: 0, buckets: [bucket] });
  client = new S3Client({ endpoint: local.endpoint, forcePathStyle: true, region: localRegion, credentials: localCredentials });
  client.middlewareStack.add(
    (next, context) => (args) => {
      requests.push(String(context.commandName).replace(/Command$/, ''));
      return next(args);
    },
    { step: 'initialize', name: 'recordRequests' },
  );
}, 60_000);

afterAll(async () => {
  client?.destroy();
  await local?.stop();
});

describe('the local S3 server', () => {
  test('lists versions as an unversioned bucket does: every object once, as its latest version "null", a page at a time', async () => {
    for (const name of ['a', 'b', 'c']) await put(`versions-listing/${name}.pdf`);
    const first = await client.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: 'versions-listing/', MaxKeys: 2 }));
    expect(first.Versions?.map(({ Key, VersionId, IsLatest, Size }) => ({ Key, VersionId, IsLatest, Size }))).toEqual([
      { Key: 'versions-listing/a.pdf', VersionId: 'null', IsLatest: true, Size: 4 },
      { Key: 'versions-listing/b.pdf', VersionId: 'null', IsLatest: true, Size: 4 },
    ]);
    expect(first.DeleteMarkers).toBeUndefined();
    expect(first).toMatchObject({ IsTruncated: true, NextKeyMarker: 'versions-listing/b.pdf', NextVersionIdMarker: 'null' });
    const second = await client.send(
      new ListObjectVersionsCommand({ Bucket: bucket, Prefix: 'versions-listing/', MaxKeys: 2, KeyMarker: first.NextKeyMarker, VersionIdMarker: first.NextVersionIdMarker }),
    );
    expect(second.Versions?.map((version) => version.Key)).toEqual(['versions-listing/c.pdf']);
    expect(second.IsTruncated).toBe(false);
  });

  test('refuses to list versions with a key it does not know, as its other operations do', async () => {
    const stranger = new S3Client({ endpoint: local.endpoint, forcePathStyle: true, region: localRegion, credentials: { accessKeyId: 'stranger', secretAccessKey: 'x' } });
    try {
      await expect(stranger.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: 'versions-listing/' }))).rejects.toMatchObject({ name: 'InvalidAccessKeyId' });
    } finally {
      stranger.destroy();
    }
  });

  test('deletes version "null" of an object with DeleteObjects', async () => {
    await put('versions-delete/a.pdf');
    const answer = await client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: [{ Key: 'versions-delete/a.pdf', VersionId: 'null' }], Quiet: true } }));
    expect(answer.Errors ?? []).toEqual([]);
    expect(await keysUnder('versions-delete/')).toEqual([]);
  });
});

describe("destroying a case's files on the local S3 server", () => {
  // Batches of 1000 and S3's listing markers over many pages: the unit test (1000 files here take s3rver 20 s).
  test("removes every file under the case's prefix, by version, and nothing of another case", async () => {
    const mine = Array.from({ length: 30 }, (_, i) => `${prefixOf(caseA)}44021-2026-${String(i).padStart(6, '0')}.pdf`);
    const theirs = `${prefixOf(caseB)}44021-2026-999999.pdf`;
    await Promise.all(mine.map(put));
    await put(theirs);
    const files = s3CaseFiles(client, bucket, prefixOf);

    const keys = await files.keysOf(caseA);
    expect(keys.sort()).toEqual([...mine].sort());
    requests.length = 0;
    await files.remove(keys);

    expect(requests).toEqual(['ListObjectVersions', 'DeleteObjects']);
    expect(await keysUnder(prefixOf(caseA))).toEqual([]);
    expect(await keysUnder(prefixOf(caseB))).toEqual([theirs]);
    // A second run finds nothing left and asks nothing more.
    expect(await files.keysOf(caseA)).toEqual([]);
    await files.remove([]);
  }, 60_000);
});
