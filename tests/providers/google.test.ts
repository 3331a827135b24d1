import fc from 'fast-check';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runDueJobs } from '../../src/jobs/run-due-jobs';
import { defaultRetryPolicy } from '../../src/providers/retry';
import { createRepositories } from '../../src/db/repositories';
import { openSqlite } from '../../src/db/sqlite';
import { syncProviderCalendar } from '../../src/services/provider-sync';
import { startFakeGoogle, type FakeEvent, type FakeGoogle, type Fault } from '../fakes/google/server';
import { ResponseGate } from '../fakes/local-server';
import { createTestApp, newWorkspace } from '../helpers/app';
import { changeOp, connectionRowsLeft, convergeThroughRounds, convergenceRound, type ConvergenceWorld } from '../helpers/sync-convergence';

const noSleep = { attempts: 4, baseDelayMs: 1, maxDelayMs: 5_000, sleep: async () => undefined, random: () => 0.5 };

const iso = (ms: number) => new Date(ms).toISOString().replace('.000', '');
const BASE = Date.parse('2026-11-30T14:00:00Z');
const HOUR = 3_600_000;

function single(id: string, startMs: number, title = `Meeting ${id}`): FakeEvent {
  return {
    id,
    status: 'confirmed',
    summary: title,
    start: { dateTime: iso(startMs) },
    end: { dateTime: iso(startMs + HOUR) },
    iCalUID: `${id}@google.com`,
    organizer: { email: 'bob@example.com' },
    attendees: [
      { email: 'alice@example.com', responseStatus: 'accepted', self: true },
      { email: 'bob@example.com', responseStatus: 'accepted' },
    ],
  };
}

function instance(master: string, startMs: number): FakeEvent {
  const stamp = iso(startMs).replace(/[-:]/g, '');
  return { ...single(`${master}_${stamp}`, startMs, `Series ${master}`), recurringEventId: master, originalStartTime: { dateTime: iso(startMs) }, iCalUID: `${master}@google.com` };
}

async function setup(fake: FakeGoogle, overrides = {}) {
  const t = await createTestApp({
    google: { clientId: fake.clientId, clientSecret: fake.clientSecret, apiRoot: fake.url, oauthRoot: fake.url },
    retry: noSleep,
    ...overrides,
  });
  fake.now = () => t.clock.now;
  const { apiKey } = await newWorkspace(t.api);
  const member = await t.api('POST', '/v1/members', { key: apiKey, json: { email: 'alice@example.com', name: 'Alice', timeZone: 'Europe/London' } });
  return { t, key: apiKey, memberId: member.json.id as string };
}

async function connect(ctx: Awaited<ReturnType<typeof setup>>) {
  const start = await ctx.t.app.request(`/v1/connect/google?memberId=${ctx.memberId}`, { headers: { authorization: `Bearer ${ctx.key}` } });
  expect(start.status).toBe(302);
  const consent = await fetch(start.headers.get('location')!, { redirect: 'manual' });
  expect(consent.status).toBe(302);
  const back = new URL(consent.headers.get('location')!);
  return { back, callback: () => ctx.t.app.request(back.pathname + back.search) };
}

async function connected(ctx: Awaited<ReturnType<typeof setup>>) {
  const { callback } = await connect(ctx);
  const res = await callback();
  expect(res.status).toBe(200);
  const [connection] = (await ctx.t.api('GET', '/v1/connections', { key: ctx.key })).json.connections;
  const [calendar] = await ctx.t.deps.repos.connections.calendars((await ctx.t.api('GET', '/v1/workspace', { key: ctx.key })).json.id, connection.id);
  const workspaceId = calendar!.workspaceId;
  const stored = async () => (await ctx.t.deps.repos.events.listForCalendar(workspaceId, calendar!.id)).map((e) => `${e.externalId}|${e.title}|${e.start}`).sort();
  const truth = () => fake.truth('primary').map((e) => `${e.id}|${e.summary}|${Date.parse(e.start!.dateTime!)}`).sort();
  const sync = () => syncProviderCalendar(ctx.t.deps, workspaceId, connection.id, calendar!.id);
  return { connection, calendar: calendar!, workspaceId, stored, truth, sync };
}

