/**
 * The audit's data shapes (DESIGN.md, "Audit metrics") and its constants: what goes in, the
 * exact millisecond measurements (`audit-measure.ts`) and the rounded report (`audit.ts`).
 */
import type { CalendarEvent, Interval, Member } from './types';
import type { DateRange } from './working-hours';

/** Default minimum length of a free gap that counts as focus time, in minutes. */
export const DEFAULT_FOCUS_MIN_MINUTES = 120;
/** A meeting starting less than this after the previous one ends continues a back-to-back chain. */
export const BACK_TO_BACK_GAP_MS = 5 * 60_000;
/** Minimum number of meetings in a back-to-back chain. */
export const BACK_TO_BACK_MIN_MEETINGS = 3;
/** Number of series in the team's `topSeries`. */
export const TOP_SERIES_LIMIT = 10;

/** Milliseconds in an hour. */
export const HOUR_MS = 3_600_000;

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
  /** Total working hours in the range, away time (./away.ts) excluded. */
  workingTimeHours: number;
  /** Working hours the member was away (out of office, on leave), left out of every other metric. */
  awayHours: number;
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
  awayMs: number;
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

/** All zeros: the start of a sum of measurements. */
export const EMPTY_MEASUREMENT: AuditMeasurement = Object.freeze({
  meetingMs: 0,
  meetingCount: 0,
  afterHoursMeetingMs: 0,
  nonWorkingDayMeetingMs: 0,
  workingTimeMs: 0,
  awayMs: 0,
  meetingInWorkingMs: 0,
  otherBusyMs: 0,
  focusMs: 0,
  fragmentedMs: 0,
  backToBackChains: 0,
  recurringMeetingMs: 0,
  crossZoneMeetingMs: 0,
  crossZoneOutsideHoursMs: 0,
});
