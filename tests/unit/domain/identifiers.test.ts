import fc from 'fast-check';
import {
  inszBirthDate,
  inszCheckDigits,
  isValidInsz,
  isValidKbo,
  kboCheckDigits,
  maskInsz,
  normalizeInsz,
  normalizeKbo,
} from '../../../functions/domain/identifiers';

const pad = (n: number, width: number) => n.toString().padStart(width, '0');

/**
 * The oracle: the check digits as the specification states them, computed independently of
 * the implementation. A number's remainder mod 97 is taken digit by digit (Horner's rule)
 * on its decimal string, and 2 000 000 000 + YYMMDDSSS is written as the digit 2 in front of
 * the nine digits (YYMMDDSSS < 10⁹), so no addition or large-number arithmetic is shared
 * with the code under test.
 * - INSZ: 97 − (YYMMDDSSS mod 97); born 2000 or later: 97 − ((2 000 000 000 + YYMMDDSSS) mod 97).
 * - KBO: 97 − (first eight digits mod 97).
 */
function remainderMod97(digits: string): number {
  let remainder = 0;
  for (const digit of digits) remainder = (remainder * 10 + digit.charCodeAt(0) - 48) % 97;
  return remainder;
}
const specCheck = (digits: string) => pad(97 - remainderMod97(digits), 2);
const specInszCheck = (firstNine: string, bornIn2000OrLater: boolean) => specCheck(bornIn2000OrLater ? `2${firstNine}` : firstNine);
const specKboCheck = (firstEight: string) => specCheck(firstEight);

/** Builds an INSZ from its parts, with check digits from the specification's oracle. */
function buildInsz(year: number, month: number, day: number, sequence: number, bisOffset = 0): string {
  const firstNine = `${pad(year % 100, 2)}${pad(month + bisOffset, 2)}${pad(day, 2)}${pad(sequence, 3)}`;
  return firstNine + specInszCheck(firstNine, year >= 2000);
}

/**
 * Real-format national and BIS numbers with their check digits worked out by hand:
 * q × 97 + r = base, check = 97 − r. `birthDate` is what the number encodes (undefined when
 * the month or day is 00).
 */
const handCheckedInsz: readonly { insz: string; birthDate?: { year: number; month: number; day: number }; why: string }[] = [
  // 850730033 = 8 770 412 × 97 + 69 → 97 − 69 = 28
  { insz: '85073003328', birthDate: { year: 1985, month: 7, day: 30 }, why: 'born 1985' },
  // BIS, month + 20: 852730033 = 8 791 031 × 97 + 26 → 71
  { insz: '85273003371', birthDate: { year: 1985, month: 7, day: 30 }, why: 'BIS number, gender unknown (month + 20)' },
  // BIS, month + 40: 854730033 = 8 811 649 × 97 + 80 → 17
  { insz: '85473003317', birthDate: { year: 1985, month: 7, day: 30 }, why: 'BIS number, gender known (month + 40)' },
  // month and day unknown: 850000001 = 8 762 886 × 97 + 59 → 38
  { insz: '85000000138', why: 'birth month and day unknown (00)' },
  // 850730061 = 8 770 413 × 97 + 0 → 97 − 0 = 97, never 00
  { insz: '85073006197', birthDate: { year: 1985, month: 7, day: 30 }, why: 'remainder 0 gives check 97' },
  // born 2017: 2 000 000 000 + 170730033 = 2 170 730 033 = 22 378 660 × 97 + 13 → 84 (the 1900 formula would give 55)
  { insz: '17073003384', birthDate: { year: 2017, month: 7, day: 30 }, why: 'born 2017' },
  // born 1 January 2000: 2 000 101 001 = 20 619 597 × 97 + 92 → 05, written with its leading zero (1900 formula: 73)
  { insz: '00010100105', birthDate: { year: 2000, month: 1, day: 1 }, why: 'born 2000, one-digit check' },
  // BIS + 40, born 2 November 2005: 2 055 102 456 = 21 186 623 × 97 + 25 → 72 (1900 formula: 43)
  { insz: '05510245672', birthDate: { year: 2005, month: 11, day: 2 }, why: 'BIS number of someone born 2005 (month + 40)' },
  // BIS + 20, born 29 February 2012, sequence 998: 2 122 229 998 = 21 878 659 × 97 + 75 → 22 (1900 formula: 90)
  { insz: '12222999822', birthDate: { year: 2012, month: 2, day: 29 }, why: 'BIS number, leap day 2012, last sequence' },
];