let fake: FakeGoogle;
beforeEach(async () => {
  fake = await startFakeGoogle();
});
afterEach(() => fake.stop());

describe('Google connect flow', () => {
  it('when the member consents, then tokens are stored sealed and the first sync runs from the job', async () => {
    fake.put('primary', single('aaaa1', BASE));
    const ctx = await setup(fake);
    const { back, callback } = await connect(ctx);
    expect(back.pathname).toBe('/oauth/google/callback');
    const authorize = fake.requests.find((r) => r.path === '/o/oauth2/v2/auth')!;
    expect(authorize.query).toMatchObject({ access_type: 'offline', code_challenge_method: 'S256', login_hint: 'alice@example.com' });
    expect(authorize.query.nonce).toMatch(/^[\w-]{40,}$/);
    // Calendar least privilege, plus only what names the granting account.
    expect(authorize.query.scope!.split(' ').sort()).toEqual(['email', 'https://www.googleapis.com/auth/calendar.events', 'https://www.googleapis.com/auth/calendar.readonly', 'openid']);
    const res = await callback();
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('Google Calendar connected');
    const [connection] = (await ctx.t.api('GET', '/v1/connections', { key: ctx.key })).json.connections;
    expect(connection).toMatchObject({ provider: 'google', status: 'syncing' });
    const stored = (ctx.t.deps.db as any).$client.prepare('select credentials from connections').get();
    expect(stored.credentials).toMatch(/^v2\./);
    expect(stored.credentials).not.toContain('ya29.');
    expect(await runDueJobs(ctx.t.deps, ctx.t.clock.now, { owner: 't' })).toEqual({ ran: 1, failed: 0 });
    const audit = await ctx.t.api('GET', '/v1/audit?from=2026-11-30&to=2026-12-01', { key: ctx.key });
    expect(audit.json.members[0].metrics.meetingHours).toBe(1);
    expect((await ctx.t.api('GET', `/v1/connections/${connection.id}`, { key: ctx.key })).json.status).toBe('ok');
  });

  it('when the state is tampered with, replayed or expired, then the connection is refused', async () => {
    const ctx = await setup(fake);
    const first = await connect(ctx);
    const tampered = new URL(first.back);
    // Change the signature's first character (the last one partly encodes padding bits).
    const [stateId, signature] = first.back.searchParams.get('state')!.split('.');
    tampered.searchParams.set('state', `${stateId}.${signature![0] === 'A' ? 'B' : 'A'}${signature!.slice(1)}`);
    expect((await ctx.t.app.request(tampered.pathname + tampered.search)).status).toBe(400);
    expect((await first.callback()).status).toBe(200);
    expect((await first.callback()).status).toBe(400); // replay

    const late = await connect(ctx);
    ctx.t.clock.now += 11 * 60_000;
    const res = await late.callback();
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('expired');
    expect((await ctx.t.api('GET', '/v1/connections', { key: ctx.key })).json.connections).toHaveLength(1);
  });

  it('when Google is not configured, then connecting answers a clear problem', async () => {
    const t = await createTestApp();
    const { apiKey } = await newWorkspace(t.api);
    const m = await t.api('POST', '/v1/members', { key: apiKey, json: { email: 'a@example.com', name: 'A', timeZone: 'UTC' } });
    const res = await t.api('GET', `/v1/connect/google?memberId=${m.json.id}`, { key: apiKey });
    expect(res.json.code).toBe('google.not_configured');
  });
});

