import { describe, expect, it } from 'vitest';
import { isUnmeetError } from '../../src/domain/errors';
import type { WorkingHours } from '../../src/domain/types';
import {
  DEFAULT_WORKING_HOURS,
  assertTimeZone,
  localDays,
  normalizeWorkingHours,
  parseDateRange,
  workingIntervals,
  type WorkingHoursInput,
} from '../../src/domain/working-hours';

const utc = (iso: string) => Date.parse(iso);
const H = 3_600_000;

/** Runs `fn` and returns the UnmeetError code it threw (fails when it does not throw one). */
const codeOf = (fn: () => unknown): string => {
  try {
    fn();
  } catch (error) {
    if (isUnmeetError(error)) return error.code;
    throw error;
  }
  throw new Error('expected an UnmeetError');
};

const everyDay = (start: string, end: string): WorkingHours =>
  normalizeWorkingHours({ days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], start, end });

describe('normalizeWorkingHours', () => {
  it('when no working hours are given, then Monday–Friday 09:00–17:00 is used', () => {
    expect(normalizeWorkingHours(undefined)).toEqual({
      mon: [['09:00', '17:00']],
      tue: [['09:00', '17:00']],
      wed: [['09:00', '17:00']],
      thu: [['09:00', '17:00']],
      fri: [['09:00', '17:00']],
    });
    expect(normalizeWorkingHours(undefined)).toEqual(DEFAULT_WORKING_HOURS);
  });

  it.each<{ name: string; input: WorkingHoursInput; expected: WorkingHours }>([
    {
      name: 'a simple weekly pattern',
      input: { days: ['tue', 'mon', 'mon'], start: '08:30', end: '16:30' },
      expected: { mon: [['08:30', '16:30']], tue: [['08:30', '16:30']] },
    },
    {
      name: 'full or capitalised weekday names',
      input: { days: ['Monday', 'SUN'], start: '00:00', end: '24:00' },
      expected: { mon: [['00:00', '24:00']], sun: [['00:00', '24:00']] },
    },
    {
      name: 'a per-weekday map with a lunch break, out of order',
      input: { fri: [['09:00', '13:00']], mon: [['13:00', '17:00'], ['09:00', '12:00']] },
      expected: { mon: [['09:00', '12:00'], ['13:00', '17:00']], fri: [['09:00', '13:00']] },
    },
    {
      name: 'touching ranges',
      input: { wed: [['09:00', '12:00'], ['12:00', '18:00']] },
      expected: { wed: [['09:00', '18:00']] },
    },
    {
      name: 'a weekday with no ranges',
      input: { mon: [['09:00', '17:00']], sat: [] },
      expected: { mon: [['09:00', '17:00']] },
    },
  ])('when given $name, then it returns sorted, merged ranges per weekday', ({ input, expected }) => {
    expect(normalizeWorkingHours(input)).toEqual(expected);
  });

  it.each<{ name: string; input: unknown }>([
    { name: 'a time without a leading zero', input: { days: ['mon'], start: '9:00', end: '17:00' } },
    { name: 'an hour past 24', input: { days: ['mon'], start: '09:00', end: '25:00' } },
    { name: 'minutes past 24:00', input: { days: ['mon'], start: '09:00', end: '24:30' } },
    { name: 'minute 60', input: { days: ['mon'], start: '09:60', end: '17:00' } },
    { name: 'a time that is not a string', input: { days: ['mon'], start: 9, end: '17:00' } },
    { name: 'start equal to end', input: { days: ['mon'], start: '09:00', end: '09:00' } },
    { name: 'start after end (overnight)', input: { days: ['mon'], start: '22:00', end: '06:00' } },
    { name: 'an unknown weekday in days', input: { days: ['mon', 'funday'], start: '09:00', end: '17:00' } },
    { name: 'an unknown weekday key', input: { monday: [['09:00', '17:00']], holiday: [['09:00', '17:00']] } },
    { name: 'the same weekday twice', input: { mon: [['09:00', '12:00']], Monday: [['13:00', '17:00']] } },
    { name: 'overlapping ranges', input: { mon: [['09:00', '12:00'], ['11:00', '17:00']] } },
    { name: 'a range that is not a pair', input: { mon: [['09:00']] } },
    { name: 'days that are not a list', input: { days: 'mon', start: '09:00', end: '17:00' } },
    { name: 'both forms mixed', input: { days: ['mon'], start: '09:00', end: '17:00', tue: [['09:00', '10:00']] } },
    { name: 'a list instead of an object', input: [['09:00', '17:00']] },
  ])('when given $name, then it throws member.invalid_working_hours', ({ input }) => {
    expect(codeOf(() => normalizeWorkingHours(input as WorkingHoursInput))).toBe('member.invalid_working_hours');
  });

  it('when a time is malformed, then the message names the value and the expected format', () => {
    expect(() => normalizeWorkingHours({ days: ['mon'], start: '9am', end: '17:00' })).toThrow(/"9am".*HH:MM/);
  });
});

