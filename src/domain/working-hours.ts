/**
 * Working hours and local days: turning "Mon–Fri 09:00–17:00 in Asia/Jakarta" into UTC
 * intervals, one local date at a time so that DST switches are always handled by the zone's
 * rules for that date (never a fixed offset). All calendar arithmetic goes through luxon.
 */
import { DateTime, IANAZone } from 'luxon';
import { auditErrors } from './error-codes/audit';
import { memberErrors } from './error-codes/member';
import { normalize } from './intervals';
import { WEEKDAYS, type Interval, type LocalTime, type Weekday, type WorkingHours } from './types';

/** Working hours as written in team.json: a simple weekly pattern or a per-weekday map. */
export type WorkingHoursInput =
  | { days: readonly string[]; start: string; end: string }
  | { readonly [weekday: string]: ReadonlyArray<readonly [string, string]> | undefined };

/** One local calendar date in a zone, with the UTC instants where it begins and ends. */
export interface LocalDay {
  /** The local date, `YYYY-MM-DD`. */
  date: string;
  weekday: Weekday;
  /** UTC ms of the first instant of the local date (local midnight, or later if midnight does not exist). */
  start: number;
  /** UTC ms of the first instant of the next local date; `end - start` is 23 or 25 h on DST days. */
  end: number;
}

/** A validated range of local dates `from` ≤ date < `to`, with its length in days. */
export interface DateRange {
  from: string;
  to: string;
  days: number;
}

/** Longest range an audit (or any date range) may span, in days. */
export const MAX_RANGE_DAYS = 366;

/** Monday to Friday, 09:00–17:00: the default when a member gives no working hours. */
export const DEFAULT_WORKING_HOURS: WorkingHours = Object.freeze(
  Object.fromEntries(
    (['mon', 'tue', 'wed', 'thu', 'fri'] as const).map((day) => [day, Object.freeze([Object.freeze(['09:00', '17:00'])])]),
  ),
) as WorkingHours;

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

const WEEKDAY_NAMES: ReadonlyMap<string, Weekday> = new Map(
  (
    [
      ['monday', 'mon'],
      ['tuesday', 'tue'],
      ['wednesday', 'wed'],
      ['thursday', 'thu'],
      ['friday', 'fri'],
      ['saturday', 'sat'],
      ['sunday', 'sun'],
    ] as const
  ).flatMap(([long, short]): Array<[string, Weekday]> => [
    [long, short],
    [short, short],
  ]),
);

const TIME_PATTERN = /^(\d{2}):(\d{2})$/;
const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Minutes after local midnight for a wall-clock time `HH:MM` (00:00–24:00; `24:00` = 1440,
 * the end of the day). Throws `member.invalid_working_hours` for anything else.
 */
export function parseLocalTime(value: unknown): number {
  const match = typeof value === 'string' ? TIME_PATTERN.exec(value) : null;
  const hours = match ? Number(match[1]) : NaN;
  const minutes = match ? Number(match[2]) : NaN;
  if (!match || hours > 24 || minutes > 59 || (hours === 24 && minutes !== 0)) {
    throw memberErrors.invalid_working_hours(
      `Invalid working-hours time ${JSON.stringify(value)}: use HH:MM between 00:00 and 24:00.`,
      { value },
    );
  }
  return hours * 60 + minutes;
}

function weekdayOf(name: unknown): Weekday {
  const weekday = typeof name === 'string' ? WEEKDAY_NAMES.get(name.trim().toLowerCase()) : undefined;
  if (weekday === undefined) {
    throw memberErrors.invalid_working_hours(
      `Unknown weekday ${JSON.stringify(name)} in working hours: use ${WEEKDAYS.join(', ')}.`,
      { weekday: name },
    );
  }
  return weekday;
}

