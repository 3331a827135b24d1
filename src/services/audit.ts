import { auditTeam, type AuditReport } from '../domain/audit';
import { memberErrors } from '../domain/error-codes/member';
import { workspaceErrors } from '../domain/error-codes/workspace';
import type { CalendarEvent } from '../domain/types';
import { parseDateRange } from '../domain/working-hours';
import { toMember } from '../db/members.repository';
import type { Deps } from './deps';
import { memoized } from './memo';

const DAY = 86_400_000;

/**
 * Audits a workspace (or one member of it) over local dates `from` ≤ day < `to`. Everyone's
 * time zone still informs the cross-zone metrics, so with a member filter the others take part
 * with no events and only the chosen member is reported.
 */
export async function auditWorkspace(
  deps: Pick<Deps, 'repos' | 'memo'>,
  workspaceId: string,
  query: { from: string; to: string; member?: string | undefined },
): Promise<AuditReport> {
  parseDateRange(query.from, query.to);
  return memoized(deps, workspaceId, 'audit', [query.from, query.to, query.member ?? null], () => computeAudit(deps, workspaceId, query));
}

async function computeAudit(
  deps: Pick<Deps, 'repos'>,
  workspaceId: string,
  query: { from: string; to: string; member?: string | undefined },
): Promise<AuditReport> {
  const workspace = await deps.repos.workspaces.get(workspaceId);
  if (!workspace) throw workspaceErrors.not_found('Workspace not found.');
  const rows = await deps.repos.members.list(workspaceId);
  const wanted = query.member?.toLowerCase();
  const chosen = wanted ? rows.find((m) => m.id === query.member || m.email === wanted) : undefined;
  if (query.member && !chosen) throw memberErrors.not_found(`No member ${query.member} in this workspace.`);

  // Local dates span UTC -12..+14 h, so two days either side cover every zone.
  const window = { start: Date.parse(`${query.from}T00:00:00Z`) - 2 * DAY, end: Date.parse(`${query.to}T00:00:00Z`) + 2 * DAY };
  const byMember = new Map<string, CalendarEvent[]>(rows.map((m) => [m.id, []]));
  for (const { memberId, event } of await deps.repos.events.listInWindow(workspaceId, window, chosen?.id)) {
    byMember.get(memberId)?.push(event);
  }
  const report = auditTeam({
    range: { from: query.from, to: query.to },
    focusMinMinutes: workspace.focusMinMinutes,
    members: rows.map((m) => ({ member: toMember(m), events: byMember.get(m.id) ?? [] })),
  });
  if (!chosen) return report;
  const only = report.members.filter((m) => m.email === chosen.email);
  return { ...report, members: only, team: { ...report.team, metrics: only[0]!.metrics, perWeek: only[0]!.perWeek } };
}
