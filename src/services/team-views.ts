/**
 * What managers and admins may see of other people (DESIGN.md, "People and access"): team
 * aggregates over groups, and the existing per-member reports (audit, flags, focus plan,
 * rotation ledger) with every row about a person who has not chosen to share left out.
 * Member rows that no person is linked to are operator-owned data (ICS files an operator
 * audits) and stay visible to admins as before. The HTTP routes and the dashboard both call
 * these functions, so the API enforces exactly what the dashboard shows.
 */
import { authErrors } from '../domain/error-codes/auth';
import { groupErrors } from '../domain/error-codes/group';
import { privacyErrors } from '../domain/error-codes/privacy';
import { aggregateTeam, effectiveMinGroupSize, privateMemberIds, type GroupInput, type MemberOwner, type PersonNumbers, type TeamView } from '../domain/privacy';
import { roleAtLeast, type Role } from '../domain/roles';
import type { CalendarEvent } from '../domain/types';
import { parseDateRange } from '../domain/working-hours';
import { toMember, type MemberRow } from '../db/members.repository';
import { toBase64Url } from '../providers/token-vault';
import { auditWorkspace } from './audit';
import type { Deps } from './deps';
import { defaultFlagRange, flagListMinute, flagWithLearning, listFlags, type FlagQuery } from './flags';
import { previewFocus } from './focus';
import { memoized } from './memo';
import { throughReadCache } from './read-cache';
import { rotationLedger } from './rotation';

/** Who is looking: an API key (no person), a person's session, or a dashboard session. */
export interface Viewer {
  workspaceId: string;
  role: Role;
  personId?: string | null;
}

/** What a viewer may not see by name, and a short key of it for caches. */
export interface ViewerScope {
  owners: Map<string, MemberOwner & { name: string }>;
  /** Member rows of people who do not share (the viewer's own excepted). */
  hiddenMemberIds: Set<string>;
  /** Their addresses (the member row's and the person's), lower-cased, plus those of non-sharing people without a row. */
  privateEmails: Set<string>;
  /** A digest of the hidden set: part of every cache key of a scoped report, so one viewer never gets another's view. */
  key: string;
  /** The workspace's data version, read with the memberships (one round trip): for the cache key of the report this scope is for. */
  dataVersion: number;
}

const DAY = 86_400_000;

async function digest(text: string): Promise<string> {
  const bytes = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
  return toBase64Url(bytes.subarray(0, 12));
}

/** The viewer's scope in their workspace: which member rows and addresses are someone else's private data. */
export async function viewerScope(deps: Pick<Deps, 'repos' | 'readCache'>, viewer: Viewer): Promise<ViewerScope> {
  const { memberships, dataVersion } = await throughReadCache(deps.readCache, `scope:${viewer.workspaceId}`, () => deps.repos.people.listMembershipsAndVersion(viewer.workspaceId));
  const owners = new Map<string, MemberOwner & { name: string }>();
  const privateEmails = new Set<string>();
  for (const m of memberships) {
    if (m.memberId) owners.set(m.memberId, { memberId: m.memberId, personId: m.personId, email: m.email, name: m.name, shares: m.shareNumbers });
    if (!m.shareNumbers && m.personId !== viewer.personId) privateEmails.add(m.email.toLowerCase());
  }
  const hiddenMemberIds = privateMemberIds([...owners.values()], viewer.personId);
  // A cached report's hot path: only the linked rows are read (one per person), never the whole members list.
  if (hiddenMemberIds.size > 0) {
    for (const row of await deps.repos.groups.linkedMembers(viewer.workspaceId)) if (hiddenMemberIds.has(row.memberId)) privateEmails.add(row.email.toLowerCase());
  }
  const key = hiddenMemberIds.size === 0 && privateEmails.size === 0 ? 'all' : await digest(JSON.stringify([[...hiddenMemberIds].sort(), [...privateEmails].sort()]));
  return { owners, hiddenMemberIds, privateEmails, key, dataVersion };
}

/** Refuses a report about one member who is someone else's private data (403 `privacy.not_shared`). */
async function assertVisible(deps: Pick<Deps, 'repos'>, workspaceId: string, scope: ViewerScope, memberRef: string | undefined): Promise<void> {
  if (!memberRef || scope.hiddenMemberIds.size === 0) return;
  const row = (await deps.repos.members.get(workspaceId, memberRef)) ?? (await deps.repos.members.getByEmail(workspaceId, memberRef));
  if (row && scope.hiddenMemberIds.has(row.id)) {
    throw privacyErrors.not_shared('This person has not chosen to share their numbers; only they can see them.');
  }
}

