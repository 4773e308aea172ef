import type { ObjectIdentifier, S3Client } from '@aws-sdk/client-s3';
import { DeleteObjectsCommand, ListObjectVersionsCommand } from '@aws-sdk/client-s3';
import type { CaseFiles } from '../ports/retention.port';

/** S3 deletes at most this many object versions in one DeleteObjects request. */
export const deleteBatchSize = 1000;

/** S3 answered a DeleteObjects with versions it did not delete: the destruction is not done. */
export class FilesNotDestroyed extends Error {
  override readonly name = 'FilesNotDestroyed';
}

/** The directory part of a key (`documents/44021/<case id>/`), under which its versions are listed. */
const directoryOf = (key: string) => key.slice(0, key.lastIndexOf('/') + 1) || key;

/**
 * A case's files in a versioned bucket, for their destruction. Deleting a key there only adds a
 * delete marker and keeps the file as a noncurrent version, so each file is destroyed version by
 * version: every version and every delete marker of the key, by its VersionId, in DeleteObjects
 * batches of up to 1000. A bucket without versioning lists each object once as version "null",
 * and deleting that version deletes the object, so the same requests serve both.
 */
export function s3CaseFiles(client: Pick<S3Client, 'send'>, bucket: string, casePrefix: (subject: { id: string; tenant: string }) => string): CaseFiles {
  /** Every version and delete marker under a prefix, in S3's order (by key, newest first). */
  async function* versionsUnder(prefix: string): AsyncGenerator<ObjectIdentifier & { Key: string }> {
    let keyMarker: string | undefined;
    let versionIdMarker: string | undefined;
    do {
      const page = await client.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: prefix, KeyMarker: keyMarker, VersionIdMarker: versionIdMarker }));
      for (const entry of [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])]) {
        if (entry.Key !== undefined) yield entry.VersionId !== undefined ? { Key: entry.Key, VersionId: entry.VersionId } : { Key: entry.Key };
      }
      [keyMarker, versionIdMarker] = page.IsTruncated ? [page.NextKeyMarker, page.NextVersionIdMarker] : [undefined, undefined];
    } while (keyMarker !== undefined);
  }

  return {
    /** Every key with a version or a delete marker under the case's prefix: a file half destroyed by an earlier run counts too. */
    async keysOf(subject) {
      const found = new Set<string>();
      for await (const version of versionsUnder(casePrefix(subject))) found.add(version.Key);
      return [...found];
    },

    async remove(fileKeys) {
      const wanted = new Set(fileKeys);
      const doomed: ObjectIdentifier[] = [];
      for (const directory of new Set(fileKeys.map(directoryOf))) {
        for await (const version of versionsUnder(directory)) if (wanted.has(version.Key)) doomed.push(version);
      }
      for (let start = 0; start < doomed.length; start += deleteBatchSize) {
        const batch = doomed.slice(start, start + deleteBatchSize);
        const answer = await client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: batch, Quiet: true } }));
        const errors = answer.Errors ?? [];
        if (errors.length > 0) {
          const codes = [...new Set(errors.map((error) => error.Code ?? 'unknown'))].join(', ');
          throw new FilesNotDestroyed(`S3 did not delete ${errors.length} of ${batch.length} file versions (${codes})`);
        }
      }
    },
  };
}
