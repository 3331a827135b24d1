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

export type HealthLocale = 'en' | 'id';

/** Workarounds stay visible this long after they happened. */
const NOTICE_MS = 24 * 3_600_000;

/** `10:42`, or `Dec 1, 10:42` when not on `now`'s local date, in `zone`. */
function clock(at: number, now: number, zone: string, locale: HealthLocale): string {
  const local = DateTime.fromMillis(at, { zone });
  const sameDay = local.hasSame(DateTime.fromMillis(now, { zone }), 'day');
  return local.toFormat(sameDay ? 'HH:mm' : locale === 'id' ? 'd LLL, HH:mm' : 'LLL d, HH:mm', { locale });
}

/** Every sentence the health can say, in each language the dashboard speaks (`v`: the vendor's name). */
const phrases = {
  en: {
    vendor: { google: 'Google', microsoft: 'Outlook', ics: 'The calendar feed' } as Record<HealthProvider, string>,
    retryRunning: 'a new try is running now',
    retryAt: (t: string) => `retrying at ${t}`,
    retryNone: 'no retry is scheduled',
    revoked: 'Access was revoked or has expired: reconnect the calendar.',
    throttled: (v: string, retry: string) => `${v} asked us to wait; ${retry}.`,
    unavailable: (v: string, retry: string) => `${v} did not answer; ${retry}.`,
    gone: (v: string) => `${v} no longer has this calendar: reconnect it, or disconnect it here.`,
    feedFailed: (code: string, retry: string) => `The last refresh of the feed failed (${code}); ${retry}. Check that the address still works.`,
    failed: (code: string, retry: string) => `The last sync failed (${code}); ${retry}. If this keeps happening, reconnect the calendar.`,
    pagingLoop: (at: string, v: string) => `At ${at} ${v} sent the same page of changes twice; we listed the calendar again from the start. Nothing was lost.`,
    tokenExpired: (at: string, v: string) => `At ${at} ${v} asked for a full resync; the calendar was listed again from the start.`,
    pageToken: (at: string) => `At ${at} a page of changes expired mid-sync; the listing started that part again.`,
    icsWarnings: (at: string, detail: string) => `The import at ${at} left events out or kept them despite a problem: ${detail}.`,
    firstRunning: 'The first sync is running.',
    syncing: 'Syncing now.',
    firstScheduled: (at: string | null) => `The first sync is scheduled${at ? ` at ${at}` : ''}.`,
    since: (at: string) => `Last synced at ${at}.`,
    pending: (v: string, at: string) => `${v} announced a change at ${at}; it is being fetched.`,
    push: (v: string) => `${v} tells us about changes as they happen.`,
    manual: 'An uploaded file changes only when a new one is uploaded.',
    polling: (minutes: number | null, next: string | null) => `Changes are checked ${minutes ? `every ${minutes} minutes` : 'periodically'}${next ? `; next check at ${next}` : ''}.`,
  },
  id: {
    vendor: { google: 'Google', microsoft: 'Outlook', ics: 'Feed kalender' } as Record<HealthProvider, string>,
    retryRunning: 'percobaan baru sedang berjalan',
    retryAt: (t: string) => `dicoba lagi pukul ${t}`,
    retryNone: 'belum ada percobaan ulang yang dijadwalkan',
    revoked: 'Akses dicabut atau sudah kedaluwarsa: sambungkan ulang kalendernya.',
    throttled: (v: string, retry: string) => `${v} meminta kami menunggu; ${retry}.`,
    unavailable: (v: string, retry: string) => `${v} tidak menjawab; ${retry}.`,
    gone: (v: string) => `${v} tidak lagi memiliki kalender ini: sambungkan ulang, atau putuskan di sini.`,
    feedFailed: (code: string, retry: string) => `Penyegaran feed terakhir gagal (${code}); ${retry}. Periksa apakah alamatnya masih berfungsi.`,
    failed: (code: string, retry: string) => `Sinkronisasi terakhir gagal (${code}); ${retry}. Jika terus terjadi, sambungkan ulang kalendernya.`,
    pagingLoop: (at: string, v: string) => `Pukul ${at} ${v} mengirim halaman perubahan yang sama dua kali; kalender didaftar ulang dari awal. Tidak ada yang hilang.`,
    tokenExpired: (at: string, v: string) => `Pukul ${at} ${v} meminta sinkronisasi penuh; kalender didaftar ulang dari awal.`,
    pageToken: (at: string) => `Pukul ${at} satu halaman perubahan kedaluwarsa di tengah sinkronisasi; bagian itu didaftar ulang.`,
    icsWarnings: (at: string, detail: string) => `Impor pukul ${at} melewatkan acara atau menyimpannya meski bermasalah: ${detail}.`,
    firstRunning: 'Sinkronisasi pertama sedang berjalan.',
    syncing: 'Sedang menyinkronkan.',
    firstScheduled: (at: string | null) => `Sinkronisasi pertama dijadwalkan${at ? ` pukul ${at}` : ''}.`,
    since: (at: string) => `Terakhir disinkronkan pukul ${at}.`,
    pending: (v: string, at: string) => `${v} mengumumkan perubahan pukul ${at}; sedang diambil.`,
    push: (v: string) => `${v} memberi tahu kami setiap ada perubahan.`,
    manual: 'Berkas unggahan hanya berubah saat berkas baru diunggah.',
    polling: (minutes: number | null, next: string | null) => `Perubahan diperiksa ${minutes ? `setiap ${minutes} menit` : 'secara berkala'}${next ? `; pemeriksaan berikutnya pukul ${next}` : ''}.`,
  },
} satisfies Record<HealthLocale, unknown>;

