import { describe, expect, test } from '@jest/globals';
import { decodeTime } from 'ulid';
import { monotonicUlid, pooledRandom, ulid } from '../../../functions/domain/ulid';

const crockford = /^[0-9A-HJKMNP-TV-Z]{26}$/;

describe("Loket's ULIDs", () => {
  test('carry the moment they were made for, and 80 random bits', () => {
    const at = Date.UTC(2026, 11, 4, 9, 30);
    const id = ulid(at);
    expect(id).toMatch(crockford);
    expect(decodeTime(id)).toBe(at);
    const before = Date.now();
    const made = decodeTime(ulid());
    expect(made).toBeGreaterThanOrEqual(before);
    expect(made).toBeLessThanOrEqual(Date.now());
  });

  test('made in the same millisecond, are all different, and every position takes every character', () => {
    const ids = Array.from({ length: 4000 }, () => ulid(Date.UTC(2026, 11, 4)));
    expect(new Set(ids).size).toBe(ids.length);
    for (let position = 10; position < 26; position++) expect(new Set(ids.map((id) => id[position])).size).toBe(32);
  });

  test('from one generator sort in the order they were made, also within a millisecond', () => {
    const next = monotonicUlid();
    const at = Date.UTC(2026, 11, 4);
    const ids = [next(at), next(at), next(at), next(at + 1), next(at + 1)];
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.every((id) => crockford.test(id))).toBe(true);
  });

  test('the pooled source gives fractions of 256 in [0, 1), fresh bytes each time its pool runs out', () => {
    const draws = Array.from({ length: 8192 }, () => pooledRandom());
    expect(draws.every((draw) => Number.isInteger(draw * 256) && draw >= 0 && draw < 1)).toBe(true);
    // 8192 draws take every byte value (one is missing with a chance of about 256 · e^-32).
    expect(new Set(draws).size).toBe(256);
    // Each pool of 512 is filled anew: no stretch repeats the one before it.
    const pools = Array.from({ length: 16 }, (_, i) => draws.slice(i * 512, (i + 1) * 512).join());
    expect(new Set(pools).size).toBe(16);
  });
});