/**
 * `GET /v1/audit` for this viewer: the workspace audit with per-member rows only for operator
 * members, people who share, and the viewer; the team totals stay. `withheld` counts the rows
 * left out.
 */
export async function scopedAudit(
  deps: Pick<Deps, 'repos' | 'memo'>,
  viewer: Viewer,
  query: { from: string; to: string; member?: string | undefined },
  known?: ViewerScope,
) {
  const scope = known ?? (await viewerScope(deps, viewer));
  await assertVisible(deps, viewer.workspaceId, scope, query.member);
  const report = await auditWorkspace(deps, viewer.workspaceId, query);
  if (scope.hiddenMemberIds.size === 0) return { ...report, withheld: 0, teamWithheld: null };
  const members = report.members.filter((m) => !scope.privateEmails.has(m.email));
  const withheld = report.members.length - members.length;
  const workspace = await deps.repos.workspaces.get(viewer.workspaceId);
  const min = effectiveMinGroupSize(workspace?.minGroupSize);
  if (withheld >= min) return { ...report, members, withheld, teamWithheld: null };
  // Totals minus the named rows would be the few unnamed people's own numbers.
  const reason = `Team totals are withheld: ${withheld} ${withheld === 1 ? 'person does' : 'people do'} not share their numbers, fewer than the minimum group size of ${min}.`;
  return { ...report, members, withheld, team: null, teamWithheld: reason };
}

/**
 * `GET /v1/flags` for this viewer: series scored over the calendars the viewer may see (a
 * non-sharing person's calendar is not read for them), and none organized by a non-sharing
 * person. `withheld` counts the series left out because of who organizes them.
 */
export async function scopedFlags(deps: Pick<Deps, 'repos' | 'clock' | 'memo'>, viewer: Viewer, query: FlagQuery, known?: ViewerScope) {
  const scope = known ?? (await viewerScope(deps, viewer));
  if (scope.key === 'all') return { ...(await listFlags(deps, viewer.workspaceId, query)), withheld: 0 };
  const range = defaultFlagRange(deps.clock(), query);
  // The minute: decisions in force, which the scores learn from, expire by the minute.
  const scored = await memoized(deps, viewer.workspaceId, 'flags.scoped', [range.from, range.to, scope.key, flagListMinute(deps)], async () => {
    const workspace = (await deps.repos.workspaces.get(viewer.workspaceId))!;
    const window = { start: Date.parse(`${range.from}T00:00:00Z`) - 2 * DAY, end: Date.parse(`${range.to}T00:00:00Z`) + 2 * DAY };
    const events: CalendarEvent[] = (await deps.repos.events.listInWindow(viewer.workspaceId, window))
      .filter((r) => !scope.hiddenMemberIds.has(r.memberId))
      .map((r) => r.event);
    const members = await deps.repos.members.list(viewer.workspaceId);
    const { flags } = await flagWithLearning(deps, viewer.workspaceId, { members: members.map(toMember), events, range, hourlyRate: workspace.hourlyRate });
    return { currency: workspace.currency, flags };
  });
  const now = deps.clock();
  const decisions = new Map((await deps.repos.flags.activeDecisions(viewer.workspaceId, now)).map((d) => [d.seriesKey, d]));
  const organizer = query.organizer?.toLowerCase();
  const visible = scored.flags.filter((f) => !(f.organizer && scope.privateEmails.has(f.organizer.toLowerCase())));
  const series = visible
    .filter((f) => !query.verdict || f.verdict === query.verdict)
    .filter((f) => !organizer || f.organizer === organizer)
    .filter((f) => query.includeDecided || !decisions.has(f.seriesKey))
    .map((f) => {
      const d = decisions.get(f.seriesKey);
      return { ...f, decision: d ? { decision: d.decision, decidedBy: d.decidedBy, decidedAt: d.decidedAt, expiresAt: d.expiresAt } : null };
    });
  return { range, currency: scored.currency, series, withheld: scored.flags.length - visible.length };
}

