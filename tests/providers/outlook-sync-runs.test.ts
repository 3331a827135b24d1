import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runDueJobs } from '../../src/jobs/run-due-jobs';
import { syncProviderCalendar } from '../../src/services/provider-sync';
import { startFakeGraph, type FakeGraph, type FakeGraphEvent } from '../fakes/graph/server';
import { ResponseGate } from '../fakes/local-server';
import { createTestApp, newWorkspace } from '../helpers/app';

/**
 * Outlook sync around other things: calendar settings followed again, a notification during a
 * running sync, and what sync health shows after Graph's repeated-page bug.
 */
const noSleep = { attempts: 4, baseDelayMs: 1, maxDelayMs: 30_000, sleep: async () => undefined, random: () => 0.5 };
const BASE = Date.parse('2026-11-30T14:00:00Z');
const HOUR = 3_600_000;
const DELTA = /\/me\/calendarView\/delta$/;
const graphTime = (ms: number) => ({ dateTime: new Date(ms).toISOString().replace('Z', '').replace(/\.(\d{3})$/, '.$10000'), timeZone: 'UTC' });
const hours = (zone: string, start: string, end: string) => ({
  daysOfWeek: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'],
  startTime: `${start}:00.0000000`,
  endTime: `${end}:00.0000000`,
  timeZone: { name: zone },
});

function single(id: string, startMs: number): FakeGraphEvent {
  return {
    id,
    subject: `Meeting ${id}`,
    start: graphTime(startMs),
    end: graphTime(startMs + HOUR),
    type: 'singleInstance',
    showAs: 'busy',
    organizer: { emailAddress: { address: 'bob@example.com', name: 'Bob' } },
    attendees: [
      { type: 'required', status: { response: 'accepted' }, emailAddress: { address: 'alice@example.com' } },
      { type: 'required', status: { response: 'organizer' }, emailAddress: { address: 'bob@example.com' } },
    ],
  };
}

let fake: FakeGraph;
beforeEach(async () => {
  fake = await startFakeGraph();
});
afterEach(() => fake.stop());

async function connected(overrides = {}) {
  const t = await createTestApp({
    microsoft: { clientId: fake.clientId, clientSecret: fake.clientSecret, tenant: fake.tenant, apiRoot: fake.apiRoot, oauthRoot: fake.url },
    retry: noSleep,
    ...overrides,
  });
  fake.now = () => t.clock.now;
  fake.webhookFetch = async (url, init) => t.app.request(url, init);
  const { apiKey: key, workspace } = await newWorkspace(t.api);
  const created = await t.api('POST', '/v1/members', { key, json: { email: 'alice@example.com', name: 'Alice', timeZone: 'Europe/London' } });
  const memberId = created.json.id as string;
  const start = await t.app.request(`/v1/connect/microsoft?memberId=${memberId}`, { headers: { authorization: `Bearer ${key}` } });
  const consent = await fetch(start.headers.get('location')!, { redirect: 'manual' });
  const back = new URL(consent.headers.get('location')!);
  expect((await t.app.request(back.pathname + back.search)).status).toBe(200);
  const [connection] = (await t.api('GET', '/v1/connections', { key })).json.connections;
  const [calendar] = await t.deps.repos.connections.calendars(workspace.id, connection.id);
  const stored = async () => (await t.deps.repos.events.listForCalendar(workspace.id, calendar!.id)).map((e) => e.externalId).sort();
  const sync = () => syncProviderCalendar(t.deps, workspace.id, connection.id, calendar!.id);
  const member = async () => (await t.api('GET', `/v1/members/${memberId}`, { key })).json;
  const settingsReads = () => fake.requests.filter((r) => r.path.endsWith('/me/mailboxSettings')).length;
  const health = async () => (await t.api('GET', `/v1/connections/${connection.id}`, { key })).json.health;
  return { t, key, memberId, connection, calendar: calendar!, stored, sync, member, settingsReads, health };
}

describe('following the calendar settings again', () => {
  it('when a member who had edited their zone follows the calendar settings again, then the very next sync takes the mailbox zone and hours', async () => {
    fake.mailboxSettings = { timeZone: 'W. Europe Standard Time', workingHours: hours('W. Europe Standard Time', '09:00', '17:00') };
    const c = await connected();
    await c.sync();
    expect((await c.member()).timeZone).toBe('Europe/Berlin');
    expect((await c.t.api('PATCH', `/v1/members/${c.memberId}`, { key: c.key, json: { timeZone: 'Asia/Jakarta' } })).status).toBe(200);
    fake.mailboxSettings = { timeZone: 'Tokyo Standard Time', workingHours: hours('Tokyo Standard Time', '10:00', '18:00') };
    c.t.clock.now += 60_000;
    await c.sync();
    expect((await c.member()).timeZone).toBe('Asia/Jakarta');

    const follow = await c.t.api('PATCH', `/v1/members/${c.memberId}`, { key: c.key, json: { followCalendarSettings: true } });
    expect(follow.json.followsCalendarSettings).toBe(true);
    // Same UTC day, an incremental sync: no full sync and no new day are needed.
    c.t.clock.now += 60_000;
    await c.sync();
    const member = await c.member();
    expect(member.timeZone).toBe('Asia/Tokyo');
    expect(member.workingHours.mon).toEqual([['10:00', '18:00']]);
    // Read once for that: later syncs the same day do not ask again.
    const reads = c.settingsReads();
    c.t.clock.now += 60_000;
    await c.sync();
    expect(c.settingsReads()).toBe(reads);
  });
});

describe('Outlook during a running sync', () => {
  it('when a change notification arrives while the calendar syncs, then it syncs again right after and holds the change', async () => {
    fake.put(single('AAMk-1', BASE));
    const c = await connected({ publicUrl: 'https://unmeet.example' });
    expect(await runDueJobs(c.t.deps, c.t.clock.now, { owner: 'r' })).toEqual({ ran: 2, failed: 0 });
    c.t.clock.now += 16 * 60_000;
    const gate = new ResponseGate();
    fake.faults.push({ ...gate.fault(), path: DELTA });
    const running = runDueJobs(c.t.deps, c.t.clock.now, { owner: 'r' });
    await gate.arrived;
    fake.put(single('AAMk-2', BASE + 2 * HOUR));
    expect(await fake.notify()).toEqual([202]);
    gate.release();
    expect(await running).toEqual({ ran: 1, failed: 0 });
    expect(await c.stored()).toEqual(['AAMk-1']);
    expect(await runDueJobs(c.t.deps, c.t.clock.now, { owner: 'r' })).toEqual({ ran: 1, failed: 0 });
    expect(await c.stored()).toEqual(['AAMk-1', 'AAMk-2']);
    expect((await c.health()).mode).toBe('push');
  });
});

describe('Outlook sync health', () => {
  it('when Graph repeats a page and the listing restarts, then health shows it as a notice for a day', async () => {
    fake.pageSize = 2;
    for (let i = 0; i < 5; i++) fake.put(single(`AAMk-${i}`, BASE + i * HOUR));
    const c = await connected();
    fake.faults.push({ kind: 'loop' });
    await c.sync();
    const health = await c.health();
    expect(health).toMatchObject({ state: 'ok', mode: 'polling', lastError: null, lagSeconds: 0 });
    // Told in the member's zone, Pacific time from the mailbox settings: 12:00 UTC is 04:00 there.
    expect(health.notice).toBe('At 04:00 Outlook sent the same page of changes twice; we listed the calendar again from the start. Nothing was lost.');
    c.t.clock.now += 25 * HOUR;
    expect((await c.health()).notice).toBeNull();
  });
});
