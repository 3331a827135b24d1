import { isUnmeetError } from '../domain/errors';
import { connectionErrors } from '../domain/error-codes/connection';
import { icsErrors } from '../domain/error-codes/ics';
import { memberErrors } from '../domain/error-codes/member';
import { newId } from '../db/ids';
import type { ConnectionRow } from '../db/connections.repository';
import { fetchIcs } from '../providers/ics/ics.fetch';
import { parseIcs, type IcsWarning, type ParsedIcs } from '../providers/ics/ics.mapper';
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

/** What an ICS import left out or kept despite a problem (see `IcsWarning` in ics.mapper.ts). */
export interface IcsImportWarnings {
  warnings: IcsWarning[];
  /** Per warning code, including those past the listed ones. */
  warningCounts: ParsedIcs['warningCounts'];
}

const NOTE_LINES = 5;

/**
 * The connection's `syncNote` after an import: `ics.warnings: ` and one summary per warning code
 * with its count and first lines, e.g. `instance_cap 3726 (lines 1643, 1649, …)`; null when there
 * was nothing to report. A note rather than a column so that it needs no migration.
 */
export function icsWarningNote(parsed: IcsImportWarnings): string | null {
  const parts = Object.entries(parsed.warningCounts).map(([code, count]) => {
    const lines = parsed.warnings.filter((w) => w.code === code).map((w) => w.line);
    const shown = lines.slice(0, NOTE_LINES).join(', ');
    return `${code} ${count} (line${lines.length === 1 ? '' : 's'} ${shown}${count > NOTE_LINES ? ', …' : ''})`;
  });
  return parts.length === 0 ? null : `ics.warnings: ${parts.join('; ')}`;
}

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
): Promise<ConnectionRow & IcsImportWarnings> {
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
    const note = icsWarningNote(parsed);
    await deps.repos.connections.setStatus(workspaceId, id, 'ok', {
      lastSyncAt: now,
      lastError: null,
      syncedThroughAt: now,
      ...(note ? { syncNote: note, syncNoteAt: now } : {}),
    });
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
  return { ...(await deps.repos.connections.get(workspaceId, id))!, warnings: parsed.warnings, warningCounts: parsed.warningCounts };
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
): Promise<{ connection: ConnectionRow; events: number } & IcsImportWarnings> {
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
    // The note always describes the latest import: a clean feed clears it.
    const note = icsWarningNote(parsed);
    const facts = { lastSyncAt: now, lastError: null, lastErrorAt: null, syncedThroughAt: now, syncNote: note, syncNoteAt: note ? now : null };
    await deps.repos.connections.setStatus(workspaceId, connectionId, 'ok', facts);
    return {
      connection: { ...connection, status: 'ok', ...facts },
      events: parsed.events.length,
      warnings: parsed.warnings,
      warningCounts: parsed.warningCounts,
    };
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