/** `GET /v1/focus/plan` for this viewer: plans only for members whose rows the viewer may see. */
export async function scopedFocusPlan(deps: Deps, viewer: Viewer, memberRef?: string, known?: ViewerScope) {
  const scope = known ?? (await viewerScope(deps, viewer));
  await assertVisible(deps, viewer.workspaceId, scope, memberRef);
  const plan = await previewFocus(deps, viewer.workspaceId, memberRef);
  const members = plan.members.filter((m) => !scope.hiddenMemberIds.has(m.memberId));
  return { members, withheld: plan.members.length - members.length };
}

/** `GET /v1/rotations/ledger` for this viewer: burden rows only for people the viewer may see by name. */
export async function scopedLedger(deps: Pick<Deps, 'repos' | 'clock'>, viewer: Viewer, halfLifeDays?: number) {
  const scope = await viewerScope(deps, viewer);
  const ledger = await rotationLedger(deps, viewer.workspaceId, halfLifeDays);
  const people = ledger.people.filter((p) => !scope.privateEmails.has(p.email.toLowerCase()));
  return { ...ledger, people, withheld: ledger.people.length - people.length };
}

/** The id of the default group: everyone in the workspace (admins only). */
export const WORKSPACE_GROUP_ID = 'workspace';

/** The groups a viewer may see aggregates of: every group (and the whole workspace) for admins, assigned groups for managers. */
export async function visibleGroups(deps: Pick<Deps, 'repos'>, viewer: Viewer, members: MemberRow[]): Promise<GroupInput[]> {
  if (roleAtLeast(viewer.role, 'admin')) {
    const all = await deps.repos.groups.list(viewer.workspaceId);
    return [{ id: WORKSPACE_GROUP_ID, name: 'Everyone', memberIds: members.map((m) => m.id) }, ...all];
  }
  if (!roleAtLeast(viewer.role, 'manager')) throw authErrors.forbidden('Team views need the manager role or above.');
  return viewer.personId ? deps.repos.groups.listManagedBy(viewer.workspaceId, viewer.personId) : [];
}

export type TeamAudit = TeamView & { range: { from: string; to: string; days: number }; note: string | null };

/**
 * The team audit a manager or admin sees (`GET /v1/team/audit`): per visible group (or the one
 * asked for), totals, per-person distributions and threshold counts, groups below the
 * workspace's `minGroupSize` merged into "others" (suppressed with a reason when still too
 * small), and named rows only for people who chose to share. Never a ranking of people.
 */
export async function teamAudit(deps: Pick<Deps, 'repos' | 'memo'>, viewer: Viewer, range: { from: string; to: string }, groupId?: string): Promise<TeamAudit> {
  const dates = parseDateRange(range.from, range.to);
  const [scope, members] = await Promise.all([viewerScope(deps, viewer), deps.repos.members.list(viewer.workspaceId)]);
  let groups = await visibleGroups(deps, viewer, members);
  if (groupId !== undefined) {
    groups = groups.filter((g) => g.id === groupId);
    if (groups.length === 0) throw groupErrors.not_found(`No group ${groupId} that you can see.`);
  }
  const sharers = [...scope.owners.values()].filter((o) => o.shares).map((o) => o.memberId).sort();
  const params = [range.from, range.to, groups.map((g) => [g.id, ...g.memberIds]), sharers];
  return memoized(deps, viewer.workspaceId, 'team.audit', params, async () => {
    const workspace = (await deps.repos.workspaces.get(viewer.workspaceId))!;
    const report = await auditWorkspace(deps, viewer.workspaceId, range);
    const byEmail = new Map(report.members.map((m) => [m.email, m]));
    const people = new Map<string, PersonNumbers>();
    for (const row of members) {
      const audit = byEmail.get(row.email);
      if (!audit) continue;
      const owner = scope.owners.get(row.id);
      people.set(row.id, { memberId: row.id, email: owner?.email ?? row.email, name: owner?.name ?? row.name, shares: owner?.shares ?? false, metrics: audit.metrics, perWeek: audit.perWeek });
    }
    const view = aggregateTeam({ groups, people, minGroupSize: workspace.minGroupSize });
    const note = groups.length === 0 ? 'You are not assigned any group yet: an admin assigns groups to managers.' : null;
    return { range: { from: range.from, to: range.to, days: dates.days }, ...view, note };
  });
}
