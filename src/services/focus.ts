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
import { memberErrors } from '../domain/error-codes/member';
import type { FocusPolicy } from '../domain/focus-planner';
import type { MemberRow } from '../db/members.repository';
import { isProviderError } from '../providers/calendar-provider';
import type { Deps } from './deps';
import { memoized } from './memo';
import { removalNote, removeFutureBlocks } from './focus-removal';
import { memberFocusPolicy, planMemberFocus } from './focus-plan';
import { applyMemberFocus, type ApplyResult } from './focus-apply';

// Planning (steps 1–4) lives in ./focus-plan, carrying it out (step 5) in ./focus-apply; callers import them from here.
export { memberFocusPolicy, planMemberFocus, type FocusAction, type FocusActionKind, type MemberFocusPlan } from './focus-plan';
export { applyMemberFocus, focusClientId, FOCUS_DECLINE_MESSAGE, FOCUS_DESCRIPTION, FOCUS_TITLE, type ApplyResult } from './focus-apply';

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
