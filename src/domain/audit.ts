/**
 * The meeting-load audit (DESIGN.md, "Audit metrics"): per member, over the local dates
 * `from` ≤ date < `to` in the member's own zone, how much time goes to meetings, when, and
 * how much uninterrupted working time is left; per team, the sums and the recurring series
 * that cost the most person-hours.
 *
 * Zone work (local days, working intervals, UTC-offset timelines) is done once per zone or
 * member with luxon; everything per event is plain arithmetic on sorted millisecond arrays.
 */
import { IANAZone } from 'luxon';
import { UnmeetError } from './errors';
import { intersect, normalize, subtract, totalLength } from './intervals';
import type { CalendarEvent, Interval, Member } from './types';
import {
  assertTimeZone,
  localDays,
  parseDateRange,
  workingIntervalsForDays,
  type DateRange,
  type LocalDay,
} from './working-hours';

/** Default minimum length of a free gap that counts as focus time, in minutes. */
export const DEFAULT_FOCUS_MIN_MINUTES = 120;
/** A meeting starting less than this after the previous one ends continues a back-to-back chain. */
export const BACK_TO_BACK_GAP_MS = 5 * 60_000;
/** Minimum number of meetings in a back-to-back chain. */
export const BACK_TO_BACK_MIN_MEETINGS = 3;
/** Number of series in the team's `topSeries`. */
export const TOP_SERIES_LIMIT = 10;

const HOUR_MS = 3_600_000;

/** One member's calendar to audit: the member (zone, working hours) and their event instances. */
export interface AuditMemberInput {
  member: Member;
  events: readonly CalendarEvent[];
}

export interface AuditInput {
  /** Local ISO dates, `to` exclusive, interpreted in each member's own zone. */
  range: { from: string; to: string };
  /** Minimum free gap counted as focus time, in minutes (default 120). */
  focusMinMinutes?: number;
  members: readonly AuditMemberInput[];
}

/**
 * Audit metrics for a member or a team. Hours are decimal hours rounded to 2 decimals,
 * counts are integers (per-week values are averages rounded to 2 decimals), `meetingShare` is
 * a ratio rounded to 3 decimals.
 */
export interface AuditMetrics {
  /** Length of the union of meeting intervals inside the range. */
  meetingHours: number;
  /** Distinct meetings overlapping the range. */
  meetingCount: number;
  /** Meeting time on working days outside working hours. */
  afterHoursMeetingHours: number;
  /** Meeting time on non-working days. */
  nonWorkingDayMeetingHours: number;
  /** Total working hours in the range. */
  workingTimeHours: number;
  /** Meeting time inside working hours. */
  meetingInWorkingHours: number;
  /** Busy time that is not a meeting (personal and focus blocks) inside working hours, not already covered by meetings. */
  otherBusyHours: number;
  /** `meetingInWorkingHours / workingTimeHours` (0 without working time). */
  meetingShare: number;
  /** Free gaps inside working hours at least `focusMinMinutes` long. */
  focusHours: number;
  /** Free gaps inside working hours shorter than `focusMinMinutes`. */
  fragmentedHours: number;
  /** Maximal runs of ≥ 3 meetings, each starting less than 5 minutes after the previous ones end. */
  backToBackChains: number;
  /** Meeting time from recurring series. */
  recurringMeetingHours: number;
  /** Meeting time with a teammate whose UTC offset differs at the meeting's start. */
  crossZoneMeetingHours: number;
  /** The part of `crossZoneMeetingHours` outside this member's working hours (non-working days included). */
  crossZoneOutsideHoursHours: number;
}

export interface MemberAudit {
  email: string;
  timeZone: string;
  metrics: AuditMetrics;
  /** The same keys averaged per 7 days of the range (`meetingShare` stays the ratio). */
  perWeek: AuditMetrics;
}

