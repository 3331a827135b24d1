import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { workingIntervals } from '../../src/domain/working-hours';
import { runDueJobs } from '../../src/jobs/run-due-jobs';
import { syncProviderCalendar } from '../../src/services/provider-sync';
import { syncWindow } from '../../src/services/sync';
import { startFakeGraph, type FakeGraph, type FakeGraphEvent, type GraphFault } from '../fakes/graph/server';
import { ResponseGate } from '../fakes/local-server';
import { createTestApp, newWorkspace } from '../helpers/app';
import { changeOp, connectionRowsLeft, convergeThroughRounds, convergenceRound, type ConvergenceWorld } from '../helpers/sync-convergence';

const sleeps: number[] = [];
const noSleep = { attempts: 4, baseDelayMs: 1, maxDelayMs: 30_000, sleep: async (ms: number) => void sleeps.push(ms), random: () => 0.5 };

const BASE = Date.parse('2026-11-30T14:00:00Z');
const HOUR = 3_600_000;
/** Graph's dateTime with `Prefer: outlook.timezone="UTC"`: no offset, seven fractional digits. */
const graphTime = (ms: number) => ({ dateTime: new Date(ms).toISOString().replace('Z', '').replace(/\.(\d{3})$/, '.$10000'), timeZone: 'UTC' });

function single(id: string, startMs: number, subject = `Meeting ${id}`): FakeGraphEvent {
  return {
    id,
    subject,
    start: graphTime(startMs),
    end: graphTime(startMs + HOUR),
    type: 'singleInstance',
    showAs: 'busy',
    organizer: { emailAddress: { address: 'Bob@example.com', name: 'Bob' } },
    attendees: [
      { type: 'required', status: { response: 'accepted' }, emailAddress: { address: 'alice@example.com' } },
      { type: 'required', status: { response: 'organizer' }, emailAddress: { address: 'bob@example.com' } },
    ],
    bodyPreview: 'Agenda: 1. status 2. risks',
    isOnlineMeeting: true,
  };
}

function occurrence(master: string, startMs: number): FakeGraphEvent {
  return { ...single(`${master}-occ-${startMs}`, startMs, `Series ${master}`), type: 'occurrence', seriesMasterId: master, originalStart: new Date(startMs).toISOString() };
}

async function setup(fake: FakeGraph, overrides = {}) {
  const t = await createTestApp({
    microsoft: { clientId: fake.clientId, clientSecret: fake.clientSecret, tenant: fake.tenant, apiRoot: fake.apiRoot, oauthRoot: fake.url },
    retry: noSleep,
    ...overrides,
  });
  fake.now = () => t.clock.now;
  // Graph reaches our webhook through the app itself (it has no socket in tests).
  fake.webhookFetch = async (url, init) => t.app.request(url, init);
  const { apiKey } = await newWorkspace(t.api);
  const member = await t.api('POST', '/v1/members', { key: apiKey, json: { email: 'alice@example.com', name: 'Alice', timeZone: 'Europe/London' } });
  return { t, key: apiKey, memberId: member.json.id as string };
}
type Ctx = Awaited<ReturnType<typeof setup>>;

async function connect(ctx: Ctx) {
  const start = await ctx.t.app.request(`/v1/connect/microsoft?memberId=${ctx.memberId}`, { headers: { authorization: `Bearer ${ctx.key}` } });
  expect(start.status).toBe(302);
  const consent = await fetch(start.headers.get('location')!, { redirect: 'manual' });
  expect(consent.status).toBe(302);
  const back = new URL(consent.headers.get('location')!);
  return { back, callback: () => ctx.t.app.request(back.pathname + back.search) };
}

