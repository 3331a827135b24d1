import type { ConnectionRow } from '../db/connections.repository';
import { syncHealth, type HealthLocale, type SyncHealth } from '../domain/sync-health';
import type { Deps } from './deps';
import { calendarSyncJobKey } from './provider-sync';
import { icsRefreshJobKey } from './sync';

/**
 * The sync health of each connection (see domain/sync-health.ts), from the facts the sync, the
 * push handlers and the job queue stored: its own columns, its live push channels and the job
 * that syncs its primary calendar. Times in the sentences are in the member's zone, the
 * sentences in `locale`.
 */
export async function connectionHealth(deps: Deps, rows: ConnectionRow[], locale: HealthLocale = 'en'): Promise<Map<string, SyncHealth>> {
  const now = deps.clock();
  const zones = new Map<string, string>();
  const out = new Map<string, SyncHealth>();
  for (const row of rows) {
    if (!zones.has(row.memberId)) zones.set(row.memberId, (await deps.repos.members.get(row.workspaceId, row.memberId))?.timeZone ?? 'UTC');
    const job = await syncJob(deps, row);
    const channels = row.provider === 'ics' ? [] : await deps.repos.oauth.channelsOf(row.workspaceId, row.id);
    const live = channels.filter((c) => c.expiresAt > now).map((c) => c.expiresAt);
    const facts = {
      provider: row.provider,
      status: row.status,
      subscription: row.provider !== 'ics' || row.credentials !== null,
      lastSyncAt: row.lastSyncAt,
      lastError: row.lastError,
      lastErrorAt: row.lastErrorAt,
      syncedThroughAt: row.syncedThroughAt,
      lastPushAt: row.lastPushAt,
      syncNote: row.syncNote,
      syncNoteAt: row.syncNoteAt,
      pushExpiresAt: live.length > 0 ? Math.max(...live) : null,
      nextSync: job ? { runAt: job.runAt, running: job.leaseUntil !== null && job.leaseUntil > now } : null,
      pollMinutes: job?.everyMs ? Math.round(job.everyMs / 60_000) : null,
    };
    out.set(row.id, syncHealth(facts, now, zones.get(row.memberId)!, locale));
  }
  return out;
}

/** The job that keeps the connection fresh: the primary calendar's sync, or an ICS subscription's refresh. */
async function syncJob(deps: Deps, row: ConnectionRow) {
  if (row.provider === 'ics') return deps.repos.jobs.getByKey(icsRefreshJobKey(row.id));
  const calendars = await deps.repos.connections.calendars(row.workspaceId, row.id);
  const primary = calendars.find((c) => c.isPrimary) ?? calendars[0];
  return primary ? deps.repos.jobs.getByKey(calendarSyncJobKey(primary.id)) : undefined;
}
