/**
 * Which days of one period (a year, month, week or day) a rule selects: BYMONTH, BYWEEKNO,
 * BYYEARDAY, BYMONTHDAY and BYDAY (ordinals relative to the month or the year) all narrow the
 * period's days, which is how RFC 5545 §3.3.10's "expand" and "limit" columns both come out
 * right. Dates that do not exist (BYMONTHDAY=30 in February, Feb 29 in a common year) are never
 * produced, and nothing rolls over into the next month. Candidates are generated directly from
 * the most selective part when one allows it, else the period's days are scanned; the caller
 * pays one step per candidate examined.
 */
import { civil, dayNumber, daysInMonth, daysInYear, firstWeekStart, weekdayOf, weekNumber } from './calendar';
import type { RecurrenceRule } from './rule';

/** What ordinal BYDAY entries count within. */
export type OrdinalScope = 'month' | 'year';

/** A period of days: its first and last day numbers (a year, month, week or one day). */
export interface DayPeriod {
  first: number;
  last: number;
}

/** True when day `n` (civil `y-m-d`) satisfies every day-level part of the rule. */
export function dayMatches(r: RecurrenceRule, scope: OrdinalScope, n: number, y: number, m: number, d: number): boolean {
  if (r.bymonth && !r.bymonth.includes(m)) return false;
  if (r.bymonthday) {
    const dim = daysInMonth(y, m);
    if (!r.bymonthday.some((v) => (v > 0 ? v : dim + 1 + v) === d)) return false;
  }
  if (r.byyearday) {
    const doy = n - dayNumber(y, 1, 1) + 1;
    const ylen = daysInYear(y);
    if (!r.byyearday.some((v) => (v > 0 ? v : ylen + 1 + v) === doy)) return false;
  }
  if (r.byweekno) {
    const { week, weeks } = weekNumber(n, y, r.wkst);
    if (!r.byweekno.some((v) => (v > 0 ? v : weeks + 1 + v) === week)) return false;
  }
  return r.byday ? weekdayMatches(r.byday, scope, n, y, m, d) : true;
}

/**
 * BYDAY: an entry for day `n`'s weekday, plain or with the ordinal of the day within its month or
 * year. Where the day falls is worked out only for ordinal entries: plain ones (every WEEKLY
 * rule's) need the weekday alone.
 */
function weekdayMatches(byday: NonNullable<RecurrenceRule['byday']>, scope: OrdinalScope, n: number, y: number, m: number, d: number): boolean {
  const wd = weekdayOf(n);
  let ordinal = false;
  for (const e of byday) {
    if (e.weekday !== wd) continue;
    if (e.ordinal === 0) return true;
    ordinal = true;
  }
  if (!ordinal) return false;
  const index = scope === 'month' ? d : n - dayNumber(y, 1, 1) + 1;
  const length = scope === 'month' ? daysInMonth(y, m) : daysInYear(y);
  const fromStart = Math.floor((index - 1) / 7) + 1;
  const fromEnd = -(Math.floor((length - index) / 7) + 1);
  for (const e of byday) if (e.weekday === wd && (e.ordinal === fromStart || e.ordinal === fromEnd)) return true;
  return false;
}

/** Whether {@link dayMatches} needs the civil date (else the day number, for weekdays, is enough). */
export const needsCivilDate = (r: RecurrenceRule): boolean =>
  !!(r.bymonth || r.bymonthday || r.byyearday || r.byweekno || r.byday?.some((e) => e.ordinal !== 0));

/**
 * Candidate days (ascending, possibly with non-matching ones) of `period`, generated from the
 * most selective part of the rule; the caller filters them with {@link dayMatches}.
 */
export function candidateDays(r: RecurrenceRule, scope: OrdinalScope, period: DayPeriod): number[] {
  if (period.first === period.last) return [period.first];
  const { year, month } = civil(period.first);
  const isYear = r.freq === 'YEARLY';
  const months = isYear ? (r.bymonth ? [...r.bymonth].sort((a, b) => a - b) : ALL_MONTHS) : r.freq === 'MONTHLY' ? [month] : null;
  if (r.bymonthday && months) return monthDays(year, months, (dim) => r.bymonthday!.map((v) => (v > 0 ? v : dim + 1 + v)));
  if (isYear && r.byyearday) {
    const jan1 = dayNumber(year, 1, 1);
    const ylen = daysInYear(year);
    return sortedUnique(r.byyearday.map((v) => jan1 - 1 + (v > 0 ? v : ylen + 1 + v)).filter((n) => n >= period.first && n <= period.last));
  }
  if (isYear && r.byweekno) return weekDays(r, year, period);
  if (r.byday && r.byday.every((e) => e.ordinal !== 0)) {
    if (scope === 'month' && months) return monthDays(year, months, (dim, first) => nthWeekdays(r, first, dim));
    if (scope === 'year' && isYear) {
      return nthWeekdays(r, period.first, period.last - period.first + 1).map((d) => period.first + d - 1);
    }
  }
  if (months) return monthDays(year, months, (dim) => range(1, dim));
  return range(period.first, period.last);
}

/** `from` … `to` inclusive. A plain loop: `Array.from` with a callback cost most of a WEEKLY rule's period. */
function range(from: number, to: number): number[] {
  const out: number[] = [];
  for (let n = from; n <= to; n++) out.push(n);
  return out;
}

const ALL_MONTHS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];

/** Day numbers of the chosen 1-based days of each month, ascending, invalid dates left out. */
function monthDays(year: number, months: number[], pick: (dim: number, first: number) => number[]): number[] {
  const out: number[] = [];
  for (const month of months) {
    const first = dayNumber(year, month, 1);
    const dim = daysInMonth(year, month);
    for (const d of sortedUnique(pick(dim, first))) if (d >= 1 && d <= dim) out.push(first + d - 1);
  }
  return out;
}

/** 1-based positions of the ordinal BYDAY entries in a span of `length` days starting on day `first`. */
function nthWeekdays(r: RecurrenceRule, first: number, length: number): number[] {
  const firstWeekday = weekdayOf(first);
  const out: number[] = [];
  for (const { weekday, ordinal } of r.byday!) {
    const firstOfKind = 1 + ((weekday - firstWeekday + 7) % 7);
    const lastOfKind = firstOfKind + Math.floor((length - firstOfKind) / 7) * 7;
    const d = ordinal > 0 ? firstOfKind + (ordinal - 1) * 7 : lastOfKind + (ordinal + 1) * 7;
    if (d >= 1 && d <= length) out.push(d);
  }
  return out;
}

/** Days of the calendar year that lie in the BYWEEKNO weeks of the week-years around it. */
function weekDays(r: RecurrenceRule, year: number, period: DayPeriod): number[] {
  const out: number[] = [];
  for (const weekYear of [year - 1, year, year + 1]) {
    const start = firstWeekStart(weekYear, r.wkst);
    const weeks = (firstWeekStart(weekYear + 1, r.wkst) - start) / 7;
    for (const v of r.byweekno!) {
      const week = v > 0 ? v : weeks + 1 + v;
      if (week < 1 || week > weeks) continue;
      for (let i = 0; i < 7; i++) {
        const n = start + (week - 1) * 7 + i;
        if (n >= period.first && n <= period.last) out.push(n);
      }
    }
  }
  return sortedUnique(out);
}

function sortedUnique(values: number[]): number[] {
  return [...new Set(values)].sort((a, b) => a - b);
}