async function connected(ctx: Ctx, fake: FakeGraph) {
  const { callback } = await connect(ctx);
  expect((await callback()).status).toBe(200);
  const [connection] = (await ctx.t.api('GET', '/v1/connections', { key: ctx.key })).json.connections;
  const workspaceId = (await ctx.t.api('GET', '/v1/workspace', { key: ctx.key })).json.id as string;
  const [calendar] = await ctx.t.deps.repos.connections.calendars(workspaceId, connection.id);
  const stored = async () => (await ctx.t.deps.repos.events.listForCalendar(workspaceId, calendar!.id)).map((e) => `${e.externalId}|${e.title}|${e.start}`).sort();
  const truth = () => {
    const w = syncWindow(ctx.t.clock.now);
    return fake
      .truth()
      .map((e) => ({ e, s: Date.parse(`${e.start.dateTime}Z`), en: Date.parse(`${e.end.dateTime}Z`) }))
      .filter(({ s, en }) => s < w.end && en > w.start)
      .map(({ e, s }) => `${e.id}|${e.subject}|${s}`)
      .sort();
  };
  const sync = () => syncProviderCalendar(ctx.t.deps, workspaceId, connection.id, calendar!.id);
  const credentials = async () => {
    const row = await ctx.t.deps.repos.connections.get(workspaceId, connection.id);
    return JSON.parse(await ctx.t.deps.vault.open(row!.credentials!, connection.id)) as { refresh_token: string; access_token: string };
  };
  const member = async () => (await ctx.t.api('GET', `/v1/members/${ctx.memberId}`, { key: ctx.key })).json;
  return { connection, calendar: calendar!, workspaceId, stored, truth, sync, credentials, member };
}

let fake: FakeGraph;
beforeEach(async () => {
  sleeps.length = 0;
  fake = await startFakeGraph();
});
afterEach(() => fake.stop());

