/**
 * Belgian identifiers: the national number (INSZ/NISS, rijksregisternummer, and
 * BIS numbers) for citizens and the enterprise number (KBO/BCE) for businesses.
 * Both carry MOD 97 check digits, so we verify them instead of matching a pattern.
 */

/** A birth date as encoded in an INSZ; month 1..12, day 1..31. */
export interface InszBirthDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

/** The century a national number was issued for; it decides which check-digit formula applies. */
type BirthCentury = 1900 | 2000;

// The 2000+ formula prefixes the digit 2 to the first nine digits, so two numbers
// with the same digits but a century apart get different check digits.
const MILLENNIUM_PREFIX = 2_000_000_000;

const separators = /[\s.-]/g;

/** 97 − (base mod 97): never 0, so a remainder of 0 yields the check 97. */
function mod97Check(base: number): number {
  return 97 - (base % 97);
}

const twoDigits = (n: number): string => n.toString().padStart(2, '0');

/**
 * The check digits of a national number from its first nine digits (YYMMDDSSS), for
 * someone born before 2000 (97 − (YYMMDDSSS mod 97)) or in 2000 or later
 * (97 − ((2 000 000 000 + YYMMDDSSS) mod 97)).
 */
export function inszCheckDigits(firstNine: string, bornIn2000OrLater: boolean): string {
  if (!/^\d{9}$/.test(firstNine)) throw new RangeError('expected the first nine digits of an INSZ');
  const base = Number(firstNine) + (bornIn2000OrLater ? MILLENNIUM_PREFIX : 0);
  return twoDigits(mod97Check(base));
}

/** The check digits of an enterprise number from its first eight digits: 97 − (first eight mod 97). */
export function kboCheckDigits(firstEight: string): string {
  if (!/^\d{8}$/.test(firstEight)) throw new RangeError('expected the first eight digits of a KBO number');
  return twoDigits(mod97Check(Number(firstEight)));
}

/**
 * BIS numbers (people not in the national register) add 20 (gender unknown) or 40
 * (gender known) to the month; returns the real month 0..12, or undefined if the
 * encoded month fits neither a national nor a BIS number. Month 0 means unknown.
 */
function birthMonthWithoutBisOffset(encodedMonth: number): number | undefined {
  for (const offset of [0, 20, 40]) {
    const month = encodedMonth - offset;
    if (month >= 0 && month <= 12) return month;
  }
  return undefined;
}

function isCalendarDate(year: number, month: number, day: number): boolean {
  // Date.UTC rolls 29 Feb 2001 over to 1 Mar; a real date survives the round trip. With a day of at most 31, a date
  // rolled over always has another day of the month (1 to 3), so the day alone tells.
  return new Date(Date.UTC(year, month - 1, day)).getUTCDate() === day;
}

