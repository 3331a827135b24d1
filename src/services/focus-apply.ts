/**
 * Carrying out one member's focus plan (step 5 of the story in ./focus.ts): record what the
 * member changed by hand, then write each action through the provider port — delete, move, or
 * claim a slot and create — logging every write in `provider_writes`. One function per step;
 * split from focus.ts to keep that file under the 400-line guideline and each step short.
 */
import { ownedEventId } from '../providers/owned-event-id';
import { UnmeetError } from '../domain/errors';
import type { FocusBlockRow } from '../db/focus.repository';
import type { MemberRow } from '../db/members.repository';
import type { FocusBlockStatus } from '../db/focus.schema';
import { isProviderError, type CalendarProvider, type OwnedEventDraft } from '../providers/calendar-provider';
import type { Deps } from './deps';
import { writerFor } from './focus-removal';
import { planMemberFocus, type FocusAction, type MemberFocusPlan } from './focus-plan';

export const FOCUS_TITLE = 'Focus time';
export const FOCUS_DESCRIPTION =
  'Held by unmeet for focused work. Move it or delete it if you need this time: unmeet respects your change and will not move it back.';
export const FOCUS_DECLINE_MESSAGE = 'I am in focus time. Could we find another slot, or could this be a written update?';

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

/** One run's writes to the member's calendar: where they go, what they count, and what we learned about focus time. */
interface FocusWriter {
  deps: Deps;
  workspaceId: string;
  member: MemberRow;
  plan: MemberFocusPlan;
  provider: CalendarProvider;
  connectionId: string;
  calendarId: string;
  isGoogle: boolean;
  result: ApplyResult;
  /** Focus-time support stored for the connection (null: not known yet; false for non-Google). */
  supported: boolean | null;
  /** Write blocks as Google focus time; turned off for the rest of the run once Google refuses. */
  asFocusTime: boolean;
  /** Slots of each date taken by stored blocks or claimed in this run. */
  slotsUsed: Map<string, number>;
}

/**
 * Plans and applies one member's focus blocks (see the module comment). Safe to run again at
 * any time, and concurrently: every write is idempotent. Provider failures on one block are
 * recorded and the run goes on with the others; the caller sees them in `failed`/`errors`.
 */
export async function applyMemberFocus(deps: Deps, workspaceId: string, member: MemberRow): Promise<ApplyResult> {
  const plan = await planMemberFocus(deps, workspaceId, member);
  if (!plan.enabled) return emptyResult(member, 'disabled');
  const result = emptyResult(member, 'applied');
  await recordMemberChanges(deps, workspaceId, plan, result);
  const { target } = plan;
  if (!target) return { ...result, status: 'no_calendar' };
  const provider = await writerFor(deps, target.connection);
  if (!provider) return { ...result, status: 'unsupported' };
  const connectionId = target.connection.id;
  const isGoogle = target.connection.provider === 'google';
  const supported = isGoogle ? await deps.repos.focus.focusTimeSupported(workspaceId, connectionId) : false;
  const slotsUsed = new Map<string, number>();
  for (const r of plan.rows) slotsUsed.set(r.date, (slotsUsed.get(r.date) ?? 0) + 1);
  const w: FocusWriter = {
    deps,
    workspaceId,
    member,
    plan,
    provider,
    connectionId,
    calendarId: target.calendarExternalId,
    isGoogle,
    result,
    supported,
    asFocusTime: isGoogle && supported !== false,
    slotsUsed,
  };
  const rowsById = new Map(plan.rows.map((r) => [r.id, r]));
  for (const action of plan.actions) {
    const row = action.blockId !== null ? rowsById.get(action.blockId) : undefined;
    if (action.kind === 'keep') result.kept++;
    else if (action.kind === 'delete' && row) await deleteBlock(w, row);
    else if (action.kind === 'move' && row?.eventId) await moveBlock(w, action, row, row.eventId);
    else await createBlock(w, action, row);
  }
  return result;
}

/** Records the changes the member made by hand (found while planning) on our stored blocks. */
async function recordMemberChanges(deps: Deps, workspaceId: string, plan: MemberFocusPlan, result: ApplyResult) {
  const now = deps.clock();
  for (const d of plan.detected) {
    await deps.repos.focus.updateBlock(workspaceId, d.row.id, { status: d.status, start: d.start, end: d.end }, now);
    result.respected++;
  }
}

const logWrite = (w: FocusWriter, action: string, id: string, outcome: string) =>
  w.deps.repos.focus.recordWrite(w.workspaceId, { connectionId: w.connectionId, action, target: `${w.calendarId}/${id}`, outcome, at: w.deps.clock() });

const setStatus = (w: FocusWriter, row: FocusBlockRow, status: FocusBlockStatus) => w.deps.repos.focus.updateBlock(w.workspaceId, row.id, { status }, w.deps.clock());

