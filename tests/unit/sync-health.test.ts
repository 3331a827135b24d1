import { describe, expect, it } from 'vitest';
import { syncHealth, type SyncHealthFacts } from '../../src/domain/sync-health';

const NOW = Date.parse('2026-12-07T10:30:00Z');
const MIN = 60_000;
const base: SyncHealthFacts = {
  provider: 'google',
  status: 'ok',
  subscription: true,
  lastSyncAt: NOW - 5 * MIN,
  lastError: null,
  lastErrorAt: null,
  syncedThroughAt: NOW - 5 * MIN,
  lastPushAt: null,
  syncNote: null,
  syncNoteAt: null,
  pushExpiresAt: null,
  nextSync: { runAt: NOW + 10 * MIN, running: false },
  pollMinutes: 15,
};

describe('sync health', () => {
  it.each<[string, Partial<SyncHealthFacts>, string, string]>([
    ['polling and fresh', {}, 'ok', 'Last synced at 10:25. Changes are checked every 15 minutes; next check at 10:40.'],
    ['pushed to', { pushExpiresAt: NOW + 86_400_000 }, 'ok', 'Last synced at 10:25. Google tells us about changes as they happen.'],
    ['throttled by Google', { status: 'error', lastError: 'provider.rate_limited', lastErrorAt: NOW - MIN, nextSync: { runAt: NOW + 12 * MIN, running: false } }, 'throttled', 'Google asked us to wait; retrying at 10:42.'],
    ['revoked', { status: 'needs_reauth', lastError: 'auth.invalid_grant', nextSync: null }, 'needs_reauth', 'Access was revoked or has expired: reconnect the calendar.'],
    ['Outlook down', { provider: 'microsoft', status: 'error', lastError: 'provider.unavailable' }, 'failing', 'Outlook did not answer; retrying at 10:40.'],
    ['failing, a retry running', { status: 'error', lastError: 'sync.failed', nextSync: { runAt: NOW - MIN, running: true } }, 'failing', 'The last sync failed (sync.failed); a new try is running now. If this keeps happening, reconnect the calendar.'],
    ['never synced', { status: 'syncing', lastSyncAt: null, syncedThroughAt: null, nextSync: { runAt: NOW - MIN, running: false } }, 'pending', 'The first sync is scheduled at 10:30.'],
    ['running', { nextSync: { runAt: NOW - MIN, running: true } }, 'syncing', 'Syncing now.'],
    ['an uploaded file', { provider: 'ics', subscription: false, nextSync: null }, 'ok', 'Last synced at 10:25. An uploaded file changes only when a new one is uploaded.'],
  ])('when %s, then the state and sentence say so', (_name, facts, state, message) => {
    const health = syncHealth({ ...base, ...facts }, NOW, 'UTC');
    expect(health.state).toBe(state);
    expect(health.message).toBe(message);
  });

  it('when a push arrived after the last sync with a token, then the lag counts from that sync and the change shows as pending', () => {
    const health = syncHealth({ ...base, pushExpiresAt: NOW + 86_400_000, lastPushAt: NOW - 2 * MIN }, NOW, 'Europe/Berlin');
    expect(health).toMatchObject({ lagMs: 5 * MIN, changePendingSince: NOW - 2 * MIN, mode: 'push' });
    expect(health.message).toBe('Last synced at 11:25. Google announced a change at 11:28; it is being fetched.');
  });

  it('when the push came before the last sync, then nothing is pending', () => {
    expect(syncHealth({ ...base, lastPushAt: NOW - 6 * MIN }, NOW, 'UTC').changePendingSince).toBeNull();
  });

  it('when a retry falls on another local day, then the sentence names the date', () => {
    const health = syncHealth({ ...base, status: 'error', lastError: 'provider.rate_limited', nextSync: { runAt: NOW + 20 * 3_600_000, running: false } }, NOW, 'UTC');
    expect(health.message).toBe('Google asked us to wait; retrying at Dec 8, 06:30.');
  });

  it.each([
    ['restart.token_expired', 'At 10:00 Google asked for a full resync; the calendar was listed again from the start.'],
    ['restart.page_token', 'At 10:00 a page of changes expired mid-sync; the listing started that part again.'],
  ])('when the last day saw %s, then the notice tells it; after a day it is gone', (note, sentence) => {
    const facts = { ...base, syncNote: note, syncNoteAt: NOW - 30 * MIN };
    expect(syncHealth(facts, NOW, 'UTC').notice).toBe(sentence);
    expect(syncHealth(facts, NOW + 24 * 3_600_000, 'UTC').notice).toBeNull();
  });
});

describe('sync health in Indonesian', () => {
  it('when the dashboard speaks Indonesian, then every sentence is Indonesian, with the same facts', () => {
    const cases: Array<Partial<SyncHealthFacts>> = [
      {},
      { pushExpiresAt: NOW + 86_400_000 },
      { status: 'needs_reauth', lastError: 'auth.invalid_grant' },
      { status: 'error', lastError: 'provider.rate_limited', lastErrorAt: NOW - 60_000 },
      { syncNote: 'restart.paging_loop', syncNoteAt: NOW - 3_600_000 },
    ];
    for (const patch of cases) {
      const en = syncHealth({ ...base, ...patch }, NOW, 'Asia/Jakarta', 'en');
      const id = syncHealth({ ...base, ...patch }, NOW, 'Asia/Jakarta', 'id');
      expect(id.state).toBe(en.state);
      expect(id.message).not.toBe(en.message);
      expect(id.message).not.toMatch(/\b(the|synced|asked|reconnect|checked)\b/i);
      if (en.notice) expect(id.notice).toMatch(/^Pukul /);
    }
  });
});
