import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runDueJobs } from '../../src/jobs/run-due-jobs';
import { syncProviderCalendar } from '../../src/services/provider-sync';
import { startFakeGoogle, type FakeEvent, type FakeGoogle } from '../fakes/google/server';
import { ResponseGate } from '../fakes/local-server';
import { createTestApp, newWorkspace } from '../helpers/app';

/**
 * Google sync while things happen around it: a push during a running sync, a delete during a
 * sync, "sync now", and the sync health the API shows. The fake holds a listing open (a slow
 * Google) so the test can act while the sync waits.
 */
const noSleep = { attempts: 4, baseDelayMs: 1, maxDelayMs: 5_000, sleep: async () => undefined, random: () => 0.5 };
const iso = (ms: number) => new Date(ms).toISOString().replace('.000', '');
const BASE = Date.parse('2026-11-30T14:00:00Z');
const HOUR = 3_600_000;
const LIST = /\/calendars\/primary\/events$/;

function single(id: string, startMs: number): FakeEvent {
  return {
    id,
    status: 'confirmed',
    summary: `Meeting ${id}`,
    start: { dateTime: iso(startMs) },
    end: { dateTime: iso(startMs + HOUR) },
    organizer: { email: 'bob@example.com' },
    attendees: [
      { email: 'alice@example.com', responseStatus: 'accepted', self: true },
      { email: 'bob@example.com', responseStatus: 'accepted' },
    ],
  };
}

let fake: FakeGoogle;
beforeEach(async () => {
  fake = await startFakeGoogle();
});
afterEach(() => fake.stop());

