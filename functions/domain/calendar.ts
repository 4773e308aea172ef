/**
 * Legal deadlines (doorlooptijden) in Belgium: days are counted in Europe/Brussels
 * local dates, working days skip weekends and public holidays, and a deadline ends
 * at the last millisecond of its last day, local time.
 *
 * Local dates are handled as ISO strings `YYYY-MM-DD` and computed on as UTC
 * midnights, where every day is 24 hours; only the final step turns a local date
 * into an instant, which is where daylight saving time matters.
 */

/** How a legal deadline counts its days. */
export type DeadlineKind = 'calendar' | 'working';

const TIME_ZONE = 'Europe/Brussels';
const MS_PER_DAY = 86_400_000;
const LAST_MS_OF_DAY = MS_PER_DAY - 1;

/**
 * Built once, when first needed: constructing an Intl formatter is far slower than using one
 * (loading the zone's data took 4 ms), and most functions that load this module never ask it.
 */
let brusselsWallClock: Intl.DateTimeFormat | undefined;
const wallClock = (): Intl.DateTimeFormat =>
  (brusselsWallClock ??= new Intl.DateTimeFormat('en-US', {
    timeZone: TIME_ZONE,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }));

interface LocalDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

function toIsoDate({ year, month, day }: LocalDate): string {
  return `${year.toString().padStart(4, '0')}-${month.toString().padStart(2, '0')}-${day.toString().padStart(2, '0')}`;
}

/** UTC midnight of a local date: a day number that date arithmetic can use without DST. */
function parseIsoDate(isoDate: string): number {
  // Stryker disable next-line Regex: equivalent; the round trip below refuses anything before or after the date, anchors or not
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate);
  const utcMidnight = match ? Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) : NaN;
  // Rejects shapes that Date.UTC would silently roll over, such as 2026-02-30.
  if (Number.isNaN(utcMidnight) || new Date(utcMidnight).toISOString().slice(0, 10) !== isoDate) {
    throw new RangeError(`not an ISO date (YYYY-MM-DD): ${isoDate}`);
  }
  return utcMidnight;
}

function shiftIsoDate(isoDate: string, days: number): string {
  return new Date(parseIsoDate(isoDate) + days * MS_PER_DAY).toISOString().slice(0, 10);
}

/**
 * Easter Sunday of a Gregorian year as an ISO date, by the anonymous Gregorian
 * algorithm (Meeus/Jones/Butcher).
 */
export function easterSunday(year: number): string {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return toIsoDate({ year, month, day });
}

/**
 * The ten Belgian statutory public holidays of a year, as sorted ISO dates: New Year,
 * Easter Monday, Labour Day, Ascension (Easter + 39), Whit Monday (Easter + 50),
 * National Day (21 Jul), Assumption (15 Aug), All Saints, Armistice and Christmas.
 * A holiday on a Sunday is not moved (employers grant a replacement day instead).
 */
export function belgianPublicHolidays(year: number): string[] {
  if (!Number.isInteger(year) || year < 1583 || year > 9999) {
    throw new RangeError(`year outside the Gregorian range this calendar supports: ${year}`);
  }
  const easter = easterSunday(year);
  const fixed = (month: number, day: number) => toIsoDate({ year, month, day });
  return [
    fixed(1, 1),
    shiftIsoDate(easter, 1),
    fixed(5, 1),
    shiftIsoDate(easter, 39),
    shiftIsoDate(easter, 50),
    fixed(7, 21),
    fixed(8, 15),
    fixed(11, 1),
    fixed(11, 11),
    fixed(12, 25),
  ].sort();
}

// Deadline arithmetic asks about the same few years over and over.
const holidaysByYear = new Map<number, ReadonlySet<string>>();

function isPublicHoliday(isoDate: string): boolean {
  const year = Number(isoDate.slice(0, 4));
  let holidays = holidaysByYear.get(year);
  // Stryker disable next-line ConditionalExpression: equivalent; the cache only saves working out a year's holidays again
  if (holidays === undefined) {
    holidays = new Set(belgianPublicHolidays(year));
    holidaysByYear.set(year, holidays);
  }
  return holidays.has(isoDate);
}

/** Whether a local date is a working day: Monday to Friday and not a Belgian public holiday. */
export function isWorkingDay(isoDate: string): boolean {
  const weekday = new Date(parseIsoDate(isoDate)).getUTCDay();
  return weekday !== 0 && weekday !== 6 && !isPublicHoliday(isoDate);
}

