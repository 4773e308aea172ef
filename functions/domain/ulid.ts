import { randomFillSync } from 'node:crypto';
import { monotonicFactory, ulid as ulidOf, type ULIDFactory } from 'ulid';

/*
 * Loket's ids (cases, tasks, events, outbox items, access records) are ULIDs. The `ulid` package
 * draws each of a ULID's 16 random characters with a call of its own to the system's random
 * source, one `getRandomValues` of one byte: a tenth of a millisecond of CPU per id, 3 % of a
 * GET's CPU in the local host (issue 14). Here the same cryptographic source fills a pool of
 * bytes at a time, and each character takes the next byte: the same randomness, fetched in bulk.
 */

const pool = new Uint8Array(512);
let next = pool.length;

/** A random fraction in [0, 1) from the next pooled byte, as the package's own source gives it (byte / 256). */
export function pooledRandom(): number {
  // Stryker disable next-line ConditionalExpression,EqualityOperator: refilling more often than the pool runs out draws the same randomness, only slower, and tests assert no speed (`npx tsx bench/ids.ts` measures it)
  if (next === pool.length) {
    randomFillSync(pool);
    next = 0;
  }
  return pool[next++]! / 256;
}

/** A new ULID for the given moment (now by default). */
export function ulid(time?: number): string {
  return ulidOf(time, pooledRandom);
}

/** A generator whose ULIDs in one millisecond sort in the order they were made. */
export function monotonicUlid(): ULIDFactory {
  return monotonicFactory(pooledRandom);
}