/** A recurring meeting series ranked by the team time it costs. */
export interface SeriesLoad {
  seriesKey: string;
  title: string;
  /** Sum over members of the series' meeting time in the range, in hours (2 decimals). */
  personHours: number;
  /** Distinct occurrences (original start, else start) seen in the range. */
  occurrences: number;
}

export interface TeamAudit {
  metrics: AuditMetrics;
  perWeek: AuditMetrics;
  /** The 10 recurring series with the most person-hours (ties by title). */
  topSeries: SeriesLoad[];
}

export interface AuditReport {
  range: DateRange;
  members: MemberAudit[];
  team: TeamAudit;
}

/**
 * Unrounded measurements behind `AuditMetrics`: durations in milliseconds (exact integers,
 * so the working-time identity holds exactly), counts as integers.
 */
export interface AuditMeasurement {
  meetingMs: number;
  meetingCount: number;
  afterHoursMeetingMs: number;
  nonWorkingDayMeetingMs: number;
  workingTimeMs: number;
  meetingInWorkingMs: number;
  otherBusyMs: number;
  focusMs: number;
  fragmentedMs: number;
  backToBackChains: number;
  recurringMeetingMs: number;
  crossZoneMeetingMs: number;
  crossZoneOutsideHoursMs: number;
}

export interface MemberMeasurement {
  email: string;
  timeZone: string;
  /** The member's audit window in UTC ms: first local midnight of the range to the last. */
  window: Interval;
  measurement: AuditMeasurement;
}

export interface SeriesMeasurement {
  seriesKey: string;
  title: string;
  personMs: number;
  occurrences: number;
}

export interface TeamMeasurement {
  range: DateRange;
  focusMinMinutes: number;
  members: MemberMeasurement[];
  /** Every recurring meeting series seen, unranked. */
  series: SeriesMeasurement[];
}

const EMPTY_MEASUREMENT: AuditMeasurement = Object.freeze({
  meetingMs: 0,
  meetingCount: 0,
  afterHoursMeetingMs: 0,
  nonWorkingDayMeetingMs: 0,
  workingTimeMs: 0,
  meetingInWorkingMs: 0,
  otherBusyMs: 0,
  focusMs: 0,
  fragmentedMs: 0,
  backToBackChains: 0,
  recurringMeetingMs: 0,
  crossZoneMeetingMs: 0,
  crossZoneOutsideHoursMs: 0,
});

/**
 * A zone's UTC offset (minutes) as a step function over an audit window, built once per zone
 * so per-meeting lookups are a short search instead of a luxon call.
 */
interface OffsetTimeline {
  zone: IANAZone;
  /** Covered span; outside it, lookups fall back to luxon. */
  from: number;
  to: number;
  /** `offsets[i]` holds from `changes[i]` (inclusive) until `changes[i + 1]`; `changes[0]` = `from`. */
  changes: number[];
  offsets: number[];
}

function buildOffsetTimeline(timeZone: string, days: readonly LocalDay[]): OffsetTimeline {
  const zone = IANAZone.create(timeZone);
  const first = days[0] as LocalDay;
  const last = days[days.length - 1] as LocalDay;
  const changes = [first.start];
  const offsets = [zone.offset(first.start)];
  for (const day of days) {
    // A day's length differs from 24 h exactly when its offset changes during it.
    if (day.end - day.start === 86_400_000) continue;
    const before = zone.offset(day.start);
    let lo = day.start;
    let hi = day.end;
    // Invariant: offset(lo) === before, offset(hi) !== before; find the first changed ms.
    if (zone.offset(hi) === before) continue;
    while (hi - lo > 1) {
      const mid = lo + Math.floor((hi - lo) / 2);
      if (zone.offset(mid) === before) lo = mid;
      else hi = mid;
    }
    changes.push(hi);
    offsets.push(zone.offset(hi));
  }
  return { zone, from: first.start, to: last.end, changes, offsets };
}

function offsetAt(timeline: OffsetTimeline, instant: number): number {
  if (instant < timeline.from || instant >= timeline.to) return timeline.zone.offset(instant);
  const { changes, offsets } = timeline;
  let i = changes.length - 1;
  while (i > 0 && (changes[i] as number) > instant) i--;
  return offsets[i] as number;
}

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

