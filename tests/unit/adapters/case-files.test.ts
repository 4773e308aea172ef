import { describe, expect, test } from '@jest/globals';
import type { DeleteObjectsCommandOutput, ListObjectVersionsCommandOutput, ObjectIdentifier, S3Client } from '@aws-sdk/client-s3';
import { DeleteObjectsCommand, ListObjectVersionsCommand } from '@aws-sdk/client-s3';
import { FilesNotDestroyed, s3CaseFiles } from '../../../functions/adapters/case-files';

/*
 * The retention job's file destruction against a bucket that keeps versions, as the documents
 * bucket on AWS does: a double of S3's ListObjectVersions (pages of at most 1000 entries, versions
 * and delete markers, key and version-id markers) and DeleteObjects (at most 1000 keys a request,
 * one version each). The same requests against the local S3 server: tests/e2e/case-files.e2e.test.ts.
 */

interface StoredVersion {
  readonly Key: string;
  readonly VersionId: string;
  readonly deleteMarker: boolean;
}

function versionedBucket(options: { refuse?: (identifier: ObjectIdentifier) => boolean } = {}) {
  /** Newest first per key, as S3 lists them. */
  let stored: StoredVersion[] = [];
  let next = 0;
  const requests: Array<{ command: string; input: unknown }> = [];
  const ordered = () => [...stored].sort((a, b) => (a.Key < b.Key ? -1 : a.Key > b.Key ? 1 : b.VersionId.localeCompare(a.VersionId)));

  const bucket = {
    requests,
    put(key: string) {
      stored.push({ Key: key, VersionId: `v${String((next += 1)).padStart(6, '0')}`, deleteMarker: false });
    },
    /** A plain DeleteObject on a versioned bucket: a delete marker on top, the file stays as a noncurrent version. */
    deleteCurrent(key: string) {
      stored.push({ Key: key, VersionId: `v${String((next += 1)).padStart(6, '0')}`, deleteMarker: true });
    },
    versions: () => ordered().map(({ Key, VersionId, deleteMarker }) => `${Key}@${VersionId}${deleteMarker ? ' (delete marker)' : ''}`),
    client: {
      async send(command: unknown): Promise<unknown> {
        if (command instanceof ListObjectVersionsCommand) {
          const input = command.input;
          requests.push({ command: 'ListObjectVersions', input });
          const all = ordered().filter((version) => version.Key.startsWith(input.Prefix ?? ''));
          const start = input.KeyMarker === undefined ? 0 : all.findIndex((v) => v.Key === input.KeyMarker && v.VersionId === input.VersionIdMarker) + 1;
          const page = all.slice(start, start + 1000);
          const newest = new Map<string, StoredVersion>();
          for (const version of all) if (!newest.has(version.Key)) newest.set(version.Key, version);
          const latest = (version: StoredVersion) => newest.get(version.Key) === version;
          const truncated = start + page.length < all.length;
          const output: Partial<ListObjectVersionsCommandOutput> = {
            Versions: page.filter((v) => !v.deleteMarker).map((v) => ({ Key: v.Key, VersionId: v.VersionId, IsLatest: latest(v) })),
            DeleteMarkers: page.filter((v) => v.deleteMarker).map((v) => ({ Key: v.Key, VersionId: v.VersionId, IsLatest: latest(v) })),
            IsTruncated: truncated,
            ...(truncated ? { NextKeyMarker: page.at(-1)!.Key, NextVersionIdMarker: page.at(-1)!.VersionId } : {}),
          };
          return output;
        }
        if (command instanceof DeleteObjectsCommand) {
          const objects = command.input.Delete?.Objects ?? [];
          requests.push({ command: 'DeleteObjects', input: command.input });
          if (objects.length > 1000) throw Object.assign(new Error('MalformedXML'), { name: 'MalformedXML' });
          const refused = objects.filter((identifier) => options.refuse?.(identifier));
          const gone = objects.filter((identifier) => !refused.includes(identifier));
          const goneIds = new Set(gone.map((identifier) => `${identifier.Key}@${identifier.VersionId}`));
          stored = stored.filter((v) => !goneIds.has(`${v.Key}@${v.VersionId}`));
          const output: Partial<DeleteObjectsCommandOutput> = { Errors: refused.map((identifier) => ({ Key: identifier.Key, VersionId: identifier.VersionId, Code: 'AccessDenied' })) };
          return output;
        }
        throw new Error(`unexpected request ${String(command)}`);
      },
    } as unknown as Pick<S3Client, 'send'>,
  };
  return bucket;
}

const prefixOf = (subject: { id: string; tenant: string }) => `documents/${subject.tenant}/${subject.id}/`;
const caseA = { id: '01JDZ000000000000000000001', tenant: '44021' };
const caseB = { id: '01JDZ000000000000000000002', tenant: '44021' };
const fileOf = (subject: { id: string; tenant: string }, name: string) => `${prefixOf(subject)}${name}.pdf`;

