import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runDueJobs } from '../../src/jobs/run-due-jobs';
import { createReadCache } from '../../src/services/read-cache';
import { createTestApp, newWorkspace } from '../helpers/app';

type T = Awaited<ReturnType<typeof createTestApp>>;

/**
 * The Workers read cache (UNMEET_READ_CACHE_MS), exercised on the Node app with a settable clock:
 * "another isolate" is a write straight to the database, which this app does not see.
 */
describe('the read cache of API keys and viewer scopes', () => {
  let t: T;
  let key: string;
  const TTL = 5_000;
  beforeEach(async () => {
    t = await createTestApp();
    t.deps.readCache = createReadCache(TTL, () => t.clock.now);
    key = (await newWorkspace(t.api, 'Acme')).apiKey;
  });
  afterEach(() => t.close());

  const revokeElsewhere = () => (t.deps.db as any).$client.prepare('update api_keys set revoked_at = 1').run();
  const audit = () => t.api('GET', '/v1/audit?from=2026-11-02&to=2026-11-30', { key });

  it('when another isolate revokes the key, then read requests here still pass until the copy is older than its lifetime, and never after', async () => {
    expect((await audit()).status).toBe(200);
    revokeElsewhere();
    expect((await audit()).status).toBe(200);
    t.clock.now += TTL - 1;
    expect((await audit()).status).toBe(200);
    t.clock.now += 1;
    expect((await audit()).status).toBe(401);
  });

  it('when another isolate revokes the key, then a write is refused at once: writes never authenticate from the copy', async () => {
    expect((await audit()).status).toBe(200);
    revokeElsewhere();
    const res = await t.api('POST', '/v1/workspace/keys', { key, json: { label: 'x' } });
    expect(res.status).toBe(401);
  });

  it('when the key is revoked through this app, then the very next read is refused', async () => {
    const second = await t.api('POST', '/v1/workspace/keys', { key, json: { label: 'second' } });
    expect(second.status).toBe(201);
    const other = second.json.apiKey as string;
    expect((await t.api('GET', '/v1/audit?from=2026-11-02&to=2026-11-30', { key: other })).status).toBe(200);
    expect((await t.api('DELETE', `/v1/workspace/keys/${second.json.key.id}`, { key })).status).toBe(200);
    expect((await t.api('GET', '/v1/audit?from=2026-11-02&to=2026-11-30', { key: other })).status).toBe(401);
  });

  it('when a job runs here (a sync writes), then the copies are dropped, whether the job succeeds or fails', async () => {
    for (const outcome of ['ok', 'fails'] as const) {
      t.deps.readCache!.set('scope:x', { stale: true });
      await t.deps.repos.jobs.schedule({ key: `k-${outcome}`, kind: outcome, workspaceId: null, payload: {}, runAt: 0, everyMs: null });
      const handlers = { ok: async () => undefined, fails: async () => Promise.reject(new Error('boom')) };
      expect(await runDueJobs(t.deps, t.clock.now, { owner: 'test', handlers })).toEqual(outcome === 'ok' ? { ran: 1, failed: 0 } : { ran: 0, failed: 1 });
      expect(t.deps.readCache!.get('scope:x')).toBeUndefined();
    }
  });

  it('when the clock passes the lifetime, then a copy is dropped, and a full cache starts over rather than growing', () => {
    let now = 0;
    const cache = createReadCache(10, () => now, 3);
    cache.set('a', 1);
    now = 9;
    expect(cache.get('a')).toBe(1);
    now = 10;
    expect(cache.get('a')).toBeUndefined();
    for (const k of ['b', 'c', 'd']) cache.set(k, k);
    cache.set('e', 'e');
    expect(['b', 'c', 'd', 'e'].map((k) => cache.get(k))).toEqual([undefined, undefined, undefined, 'e']);
  });
});
