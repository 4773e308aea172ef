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

/** Builds an INSZ from its parts, computing the check digits the way the register does. */
function buildInsz(year: number, month: number, day: number, sequence: number, bisOffset = 0): string {
  const firstNine = `${pad(year % 100, 2)}${pad(month + bisOffset, 2)}${pad(day, 2)}${pad(sequence, 3)}`;
  return firstNine + inszCheckDigits(firstNine, year >= 2000);
}

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
      expect(isValidInsz(firstNine + inszCheckDigits(firstNine, false))).toBe(false);
    }
  });

  it('accepts an unknown birth month or day (00)', () => {
    expect(isValidInsz(buildInsz(1985, 0, 0, 33))).toBe(true);
    expect(isValidInsz(buildInsz(1985, 0, 31, 33))).toBe(true);
    expect(isValidInsz(buildInsz(1985, 7, 0, 33, 40))).toBe(true);
  });

  it('rejects a day above 31 even when the month is unknown', () => {
    const firstNine = '850032033';
    expect(isValidInsz(firstNine + inszCheckDigits(firstNine, false))).toBe(false);
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
          expect(inszCheckDigits(mutated.slice(0, 9), year >= 2000)).not.toBe(mutated.slice(9));
          if (isValidInsz(mutated)) {
            expect(inszCheckDigits(mutated.slice(0, 9), year < 2000)).toBe(mutated.slice(9));
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
    expect(isValidKbo(firstEight + kboCheckDigits(firstEight))).toBe(false);
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
        const kbo = firstEight + kboCheckDigits(firstEight);
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

  it('prefixes a 0 to an old nine-digit VAT number', () => {
    expect(normalizeKbo('BE 123.456.749')).toBe('0123456749');
  });
});