/** Intervals of events, clipped to a window (events are already known to overlap it). */
function clippedIntervals(events: readonly CalendarEvent[], window: Interval): Interval[] {
  const out: Interval[] = new Array<Interval>(events.length);
  for (let i = 0; i < events.length; i++) {
    const event = events[i] as CalendarEvent;
    out[i] = {
      start: event.start > window.start ? event.start : window.start,
      end: event.end < window.end ? event.end : window.end,
    };
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

interface SeriesAccumulator {
  seriesKey: string;
  title: string;
  titleStart: number;
  personMs: number;
  occurrences: Set<number>;
}

interface MemberContext {
  subject: AuditMemberInput;
  email: string;
  days: LocalDay[];
}

/**
 * Measures a team's calendars without rounding: the exact millisecond quantities behind
 * `auditTeam`, plus every recurring series' person-time. Validates the range
 * (`audit.invalid_range`), every member's zone (`member.invalid_time_zone`) and
 * `focusMinMinutes` (`audit.invalid_focus_min`).
 */
export function measureTeam(input: AuditInput): TeamMeasurement {
  const range = parseDateRange(input.range.from, input.range.to);
  const focusMinMinutes = input.focusMinMinutes ?? DEFAULT_FOCUS_MIN_MINUTES;
  if (typeof focusMinMinutes !== 'number' || !Number.isFinite(focusMinMinutes) || focusMinMinutes < 0) {
    throw new UnmeetError(
      'audit.invalid_focus_min',
      `focusMinMinutes must be a number of minutes ≥ 0; got ${JSON.stringify(focusMinMinutes)}.`,
      { focusMinMinutes },
    );
  }
  const focusMinMs = focusMinMinutes * 60_000;

  // Zone work once per distinct zone.
  const daysByZone = new Map<string, LocalDay[]>();
  const timelines = new Map<string, OffsetTimeline>();
  const contexts: MemberContext[] = input.members.map((subject) => {
    const zone = subject.member.timeZone;
    assertTimeZone(zone);
    let days = daysByZone.get(zone);
    if (days === undefined) {
      days = localDays(zone, range.from, range.to);
      daysByZone.set(zone, days);
      timelines.set(zone, buildOffsetTimeline(zone, days));
    }
    return { subject, email: subject.member.email.toLowerCase(), days };
  });
  const zoneByEmail = new Map<string, string>();
  for (const context of contexts) zoneByEmail.set(context.email, context.subject.member.timeZone);
  const multiZone = timelines.size > 1;

  const series = new Map<string, SeriesAccumulator>();
  const members = contexts.map((context): MemberMeasurement => {
    const { member, events } = context.subject;
    const { email, days } = context;
    const zone = member.timeZone;
    const first = days[0] as LocalDay;
    const last = days[days.length - 1] as LocalDay;
    const window: Interval = { start: first.start, end: last.end };

    const working = workingIntervalsForDays(member.workingHours, zone, days);
    const workingDays: Interval[] = [];
    for (const day of days) {
      const ranges = member.workingHours[day.weekday];
      if (ranges !== undefined && ranges.length > 0) workingDays.push({ start: day.start, end: day.end });
    }

    // Busy events overlapping the window; meetings among them, once each.
    const busy: CalendarEvent[] = [];
    const meetings: CalendarEvent[] = [];
    const seen = new Set<string>();
    for (const event of events) {
      if (event.status === 'cancelled' || event.allDay || event.transparency === 'transparent') continue;
      if (event.end <= event.start || event.end <= window.start || event.start >= window.end) continue;
      if (isDeclinedBy(event, email)) continue;
      busy.push(event);
      if (!isMeeting(event, email)) continue;
      const key = `${event.externalId}\u0000${event.start}`;
      if (seen.has(key)) continue;
      seen.add(key);
      meetings.push(event);
    }
    meetings.sort((a, b) => a.start - b.start || a.end - b.end);

    const busyUnion = normalize(clippedIntervals(busy, window));
    const meetingUnion = normalize(clippedIntervals(meetings, window));
    const meetingMs = lengthOf(meetingUnion);
    const meetingInWorkingMs = lengthOf(intersect(meetingUnion, working));
    const meetingOnWorkingDaysMs = lengthOf(intersect(meetingUnion, workingDays));
    const busyInWorkingMs = lengthOf(intersect(busyUnion, working));

    let focusMs = 0;
    let fragmentedMs = 0;
    for (const gap of subtract(working, busyUnion)) {
      const length = gap.end - gap.start;
      if (length >= focusMinMs) focusMs += length;
      else fragmentedMs += length;
    }

    // Recurring series, cross-zone meetings.
    const recurring: CalendarEvent[] = [];
    const crossZone: CalendarEvent[] = [];
    const bySeries = new Map<string, CalendarEvent[]>();
    const ownTimeline = timelines.get(zone) as OffsetTimeline;
    for (const meeting of meetings) {
      if (meeting.seriesKey !== null) {
        recurring.push(meeting);
        let list = bySeries.get(meeting.seriesKey);
        if (list === undefined) bySeries.set(meeting.seriesKey, (list = []));
        list.push(meeting);
      }
      if (multiZone && isCrossZone(meeting, email, zone, ownTimeline, zoneByEmail, timelines)) {
        crossZone.push(meeting);
      }
    }
    const crossZoneUnion = normalize(clippedIntervals(crossZone, window));

    for (const [seriesKey, list] of bySeries) {
      let accumulator = series.get(seriesKey);
      if (accumulator === undefined) {
        const firstMeeting = list[0] as CalendarEvent;
        accumulator = {
          seriesKey,
          title: firstMeeting.title,
          titleStart: firstMeeting.start,
          personMs: 0,
          occurrences: new Set(),
        };
        series.set(seriesKey, accumulator);
      }
      accumulator.personMs += totalLength(clippedIntervals(list, window));
      for (const meeting of list) {
        accumulator.occurrences.add(meeting.originalStart ?? meeting.start);
        if (meeting.start < accumulator.titleStart) {
          accumulator.title = meeting.title;
          accumulator.titleStart = meeting.start;
        }
      }
    }

    return {
      email: member.email,
      timeZone: zone,
      window,
      measurement: {
        meetingMs,
        meetingCount: meetings.length,
        afterHoursMeetingMs: meetingOnWorkingDaysMs - meetingInWorkingMs,
        nonWorkingDayMeetingMs: meetingMs - meetingOnWorkingDaysMs,
        workingTimeMs: lengthOf(working),
        meetingInWorkingMs,
        otherBusyMs: busyInWorkingMs - meetingInWorkingMs,
        focusMs,
        fragmentedMs,
        backToBackChains: countBackToBackChains(meetings),
        recurringMeetingMs: totalLength(clippedIntervals(recurring, window)),
        crossZoneMeetingMs: lengthOf(crossZoneUnion),
        crossZoneOutsideHoursMs: lengthOf(subtract(crossZoneUnion, working)),
      },
    };
  });

  return {
    range,
    focusMinMinutes,
    members,
    series: [...series.values()].map(({ seriesKey, title, personMs, occurrences }) => ({
      seriesKey,
      title,
      personMs,
      occurrences: occurrences.size,
    })),
  };
}

/**
 * Whether a meeting includes another team member (attendee or organizer, not declined) whose
 * UTC offset at the meeting's start differs from the member's.
 */
function isCrossZone(
  meeting: CalendarEvent,
  email: string,
  zone: string,
  ownTimeline: OffsetTimeline,
  zoneByEmail: ReadonlyMap<string, string>,
  timelines: ReadonlyMap<string, OffsetTimeline>,
): boolean {
  let ownOffset: number | undefined;
  const differs = (other: string | null | undefined): boolean => {
    if (other === undefined || other === null || other === email) return false;
    const otherZone = zoneByEmail.get(other);
    if (otherZone === undefined || otherZone === zone) return false;
    ownOffset ??= offsetAt(ownTimeline, meeting.start);
    return offsetAt(timelines.get(otherZone) as OffsetTimeline, meeting.start) !== ownOffset;
  };
  if (differs(meeting.organizer)) return true;
  for (const attendee of meeting.attendees) {
    if (attendee.response !== 'declined' && !attendee.resource && differs(attendee.email)) return true;
  }
  return false;
}

const round = (value: number, decimals: number): number => {
  const factor = 10 ** decimals;
  return Math.round((value + Number.EPSILON) * factor) / factor;
};

/** Turns measurements into metrics: hours at 2 decimals, `scale` applied before rounding. */
function toMetrics(m: AuditMeasurement, scale: number): AuditMetrics {
  const hours = (ms: number) => round((ms / HOUR_MS) * scale, 2);
  const count = (n: number) => (scale === 1 ? n : round(n * scale, 2));
  return {
    meetingHours: hours(m.meetingMs),
    meetingCount: count(m.meetingCount),
    afterHoursMeetingHours: hours(m.afterHoursMeetingMs),
    nonWorkingDayMeetingHours: hours(m.nonWorkingDayMeetingMs),
    workingTimeHours: hours(m.workingTimeMs),
    meetingInWorkingHours: hours(m.meetingInWorkingMs),
    otherBusyHours: hours(m.otherBusyMs),
    meetingShare: m.workingTimeMs > 0 ? round(m.meetingInWorkingMs / m.workingTimeMs, 3) : 0,
    focusHours: hours(m.focusMs),
    fragmentedHours: hours(m.fragmentedMs),
    backToBackChains: count(m.backToBackChains),
    recurringMeetingHours: hours(m.recurringMeetingMs),
    crossZoneMeetingHours: hours(m.crossZoneMeetingMs),
    crossZoneOutsideHoursHours: hours(m.crossZoneOutsideHoursMs),
  };
}

function sumMeasurements(list: readonly AuditMeasurement[]): AuditMeasurement {
  const total: AuditMeasurement = { ...EMPTY_MEASUREMENT };
  const keys = Object.keys(total) as Array<keyof AuditMeasurement>;
  for (const m of list) for (const key of keys) total[key] += m[key];
  return total;
}

/**
 * The meeting-load audit of a team over local dates `range.from` ≤ date < `range.to`
 * (each member's own zone), implementing DESIGN.md's audit metrics: per member and for the
 * team, metrics in hours (2 decimals) and per 7 days, plus the 10 recurring series costing
 * the most person-hours. Throws `audit.invalid_range`, `member.invalid_time_zone` or
 * `audit.invalid_focus_min` for bad input.
 */
export function auditTeam(input: AuditInput): AuditReport {
  const measured = measureTeam(input);
  const weekScale = 7 / measured.range.days;
  const team = sumMeasurements(measured.members.map((m) => m.measurement));
  const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  const topSeries: SeriesLoad[] = measured.series
    .map((s) => ({
      seriesKey: s.seriesKey,
      title: s.title,
      personHours: round(s.personMs / HOUR_MS, 2),
      occurrences: s.occurrences,
    }))
    // Ranked by the person-hours shown, so equal-looking values are ordered by title.
    .sort(
      (a, b) => b.personHours - a.personHours || compareText(a.title, b.title) || compareText(a.seriesKey, b.seriesKey),
    )
    .slice(0, TOP_SERIES_LIMIT);
  return {
    range: measured.range,
    members: measured.members.map((m) => ({
      email: m.email,
      timeZone: m.timeZone,
      metrics: toMetrics(m.measurement, 1),
      perWeek: toMetrics(m.measurement, weekScale),
    })),
    team: {
      metrics: toMetrics(team, 1),
      perWeek: toMetrics(team, weekScale),
      topSeries,
    },
  };
}
