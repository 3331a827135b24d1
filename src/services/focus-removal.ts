import type { ConnectionRow } from '../db/connections.repository';
import type { MemberRow } from '../db/members.repository';
import type { FocusBlockStatus } from '../db/focus.schema';
import { isProviderError, type CalendarProvider } from '../providers/calendar-provider';
import type { Deps } from './deps';
import { providerFor } from './providers';

/** Blocks that may still have an event in the calendar. */
export const LIVE: ReadonlySet<FocusBlockStatus> = new Set(['pending', 'active', 'member_moved']);

/** A provider client able to write our events for the connection, or null. */
export async function writerFor(deps: Deps, connection: ConnectionRow): Promise<CalendarProvider | null> {
  const provider = await providerFor(deps, connection);
  return provider.upsertOwnedEvent && provider.updateOwnedEvent && provider.deleteOwnedEvent ? provider : null;
}

/**
 * What disabling focus did to the member's future blocks: only blocks whose events were deleted
 * count as removed; the others are told apart, since people read "removed" as "gone from my
 * calendar because of this".
 */
export interface BlockRemoval {
  /** Events deleted from the calendar now. */
  removed: number;
  /** Deletions that failed (the vendor refused or did not answer); the blocks stay, a later disable retries. */
  failed: number;
  /** Planned blocks whose event was never created: nothing to delete, only our record is dropped. */
  neverCreated: number;
  /** Events already gone from the calendar (the member deleted them): only our record is dropped. */
  alreadyGone: number;
  /** Events we cannot delete: the connection gives no write access. They stay in the calendar. */
  noWriteAccess: number;
}

/** One sentence on the blocks that were not removed, or null when every block was. */
export function removalNote(r: BlockRemoval): string | null {
  const parts = [
    r.neverCreated > 0 ? `${r.neverCreated} planned ${r.neverCreated === 1 ? 'block was' : 'blocks were'} never created, so there was nothing to delete` : '',
    r.alreadyGone > 0 ? `${r.alreadyGone} ${r.alreadyGone === 1 ? 'block was' : 'blocks were'} already deleted from the calendar` : '',
    r.failed > 0 ? `${r.failed} could not be deleted now (turning focus off again retries)` : '',
    r.noWriteAccess > 0 ? `${r.noWriteAccess} stay in the calendar: the connection has no write access, so delete them there or reconnect` : '',
  ].filter(Boolean);
  return parts.length === 0 ? null : `${parts.join('; ')}.`.replace(/^./, (c) => c.toUpperCase());
}

/** Removes the member's future blocks we own (on disable): events starting after now, and their rows. */
export async function removeFutureBlocks(deps: Deps, workspaceId: string, member: MemberRow): Promise<BlockRemoval> {
  const now = deps.clock();
  const rows = (await deps.repos.focus.blocks(workspaceId, member.id, now)).filter((r) => r.start > now && LIVE.has(r.status));
  const result: BlockRemoval = { removed: 0, failed: 0, neverCreated: 0, alreadyGone: 0, noWriteAccess: 0 };
  const providers = new Map<string, CalendarProvider | null>();
  for (const row of rows) {
    const connection = await deps.repos.connections.get(workspaceId, row.connectionId);
    if (!connection) continue;
    if (!providers.has(connection.id)) providers.set(connection.id, await writerFor(deps, connection));
    const provider = providers.get(connection.id);
    const id = row.eventId ?? row.clientId;
    const log = (outcome: string) =>
      deps.repos.focus.recordWrite(workspaceId, { connectionId: connection.id, action: 'focus.delete', target: `${row.calendarExternalId}/${id}`, outcome, at: deps.clock() });
    if (!provider) {
      result.noWriteAccess++;
      continue;
    }
    try {
      const outcome = row.eventId ? await provider.deleteOwnedEvent!(row.calendarExternalId, row.eventId) : 'gone';
      await deps.repos.focus.updateBlock(workspaceId, row.id, { status: 'removed' }, deps.clock());
      // Not there: a block still pending was never created (its create failed); any other was deleted by the member.
      const what = outcome === 'deleted' ? 'removed' : row.status === 'pending' ? 'neverCreated' : 'alreadyGone';
      await log(what === 'neverCreated' ? 'never_created' : outcome);
      result[what]++;
    } catch (error) {
      await log(`error:${isProviderError(error) ? error.kind : 'error'}`);
      result.failed++;
    }
  }
  return result;
}
