/**
 * Audit measurement: the exact millisecond quantities behind the audit report (DESIGN.md,
 * "Audit metrics"), member by member, plus every recurring series' person-time.
 *
 * Zone work (local days, working intervals, UTC-offset timelines) is done once per zone or
 * member with luxon; everything per event is plain arithmetic on sorted millisecond arrays.
 */
import { auditErrors } from './error-codes/audit';
import { awayIntervals, isAwayBlock } from './away';
import { intersect, normalize, subtract } from './intervals';
import type { CalendarEvent, Interval, Member } from './types';
import {
  assertTimeZone,
  localDays,
  parseDateRange,
  workingIntervalsForDays,
  type DateRange,
  type LocalDay,
} from './working-hours';
import {
  BACK_TO_BACK_GAP_MS,
  BACK_TO_BACK_MIN_MEETINGS,
  DEFAULT_FOCUS_MIN_MINUTES,
  type AuditInput,
  type AuditMemberInput,
  type MemberMeasurement,
  type SeriesMeasurement,
  type TeamMeasurement,
} from './audit-types';
import { addMeetingToSeries, seriesTotals, type SeriesAccumulator } from './audit-series';
import { buildOffsetTimeline, isCrossZone, type CrossZoneContext, type OffsetTimeline } from './audit-zones';

function isDeclinedBy(event: CalendarEvent, email: string): boolean {
  for (const attendee of event.attendees) {
    if (attendee.email === email && attendee.response === 'declined') return true;
  }
  return false;
}

/** A meeting has someone besides the member: a person attendee or an organizer other than them. */
function isMeeting(event: CalendarEvent, email: string): boolean {
  if (event.createdByUnmeet) return false;
  if (event.organizer !== null && event.organizer !== '' && event.organizer !== email) return true;
  for (const attendee of event.attendees) {
    if (attendee.email !== email && !attendee.resource) return true;
  }
  return false;
}

function lengthOf(list: readonly Interval[]): number {
  let total = 0;
  for (const interval of list) total += interval.end - interval.start;
  return total;
}

/**
 * The union of events that all overlap `window`, clipped to it. Events are intervals as they
 * are (no copies); when they arrive sorted by start the union is one linear pass, and since
 * every merged interval overlaps the window only the first and last can need clipping.
 */
function unionInWindow(events: readonly Interval[], window: Interval): Interval[] {
  const union = normalize(events);
  const first = union[0];
  const last = union[union.length - 1];
  if (first === undefined || last === undefined) return union;
  if (first.start >= window.start && last.end <= window.end) return union;
  const out = union.slice();
  if (first.start < window.start) out[0] = { start: window.start, end: first.end };
  const tail = out[out.length - 1] as Interval;
  if (tail.end > window.end) out[out.length - 1] = { start: tail.start, end: window.end };
  return out;
}

function isSortedByStart(events: readonly CalendarEvent[]): boolean {
  for (let i = 1; i < events.length; i++) {
    const previous = events[i - 1] as CalendarEvent;
    const current = events[i] as CalendarEvent;
    if (current.start < previous.start || (current.start === previous.start && current.end < previous.end)) return false;
  }
  return true;
}

/**
 * Drops repeated instances (same `externalId` and start, e.g. one meeting on two of the
 * member's calendars) from meetings sorted by start, without allocating keys.
 */
function withoutDuplicates(sorted: readonly CalendarEvent[]): CalendarEvent[] {
  const out: CalendarEvent[] = [];
  let groupStart = 0; // index in `out` where the run of equal starts begins
  for (const event of sorted) {
    const last = out[out.length - 1];
    if (last === undefined || last.start !== event.start) groupStart = out.length;
    let duplicate = false;
    for (let i = groupStart; i < out.length; i++) {
      if ((out[i] as CalendarEvent).externalId === event.externalId) {
        duplicate = true;
        break;
      }
    }
    if (!duplicate) out.push(event);
  }
  return out;
}

/** Maximal runs of ≥ 3 meetings (sorted by start), each starting < 5 min after the run so far ends. */
function countBackToBackChains(meetings: readonly CalendarEvent[]): number {
  let chains = 0;
  let length = 0;
  let runEnd = -Infinity;
  for (const meeting of meetings) {
    if (length > 0 && meeting.start - runEnd < BACK_TO_BACK_GAP_MS) {
      length++;
      if (meeting.end > runEnd) runEnd = meeting.end;
    } else {
      if (length >= BACK_TO_BACK_MIN_MEETINGS) chains++;
      length = 1;
      runEnd = meeting.end;
    }
  }
  if (length >= BACK_TO_BACK_MIN_MEETINGS) chains++;
  return chains;
}

interface MemberContext {
  subject: AuditMemberInput;
  email: string;
  days: LocalDay[];
}

/** What every member's measurement shares: zone timelines, teammates' zones, and the series accumulated so far. */
interface TeamContext {
  focusMinMs: number;
  timelines: ReadonlyMap<string, OffsetTimeline>;
  zoneByEmail: ReadonlyMap<string, string>;
  multiZone: boolean;
  series: Map<string, SeriesAccumulator>;
}

