import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
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

/**
 * An S3-compatible server (s3rver) on the loopback interface, path-style, for the same
 * `@aws-sdk/client-s3` calls the functions make on AWS. s3rver knows one access key of its
 * own and does not check SigV4 signatures, so the local credentials are registered with it.
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
