import fc from 'fast-check';
import {
  addCalendarDays,
  addDays,
  addWorkingDays,
  belgianPublicHolidays,
  brusselsDate,
  easterSunday,
  endOfBrusselsDay,
  isWorkingDay,
  shiftBySuspension,
} from '../../../functions/domain/calendar';

const at = (iso: string) => new Date(iso);
const nextIsoDate = (isoDate: string) =>
  new Date(Date.parse(`${isoDate}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

const instants = fc.date({
  min: new Date('2000-01-01T00:00:00Z'),
  max: new Date('2099-12-31T00:00:00Z'),
  noInvalidDate: true,
});
const dayCounts = fc.integer({ min: 1, max: 400 });

describe('easterSunday', () => {
  it.each([
    [2024, '2024-03-31'],
    [2025, '2025-04-20'],
    [2026, '2026-04-05'],
    [2027, '2027-03-28'],
    [2038, '2038-04-25'],
  ])('puts Easter %i on %s', (year, expected) => {
    expect(easterSunday(year)).toBe(expected);
  });

  // Published Gregorian Easter tables, chosen to cross every branch of the arithmetic:
  // each century correction (1583 to 9999), the earliest (22 March) and latest (25 April)
  // dates, and the two exceptions to the 19-year cycle (1954, 1981: a week earlier).
  const publishedEasters: Array<[number, string]> = [
    [1583, '1583-04-10'],
    [1700, '1700-04-11'],
    [1818, '1818-03-22'],
    [1900, '1900-04-15'],
    [1943, '1943-04-25'],
    [1954, '1954-04-18'],
    [1981, '1981-04-19'],
    [2000, '2000-04-23'],
    [2008, '2008-03-23'],
    [2011, '2011-04-24'],
    [2014, '2014-04-20'],
    [2019, '2019-04-21'],
    [2285, '2285-03-22'],
    [9999, '9999-03-28'],
  ];

  it.each(publishedEasters)('puts Easter %i on %s, as the published tables do', (year, expected) => {
    expect(easterSunday(year)).toBe(expected);
  });

  /**
   * A second oracle from the specification, written apart from the code under test:
   * Knuth's method (TAOCP 1.3.2, exercise 14) from the golden number and epact.
   */
  function easterByEpact(year: number): string {
    const golden = (year % 19) + 1;
    const century = Math.floor(year / 100) + 1;
    const skippedLeapDays = Math.floor((3 * century) / 4) - 12;
    const moonCorrection = Math.floor((8 * century + 5) / 25) - 5;
    const sunday = Math.floor((5 * year) / 4) - skippedLeapDays - 10;
    let epact = (11 * golden + 20 + moonCorrection - skippedLeapDays) % 30;
    if ((epact === 25 && golden > 11) || epact === 24) epact += 1;
    let fullMoon = 44 - epact;
    if (fullMoon < 21) fullMoon += 30;
    const marchDay = fullMoon + 7 - ((sunday + fullMoon) % 7);
    const [month, day] = marchDay > 31 ? ['04', marchDay - 31] : ['03', marchDay];
    return `${year}-${month}-${String(day).padStart(2, '0')}`;
  }

  it('agrees with the epact method on the published years', () => {
    for (const [year, expected] of publishedEasters) expect(easterByEpact(year)).toBe(expected);
  });

  it('agrees with the epact method on every year from 1583 to 9999', () => {
    const disagreements: string[] = [];
    for (let year = 1583; year <= 9999; year += 1) {
      if (easterSunday(year) !== easterByEpact(year)) disagreements.push(easterSunday(year));
    }
    expect(disagreements).toEqual([]);
  });
});

describe('belgianPublicHolidays', () => {
  it('lists the ten statutory holidays of 2026 in date order', () => {
    expect(belgianPublicHolidays(2026)).toEqual([
      '2026-01-01',
      '2026-04-06',
      '2026-05-01',
      '2026-05-14',
      '2026-05-25',
      '2026-07-21',
      '2026-08-15',
      '2026-11-01',
      '2026-11-11',
      '2026-12-25',
    ]);
  });

  it('derives Easter Monday, Ascension and Whit Monday from Easter', () => {
    expect(belgianPublicHolidays(2024)).toEqual(expect.arrayContaining(['2024-04-01', '2024-05-09', '2024-05-20']));
  });

  it('sorts Ascension before Labour Day when Easter falls on 22 March', () => {
    // Easter 2285 is 22 March: Easter Monday 23 March, Ascension 30 April, Whit Monday 11 May.
    expect(belgianPublicHolidays(2285)).toEqual([
      '2285-01-01',
      '2285-03-23',
      '2285-04-30',
      '2285-05-01',
      '2285-05-11',
      '2285-07-21',
      '2285-08-15',
      '2285-11-01',
      '2285-11-11',
      '2285-12-25',
    ]);
  });

  it('serves the Gregorian years 1583 to 9999, the first and last included', () => {
    expect(belgianPublicHolidays(1583)).toContain('1583-04-11');
    expect(belgianPublicHolidays(9999)).toContain('9999-03-29');
  });

  it.each([1582, 10_000, 2026.5, Number.NaN])('refuses the year %p, outside that range', (year) => {
    expect(() => belgianPublicHolidays(year)).toThrow(/year outside the Gregorian range/);
  });
});

describe('isWorkingDay', () => {
  it('counts Monday to Friday that are not holidays', () => {
    expect(isWorkingDay('2026-04-07')).toBe(true);
    expect(isWorkingDay('2026-04-10')).toBe(true);
  });

  it('excludes weekends and public holidays', () => {
    expect(isWorkingDay('2026-04-04')).toBe(false);
    expect(isWorkingDay('2026-04-05')).toBe(false);
    expect(isWorkingDay('2026-04-06')).toBe(false);
    expect(isWorkingDay('2026-07-21')).toBe(false);
  });

  it('rejects a string that is not a real ISO date', () => {
    expect(() => isWorkingDay('2026-02-30')).toThrow(RangeError);
    expect(() => isWorkingDay('6 April 2026')).toThrow(RangeError);
    expect(() => isWorkingDay('2026-02-30')).toThrow('not an ISO date (YYYY-MM-DD): 2026-02-30');
  });
});

describe('brusselsDate', () => {
  it('gives the local date, which runs ahead of UTC around midnight', () => {
    expect(brusselsDate(at('2026-01-08T23:30:00Z'))).toBe('2026-01-09');
    expect(brusselsDate(at('2026-07-08T22:30:00Z'))).toBe('2026-07-09');
    expect(brusselsDate(at('2026-07-08T21:30:00Z'))).toBe('2026-07-08');
  });

  it('always writes four digits of year, so that the date parses again as YYYY-MM-DD', () => {
    const early = new Date(Date.UTC(999, 5, 1, 12));
    expect(brusselsDate(early)).toBe('0999-06-01');
    expect(isWorkingDay(brusselsDate(early))).toBe(false);
  });

  it('refuses an invalid Date by name', () => {
    expect(() => brusselsDate(new Date(Number.NaN))).toThrow('invalid Date');
  });
});

describe('endOfBrusselsDay', () => {
  it('is 23:59:59.999 local: UTC+1 in winter, UTC+2 in summer', () => {
    expect(endOfBrusselsDay('2026-01-15').toISOString()).toBe('2026-01-15T22:59:59.999Z');
    expect(endOfBrusselsDay('2026-07-15').toISOString()).toBe('2026-07-15T21:59:59.999Z');
  });

  it('follows the switch to summer time on the last Sunday of March', () => {
    expect(endOfBrusselsDay('2026-03-28').toISOString()).toBe('2026-03-28T22:59:59.999Z');
    expect(endOfBrusselsDay('2026-03-29').toISOString()).toBe('2026-03-29T21:59:59.999Z');
  });

  it('follows the switch to winter time on the last Sunday of October', () => {
    expect(endOfBrusselsDay('2026-10-24').toISOString()).toBe('2026-10-24T21:59:59.999Z');
    expect(endOfBrusselsDay('2026-10-25').toISOString()).toBe('2026-10-25T22:59:59.999Z');
  });

  it('is the last millisecond of that local date, on any day', () => {
    fc.assert(
      fc.property(instants, (instant) => {
        const isoDate = brusselsDate(instant);
        const end = endOfBrusselsDay(isoDate);
        expect(brusselsDate(end)).toBe(isoDate);
        expect(brusselsDate(new Date(end.getTime() + 1))).toBe(nextIsoDate(isoDate));
      }),
    );
  });
});

describe('addWorkingDays', () => {
  it('skips the weekend', () => {
    // Friday 9 January 2026, 10:00 in Brussels
    const friday = at('2026-01-09T09:00:00Z');
    expect(addWorkingDays(friday, 1).toISOString()).toBe('2026-01-12T22:59:59.999Z');
    expect(addWorkingDays(friday, 5).toISOString()).toBe('2026-01-16T22:59:59.999Z');
  });

  it('starts counting the day after the local date, not the UTC date', () => {
    // Thursday 23:30 UTC is already Friday in Brussels, so day one is Monday, not Friday.
    expect(addWorkingDays(at('2026-01-08T23:30:00Z'), 1).toISOString()).toBe('2026-01-12T22:59:59.999Z');
  });

  it('skips Easter Monday', () => {
    // Thursday 2 April 2026: Friday 3 counts, the weekend and Monday 6 April do not.
    expect(addWorkingDays(at('2026-04-02T10:00:00Z'), 2).toISOString()).toBe('2026-04-07T21:59:59.999Z');
  });

  it('skips Christmas and New Year', () => {
    // Wednesday 23 December 2026: 24, 28, 29, 30, 31 December, then Monday 4 January 2027.
    expect(addWorkingDays(at('2026-12-23T10:00:00Z'), 6).toISOString()).toBe('2027-01-04T22:59:59.999Z');
  });

  it('ends at local midnight after the switch to summer time', () => {
    // Friday 27 March 2026 in winter time; the due Monday is in summer time.
    expect(addWorkingDays(at('2026-03-27T10:00:00Z'), 1).toISOString()).toBe('2026-03-30T21:59:59.999Z');
  });

  it('ends at local midnight after the switch to winter time', () => {
    // Friday 23 October 2026 in summer time; the due Monday is in winter time.
    expect(addWorkingDays(at('2026-10-23T10:00:00Z'), 1).toISOString()).toBe('2026-10-26T22:59:59.999Z');
  });

  it('rejects a day count that is not a positive whole number', () => {
    expect(() => addWorkingDays(at('2026-01-09T09:00:00Z'), 0)).toThrow(RangeError);
    expect(() => addWorkingDays(at('2026-01-09T09:00:00Z'), 1.5)).toThrow(RangeError);
    expect(() => addWorkingDays(at('2026-01-09T09:00:00Z'), 0)).toThrow('positive whole number of days, got 0');
  });

  it('always falls due at the end of a working day', () => {
    fc.assert(
      fc.property(instants, dayCounts, (from, days) => {
        const due = addWorkingDays(from, days);
        const dueDate = brusselsDate(due);
        expect(isWorkingDay(dueDate)).toBe(true);
        expect(due.getTime()).toBe(endOfBrusselsDay(dueDate).getTime());
      }),
    );
  });

  it('counts exactly the requested number of working days after the start date', () => {
    fc.assert(
      fc.property(instants, fc.integer({ min: 1, max: 60 }), (from, days) => {
        const dueDate = brusselsDate(addWorkingDays(from, days));
        let counted = 0;
        for (let date = nextIsoDate(brusselsDate(from)); date <= dueDate; date = nextIsoDate(date)) {
          if (isWorkingDay(date)) counted += 1;
        }
        expect(counted).toBe(days);
      }),
    );
  });

  it('falls due strictly later for one more working day', () => {
    fc.assert(
      fc.property(instants, dayCounts, (from, days) => {
        expect(addWorkingDays(from, days + 1).getTime()).toBeGreaterThan(addWorkingDays(from, days).getTime());
      }),
    );
  });
});

describe('addCalendarDays', () => {
  it('counts every day, ending at the end of the last one', () => {
    // Monday 12 January 2026 + 10 days = Thursday 22 January.
    expect(addCalendarDays(at('2026-01-12T10:00:00Z'), 10).toISOString()).toBe('2026-01-22T22:59:59.999Z');
  });

  it('moves a deadline ending on a Sunday to the Monday', () => {
    // Thursday 8 January 2026 + 3 days = Sunday 11 January.
    expect(addCalendarDays(at('2026-01-08T10:00:00Z'), 3).toISOString()).toBe('2026-01-12T22:59:59.999Z');
  });

  it('moves a deadline ending on a public holiday to the next working day', () => {
    // 11 July 2026 + 10 days = Tuesday 21 July, National Day.
    expect(addCalendarDays(at('2026-07-11T10:00:00Z'), 10).toISOString()).toBe('2026-07-22T21:59:59.999Z');
    // Friday 3 April 2026 + 1 day = Saturday 4 April; Sunday and Easter Monday follow.
    expect(addCalendarDays(at('2026-04-03T10:00:00Z'), 1).toISOString()).toBe('2026-04-07T21:59:59.999Z');
  });

  it('crosses the switch to summer time', () => {
    // Sunday 22 March 2026 + 8 days = Monday 30 March, in summer time.
    expect(addCalendarDays(at('2026-03-22T10:00:00Z'), 8).toISOString()).toBe('2026-03-30T21:59:59.999Z');
  });

  it('falls due on the last counted day, or the first working day after it', () => {
    fc.assert(
      fc.property(instants, dayCounts, (from, days) => {
        const dueDate = brusselsDate(addCalendarDays(from, days));
        let lastDay = brusselsDate(from);
        for (let i = 0; i < days; i += 1) lastDay = nextIsoDate(lastDay);
        expect(isWorkingDay(dueDate)).toBe(true);
        for (let date = lastDay; date < dueDate; date = nextIsoDate(date)) expect(isWorkingDay(date)).toBe(false);
        expect(dueDate >= lastDay).toBe(true);
      }),
    );
  });
});

describe('addDays', () => {
  // Expected dates are counted by hand on a 2026 calendar, not derived from the code under test.
  it('pins a 5-working-day deadline (proof of residence) across Labour Day and a weekend', () => {
    // Submitted Thursday 30 April 2026, 10:00 in Brussels (CEST). Friday 1 May is Labour Day,
    // 2–3 May the weekend: Mon 4 (1), Tue 5 (2), Wed 6 (3), Thu 7 (4), Fri 8 May (5).
    // Counting calendar days instead would end on Tuesday 5 May.
    expect(addDays(at('2026-04-30T08:00:00Z'), 5, 'working').toISOString()).toBe('2026-05-08T21:59:59.999Z');
  });

  it('pins a 5-working-day deadline across Ascension and a weekend', () => {
    // Submitted Wednesday 13 May 2026. Thursday 14 May is Ascension (Easter 5 April + 39):
    // Fri 15 (1), Mon 18 (2), Tue 19 (3), Wed 20 (4), Thu 21 May (5).
    expect(addDays(at('2026-05-13T08:00:00Z'), 5, 'working').toISOString()).toBe('2026-05-21T21:59:59.999Z');
  });

  it('pins a 5-working-day deadline across Armistice Day and a weekend, in winter time', () => {
    // Submitted Monday 9 November 2026, 11:00 (CET). Wednesday 11 November is Armistice Day:
    // Tue 10 (1), Thu 12 (2), Fri 13 (3), Mon 16 (4), Tue 17 November (5); 23:59:59.999 CET is 22:59:59.999Z.
    expect(addDays(at('2026-11-09T10:00:00Z'), 5, 'working').toISOString()).toBe('2026-11-17T22:59:59.999Z');
  });

  it('pins a 15-working-day deadline (parking permit) across Ascension, Whit Monday and three weekends', () => {
    // From Wednesday 13 May 2026: Thu 14 Ascension; Fri 15 (1); Mon 18–Fri 22 (2–6);
    // Mon 25 Whit Monday (Easter + 50); Tue 26–Fri 29 (7–10); Mon 1–Fri 5 June (11–15).
    expect(addDays(at('2026-05-13T08:00:00Z'), 15, 'working').toISOString()).toBe('2026-06-05T21:59:59.999Z');
  });

  it('pins a 30-calendar-day deadline (change of address) that ends on Christmas: it moves past the weekend', () => {
    // From Wednesday 25 November 2026: 30 November is day 5, so day 30 is Friday 25 December,
    // Christmas; Saturday 26 and Sunday 27 follow, so it falls due on Monday 28 December (CET).
    expect(addDays(at('2026-11-25T10:00:00Z'), 30, 'calendar').toISOString()).toBe('2026-12-28T22:59:59.999Z');
  });

  it('counts the kind of days the legal deadline names', () => {
    const friday = at('2026-01-09T09:00:00Z');
    expect(addDays(friday, 5, 'working')).toEqual(addWorkingDays(friday, 5));
    expect(addDays(friday, 5, 'calendar')).toEqual(addCalendarDays(friday, 5));
  });
});

describe('shiftBySuspension', () => {
  it('moves the due date by the time the case was suspended', () => {
    const due = at('2026-03-30T21:59:59.999Z');
    expect(shiftBySuspension(due, 3 * 86_400_000).toISOString()).toBe('2026-04-02T21:59:59.999Z');
    expect(shiftBySuspension(due, 0)).toEqual(due);
  });

  it('rejects a negative suspension', () => {
    expect(() => shiftBySuspension(at('2026-03-30T21:59:59.999Z'), -1)).toThrow(RangeError);
    expect(() => shiftBySuspension(at('2026-03-30T21:59:59.999Z'), -1)).toThrow('non-negative duration, got -1');
  });

  it('rejects an invalid due date instead of passing it on', () => {
    expect(() => shiftBySuspension(new Date(Number.NaN), 1000)).toThrow(RangeError);
  });
});