describe('Google sync', () => {
  it('when events change, then incremental syncs follow: create, move, cancel one instance, delete a series', async () => {
    fake.pageSize = 2;
    fake.put('primary', single('aaaa1', BASE));
    for (let w = 0; w < 3; w++) fake.put('primary', instance('ser1', BASE + w * 7 * 24 * HOUR));
    const ctx = await setup(fake);
    const c = await connected(ctx);
    expect(await runDueJobs(ctx.t.deps, ctx.t.clock.now, { owner: 't' })).toEqual({ ran: 1, failed: 0 });
    expect(await c.stored()).toEqual(c.truth());
    expect(await c.stored()).toHaveLength(4);

    fake.put('primary', single('bbbb2', BASE + 2 * HOUR));
    fake.put('primary', { ...single('aaaa1', BASE + 3 * HOUR), summary: 'Moved' });
    const [firstInstance] = fake.truth('primary').filter((e) => e.recurringEventId === 'ser1');
    fake.cancel('primary', firstInstance!.id);
    await c.sync();
    expect(await c.stored()).toEqual(c.truth());
    const incremental = fake.requests.filter((r) => r.query.syncToken);
    expect(incremental.length).toBeGreaterThan(0);
    expect(incremental.every((r) => !r.query.timeMin && !r.query.timeMax)).toBe(true);

    for (const e of fake.truth('primary').filter((x) => x.recurringEventId === 'ser1')) fake.cancel('primary', e.id);
    await c.sync();
    expect(await c.stored()).toEqual(c.truth());
    expect(await c.stored()).toHaveLength(2);
  });

  it('when Google answers 410 fullSyncRequired, then the calendar is wiped and fully re-synced without ghosts', async () => {
    fake.put('primary', single('aaaa1', BASE));
    fake.put('primary', single('bbbb2', BASE + HOUR));
    const ctx = await setup(fake);
    const c = await connected(ctx);
    await c.sync();
    // While our token is stale, an event vanishes from the truth without a tombstone we'd see.
    fake.calendar('primary').events.delete('bbbb2');
    fake.put('primary', single('cccc3', BASE + 5 * HOUR));
    fake.expireSyncTokens('primary');
    await c.sync();
    expect(await c.stored()).toEqual(c.truth());
  });

  it('when a page fails after others were stored, then resuming does not restart the listing', async () => {
    fake.pageSize = 2;
    for (let i = 0; i < 6; i++) fake.put('primary', single(`ev${i}aa`, BASE + i * HOUR));
    const ctx = await setup(fake, { retry: { ...noSleep, attempts: 1 } });
    const c = await connected(ctx);
    // Let the first page through, then fail the second.
    const original = fake.faults;
    let calls = 0;
    const listPath = '/calendar/v3/calendars/primary/events';
    const server = fake.server;
    server.prependListener('request', (req) => {
      if (req.url?.startsWith(listPath) && ++calls === 2) original.push({ kind: 'status', status: 503 });
    });
    await expect(c.sync()).rejects.toThrow();
    const stateAfterCrash = await ctx.t.deps.repos.events.syncState(c.workspaceId, c.calendar.id);
    expect(stateAfterCrash?.pageToken).toBeTruthy();
    expect(await c.stored()).toHaveLength(2);
    fake.requests.length = 0;
    await c.sync();
    expect(fake.requests[0]!.query.pageToken).toBe(stateAfterCrash!.pageToken);
    expect(await c.stored()).toEqual(c.truth());
  });

  it('when random changes meet random faults, pushes and changes during a sync, reconnects, and deletes of the connection or member during a sync, then after syncing the store equals the truth', async () => {
    const op = changeOp();
    const fault: fc.Arbitrary<Fault> = fc.oneof(
      fc.constant<Fault>({ kind: 'status', status: 429, retryAfterSeconds: 0 }),
      fc.constant<Fault>({ kind: 'status', status: 403, reason: 'rateLimitExceeded' }),
      fc.constant<Fault>({ kind: 'status', status: 500 }),
      fc.constant<Fault>({ kind: 'status', status: 503 }),
      fc.constant<Fault>({ kind: 'drop' }),
      fc.constant<Fault>({ kind: 'dropResponse' }),
      fc.constant<Fault>({ kind: 'gone' }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(convergenceRound(op, fault), { minLength: 1, maxLength: 4 }), async (rounds) => {
        const g = await startFakeGoogle();
        g.pageSize = 3;
        try {
          const ctx = await setup(g, { publicUrl: 'https://unmeet.example' });
          fake = g;
          // The connection in use: a new one after a delete and connecting again.
          let c = await connected(ctx);
          expect(await runDueJobs(ctx.t.deps, ctx.t.clock.now, { owner: 't' })).toEqual({ ran: 2, failed: 0 }); // first sync, push channel
          const job = () => ctx.t.deps.repos.jobs.getByKey(`calendar.sync:${c.calendar.id}`);
          const world: ConvergenceWorld<Fault> = {
            change(o) {
              const live = g.truth('primary');
              if (o.kind === 'add') g.put('primary', single(`e${o.n}xx`, BASE + o.hour * HOUR));
              if (o.kind === 'series') for (let k = 0; k < o.count; k++) g.put('primary', instance(`s${o.n}`, BASE + k * 24 * HOUR));
              if (o.kind === 'move' && live.length) {
                const e = live[o.pick % live.length]!;
                g.put('primary', { ...e, start: { dateTime: iso(BASE + o.hour * HOUR) }, end: { dateTime: iso(BASE + o.hour * HOUR + HOUR) } });
              }
              if (o.kind === 'remove' && live.length) g.cancel('primary', live[o.pick % live.length]!.id);
              if (o.kind === 'expire') g.expireSyncTokens('primary');
            },
            faults: g.faults,
            holdListing() {
              const gate = new ResponseGate();
              g.faults.unshift({ ...gate.fault(), path: /\/calendars\/primary\/events$/, method: 'GET' });
              return gate;
            },
            sync: () => c.sync(),
            runJobs: () => runDueJobs(ctx.t.deps, (ctx.t.clock.now += 5_000), { owner: 't' }),
            syncDue: async () => (await job())!.runAt <= ctx.t.clock.now + 5_000,
            // Through the newest channel we still hold; right after a reconnect (its watch job not run
            // yet) there is none, and "sync now" stands in for the push.
            async push() {
              for (const [id, ch] of [...g.channels.entries()].reverse()) {
                const headers = { 'x-goog-channel-id': id, 'x-goog-channel-token': ch.token!, 'x-goog-resource-state': 'exists', 'x-goog-resource-id': ch.resourceId };
                if ((await ctx.t.app.request('/webhooks/google', { method: 'POST', headers })).status === 200) return;
              }
              expect((await ctx.t.api('POST', `/v1/connections/${c.connection.id}/sync`, { key: ctx.key, json: {} })).status).toBe(202);
            },
            async reconnect() {
              expect((await (await connect(ctx)).callback()).status).toBe(200);
            },
            async remove(target) {
              const path = target === 'connection' ? `/v1/connections/${c.connection.id}` : `/v1/members/${ctx.memberId}`;
              expect((await ctx.t.api('DELETE', path, { key: ctx.key })).status).toBe(204);
              if (target === 'member') ctx.memberId = '';
            },
            async connectAgain() {
              if (!ctx.memberId) ctx.memberId = (await ctx.t.api('POST', '/v1/members', { key: ctx.key, json: { email: 'alice@example.com', name: 'Alice', timeZone: 'Europe/London' } })).json.id;
              c = await connected(ctx);
            },
            connectionRows: async () => connectionRowsLeft(ctx.t.deps),
            stored: () => c.stored(),
            truth: () => c.truth(),
          };
          await convergeThroughRounds(world, rounds, (stored, truth) => expect(stored).toEqual(truth));
          // A reconnect replaced the grant in place, and a delete left nothing before connecting again:
          // exactly one connection, no second copy of the events.
          expect((await ctx.t.api('GET', '/v1/connections', { key: ctx.key })).json.connections).toHaveLength(1);
          ctx.t.close();
        } finally {
          await g.stop();
        }
      }),
      { numRuns: 25 },
    );
  }, 240_000);
});

