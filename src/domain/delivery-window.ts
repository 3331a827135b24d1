/**
 * When a message may reach a person: only inside their working hours, on a working day, in
 * their own time zone, and not in the first 30 minutes of their day (people arrive, read
 * what matters, and are not greeted by an automated nudge). Computed per local date with
 * luxon, so DST switches move the window with the wall clock.
 */
import { DateTime } from 'luxon';
import type { Interval, WorkingHours } from './types';
import { DEFAULT_WORKING_HOURS, localDays, workingIntervalsForDays } from './working-hours';

/** Minutes at the start of a person's working day during which nothing is delivered. */
export const DEFAULT_QUIET_START_MINUTES = 30;
/** How far ahead to look for a window, in days (a long holiday pattern still finds one). */
const LOOKAHEAD_DAYS = 21;
const MINUTE_MS = 60_000;

export interface Recipient {
  timeZone: string;
  workingHours: WorkingHours;
}

/**
 * The delivery windows of each local date from the date of `from` on: that date's working
 * intervals, minus the first `quietStartMinutes` after the day's first working instant.
 */
function windowsFrom(from: number, recipient: Recipient, quietStartMinutes: number, days: number): Interval[] {
  const firstDate = DateTime.fromMillis(from, { zone: recipient.timeZone }).toISODate()!;
  const lastDate = DateTime.fromISO(firstDate, { zone: 'utc' }).plus({ days }).toISODate()!;
  const out: Interval[] = [];
  for (const day of localDays(recipient.timeZone, firstDate, lastDate)) {
    const intervals = workingIntervalsForDays(recipient.workingHours, recipient.timeZone, [day]);
    const first = intervals[0];
    if (!first) continue;
    const quietUntil = first.start + quietStartMinutes * MINUTE_MS;
    for (const w of intervals) {
      const start = Math.max(w.start, quietUntil);
      if (w.end > start) out.push({ start, end: w.end });
    }
  }
  return out;
}

const hasWorkingDay = (wh: WorkingHours) => Object.values(wh).some((ranges) => ranges && ranges.length > 0);

/**
 * The first instant at or after `notBefore` (UTC ms) that lies inside the recipient's working
 * hours on a working day in their zone, and not within the first `quietStartMinutes` (default
 * 30) of that day's working hours. Someone without any working day is treated as Monday–Friday
 * 09:00–17:00. Example: queued Friday 18:00 in Asia/Jakarta with 09:00–17:00 hours → Monday
 * 09:30 Jakarta time.
 */
export function nextDeliveryInstant(notBefore: number, recipient: Recipient, quietStartMinutes = DEFAULT_QUIET_START_MINUTES): number {
  const who = hasWorkingDay(recipient.workingHours) ? recipient : { ...recipient, workingHours: DEFAULT_WORKING_HOURS };
  for (const w of windowsFrom(notBefore, who, quietStartMinutes, LOOKAHEAD_DAYS)) {
    if (w.end > notBefore) return Math.max(w.start, notBefore);
  }
  // Unreachable for any pattern with a working day of more than `quietStartMinutes` per 3 weeks;
  // fall back to the default hours rather than never delivering.
  return nextDeliveryInstant(notBefore, { ...recipient, workingHours: DEFAULT_WORKING_HOURS }, 0);
}

/** Whether `instant` is inside the recipient's delivery window (see `nextDeliveryInstant`). */
export function isDeliverable(instant: number, recipient: Recipient, quietStartMinutes = DEFAULT_QUIET_START_MINUTES): boolean {
  return nextDeliveryInstant(instant, recipient, quietStartMinutes) === instant;
}

/**
 * The local date (`YYYY-MM-DD`, in the recipient's zone) that is `workingDays` working days
 * after the date of `from`: a reply-by date that never lands on a day off. Working days are
 * the days with working hours (Monday–Friday when there are none).
 */
export function addWorkingDays(from: number, recipient: Recipient, workingDays: number): string {
  const wh = hasWorkingDay(recipient.workingHours) ? recipient.workingHours : DEFAULT_WORKING_HOURS;
  const firstDate = DateTime.fromMillis(from, { zone: recipient.timeZone }).toISODate()!;
  const lastDate = DateTime.fromISO(firstDate, { zone: 'utc' }).plus({ days: workingDays * 7 + 8 }).toISODate()!;
  let left = workingDays;
  for (const day of localDays(recipient.timeZone, firstDate, lastDate).slice(1)) {
    if ((wh[day.weekday]?.length ?? 0) === 0) continue;
    left--;
    if (left <= 0) return day.date;
  }
  return lastDate;
}
