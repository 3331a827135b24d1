/**
 * Privacy by default (DESIGN.md, "People and access"): a person's numbers are theirs. Others see
 * them by name only when the person chose to share; managers and admins otherwise see
 * aggregates and distributions over groups of at least `minGroupSize` people, smaller groups
 * merged into "others", and "others" itself suppressed when it is still too small. Nothing
 * here ranks individuals: named rows come in address order, and distributions carry no
 * minimum or maximum (each would be one person's number).
 *
 * Pure: no I/O, no clock (the current instant is an argument).
 */
import { DateTime } from 'luxon';
import type { AuditMetrics } from './audit';
import { counts, HEALTH_THRESHOLDS, isPast, THRESHOLD_DESCRIPTIONS } from './team-health';

/** The workspace default for `minGroupSize`. */
export const DEFAULT_MIN_GROUP_SIZE = 5;
/** No setting can take the minimum group size below this. */
export const MIN_GROUP_SIZE_FLOOR = 3;
/** p75 is shown from this many people up (with fewer it sits next to the top person's number). */
export const P75_MIN_PEOPLE = 4;
/** p90 is shown from this many people up (with fewer it is, in effect, the top person's number). */
export const P90_MIN_PEOPLE = 10;

/** The minimum group size in force: the workspace setting, never below 3 (default 5). */
export function effectiveMinGroupSize(setting: number | null | undefined): number {
  if (setting === null || setting === undefined || !Number.isFinite(setting)) return DEFAULT_MIN_GROUP_SIZE;
  return Math.max(MIN_GROUP_SIZE_FLOOR, Math.floor(setting));
}

/** Who a member row belongs to: a signed-in person (and whether they share), or nobody (operator mode). */
export interface MemberOwner {
  memberId: string;
  personId: string;
  /** The person's verified address (may differ from the member row's). */
  email: string;
  shares: boolean;
}

/**
 * The member rows whose per-person numbers a viewer may not see: rows linked to a person who
 * does not share, other than the viewer's own. Rows no person is linked to are operator-owned
 * data (ICS files an operator audits) and stay visible to admins, as before people existed.
 */
export function privateMemberIds(owners: readonly MemberOwner[], viewerPersonId: string | null | undefined): Set<string> {
  const hidden = new Set<string>();
  for (const o of owners) if (!o.shares && o.personId !== viewerPersonId) hidden.add(o.memberId);
  return hidden;
}

/**
 * Linear-interpolation quantile (the "type 7" of R and NumPy's default) of `values`, `q` in
 * [0, 1]; NaN for no values.
 */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const at = (sorted.length - 1) * q;
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (at - lo);
}

const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;

/** A distribution over a group's people: the median always, p75 and p90 only where the group is large enough. */
export interface Distribution {
  median: number;
  p75: number | null;
  p90: number | null;
}

/** Summarizes one metric over a group's people (no min or max: each would be one person's number). */
export function distribution(values: readonly number[], digits = 2): Distribution {
  return {
    median: round(quantile(values, 0.5), digits),
    p75: values.length >= P75_MIN_PEOPLE ? round(quantile(values, 0.75), digits) : null,
    p90: values.length >= P90_MIN_PEOPLE ? round(quantile(values, 0.9), digits) : null,
  };
}

/** The per-week metrics a team view summarizes per person. */
export const DISTRIBUTED_METRICS = ['meetingHours', 'meetingShare', 'afterHoursMeetingHours', 'focusHours', 'fragmentedHours', 'backToBackChains'] as const;
export type DistributedMetric = (typeof DISTRIBUTED_METRICS)[number];

/**
 * The lines a team view counts people across (how many are past each, never who): the
 * overview's health thresholds (team-health.ts), so both pages count the same people, each with
 * the English sentence the API carries.
 */
export const THRESHOLDS = HEALTH_THRESHOLDS.map((t) => ({ ...t, description: THRESHOLD_DESCRIPTIONS[t.code]! }));

/** One person's audit in a team view, as the aggregation needs it. */
export interface PersonNumbers {
  memberId: string;
  email: string;
  name: string;
  /** The person chose to be named to managers and admins. */
  shares: boolean;
  metrics: AuditMetrics;
  perWeek: AuditMetrics;
}

export interface GroupInput {
  id: string;
  name: string;
  memberIds: readonly string[];
}

/** Sums of a group's metrics (hours and counts add; `meetingShare` is recomputed from the sums). */
export interface GroupTotals {
  metrics: Record<keyof AuditMetrics, number>;
  perWeek: Record<keyof AuditMetrics, number>;
}

export interface GroupView {
  id: string;
  name: string;
  size: number;
  totals: GroupTotals;
  /** Per-week distributions over the group's people. */
  distributions: Record<DistributedMetric, Distribution>;
  thresholds: Array<{ code: string; description: string; count: number; of: number }>;
  /** Named rows, only for people who chose to share, in address order (never ranked). */
  shared: Array<{ email: string; name: string; perWeek: AuditMetrics }>;
}

export type OthersView =
  | (Omit<GroupView, 'id' | 'name'> & { id: 'others'; name: 'Others'; suppressed: false; merged: string[] })
  | { id: 'others'; name: 'Others'; suppressed: true; merged: string[]; reason: string };

export interface TeamView {
  minGroupSize: number;
  groups: GroupView[];
  /** Groups below the minimum, merged; null when there were none. */
  others: OthersView | null;
}

function sumMetrics(rows: readonly AuditMetrics[]): Record<keyof AuditMetrics, number> {
  const out = {} as Record<keyof AuditMetrics, number>;
  for (const row of rows) for (const [k, v] of Object.entries(row) as Array<[keyof AuditMetrics, number]>) out[k] = (out[k] ?? 0) + v;
  for (const k of Object.keys(out) as Array<keyof AuditMetrics>) out[k] = round(out[k], 2);
  if ('meetingShare' in out) out.meetingShare = out.workingTimeHours > 0 ? round(out.meetingInWorkingHours / out.workingTimeHours, 3) : 0;
  return out;
}

