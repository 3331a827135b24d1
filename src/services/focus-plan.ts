/**
 * Planning one member's focus time (steps 1–4 of the story in ./focus.ts): load the policy,
 * events and our stored blocks, notice what the member changed by hand, let the pure planner
 * choose the blocks, and turn the difference into create / move / delete / keep actions.
 * Nothing here writes; carrying the actions out is ./focus-apply.ts. Split from focus.ts to
 * keep that file under the 400-line guideline.
 */
import { DateTime } from 'luxon';
import { awayIntervals } from '../domain/away';
import { focusBusy, planFocus, resolveFocusPolicy, type FocusPlan, type FocusPolicy, type PlannedBlock } from '../domain/focus-planner';
import type { CalendarEvent } from '../domain/types';
import type { ConnectionRow } from '../db/connections.repository';
import type { FocusBlockRow } from '../db/focus.repository';
import type { MemberRow } from '../db/members.repository';
import type { Deps } from './deps';
import { LIVE } from './focus-removal';

const DAY = 86_400_000;

export type FocusActionKind = 'create' | 'move' | 'delete' | 'keep';

export interface FocusAction {
  kind: FocusActionKind;
  date: string;
  start: number;
  end: number;
  /** For a move: where the block was. */
  from?: { start: number; end: number };
  /** Our stored block, when the action concerns one. */
  blockId: number | null;
  /** For keep: the member moved it by hand (or it is under way), so it stays where it is. */
  pinned?: boolean;
}

export interface MemberFocusPlan {
  member: MemberRow;
  enabled: boolean;
  policy: FocusPolicy;
  range: { from: string; to: string };
  /** Where blocks are written: the member's first Google or Outlook calendar; null for ICS-only members. */
  target: { connection: ConnectionRow; calendarExternalId: string } | null;
  plan: FocusPlan;
  actions: FocusAction[];
  /** What the member changed by hand since our last write, to be recorded on apply. */
  detected: Array<{ row: FocusBlockRow; status: 'member_moved' | 'member_deleted'; start: number; end: number }>;
  /** Every stored block of the member with a date in or after the range start (slot numbering). */
  rows: FocusBlockRow[];
}

/** The local date of `now` in a zone, and the date `days` later. */
function horizon(now: number, timeZone: string, days: number) {
  const today = DateTime.fromMillis(now, { zone: timeZone }).startOf('day');
  return { from: today.toISODate()!, to: today.plus({ days }).toISODate()! };
}

/** The member's calendar for writing: the first connected Google or Outlook account, its primary calendar. */
async function writableCalendar(deps: Deps, workspaceId: string, memberId: string): Promise<MemberFocusPlan['target']> {
  for (const connection of await deps.repos.connections.list(workspaceId, memberId)) {
    if (connection.provider === 'ics' || connection.status === 'needs_reauth') continue;
    const calendars = await deps.repos.connections.calendars(workspaceId, connection.id);
    const calendar = calendars.find((c) => c.isPrimary) ?? calendars[0];
    if (calendar) return { connection, calendarExternalId: calendar.externalId };
  }
  return null;
}

/** The effective focus policy of a member: defaults, then the workspace's, then the member's. */
export async function memberFocusPolicy(deps: Pick<Deps, 'repos'>, workspaceId: string, memberId: string): Promise<{ policy: FocusPolicy; enabled: boolean; overrides: Partial<FocusPolicy> }> {
  const settings = await deps.repos.focus.member(workspaceId, memberId);
  const overrides = (settings?.policy ?? {}) as Partial<FocusPolicy>;
  return { policy: resolveFocusPolicy(await deps.repos.focus.workspacePolicy(workspaceId), overrides), enabled: settings?.enabled ?? false, overrides };
}

/**
 * Plans one member's focus time (a dry run: nothing is written). Works for ICS-only members
 * too; they just have no calendar to write to.
 */