function normalizeDayRanges(weekday: Weekday, ranges: unknown): Array<[LocalTime, LocalTime]> {
  if (!Array.isArray(ranges)) {
    throw memberErrors.invalid_working_hours(
      `Working hours for ${weekday} must be a list of [start, end] pairs such as [["09:00","17:00"]].`,
      { weekday },
    );
  }
  const parsed = ranges.map((range: unknown) => {
    if (!Array.isArray(range) || range.length !== 2) {
      throw memberErrors.invalid_working_hours(
        `Working hours for ${weekday} must be [start, end] pairs such as ["09:00","17:00"]; got ${JSON.stringify(range)}.`,
        { weekday, range },
      );
    }
    const [start, end] = range as [unknown, unknown];
    const startMinutes = parseLocalTime(start);
    const endMinutes = parseLocalTime(end);
    if (startMinutes >= endMinutes) {
      throw memberErrors.invalid_working_hours(
        `Working hours for ${weekday}: start ${String(start)} must be before end ${String(end)} (ranges cannot cross midnight; split them over two days).`,
        { weekday, start, end },
      );
    }
    return { start: startMinutes, end: endMinutes, text: [start, end] as [string, string] };
  });
  parsed.sort((a, b) => a.start - b.start);
  const out: Array<[LocalTime, LocalTime]> = [];
  let previous: (typeof parsed)[number] | undefined;
  for (const range of parsed) {
    if (previous !== undefined && range.start < previous.end) {
      throw memberErrors.invalid_working_hours(
        `Working hours for ${weekday} overlap: ${previous.text.join('–')} and ${range.text.join('–')}.`,
        { weekday, ranges },
      );
    }
    const last = out[out.length - 1];
    if (previous !== undefined && last !== undefined && range.start === previous.end) {
      last[1] = range.text[1]; // touching ranges are one continuous stretch
    } else {
      out.push([range.text[0], range.text[1]]);
    }
    previous = range;
  }
  return out;
}

/**
 * Validates working hours as written in team.json and returns them normalised: per weekday,
 * sorted non-overlapping `[start, end)` local ranges (touching ranges merged; weekdays without
 * ranges omitted = non-working days). Accepts `{ days, start, end }` or a per-weekday map of
 * `[start, end]` pairs; `undefined` gives Monday–Friday 09:00–17:00. Weekday names are
 * `mon`…`sun` (or full names, any case). Throws `member.invalid_working_hours` with a message
 * naming the offending value.
 */
export function normalizeWorkingHours(input: WorkingHoursInput | null | undefined): WorkingHours {
  if (input === undefined || input === null) {
    return Object.fromEntries(
      Object.entries(DEFAULT_WORKING_HOURS).map(([day, ranges]) => [day, ranges.map(([s, e]) => [s, e])]),
    ) as WorkingHours;
  }
  if (typeof input !== 'object' || Array.isArray(input)) {
    throw memberErrors.invalid_working_hours('Working hours must be an object: { days, start, end } or a per-weekday map.', {});
  }
  const record = input as Record<string, unknown>;
  const byDay = new Map<Weekday, unknown>();
  if ('days' in record || 'start' in record || 'end' in record) {
    for (const key of Object.keys(record)) {
      if (key !== 'days' && key !== 'start' && key !== 'end') {
        throw memberErrors.invalid_working_hours(
          `Unexpected key ${JSON.stringify(key)} in working hours: use either { days, start, end } or a per-weekday map, not both.`,
          { key },
        );
      }
    }
    if (!Array.isArray(record.days)) {
      throw memberErrors.invalid_working_hours('Working hours "days" must be a list of weekdays such as ["mon","tue"].', {});
    }
    for (const day of record.days as unknown[]) byDay.set(weekdayOf(day), [[record.start, record.end]]);
  } else {
    for (const [key, ranges] of Object.entries(record)) {
      const weekday = weekdayOf(key);
      if (byDay.has(weekday)) {
        throw memberErrors.invalid_working_hours(`Working hours name ${weekday} twice.`, { weekday });
      }
      if (ranges !== undefined) byDay.set(weekday, ranges);
    }
  }
  const out: WorkingHours = {};
  for (const weekday of WEEKDAYS) {
    if (!byDay.has(weekday)) continue;
    const ranges = normalizeDayRanges(weekday, byDay.get(weekday));
    if (ranges.length > 0) out[weekday] = ranges;
  }
  return out;
}

/**
 * Asserts that `zone` is an IANA time-zone name luxon can use (for example `Europe/London`).
 * Throws `member.invalid_time_zone` otherwise. Validity is luxon's `IANAZone.isValidZone`,
 * read through luxon's per-name zone cache (`IANAZone.create(zone).isValid`): a fresh check
 * builds an `Intl.DateTimeFormat` and costs ~0.2 ms, too much to repeat per member.
 */
