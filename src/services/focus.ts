/**
 * Focus-block protection: plan, insert and defend focus time in a member's calendar.
 *
 * The story of one run (`planMemberFocus`, then `applyMemberFocus`):
 *  1. load the member, the effective policy (workspace defaults + overrides), their synced
 *     events over the planning horizon (today + `planAheadDays` in their zone), and the blocks we
 *     placed before;
 *  2. notice what the member did by hand since our last write (a sync that started after it saw
 *     the event moved → pinned where they put it; gone → deleted, and not re-created that day);
 *  3. let the pure planner choose the blocks (keeping ours where they still fit: stability);
 *  4. turn the difference into create / move / delete actions — a dry run stops here;
 *  5. carry them out through the provider port, only on events we created, idempotently (the
 *     provider's client id is derived from the block's deterministic key), recording every
 *     write in `provider_writes`.
 * Google focus time is tried once per connection; when Google refuses it (consumer accounts)
 * the block is written as a normal busy event and the connection remembers that.
 */
import { DateTime } from 'luxon';
import { ownedEventId } from '../providers/owned-event-id';
import { UnmeetError } from '../domain/errors';
import { memberErrors } from '../domain/error-codes/member';
import { focusBusy, planFocus, resolveFocusPolicy, type FocusPlan, type FocusPolicy, type PlannedBlock } from '../domain/focus-planner';
import type { CalendarEvent } from '../domain/types';
import type { ConnectionRow } from '../db/connections.repository';
import type { FocusBlockRow } from '../db/focus.repository';
import type { MemberRow } from '../db/members.repository';
import type { FocusBlockStatus } from '../db/focus.schema';
import { isProviderError, type OwnedEventDraft } from '../providers/calendar-provider';
import type { Deps } from './deps';
import { memoized } from './memo';
import { LIVE, removalNote, removeFutureBlocks, writerFor } from './focus-removal';

const DAY = 86_400_000;
export const FOCUS_TITLE = 'Focus time';
export const FOCUS_DESCRIPTION =
  'Held by unmeet for focused work. Move it or delete it if you need this time: unmeet respects your change and will not move it back.';
export const FOCUS_DECLINE_MESSAGE = 'I am in focus time. Could we find another slot, or could this be a written update?';

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

/**
 * The provider client id of a block: `unmeetf` + 26 base32hex characters of SHA-256 over the
 * workspace and the block key. Valid as a Google event id (base32hex, 5–1024 characters) and
 * as a Graph transactionId; the same key always gives the same id, so a retried or concurrent
 * insert is answered "duplicate" instead of creating a second event.
 */
export async function focusClientId(workspaceId: string, key: string): Promise<string> {
  return ownedEventId('unmeetf', `${workspaceId}|${key}`);
}

export interface ApplyResult {
  memberId: string;
  email: string;
  status: 'applied' | 'disabled' | 'no_calendar' | 'unsupported';
  created: number;
  moved: number;
  deleted: number;
  kept: number;
  failed: number;
  /** Changes the member made by hand that this run recorded. */
  respected: number;
  errors: string[];
}

const emptyResult = (member: MemberRow, status: ApplyResult['status']): ApplyResult => ({
  memberId: member.id,
  email: member.email,
  status,
  created: 0,
  moved: 0,
  deleted: 0,
  kept: 0,
  failed: 0,
  respected: 0,
  errors: [],
});


/**
 * Plans and applies one member's focus blocks (see the module comment). Safe to run again at
 * any time, and concurrently: every write is idempotent. Provider failures on one block are
 * recorded and the run goes on with the others; the caller sees them in `failed`/`errors`.
 */
