import { connectionErrors } from '../domain/error-codes/connection';
import { isUnmeetError } from '../domain/errors';
import type { ConnectionRow } from '../db/connections.repository';
import type { Deps } from './deps';
import { releaseOAuthConnection } from './oauth-connections';
import { calendarSyncJobKey, scheduleCalendarSync } from './provider-sync';
import { icsRefreshJobKey } from './sync';

/**
 * Removes a connection with its calendars and events. An OAuth connection first stops its push
 * channels and revokes its grant, so nothing keeps access after people disconnect.
 */
export async function disconnect(deps: Deps, workspaceId: string, connectionId: string): Promise<void> {
  const connection = await deps.repos.connections.get(workspaceId, connectionId);
  if (!connection) throw connectionErrors.not_found(`No connection ${connectionId} in this workspace.`);
  if (connection.provider !== 'ics') await releaseOAuthConnection(deps, connection);
  await deps.repos.jobs.removeByKey(icsRefreshJobKey(connectionId));
  await deps.repos.connections.remove(workspaceId, connectionId);
}

/**
 * Removes a member with their connections. Each connection is disconnected first, as offboarding
 * does: otherwise the row cascade alone leaves the grant alive at Google or Microsoft, the push
 * channel open, and the channel renewal job coming round forever for a calendar that is gone.
 * A connection already deleted meanwhile (a concurrent disconnect) is simply skipped.
 */
export async function removeMember(deps: Deps, workspaceId: string, memberId: string): Promise<boolean> {
  for (const connection of await deps.repos.connections.list(workspaceId, memberId)) {
    await disconnect(deps, workspaceId, connection.id).catch((error: unknown) => {
      if (!isUnmeetError(error) || error.code !== 'connection.not_found') throw error;
    });
  }
  return deps.repos.members.remove(workspaceId, memberId);
}

/** A sync "sync now" scheduled: the job, when it runs, and whether one was running already. */
export interface ScheduledSync {
  calendarId: string;
  jobId: string;
  runAt: number;
  /** A sync was running: it runs again right after, so changes made before the request are seen. */
  running: boolean;
}

/**
 * "Sync now" for a Google or Outlook connection: each calendar's sync job becomes due at once
 * (re-created if it was gone), and on Workers it is handed to the queue. The sync itself runs in
 * the job runner, not in the request: a full sync can take longer than a request may. A sync
 * already running is marked to run again right after it.
 */
export async function requestProviderSync(deps: Deps, connection: ConnectionRow): Promise<ScheduledSync[]> {
  const { workspaceId, id } = connection;
  if (connection.status === 'needs_reauth') {
    throw connectionErrors.needs_reauth('Access to this calendar was revoked or has expired: reconnect it, and it syncs again by itself.');
  }
  const now = deps.clock();
  const scheduled: ScheduledSync[] = [];
  for (const calendar of await deps.repos.connections.calendars(workspaceId, id)) {
    const key = calendarSyncJobKey(calendar.id);
    if (!(await deps.repos.jobs.getByKey(key))) await scheduleCalendarSync(deps, workspaceId, id, calendar.id, now);
    await deps.repos.jobs.expedite(key, now);
    const job = await deps.repos.jobs.getByKey(key);
    if (!job) continue;
    const running = job.leaseUntil !== null && job.leaseUntil > now;
    // A running job is not handed over: the runner reruns it (and queues it on Workers) when done.
    if (deps.enqueueJob && !running) await deps.enqueueJob(job.id, 0);
    scheduled.push({ calendarId: calendar.id, jobId: job.id, runAt: Math.max(job.runAt, now), running });
  }
  if (scheduled.length === 0) {
    throw connectionErrors.no_calendar('This connection has no calendar to sync (it was deleted meanwhile, or never finished connecting).');
  }
  return scheduled;
}