describe('Google event types', () => {
  it("when the calendar holds an out-of-office entry, a working-location entry and the member's own focus time, then only the out-of-office one is stored away", async () => {
    const mine = { organizer: { email: 'alice@example.com', self: true }, attendees: [] };
    fake.putOutOfOffice('primary', { id: 'ooo01', start: iso(BASE - 5 * HOUR), end: iso(BASE + 3 * HOUR), summary: 'Dentist' });
    fake.put('primary', { ...single('wloc01', BASE - 5 * HOUR), ...mine, summary: 'Home', eventType: 'workingLocation', transparency: 'transparent' });
    fake.put('primary', { ...single('focus01', BASE + 4 * HOUR), ...mine, summary: 'Deep work', eventType: 'focusTime', focusTimeProperties: { autoDeclineMode: 'declineNone' } });
    fake.put('primary', single('meet01', BASE + 5 * HOUR));
    const ctx = await setup(fake);
    const c = await connected(ctx);
    await c.sync();
    const events = new Map((await ctx.t.deps.repos.events.listForCalendar(c.workspaceId, c.calendar.id)).map((e) => [e.externalId, e]));
    expect(events.get('ooo01')).toMatchObject({ away: true, transparency: 'opaque', title: 'Dentist' });
    expect(events.get('wloc01')).toMatchObject({ transparency: 'transparent' });
    expect(events.get('focus01')).toMatchObject({ transparency: 'opaque' });
    for (const id of ['wloc01', 'focus01', 'meet01']) expect(events.get(id)!.away).toBeUndefined();
    // Away time is taken out of working time; the plain meeting (served as eventType 'default') still counts.
    const audit = await ctx.t.api('GET', '/v1/audit?from=2026-11-30&to=2026-12-01', { key: ctx.key });
    expect(audit.json.members[0].metrics).toMatchObject({ awayHours: 8, workingTimeHours: 0, meetingHours: 1, afterHoursMeetingHours: 1 });
  });

  it('when an out-of-office entry would be all-day or on a secondary calendar, then the fake refuses it as Google does', () => {
    expect(() => fake.putOutOfOffice('team@group.calendar.google.com', { id: 'ooo02', start: iso(BASE), end: iso(BASE + HOUR) })).toThrow(/primary calendar/);
    fake.focusTime = 'reject';
    expect(() => fake.putOutOfOffice('primary', { id: 'ooo03', start: iso(BASE), end: iso(BASE + HOUR) })).toThrow(/work or school/);
  });
});

