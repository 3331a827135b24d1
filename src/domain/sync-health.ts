/**
 * How healthy a calendar connection's sync is, said for people: when it last synced, how far it
 * may lag behind the vendor, whether the vendor pushes changes or we poll, and what went wrong
 * with what to do about it. Pure: the sync, the push handlers and the job queue store the facts;
 * this only reads them (times are UTC epoch ms, `now` and the zone are arguments).
 */
import { DateTime } from 'luxon';

export type HealthProvider = 'ics' | 'google' | 'microsoft';
export type HealthStatus = 'pending' | 'syncing' | 'ok' | 'error' | 'needs_reauth';

export interface SyncHealthFacts {
  provider: HealthProvider;
  status: HealthStatus;
  /** An ICS connection that follows a URL (false: an uploaded file, refreshed only by hand). */
  subscription: boolean;
  lastSyncAt: number | null;
  lastError: string | null;
  lastErrorAt: number | null;
  /** End of the last sync that got a sync token or delta link (for ICS: the last import). */
  syncedThroughAt: number | null;
  lastPushAt: number | null;
  /** `restart.paging_loop`, `restart.token_expired`, `restart.page_token`, and when it happened. */
  syncNote: string | null;
  syncNoteAt: number | null;
  /** A live push channel (Google channel, Graph subscription) and when it ends; null when polling. */
  pushExpiresAt: number | null;
  /** The next scheduled sync: when, and whether a runner holds it now. Null when nothing is scheduled. */
  nextSync: { runAt: number; running: boolean } | null;
  /** Polling period in minutes (the job's period). */
  pollMinutes: number | null;
}

export type HealthState = 'ok' | 'syncing' | 'pending' | 'throttled' | 'failing' | 'needs_reauth';

export interface SyncHealth {
  state: HealthState;
  lastSuccessfulSyncAt: number | null;
  /** now − end of the last sync that held every change (token or delta link); null before the first. */
  lagMs: number | null;
  /** The first push accepted after that sync: the vendor announced a change not yet fetched. */
  changePendingSince: number | null;
  mode: 'push' | 'polling' | 'manual';
  nextSyncAt: number | null;
  /** One or two sentences: what is going on and, when something is wrong, what to do. */
  message: string;
  /** The last error as a sentence with what to do; null when the last sync succeeded. */
  lastError: { code: string; at: number | null; message: string } | null;
  /** A workaround of the last day (a repeated page, an expired token) as a sentence; null otherwise. */
  notice: string | null;
}

const vendorName: Record<HealthProvider, string> = { google: 'Google', microsoft: 'Outlook', ics: 'The calendar feed' };
/** Workarounds stay visible this long after they happened. */
const NOTICE_MS = 24 * 3_600_000;

/** `10:42`, or `Dec 1, 10:42` when not on `now`'s local date, in `zone`. */
function clock(at: number, now: number, zone: string): string {
  const local = DateTime.fromMillis(at, { zone });
  const sameDay = local.hasSame(DateTime.fromMillis(now, { zone }), 'day');
  return local.toFormat(sameDay ? 'HH:mm' : 'LLL d, HH:mm', { locale: 'en' });
}

/** The sentence for an error code the sync recorded, with what to do. */
function errorSentence(facts: SyncHealthFacts, code: string, retry: string): string {
  const vendor = vendorName[facts.provider];
  if (facts.status === 'needs_reauth' || code.startsWith('auth.') || code === 'connection.needs_reauth') {
    return `Access was revoked or has expired: reconnect the calendar.`;
  }
  if (code === 'provider.rate_limited') return `${vendor === 'The calendar feed' ? 'The feed' : vendor} asked us to wait; ${retry}.`;
  if (code === 'provider.unavailable') return `${vendor} did not answer; ${retry}.`;
  if (code === 'provider.not_found') return `${vendor} no longer has this calendar: reconnect it, or disconnect it here.`;
  if (code.startsWith('ics.')) return `The last refresh of the feed failed (${code}); ${retry}. Check that the address still works.`;
  return `The last sync failed (${code}); ${retry}. If this keeps happening, reconnect the calendar.`;
}