export async function planMemberFocus(deps: Deps, workspaceId: string, member: MemberRow): Promise<MemberFocusPlan> {
  const now = deps.clock();
  const { policy, enabled } = await memberFocusPolicy(deps, workspaceId, member.id);
  const range = horizon(now, member.timeZone, policy.planAheadDays);
  const window = { start: Date.parse(`${range.from}T00:00:00Z`) - 2 * DAY, end: Date.parse(`${range.to}T00:00:00Z`) + 2 * DAY };
  const events: CalendarEvent[] = (await deps.repos.events.listInWindow(workspaceId, window, member.id)).map((r) => r.event);
  const rows = await deps.repos.focus.blocks(workspaceId, member.id, window.start);
  const target = await writableCalendar(deps, workspaceId, member.id);

  // What the member did by hand: judged only on a sync that started after our last write.
  const byId = new Map(events.map((e) => [e.externalId, e]));
  const lastSync = new Map<string, number>();
  for (const c of await deps.repos.connections.list(workspaceId, member.id)) lastSync.set(c.id, c.lastSyncAt ?? -Infinity);
  const detected: MemberFocusPlan['detected'] = [];
  const current = rows.map((row) => {
    if (row.status !== 'active' || !row.eventId || row.end <= now || row.start >= window.end) return row;
    if (!((lastSync.get(row.connectionId) ?? -Infinity) > row.writtenAt)) return row;
    const event = byId.get(row.eventId);
    if (!event || event.status === 'cancelled') {
      detected.push({ row, status: 'member_deleted', start: row.start, end: row.end });
      return { ...row, status: 'member_deleted' as const };
    }
    if (event.start !== row.start || event.end !== row.end) {
      detected.push({ row, status: 'member_moved', start: event.start, end: event.end });
      return { ...row, status: 'member_moved' as const, start: event.start, end: event.end };
    }
    return row;
  });

  const ownIds = new Set(rows.flatMap((r) => (r.eventId ? [r.eventId] : [])));
  const live = current.filter((r) => LIVE.has(r.status) && r.end > now && (!target || r.connectionId === target.connection.id));
  const plan = planFocus({
    timeZone: member.timeZone,
    workingHours: member.workingHours,
    policy,
    range,
    busy: focusBusy(events, member.email, ownIds),
    away: awayIntervals(events, member.email),
    existing: live.map((r) => ({ id: String(r.id), start: r.start, end: r.end, pinned: r.status === 'member_moved' || r.start < now })),
    blockedDates: current.filter((r) => r.status === 'member_deleted').map((r) => r.date),
    notBefore: now,
  });
  return { member, enabled, policy, range, target, plan, actions: diffPlan(plan, live), detected, rows: current };
}

/**
 * The plan as actions on our stored blocks: kept blocks stay, shrunk ones move, dropped ones
 * are moved to a new block of the same day where there is one (one write instead of two) and
 * deleted otherwise; remaining new blocks are created. A kept block whose creation was never
 * confirmed is created again (idempotently).
 */
function diffPlan(plan: FocusPlan, live: FocusBlockRow[]): FocusAction[] {
  const rowsById = new Map(live.map((r) => [String(r.id), r]));
  const actions: FocusAction[] = [];
  const fresh: PlannedBlock[] = [];
  for (const b of plan.blocks) {
    const row = b.existingId ? rowsById.get(b.existingId) : undefined;
    if (b.source === 'new' || !row) fresh.push(b);
    else if (b.source === 'pinned') actions.push({ kind: 'keep', date: b.date, start: b.start, end: b.end, blockId: row.id, pinned: true });
    else if (row.status === 'pending') actions.push({ kind: 'create', date: b.date, start: b.start, end: b.end, blockId: row.id });
    else if (b.source === 'kept') actions.push({ kind: 'keep', date: b.date, start: b.start, end: b.end, blockId: row.id });
    else actions.push({ kind: 'move', date: b.date, start: b.start, end: b.end, from: { start: row.start, end: row.end }, blockId: row.id });
  }
  for (const id of plan.dropped) {
    const row = rowsById.get(id);
    if (!row) continue;
    const i = fresh.findIndex((b) => b.date === row.date);
    if (i >= 0 && row.status !== 'pending') {
      const b = fresh.splice(i, 1)[0]!;
      actions.push({ kind: 'move', date: b.date, start: b.start, end: b.end, from: { start: row.start, end: row.end }, blockId: row.id });
    } else {
      actions.push({ kind: 'delete', date: row.date, start: row.start, end: row.end, blockId: row.id });
    }
  }
  for (const b of fresh) actions.push({ kind: 'create', date: b.date, start: b.start, end: b.end, blockId: null });
  const order: Record<FocusActionKind, number> = { delete: 0, move: 1, create: 2, keep: 3 };
  return actions.sort((a, b) => order[a.kind] - order[b.kind] || a.start - b.start);
}