/** Real-format enterprise numbers with their check digits worked out by hand: q × 97 + r = first eight, check = 97 − r. */
const handCheckedKbo: readonly { kbo: string; why: string }[] = [
  // 01234567 = 12 727 × 97 + 48 → 49
  { kbo: '0123456749', why: 'the textbook example' },
  // 02032013 = 20 948 × 97 + 57 → 40
  { kbo: '0203201340', why: 'starts with 02' },
  // 04031707 = 41 563 × 97 + 96 → 01, written with its leading zero
  { kbo: '0403170701', why: 'one-digit check' },
  // 09700000 = 100 000 × 97 + 0 → 97, never 00
  { kbo: '0970000097', why: 'remainder 0 gives check 97' },
  // 10012345 = 103 220 × 97 + 5 → 92
  { kbo: '1001234592', why: 'the newer numbers starting with 1' },
];

describe('the check-digit oracle', () => {
  it('agrees with every hand-computed number', () => {
    for (const { insz, birthDate } of handCheckedInsz) {
      expect(specInszCheck(insz.slice(0, 9), (birthDate?.year ?? 1985) >= 2000)).toBe(insz.slice(9));
    }
    for (const { kbo } of handCheckedKbo) expect(specKboCheck(kbo.slice(0, 8))).toBe(kbo.slice(8));
  });
});

describe('inszCheckDigits and kboCheckDigits', () => {
  it.each(handCheckedInsz.map((entry) => [entry.insz, entry.why, entry] as const))('%s (%s): the hand-computed check', (_insz, _why, { insz, birthDate }) => {
    expect(inszCheckDigits(insz.slice(0, 9), (birthDate?.year ?? 1985) >= 2000)).toBe(insz.slice(9));
  });

  it.each(handCheckedKbo.map((entry) => [entry.kbo, entry.why] as const))('%s (%s): the hand-computed check', (kbo) => {
    expect(kboCheckDigits(kbo.slice(0, 8))).toBe(kbo.slice(8));
  });

  it('refuse anything but exactly nine (INSZ) or eight (KBO) digits', () => {
    for (const firstNine of ['85073003', '8507300331', 'x85073003', '85073003x', '85.073003']) {
      expect(() => inszCheckDigits(firstNine, false)).toThrow('expected the first nine digits of an INSZ');
    }
    for (const firstEight of ['0123456', '012345674', 'x0123456', '0123456x']) {
      expect(() => kboCheckDigits(firstEight)).toThrow('expected the first eight digits of a KBO number');
    }
  });

  it('agree with the specification on any digits, for both centuries', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 999_999_999 }), fc.boolean(), (n, bornIn2000OrLater) => {
        const firstNine = pad(n, 9);
        expect(inszCheckDigits(firstNine, bornIn2000OrLater)).toBe(specInszCheck(firstNine, bornIn2000OrLater));
      }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 99_999_999 }), (n) => {
        expect(kboCheckDigits(pad(n, 8))).toBe(specKboCheck(pad(n, 8)));
      }),
    );
  });
});

describe('hand-checked numbers', () => {
  it.each(handCheckedInsz.map((entry) => [entry.insz, entry.why, entry] as const))('%s (%s) is valid, decodes, and fails with any other check', (_insz, _why, { insz, birthDate }) => {
    expect(isValidInsz(insz)).toBe(true);
    expect(inszBirthDate(insz)).toEqual(birthDate);
    for (let check = 0; check <= 99; check += 1) {
      const other = insz.slice(0, 9) + pad(check, 2);
      // The other century's check of the same digits is a different, valid number.
      const otherCentury = specInszCheck(insz.slice(0, 9), (birthDate?.year ?? 1985) < 2000);
      if (other !== insz && pad(check, 2) !== otherCentury) expect(isValidInsz(other)).toBe(false);
    }
  });

  it.each(handCheckedKbo.map((entry) => [entry.kbo, entry.why] as const))('%s (%s) is valid and fails with any other check', (kbo) => {
    expect(isValidKbo(kbo)).toBe(true);
    for (let check = 0; check <= 99; check += 1) {
      const other = kbo.slice(0, 8) + pad(check, 2);
      if (other !== kbo) expect(isValidKbo(other)).toBe(false);
    }
  });
});

/** Every number that differs from `digits` in exactly one position. */
function singleDigitMutations(digits: string): string[] {
  return [...digits].flatMap((original, position) =>
    [...'0123456789']
      .filter((replacement) => replacement !== original)
      .map((replacement) => digits.slice(0, position) + replacement + digits.slice(position + 1)),
  );
}

const birthDates = fc
  .date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true })
  .map((date) => ({ year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() }));
const sequences = fc.integer({ min: 1, max: 998 });
const bisOffsets = fc.constantFrom(0, 20, 40);