export async function applyMemberFocus(deps: Deps, workspaceId: string, member: MemberRow): Promise<ApplyResult> {
  const prepared = await planMemberFocus(deps, workspaceId, member);
  if (!prepared.enabled) return emptyResult(member, 'disabled');
  const now = deps.clock();
  const result = emptyResult(member, 'applied');
  for (const d of prepared.detected) {
    await deps.repos.focus.updateBlock(workspaceId, d.row.id, { status: d.status, start: d.start, end: d.end }, now);
    result.respected++;
  }
  const { target } = prepared;
  if (!target) return { ...result, status: 'no_calendar' };
  const provider = await writerFor(deps, target.connection);
  if (!provider) return { ...result, status: 'unsupported' };
  const connectionId = target.connection.id;
  const calendarId = target.calendarExternalId;
  const rowsById = new Map(prepared.rows.map((r) => [r.id, r]));
  const log = (action: string, id: string, outcome: string) =>
    deps.repos.focus.recordWrite(workspaceId, { connectionId, action, target: `${calendarId}/${id}`, outcome, at: deps.clock() });
  const setStatus = (row: FocusBlockRow, status: FocusBlockStatus) => deps.repos.focus.updateBlock(workspaceId, row.id, { status }, deps.clock());
  const supported = target.connection.provider === 'google' ? await deps.repos.focus.focusTimeSupported(workspaceId, connectionId) : false;
  let asFocusTime = target.connection.provider === 'google' && supported !== false;

  const fail = async (action: string, id: string, error: unknown, row?: FocusBlockRow) => {
    if (isProviderError(error) && row && error.kind === 'gone') {
      // The member deleted it between our sync and this write: respected like any deletion.
      await setStatus(row, 'member_deleted');
      await log(action, id, 'gone');
      result.respected++;
      return;
    }
    if (isProviderError(error) && row && error.reason === 'not_owned') {
      await setStatus(row, 'removed');
      await log(action, id, 'refused:not_owned');
      result.failed++;
      result.errors.push(`${action} ${id}: not ours`);
      return;
    }
    const kind = isProviderError(error) ? error.kind : error instanceof UnmeetError ? error.code : 'error';
    await log(action, id, `error:${kind}`);
    result.failed++;
    result.errors.push(`${action} ${id}: ${kind}`);
    if (isProviderError(error) && error.kind === 'auth') throw error;
  };

  const slotsUsed = new Map<string, number>();
  for (const r of prepared.rows) slotsUsed.set(r.date, (slotsUsed.get(r.date) ?? 0) + 1);

  for (const action of prepared.actions) {
    const row = action.blockId !== null ? rowsById.get(action.blockId) : undefined;
    if (action.kind === 'keep') {
      result.kept++;
      continue;
    }
    if (action.kind === 'delete' && row) {
      const id = row.eventId ?? row.clientId;
      try {
        const outcome = row.eventId ? await provider.deleteOwnedEvent!(calendarId, row.eventId) : 'gone';
        await setStatus(row, 'removed');
        await log('focus.delete', id, outcome);
        result.deleted++;
      } catch (error) {
        await fail('focus.delete', id, error);
      }
      continue;
    }
    if (action.kind === 'move' && row?.eventId) {
      try {
        const outcome = await provider.updateOwnedEvent!(calendarId, row.eventId, { start: action.start, end: action.end, timeZone: member.timeZone });
        if (outcome === 'gone') {
          await setStatus(row, 'member_deleted');
          result.respected++;
        } else {
          await deps.repos.focus.updateBlock(workspaceId, row.id, { start: action.start, end: action.end, date: action.date, writtenAt: deps.clock() }, deps.clock());
          result.moved++;
        }
        await log('focus.move', row.eventId, outcome);
      } catch (error) {
        await fail('focus.move', row.eventId, error, row);
      }
      continue;
    }
    // Create: a new block gets the next free slot of its day; a pending one is retried as it was.
    let claimed = row;
    for (let attempt = 0; !claimed && attempt < 8; attempt++) {
      const slot = slotsUsed.get(action.date) ?? 0;
      slotsUsed.set(action.date, slot + 1);
      const key = `${member.id}|${connectionId}|${action.date}|${slot}`;
      const clientId = await focusClientId(workspaceId, key);
      const stamp = deps.clock();
      const candidate = await deps.repos.focus.claimBlock(workspaceId, {
        memberId: member.id,
        connectionId,
        calendarExternalId: calendarId,
        key,
        clientId,
        eventId: target.connection.provider === 'google' ? clientId : null,
        date: action.date,
        start: action.start,
        end: action.end,
        status: 'pending',
        writtenAt: stamp,
        updatedAt: stamp,
      });
      // A row with this key from a concurrent run planning the same block is that block; any other is an older slot.
      if (candidate.start === action.start && candidate.end === action.end && (candidate.status === 'pending' || candidate.status === 'active')) claimed = candidate;
    }
    if (!claimed) {
      result.failed++;
      result.errors.push(`focus.create ${action.date}: no free slot`);
      continue;
    }
    const draft: OwnedEventDraft = {
      clientId: claimed.clientId,
      title: FOCUS_TITLE,
      description: FOCUS_DESCRIPTION,
      start: action.start,
      end: action.end,
      timeZone: member.timeZone,
      focus: { asFocusTime, autoDeclineMode: prepared.policy.autoDeclineMode, declineMessage: FOCUS_DECLINE_MESSAGE },
    };
    try {
      const written = await provider.upsertOwnedEvent!(calendarId, draft);
      await deps.repos.focus.updateBlock(
        workspaceId,
        claimed.id,
        { status: 'active', eventId: written.externalId, start: action.start, end: action.end, writtenAt: deps.clock() },
        deps.clock(),
      );
      if (asFocusTime && !written.focusTime) {
        // Google refused (or silently downgraded) focus time: remember it for this connection.
        await deps.repos.focus.setFocusTimeSupported(workspaceId, connectionId, false, deps.clock());
        asFocusTime = false;
      } else if (asFocusTime && supported === null) {
        await deps.repos.focus.setFocusTimeSupported(workspaceId, connectionId, true, deps.clock());
      }
      await log('focus.create', written.externalId, `${written.outcome}${written.focusTime ? ':focusTime' : ':busy'}`);
      result.created++;
    } catch (error) {
      await fail('focus.create', claimed.eventId ?? claimed.clientId, error, claimed);
    }
  }
  return result;
}