function summarize(people: readonly PersonNumbers[]): Omit<GroupView, 'id' | 'name'> {
  const distributions = {} as Record<DistributedMetric, Distribution>;
  for (const m of DISTRIBUTED_METRICS) distributions[m] = distribution(people.map((p) => p.perWeek[m]), m === 'meetingShare' ? 3 : 2);
  return {
    size: people.length,
    totals: { metrics: sumMetrics(people.map((p) => p.metrics)), perWeek: sumMetrics(people.map((p) => p.perWeek)) },
    distributions,
    thresholds: THRESHOLDS.map((t) => ({
      code: t.code,
      description: t.description,
      count: people.filter((p) => counts(p.perWeek) && isPast(t, p.perWeek)).length,
      of: people.filter((p) => counts(p.perWeek)).length,
    })),
    shared: people
      .filter((p) => p.shares)
      .sort((a, b) => a.email.localeCompare(b.email))
      .map((p) => ({ email: p.email, name: p.name, perWeek: p.perWeek })),
  };
}

/**
 * The team view over `groups`: each group of at least `minGroupSize` people (the effective
 * minimum, never below 3) gets totals, per-person distributions, threshold counts and named
 * rows for sharers; smaller groups merge into "others" (each person once), which is itself
 * suppressed, with the reason stated, when it is still below the minimum. Members of a group
 * with no numbers in `people` (unknown ids) are not counted.
 */
export function aggregateTeam(input: { groups: readonly GroupInput[]; people: ReadonlyMap<string, PersonNumbers>; minGroupSize: number | null | undefined }): TeamView {
  const min = effectiveMinGroupSize(input.minGroupSize);
  const groups: GroupView[] = [];
  const small: GroupInput[] = [];
  const others = new Map<string, PersonNumbers>();
  for (const group of input.groups) {
    const people = [...new Set(group.memberIds)].map((id) => input.people.get(id)).filter((p): p is PersonNumbers => p !== undefined);
    if (people.length >= min) {
      groups.push({ id: group.id, name: group.name, ...summarize(people) });
      continue;
    }
    small.push(group);
    for (const p of people) others.set(p.memberId, p);
  }
  if (small.length === 0) return { minGroupSize: min, groups, others: null };
  const merged = small.map((g) => g.name);
  if (others.size < min) {
    const reason =
      `${small.length === 1 ? 'This group has' : 'These groups have'} fewer than ${min} people` +
      (small.length > 1 ? ` even together (${others.size})` : '') +
      `, the workspace's minimum group size, so their numbers are not shown.`;
    return { minGroupSize: min, groups, others: { id: 'others', name: 'Others', suppressed: true, merged, reason } };
  }
  return { minGroupSize: min, groups, others: { id: 'others', name: 'Others', suppressed: false, merged, ...summarize([...others.values()]) } };
}

/**
 * The local week (Monday to the next Monday, `to` exclusive) that contains `now` in `zone`:
 * the default range of "My week".
 */
export function weekContaining(now: number, zone: string): { from: string; to: string } {
  const start = DateTime.fromMillis(now, { zone }).startOf('week');
  return { from: start.toISODate()!, to: start.plus({ weeks: 1 }).toISODate()! };
}

/** What each audit metric means, in one sentence, for a person reading their own week. */
export const METRIC_EXPLANATIONS: Record<keyof AuditMetrics, string> = {
  meetingHours: 'Time in meetings (events with someone else), overlaps counted once.',
  meetingCount: 'Distinct meetings in the range.',
  afterHoursMeetingHours: 'Meeting time on working days outside your working hours.',
  nonWorkingDayMeetingHours: 'Meeting time on your non-working days.',
  workingTimeHours: 'Your working hours in the range, time you were away left out.',
  awayHours: 'Working hours you were away (out of office, on leave): left out of every other figure.',
  meetingInWorkingHours: 'Meeting time inside your working hours.',
  otherBusyHours: 'Busy time that is not a meeting (personal and focus blocks) inside working hours.',
  meetingShare: 'The share of your working time spent in meetings.',
  focusHours: 'Free stretches inside working hours long enough to focus (at least the workspace focus minimum).',
  fragmentedHours: 'Free time inside working hours in gaps too short to focus.',
  backToBackChains: 'Runs of 3 or more meetings with less than 5 minutes between them.',
  recurringMeetingHours: 'Meeting time from recurring series.',
  crossZoneMeetingHours: 'Meeting time with a teammate in another time zone.',
  crossZoneOutsideHoursHours: 'The part of cross-zone meeting time outside your working hours.',
};

/**
 * Which members a report may show by name for one viewer, given the rows private to them. Team
 * totals are shown only when the unnamed people are none or at least the minimum group size:
 * otherwise the totals minus the named rows would give away a small group's numbers, down to
 * one person's. The dashboard and the API apply the same rule.
 */
export interface Visibility {
  /** Member ids shown by name. */
  named: ReadonlySet<string>;
  /** How many members are counted in aggregates only. */
  unnamed: number;
  teamTotals: boolean;
}

export function memberVisibility(input: { memberIds: readonly string[]; hidden: ReadonlySet<string>; minGroupSize: number | null | undefined }): Visibility {
  const named = new Set(input.memberIds.filter((id) => !input.hidden.has(id)));
  const unnamed = input.memberIds.length - named.size;
  return { named, unnamed, teamTotals: unnamed === 0 || unnamed >= effectiveMinGroupSize(input.minGroupSize) };
}