type Phrases = { [K in keyof (typeof phrases)['en']]: (typeof phrases)['en'][K] extends string ? string : (typeof phrases)['en'][K] };

/** The sentence for an error code the sync recorded, with what to do. */
function errorSentence(p: Phrases, facts: SyncHealthFacts, code: string, retry: string): string {
  const vendor = p.vendor[facts.provider];
  if (facts.status === 'needs_reauth' || code.startsWith('auth.') || code === 'connection.needs_reauth') return p.revoked;
  if (code === 'provider.rate_limited') return p.throttled(vendor, retry);
  if (code === 'provider.unavailable') return p.unavailable(vendor, retry);
  if (code === 'provider.not_found') return p.gone(vendor);
  if (code.startsWith('ics.')) return p.feedFailed(code, retry);
  return p.failed(code, retry);
}

function noticeSentence(p: Phrases, facts: SyncHealthFacts, at: (ms: number) => string, now: number): string | null {
  if (!facts.syncNote || facts.syncNoteAt === null || now - facts.syncNoteAt > NOTICE_MS) return null;
  const when = at(facts.syncNoteAt);
  const vendor = p.vendor[facts.provider];
  if (facts.syncNote === 'restart.paging_loop') return p.pagingLoop(when, vendor);
  if (facts.syncNote === 'restart.token_expired') return p.tokenExpired(when, vendor);
  if (facts.syncNote === 'restart.page_token') return p.pageToken(when);
  // An ICS import's warnings (services/feed-write.ts icsWarningNote): codes, counts and lines.
  if (facts.syncNote.startsWith('ics.warnings: ')) return p.icsWarnings(when, facts.syncNote.slice('ics.warnings: '.length));
  return null;
}

/**
 * The health of one connection at `now`, with times in sentences shown in `zone` (the member's)
 * and the sentences in `locale`. The lag counts from the end of the last sync that held every
 * change the vendor had; a push that arrived after it means a change is waiting
 * (`changePendingSince`).
 */
export function syncHealth(facts: SyncHealthFacts, now: number, zone: string, locale: HealthLocale = 'en'): SyncHealth {
  const p: Phrases = phrases[locale];
  const at = (ms: number) => clock(ms, now, zone, locale);
  const mode = facts.pushExpiresAt !== null && facts.pushExpiresAt > now ? 'push' : facts.provider === 'ics' && !facts.subscription ? 'manual' : 'polling';
  const lagMs = facts.syncedThroughAt === null ? null : Math.max(0, now - facts.syncedThroughAt);
  const changePendingSince =
    facts.lastPushAt !== null && (facts.syncedThroughAt === null || facts.lastPushAt > facts.syncedThroughAt) ? facts.lastPushAt : null;
  const nextSyncAt = facts.nextSync ? Math.max(facts.nextSync.runAt, now) : null;
  const retry = facts.nextSync?.running ? p.retryRunning : nextSyncAt !== null ? p.retryAt(at(nextSyncAt)) : p.retryNone;
  const lastError = facts.lastError ? { code: facts.lastError, at: facts.lastErrorAt, message: errorSentence(p, facts, facts.lastError, retry) } : null;
  const base = { lastSuccessfulSyncAt: facts.lastSyncAt, lagMs, changePendingSince, mode, nextSyncAt, lastError, notice: noticeSentence(p, facts, at, now) } as const;

  if (facts.status === 'needs_reauth') return { ...base, state: 'needs_reauth', message: errorSentence(p, facts, facts.lastError ?? 'auth.revoked', retry) };
  if (lastError && facts.status === 'error') {
    return { ...base, state: facts.lastError === 'provider.rate_limited' ? 'throttled' : 'failing', message: lastError.message };
  }
  if (facts.nextSync?.running) return { ...base, state: 'syncing', message: facts.lastSyncAt === null ? p.firstRunning : p.syncing };
  if (facts.lastSyncAt === null) return { ...base, state: 'pending', message: p.firstScheduled(nextSyncAt !== null ? at(nextSyncAt) : null) };
  const since = p.since(at(facts.lastSyncAt));
  const vendor = p.vendor[facts.provider];
  if (changePendingSince !== null) return { ...base, state: 'ok', message: `${since} ${p.pending(vendor, at(changePendingSince))}` };
  if (mode === 'push') return { ...base, state: 'ok', message: `${since} ${p.push(vendor)}` };
  if (mode === 'manual') return { ...base, state: 'ok', message: `${since} ${p.manual}` };
  return { ...base, state: 'ok', message: `${since} ${p.polling(facts.pollMinutes, nextSyncAt !== null ? at(nextSyncAt) : null)}` };
}