describe('assertTimeZone', () => {
  it.each(['Europe/London', 'America/Los_Angeles', 'Australia/Sydney', 'Asia/Kolkata', 'UTC'])(
    'when the zone is %s, then it is accepted',
    (zone) => {
      expect(() => assertTimeZone(zone)).not.toThrow();
    },
  );

  it.each(['Mars/Olympus_Mons', '', 'Europe/Londn', 'GMT+25'])('when the zone is "%s", then it throws member.invalid_time_zone', (zone) => {
    expect(codeOf(() => assertTimeZone(zone))).toBe('member.invalid_time_zone');
  });
});

describe('parseDateRange', () => {
  it.each([
    { from: '2026-11-02', to: '2026-11-09', days: 7 },
    { from: '2026-03-01', to: '2026-04-01', days: 31 },
    { from: '2028-02-28', to: '2028-03-01', days: 2 },
    { from: '2027-01-01', to: '2028-01-02', days: 366 },
  ])('when the range is $from..$to, then it has $days days', ({ from, to, days }) => {
    expect(parseDateRange(from, to)).toEqual({ from, to, days });
  });

  it.each([
    { name: 'from is not a date', from: 'yesterday', to: '2026-11-09' },
    { name: 'to has no leading zeros', from: '2026-11-02', to: '2026-11-9' },
    { name: 'a date does not exist', from: '2026-02-29', to: '2026-03-09' },
    { name: 'a date carries a time', from: '2026-11-02T00:00', to: '2026-11-09' },
    { name: 'from equals to', from: '2026-11-02', to: '2026-11-02' },
    { name: 'from is after to', from: '2026-11-09', to: '2026-11-02' },
    { name: 'the range is longer than 366 days', from: '2026-01-01', to: '2027-01-03' },
  ])('when $name, then it throws audit.invalid_range', ({ from, to }) => {
    expect(codeOf(() => parseDateRange(from, to))).toBe('audit.invalid_range');
  });
});

