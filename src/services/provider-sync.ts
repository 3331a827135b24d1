import { UnmeetError } from '../domain/errors';
import type { ConnectionRow } from '../db/connections.repository';
import { isProviderError, type CalendarProvider, type EventChange } from '../providers/calendar-provider';
import type { Deps } from './deps';
import { providerFor } from './providers';
import { syncWindow } from './sync';

export const calendarSyncJobKey = (calendarId: string) => `calendar.sync:${calendarId}`;
export const watchJobKey = (calendarId: string) => `calendar.watch:${calendarId}`;

const MAX_PAGES = 10_000;

/** Schedules the periodic sync of a provider calendar, due now (the first full sync). */
export async function scheduleCalendarSync(deps: Deps, workspaceId: string, connectionId: string, calendarId: string, now: number) {
  await deps.repos.jobs.schedule({
    key: calendarSyncJobKey(calendarId),
    kind: 'calendar.sync',
    workspaceId,
    payload: { connectionId, calendarId },
    runAt: now,
    everyMs: (deps.syncPollMinutes ?? 15) * 60_000,
  });
}

/** A revoked grant: the connection waits for its owner to reconnect, and its jobs stop. */
export async function markNeedsReauth(deps: Deps, connection: ConnectionRow): Promise<void> {
  await deps.repos.connections.setStatus(connection.workspaceId, connection.id, 'needs_reauth', { lastError: 'auth.invalid_grant' });
  for (const calendar of await deps.repos.connections.calendars(connection.workspaceId, connection.id)) {
    await deps.repos.jobs.removeByKey(calendarSyncJobKey(calendar.id));
    await deps.repos.jobs.removeByKey(watchJobKey(calendar.id));
  }
}

/** Changes worth storing: removals always, instances only inside the kept window. */
const inWindow = (changes: EventChange[], window: { start: number; end: number }) =>
  changes.filter((c) => c.kind === 'remove' || (c.event.start < window.end && c.event.end > window.start));

/**
 * Brings one provider calendar up to date. Without a sync token this is a full sync over the
 * window, starting from an empty calendar; with one, the changes since. Every page is applied
 * together with the cursor that follows it, so a crash resumes at the next page instead of
 * restarting. A `gone` answer (Google 410 fullSyncRequired, Graph syncStateNotFound) wipes the
 * calendar and syncs it fully again; a stale page token falls back to the page's start.
 */
export async function syncProviderCalendar(
  deps: Deps,
  workspaceId: string,
  connectionId: string,
  calendarId: string,
  provider?: CalendarProvider,
): Promise<{ pages: number; changes: number }> {
  const connection = await deps.repos.connections.get(workspaceId, connectionId);
  if (!connection) throw new UnmeetError('connection.not_found', `No connection ${connectionId} in this workspace.`);
  const calendar = (await deps.repos.connections.calendars(workspaceId, connectionId)).find((c) => c.id === calendarId);
  if (!calendar) throw new UnmeetError('calendar.not_found', `No calendar ${calendarId} under connection ${connectionId}.`);
  const client = provider ?? (await providerFor(deps, connection));
  const now = deps.clock();
  const window = syncWindow(now);

  const state = await deps.repos.events.syncState(workspaceId, calendarId);
  let syncToken = state?.syncToken ?? null;
  let pageToken = state?.pageToken ?? null;
  let restarts = 0;
  let pages = 0;
  let changes = 0;
  try {
    if (!syncToken && !pageToken) await deps.repos.events.resetCalendar(workspaceId, calendarId, now);
    while (pages < MAX_PAGES) {
      let page;
      try {
        page = await client.listChanges(calendar.externalId, { syncToken, pageToken, window });
      } catch (error) {
        if (!isProviderError(error) || restarts >= 2) throw error;
        if (error.kind === 'gone') {
          restarts++;
          syncToken = null;
          pageToken = null;
          await deps.repos.events.resetCalendar(workspaceId, calendarId, now);
          continue;
        }
        if (error.kind === 'invalid' && pageToken) {
          restarts++;
          pageToken = null;
          if (!syncToken) await deps.repos.events.resetCalendar(workspaceId, calendarId, now);
          continue;
        }
        throw error;
      }
      pages++;
      const kept = inWindow(page.changes, window);
      changes += kept.length;
      const last = !page.nextPageToken;
      pageToken = last ? null : page.nextPageToken!;
      if (last) syncToken = page.nextSyncToken ?? syncToken;
      await deps.repos.events.applyChanges(workspaceId, calendarId, kept, { syncToken, pageToken, window }, now);
      if (last) break;
    }
    await deps.repos.connections.setStatus(workspaceId, connectionId, 'ok', { lastSyncAt: now, lastError: null });
    return { pages, changes };
  } catch (error) {
    if (isProviderError(error) && error.kind === 'auth') {
      await markNeedsReauth(deps, connection);
      throw new UnmeetError('connection.needs_reauth', `The ${connection.provider} grant was revoked or expired; reconnect the calendar.`);
    }
    const code = isProviderError(error) ? `provider.${error.kind}` : error instanceof UnmeetError ? error.code : 'sync.failed';
    await deps.repos.connections.setStatus(workspaceId, connectionId, 'error', { lastError: code });
    throw error;
  }
}