/**
 * Measures a team's calendars without rounding: the exact millisecond quantities behind
 * `auditTeam`, plus every recurring series' person-time. Validates the range
 * (`audit.invalid_range`), every member's zone (`member.invalid_time_zone`) and
 * `focusMinMinutes` (`audit.invalid_focus_min`).
 */
export function measureTeam(input: AuditInput): TeamMeasurement {
  const range = parseDateRange(input.range.from, input.range.to);
  const focusMinMinutes = checkFocusMin(input.focusMinMinutes ?? DEFAULT_FOCUS_MIN_MINUTES);
  const { contexts, timelines } = memberContexts(input.members, range);
  const zoneByEmail = new Map<string, string>();
  for (const context of contexts) zoneByEmail.set(context.email, context.subject.member.timeZone);
  const team: TeamContext = {
    focusMinMs: focusMinMinutes * 60_000,
    timelines,
    zoneByEmail,
    multiZone: timelines.size > 1,
    series: new Map(),
  };
  const members = contexts.map((context, memberIndex) => measureMember(context, memberIndex, team));
  return {
    range,
    focusMinMinutes,
    members,
    series: [...team.series.values()].map(
      (accumulator): SeriesMeasurement => ({
        seriesKey: accumulator.seriesKey,
        title: accumulator.title,
        ...seriesTotals(accumulator),
      }),
    ),
  };
}

function checkFocusMin(focusMinMinutes: unknown): number {
  if (typeof focusMinMinutes !== 'number' || !Number.isFinite(focusMinMinutes) || focusMinMinutes < 0) {
    throw auditErrors.invalid_focus_min(
      `focusMinMinutes must be a number of minutes ≥ 0; got ${JSON.stringify(focusMinMinutes)}.`,
      { focusMinMinutes },
    );
  }
  return focusMinMinutes;
}

/** Each member's local days and each zone's offset timeline, computed once per distinct zone. */
function memberContexts(
  subjects: readonly AuditMemberInput[],
  range: DateRange,
): { contexts: MemberContext[]; timelines: Map<string, OffsetTimeline> } {
  const daysByZone = new Map<string, LocalDay[]>();
  const timelines = new Map<string, OffsetTimeline>();
  const contexts = subjects.map((subject): MemberContext => {
    const zone = subject.member.timeZone;
    let days = daysByZone.get(zone);
    if (days === undefined) {
      assertTimeZone(zone);
      days = localDays(zone, range.from, range.to);
      daysByZone.set(zone, days);
      timelines.set(zone, buildOffsetTimeline(zone, days));
    }
    return { subject, email: subject.member.email.toLowerCase(), days };
  });
  return { contexts, timelines };
}

/** Whole local days (midnight to midnight) on which the member has any working hours. */
function workingDaysOf(member: Member, days: readonly LocalDay[]): Interval[] {
  const out: Interval[] = [];
  for (const day of days) {
    const ranges = member.workingHours[day.weekday];
    if (ranges !== undefined && ranges.length > 0) out.push({ start: day.start, end: day.end });
  }
  return out;
}

/**
 * Busy events (see DESIGN.md) overlapping the window and not declined by the member, sorted by
 * start. Away blocks (./away.ts) are not busy: they take time out of working time instead.
 */
function busyEventsIn(events: readonly CalendarEvent[], email: string, window: Interval): CalendarEvent[] {
  const busy: CalendarEvent[] = [];
  for (const event of events) {
    if (event.status === 'cancelled' || event.allDay || event.transparency === 'transparent') continue;
    if (event.end <= event.start || event.end <= window.start || event.start >= window.end) continue;
    if (isDeclinedBy(event, email) || isAwayBlock(event)) continue;
    busy.push(event);
  }
  if (!isSortedByStart(busy)) busy.sort((a, b) => a.start - b.start || a.end - b.end);
  return busy;
}

/** Free working time split into focus gaps (≥ `focusMinMs`) and fragments. */
function splitFreeTime(working: readonly Interval[], busyUnion: readonly Interval[], focusMinMs: number) {
  let focusMs = 0;
  let fragmentedMs = 0;
  for (const gap of subtract(working, busyUnion)) {
    const length = gap.end - gap.start;
    if (length >= focusMinMs) focusMs += length;
    else fragmentedMs += length;
  }
  return { focusMs, fragmentedMs };
}

/** The member's away time inside the window (./away.ts), clipped to it. */
function awayInWindow(events: readonly CalendarEvent[], email: string, window: Interval): Interval[] {
  return intersect(awayIntervals(events, email), [window]);
}

/** A meeting lying wholly inside away time: the member is not there, so it is not counted at all. */
function insideAway(meeting: CalendarEvent, away: readonly Interval[]): boolean {
  for (const interval of away) if (interval.start <= meeting.start && meeting.end <= interval.end) return true;
  return false;
}