describe('localDays', () => {
  it('when listing a week in UTC, then each day runs from midnight to midnight with its weekday', () => {
    const days = localDays('UTC', '2026-11-02', '2026-11-09');
    expect(days.map((d) => `${d.date} ${d.weekday}`)).toEqual([
      '2026-11-02 mon',
      '2026-11-03 tue',
      '2026-11-04 wed',
      '2026-11-05 thu',
      '2026-11-06 fri',
      '2026-11-07 sat',
      '2026-11-08 sun',
    ]);
    expect(days[0]).toEqual({ date: '2026-11-02', weekday: 'mon', start: utc('2026-11-02T00:00Z'), end: utc('2026-11-03T00:00Z') });
  });

  it.each([
    { zone: 'America/Los_Angeles', date: '2026-03-08', start: '2026-03-08T08:00Z', end: '2026-03-09T07:00Z', hours: 23 },
    { zone: 'America/Los_Angeles', date: '2026-11-01', start: '2026-11-01T07:00Z', end: '2026-11-02T08:00Z', hours: 25 },
    { zone: 'Europe/London', date: '2026-03-29', start: '2026-03-29T00:00Z', end: '2026-03-29T23:00Z', hours: 23 },
    { zone: 'Europe/London', date: '2026-10-25', start: '2026-10-24T23:00Z', end: '2026-10-26T00:00Z', hours: 25 },
    { zone: 'Australia/Sydney', date: '2026-04-05', start: '2026-04-04T13:00Z', end: '2026-04-05T14:00Z', hours: 25 },
    { zone: 'Australia/Sydney', date: '2026-10-04', start: '2026-10-03T14:00Z', end: '2026-10-04T13:00Z', hours: 23 },
  ])('when $date is a DST switch in $zone, then the day is $hours h long', ({ zone, date, start, end, hours }) => {
    const days = localDays(zone, '2026-01-01', '2027-01-01');
    const day = days.find((d) => d.date === date);
    expect(day).toEqual({ date, weekday: 'sun', start: utc(start), end: utc(end) });
    expect((day!.end - day!.start) / H).toBe(hours);
    // Every other day of the year is 24 h, and the days tile the year without gaps.
    expect(days).toHaveLength(365);
    expect(days.filter((d) => d.end - d.start !== 24 * H)).toHaveLength(2);
    for (let i = 1; i < days.length; i++) expect(days[i]!.start).toBe(days[i - 1]!.end);
  });

  it('when local midnight does not exist (America/Santiago, 2026-09-06), then the day starts at 01:00', () => {
    const [day] = localDays('America/Santiago', '2026-09-06', '2026-09-07');
    expect(day).toEqual({ date: '2026-09-06', weekday: 'sun', start: utc('2026-09-06T04:00Z'), end: utc('2026-09-07T03:00Z') });
  });

  it.each([
    { name: 'midnight is skipped (Havana, 2026-03-08)', date: '2026-03-08', start: '2026-03-08T05:00Z', end: '2026-03-09T04:00Z' },
    { name: 'midnight repeats (Havana, 2026-11-01)', date: '2026-11-01', start: '2026-11-01T04:00Z', end: '2026-11-02T05:00Z' },
  ])('when $name, then the day starts at its first instant whatever the range start', ({ date, start, end }) => {
    const expected = { date, weekday: 'sun', start: utc(start), end: utc(end) };
    expect(localDays('America/Havana', '2026-01-01', '2027-01-01').find((d) => d.date === date)).toEqual(expected);
    expect(localDays('America/Havana', date, '2026-12-01')[0]).toEqual(expected);
  });

  it('when to is not after from, then there are no days', () => {
    expect(localDays('UTC', '2026-11-02', '2026-11-02')).toEqual([]);
  });

  it('when the zone or a date is invalid, then it throws a typed error', () => {
    expect(codeOf(() => localDays('Nowhere/Else', '2026-11-02', '2026-11-09'))).toBe('member.invalid_time_zone');
    expect(codeOf(() => localDays('UTC', '2026-13-02', '2026-11-09'))).toBe('audit.invalid_range');
  });
});

