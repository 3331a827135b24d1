import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { startFakeGoogle, type Fault } from '../fakes/google/server';

const dir = mkdtempSync(join(tmpdir(), 'unmeet-crash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });

const until = async (check: () => boolean | Promise<boolean>, ms: number, what: string) => {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

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
    for (let i = 0; i < 1000; i++) fake.faults.push({ kind: 'delay', ms: 120, path: /\/events$/ } as Fault & { path: RegExp });

    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const db = join(dir, 'crash.db');
    const env = {
      ...process.env,
      PORT: String(port),
      UNMEET_DB: db,
      UNMEET_SECRET: 'crash-test-secret-crash-test-secret-00',
      PUBLIC_URL: url,
      GOOGLE_CLIENT_ID: fake.clientId,
      GOOGLE_CLIENT_SECRET: fake.clientSecret,
      GOOGLE_API_ROOT: fake.url,
      GOOGLE_OAUTH_ROOT: fake.url,
      UNMEET_JOB_INTERVAL_MS: '200',
      UNMEET_JOB_LEASE_MS: '2000',
      UNMEET_LOG_LEVEL: 'warn',
    };
    const start = async (): Promise<ChildProcess> => {
      const child = spawn(process.execPath, ['bin/unmeet.js', 'serve'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      await new Promise<void>((resolve, reject) => {
        child.stdout!.on('data', (c: Buffer) => {
          out += c.toString();
          if (out.includes('listening on')) resolve();
        });
        child.once('exit', (code) => reject(new Error(`server exited ${code}`)));
      });
      return child;
    };
    const rows = (sql: string) => {
      const conn = new Database(db, { readonly: true, fileMustExist: true });
      try {
        return conn.prepare(sql).all() as Array<Record<string, unknown>>;
      } finally {
        conn.close();
      }
    };

    let server = await start();
    try {
      const ws = await (await fetch(`${url}/v1/workspaces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Crash' }) })).json();
      const auth = { authorization: `Bearer ${ws.apiKey}`, 'content-type': 'application/json' };
      const member = await (await fetch(`${url}/v1/members`, { method: 'POST', headers: auth, body: JSON.stringify({ email: 'a@example.com', name: 'A', timeZone: 'UTC' }) })).json();
      const consentUrl = (await fetch(`${url}/v1/connect/google?memberId=${member.id}`, { headers: auth, redirect: 'manual' })).headers.get('location')!;
      const callback = (await fetch(consentUrl, { redirect: 'manual' })).headers.get('location')!;
      expect((await fetch(callback)).status).toBe(200);

      const listed = () => fake.requests.filter((r) => r.path === '/calendar/v3/calendars/primary/events').length;
      await until(() => listed() >= 8, 30_000, 'the sync to be under way');
      server.kill('SIGKILL');
      await new Promise((r) => server.once('exit', r));

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
      server.kill('SIGTERM');
      await fake.stop();
    }
  }, 120_000);
});