/** Records a failed write; a block the member deleted meanwhile is respected, an auth failure ends the run. */
async function failWrite(w: FocusWriter, action: string, id: string, error: unknown, row?: FocusBlockRow) {
  if (isProviderError(error) && row && error.kind === 'gone') {
    // The member deleted it between our sync and this write: respected like any deletion.
    await setStatus(w, row, 'member_deleted');
    await logWrite(w, action, id, 'gone');
    w.result.respected++;
    return;
  }
  if (isProviderError(error) && row && error.reason === 'not_owned') {
    await setStatus(w, row, 'removed');
    await logWrite(w, action, id, 'refused:not_owned');
    w.result.failed++;
    w.result.errors.push(`${action} ${id}: not ours`);
    return;
  }
  const kind = isProviderError(error) ? error.kind : error instanceof UnmeetError ? error.code : 'error';
  await logWrite(w, action, id, `error:${kind}`);
  w.result.failed++;
  w.result.errors.push(`${action} ${id}: ${kind}`);
  if (isProviderError(error) && error.kind === 'auth') throw error;
}

async function deleteBlock(w: FocusWriter, row: FocusBlockRow) {
  const id = row.eventId ?? row.clientId;
  try {
    const outcome = row.eventId ? await w.provider.deleteOwnedEvent!(w.calendarId, row.eventId) : 'gone';
    await setStatus(w, row, 'removed');
    await logWrite(w, 'focus.delete', id, outcome);
    w.result.deleted++;
  } catch (error) {
    await failWrite(w, 'focus.delete', id, error);
  }
}

async function moveBlock(w: FocusWriter, action: FocusAction, row: FocusBlockRow, eventId: string) {
  try {
    const outcome = await w.provider.updateOwnedEvent!(w.calendarId, eventId, { start: action.start, end: action.end, timeZone: w.member.timeZone });
    if (outcome === 'gone') {
      await setStatus(w, row, 'member_deleted');
      w.result.respected++;
    } else {
      await w.deps.repos.focus.updateBlock(w.workspaceId, row.id, { start: action.start, end: action.end, date: action.date, writtenAt: w.deps.clock() }, w.deps.clock());
      w.result.moved++;
    }
    await logWrite(w, 'focus.move', eventId, outcome);
  } catch (error) {
    await failWrite(w, 'focus.move', eventId, error, row);
  }
}

/** Claims the next free slot of the action's day for a new block (a few tries), or undefined. */
async function claimSlot(w: FocusWriter, action: FocusAction): Promise<FocusBlockRow | undefined> {
  for (let attempt = 0; attempt < 8; attempt++) {
    const slot = w.slotsUsed.get(action.date) ?? 0;
    w.slotsUsed.set(action.date, slot + 1);
    const key = `${w.member.id}|${w.connectionId}|${action.date}|${slot}`;
    const clientId = await focusClientId(w.workspaceId, key);
    const stamp = w.deps.clock();
    const candidate = await w.deps.repos.focus.claimBlock(w.workspaceId, {
      memberId: w.member.id,
      connectionId: w.connectionId,
      calendarExternalId: w.calendarId,
      key,
      clientId,
      eventId: w.isGoogle ? clientId : null,
      date: action.date,
      start: action.start,
      end: action.end,
      status: 'pending',
      writtenAt: stamp,
      updatedAt: stamp,
    });
    // A row with this key from a concurrent run planning the same block is that block; any other is an older slot.
    if (candidate.start === action.start && candidate.end === action.end && (candidate.status === 'pending' || candidate.status === 'active')) return candidate;
  }
  return undefined;
}

/** Creates a block: a new one in the next free slot of its day; a pending one is retried as it was. */
async function createBlock(w: FocusWriter, action: FocusAction, row: FocusBlockRow | undefined) {
  const claimed = row ?? (await claimSlot(w, action));
  if (!claimed) {
    w.result.failed++;
    w.result.errors.push(`focus.create ${action.date}: no free slot`);
    return;
  }
  const draft: OwnedEventDraft = {
    clientId: claimed.clientId,
    title: FOCUS_TITLE,
    description: FOCUS_DESCRIPTION,
    start: action.start,
    end: action.end,
    timeZone: w.member.timeZone,
    focus: { asFocusTime: w.asFocusTime, autoDeclineMode: w.plan.policy.autoDeclineMode, declineMessage: FOCUS_DECLINE_MESSAGE },
  };
  try {
    const written = await w.provider.upsertOwnedEvent!(w.calendarId, draft);
    await w.deps.repos.focus.updateBlock(
      w.workspaceId,
      claimed.id,
      { status: 'active', eventId: written.externalId, start: action.start, end: action.end, writtenAt: w.deps.clock() },
      w.deps.clock(),
    );
    if (w.asFocusTime && !written.focusTime) {
      // Google refused (or silently downgraded) focus time: remember it for this connection.
      await w.deps.repos.focus.setFocusTimeSupported(w.workspaceId, w.connectionId, false, w.deps.clock());
      w.asFocusTime = false;
    } else if (w.asFocusTime && w.supported === null) {
      await w.deps.repos.focus.setFocusTimeSupported(w.workspaceId, w.connectionId, true, w.deps.clock());
    }
    await logWrite(w, 'focus.create', written.externalId, `${written.outcome}${written.focusTime ? ':focusTime' : ':busy'}`);
    w.result.created++;
  } catch (error) {
    await failWrite(w, 'focus.create', claimed.eventId ?? claimed.clientId, error, claimed);
  }
}
