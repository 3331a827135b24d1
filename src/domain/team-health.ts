/**
 * Team health at a glance (issue 19): the four lines a team lead checks each week, and the share
 * of the team past each one, week by week, with its trend from the first to the last week of the
 * range. The thresholds and their sources are documented in docs/scores.md ("Health thresholds").
 *
 * These are counts over the whole team, never who: callers show them only where the privacy
 * rule allows team totals (`memberVisibility(...).teamTotals` in privacy.ts).
 *
 * Pure: plain data in and out.
 */
import type { AuditMetrics } from './audit-types';

export type HealthCode = 'focus_under_10h_week' | 'after_hours_over_1h_week' | 'meeting_share_over_50' | 'back_to_back_3_per_week';

/** One line, measured on a person's week of audit metrics. */
export interface HealthThreshold {
  code: HealthCode;
  /** The figure compared, from one person's week. */
  value: (week: AuditMetrics) => number;
  /** `over`: past it when the figure is above `limit`; `under`: when below; `atLeast`: when at or above. */
  past: 'over' | 'under' | 'atLeast';
  limit: number;
  /** How the figure reads: hours per week, a share, or a count per week. */
  unit: 'h' | 'share' | 'count';
}

/**
 * The thresholds, in the order the overview lists them. After-hours time counts meetings on
 * working days outside working hours and on non-working days: both are time the person is not
 * paid or rested for.
 */
export const HEALTH_THRESHOLDS: readonly HealthThreshold[] = [
  { code: 'focus_under_10h_week', value: (w) => w.focusHours, past: 'under', limit: 10, unit: 'h' },
  { code: 'after_hours_over_1h_week', value: (w) => w.afterHoursMeetingHours + w.nonWorkingDayMeetingHours, past: 'over', limit: 1, unit: 'h' },
  { code: 'meeting_share_over_50', value: (w) => w.meetingShare, past: 'over', limit: 0.5, unit: 'share' },
  { code: 'back_to_back_3_per_week', value: (w) => w.backToBackChains, past: 'atLeast', limit: 3, unit: 'count' },
];

/** Each threshold in one English sentence (the team API's `description`; pages phrase them per language). */
export const THRESHOLD_DESCRIPTIONS: Record<string, string> = {
  focus_under_10h_week: 'less than 10 h/week of focus time',
  after_hours_over_1h_week: 'more than 1 h/week of meetings outside working hours (non-working days included)',
  meeting_share_over_50: 'more than half of working time in meetings',
  back_to_back_3_per_week: '3 or more back-to-back chains a week',
};

/** Whether one person's week is past the threshold. */
export function isPast(threshold: HealthThreshold, week: AuditMetrics): boolean {
  const v = threshold.value(week);
  if (threshold.past === 'over') return v > threshold.limit + 1e-9;
  if (threshold.past === 'under') return v < threshold.limit - 1e-9;
  return v >= threshold.limit - 1e-9;
}

/**
 * Whether a person's week can be judged at all: a week with no working time (a week away, or
 * before they joined) has no focus or meeting share to speak of, so it is left out of the count.
 */
export const counts = (week: AuditMetrics): boolean => week.workingTimeHours > 0;

export interface HealthWeek {
  from: string;
  /** People past the line this week. */
  past: number;
  /** People whose week was judged. */
  of: number;
  /** past / of, 0 when nobody was judged. */
  share: number;
}

export interface HealthLine {
  code: HealthCode;
  limit: number;
  unit: HealthThreshold['unit'];
  weeks: HealthWeek[];
  /**
   * Last week's share minus the first week's, in percentage points (rounded); null with fewer
   * than two weeks. Positive means more of the team is past the line.
   */
  changePoints: number | null;
  direction: 'worse' | 'better' | 'same';
}

/** Changes smaller than this many percentage points read as "the same". */
export const SAME_BAND_POINTS = 5;

/**
 * For each threshold, the share of the team past it in each week, and the change from the first
 * week to the last. `weeks` holds every person's metrics for that week (one entry per person).
 */
export function teamHealth(weeks: ReadonlyArray<{ from: string; people: readonly AuditMetrics[] }>): HealthLine[] {
  return HEALTH_THRESHOLDS.map((threshold) => {
    const perWeek = weeks.map(({ from, people }) => {
      const judged = people.filter(counts);
      const past = judged.filter((p) => isPast(threshold, p)).length;
      return { from, past, of: judged.length, share: judged.length > 0 ? past / judged.length : 0 };
    });
    const firstWeek = perWeek[0];
    const lastWeek = perWeek[perWeek.length - 1];
    const changePoints = perWeek.length >= 2 && firstWeek && lastWeek ? Math.round((lastWeek.share - firstWeek.share) * 100) : null;
    const direction = changePoints === null || Math.abs(changePoints) < SAME_BAND_POINTS ? 'same' : changePoints > 0 ? 'worse' : 'better';
    return { code: threshold.code, limit: threshold.limit, unit: threshold.unit, weeks: perWeek, changePoints, direction };
  });
}

/** The codes of the thresholds one person's week is past (for their own row: a person is named only where the privacy rule allows). */
export function pastThresholds(week: AuditMetrics): HealthCode[] {
  return counts(week) ? HEALTH_THRESHOLDS.filter((t) => isPast(t, week)).map((t) => t.code) : [];
}

/**
 * Where the meeting-share line sits in hours per week for a chart in h/week: half of the
 * median person's weekly working time (40 h gives 20 h). Null without anyone's working time.
 */
export function meetingShareLineHours(workingHoursPerWeek: readonly number[]): number | null {
  const values = workingHoursPerWeek.filter((v) => v > 0).sort((a, b) => a - b);
  if (values.length === 0) return null;
  const mid = Math.floor(values.length / 2);
  const median = values.length % 2 === 1 ? values[mid]! : (values[mid - 1]! + values[mid]!) / 2;
  return Math.round(median * 0.5 * 10) / 10;
}