/** Turns focus protection on or off for a member (and changes overrides); off removes our future blocks. */
export async function setMemberFocus(
  deps: Deps,
  workspaceId: string,
  memberId: string,
  patch: { enabled?: boolean | undefined; policy?: Partial<FocusPolicy> | null | undefined },
) {
  const member = await deps.repos.members.get(workspaceId, memberId);
  if (!member) throw memberErrors.not_found(`No member ${memberId} in this workspace.`);
  const before = await deps.repos.focus.member(workspaceId, memberId);
  const row = await deps.repos.focus.setMember(
    workspaceId,
    memberId,
    {
      ...(patch.enabled !== undefined ? { enabled: patch.enabled } : {}),
      ...(patch.policy !== undefined ? { policy: patch.policy ?? {} } : {}),
    },
    deps.clock(),
  );
  const disabling = patch.enabled === false && (before?.enabled ?? false) !== false;
  const removal = disabling ? await removeFutureBlocks(deps, workspaceId, member) : null;
  const { policy, overrides } = await memberFocusPolicy(deps, workspaceId, memberId);
  return {
    memberId,
    enabled: row.enabled,
    overrides,
    policy,
    removedBlocks: removal?.removed ?? 0,
    failedRemovals: removal?.failed ?? 0,
    ...(removal
      ? {
          notRemoved: { neverCreated: removal.neverCreated, alreadyGone: removal.alreadyGone, failed: removal.failed, noWriteAccess: removal.noWriteAccess },
          removalNote: removalNote(removal),
        }
      : {}),
  };
}

