import { UnmeetError } from '../domain/errors';
import { calendarErrors } from '../domain/error-codes/calendar';
import { connectionErrors } from '../domain/error-codes/connection';
import type { ConnectionRow } from '../db/connections.repository';
import { isProviderError, type CalendarProvider, type EventChange, type ProviderError } from '../providers/calendar-provider';
import type { Deps } from './deps';
import { providerFor } from './providers';
import { syncWindow } from './sync';

export const calendarSyncJobKey = (calendarId: string) => `calendar.sync:${calendarId}`;
export const watchJobKey = (calendarId: string) => `calendar.watch:${calendarId}`;

const MAX_PAGES = 10_000;
/** A window-bound token (Graph) is given up for a fresh full listing once its window is this stale. */
const WINDOW_ROLL_MS = 7 * 86_400_000;
const DAY_MS = 86_400_000;

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

/**
 * A grant that no longer works: the connection waits for its owner to reconnect, and its jobs
 * stop. `lastError` names what the vendor said (`auth.invalid_grant` for a failed refresh,
 * `auth.insufficientPermissions` for a scope taken away, ...), not a guess.
 */
export async function markNeedsReauth(deps: Deps, connection: ConnectionRow, reason = 'invalid_grant'): Promise<void> {
  await deps.repos.connections.setStatus(connection.workspaceId, connection.id, 'needs_reauth', { lastError: `auth.${reason}` });
  for (const calendar of await deps.repos.connections.calendars(connection.workspaceId, connection.id)) {
    await deps.repos.jobs.removeByKey(calendarSyncJobKey(calendar.id));
    await deps.repos.jobs.removeByKey(watchJobKey(calendar.id));
  }
}

/**
 * The member's zone and working hours from the vendor's settings, unless the member overrode
 * them. Settings are a nicety: failing to read them never fails the sync, a revoked grant aside.
 */
async function importCalendarProfile(deps: Deps, connection: ConnectionRow, client: CalendarProvider, now: number): Promise<boolean> {
  try {
    const { timeZone, workingHours } = await client.profile!();
    await deps.repos.members.applyCalendarProfile(
      connection.workspaceId,
      connection.memberId,
      { ...(timeZone ? { timeZone } : {}), ...(workingHours ? { workingHours } : {}) },
      now,
    );
    return true;
  } catch (error) {
    if (isProviderError(error) && error.reason === 'invalid_grant') throw error;
    deps.logger.warn('could not read calendar settings', { connectionId: connection.id, error: String(error) });
    return false;
  }
}

/**
 * Calendar settings are read on a full sync, when nothing says they were read (a new connection,
 * or the member just chose to follow them again), and at most once a UTC day otherwise.
 */
const profileDue = (connection: ConnectionRow, fullSync: boolean, now: number) =>
  fullSync || connection.profileReadAt === null || Math.floor(now / DAY_MS) !== Math.floor(connection.profileReadAt / DAY_MS);

/** What a restart of the listing is shown as in the connection's sync health. */
const restartNote = (error: { kind: string; reason?: string | undefined }) =>
  error.kind === 'invalid' ? 'restart.page_token' : error.reason === 'pagingLoop' ? 'restart.paging_loop' : 'restart.token_expired';

/** Whether the connection or the calendar was deleted (a member or connection removed mid-sync): the delete wins. */
async function deletedMeanwhile(deps: Deps, workspaceId: string, connectionId: string, calendarId: string): Promise<boolean> {
  if (!(await deps.repos.connections.get(workspaceId, connectionId))) return true;
  return !(await deps.repos.connections.calendars(workspaceId, connectionId)).some((c) => c.id === calendarId);
}

/** What one sync did; `stopped` when the connection was deleted while it ran (nothing was kept). */
export interface SyncOutcome {
  pages: number;
  changes: number;
  stopped?: 'deleted' | undefined;
}

/** Changes worth storing: removals always, instances only inside the kept window. */
const inWindow = (changes: EventChange[], window: { start: number; end: number }) =>
  changes.filter((c) => c.kind === 'remove' || (c.event.start < window.end && c.event.end > window.start));

/**
 * Marks the events we wrote as ours where the vendor's listing cannot say so (Graph delta does
 * not return extended properties): by the provider ids remembered in the focus blocks table.
 */
function markOwn(changes: EventChange[], own: ReadonlySet<string>): EventChange[] {
  if (own.size === 0) return changes;
  return changes.map((c) => (c.kind === 'upsert' && !c.event.createdByUnmeet && own.has(c.event.externalId) ? { ...c, event: { ...c.event, createdByUnmeet: true } } : c));
}

/**
 * Brings one provider calendar up to date. Without a sync token this is a full listing over the
 * window: each page is upserted under the listing's generation, and after the last page the
 * rows it did not list are swept (the calendar is never emptied first); with a token, the
 * changes since. Every page is applied together with the cursor that follows it (the listing's
 * generation included), so a crash resumes at the next page instead of restarting. A `gone`
 * answer (Google 410 fullSyncRequired, Graph syncStateNotFound) starts a new full listing; a
 * stale page token falls back to the page's start.
 */
