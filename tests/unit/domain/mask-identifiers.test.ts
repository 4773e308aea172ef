import { describe, expect, test } from '@jest/globals';
import { maskIdentifierNumber, maskIdentifiers } from '../../../functions/domain/identifiers';

describe('masking national and enterprise numbers in text', () => {
  test.each([
    ['a bare INSZ', 'looked up 85073003328 today', 'looked up *********** today'],
    ['a printed INSZ', 'rijksregisternummer 85.07.30-033.28.', 'rijksregisternummer ***********.'],
    ['an INSZ of someone born in 2017', '17073003384', '***********'],
    ['a bare KBO', 'enterprise 0403170701 found', 'enterprise ********** found'],
    ['a KBO with BE prefix and dots', 'BE 0403.170.701', '**********'],
    ['two numbers in one line', '85073003328 and 0403170701', '*********** and **********'],
    // A sole trader's enterprise number identifies a natural person: every way of writing it is masked.
    ['a KBO with spaces', 'KBO 0403 170 701', 'KBO **********'],
    ['a KBO with dashes', '0403-170-701', '**********'],
    ['a KBO without its leading 0 (the old VAT number)', 'btw 403170701', 'btw **********'],
    ['a KBO without its leading 0, with dots', '403.170.701', '**********'],
    ['a KBO with BE prefix and no leading 0', 'BE403170701', '**********'],
    ['a KBO glued to a word', 'KBO0403170701', 'KBO**********'],
    ['a KBO followed by letters', 'id=0403170701x', 'id=**********x'],
    ['a KBO followed by another number', 'enterprise 0403.170.701 2 employees', 'enterprise ********** 2 employees'],
    ['a KBO after a short number', 'on 01-01 0403170701', 'on 01-01 **********'],
    ['a printed INSZ followed by another number', '85.07.30-033.28 12', '*********** 12'],
    ['an INSZ with spaces', '85 07 30 033 28', '***********'],
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
    ['a payment reference', '+++090/9337/55493+++'],
    // An identifier spans whole digit groups: a longer number around an INSZ's digits is another number.
    ['a 12-digit number that contains an INSZ', '185073003328'],
  ])('%s stays as it is', (_, text) => {
    expect(maskIdentifiers(text)).toBe(text);
  });

  test.each([
    ['an INSZ', 85073003328, '***********'],
    ['an INSZ that lost its leading 0', 1070100168, '***********'],
    ['a KBO that lost its leading 0', 403170701, '**********'],
    // 00123456 = 1 272 × 97 + 72 → check 25: the KBO 0012345625 lost two leading zeros.
    ['a KBO that lost two leading zeros', 12345625, '**********'],
  ])('%s written as a JSON number is masked', (_, value, masked) => {
    expect(maskIdentifierNumber(value)).toBe(masked);
  });

  // 85073003328.5 carries an INSZ's digits but is no whole number. 1234571 would be the KBO 0001234571
  // (00012345 = 127 × 97 + 26 → 71), but masking looks only at 8- to 11-digit numbers.
  test.each([[1796083200], [42], [1.5], [85073003329], [85073003328.5], [1234571]])('the number %p stays a number', (value) => {
    expect(maskIdentifierNumber(value)).toBe(value);
  });
});