describe("destroying a case's files in a versioned bucket", () => {
  test('takes every version and delete marker of each file, including one a plain delete only hid, and nothing of another case', async () => {
    const bucket = versionedBucket();
    const certificate = fileOf(caseA, '44021-2026-000001');
    const leftByRetry = fileOf(caseA, '44021-2026-000001-retry');
    bucket.put(certificate);
    bucket.put(certificate); // a retried step overwrote it: the first stays as a noncurrent version
    bucket.put(leftByRetry);
    bucket.deleteCurrent(leftByRetry); // an earlier run's DeleteObject: only a delete marker
    bucket.put(fileOf(caseB, '44021-2026-000002'));
    const files = s3CaseFiles(bucket.client, 'bucket', prefixOf);

    const keys = await files.keysOf(caseA);
    expect(keys.sort()).toEqual([certificate, leftByRetry].sort());
    await files.remove(keys);

    expect(bucket.versions()).toEqual([`${fileOf(caseB, '44021-2026-000002')}@v000005`]);
    const deletes = bucket.requests.filter((request) => request.command === 'DeleteObjects');
    expect(deletes).toHaveLength(1);
    expect((deletes[0]!.input as { Delete: { Objects: ObjectIdentifier[]; Quiet: boolean } }).Delete).toEqual({
      Objects: expect.arrayContaining([
        { Key: certificate, VersionId: 'v000001' },
        { Key: certificate, VersionId: 'v000002' },
        { Key: leftByRetry, VersionId: 'v000003' },
        { Key: leftByRetry, VersionId: 'v000004' },
      ]),
      Quiet: true,
    });
    // Every request stays under the case's own prefix.
    for (const request of bucket.requests.filter((r) => r.command === 'ListObjectVersions')) expect(request.input).toMatchObject({ Prefix: prefixOf(caseA) });
  });

  test('2500 versions go in DeleteObjects batches of at most 1000, over listing pages of 1000', async () => {
    const bucket = versionedBucket();
    for (let i = 0; i < 1250; i++) {
      const key = fileOf(caseA, `44021-2026-${String(i).padStart(6, '0')}`);
      bucket.put(key);
      bucket.put(key);
    }
    const files = s3CaseFiles(bucket.client, 'bucket', prefixOf);
    const keys = await files.keysOf(caseA);
    expect(keys).toHaveLength(1250);
    await files.remove(keys);
    expect(bucket.versions()).toEqual([]);
    const sizes = bucket.requests
      .filter((request) => request.command === 'DeleteObjects')
      .map((request) => (request.input as { Delete: { Objects: unknown[] } }).Delete.Objects.length);
    expect(sizes).toEqual([1000, 1000, 500]);
    // keysOf and remove each list the 2500 versions in three pages, following S3's markers.
    const listings = bucket.requests.filter((request) => request.command === 'ListObjectVersions').map((request) => request.input as { KeyMarker?: string; VersionIdMarker?: string });
    expect(listings).toHaveLength(6);
    expect(listings.map((input) => input.KeyMarker === undefined)).toEqual([true, false, false, true, false, false]);
    expect(listings[1]).toEqual(expect.objectContaining({ KeyMarker: fileOf(caseA, '44021-2026-000499'), VersionIdMarker: 'v000999' }));
  });

  test('a bucket without versioning lists each file as version "null", and deleting that version deletes the file', async () => {
    const deleted: ObjectIdentifier[] = [];
    const client = {
      async send(command: unknown) {
        if (command instanceof ListObjectVersionsCommand) return { Versions: [{ Key: fileOf(caseA, 'a'), VersionId: 'null', IsLatest: true }], IsTruncated: false };
        if (command instanceof DeleteObjectsCommand) {
          deleted.push(...(command.input.Delete?.Objects ?? []));
          return {};
        }
        throw new Error('unexpected request');
      },
    } as unknown as Pick<S3Client, 'send'>;
    const files = s3CaseFiles(client, 'bucket', prefixOf);
    await files.remove(await files.keysOf(caseA));
    expect(deleted).toEqual([{ Key: fileOf(caseA, 'a'), VersionId: 'null' }]);
  });

  test('a version S3 did not delete fails the removal, naming the error code, so that the next run finishes the job', async () => {
    const certificate = fileOf(caseA, '44021-2026-000001');
    const bucket = versionedBucket({ refuse: (identifier) => identifier.VersionId === 'v000001' });
    bucket.put(certificate);
    bucket.put(certificate);
    const files = s3CaseFiles(bucket.client, 'bucket', prefixOf);
    const failure = await files.remove(await files.keysOf(caseA)).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(FilesNotDestroyed);
    expect((failure as Error).message).toBe('S3 did not delete 1 of 2 file versions (AccessDenied)');
    expect(bucket.versions()).toEqual([`${certificate}@v000001`]);
  });

  test('no files: no delete request', async () => {
    const bucket = versionedBucket();
    const files = s3CaseFiles(bucket.client, 'bucket', prefixOf);
    await files.remove(await files.keysOf(caseA));
    expect(bucket.requests.map((request) => request.command)).toEqual(['ListObjectVersions']);
  });
});