describe('isValidInsz', () => {
  it('accepts a national number of someone born before 2000', () => {
    expect(isValidInsz('85073003328')).toBe(true);
  });

  it('accepts a national number of someone born in 2000 or later, checked with the 2 000 000 000 prefix', () => {
    expect(isValidInsz('17073003384')).toBe(true);
  });

  it('rejects wrong check digits', () => {
    expect(isValidInsz('85073003329')).toBe(false);
    expect(isValidInsz('17073003383')).toBe(false);
  });

  it('writes a check of 97 − 0 as 97, never as 00', () => {
    // 850730061 = 97 × 8 770 413
    expect(inszCheckDigits('850730061', false)).toBe('97');
    expect(isValidInsz('85073006197')).toBe(true);
    expect(isValidInsz('85073006100')).toBe(false);
  });

  it('rejects anything that is not exactly 11 digits', () => {
    for (const value of ['', '8507300332', '850730033280', '85.07.30-033.28', '8507300332a', ' 85073003328']) {
      expect(isValidInsz(value)).toBe(false);
    }
  });

  it('rejects eleven digits with a character before them', () => {
    // Read where a national number has them, this one's month (07), day (15) and sequence (001) hold.
    expect(isValidInsz('x80715001123')).toBe(false);
  });

  it('rejects the sequence numbers 000 and 999', () => {
    expect(isValidInsz(buildInsz(1985, 7, 30, 0))).toBe(false);
    expect(isValidInsz(buildInsz(1985, 7, 30, 999))).toBe(false);
    expect(isValidInsz(buildInsz(1985, 7, 30, 1))).toBe(true);
    expect(isValidInsz(buildInsz(1985, 7, 30, 998))).toBe(true);
  });

  it('accepts BIS numbers, whose month carries 20 or 40 extra', () => {
    expect(isValidInsz(buildInsz(1985, 7, 30, 33, 20))).toBe(true);
    expect(isValidInsz(buildInsz(1985, 7, 30, 33, 40))).toBe(true);
  });

  it('rejects a month outside the national and BIS ranges', () => {
    for (const encodedMonth of [13, 19, 33, 39, 53, 99]) {
      const firstNine = `85${pad(encodedMonth, 2)}30033`;
      expect(isValidInsz(firstNine + specInszCheck(firstNine, false))).toBe(false);
    }
  });

  it('rejects a month outside the national and BIS ranges when the day is unknown (00)', () => {
    // 851300033 = 8 776 289 × 97 + 0 → 97: the check holds, the month 13 does not.
    expect(isValidInsz('85130003397')).toBe(false);
    expect(inszBirthDate('85130003397')).toBeUndefined();
  });

  it('accepts an unknown birth month or day (00)', () => {
    expect(isValidInsz(buildInsz(1985, 0, 0, 33))).toBe(true);
    expect(isValidInsz(buildInsz(1985, 0, 31, 33))).toBe(true);
    expect(isValidInsz(buildInsz(1985, 7, 0, 33, 40))).toBe(true);
  });

  it('rejects a day above 31 even when the month is unknown', () => {
    const firstNine = '850032033';
    expect(isValidInsz(firstNine + specInszCheck(firstNine, false))).toBe(false);
  });

  it('accepts 29 February only in a leap year of the century the check digits point to', () => {
    expect(isValidInsz(buildInsz(1996, 2, 29, 1))).toBe(true);
    expect(isValidInsz(buildInsz(2000, 2, 29, 1))).toBe(true);
    // 1900 was not a leap year; 2000 was: the same digits are valid only with the 2000+ check.
    expect(isValidInsz(buildInsz(1900, 2, 29, 1))).toBe(false);
    expect(isValidInsz(buildInsz(1997, 2, 29, 1))).toBe(false);
    expect(isValidInsz(buildInsz(1985, 4, 31, 1))).toBe(false);
  });

  it('accepts every number built from a real birth date, a sequence 001..998 and its check digits', () => {
    fc.assert(
      fc.property(birthDates, sequences, bisOffsets, ({ year, month, day }, sequence, bisOffset) => {
        expect(isValidInsz(buildInsz(year, month, day, sequence, bisOffset))).toBe(true);
      }),
    );
  });

  it('never lets a single changed digit pass the check of the same century', () => {
    fc.assert(
      fc.property(birthDates, sequences, bisOffsets, ({ year, month, day }, sequence, bisOffset) => {
        const insz = buildInsz(year, month, day, sequence, bisOffset);
        for (const mutated of singleDigitMutations(insz)) {
          // A changed digit can, rarely, match the check of the other century: then it
          // is a different, valid number. It must never match the original century's.
          expect(specInszCheck(mutated.slice(0, 9), year >= 2000)).not.toBe(mutated.slice(9));
          if (isValidInsz(mutated)) {
            expect(specInszCheck(mutated.slice(0, 9), year < 2000)).toBe(mutated.slice(9));
          }
        }
      }),
    );
  });
});