function noticeSentence(facts: SyncHealthFacts, now: number, zone: string): string | null {
  if (!facts.syncNote || facts.syncNoteAt === null || now - facts.syncNoteAt > NOTICE_MS) return null;
  const at = clock(facts.syncNoteAt, now, zone);
  const vendor = vendorName[facts.provider];
  if (facts.syncNote === 'restart.paging_loop') return `At ${at} ${vendor} sent the same page of changes twice; we listed the calendar again from the start. Nothing was lost.`;
  if (facts.syncNote === 'restart.token_expired') return `At ${at} ${vendor} asked for a full resync; the calendar was listed again from the start.`;
  if (facts.syncNote === 'restart.page_token') return `At ${at} a page of changes expired mid-sync; the listing started that part again.`;
  return null;
}

/**
 * The health of one connection at `now`, with times in sentences shown in `zone` (the member's).
 * The lag counts from the end of the last sync that held every change the vendor had; a push
 * that arrived after it means a change is waiting (`changePendingSince`).
 */
export function syncHealth(facts: SyncHealthFacts, now: number, zone: string): SyncHealth {
  const mode = facts.pushExpiresAt !== null && facts.pushExpiresAt > now ? 'push' : facts.provider === 'ics' && !facts.subscription ? 'manual' : 'polling';
  const lagMs = facts.syncedThroughAt === null ? null : Math.max(0, now - facts.syncedThroughAt);
  const changePendingSince =
    facts.lastPushAt !== null && (facts.syncedThroughAt === null || facts.lastPushAt > facts.syncedThroughAt) ? facts.lastPushAt : null;
  const nextSyncAt = facts.nextSync ? Math.max(facts.nextSync.runAt, now) : null;
  const retry = facts.nextSync?.running ? 'a new try is running now' : nextSyncAt !== null ? `retrying at ${clock(nextSyncAt, now, zone)}` : 'no retry is scheduled';
  const lastError = facts.lastError ? { code: facts.lastError, at: facts.lastErrorAt, message: errorSentence(facts, facts.lastError, retry) } : null;
  const base = { lastSuccessfulSyncAt: facts.lastSyncAt, lagMs, changePendingSince, mode, nextSyncAt, lastError, notice: noticeSentence(facts, now, zone) } as const;

  if (facts.status === 'needs_reauth') return { ...base, state: 'needs_reauth', message: errorSentence(facts, facts.lastError ?? 'auth.revoked', retry) };
  if (lastError && facts.status === 'error') {
    return { ...base, state: facts.lastError === 'provider.rate_limited' ? 'throttled' : 'failing', message: lastError.message };
  }
  if (facts.nextSync?.running) return { ...base, state: 'syncing', message: facts.lastSyncAt === null ? 'The first sync is running.' : 'Syncing now.' };
  if (facts.lastSyncAt === null) {
    const when = nextSyncAt !== null ? ` at ${clock(nextSyncAt, now, zone)}` : '';
    return { ...base, state: 'pending', message: `The first sync is scheduled${when}.` };
  }
  const since = `Last synced at ${clock(facts.lastSyncAt, now, zone)}.`;
  if (changePendingSince !== null) return { ...base, state: 'ok', message: `${since} ${vendorName[facts.provider]} announced a change at ${clock(changePendingSince, now, zone)}; it is being fetched.` };
  if (mode === 'push') return { ...base, state: 'ok', message: `${since} ${vendorName[facts.provider]} tells us about changes as they happen.` };
  if (mode === 'manual') return { ...base, state: 'ok', message: `${since} An uploaded file changes only when a new one is uploaded.` };
  const every = facts.pollMinutes ? `every ${facts.pollMinutes} minutes` : 'periodically';
  const next = nextSyncAt !== null ? `; next check at ${clock(nextSyncAt, now, zone)}` : '';
  return { ...base, state: 'ok', message: `${since} Changes are checked ${every}${next}.` };
}