/** The first working day on or after a local date. */
function onOrNextWorkingDay(isoDate: string): string {
  let date = isoDate;
  while (!isWorkingDay(date)) date = shiftIsoDate(date, 1);
  return date;
}

function wallClockParts(instant: Date): LocalDate & { hour: number; minute: number; second: number } {
  const parts: Partial<Record<Intl.DateTimeFormatPartTypes, number>> = {};
  for (const part of wallClock().formatToParts(instant)) {
    // Stryker disable next-line ConditionalExpression: equivalent; a literal part (a separator) would only add a field nothing reads
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return {
    year: parts.year ?? NaN,
    month: parts.month ?? NaN,
    day: parts.day ?? NaN,
    hour: parts.hour ?? NaN,
    minute: parts.minute ?? NaN,
    second: parts.second ?? NaN,
  };
}

function assertValidInstant(instant: Date): void {
  if (Number.isNaN(instant.getTime())) throw new RangeError('invalid Date');
}

/** The local date in Europe/Brussels at an instant, as `YYYY-MM-DD`. */
export function brusselsDate(instant: Date): string {
  assertValidInstant(instant);
  return toIsoDate(wallClockParts(instant));
}

/** How far Brussels wall-clock time is ahead of UTC at an instant (+1 h in winter, +2 h in summer). */
function brusselsOffsetMs(instantMs: number): number {
  const wall = wallClockParts(new Date(instantMs));
  const wallAsUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
  // The formatter drops milliseconds, so compare against the instant truncated to the second.
  return wallAsUtc - Math.floor(instantMs / 1000) * 1000;
}

/**
 * The instant at which Brussels clocks show the given wall time (as UTC-epoch ms).
 * The offset is read twice: the first guess may sit on the other side of a DST change.
 */
function brusselsWallTimeToInstant(wallAsUtcMs: number): Date {
  const guess = wallAsUtcMs - brusselsOffsetMs(wallAsUtcMs);
  return new Date(wallAsUtcMs - brusselsOffsetMs(guess));
}

/**
 * The last millisecond of a local date in Europe/Brussels (23:59:59.999 local), as
 * an instant: the moment a deadline ending on that day expires. DST changes happen
 * at 02:00/03:00, so this wall time always exists exactly once.
 */
export function endOfBrusselsDay(isoDate: string): Date {
  return brusselsWallTimeToInstant(parseIsoDate(isoDate) + LAST_MS_OF_DAY);
}

function assertDayCount(days: number): void {
  if (!Number.isSafeInteger(days) || days < 1) {
    throw new RangeError(`a deadline counts a positive whole number of days, got ${days}`);
  }
}

/**
 * Due date of a deadline of `days` working days: counting starts the day after
 * `from` (local date in Brussels), only working days count, and the deadline ends
 * at the end of the last one.
 */
export function addWorkingDays(from: Date, days: number): Date {
  assertDayCount(days);
  let date = brusselsDate(from);
  for (let counted = 0; counted < days; ) {
    date = shiftIsoDate(date, 1);
    if (isWorkingDay(date)) counted += 1;
  }
  return endOfBrusselsDay(date);
}

/**
 * Due date of a deadline of `days` calendar days: counting starts the day after
 * `from` (local date in Brussels) and the deadline ends at the end of the last day.
 */
export function addCalendarDays(from: Date, days: number): Date {
  assertDayCount(days);
  const lastDay = shiftIsoDate(brusselsDate(from), days);
  // Judicial Code art. 53: a last day on a Saturday, Sunday or public holiday moves to the next working day.
  return endOfBrusselsDay(onOrNextWorkingDay(lastDay));
}

/**
 * Due date of a legal deadline of `days` days of the given kind, counted from the day
 * after `from` in Europe/Brussels and ending at 23:59:59.999 local time on the last
 * day; see {@link addWorkingDays} and {@link addCalendarDays}.
 */
export function addDays(from: Date, days: number, kind: DeadlineKind): Date {
  return kind === 'working' ? addWorkingDays(from, days) : addCalendarDays(from, days);
}

/**
 * The due date after a suspension (opschorting) of `suspendedMs`: the clock stood
 * still while suspended, so the deadline moves by exactly that long.
 */
export function shiftBySuspension(dueAt: Date, suspendedMs: number): Date {
  assertValidInstant(dueAt);
  if (!Number.isFinite(suspendedMs) || suspendedMs < 0) {
    throw new RangeError(`a suspension lasts a non-negative duration, got ${suspendedMs}`);
  }
  return new Date(dueAt.getTime() + suspendedMs);
}