/** A national number whose check digits and birth date hold; month/day 0 mean unknown. */
interface DecodedInsz {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

/**
 * Decodes a digits-only INSZ, or returns undefined if it is not valid. The century is
 * the one whose check formula matches: the two formulas never give the same check
 * (2 000 000 000 is not a multiple of 97), so at most one can.
 */
function decodeInsz(value: string): DecodedInsz | undefined {
  if (!/^\d{11}$/.test(value)) return undefined;
  const firstNine = value.slice(0, 9);
  const check = value.slice(9, 11);
  const sequence = Number(value.slice(6, 9));
  // 000 and 999 are never issued as sequence numbers.
  if (sequence === 0 || sequence === 999) return undefined;

  const month = birthMonthWithoutBisOffset(Number(value.slice(2, 4)));
  const day = Number(value.slice(4, 6));
  if (month === undefined || day > 31) return undefined;

  const century: BirthCentury | undefined =
    inszCheckDigits(firstNine, false) === check ? 1900 : inszCheckDigits(firstNine, true) === check ? 2000 : undefined;
  if (century === undefined) return undefined;

  const year = century + Number(value.slice(0, 2));
  const dateKnown = month !== 0 && day !== 0;
  if (dateKnown && !isCalendarDate(year, month, day)) return undefined;
  return { year, month, day };
}

/**
 * Whether `value` is a valid Belgian national number or BIS number: 11 digits
 * YYMMDDSSSCC, where CC = 97 − (YYMMDDSSS mod 97), or for people born in 2000 or
 * later 97 − ((2 000 000 000 + YYMMDDSSS) mod 97); the month may carry the BIS
 * offset 20 or 40; month and day may be 00 (unknown), and when both are known they
 * must form a real date in the century the check digits point to; the sequence SSS
 * is 001..998. Expects digits only: apply {@link normalizeInsz} first.
 */
export function isValidInsz(value: string): boolean {
  return decodeInsz(value) !== undefined;
}

/**
 * The birth date encoded in a valid INSZ (BIS offset removed, century taken from the
 * check digits), or undefined when the number is invalid or the date is not fully known.
 */
export function inszBirthDate(insz: string): InszBirthDate | undefined {
  const decoded = decodeInsz(insz);
  if (decoded === undefined || decoded.month === 0 || decoded.day === 0) return undefined;
  return decoded;
}

/**
 * Whether `value` is a valid enterprise number (ondernemingsnummer): 10 digits, the
 * first 0 or 1, the last two equal to 97 − (first eight mod 97). Expects digits
 * only: apply {@link normalizeKbo} first.
 */
export function isValidKbo(value: string): boolean {
  if (!/^[01]\d{9}$/.test(value)) return false;
  return kboCheckDigits(value.slice(0, 8)) === value.slice(8, 10);
}

/** Strips the separators people write an INSZ with (`85.07.30-033.28`); does not validate. */
export function normalizeInsz(input: string): string {
  return input.replace(separators, '');
}

/**
 * Strips the separators and the VAT country prefix people write an enterprise number
 * with (`0123.456.749`, `BE 0123 456 749`); does not validate. A nine-digit number is
 * an old-style VAT number, which became the enterprise number by prefixing a 0.
 */
export function normalizeKbo(input: string): string {
  const digits = input.replace(separators, '').replace(/^BE/i, '');
  return /^\d{9}$/.test(digits) ? `0${digits}` : digits;
}

/**
 * An INSZ fit for logs: the birth date stays (useful when tracing a case), the
 * sequence and check digits, which identify the person, become `*`. Anything that
 * is not an 11-digit number is masked entirely, since we cannot tell what it reveals.
 */
export function maskInsz(insz: string): string {
  const digits = normalizeInsz(insz);
  return /^\d{11}$/.test(digits) ? `${digits.slice(0, 6)}*****` : '*'.repeat(11);
}

/**
 * A run of digit groups as people write national and enterprise numbers: bare, or with dots,
 * dashes and spaces between the groups, maybe after the VAT prefix BE. Letters around it do not
 * matter (`KBO0403170701`, `0403170701x`): a number glued to a word still identifies someone.
 */
const digitRun = /(?:(?<![A-Za-z])BE\s?)?\d+(?:[\s.\-]{1,3}\d+)*/g;

interface DigitGroup {
  readonly start: number;
  readonly end: number;
  readonly digits: string;
}

/**
 * The identifier that starts at `groups[first]` and spans whole groups, preferring the longest:
 * a valid INSZ (11 digits), a valid KBO (10 digits), or a KBO written without its leading 0
 * (9 digits, the old VAT number). Returns its last group and how many stars replace it.
 */
function identifierAt(groups: readonly DigitGroup[], first: number): { last: number; stars: number } | undefined {
  let digits = '';
  let found: { last: number; stars: number } | undefined;
  for (let last = first; last < groups.length; last++) {
    digits += groups[last]!.digits;
    // Stryker disable next-line ConditionalExpression: equivalent; no longer run of digits can be an identifier, so this only saves checking them
    if (digits.length > 11) break;
    // Only eleven digits can be a valid INSZ, and only ten (or nine, their 0 put back) a valid KBO.
    if (isValidInsz(digits)) return { last, stars: 11 };
    if (isValidKbo(digits) || isValidKbo(`0${digits}`)) found = { last, stars: 10 };
  }
  return found;
}

/** A run with every identifier in it masked; digits around an identifier stay. */
function maskRun(run: string): string {
  const groups: DigitGroup[] = [...run.matchAll(/\d+/g)].map((match) => ({ start: match.index, end: match.index + match[0].length, digits: match[0] }));
  let masked = '';
  let cursor = 0;
  // Stryker disable next-line EqualityOperator: equivalent; past the last group there is no identifier to find
  for (let first = 0; first < groups.length; first++) {
    const identifier = identifierAt(groups, first);
    if (!identifier) continue;
    // A BE prefix goes with the number it precedes.
    const from = first === 0 ? 0 : groups[first]!.start;
    masked += run.slice(cursor, from) + '*'.repeat(identifier.stars);
    cursor = groups[identifier.last]!.end;
    first = identifier.last;
  }
  return masked + run.slice(cursor);
}

/**
 * Text fit for logs and traces: every valid INSZ or KBO number in it, however written (bare,
 * with dots, dashes or spaces, with a BE prefix, a KBO without its leading 0, next to other
 * digit groups or letters), is replaced by stars. Numbers that merely look alike (an epoch
 * time, a case number) stay, since their check digits do not hold.
 */
export function maskIdentifiers(text: string): string {
  return text.replace(digitRun, maskRun);
}

/**
 * A JSON number fit for logs: one whose digits are a valid INSZ or KBO, also after the leading
 * zeros a number cannot keep, becomes stars; any other number stays as it is.
 */
export function maskIdentifierNumber(value: number): number | string {
  if (!Number.isSafeInteger(value)) return value;
  // Stryker disable next-line EqualityOperator: equivalent at the bound; 10 000 000 is no identifier, however padded
  if (value < 1e7) return value;
  // Stryker disable next-line ConditionalExpression,EqualityOperator: `false` and `>` change nothing, as twelve digits or more hold no identifier (maskIdentifiers leaves them); the bound only spares a log line's epoch milliseconds three looks
  if (value >= 1e11) return value;
  const digits = String(value);
  for (const padded of [digits, digits.padStart(10, '0'), digits.padStart(11, '0')]) {
    const masked = maskIdentifiers(padded);
    if (masked !== padded) return masked;
  }
  return value;
}