/** Members of the workspace, all of them or the one asked for (by id or email); another workspace's id is not found. */
async function chosenMembers(deps: Deps, workspaceId: string, memberRef?: string): Promise<MemberRow[]> {
  const rows = await deps.repos.members.list(workspaceId);
  if (!memberRef) return rows;
  const wanted = memberRef.toLowerCase();
  const chosen = rows.find((m) => m.id === memberRef || m.email === wanted);
  if (!chosen) throw memberErrors.not_found(`No member ${memberRef} in this workspace.`);
  return [chosen];
}

const iso = (ms: number, zone: string) => DateTime.fromMillis(ms, { zone }).toISO({ suppressMilliseconds: true })!;

/** The dry run as the API shows it: per member, the figures, the blocks and the actions, in the member's zone. */
export async function previewFocus(deps: Deps, workspaceId: string, memberRef?: string) {
  return memoized(deps, workspaceId, 'focus-plan', [memberRef ?? null, focusPlanSlot(deps)], () => planPreview(deps, workspaceId, memberRef));
}

/** Plans start "now": a cached plan is reused within the same quarter hour (and data version). */
export const focusPlanSlot = (deps: Pick<Deps, 'clock'>) => Math.floor(deps.clock() / (15 * 60_000));

async function planPreview(deps: Deps, workspaceId: string, memberRef?: string) {
  const out = [];
  for (const member of await chosenMembers(deps, workspaceId, memberRef)) {
    const p = await planMemberFocus(deps, workspaceId, member);
    const z = member.timeZone;
    out.push({
      memberId: member.id,
      email: member.email,
      enabled: p.enabled,
      range: p.range,
      calendar: p.target ? { connectionId: p.target.connection.id, provider: p.target.connection.provider } : null,
      targetHours: p.plan.targetHours,
      achievableHours: p.plan.achievableHours,
      plannedHours: p.plan.plannedHours,
      missedCode: p.plan.missedCode,
      missedReason: p.plan.missedReason,
      blocks: p.plan.blocks.map((b) => ({ start: iso(b.start, z), end: iso(b.end, z), date: b.date, source: b.source })),
      actions: p.actions.map((a) => ({
        kind: a.kind,
        date: a.date,
        start: iso(a.start, z),
        end: iso(a.end, z),
        ...(a.from ? { from: { start: iso(a.from.start, z), end: iso(a.from.end, z) } } : {}),
        ...(a.pinned ? { pinned: true } : {}),
      })),
      respected: p.detected.map((d) => ({ change: d.status, date: d.row.date, start: iso(d.start, z), end: iso(d.end, z) })),
    });
  }
  return { members: out };
}

/** Applies focus blocks for the workspace's enabled members (or one member, who must be enabled). */
export async function applyFocus(deps: Deps, workspaceId: string, memberRef?: string): Promise<{ members: ApplyResult[] }> {
  const results: ApplyResult[] = [];
  for (const member of await chosenMembers(deps, workspaceId, memberRef)) {
    const result = await applyMemberFocus(deps, workspaceId, member);
    if (result.status === 'disabled' && !memberRef) continue;
    results.push(result);
  }
  return { members: results };
}

/**
 * After a provider calendar synced: re-plan and defend the owner's focus blocks if they have
 * focus protection on. A failure here is logged and left to the next sync, which retries it;
 * the sync itself has succeeded.
 */
export async function reconcileFocusAfterSync(deps: Deps, workspaceId: string, connectionId: string): Promise<ApplyResult | null> {
  const connection = await deps.repos.connections.get(workspaceId, connectionId);
  if (!connection) return null;
  const settings = await deps.repos.focus.member(workspaceId, connection.memberId);
  if (!settings?.enabled) return null;
  const member = await deps.repos.members.get(workspaceId, connection.memberId);
  if (!member) return null;
  try {
    return await applyMemberFocus(deps, workspaceId, member);
  } catch (error) {
    deps.logger.warn('focus reconcile failed', { workspaceId, memberId: member.id, error: isProviderError(error) ? `provider.${error.kind}` : String(error) });
    return null;
  }
}