describe('Outlook connect flow', () => {
  it('when the member consents, then tokens are sealed, every rotated refresh token is stored, and mailbox settings fill the profile', async () => {
    fake.put(single('AAMk-1', BASE));
    const ctx = await setup(fake);
    const { back, callback } = await connect(ctx);
    expect(back.pathname).toBe('/oauth/microsoft/callback');
    const authorize = fake.requests.find((r) => r.path.endsWith('/oauth2/v2.0/authorize'))!;
    expect(authorize.tenant).toBe(fake.tenant);
    expect(authorize.query).toMatchObject({ code_challenge_method: 'S256', response_type: 'code', login_hint: 'alice@example.com' });
    expect(authorize.query.nonce).toMatch(/^[\w-]{40,}$/);
    // `profile` is what brings `oid`, the account's stable id.
    expect(authorize.query.scope!.split(' ')).toEqual(['openid', 'email', 'profile', 'offline_access', 'Calendars.ReadWrite', 'MailboxSettings.Read']);
    const res = await callback();
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('Outlook calendar connected');
    const raw = (ctx.t.deps.db as any).$client.prepare('select credentials from connections').get();
    expect(raw.credentials).toMatch(/^v\d+\./);
    expect(raw.credentials).not.toContain('0.AR');

    expect(await runDueJobs(ctx.t.deps, ctx.t.clock.now, { owner: 't' })).toEqual({ ran: 1, failed: 0 });
    const [connection] = (await ctx.t.api('GET', '/v1/connections', { key: ctx.key })).json.connections;
    expect(connection).toMatchObject({ provider: 'microsoft', status: 'ok' });
    const audit = await ctx.t.api('GET', '/v1/audit?from=2026-11-30&to=2026-12-01', { key: ctx.key });
    expect(audit.json.members[0].metrics.meetingHours).toBe(1);
    const member = (await ctx.t.api('GET', `/v1/members/${ctx.memberId}`, { key: ctx.key })).json;
    expect(member.timeZone).toBe('America/Los_Angeles');
    expect(member.workingHours).toEqual(Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri'].map((d) => [d, [['08:00', '17:00']]])));
  });

  it('when access tokens expire, then each refresh rotates the refresh token and the new one is stored; a revoked grant needs re-authorization', async () => {
    fake.put(single('AAMk-1', BASE));
    const ctx = await setup(fake);
    const c = await connected(ctx, fake);
    await c.sync();
    const first = await c.credentials();
    for (let round = 0; round < 3; round++) {
      ctx.t.clock.now += 2 * HOUR;
      const before = (await c.credentials()).refresh_token;
      fake.put(single(`AAMk-r${round}`, BASE + (round + 1) * HOUR));
      await c.sync();
      const after = await c.credentials();
      expect(after.refresh_token).not.toBe(before);
      expect(fake.usedRefreshTokens.has(before)).toBe(true);
      expect(fake.refreshTokens.has(after.refresh_token)).toBe(true);
      expect(await c.stored()).toEqual(c.truth());
    }
    expect(fake.refreshTokens.has(first.refresh_token)).toBe(false);

    fake.revokeAll();
    ctx.t.clock.now += 2 * HOUR;
    await expect(c.sync()).rejects.toMatchObject({ code: 'connection.needs_reauth' });
    expect((await ctx.t.api('GET', `/v1/connections/${c.connection.id}`, { key: ctx.key })).json.status).toBe('needs_reauth');
    expect(await ctx.t.deps.repos.jobs.getByKey(`calendar.sync:${c.calendar.id}`)).toBeUndefined();
  });

  it('when Microsoft is not configured, then connecting answers a clear problem', async () => {
    const t = await createTestApp();
    const { apiKey } = await newWorkspace(t.api);
    const m = await t.api('POST', '/v1/members', { key: apiKey, json: { email: 'a@example.com', name: 'A', timeZone: 'UTC' } });
    const res = await t.api('GET', `/v1/connect/microsoft?memberId=${m.json.id}`, { key: apiKey });
    expect(res.status).toBe(501);
    expect(res.json.code).toBe('microsoft.not_configured');
  });

  it('when a Microsoft callback carries a replayed state, then it is refused', async () => {
    const ctx = await setup(fake);
    const first = await connect(ctx);
    expect((await first.callback()).status).toBe(200);
    expect((await first.callback()).status).toBe(400);
  });
});

describe('Outlook delta sync', () => {
  it('when events change, then delta rounds follow: create, move, remove an occurrence, leave the window, delete a series', async () => {
    fake.pageSize = 2;
    fake.put(single('AAMk-1', BASE));
    for (let w = 0; w < 3; w++) fake.put(occurrence('SER1', BASE + w * 7 * 24 * HOUR));
    const ctx = await setup(fake);
    const c = await connected(ctx, fake);
    await c.sync();
    expect(await c.stored()).toHaveLength(4);
    expect(await c.stored()).toEqual(c.truth());
    const first = fake.requests.find((r) => r.path === '/v1.0/me/calendarView/delta')!;
    expect(first.prefer).toContain('outlook.timezone="UTC"');
    expect(first.prefer).toContain('IdType="ImmutableId"');
    expect(first.query.startDateTime).toBeTruthy();
    const stored = await ctx.t.deps.repos.events.listForCalendar(c.workspaceId, c.calendar.id);
    const occ = stored.find((e) => e.seriesKey === 'SER1')!;
    expect(occ).toMatchObject({ organizer: 'bob@example.com', hasConferencing: true, allDay: false, transparency: 'opaque' });
    expect(occ.originalStart).toBe(occ.start);
    expect(occ.description).toMatchObject({ present: true, hasAgenda: true });

    fake.requests.length = 0;
    fake.put(single('AAMk-2', BASE + 2 * HOUR));
    fake.put({ ...single('AAMk-1', BASE + 3 * HOUR), subject: 'Moved' });
    const occurrences = fake.truth().filter((e) => e.seriesMasterId === 'SER1');
    fake.remove(occurrences[0]!.id);
    fake.put({ ...occurrences[1]!, start: graphTime(BASE + 400 * 24 * HOUR), end: graphTime(BASE + 400 * 24 * HOUR + HOUR) });
    await c.sync();
    expect(await c.stored()).toEqual(c.truth());
    expect(await c.stored()).toHaveLength(3);
    const rounds = fake.requests.filter((r) => r.path === '/v1.0/me/calendarView/delta');
    expect(rounds[0]!.query.$deltatoken).toBeTruthy();
    expect(rounds.every((r) => !r.query.startDateTime)).toBe(true);

    for (const e of fake.truth().filter((x) => x.seriesMasterId === 'SER1')) fake.remove(e.id);
    await c.sync();
    expect(await c.stored()).toEqual(c.truth());
    expect(await c.stored()).toHaveLength(2);
  });

  it('when the delta token expires (410 Gone, then syncStateNotFound), then the calendar is wiped and re-synced without ghosts', async () => {
    fake.put(single('AAMk-1', BASE));
    fake.put(single('AAMk-2', BASE + HOUR));
    const ctx = await setup(fake);
    const c = await connected(ctx, fake);
    await c.sync();
    for (const id of ['AAMk-2', 'AAMk-3']) {
      // While our token is stale, an event vanishes without a removal we would see.
      fake.events.delete(id);
      fake.put(single(`${id}-new`, BASE + 5 * HOUR));
      fake.expireDeltaTokens();
      fake.requests.length = 0;
      await c.sync();
      expect(await c.stored()).toEqual(c.truth());
      expect(fake.requests.filter((r) => r.path === '/v1.0/me/calendarView/delta' && r.query.startDateTime)).toHaveLength(1);
    }
  });

  it('when Graph repeats a page forever (the maxpagesize bug), then the listing starts over without a page size and converges', async () => {
    fake.pageSize = 2;
    for (let i = 0; i < 7; i++) fake.put(single(`AAMk-${i}`, BASE + i * HOUR));
    const ctx = await setup(fake);
    const c = await connected(ctx, fake);
    fake.faults.push({ kind: 'loop' });
    const result = await c.sync();
    expect(result.pages).toBeLessThan(20);
    expect(await c.stored()).toEqual(c.truth());
    const initial = fake.requests.filter((r) => r.path === '/v1.0/me/calendarView/delta' && r.query.startDateTime);
    expect(initial).toHaveLength(2);
    expect(initial[1]!.prefer).not.toContain('maxpagesize');
  });

  it('when a page fails after others were stored, then resuming continues from the stored nextLink', async () => {
    fake.pageSize = 2;
    for (let i = 0; i < 6; i++) fake.put(single(`AAMk-${i}`, BASE + i * HOUR));
    const ctx = await setup(fake, { retry: { ...noSleep, attempts: 1 } });
    const c = await connected(ctx, fake);
    let calls = 0;
    fake.server.prependListener('request', (req) => {
      if (req.url?.startsWith('/v1.0/me/calendarView/delta') && ++calls === 2) fake.faults.push({ kind: 'status', status: 503 });
    });
    await expect(c.sync()).rejects.toThrow();
    const state = await ctx.t.deps.repos.events.syncState(c.workspaceId, c.calendar.id);
    expect(state?.pageToken).toContain('$skiptoken=');
    expect(await c.stored()).toHaveLength(2);
    fake.requests.length = 0;
    await c.sync();
    expect(fake.requests.find((r) => r.path.startsWith('/v1.0/me/calendarView'))!.query.$skiptoken).toBe(new URL(state!.pageToken!).searchParams.get('$skiptoken'));
    expect(await c.stored()).toEqual(c.truth());
  });

  it('when Graph throttles with 429/503/504, then Retry-After is honoured', async () => {
    fake.put(single('AAMk-1', BASE));
    const ctx = await setup(fake);
    const c = await connected(ctx, fake);
    fake.faults.push({ kind: 'status', status: 429, retryAfterSeconds: 7 }, { kind: 'status', status: 503, retryAfterSeconds: 2 }, { kind: 'status', status: 504 });
    await c.sync();
    expect(sleeps.slice(0, 2)).toEqual([7_000, 2_000]);
    expect(await c.stored()).toEqual(c.truth());
  });

  it('when Graph gives Retry-After as an HTTP-date, then the wait runs until that date', async () => {
    fake.put(single('AAMk-1', BASE));
    const ctx = await setup(fake);
    const c = await connected(ctx, fake);
    sleeps.length = 0;
    fake.faults.push({ kind: 'status', status: 429, retryAfterDateSeconds: 5 });
    await c.sync();
    // The date is rounded up to a whole second: between 5 and 6 s from the answer.
    expect(sleeps[0]).toBeGreaterThan(4_000);
    expect(sleeps[0]).toBeLessThanOrEqual(6_000);
    expect(await c.stored()).toEqual(c.truth());
  });

  it('when the window has moved on a week, then the calendar is listed again over the new window', async () => {
    fake.put(single('AAMk-1', BASE));
    const ctx = await setup(fake);
    const c = await connected(ctx, fake);
    await c.sync();
    ctx.t.clock.now += 3 * 86_400_000;
    fake.requests.length = 0;
    await c.sync();
    expect(fake.requests.some((r) => r.query.startDateTime)).toBe(false);
    ctx.t.clock.now += 5 * 86_400_000;
    await c.sync();
    const relisted = fake.requests.filter((r) => r.query.startDateTime);
    expect(relisted).toHaveLength(1);
    expect(Date.parse(relisted[0]!.query.startDateTime!)).toBe(syncWindow(ctx.t.clock.now).start);
    expect(await c.stored()).toEqual(c.truth());
  });

  it('when random changes meet random faults, pushes and changes during a sync, reconnects, and deletes of the connection or member during a sync, then after syncing the store equals the truth', async () => {
    const op = changeOp({ farMoves: true });
    const fault: fc.Arbitrary<GraphFault> = fc.oneof(
      fc.constant<GraphFault>({ kind: 'status', status: 429, retryAfterSeconds: 0 }),
      fc.constant<GraphFault>({ kind: 'status', status: 503, retryAfterSeconds: 1 }),
      fc.constant<GraphFault>({ kind: 'status', status: 504 }),
      fc.constant<GraphFault>({ kind: 'status', status: 500 }),
      fc.constant<GraphFault>({ kind: 'drop' }),
      fc.constant<GraphFault>({ kind: 'dropResponse' }),
      fc.constant<GraphFault>({ kind: 'gone' }),
      fc.constant<GraphFault>({ kind: 'syncStateNotFound' }),
      fc.constant<GraphFault>({ kind: 'loop' }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(convergenceRound(op, fault), { minLength: 1, maxLength: 4 }), async (rounds) => {
        const g = await startFakeGraph();
        g.pageSize = 3;
        try {
          const ctx = await setup(g, { publicUrl: 'https://unmeet.example' });
          // The connection in use: a new one after a delete and connecting again.
          let c = await connected(ctx, g);
          expect(await runDueJobs(ctx.t.deps, ctx.t.clock.now, { owner: 't' })).toEqual({ ran: 2, failed: 0 }); // first sync, subscription
          const job = () => ctx.t.deps.repos.jobs.getByKey(`calendar.sync:${c.calendar.id}`);
          const world: ConvergenceWorld<GraphFault> = {
            change(o) {
              const live = g.truth();
              if (o.kind === 'add') g.put(single(`e${o.n}`, BASE + o.hour * HOUR));
              if (o.kind === 'series') for (let k = 0; k < o.count; k++) g.put(occurrence(`S${o.n}`, BASE + k * 24 * HOUR));
              if (o.kind === 'move' && live.length) {
                const e = live[o.pick % live.length]!;
                g.put({ ...e, start: graphTime(BASE + o.hour * HOUR), end: graphTime(BASE + o.hour * HOUR + HOUR) });
              }
              if (o.kind === 'remove' && live.length) g.remove(live[o.pick % live.length]!.id);
              if (o.kind === 'expire') g.expireDeltaTokens();
            },
            faults: g.faults,
            holdListing() {
              const gate = new ResponseGate();
              g.faults.unshift({ ...gate.fault(), path: /\/me\/calendarView\/delta$/, method: 'GET' });
              return gate;
            },
            sync: () => c.sync(),
            runJobs: () => runDueJobs(ctx.t.deps, (ctx.t.clock.now += 5_000), { owner: 't' }),
            syncDue: async () => (await job())!.runAt <= ctx.t.clock.now + 5_000,
            // A Graph notification; right after a reconnect (no subscription yet) "sync now" stands in.
            async push() {
              if ((await g.notify()).some((status) => status === 202)) return;
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
              c = await connected(ctx, g);
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

describe('Outlook show-as', () => {
  it('when an event shows as Away (oof), then it is stored away and the audit takes it out of working time; working elsewhere is free and not away', async () => {
    const mine = { organizer: { emailAddress: { address: 'alice@example.com' } }, attendees: [] };
    fake.put({ ...single('AAMk-oof', BASE - 2 * HOUR), ...mine, end: graphTime(BASE + 3 * HOUR), subject: 'Doctor', showAs: 'oof' });
    fake.put({ ...single('AAMk-wfh', BASE - 5 * HOUR), ...mine, subject: 'Home office', showAs: 'workingElsewhere' });
    fake.put(single('AAMk-busy', BASE + 4 * HOUR));
    const ctx = await setup(fake);
    const c = await connected(ctx, fake);
    await c.sync();
    const events = new Map((await ctx.t.deps.repos.events.listForCalendar(c.workspaceId, c.calendar.id)).map((e) => [e.externalId, e]));
    expect(events.get('AAMk-oof')).toMatchObject({ away: true, transparency: 'opaque' });
    expect(events.get('AAMk-wfh')).toMatchObject({ transparency: 'transparent' });
    expect(events.get('AAMk-wfh')!.away).toBeUndefined();
    expect(events.get('AAMk-busy')!.away).toBeUndefined();
    // The mailbox works 08:00–17:00 in Los Angeles: 12:00–17:00Z is 04:00–09:00 there, one away working hour.
    const audit = await ctx.t.api('GET', '/v1/audit?from=2026-11-30&to=2026-12-01', { key: ctx.key });
    expect(audit.json.members[0].metrics).toMatchObject({ awayHours: 1, workingTimeHours: 8 });
  });

  it('when a write names a show-as outside Graph\'s freeBusyStatus, then the fake refuses it as Graph does', async () => {
    const ctx = await setup(fake);
    const c = await connected(ctx, fake);
    const token = (await c.credentials()).access_token;
    const res = await fetch(`${fake.apiRoot}/me/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ subject: 'x', start: { dateTime: '2026-11-30T10:00:00', timeZone: 'UTC' }, end: { dateTime: '2026-11-30T11:00:00', timeZone: 'UTC' }, showAs: 'away' }),
    });
    expect(res.status).toBe(400);
  });
});

describe('Outlook change notifications', () => {
  async function subscribed() {
    const ctx = await setup(fake, { publicUrl: 'https://unmeet.example' });
    const c = await connected(ctx, fake);
    // The first sync and the subscription job (HTTPS public URL only).
    expect(await runDueJobs(ctx.t.deps, ctx.t.clock.now, { owner: 't' })).toEqual({ ran: 2, failed: 0 });
    expect(fake.subscriptions.size).toBe(1);
    const [sub] = [...fake.subscriptions.values()];
    const post = (body: unknown, query = '') =>
      ctx.t.app.request(`/webhooks/microsoft${query}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const syncJob = () => ctx.t.deps.repos.jobs.getByKey(`calendar.sync:${c.calendar.id}`);
    const watchJob = () => ctx.t.deps.repos.jobs.getByKey(`calendar.watch:${c.calendar.id}`);
    return { ctx, c, sub: sub!, post, syncJob, watchJob };
  }

  it('when a subscription is created, then Graph validates our endpoint and the clientState is stored only hashed', async () => {
    const { ctx, sub } = await subscribed();
    expect(sub).toMatchObject({ notificationUrl: 'https://unmeet.example/webhooks/microsoft', lifecycleNotificationUrl: 'https://unmeet.example/webhooks/microsoft', resource: 'me/events' });
    expect(fake.deliveries).toEqual([{ url: 'https://unmeet.example/webhooks/microsoft', kind: 'validation', status: 200, ok: true }]);
    const row = (ctx.t.deps.db as any).$client.prepare('select id, provider, token_hash, expires_at from watch_channels').get();
    expect(row).toMatchObject({ id: sub.id, provider: 'microsoft', expires_at: Date.parse(sub.expirationDateTime) });
    expect(row.token_hash).not.toContain(sub.clientState);
    expect(row.token_hash).toMatch(/^[0-9a-f]{64}$/);

    const handshake = await ctx.t.app.request(`/webhooks/microsoft?validationToken=${encodeURIComponent('a token & more')}`, { method: 'POST' });
    expect(handshake.status).toBe(200);
    expect(handshake.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await handshake.text()).toBe('a token & more');
  });

  it('when a notification carries a forged clientState or an unknown subscription, then it is refused; a genuine one answers 202 and expedites the sync', async () => {
    const { ctx, sub, post, syncJob } = await subscribed();
    expect((await syncJob())!.runAt).toBeGreaterThan(ctx.t.clock.now + 60_000);
    expect(await fake.notify({ clientState: 'forged' })).toEqual([401]);
    expect((await post({ value: [{ subscriptionId: 'nope', clientState: sub.clientState, changeType: 'updated' }] })).status).toBe(404);
    expect((await syncJob())!.runAt).toBeGreaterThan(ctx.t.clock.now + 60_000);
    expect(await fake.notify()).toEqual([202]);
    expect((await syncJob())!.runAt).toBeLessThanOrEqual(ctx.t.clock.now + 2_000);
    expect((await post({ nothing: true })).status).toBe(400);
  });

  it('when lifecycle events arrive, then reauthorizationRequired renews in place, missed syncs, subscriptionRemoved recreates', async () => {
    const { ctx, sub, syncJob, watchJob } = await subscribed();
    const due = () => runDueJobs(ctx.t.deps, ctx.t.clock.now + 5_000, { owner: 't' });

    ctx.t.clock.now += 86_400_000;
    expect(await fake.lifecycle('reauthorizationRequired')).toEqual([202]);
    expect((await watchJob())!.runAt).toBeLessThanOrEqual(ctx.t.clock.now + 2_000);
    await due();
    expect(fake.requests.some((r) => r.method === 'PATCH' && r.path === `/v1.0/subscriptions/${sub.id}`)).toBe(true);
    expect([...fake.subscriptions.keys()]).toEqual([sub.id]);
    expect(Date.parse(fake.subscriptions.get(sub.id)!.expirationDateTime)).toBeGreaterThan(ctx.t.clock.now + 6 * 86_400_000);

    expect(await fake.lifecycle('missed')).toEqual([202]);
    expect((await syncJob())!.runAt).toBeLessThanOrEqual(ctx.t.clock.now + 2_000);
    await due();

    expect(await fake.lifecycle('subscriptionRemoved')).toEqual([202]);
    expect(fake.subscriptions.size).toBe(0);
    await due();
    expect(fake.subscriptions.size).toBe(1);
    const [fresh] = [...fake.subscriptions.values()];
    expect(fresh!.id).not.toBe(sub.id);
    expect(fake.deliveries.filter((d) => d.kind === 'validation')).toHaveLength(2);
    expect(await fake.notify()).toEqual([202]);
    expect(await fake.lifecycle('missed', { clientState: 'forged' })).toEqual([401]);
  });

  it('when the renewal job comes round before expiry, then the subscription is extended; disconnecting deletes it', async () => {
    const { ctx, c, sub } = await subscribed();
    ctx.t.clock.now += 6 * 86_400_000 + 1_000;
    await runDueJobs(ctx.t.deps, ctx.t.clock.now, { owner: 't' });
    expect(Date.parse(fake.subscriptions.get(sub.id)!.expirationDateTime)).toBeGreaterThan(ctx.t.clock.now + 6 * 86_400_000);
    expect((await ctx.t.api('DELETE', `/v1/connections/${c.connection.id}`, { key: ctx.key })).status).toBe(204);
    expect(fake.subscriptions.size).toBe(0);
  });

  it('when the public URL is not HTTPS, then no subscription is made and polling alone keeps the calendar fresh', async () => {
    const ctx = await setup(fake);
    const c = await connected(ctx, fake);
    expect(await runDueJobs(ctx.t.deps, ctx.t.clock.now, { owner: 't' })).toEqual({ ran: 1, failed: 0 });
    expect(fake.subscriptions.size).toBe(0);
    expect((await ctx.t.deps.repos.jobs.getByKey(`calendar.sync:${c.calendar.id}`))!.everyMs).toBe(15 * 60_000);
  });
});

describe('Outlook working hours, free/busy and limits', () => {
  it('when the mailbox works 09:00–17:00 in "W. Europe Standard Time", then those hours follow Berlin across DST, unless the member overrode them', async () => {
    fake.mailboxSettings = {
      timeZone: 'W. Europe Standard Time',
      workingHours: { daysOfWeek: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'], startTime: '09:00:00.0000000', endTime: '17:00:00.0000000', timeZone: { name: 'W. Europe Standard Time' } },
    };
    const ctx = await setup(fake);
    const c = await connected(ctx, fake);
    await c.sync();
    const member = await c.member();
    expect(member.timeZone).toBe('Europe/Berlin');
    // Friday before the switch (CEST, UTC+2) and Monday after it (CET, UTC+1): 2026-10-25.
    const [friday, monday] = workingIntervals(member.workingHours, member.timeZone, '2026-10-23', '2026-10-27');
    expect(new Date(friday!.start).toISOString()).toBe('2026-10-23T07:00:00.000Z');
    expect(new Date(monday!.start).toISOString()).toBe('2026-10-26T08:00:00.000Z');
    expect(new Date(monday!.end).toISOString()).toBe('2026-10-26T16:00:00.000Z');

    // The member sets their own hours: later mailbox changes no longer replace them.
    const patched = await ctx.t.api('PATCH', `/v1/members/${ctx.memberId}`, { key: ctx.key, json: { timeZone: 'Asia/Jakarta' } });
    expect(patched.status).toBe(200);
    fake.mailboxSettings = { timeZone: 'Tokyo Standard Time', workingHours: { daysOfWeek: ['monday'], startTime: '10:00:00.0000000', endTime: '12:00:00.0000000', timeZone: { name: 'Tokyo Standard Time' } } };
    fake.expireDeltaTokens();
    await c.sync();
    expect((await c.member()).timeZone).toBe('Asia/Jakarta');
    expect((await c.member()).workingHours.mon).toEqual([['09:00', '17:00']]);
  });

  it('when free/busy is asked, then busy events are merged and clipped like Google’s, free ones left out', async () => {
    fake.pageSize = 2;
    fake.put(single('AAMk-1', BASE));
    fake.put(single('AAMk-2', BASE + HOUR / 2));
    fake.put({ ...single('AAMk-3', BASE + 3 * HOUR), showAs: 'free' });
    fake.put({ ...single('AAMk-4', BASE + 5 * HOUR), showAs: 'tentative' });
    fake.put(single('AAMk-5', BASE + 9 * HOUR));
    const ctx = await setup(fake);
    const c = await connected(ctx, fake);
    const { providerFor } = await import('../../src/services/providers');
    const provider = await providerFor(ctx.t.deps, (await ctx.t.deps.repos.connections.get(c.workspaceId, c.connection.id))!);
    const busy = await provider.freeBusy!(['primary'], { start: BASE, end: BASE + 9 * HOUR + HOUR / 2 });
    expect(busy).toEqual({
      primary: [
        { start: BASE, end: BASE + HOUR + HOUR / 2 },
        { start: BASE + 5 * HOUR, end: BASE + 6 * HOUR },
        { start: BASE + 9 * HOUR, end: BASE + 9 * HOUR + HOUR / 2 },
      ],
    });
    expect(fake.requests.filter((r) => r.path === '/v1.0/me/calendarView').length).toBeGreaterThan(1);
  });

  it('when many calls run at once, then at most 4 reach Graph together for one mailbox', async () => {
    const ctx = await setup(fake);
    const c = await connected(ctx, fake);
    await c.sync();
    let inFlight = 0;
    let peak = 0;
    fake.server.prependListener('request', (req, res) => {
      if (!req.url?.startsWith('/v1.0/')) return;
      peak = Math.max(peak, ++inFlight);
      res.once('close', () => inFlight--);
    });
    for (let i = 0; i < 12; i++) fake.faults.push({ kind: 'delay', ms: 30 });
    const { providerFor } = await import('../../src/services/providers');
    const provider = await providerFor(ctx.t.deps, (await ctx.t.deps.repos.connections.get(c.workspaceId, c.connection.id))!);
    await Promise.all(Array.from({ length: 12 }, () => provider.profile!()));
    expect(peak).toBe(4);
  });
});
