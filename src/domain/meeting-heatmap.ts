/**
 * Meeting density by weekday and local hour, for the dashboard's heat map: when in a member's
 * own week their meetings fall, so load outside working hours is visible at a glance.
 *
 * Pure: the member's zone and working hours and the event instances come in; each meeting
 * minute is placed in the local (weekday, hour) it happens in, per instant, with luxon (a DST
 * day's missing or repeated hour lands where the wall clock says).
 */
import { DateTime } from 'luxon';
import { isAwayBlock } from './away';
import { normalize } from './intervals';
import { WEEKDAYS, type CalendarEvent, type Member, type Weekday } from './types';
import { localDays, parseLocalTime } from './working-hours';

const HOUR_MS = 3_600_000;

export interface MeetingHeatmap {
  email: string;
  timeZone: string;
  /**
   * `minutes[d][h]`: average meeting minutes per week in local hour `h` (0–23) of weekday `d`
   * (0 = Monday), over the range: total minutes divided by how many such weekdays the range holds.
   */
  minutes: number[][];
  /** `working[d]`: weekday `d`'s working ranges in minutes after local midnight, `[start, end)`. */
  working: Array<Array<[number, number]>>;
  /** The largest cell value (0 without meetings). */
  peak: number;
  /** Meeting minutes per week outside working hours (working days) and on non-working days. */
  outsideMinutesPerWeek: number;
}

/** Whether an event takes the member's time: not cancelled or declined, opaque, timed, not an away block. */
function isBusyFor(event: CalendarEvent, email: string): boolean {
  if (event.status === 'cancelled' || event.transparency === 'transparent' || event.allDay || isAwayBlock(event)) return false;
  return !event.attendees.some((a) => a.email === email && a.response === 'declined');
}

/** A meeting (DESIGN.md, audit metrics): someone besides the member takes part; never our own blocks. */
function isMeetingFor(event: CalendarEvent, email: string): boolean {
  if (event.createdByUnmeet) return false;
  if (event.organizer && event.organizer !== email) return true;
  return event.attendees.some((a) => a.email !== email && !a.resource);
}

/**
 * The weekday × local-hour meeting density of one member over local dates `from` ≤ date <
 * `to` in their zone: average minutes per week in each hour cell (0–60), their working ranges
 * per weekday (for the outline) and the minutes per week that fall outside them. Overlapping
 * meetings count once (the union, as in the audit).
 */
export function meetingHeatmap(input: { member: Member; events: readonly CalendarEvent[]; range: { from: string; to: string } }): MeetingHeatmap {
  const { member } = input;
  const days = localDays(member.timeZone, input.range.from, input.range.to);
  const minutes = WEEKDAYS.map(() => new Array<number>(24).fill(0));
  const working = WEEKDAYS.map((d) => (member.workingHours[d] ?? []).map(([s, e]): [number, number] => [parseLocalTime(s), parseLocalTime(e)]));
  const empty = { email: member.email, timeZone: member.timeZone, minutes, working, peak: 0, outsideMinutesPerWeek: 0 };
  const first = days[0];
  const last = days[days.length - 1];
  if (!first || !last) return empty;

  const dayCount = new Map<Weekday, number>();
  for (const day of days) dayCount.set(day.weekday, (dayCount.get(day.weekday) ?? 0) + 1);

  const meetings = normalize(
    input.events
      .filter((e) => isBusyFor(e, member.email) && isMeetingFor(e, member.email))
      .map((e) => ({ start: Math.max(e.start, first.start), end: Math.min(e.end, last.end) }))
      .filter((i) => i.end > i.start),
  );
  let outside = 0;
  for (const meeting of meetings) {
    let cursor = meeting.start;
    while (cursor < meeting.end) {
      const local = DateTime.fromMillis(cursor, { zone: member.timeZone });
      const day = local.weekday - 1;
      const hourStart = local.startOf('hour').toMillis();
      const minute = local.hour * 60 + (cursor - hourStart) / 60_000;
      // Pieces end at the next hour or working-range boundary, so each lies wholly inside or outside.
      const boundary = working[day]!.flat().filter((b) => b > minute && b < (local.hour + 1) * 60);
      const stop = boundary.length > 0 ? cursor + (Math.min(...boundary) - minute) * 60_000 : hourStart + HOUR_MS;
      const next = Math.min(meeting.end, stop);
      const length = (next - cursor) / 60_000;
      minutes[day]![local.hour]! += length;
      const inside = working[day]!.some(([s, e]) => minute >= s && minute < e);
      if (!inside) outside += length;
      cursor = next;
    }
  }
  const weeks = days.length / 7;
  let peak = 0;
  WEEKDAYS.forEach((weekday, d) => {
    const count = dayCount.get(weekday) ?? 0;
    for (let h = 0; h < 24; h++) {
      const value = count > 0 ? Math.round((minutes[d]![h]! / count) * 10) / 10 : 0;
      minutes[d]![h] = value;
      if (value > peak) peak = value;
    }
  });
  return { ...empty, peak, outsideMinutesPerWeek: Math.round((outside / weeks) * 10) / 10 };
}