export function assertTimeZone(zone: unknown): asserts zone is string {
  if (typeof zone !== 'string' || zone.trim() === '' || !IANAZone.create(zone).isValid) {
    throw memberErrors.invalid_time_zone(
      `Unknown time zone ${JSON.stringify(zone)}: use an IANA name such as "Europe/Berlin".`,
      { timeZone: zone },
    );
  }
}

function parseDate(value: unknown, name: string): DateTime {
  const parsed =
    typeof value === 'string' && DATE_PATTERN.test(value) ? DateTime.fromISO(value, { zone: 'utc' }) : null;
  if (parsed === null || !parsed.isValid) {
    throw auditErrors.invalid_range(
      `Invalid ${name} date ${JSON.stringify(value)}: use a calendar date YYYY-MM-DD.`,
      { [name]: value },
    );
  }
  return parsed;
}

/**
 * Validates a range of local dates `from` ≤ date < `to` (`YYYY-MM-DD`, `to` exclusive) and
 * returns it with its length in days. Throws `audit.invalid_range` for malformed or
 * impossible dates, `from` ≥ `to`, or a range longer than 366 days.
 */
export function parseDateRange(from: unknown, to: unknown): DateRange {
  const start = parseDate(from, 'from');
  const end = parseDate(to, 'to');
  const days = Math.round(end.diff(start, 'days').days);
  if (days <= 0) {
    throw auditErrors.invalid_range(`The range must end after it starts: from ${String(from)} is not before to ${String(to)}.`, {
      from,
      to,
    });
  }
  if (days > MAX_RANGE_DAYS) {
    throw auditErrors.invalid_range(
      `The range from ${String(from)} to ${String(to)} spans ${days} days; the maximum is ${MAX_RANGE_DAYS}.`,
      { from, to, days, maxDays: MAX_RANGE_DAYS },
    );
  }
  return { from: from as string, to: to as string, days };
}

/** A calendar date (no zone) with its parts, for mapping into zones. */
interface CalendarDate {
  date: string;
  weekday: Weekday;
  year: number;
  month: number;
  day: number;
}

/** The calendar dates `first`, `first + 1`, … (`count` of them), stepping in UTC where every day has 24 h. */
function calendarDates(first: DateTime, count: number): CalendarDate[] {
  const base = first.toMillis();
  const dates: CalendarDate[] = [];
  for (let i = 0; i < count; i++) {
    const d = DateTime.fromMillis(base + i * DAY_MS, { zone: 'utc' });
    dates.push({
      date: d.toISODate() as string,
      weekday: WEEKDAYS[d.weekday - 1] as Weekday,
      year: d.year,
      month: d.month,
      day: d.day,
    });
  }
  return dates;
}

/** How many dates ahead `localDays` probes; dates in between are filled when no switch happened. */
const DAY_PROBE_STRIDE = 7;

/**
 * The local dates `fromDate` ≤ date < `toDate` in `timeZone`, each with the UTC ms of its
 * first instant and of the next date's first instant (so a DST day is 23 or 25 hours long).
 * Dates are `YYYY-MM-DD`; an empty list when `toDate` ≤ `fromDate`. Throws
 * `member.invalid_time_zone` or `audit.invalid_range` for bad arguments.
 *
 * Every date's start is the zone's own for that date. A date's midnight is tried at the
 * offset in force the day before and kept only if luxon confirms the zone has that offset
 * then; otherwise luxon resolves the date (a midnight inside a gap moves forward). To keep
 * this cheap, dates are probed a week ahead: when the probe lands exactly 7 × 24 h later, the
 * dates in between are 24-hour days; otherwise each date in that week is resolved in turn.
 */