describe('inszBirthDate', () => {
  it('reads the birth date, taking the century from the check digits', () => {
    expect(inszBirthDate('85073003328')).toEqual({ year: 1985, month: 7, day: 30 });
    expect(inszBirthDate('17073003384')).toEqual({ year: 2017, month: 7, day: 30 });
  });

  it('removes the BIS offset from the month', () => {
    expect(inszBirthDate(buildInsz(1985, 7, 30, 33, 40))).toEqual({ year: 1985, month: 7, day: 30 });
  });

  it('is undefined for an invalid number or a birth date that is not fully known', () => {
    expect(inszBirthDate('85073003329')).toBeUndefined();
    expect(inszBirthDate(buildInsz(1985, 7, 0, 33))).toBeUndefined();
    expect(inszBirthDate(buildInsz(1985, 0, 30, 33, 20))).toBeUndefined();
  });

  it('round-trips every birth date encoded in a valid number', () => {
    fc.assert(
      fc.property(birthDates, sequences, bisOffsets, (birthDate, sequence, bisOffset) => {
        const insz = buildInsz(birthDate.year, birthDate.month, birthDate.day, sequence, bisOffset);
        expect(inszBirthDate(insz)).toEqual(birthDate);
      }),
    );
  });
});

describe('normalizeInsz', () => {
  it('strips dots, dashes and spaces', () => {
    expect(normalizeInsz('85.07.30-033.28')).toBe('85073003328');
    expect(normalizeInsz(' 850730 033 28 ')).toBe('85073003328');
  });

  it('leaves other characters for validation to reject', () => {
    expect(normalizeInsz('85.07.30-033.2x')).toBe('850730033' + '2x');
  });
});

describe('maskInsz', () => {
  it('keeps the birth date and hides the sequence and check digits', () => {
    expect(maskInsz('85073003328')).toBe('850730*****');
    expect(maskInsz('85.07.30-033.28')).toBe('850730*****');
  });

  it('hides everything of a value that is not an 11-digit number', () => {
    expect(maskInsz('8507300332')).toBe('***********');
    expect(maskInsz('850730033281')).toBe('***********');
    expect(maskInsz('x85073003328')).toBe('***********');
    expect(maskInsz('')).toBe('***********');
  });
});

describe('isValidKbo', () => {
  it('accepts an enterprise number whose last two digits are 97 − (first eight mod 97)', () => {
    expect(isValidKbo('0123456749')).toBe(true);
    expect(isValidKbo('0203201340')).toBe(true);
  });

  it('rejects wrong check digits', () => {
    expect(isValidKbo('0123456748')).toBe(false);
  });

  it('rejects a first digit other than 0 or 1', () => {
    const firstEight = '21234567';
    expect(isValidKbo(firstEight + specKboCheck(firstEight))).toBe(false);
  });

  it('rejects anything that is not exactly 10 digits', () => {
    for (const value of ['', '123456749', '01234567490', '0123.456.749', 'BE0123456749']) {
      expect(isValidKbo(value)).toBe(false);
    }
  });

  it('accepts every number built from a 0/1 prefix and its check digits, and none with one digit changed', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 19_999_999 }), (prefix) => {
        const firstEight = pad(prefix, 8);
        const kbo = firstEight + specKboCheck(firstEight);
        expect(isValidKbo(kbo)).toBe(true);
        for (const mutated of singleDigitMutations(kbo)) expect(isValidKbo(mutated)).toBe(false);
      }),
    );
  });
});

describe('normalizeKbo', () => {
  it('strips dots, dashes, spaces and the BE prefix', () => {
    expect(normalizeKbo('0123.456.749')).toBe('0123456749');
    expect(normalizeKbo('BE0123456749')).toBe('0123456749');
    expect(normalizeKbo('be 0123-456-749')).toBe('0123456749');
  });

  it('strips BE only as a prefix, leaving it elsewhere for validation to reject', () => {
    expect(normalizeKbo('0123456749BE')).toBe('0123456749BE');
    expect(isValidKbo(normalizeKbo('0123456749BE'))).toBe(false);
  });

  it('prefixes a 0 to an old nine-digit VAT number', () => {
    expect(normalizeKbo('BE 123.456.749')).toBe('0123456749');
  });
});