/** `list` without away time; the list itself when there is none (the usual case, no copy). */
const withoutAway = (list: Interval[], away: readonly Interval[]): Interval[] => (away.length === 0 ? list : subtract(list, away));

/**
 * One member's measurement; adds the member's recurring meetings to `team.series`. Away time
 * (./away.ts) leaves working time and every time metric: meetings wholly inside it are dropped,
 * the away part of the others is not counted, and `awayMs` says how much working time it took.
 */
function measureMember(context: MemberContext, memberIndex: number, team: TeamContext): MemberMeasurement {
  const { member, events } = context.subject;
  const { email, days } = context;
  const zone = member.timeZone;
  const first = days[0] as LocalDay;
  const last = days[days.length - 1] as LocalDay;
  const window: Interval = { start: first.start, end: last.end };

  const away = awayInWindow(events, email, window);
  const scheduled = workingIntervalsForDays(member.workingHours, zone, days);
  const working = withoutAway(scheduled, away);
  const workingDays = workingDaysOf(member, days);
  // Busy events overlapping the window, sorted once by start; meetings among them, once each.
  const busy = busyEventsIn(events, email, window);
  let meetings = withoutDuplicates(busy.filter((event) => isMeeting(event, email)));
  if (away.length > 0) meetings = meetings.filter((meeting) => !insideAway(meeting, away));

  const busyUnion = unionInWindow(busy, window);
  const meetingUnion = withoutAway(unionInWindow(meetings, window), away);
  const meetingMs = lengthOf(meetingUnion);
  const meetingInWorkingMs = lengthOf(intersect(meetingUnion, working));
  const meetingOnWorkingDaysMs = lengthOf(intersect(meetingUnion, workingDays));
  const busyInWorkingMs = lengthOf(intersect(busyUnion, working));
  const { focusMs, fragmentedMs } = splitFreeTime(working, busyUnion, team.focusMinMs);

  const crossZoneContext: CrossZoneContext | null = team.multiZone
    ? { email, zone, ownTimeline: team.timelines.get(zone) as OffsetTimeline, zoneByEmail: team.zoneByEmail, timelines: team.timelines }
    : null;
  const streamed = streamMeetings(meetings, window, memberIndex, team.series, crossZoneContext);
  const crossZoneUnion = withoutAway(unionInWindow(streamed.crossZone, window), away);
  const workingTimeMs = lengthOf(working);

  return {
    email: member.email,
    timeZone: zone,
    window,
    measurement: {
      meetingMs,
      meetingCount: meetings.length,
      afterHoursMeetingMs: meetingOnWorkingDaysMs - meetingInWorkingMs,
      nonWorkingDayMeetingMs: meetingMs - meetingOnWorkingDaysMs,
      workingTimeMs,
      awayMs: lengthOf(scheduled) - workingTimeMs,
      meetingInWorkingMs,
      otherBusyMs: busyInWorkingMs - meetingInWorkingMs,
      focusMs,
      fragmentedMs,
      backToBackChains: countBackToBackChains(meetings),
      recurringMeetingMs: lengthOf(withoutAway(streamed.recurring, away)),
      crossZoneMeetingMs: lengthOf(crossZoneUnion),
      crossZoneOutsideHoursMs: lengthOf(subtract(crossZoneUnion, working)),
    },
  };
}

/**
 * Recurring series and cross-zone meetings, streamed over the member's meetings sorted by
 * start: clipped starts stay sorted, so the recurring union (sorted, disjoint) is merged as it
 * goes. Cross-zone meetings are only looked for when the team spans more than one zone
 * (`crossZone` non-null).
 */
function streamMeetings(
  meetings: readonly CalendarEvent[],
  window: Interval,
  memberIndex: number,
  series: Map<string, SeriesAccumulator>,
  crossZoneContext: CrossZoneContext | null,
): { recurring: Interval[]; crossZone: CalendarEvent[] } {
  const crossZone: CalendarEvent[] = [];
  const recurring: Interval[] = [];
  let recurringStart = 0;
  let recurringEnd = -Infinity;
  for (const meeting of meetings) {
    if (meeting.seriesKey !== null) {
      const start = meeting.start > window.start ? meeting.start : window.start;
      const end = meeting.end < window.end ? meeting.end : window.end;
      if (start <= recurringEnd) {
        if (end > recurringEnd) recurringEnd = end;
      } else {
        if (recurringEnd > recurringStart) recurring.push({ start: recurringStart, end: recurringEnd });
        recurringStart = start;
        recurringEnd = end;
      }
      addMeetingToSeries(series, meeting, meeting.seriesKey, memberIndex, start, end);
    }
    if (crossZoneContext !== null && isCrossZone(meeting, crossZoneContext)) crossZone.push(meeting);
  }
  if (recurringEnd > recurringStart) recurring.push({ start: recurringStart, end: recurringEnd });
  return { recurring, crossZone };
}