export function localDays(timeZone: string, fromDate: string, toDate: string): LocalDay[] {
  assertTimeZone(timeZone);
  const first = parseDate(fromDate, 'from');
  const last = parseDate(toDate, 'to');
  const count = Math.max(0, Math.round(last.diff(first, 'days').days));
  if (count === 0) return [];
  const dates = calendarDates(first, count + 1);
  const zone = IANAZone.create(timeZone);
  const firstMidnightUtc = first.toMillis();
  // The offset (minutes) in force before the date being resolved: for the first date, the
  // offset a day earlier, so that a midnight repeated by a fall-back resolves to its first instant.
  let offset = zone.offset(firstMidnightUtc - DAY_MS);
  const resolve = (k: number): number => {
    const guess = firstMidnightUtc + k * DAY_MS - offset * MINUTE_MS;
    if (zone.offset(guess) === offset) return guess;
    const date = dates[k] as CalendarDate;
    const start = DateTime.fromObject({ year: date.year, month: date.month, day: date.day }, { zone: timeZone });
    offset = start.offset;
    return start.toMillis();
  };
  const starts: number[] = new Array<number>(count + 1);
  starts[0] = resolve(0);
  for (let i = 0; i < count; ) {
    const j = Math.min(i + DAY_PROBE_STRIDE, count);
    const anchorOffset = offset;
    const probe = resolve(j);
    const from = starts[i] as number;
    if (probe === from + (j - i) * DAY_MS) {
      for (let k = i + 1; k < j; k++) starts[k] = from + (k - i) * DAY_MS;
    } else {
      offset = anchorOffset;
      for (let k = i + 1; k < j; k++) starts[k] = resolve(k);
    }
    starts[j] = probe;
    if (probe !== from + (j - i) * DAY_MS) offset = zone.offset(probe);
    i = j;
  }
  const days: LocalDay[] = [];
  for (let i = 0; i < count; i++) {
    const date = dates[i] as CalendarDate;
    days.push({ date: date.date, weekday: date.weekday, start: starts[i] as number, end: starts[i + 1] as number });
  }
  return days;
}

/**
 * UTC ms of a local wall-clock time (minutes after midnight) on a local day. `24:00` is the
 * next day's first instant. On a regular day (exactly 24 h, same offset at both ends) this is
 * plain arithmetic from the day's start; on a DST day it asks luxon, which moves a time inside
 * a spring-forward gap forward by the length of the gap and picks one of the two instants of
 * an ambiguous fall-back time.
 */
function localTimeToUtc(day: LocalDay, minutes: number, timeZone: string, regular: boolean): number {
  if (minutes >= 1440) return day.end;
  if (regular) return day.start + minutes * MINUTE_MS;
  const date = DateTime.fromISO(day.date, { zone: 'utc' });
  return DateTime.fromObject(
    { year: date.year, month: date.month, day: date.day, hour: Math.floor(minutes / 60), minute: minutes % 60 },
    { zone: timeZone },
  ).toMillis();
}

/**
 * Whether a local day is a plain 24-hour day. A day's length is 24 h plus its offset at the
 * start minus its offset at the end, so a 24-hour day has one offset and local times map to
 * `start + minutes` exactly (a zone switching twice within one day, and back, does not exist).
 */
function isRegularDay(day: LocalDay): boolean {
  return day.end - day.start === DAY_MS;
}

/**
 * The working time of a member as UTC intervals (normalised: sorted, disjoint), for local
 * dates `fromDate` ≤ date < `toDate` in `timeZone`. Computed per local date with that date's
 * DST rules; `24:00` is the next local midnight; a time inside a spring-forward gap moves
 * forward as luxon does, and a range that vanishes entirely in the gap is dropped.
 */
export function workingIntervals(
  wh: WorkingHours,
  timeZone: string,
  fromDate: string,
  toDate: string,
): Interval[] {
  return workingIntervalsForDays(wh, timeZone, localDays(timeZone, fromDate, toDate));
}

/**
 * Like `workingIntervals`, from already computed local days (so a caller that also needs the
 * days computes them once).
 */
export function workingIntervalsForDays(wh: WorkingHours, timeZone: string, days: readonly LocalDay[]): Interval[] {
  const parsed = new Map<Weekday, Array<[number, number]>>();
  for (const weekday of WEEKDAYS) {
    const ranges = wh[weekday];
    if (ranges && ranges.length > 0) {
      parsed.set(
        weekday,
        ranges.map(([s, e]) => [parseLocalTime(s), parseLocalTime(e)]),
      );
    }
  }
  const out: Interval[] = [];
  for (const day of days) {
    const ranges = parsed.get(day.weekday);
    if (ranges === undefined) continue;
    const regular = isRegularDay(day);
    for (const [s, e] of ranges) {
      const start = localTimeToUtc(day, s, timeZone, regular);
      const end = localTimeToUtc(day, e, timeZone, regular);
      if (end > start) out.push({ start, end });
    }
  }
  return normalize(out);
}