describe('Google push, revocation, free/busy and storage', () => {
  it('when a notification comes with a wrong token or unknown channel, then it is rejected; a right one expedites the sync', async () => {
    const ctx = await setup(fake, { publicUrl: 'https://unmeet.example' });
    const c = await connected(ctx);
    // Push channels need an HTTPS address; the renewal job opens one.
    expect(await runDueJobs(ctx.t.deps, ctx.t.clock.now, { owner: 't' })).toEqual({ ran: 2, failed: 0 });
    expect(fake.channels.size).toBe(1);
    const [channelId, channel] = [...fake.channels.entries()][0]!;
    const post = (headers: Record<string, string>) => ctx.t.app.request('/webhooks/google', { method: 'POST', headers });
    const base = { 'x-goog-channel-id': channelId, 'x-goog-resource-state': 'exists', 'x-goog-resource-id': channel.resourceId };
    expect((await post({ ...base, 'x-goog-channel-token': 'forged' })).status).toBe(401);
    expect((await post({ ...base, 'x-goog-channel-id': 'nope', 'x-goog-channel-token': channel.token! })).status).toBe(404);
    const job = await ctx.t.deps.repos.jobs.getByKey(`calendar.sync:${c.calendar.id}`);
    expect(job!.runAt).toBeGreaterThan(ctx.t.clock.now + 60_000);
    expect((await post({ ...base, 'x-goog-channel-token': channel.token! })).status).toBe(200);
    const after = await ctx.t.deps.repos.jobs.getByKey(`calendar.sync:${c.calendar.id}`);
    expect(after!.runAt).toBeLessThanOrEqual(ctx.t.clock.now + 2_000);

    // Disconnect stops the channel and revokes the grant.
    expect((await ctx.t.api('DELETE', `/v1/connections/${c.connection.id}`, { key: ctx.key })).status).toBe(204);
    expect(fake.channels.size).toBe(0);
    expect(fake.requests.some((r) => r.path === '/revoke')).toBe(true);
  });

  it('when the grant is revoked, then the connection needs re-authorization and its jobs stop', async () => {
    const ctx = await setup(fake);
    const c = await connected(ctx);
    await c.sync();
    fake.revokeAll();
    await expect(c.sync()).rejects.toMatchObject({ code: 'connection.needs_reauth' });
    const conn = await ctx.t.api('GET', `/v1/connections/${c.connection.id}`, { key: ctx.key });
    expect(conn.json.status).toBe('needs_reauth');
    expect(await ctx.t.deps.repos.jobs.getByKey(`calendar.sync:${c.calendar.id}`)).toBeUndefined();
  });

  it('when free/busy spans more than 90 days, then it is chunked and merged', async () => {
    fake.put('primary', single('aaaa1', BASE));
    fake.put('primary', single('bbbb2', BASE + 100 * 24 * HOUR));
    const ctx = await setup(fake);
    const c = await connected(ctx);
    const { providerFor } = await import('../../src/services/providers');
    const row = await ctx.t.deps.repos.connections.get(c.workspaceId, c.connection.id);
    const provider = await providerFor(ctx.t.deps, row!);
    const busy = await provider.freeBusy!(['primary'], { start: BASE - 24 * HOUR, end: BASE + 200 * 24 * HOUR });
    expect(busy.primary).toEqual([
      { start: BASE, end: BASE + HOUR },
      { start: BASE + 100 * 24 * HOUR, end: BASE + 101 * 24 * HOUR - 23 * HOUR },
    ]);
    expect(fake.requests.filter((r) => r.path === '/calendar/v3/freeBusy')).toHaveLength(3);
  });

  it('when tokens are stored, then neither token appears in plaintext anywhere in the database file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'unmeet-google-'));
    try {
      const handle = openSqlite(join(dir, 'u.db'));
      const ctx = await setup(fake, { db: handle.db, repos: createRepositories({ db: handle.db }) });
      const c = await connected(ctx);
      await c.sync();
      const tokenResponse = fake.requests.filter((r) => r.path === '/token');
      expect(tokenResponse.length).toBeGreaterThan(0);
      const tokens = [...(fake as unknown as { refreshTokens: Set<string> }).refreshTokens, ...(fake as unknown as { accessTokens: Map<string, unknown> }).accessTokens.keys()];
      expect(tokens.length).toBeGreaterThanOrEqual(2);
      (handle.db as any).$client.pragma('wal_checkpoint(TRUNCATE)');
      const bytes = readFileSync(join(dir, 'u.db')).toString('latin1');
      for (const token of tokens) expect(bytes).not.toContain(token);
      handle.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('Google throttling and lost access', () => {
  const realSleep = { attempts: 3, baseDelayMs: 1, maxDelayMs: 5_000, sleep: defaultRetryPolicy.sleep, random: () => 0.5 };
  const listGaps = () => {
    const lists = fake.requests.filter((r) => r.path === '/calendar/v3/calendars/primary/events');
    return lists.slice(1).map((r, i) => r.at - lists[i]!.at);
  };

  it('when Google answers 429 with Retry-After: 1, in seconds or as an HTTP-date, then the retry comes at least that long after', async () => {
    fake.put('primary', single('aaaa1', BASE));
    const ctx = await setup(fake, { retry: realSleep });
    const c = await connected(ctx);
    fake.faults.push({ kind: 'status', status: 429, retryAfterSeconds: 1, path: /\/events$/ });
    await c.sync();
    expect(listGaps()).toHaveLength(1);
    expect(listGaps()[0]).toBeGreaterThanOrEqual(1_000);

    fake.requests.length = 0;
    fake.faults.push({ kind: 'status', status: 403, reason: 'userRateLimitExceeded', retryAfterDateSeconds: 1, path: /\/events$/ });
    await c.sync();
    expect(listGaps()).toHaveLength(1);
    expect(listGaps()[0]).toBeGreaterThanOrEqual(1_000);
    expect(await c.stored()).toEqual(c.truth());
  }, 15_000);

  it('when Google asks for a wait longer than the job lease allows, then the job is rescheduled at Retry-After instead of sleeping', async () => {
    const ctx = await setup(fake, { retry: { ...realSleep, maxDelayMs: 60_000 }, jobLeaseMs: 4_000 });
    const c = await connected(ctx);
    fake.faults.push({ kind: 'status', status: 429, retryAfterSeconds: 3, path: /\/events$/ });
    const started = Date.now();
    expect(await runDueJobs(ctx.t.deps, ctx.t.clock.now, { owner: 't', leaseMs: 4_000 })).toEqual({ ran: 0, failed: 1 });
    // Half the lease (2 s) is the most a run sleeps: the 3-s wait is the next run's start instead.
    expect(Date.now() - started).toBeLessThan(2_000);
    const job = await ctx.t.deps.repos.jobs.getByKey(`calendar.sync:${c.calendar.id}`);
    expect(job!.runAt).toBe(ctx.t.clock.now + 3_000);
    expect(job!.leaseUntil).toBeNull();

    fake.faults.push({ kind: 'status', status: 429, retryAfterDateSeconds: 3_600, path: /\/events$/ });
    expect(await runDueJobs(ctx.t.deps, job!.runAt, { owner: 't', leaseMs: 4_000 })).toEqual({ ran: 0, failed: 1 });
    const later = await ctx.t.deps.repos.jobs.getByKey(`calendar.sync:${c.calendar.id}`);
    expect(later!.runAt).toBeGreaterThan(ctx.t.clock.now + 3_598_000);
  }, 15_000);

  it('when the access token dies before its stored expiry, then it is refreshed and the sync goes on', async () => {
    fake.put('primary', single('aaaa1', BASE));
    const ctx = await setup(fake);
    const c = await connected(ctx);
    await c.sync();
    const before = (ctx.t.deps.db as any).$client.prepare('select credentials from connections').get().credentials;
    fake.expireAccessTokens();
    fake.put('primary', single('bbbb2', BASE + HOUR));
    await c.sync();
    expect(await c.stored()).toEqual(c.truth());
    const conn = await ctx.t.api('GET', `/v1/connections/${c.connection.id}`, { key: ctx.key });
    expect(conn.json).toMatchObject({ status: 'ok', lastError: null });
    // The fresh access token was sealed and stored.
    expect((ctx.t.deps.db as any).$client.prepare('select credentials from connections').get().credentials).not.toBe(before);
    expect(fake.requests.filter((r) => r.path === '/token').length).toBeGreaterThanOrEqual(2);
  });

  it('when Google answers 403, then only a lost scope needs re-authorisation; a calendar refusal is an error and throttling is retried, each recorded as seen', async () => {
    const ctx = await setup(fake);
    const c = await connected(ctx);
    const status = async () => (await ctx.t.api('GET', `/v1/connections/${c.connection.id}`, { key: ctx.key })).json;

    fake.faults.push({ kind: 'status', status: 403, reason: 'rateLimitExceeded', path: /\/events$/ });
    await c.sync();
    expect(await status()).toMatchObject({ status: 'ok', lastError: null });

    fake.faults.push({ kind: 'status', status: 403, reason: 'forbidden', path: /\/events$/ });
    await expect(c.sync()).rejects.toMatchObject({ kind: 'invalid', reason: 'forbidden' });
    expect(await status()).toMatchObject({ status: 'error' });

    fake.faults.push({ kind: 'status', status: 403, reason: 'insufficientPermissions', path: /\/events$/ });
    await expect(c.sync()).rejects.toMatchObject({ code: 'connection.needs_reauth' });
    expect(await status()).toMatchObject({ status: 'needs_reauth', lastError: 'auth.insufficientPermissions' });
  });

  it('when the refresh itself is refused, then the connection needs re-authorisation with invalid_grant recorded', async () => {
    const ctx = await setup(fake);
    const c = await connected(ctx);
    await c.sync();
    fake.revokeAll();
    await expect(c.sync()).rejects.toMatchObject({ code: 'connection.needs_reauth' });
    expect((await ctx.t.api('GET', `/v1/connections/${c.connection.id}`, { key: ctx.key })).json).toMatchObject({ status: 'needs_reauth', lastError: 'auth.invalid_grant' });
  });
});
