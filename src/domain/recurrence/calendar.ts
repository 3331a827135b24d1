/**
 * Proleptic Gregorian day arithmetic for the recurrence engine, on day numbers (days since
 * 1970-01-01, negative before) so that expansion never builds a Date or asks Intl. Weekdays are
 * numbered 0 = Monday … 6 = Sunday, as RFC 5545 lists them (MO first).
 */

export const SECOND_MS = 1_000;
export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/** Day number of a civil date (month 1-12); H. Hinnant's days_from_civil, exact for any year. */
export function dayNumber(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

export interface CivilDate {
  year: number;
  month: number;
  day: number;
}

/** The civil date of a day number (inverse of {@link dayNumber}). */
export function civil(n: number): CivilDate {
  const z = n + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: era * 400 + yoe + (month <= 2 ? 1 : 0), month, day };
}

export const isLeapYear = (year: number): boolean => year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

export const daysInYear = (year: number): number => (isLeapYear(year) ? 366 : 365);

/** Weekday of a day number, 0 = Monday (1970-01-01 was a Thursday). */
export const weekdayOf = (n: number): number => (((n + 3) % 7) + 7) % 7;

/**
 * The day number on which week 1 of `year` starts when weeks start on `wkst` (RFC 5545 §3.3.10,
 * ISO 8601 generalised): the first week with at least four days in the year.
 */
export function firstWeekStart(year: number, wkst: number): number {
  const jan1 = dayNumber(year, 1, 1);
  const offset = (weekdayOf(jan1) - wkst + 7) % 7; // days of that week before Jan 1
  return offset <= 3 ? jan1 - offset : jan1 - offset + 7;
}

/**
 * Week number of day `n` in its week-numbering year, and how many weeks that year has, for
 * BYWEEKNO. Late-December days may be in week 1 of the next year, early-January ones in the
 * last week of the previous year.
 */
export function weekNumber(n: number, year: number, wkst: number): { week: number; weeks: number } {
  let start = firstWeekStart(year, wkst);
  let next = firstWeekStart(year + 1, wkst);
  if (n < start) {
    next = start;
    start = firstWeekStart(year - 1, wkst);
  } else if (n >= next) {
    start = next;
    next = firstWeekStart(year + 2, wkst);
  }
  return { week: Math.floor((n - start) / 7) + 1, weeks: (next - start) / 7 };
}
