/**
 * The meeting-load audit (DESIGN.md, "Audit metrics"): per member, over the local dates
 * `from` ≤ date < `to` in the member's own zone, how much time goes to meetings, when, and
 * how much uninterrupted working time is left; per team, the sums and the recurring series
 * that cost the most person-hours.
 *
 * The shapes live in `audit-types.ts` and the exact measurement in `audit-measure.ts`; this
 * file rounds measurements into the report. Both are re-exported so callers keep one import.
 */
import { measureTeam } from './audit-measure';
import {
  EMPTY_MEASUREMENT,
  HOUR_MS,
  TOP_SERIES_LIMIT,
  type AuditInput,
  type AuditMeasurement,
  type AuditMetrics,
  type AuditReport,
  type SeriesLoad,
} from './audit-types';

export * from './audit-types';
export { measureTeam } from './audit-measure';

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
    awayHours: hours(m.awayMs),
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
