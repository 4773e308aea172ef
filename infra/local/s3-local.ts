import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver, { type S3rverMiddleware } from 's3rver';
import s3rverAccount from 's3rver/lib/models/account.js';
import { localCredentials } from './local-network';

export interface S3LocalOptions {
  /** 0 picks a free port. */
  readonly port: number;
  /** Where objects are kept across restarts; absent: a temporary directory, removed on stop. */
  readonly dataDirectory?: string;
  /** Buckets that exist once the server answers. */
  readonly buckets: readonly string[];
}

export interface S3Local {
  readonly endpoint: string;
  stop(): Promise<void>;
}

const xmlEscapes: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };
const xml = (text: string) => text.replace(/[&<>"']/g, (character) => xmlEscapes[character]!);

/**
 * ListObjectVersions (`GET /<bucket>?versions`), which s3rver answers with MethodNotAllowed: s3rver
 * keeps no versions, so it answers as S3 does for a bucket whose versioning was never enabled,
 * every object once, as its version "null", the latest. The retention job destroys files by
 * version, and this lets it run the same requests locally as on the versioned bucket on AWS.
 */
function listObjectVersions(server: S3rver): S3rverMiddleware {
  return async (ctx, next) => {
    const bucket = ctx.method === 'GET' && 'versions' in ctx.query ? /^\/([^/]+)\/?$/.exec(ctx.path)?.[1] : undefined;
    if (bucket === undefined || !(await server.store.getBucket(bucket))) return next();
    if (!String(ctx.get('authorization')).includes(`Credential=${localCredentials.accessKeyId}/`)) return next();
    const text = (name: string) => (typeof ctx.query[name] === 'string' ? (ctx.query[name] as string) : '');
    const prefix = text('prefix');
    const keyMarker = text('key-marker');
    const maxKeys = Math.min(1000, Math.max(0, Number(text('max-keys') || 1000)));
    const { objects, isTruncated } = await server.store.listObjects(bucket, { prefix, startAfter: keyMarker, maxKeys });
    const versions = objects.map(
      (object) =>
        `<Version><Key>${xml(object.key)}</Key><VersionId>null</VersionId><IsLatest>true</IsLatest>` +
        `<LastModified>${object.lastModifiedDate.toISOString()}</LastModified><ETag>${xml(object.metadata.etag ?? '')}</ETag>` +
        `<Size>${object.size}</Size><StorageClass>STANDARD</StorageClass></Version>`,
    );
    const last = objects.at(-1)?.key;
    ctx.type = 'application/xml';
    ctx.body =
      '<?xml version="1.0" encoding="UTF-8"?>\n<ListVersionsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">' +
      `<Name>${xml(bucket)}</Name><Prefix>${xml(prefix)}</Prefix><KeyMarker>${xml(keyMarker)}</KeyMarker><VersionIdMarker></VersionIdMarker>` +
      `<MaxKeys>${maxKeys}</MaxKeys><IsTruncated>${isTruncated}</IsTruncated>` +
      (isTruncated && last !== undefined ? `<NextKeyMarker>${xml(last)}</NextKeyMarker><NextVersionIdMarker>null</NextVersionIdMarker>` : '') +
      `${versions.join('')}</ListVersionsResult>`;
  };
}

/**
 * An S3-compatible server (s3rver) on the loopback interface, path-style, for the same
 * `@aws-sdk/client-s3` calls the functions make on AWS. s3rver knows one access key of its
 * own and does not check SigV4 signatures, so the local credentials are registered with it.
 * It keeps no versions: ListObjectVersions answers as an unversioned bucket does (above).
 */
export async function startS3Local(options: S3LocalOptions): Promise<S3Local> {
  s3rverAccount.DUMMY_ACCOUNT.createKeyPair(localCredentials.accessKeyId, localCredentials.secretAccessKey);
  const directory = options.dataDirectory ?? mkdtempSync(join(tmpdir(), 'loket-s3-'));
  mkdirSync(directory, { recursive: true });
  const server = new S3rver({
    address: '127.0.0.1',
    port: options.port,
    directory,
    silent: true,
    vhostBuckets: false,
    configureBuckets: options.buckets.map((name) => ({ name })),
  });
  // Ahead of s3rver's own router, which refuses `?versions`.
  server.middleware.unshift(listObjectVersions(server));
  const removeTemporary = () => {
    if (!options.dataDirectory) rmSync(directory, { recursive: true, force: true });
  };
  let address: { port: number };
  try {
    address = await server.run();
  } catch (error) {
    removeTemporary();
    throw error;
  }
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    async stop() {
      server.httpServer?.closeAllConnections();
      await server.close().catch(() => undefined);
      removeTemporary();
    },
  };
}