export async function syncProviderCalendar(
  deps: Deps,
  workspaceId: string,
  connectionId: string,
  calendarId: string,
  provider?: CalendarProvider,
): Promise<SyncOutcome> {
  const connection = await deps.repos.connections.get(workspaceId, connectionId);
  if (!connection) throw connectionErrors.not_found(`No connection ${connectionId} in this workspace.`);
  const calendar = (await deps.repos.connections.calendars(workspaceId, connectionId)).find((c) => c.id === calendarId);
  if (!calendar) throw calendarErrors.not_found(`No calendar ${calendarId} under connection ${connectionId}.`);
  const client = provider ?? (await providerFor(deps, connection));
  const now = deps.clock();
  const fresh = syncWindow(now);
  let window = fresh;

  const state = await deps.repos.events.syncState(workspaceId, calendarId);
  let syncToken = state?.syncToken ?? null;
  let pageToken = state?.pageToken ?? null;
  // Tokens bound to their full sync's window (Graph delta) keep that window until it is stale.
  if (client.tokensBoundToWindow && (syncToken || pageToken) && state?.windowStart != null && state.windowEnd != null) {
    if (!pageToken && fresh.start - state.windowStart >= WINDOW_ROLL_MS) syncToken = null;
    else window = { start: state.windowStart, end: state.windowEnd };
  }
  const fullSync = !syncToken;
  const newListing = () => deps.repos.events.nextListingGeneration(workspaceId, calendarId, now);
  // The generation of the full listing under way: resumed from the cursor, or a new one. A listing
  // resumed from before generations were kept began from an empty calendar: nothing to sweep.
  let generation: number | null = syncToken ? null : pageToken ? (state?.fullSyncGen ?? null) : await newListing();
  const own = await deps.repos.focus.eventIds(workspaceId, connectionId);
  let restarts = 0;
  let note: string | null = null;
  let pages = 0;
  let changes = 0;
  try {
    while (pages < MAX_PAGES) {
      let page;
      try {
        page = await client.listChanges(calendar.externalId, { syncToken, pageToken, window });
      } catch (error) {
        // `gone` starts a new full listing; a stale page token falls back to the page's start.
        const restart = isProviderError(error) && restarts < 2 ? (error.kind === 'gone' ? 'full' : error.kind === 'invalid' && pageToken ? 'page' : null) : null;
        if (!restart) throw error;
        restarts++;
        note = restartNote(error as ProviderError);
        pageToken = null;
        if (restart === 'full') syncToken = null;
        if (!syncToken) {
          window = fresh;
          generation = await newListing();
        }
        continue;
      }
      pages++;
      const kept = markOwn(inWindow(page.changes, window), own);
      changes += kept.length;
      const last = !page.nextPageToken;
      pageToken = last ? null : page.nextPageToken!;
      if (last) syncToken = page.nextSyncToken ?? syncToken;
      const listing = generation === null ? undefined : { generation, last };
      await deps.repos.events.applyChanges(workspaceId, calendarId, kept, { syncToken, pageToken, window }, now, listing);
      if (last) break;
    }
    // Calendar settings (Outlook working hours and zone), when due.
    const profileRead = Boolean(client.profile && calendar.isPrimary && profileDue(connection, fullSync, now) && (await importCalendarProfile(deps, connection, client, now)));
    await deps.repos.connections.setStatus(workspaceId, connectionId, 'ok', {
      lastSyncAt: now,
      lastError: null,
      lastErrorAt: null,
      // Every change up to the end of this run is held: the lag behind the vendor counts from here.
      ...(syncToken ? { syncedThroughAt: deps.clock() } : {}),
      ...(note ? { syncNote: note, syncNoteAt: now } : {}),
      ...(profileRead ? { profileReadAt: now } : {}),
    });
    return { pages, changes };
  } catch (error) {
    if (await settleFailure(deps, connection, calendarId, error)) return { pages, changes, stopped: 'deleted' };
    throw error;
  }
}

/**
 * Records why a run failed, or answers true when the connection or calendar was deleted while
 * it ran (a foreign key refused the page, or the disconnect revoked the grant): nothing of it was
 * kept, and there is nothing to record an error on. Lost access marks the connection for
 * reconnection and throws `connection.needs_reauth`.
 */
async function settleFailure(deps: Deps, connection: ConnectionRow, calendarId: string, error: unknown): Promise<boolean> {
  const { workspaceId, id: connectionId } = connection;
  if (await deletedMeanwhile(deps, workspaceId, connectionId, calendarId)) return true;
  if (isProviderError(error) && error.kind === 'auth') {
    await markNeedsReauth(deps, connection, error.reason ?? 'unauthorized');
    throw connectionErrors.needs_reauth(`The ${connection.provider} grant was revoked or expired; reconnect the calendar.`);
  }
  const code = isProviderError(error) ? `provider.${error.kind}` : error instanceof UnmeetError ? error.code : 'sync.failed';
  await deps.repos.connections.setStatus(workspaceId, connectionId, 'error', { lastError: code, lastErrorAt: deps.clock() });
  return false;
}
