/* The parts of s3rver 3.7 (which ships no types) that the local host uses. */
declare module 's3rver' {
  import type { Server } from 'node:http';

  interface S3rverOptions {
    address?: string;
    port?: number;
    directory?: string;
    silent?: boolean;
    vhostBuckets?: boolean;
    resetOnClose?: boolean;
    configureBuckets?: { name: string }[];
  }

  /** The Koa context, as far as the local host's own middleware reads and answers it. */
  interface S3rverContext {
    readonly method: string;
    readonly path: string;
    readonly query: Record<string, string | string[] | undefined>;
    get(header: string): string;
    type: string;
    body: unknown;
  }

  export type S3rverMiddleware = (ctx: S3rverContext, next: () => Promise<void>) => Promise<void>;

  interface StoredObject {
    readonly key: string;
    readonly size: number;
    readonly lastModifiedDate: Date;
    readonly metadata: Readonly<Record<string, string | undefined>>;
  }

  export default class S3rver {
    constructor(options?: S3rverOptions);
    /** Koa's middleware, in order; composed when the server starts. */
    readonly middleware: S3rverMiddleware[];
    readonly store: {
      getBucket(name: string): Promise<unknown>;
      listObjects(bucket: string, options: { prefix?: string; startAfter?: string; maxKeys?: number }): Promise<{ objects: StoredObject[]; isTruncated: boolean }>;
    };
    readonly httpServer?: Server;
    run(): Promise<{ address: string; family: string; port: number }>;
    close(): Promise<void>;
  }
}

declare module 's3rver/lib/models/account.js' {
  interface Account {
    createKeyPair(accessKeyId: string, secretAccessKey: string): void;
  }
  const account: { DUMMY_ACCOUNT: Account };
  export default account;
}
