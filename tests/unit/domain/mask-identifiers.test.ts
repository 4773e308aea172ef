import { describe, expect, test } from '@jest/globals';
import { maskIdentifiers } from '../../../functions/domain/identifiers';

describe('masking national and enterprise numbers in text', () => {
  test.each([
    ['a bare INSZ', 'looked up 85073003328 today', 'looked up *********** today'],
    ['a printed INSZ', 'rijksregisternummer 85.07.30-033.28.', 'rijksregisternummer ***********.'],
    ['an INSZ of someone born in 2017', '17073003384', '***********'],
    ['a bare KBO', 'enterprise 0403170701 found', 'enterprise ********** found'],
    ['a KBO with BE prefix and dots', 'BE 0403.170.701', '**********'],
    ['two numbers in one line', '85073003328 and 0403170701', '*********** and **********'],
  ])('%s is masked', (_, text, masked) => {
    expect(maskIdentifiers(text)).toBe(masked);
  });

  test.each([
    ['an epoch time in seconds', 'expiresAt 1796083200'],
    ['an epoch time in milliseconds', '1796083200123'],
    ['a case number', '44021-2026-000123'],
    ['an 11-digit number with wrong check digits', '85073003329'],
    ['a ULID', '01JDZ000000000000000000001'],
    ['an ISO time', '2026-11-10T09:00:00.000Z'],
  ])('%s stays as it is', (_, text) => {
    expect(maskIdentifiers(text)).toBe(text);
  });
});
