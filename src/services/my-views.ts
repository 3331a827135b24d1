/**
 * A person's own views ("My week", the flags on meetings they organize, their focus plan, their
 * rotation burden) and their choice to share their numbers. Everything here is about the
 * signed-in person only: it reads their membership, never takes a member id from the caller.
 * A person with no calendar in the workspace yet gets an empty answer that says why.
 */
import { METRIC_EXPLANATIONS, weekContaining } from '../domain/privacy';
import { auditErrors } from '../domain/error-codes/audit';
import { authErrors } from '../domain/error-codes/auth';
import { parseDateRange } from '../domain/working-hours';
import type { MemberRow } from '../db/members.repository';
import type { Membership, Person } from '../db/people.repository';
import { auditWorkspace } from './audit';
import type { Deps } from './deps';
import { listFlags, type FlagQuery } from './flags';
import { previewFocus } from './focus';
import { rotationLedger } from './rotation';

/** The signed-in person and the workspace they are looking at (a session principal fits). */
export interface PersonViewer {
  workspaceId: string;
  personId?: string | null;
}

/** Why a "my" view is empty: the person has no calendar (member row) in this workspace yet. */
export const NO_CALENDAR = {
  code: 'no_calendar',
  detail: 'You have no calendar in this workspace yet: connect one (or ask an admin to invite you to connect it) and your numbers appear here.',
} as const;

interface Me {
  person: Person;
  membership: Membership;
  member: MemberRow | undefined;
  /** The person's addresses: their verified one and their member row's (they may differ when an admin approved it). */
  emails: Set<string>;
}

async function me(deps: Pick<Deps, 'repos'>, viewer: PersonViewer): Promise<Me> {
  const personId = viewer.personId;
  if (!personId) throw authErrors.person_required('This is about a signed-in person; an API key has no person.');
  const [person, membership] = await Promise.all([deps.repos.people.get(personId), deps.repos.people.membership(viewer.workspaceId, personId)]);
  if (!person || !membership) throw authErrors.forbidden('You are not a member of this workspace.');
  const member = membership.memberId ? await deps.repos.members.get(viewer.workspaceId, membership.memberId) : undefined;
  const emails = new Set([person.email.toLowerCase(), ...(member ? [member.email.toLowerCase()] : [])]);
  return { person, membership, member, emails };
}

/**
 * "My week": the audit metrics of the person's own member row over local dates `from` ≤ day <
 * `to` (default: the current week, Monday to Monday, in their zone), with what each metric
 * means, and whether they share their numbers.
 */
export async function myWeek(deps: Pick<Deps, 'repos' | 'memo' | 'clock'>, viewer: PersonViewer, range: { from?: string | undefined; to?: string | undefined } = {}) {
  const { membership, member } = await me(deps, viewer);
  const week = weekContaining(deps.clock(), member?.timeZone ?? 'UTC');
  const from = range.from ?? (range.to ? undefined : week.from);
  const to = range.to ?? (range.from ? undefined : week.to);
  if (!from || !to) throw auditErrors.invalid_range('Give both from and to, or neither (this week).');
  const sharing = membership.shareNumbers;
  if (!member) {
    parseDateRange(from, to);
    return { range: { from, to }, sharing, member: null, metrics: null, perWeek: null, explanations: METRIC_EXPLANATIONS, empty: NO_CALENDAR };
  }
  const report = await auditWorkspace(deps, viewer.workspaceId, { from, to, member: member.id });
  const mine = report.members[0]!;
  return {
    range: report.range,
    sharing,
    member: { id: member.id, email: member.email, timeZone: member.timeZone },
    metrics: mine.metrics,
    perWeek: mine.perWeek,
    explanations: METRIC_EXPLANATIONS,
    empty: null,
  };
}

/** The flags on series the person organizes (under either of their addresses), decided ones included. */
export async function myFlags(deps: Pick<Deps, 'repos' | 'clock' | 'memo'>, viewer: PersonViewer, range: Pick<FlagQuery, 'from' | 'to'> = {}) {
  const { emails } = await me(deps, viewer);
  const all = await listFlags(deps, viewer.workspaceId, { ...range, includeDecided: true });
  const series = all.series.filter((s) => s.organizer !== null && emails.has(s.organizer.toLowerCase()));
  return { range: all.range, currency: all.currency, organizer: [...emails].sort(), series };
}

/** The person's focus plan (a dry run: nothing is written), or an empty answer saying why. */
export async function myFocus(deps: Deps, viewer: PersonViewer) {
  const { member } = await me(deps, viewer);
  if (!member) return { plan: null, empty: NO_CALENDAR };
  const preview = await previewFocus(deps, viewer.workspaceId, member.id);
  return { plan: preview.members[0] ?? null, empty: null };
}

/** The person's burden in the workspace's rotation ledger, or an empty answer saying why. */
export async function myRotation(deps: Pick<Deps, 'repos' | 'clock'>, viewer: PersonViewer, halfLifeDays?: number) {
  const { emails } = await me(deps, viewer);
  const ledger = await rotationLedger(deps, viewer.workspaceId, halfLifeDays);
  const rows = ledger.people.filter((p) => emails.has(p.email.toLowerCase()));
  if (rows.length === 0) {
    return { halfLifeDays: ledger.halfLifeDays, entries: [], empty: { code: 'no_rotation', detail: 'No committed rotation includes you yet.' } };
  }
  return { halfLifeDays: ledger.halfLifeDays, entries: rows, empty: null };
}

/**
 * Whether the person's numbers are shown by name to managers and admins. Returns what is now
 * stored (so the answer reports what actually happened).
 */
export async function setSharing(deps: Pick<Deps, 'repos'>, viewer: PersonViewer, share: boolean) {
  const { person } = await me(deps, viewer);
  await deps.repos.people.setShare(viewer.workspaceId, person.id, share);
  const after = await deps.repos.people.membership(viewer.workspaceId, person.id);
  return { share: after?.shareNumbers ?? false };
}
