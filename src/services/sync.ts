import { isUnmeetError } from '../domain/errors';
import { connectionErrors } from '../domain/error-codes/connection';
import { icsErrors } from '../domain/error-codes/ics';
import { memberErrors } from '../domain/error-codes/member';
import { newId } from '../db/ids';
import type { ConnectionRow } from '../db/connections.repository';
import { fetchIcs } from '../providers/ics/ics.fetch';
import { parseIcs } from '../providers/ics/ics.mapper';
import type { Deps } from './deps';

const DAY = 86_400_000;
/** How much of a calendar is kept: half a year back for audits, half a year ahead for planning. */
export const SYNC_WINDOW_DAYS = { past: 182, future: 182 };

export const syncWindow = (now: number) => ({
  start: Math.floor(now / DAY - SYNC_WINDOW_DAYS.past) * DAY,
  end: Math.ceil(now / DAY + SYNC_WINDOW_DAYS.future) * DAY,
});

export type IcsSource = { url: string } | { body: string; name?: string | undefined };

export const icsRefreshJobKey = (connectionId: string) => `ics.refresh:${connectionId}`;

async function readSource(deps: Deps, source: IcsSource): Promise<string> {
  return 'url' in source ? fetchIcs(source.url, deps.ics) : source.body;
}

/**
 * Connects an ICS calendar (an uploaded file or a subscription URL) to a member and imports it.
 * The feed is fetched and parsed before anything is stored, so bad input leaves no trace; a
 * subscription URL is kept encrypted (it is a secret: anyone holding it reads the calendar) and
 * refreshed by a background job.
 */
export async function connectIcs(
  deps: Deps,
  workspaceId: string,
  memberId: string,
  source: IcsSource,
): Promise<ConnectionRow> {
  const member = await deps.repos.members.get(workspaceId, memberId);
  if (!member) throw memberErrors.not_found(`No member ${memberId} in this workspace.`);
  const now = deps.clock();
  const window = syncWindow(now);
  const parsed = parseIcs(await readSource(deps, source), window, { defaultTimeZone: member.timeZone });

  const id = newId('con');
  const label = 'url' in source ? new URL(source.url.replace(/^webcal:/i, 'https:')).host : (source.name ?? 'Uploaded calendar');
  const credentials = 'url' in source ? await deps.vault.seal(JSON.stringify({ url: source.url }), id) : null;
  try {
    await deps.repos.connections.create(workspaceId, { id, memberId, provider: 'ics', label, credentials });
  } catch (error) {
    // The member was deleted while the feed was fetched: the delete wins.
    if (!(await deps.repos.members.get(workspaceId, memberId))) throw memberErrors.not_found(`No member ${memberId} in this workspace.`);
    throw error;
  }
  try {
    const calendar = await deps.repos.connections.ensureCalendar(workspaceId, id, {
      externalId: 'ics',
      name: parsed.name ?? label,
      timeZone: parsed.timeZone,
      isPrimary: true,
    });
    await deps.repos.events.replaceCalendar(workspaceId, calendar.id, parsed.events, window, now, { fresh: true });
    await deps.repos.connections.setStatus(workspaceId, id, 'ok', { lastSyncAt: now, lastError: null, syncedThroughAt: now });
  } catch (error) {
    await deps.repos.connections.remove(workspaceId, id);
    if (!(await deps.repos.members.get(workspaceId, memberId))) throw memberErrors.not_found(`No member ${memberId} in this workspace.`);
    throw error;
  }
  if ('url' in source) {
    await deps.repos.jobs.schedule({
      key: icsRefreshJobKey(id),
      kind: 'ics.refresh',
      workspaceId,
      payload: { connectionId: id },
      runAt: now + deps.ics.refreshMinutes * 60_000,
      everyMs: deps.ics.refreshMinutes * 60_000,
    });
  }
  return (await deps.repos.connections.get(workspaceId, id))!;
}

/**
 * Re-imports an ICS connection: from its subscription URL, or from a newly uploaded body. The
 * replacement is all-or-nothing; on failure the previous events stay and the connection records
 * the error code so people can see why it is stale.
 */
export async function syncIcsConnection(
  deps: Deps,
  workspaceId: string,
  connectionId: string,
  upload?: { body: string },
): Promise<{ connection: ConnectionRow; events: number }> {
  const connection = await deps.repos.connections.get(workspaceId, connectionId);
  if (!connection) throw connectionErrors.not_found(`No connection ${connectionId} in this workspace.`);
  if (connection.provider !== 'ics') {
    throw connectionErrors.unsupported(`Connection ${connectionId} is not an ICS connection.`);
  }
  // A request of the wrong shape is refused before anything runs: it says nothing about the feed,
  // so it must not mark the connection as failing.
  if (upload && connection.credentials) {
    throw icsErrors.upload_to_subscription('This connection follows a URL; it cannot take an upload.');
  }
  if (!upload && !connection.credentials) {
    throw icsErrors.body_required('This connection was uploaded; send the new ICS file to sync it.');
  }
  const now = deps.clock();
  const window = syncWindow(now);
  try {
    const source: IcsSource = upload ?? (JSON.parse(await deps.vault.open(connection.credentials!, connection.id)) as { url: string });
    const member = await deps.repos.members.get(workspaceId, connection.memberId);
    const parsed = parseIcs(await readSource(deps, source), window, { defaultTimeZone: member?.timeZone });
    const [calendar] = await deps.repos.connections.calendars(workspaceId, connectionId);
    if (!calendar) throw new Error(`connection ${connectionId} has no calendar`);
    await deps.repos.events.replaceCalendar(workspaceId, calendar.id, parsed.events, window, now);
    const facts = { lastSyncAt: now, lastError: null, lastErrorAt: null, syncedThroughAt: now };
    await deps.repos.connections.setStatus(workspaceId, connectionId, 'ok', facts);
    return { connection: { ...connection, status: 'ok', ...facts }, events: parsed.events.length };
  } catch (error) {
    // Deleted while the feed was fetched: the delete wins, and nothing of this run is kept.
    if (!(await deps.repos.connections.get(workspaceId, connectionId))) {
      throw connectionErrors.not_found(`Connection ${connectionId} was deleted while it synced.`);
    }
    const code = isUnmeetError(error) ? error.code : 'sync.failed';
    await deps.repos.connections.setStatus(workspaceId, connectionId, 'error', { lastError: code, lastErrorAt: now });
    throw error;
  }
}