async function connected(overrides = {}) {
  const t = await createTestApp({
    google: { clientId: fake.clientId, clientSecret: fake.clientSecret, apiRoot: fake.url, oauthRoot: fake.url },
    retry: noSleep,
    ...overrides,
  });
  fake.now = () => t.clock.now;
  const { apiKey: key, workspace } = await newWorkspace(t.api);
  const member = await t.api('POST', '/v1/members', { key, json: { email: 'alice@example.com', name: 'Alice', timeZone: 'Europe/London' } });
  const start = await t.app.request(`/v1/connect/google?memberId=${member.json.id}`, { headers: { authorization: `Bearer ${key}` } });
  const consent = await fetch(start.headers.get('location')!, { redirect: 'manual' });
  const back = new URL(consent.headers.get('location')!);
  expect((await t.app.request(back.pathname + back.search)).status).toBe(200);
  const [connection] = (await t.api('GET', '/v1/connections', { key })).json.connections;
  const [calendar] = await t.deps.repos.connections.calendars(workspace.id, connection.id);
  const stored = async () => (await t.deps.repos.events.listForCalendar(workspace.id, calendar!.id)).map((e) => e.externalId).sort();
  const truth = () => fake.truth('primary').map((e) => e.id).sort();
  const job = () => t.deps.repos.jobs.getByKey(`calendar.sync:${calendar!.id}`);
  const run = () => runDueJobs(t.deps, t.clock.now, { owner: 'runner' });
  const count = (table: string) => ((t.deps.db as any).$client.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n;
  return { t, key, memberId: member.json.id as string, workspaceId: workspace.id, connection, calendar: calendar!, stored, truth, job, run, count };
}

/** Holds the next events listing open; the returned gate says when it arrived and releases it. */
function holdListing(): ResponseGate {
  const gate = new ResponseGate();
  fake.faults.push({ ...gate.fault(), path: LIST, method: 'GET' });
  return gate;
}

describe('a push while the calendar syncs', () => {
  it('when a push arrives while a sync of that calendar runs, then the calendar syncs again right after it, not a poll period later', async () => {
    fake.put('primary', single('aaaa1', BASE));
    const c = await connected({ publicUrl: 'https://unmeet.example' });
    expect(await c.run()).toEqual({ ran: 2, failed: 0 }); // first sync, and the push channel
    const [channelId, channel] = [...fake.channels.entries()][0]!;
    const push = () =>
      c.t.app.request('/webhooks/google', {
        method: 'POST',
        headers: { 'x-goog-channel-id': channelId, 'x-goog-channel-token': channel.token!, 'x-goog-resource-state': 'exists', 'x-goog-resource-id': channel.resourceId },
      });

    fake.put('primary', single('bbbb2', BASE + 2 * HOUR));
    expect((await push()).status).toBe(200);
    c.t.clock.now += 3_000;
    const gate = holdListing();
    const running = c.run();
    await gate.arrived;
    // Google answered from its truth before this change; the push announcing it comes mid-run.
    fake.put('primary', single('cccc3', BASE + 4 * HOUR));
    expect((await push()).status).toBe(200);
    gate.release();
    expect(await running).toEqual({ ran: 1, failed: 0 });
    expect(await c.stored()).toEqual(['aaaa1', 'bbbb2']);

    expect((await c.job())!.runAt).toBeLessThanOrEqual(c.t.clock.now);
    expect(await c.run()).toEqual({ ran: 1, failed: 0 });
    expect(await c.stored()).toEqual(c.truth());
    // With nothing announced during that run, the next one waits for the poll period again.
    expect((await c.job())!.runAt).toBe(c.t.clock.now + 15 * 60_000);
  });

  it('when a push arrives while the sync runs on Workers, then the job is handed to the queue again once the run ends', async () => {
    const queued: Array<{ jobId: string; delayMs: number }> = [];
    fake.put('primary', single('aaaa1', BASE));
    const c = await connected({ publicUrl: 'https://unmeet.example', enqueueJob: async (jobId: string, delayMs: number) => void queued.push({ jobId, delayMs }) });
    expect(await c.run()).toEqual({ ran: 2, failed: 0 });
    const gate = holdListing();
    c.t.clock.now += 16 * 60_000;
    const running = c.run();
    await gate.arrived;
    queued.length = 0;
    const [channelId, channel] = [...fake.channels.entries()][0]!;
    fake.put('primary', single('bbbb2', BASE + HOUR));
    await c.t.app.request('/webhooks/google', {
      method: 'POST',
      headers: { 'x-goog-channel-id': channelId, 'x-goog-channel-token': channel.token!, 'x-goog-resource-state': 'exists', 'x-goog-resource-id': channel.resourceId },
    });
    gate.release();
    await running;
    const jobId = (await c.job())!.id;
    // The push's own message finds the job leased (skipped); the one after the run does not.
    expect(queued.filter((q) => q.jobId === jobId).at(-1)).toEqual({ jobId, delayMs: 0 });
  });
});

describe('deleting while a sync runs', () => {
  it.each([
    ['connection', (c: Awaited<ReturnType<typeof connected>>) => `/v1/connections/${c.connection.id}`],
    ['member', (c: Awaited<ReturnType<typeof connected>>) => `/v1/members/${c.memberId}`],
  ])('when the %s is deleted while its sync waits for Google, then the delete wins and the sync stops cleanly with no rows left', async (_what, path) => {
    for (let i = 0; i < 5; i++) fake.put('primary', single(`ev${i}aa`, BASE + i * HOUR));
    const c = await connected();
    const gate = holdListing();
    const running = c.run();
    await gate.arrived;
    expect((await c.t.api('DELETE', path(c), { key: c.key })).status).toBe(204);
    gate.release();
    expect(await running).toEqual({ ran: 1, failed: 0 });
    expect(await c.job()).toBeUndefined();
    for (const table of ['connections', 'calendars', 'events', 'sync_state']) expect(c.count(table), table).toBe(0);
    expect((await c.t.api('GET', `/v1/connections/${c.connection.id}`, { key: c.key })).status).toBe(404);
  });

  it('when the member is deleted, then their Google push channel is stopped and no job is left coming round for the calendar that went', async () => {
    const c = await connected({ publicUrl: 'https://unmeet.example' });
    expect(await c.run()).toEqual({ ran: 2, failed: 0 }); // first sync, push channel
    expect(fake.channels.size).toBe(1);
    expect((await c.t.api('DELETE', `/v1/members/${c.memberId}`, { key: c.key })).status).toBe(204);
    expect(fake.channels.size).toBe(0);
    expect(c.count('jobs')).toBe(0);
    for (const table of ['connections', 'calendars', 'events', 'sync_state', 'watch_channels']) expect(c.count(table), table).toBe(0);
  });

  it('when the connection is deleted between two pages of a full sync, then the sync stops cleanly and nothing comes back', async () => {
    fake.pageSize = 2;
    for (let i = 0; i < 6; i++) fake.put('primary', single(`pg${i}aa`, BASE + i * HOUR));
    const c = await connected();
    const gate = new ResponseGate();
    // The second page is held: the first is stored by then.
    let lists = 0;
    const original = fake.faults;
    const server = fake.server;
    server.prependListener('request', (req) => {
      if (LIST.test(new URL(req.url!, fake.url).pathname) && ++lists === 2) original.unshift({ ...gate.fault(), path: LIST });
    });
    const sync = syncProviderCalendar(c.t.deps, c.workspaceId, c.connection.id, c.calendar.id);
    await gate.arrived;
    expect((await c.t.api('DELETE', `/v1/connections/${c.connection.id}`, { key: c.key })).status).toBe(204);
    gate.release();
    expect(await sync).toMatchObject({ stopped: 'deleted' });
    for (const table of ['connections', 'calendars', 'events', 'sync_state']) expect(c.count(table), table).toBe(0);
  });
});

describe('sync now', () => {
  it('when sync now is asked for a Google connection, then its sync is due at once and answered 202 with the job', async () => {
    fake.put('primary', single('aaaa1', BASE));
    const c = await connected();
    expect(await c.run()).toEqual({ ran: 1, failed: 0 });
    fake.put('primary', single('bbbb2', BASE + HOUR));
    const res = await c.t.api('POST', `/v1/connections/${c.connection.id}/sync`, { key: c.key, json: {} });
    expect(res.status, res.text).toBe(202);
    const job = (await c.job())!;
    expect(res.json).toMatchObject({ connection: { id: c.connection.id }, scheduled: [{ calendarId: c.calendar.id, jobId: job.id, running: false }] });
    expect(job.runAt).toBeLessThanOrEqual(c.t.clock.now);
    expect(await c.run()).toEqual({ ran: 1, failed: 0 });
    expect(await c.stored()).toEqual(['aaaa1', 'bbbb2']);
  });

  it('when sync now is asked on Workers, then the job is handed to the queue with no delay', async () => {
    const queued: string[] = [];
    const c = await connected({ enqueueJob: async (jobId: string) => void queued.push(jobId) });
    const res = await c.t.api('POST', `/v1/connections/${c.connection.id}/sync`, { key: c.key, json: {} });
    expect(res.status).toBe(202);
    expect(queued).toEqual([(await c.job())!.id]);
  });

  it('when sync now is asked while a sync runs, then the answer says so and the sync runs again right after', async () => {
    const c = await connected();
    const gate = holdListing();
    const running = c.run();
    await gate.arrived;
    const res = await c.t.api('POST', `/v1/connections/${c.connection.id}/sync`, { key: c.key, json: {} });
    expect(res.status).toBe(202);
    expect(res.json.scheduled[0].running).toBe(true);
    expect(res.json.message).toMatch(/runs again right after/);
    gate.release();
    await running;
    expect((await c.job())!.runAt).toBeLessThanOrEqual(c.t.clock.now);
  });

  it('when the grant was revoked, then sync now answers 409 connection.needs_reauth, saying to reconnect', async () => {
    const c = await connected();
    fake.revokeAll();
    expect(await c.run()).toEqual({ ran: 0, failed: 1 });
    const res = await c.t.api('POST', `/v1/connections/${c.connection.id}/sync`, { key: c.key, json: {} });
    expect(res.status).toBe(409);
    expect(res.json).toMatchObject({ code: 'connection.needs_reauth' });
    expect(res.json.detail).toMatch(/reconnect/);
  });
});

describe('sync health in the API', () => {
  it('when Google throttles the sync, then the connection says Google asked us to wait and when it retries', async () => {
    const c = await connected();
    fake.faults.push(...Array.from({ length: 4 }, () => ({ kind: 'status' as const, status: 429 as const, path: LIST })));
    expect(await c.run()).toEqual({ ran: 0, failed: 1 });
    const res = await c.t.api('GET', `/v1/connections/${c.connection.id}`, { key: c.key });
    expect(res.json.lastError).toBe('provider.rate_limited');
    // 12:00 UTC is 12:00 in London in November; the first retry is a minute later.
    expect(res.json.health).toMatchObject({ state: 'throttled', mode: 'polling', message: 'Google asked us to wait; retrying at 12:01.', lastSuccessfulSyncAt: null });
    expect(res.json.health.lastError).toMatchObject({ code: 'provider.rate_limited', at: new Date(c.t.clock.now).toISOString() });
  });

  it('when the last sync got a sync token and a push came later, then the lag counts from that sync and the pending change shows', async () => {
    const c = await connected({ publicUrl: 'https://unmeet.example' });
    expect(await c.run()).toEqual({ ran: 2, failed: 0 });
    const synced = c.t.clock.now;
    c.t.clock.now += 90_000;
    const [channelId, channel] = [...fake.channels.entries()][0]!;
    await c.t.app.request('/webhooks/google', {
      method: 'POST',
      headers: { 'x-goog-channel-id': channelId, 'x-goog-channel-token': channel.token!, 'x-goog-resource-state': 'exists', 'x-goog-resource-id': channel.resourceId },
    });
    c.t.clock.now += 30_000;
    const [listed] = (await c.t.api('GET', '/v1/connections', { key: c.key })).json.connections;
    expect(listed.health).toMatchObject({
      state: 'ok',
      mode: 'push',
      lagSeconds: 120,
      lastSuccessfulSyncAt: new Date(synced).toISOString(),
      changePendingSince: new Date(synced + 90_000).toISOString(),
      lastError: null,
    });
    expect(listed.health.message).toMatch(/announced a change at 12:01/);
  });

  it('when the grant is revoked, then health says to reconnect', async () => {
    const c = await connected();
    fake.revokeAll();
    await c.run();
    const res = await c.t.api('GET', `/v1/connections/${c.connection.id}`, { key: c.key });
    expect(res.json.health).toMatchObject({ state: 'needs_reauth', message: 'Access was revoked or has expired: reconnect the calendar.' });
  });
});
