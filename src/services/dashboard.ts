/**
 * What the dashboard shows, loaded for one workspace: the audit week by week (per member and
 * for the team) and each member's weekday × hour meeting density. Ranges are whole weeks from
 * Monday, in local dates as everywhere in the audit.
 */
import { DateTime } from 'luxon';
import type { AuditMetrics } from '../domain/audit';
import { meetingHeatmap, type MeetingHeatmap } from '../domain/meeting-heatmap';
import { teamHealth, type HealthLine } from '../domain/team-health';
import type { CalendarEvent } from '../domain/types';
import { toMember, type MemberRow } from '../db/members.repository';
import { auditWorkspace } from './audit';
import type { Deps } from './deps';

const DAY = 86_400_000;
export const DASHBOARD_WEEKS = { default: 4, max: 12 };

export interface WeekRange {
  /** Monday of the first week, `YYYY-MM-DD`. */
  from: string;
  /** Monday after the last week (exclusive). */
  to: string;
  weeks: string[];
}

/**
 * The weeks to show: `weeks` (1–12, default 4) whole weeks starting on the Monday of `from`;
 * without `from`, the complete weeks just before the current one (UTC date of `now`): the
 * current week is still mostly ahead, and its figures would read as a sudden drop.
 */
export function resolveWeeks(now: number, query: { from?: string | undefined; weeks?: string | undefined }): WeekRange {
  const parsedWeeks = Number.parseInt(query.weeks ?? '', 10);
  const count = Number.isFinite(parsedWeeks) ? Math.min(DASHBOARD_WEEKS.max, Math.max(1, parsedWeeks)) : DASHBOARD_WEEKS.default;
  const given = query.from && /^\d{4}-\d{2}-\d{2}$/.test(query.from) ? DateTime.fromISO(query.from, { zone: 'utc' }) : undefined;
  const anchor = given?.isValid ? given.startOf('week') : DateTime.fromMillis(now, { zone: 'utc' }).startOf('week').minus({ weeks: count });
  const weeks = Array.from({ length: count }, (_, i) => anchor.plus({ weeks: i }).toISODate()!);
  return { from: weeks[0]!, to: anchor.plus({ weeks: count }).toISODate()!, weeks };
}

export interface OverviewWeek {
  from: string;
  to: string;
  team: AuditMetrics;
  members: Array<{ email: string; metrics: AuditMetrics }>;
}

export interface Overview {
  range: WeekRange;
  members: MemberRow[];
  weeks: OverviewWeek[];
  /** The share of the team past each health threshold, week by week (counts, never names). */
  health: HealthLine[];
  /** What an hour of meeting costs, to put recurring hours in money. */
  money: { hourlyRate: number; currency: string };
}

/** The audit of each week in the range (the same numbers `GET /v1/audit` gives for that week). */
export async function loadOverview(deps: Pick<Deps, 'repos'>, workspaceId: string, range: WeekRange): Promise<Overview> {
  const [members, workspace] = await Promise.all([deps.repos.members.list(workspaceId), deps.repos.workspaces.get(workspaceId)]);
  const money = { hourlyRate: workspace?.hourlyRate ?? 0, currency: workspace?.currency ?? 'USD' };
  if (members.length === 0) return { range, members, weeks: [], health: [], money };
  const weeks: OverviewWeek[] = [];
  for (const from of range.weeks) {
    const to = DateTime.fromISO(from, { zone: 'utc' }).plus({ weeks: 1 }).toISODate()!;
    const report = await auditWorkspace(deps, workspaceId, { from, to });
    weeks.push({ from, to, team: report.team.metrics, members: report.members.map((m) => ({ email: m.email, metrics: m.metrics })) });
  }
  const health = teamHealth(weeks.map((w) => ({ from: w.from, people: w.members.map((m) => m.metrics) })));
  return { range, members, weeks, health, money };
}

/** Each member's meeting density by weekday and local hour over the range. */
export async function loadHeatmaps(
  deps: Pick<Deps, 'repos'>,
  workspaceId: string,
  range: WeekRange,
): Promise<Array<{ member: MemberRow; heatmap: MeetingHeatmap }>> {
  const members = await deps.repos.members.list(workspaceId);
  const window = { start: Date.parse(`${range.from}T00:00:00Z`) - 2 * DAY, end: Date.parse(`${range.to}T00:00:00Z`) + 2 * DAY };
  const byMember = new Map<string, CalendarEvent[]>(members.map((m) => [m.id, []]));
  for (const { memberId, event } of await deps.repos.events.listInWindow(workspaceId, window)) byMember.get(memberId)?.push(event);
  return members.map((member) => ({
    member,
    heatmap: meetingHeatmap({ member: toMember(member), events: byMember.get(member.id) ?? [], range: { from: range.from, to: range.to } }),
  }));
}
