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

  test('arbitrary strings are refused, never thrown past as something else', () => {
    fc.assert(fc.property(fc.string({ maxLength: 200 }), (text) => refused(() => decodeCursor(text, scope))));
  });
});
