import { createHash } from 'node:crypto';
import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { decodeCursor, encodeCursor } from '../../../functions/domain/page-cursor';
import { DomainError } from '../../../functions/domain/errors';

const sortKey = '2026-12-04T22:59:59.999Z#01JDZ0000000000000000000AA';
const scope = { tenant: '44021', status: 'under-review', limit: 25 };

const refused = (run: () => unknown) => {
  try {
    run();
    return false;
  } catch (error) {
    return error instanceof DomainError && error.kind === 'validation';
  }
};

describe('page cursors', () => {
  test('give back the position they were made with, for the same query', () => {
    expect(decodeCursor(encodeCursor(scope, sortKey), { ...scope })).toBe(sortKey);
  });

  test('are refused for another tenant or other filters', () => {
    const cursor = encodeCursor(scope, sortKey);
    expect(refused(() => decodeCursor(cursor, { ...scope, tenant: '41002' }))).toBe(true);
    expect(refused(() => decodeCursor(cursor, { ...scope, status: 'issued' }))).toBe(true);
  });

  test('any single-character edit is refused', () => {
    const cursor = encodeCursor(scope, sortKey);
    fc.assert(
      fc.property(fc.nat({ max: cursor.length - 1 }), fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.'), (at, character) => {
        fc.pre(cursor[at] !== character);
        const edited = cursor.slice(0, at) + character + cursor.slice(at + 1);
        return refused(() => decodeCursor(edited, scope));
      }),
    );
  });

  test('are refused with a 400 that names the cursor as the field at fault', () => {
    expect(() => decodeCursor('not-a-cursor', scope)).toThrow(
      expect.objectContaining({ kind: 'validation', message: 'invalid cursor', errors: [{ path: 'cursor', message: 'is not a cursor this query returned' }] }),
    );
  });

  test('are refused when the body under a valid check is not JSON', () => {
    const body = Buffer.from('{not json').toString('base64url');
    const check = createHash('sha256').update(body).digest('base64url').slice(0, 12);
    expect(() => decodeCursor(`${body}.${check}`, scope)).toThrow(expect.objectContaining({ kind: 'validation', message: 'invalid cursor' }));
  });

  test('are refused with a part added, the check removed or the check changed', () => {
    const cursor = encodeCursor(scope, sortKey);
    const [body, check] = cursor.split('.') as [string, string];
    expect(refused(() => decodeCursor(`${cursor}.${check}`, scope))).toBe(true);
    expect(refused(() => decodeCursor(`${body}.`, scope))).toBe(true);
    expect(refused(() => decodeCursor(body, scope))).toBe(true);
    expect(refused(() => decodeCursor(`${body}.${'A'.repeat(12)}`, scope))).toBe(true);
  });

  /**
   * The check is a checksum, not a secret: anyone can recompute it. A cursor rebuilt around
   * another position, with the genuine scope binding and a valid check, must still be refused
   * unless the position is an index sort key.
   */
  test('are refused when rebuilt, check recomputed, around a position that is not a sort key', () => {
    const genuine = JSON.parse(Buffer.from(encodeCursor(scope, sortKey).split('.')[0]!, 'base64url').toString('utf8')) as { s: string };
    const rebuilt = (after: unknown) => {
      const body = Buffer.from(JSON.stringify({ a: after, s: genuine.s })).toString('base64url');
      return `${body}.${createHash('sha256').update(body).digest('base64url').slice(0, 12)}`;
    };
    expect(decodeCursor(rebuilt(sortKey), scope)).toBe(sortKey);
    expect(refused(() => decodeCursor(rebuilt('CASE#44021#01JDZ0000000000000000000AA'), scope))).toBe(true);
    expect(refused(() => decodeCursor(rebuilt([sortKey]), scope))).toBe(true);
    expect(refused(() => decodeCursor(rebuilt(20261204), scope))).toBe(true);
  });

  test('arbitrary strings are refused, never thrown past as something else', () => {
    fc.assert(fc.property(fc.string({ maxLength: 200 }), (text) => refused(() => decodeCursor(text, scope))));
  });
});