describe('workingIntervals across DST switches', () => {
  const nineToFive = everyDay('09:00', '17:00');

  it.each([
    {
      zone: 'America/Los_Angeles',
      from: '2026-03-07',
      to: '2026-03-10',
      expected: [
        ['2026-03-07T17:00Z', '2026-03-08T01:00Z'], // PST, UTC−8
        ['2026-03-08T16:00Z', '2026-03-09T00:00Z'], // PDT from 02:00 on the 8th, UTC−7
        ['2026-03-09T16:00Z', '2026-03-10T00:00Z'],
      ],
    },
    {
      zone: 'America/Los_Angeles',
      from: '2026-10-31',
      to: '2026-11-03',
      expected: [
        ['2026-10-31T16:00Z', '2026-11-01T00:00Z'], // PDT
        ['2026-11-01T17:00Z', '2026-11-02T01:00Z'], // PST from 02:00 PDT on the 1st
        ['2026-11-02T17:00Z', '2026-11-03T01:00Z'],
      ],
    },
    {
      zone: 'Europe/London',
      from: '2026-03-28',
      to: '2026-03-31',
      expected: [
        ['2026-03-28T09:00Z', '2026-03-28T17:00Z'], // GMT
        ['2026-03-29T08:00Z', '2026-03-29T16:00Z'], // BST from 01:00 GMT on the 29th
        ['2026-03-30T08:00Z', '2026-03-30T16:00Z'],
      ],
    },
    {
      zone: 'Europe/London',
      from: '2026-10-24',
      to: '2026-10-27',
      expected: [
        ['2026-10-24T08:00Z', '2026-10-24T16:00Z'], // BST
        ['2026-10-25T09:00Z', '2026-10-25T17:00Z'], // GMT from 02:00 BST on the 25th
        ['2026-10-26T09:00Z', '2026-10-26T17:00Z'],
      ],
    },
    {
      zone: 'Australia/Sydney',
      from: '2026-04-04',
      to: '2026-04-07',
      expected: [
        ['2026-04-03T22:00Z', '2026-04-04T06:00Z'], // AEDT, UTC+11
        ['2026-04-04T23:00Z', '2026-04-05T07:00Z'], // AEST from 03:00 AEDT on the 5th, UTC+10
        ['2026-04-05T23:00Z', '2026-04-06T07:00Z'],
      ],
    },
    {
      zone: 'Australia/Sydney',
      from: '2026-10-03',
      to: '2026-10-06',
      expected: [
        ['2026-10-02T23:00Z', '2026-10-03T07:00Z'], // AEST
        ['2026-10-03T22:00Z', '2026-10-04T06:00Z'], // AEDT from 02:00 AEST on the 4th
        ['2026-10-04T22:00Z', '2026-10-05T06:00Z'],
      ],
    },
  ])('when 09:00–17:00 in $zone spans $from..$to, then each day maps with that date’s offset', ({ zone, from, to, expected }) => {
    expect(workingIntervals(nineToFive, zone, from, to)).toEqual(
      expected.map(([start, end]) => ({ start: utc(start!), end: utc(end!) })),
    );
  });

  it.each([
    {
      name: 'a whole spring-forward day (00:00–24:00) in Los Angeles lasts 23 h',
      wh: everyDay('00:00', '24:00'),
      zone: 'America/Los_Angeles',
      date: '2026-03-08',
      expected: [['2026-03-08T08:00Z', '2026-03-09T07:00Z']],
    },
    {
      name: 'a whole fall-back day (00:00–24:00) in London lasts 25 h',
      wh: everyDay('00:00', '24:00'),
      zone: 'Europe/London',
      date: '2026-10-25',
      expected: [['2026-10-24T23:00Z', '2026-10-26T00:00Z']],
    },
    {
      name: 'a start inside the spring-forward gap (02:30 in Los Angeles) moves forward to 03:30 PDT',
      wh: everyDay('02:30', '04:00'),
      zone: 'America/Los_Angeles',
      date: '2026-03-08',
      expected: [['2026-03-08T10:30Z', '2026-03-08T11:00Z']],
    },
    {
      name: 'a range entirely inside the gap (02:15–03:00 in Sydney) vanishes',
      wh: everyDay('02:15', '03:00'),
      zone: 'Australia/Sydney',
      date: '2026-10-04',
      expected: [],
    },
    {
      name: '24:00 as an end is the next local midnight (Sydney fall-back)',
      wh: everyDay('18:00', '24:00'),
      zone: 'Australia/Sydney',
      date: '2026-04-05',
      expected: [['2026-04-05T08:00Z', '2026-04-05T14:00Z']],
    },
  ])('when $name, then the intervals are exact', ({ wh, zone, date, expected }) => {
    const next = localDays(zone, date, '2027-01-01')[1]!.date;
    expect(workingIntervals(wh, zone, date, next)).toEqual(expected.map(([s, e]) => ({ start: utc(s!), end: utc(e!) })));
  });

  it('when ranges continue across midnight, then they merge into one working interval', () => {
    const wh = normalizeWorkingHours({ mon: [['20:00', '24:00']], tue: [['00:00', '02:00']] });
    expect(workingIntervals(wh, 'UTC', '2026-11-02', '2026-11-04')).toEqual([
      { start: utc('2026-11-02T20:00Z'), end: utc('2026-11-03T02:00Z') },
    ]);
  });

  it('when working hours have a lunch break and skip weekends, then each working day has two intervals', () => {
    const wh = normalizeWorkingHours({
      mon: [['09:00', '12:00'], ['13:00', '17:00']],
      sat: [],
    });
    expect(workingIntervals(wh, 'Asia/Kolkata', '2026-11-01', '2026-11-03')).toEqual([
      { start: utc('2026-11-02T03:30Z'), end: utc('2026-11-02T06:30Z') },
      { start: utc('2026-11-02T07:30Z'), end: utc('2026-11-02T11:30Z') },
    ]);
  });

  it('when working hours run for a year, then the total is 8 h per weekday regardless of DST', () => {
    for (const zone of ['America/Los_Angeles', 'Europe/London', 'Australia/Sydney']) {
      const intervals = workingIntervals(DEFAULT_WORKING_HOURS, zone, '2026-01-01', '2027-01-01');
      expect(intervals).toHaveLength(261);
      expect(intervals.every((i) => i.end - i.start === 8 * H)).toBe(true);
    }
  });
});
