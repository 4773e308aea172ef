import { expect, test } from '@jest/globals';
import { sha256Hex } from '../../../functions/domain/digest';
import { messageResultOf } from '../../../functions/domain/message-wait';

test('a waiting step learns which message came, when and from whom; its data stays with the case', () => {
  expect(messageResultOf({ name: 'payment-received', data: { iban: 'BE68539007547034' }, receivedAt: '2026-12-01T10:00:00.000Z', by: 'portal@gent' })).toEqual({
    name: 'payment-received',
    receivedAt: '2026-12-01T10:00:00.000Z',
    by: 'portal@gent',
  });
});

test("a document's file is checked by the SHA-256 of its bytes, in hex", () => {
  // The FIPS 180-2 test vector for "abc".
  expect(sha256Hex(new TextEncoder().encode('abc'))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
});
