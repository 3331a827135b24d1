import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startFakeGoogle } from '../fakes/google/server';
import { connectGoogle, createWorkspace, freePort, googleEnv, rows as query, serverEnv, startServer, stopServer, until } from './process';

const dir = mkdtempSync(join(tmpdir(), 'unmeet-crash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('crash safety', () => {
  it('when the server is SIGKILLed in the middle of a long sync, then after a restart the lease recovers, the sync resumes from its page and the store equals the truth', async () => {
    const fake = await startFakeGoogle();
    fake.pageSize = 40;
    const base = Date.parse('2026-11-02T08:00:00Z');
    for (let i = 0; i < 1200; i++) {
      fake.put('primary', {
        id: `ev${i.toString(32).padStart(4, '0')}`,
        status: 'confirmed',
        summary: `Meeting ${i}`,
        start: { dateTime: new Date(base + i * 3_600_000).toISOString() },
        end: { dateTime: new Date(base + i * 3_600_000 + 1_800_000).toISOString() },
        attendees: [{ email: 'a@example.com', responseStatus: 'accepted' }, { email: 'b@example.com', responseStatus: 'accepted' }],
      });
    }
    // Every page is slow, so the kill lands mid-listing.
    for (let i = 0; i < 1000; i++) fake.faults.push({ kind: 'delay', ms: 120, path: /\/events$/ });

    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const db = join(dir, 'crash.db');
    const start = () => startServer(serverEnv(port, db, googleEnv(fake)));
    const rows = (sql: string) => query(db, sql);

    let server = await start();
    try {
      const { api, key } = await createWorkspace(url, 'Crash');
      const member = (await api('POST', '/v1/members', { email: 'a@example.com', name: 'A', timeZone: 'UTC' })).json;
      // The member's own Google account grants access (the callback refuses anyone else's).
      fake.account = { ...fake.account, email: 'a@example.com' };
      expect(await connectGoogle(url, key, member.id)).toBe(200);

      const listed = () => fake.requests.filter((r) => r.path === '/calendar/v3/calendars/primary/events').length;
      await until(() => listed() >= 8, 30_000, 'the sync to be under way');
      await stopServer(server, 'SIGKILL');

      const [state] = rows('select page_token, sync_token from sync_state');
      expect(state?.page_token).toBeTruthy();
      expect(state?.sync_token).toBeNull();
      const storedAtCrash = Number(rows('select count(*) as n from events')[0]!.n);
      expect(storedAtCrash).toBeGreaterThan(0);
      expect(storedAtCrash).toBeLessThan(1200);
      const [leased] = rows("select lease_owner from jobs where kind = 'calendar.sync'");
      expect(leased?.lease_owner).toBeTruthy(); // held by the dead process

      fake.requests.length = 0;
      server = await start();
      await until(() => Number(rows('select count(*) as n from events')[0]!.n) === 1200 && rows("select status from connections")[0]?.status === 'ok', 60_000, 'the sync to finish after restart');
      // It resumed at the stored page instead of listing from the start again.
      const firstList = fake.requests.find((r) => r.path === '/calendar/v3/calendars/primary/events')!;
      expect(firstList.query.pageToken).toBe(state!.page_token);
      const ids = rows('select external_id from events order by external_id').map((r) => r.external_id);
      expect(ids).toEqual(fake.truth('primary').map((e) => e.id).sort());
      await until(() => rows("select lease_owner from jobs where kind = 'calendar.sync'")[0]?.lease_owner === null, 10_000, 'the lease to be released');
    } finally {
      await stopServer(server);
      await fake.stop();
    }
  }, 120_000);
});
