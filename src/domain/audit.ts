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
 * so per-meeting lookups are a short search instead of a luxon call. A 24-hour local day has
 * one offset throughout (its length is 24 h plus its start offset minus its end offset);
 * instants on a DST day (23 or 25 h) are asked of luxon, as are instants outside the window.
 */
interface OffsetTimeline {
  zone: IANAZone;
  from: number;
  to: number;
  /** `offsets[i]` holds from `changes[i]` (inclusive) until `changes[i + 1]`; NaN = ask luxon. */
  changes: number[];
  offsets: number[];
}

function buildOffsetTimeline(timeZone: string, days: readonly LocalDay[]): OffsetTimeline {
  const zone = IANAZone.create(timeZone);
  const first = days[0] as LocalDay;
  const last = days[days.length - 1] as LocalDay;
  const changes: number[] = [];
  const offsets: number[] = [];
  const step = (at: number, offset: number) => {
    if (changes[changes.length - 1] === at) offsets[offsets.length - 1] = offset;
    else {
      changes.push(at);
      offsets.push(offset);
    }
  };
  step(first.start, zone.offset(first.start));
  for (const day of days) {
    if (day.end - day.start === 86_400_000) continue;
    step(day.start, NaN);
    if (day.end < last.end) step(day.end, zone.offset(day.end));
  }
  return { zone, from: first.start, to: last.end, changes, offsets };
}

function offsetAt(timeline: OffsetTimeline, instant: number): number {
  if (instant < timeline.from || instant >= timeline.to) return timeline.zone.offset(instant);
  const { changes, offsets } = timeline;
  let i = changes.length - 1;
  while (i > 0 && (changes[i] as number) > instant) i--;
  const offset = offsets[i] as number;
  return Number.isNaN(offset) ? timeline.zone.offset(instant) : offset;
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

/**
 * A recurring series' person-time, merged member by member: each member's meetings arrive
 * sorted by start, so the union of that member's instances is kept as one open interval.
 */
interface SeriesAccumulator {
  seriesKey: string;
  /** Title of the earliest instance seen. */
  title: string;
  titleStart: number;
  personMs: number;
  /** Original start (else start) of every instance seen; distinct values are counted at the end. */
  occurrences: number[];
  member: number;
  openStart: number;
  openEnd: number;
}

function addToSeries(accumulator: SeriesAccumulator, member: number, start: number, end: number): void {
  if (accumulator.member === member && start <= accumulator.openEnd) {
    if (end > accumulator.openEnd) accumulator.openEnd = end;
    return;
  }
  accumulator.personMs += accumulator.openEnd - accumulator.openStart;
  accumulator.member = member;
  accumulator.openStart = start;
  accumulator.openEnd = end;
}

function countDistinct(values: readonly number[]): number {
  const sorted = Float64Array.from(values).sort();
  let count = 0;
  for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) count++;
  return count;
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
    let days = daysByZone.get(zone);
    if (days === undefined) {
      assertTimeZone(zone);
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
  const members = contexts.map((context, memberIndex): MemberMeasurement => {
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

    // Busy events overlapping the window, sorted once by start; meetings among them, once each.
    const busy: CalendarEvent[] = [];
    for (const event of events) {
      if (event.status === 'cancelled' || event.allDay || event.transparency === 'transparent') continue;
      if (event.end <= event.start || event.end <= window.start || event.start >= window.end) continue;
      if (isDeclinedBy(event, email)) continue;
      busy.push(event);
    }
    if (!isSortedByStart(busy)) busy.sort((a, b) => a.start - b.start || a.end - b.end);
    const meetings = withoutDuplicates(busy.filter((event) => isMeeting(event, email)));

    const busyUnion = unionInWindow(busy, window);
    const meetingUnion = unionInWindow(meetings, window);
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

    // Recurring series and cross-zone meetings, streamed over the meetings sorted by start:
    // clipped starts stay sorted, so each union is merged as it goes.
    const crossZone: CalendarEvent[] = [];
    const crossZoneContext: CrossZoneContext = {
      email,
      zone,
      ownTimeline: timelines.get(zone) as OffsetTimeline,
      zoneByEmail,
      timelines,
    };
    let recurringMs = 0;
    let recurringStart = 0;
    let recurringEnd = -Infinity;
    for (const meeting of meetings) {
      if (meeting.seriesKey !== null) {
        const start = meeting.start > window.start ? meeting.start : window.start;
        const end = meeting.end < window.end ? meeting.end : window.end;
        if (start <= recurringEnd) {
          if (end > recurringEnd) recurringEnd = end;
        } else {
          if (recurringEnd > recurringStart) recurringMs += recurringEnd - recurringStart;
          recurringStart = start;
          recurringEnd = end;
        }
        let accumulator = series.get(meeting.seriesKey);
        if (accumulator === undefined) {
          accumulator = {
            seriesKey: meeting.seriesKey,
            title: meeting.title,
            titleStart: meeting.start,
            personMs: 0,
            occurrences: [],
            member: memberIndex,
            openStart: start,
            openEnd: start,
          };
          series.set(meeting.seriesKey, accumulator);
        }
        addToSeries(accumulator, memberIndex, start, end);
        accumulator.occurrences.push(meeting.originalStart ?? meeting.start);
        if (meeting.start < accumulator.titleStart) {
          accumulator.title = meeting.title;
          accumulator.titleStart = meeting.start;
        }
      }
      if (multiZone && isCrossZone(meeting, crossZoneContext)) crossZone.push(meeting);
    }
    if (recurringEnd > recurringStart) recurringMs += recurringEnd - recurringStart;
    const crossZoneUnion = unionInWindow(crossZone, window);

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
        recurringMeetingMs: recurringMs,
        crossZoneMeetingMs: lengthOf(crossZoneUnion),
        crossZoneOutsideHoursMs: lengthOf(subtract(crossZoneUnion, working)),
      },
    };
  });

  return {
    range,
    focusMinMinutes,
    members,
    series: [...series.values()].map((accumulator) => ({
      seriesKey: accumulator.seriesKey,
      title: accumulator.title,
      personMs: accumulator.personMs + (accumulator.openEnd - accumulator.openStart),
      occurrences: countDistinct(accumulator.occurrences),
    })),
  };
}

/** Offset lookups for the cross-zone check of one member. */
interface CrossZoneContext {
  email: string;
  zone: string;
  ownTimeline: OffsetTimeline;
  zoneByEmail: ReadonlyMap<string, string>;
  timelines: ReadonlyMap<string, OffsetTimeline>;
}

/** Whether `other` is a teammate (not the member) whose UTC offset at `instant` differs from `ownOffset`. */
function differsFrom(context: CrossZoneContext, other: string, instant: number, ownOffset: number): boolean {
  if (other === context.email) return false;
  const otherZone = context.zoneByEmail.get(other);
  if (otherZone === undefined || otherZone === context.zone) return false;
  return offsetAt(context.timelines.get(otherZone) as OffsetTimeline, instant) !== ownOffset;
}

/**
 * Whether a meeting includes another team member (attendee or organizer, not declined) whose
 * UTC offset at the meeting's start differs from the member's.
 */
function isCrossZone(meeting: CalendarEvent, context: CrossZoneContext): boolean {
  const ownOffset = offsetAt(context.ownTimeline, meeting.start);
  if (meeting.organizer !== null && differsFrom(context, meeting.organizer, meeting.start, ownOffset)) return true;
  for (const attendee of meeting.attendees) {
    if (attendee.response !== 'declined' && !attendee.resource && differsFrom(context, attendee.email, meeting.start, ownOffset)) {
      return true;
    }
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
