import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { syncProviderCalendar } from '../../src/services/provider-sync';
import { startFakeGoogle, type FakeEvent, type FakeGoogle } from '../fakes/google/server';
import { createTestApp, newWorkspace } from '../helpers/app';

/**
 * A full sync over a calendar already stored (a 410, a reconnect) upserts each page and sweeps
 * what the listing did not return: no whole-calendar DELETE, at most one write per stored event,
 * and a crash between pages resumes into the same sweep. Row writes are counted by SQLite itself
 * (temporary triggers on the events table), so any statement that touches a row shows.
 */
const noSleep = { attempts: 1, baseDelayMs: 1, maxDelayMs: 5_000, sleep: async () => undefined, random: () => 0.5 };
const iso = (ms: number) => new Date(ms).toISOString().replace('.000', '');
const BASE = Date.parse('2026-11-30T14:00:00Z');
const HOUR = 3_600_000;
const LIST = /\/calendars\/primary\/events$/;

const single = (id: string, startMs: number, summary = `Meeting ${id}`): FakeEvent => ({
  id,
  status: 'confirmed',
  summary,
  start: { dateTime: iso(startMs) },
  end: { dateTime: iso(startMs + HOUR) },
  organizer: { email: 'bob@example.com' },
  attendees: [{ email: 'alice@example.com', responseStatus: 'accepted', self: true }],
});

let fake: FakeGoogle;
beforeEach(async () => {
  fake = await startFakeGoogle();
});
afterEach(() => fake.stop());

async function connected() {
  const t = await createTestApp({ google: { clientId: fake.clientId, clientSecret: fake.clientSecret, apiRoot: fake.url, oauthRoot: fake.url }, retry: noSleep });
  fake.now = () => t.clock.now;
  const { apiKey: key, workspace } = await newWorkspace(t.api);
  const member = await t.api('POST', '/v1/members', { key, json: { email: 'alice@example.com', name: 'Alice', timeZone: 'Europe/London' } });
  const start = await t.app.request(`/v1/connect/google?memberId=${member.json.id}`, { headers: { authorization: `Bearer ${key}` } });
  const back = new URL((await fetch(start.headers.get('location')!, { redirect: 'manual' })).headers.get('location')!);
  expect((await t.app.request(back.pathname + back.search)).status).toBe(200);
  const [connection] = (await t.api('GET', '/v1/connections', { key })).json.connections;
  const [calendar] = await t.deps.repos.connections.calendars(workspace.id, connection.id);
  const sqlite = (t.deps.db as unknown as { $client: { exec(sql: string): void; prepare(sql: string): { all(): unknown[] } } }).$client;
  const stored = async () => (await t.deps.repos.events.listForCalendar(workspace.id, calendar!.id)).map((e) => `${e.externalId}|${e.title}|${e.start}`).sort();
  const truth = () => fake.truth('primary').map((e) => `${e.id}|${e.summary}|${Date.parse(e.start!.dateTime!)}`).sort();
  const sync = () => syncProviderCalendar(t.deps, workspace.id, connection.id, calendar!.id);
  const state = () => t.deps.repos.events.syncState(workspace.id, calendar!.id);
  /** From now on, every row SQLite inserts, updates or deletes in events is logged. */
  const countWrites = () =>
    sqlite.exec(`
      create temp table event_writes (op text not null, external_id text not null);
      create temp trigger event_inserted after insert on main.events begin insert into event_writes values ('insert', new.external_id); end;
      create temp trigger event_updated after update on main.events begin insert into event_writes values ('update', new.external_id); end;
      create temp trigger event_deleted after delete on main.events begin insert into event_writes values ('delete', old.external_id); end;`);
  const writes = () => sqlite.prepare('select op, external_id as id from event_writes').all() as Array<{ op: string; id: string }>;
  return { t, stored, truth, sync, state, countWrites, writes };
}

/** The writes per event id, e.g. { ev1: ['update'] }. */
const perEvent = (writes: Array<{ op: string; id: string }>) => {
  const out: Record<string, string[]> = {};
  for (const w of writes) (out[w.id] ??= []).push(w.op);
  return out;
};

/** Ten events stored by a first full sync, then the truth drifts out of sight of the sync token. */
async function storedThenDrifted(c: Awaited<ReturnType<typeof connected>>) {
  await c.sync();
  expect(await c.stored()).toHaveLength(10);
  // Gone without a tombstone we would see, changed, added, untouched: only a full listing tells.
  fake.calendar('primary').events.delete('ev2aa');
  fake.calendar('primary').events.delete('ev7aa');
  fake.put('primary', single('ev4aa', BASE + 40 * HOUR, 'Moved'));
  fake.put('primary', single('newaa', BASE + 50 * HOUR));
  fake.expireSyncTokens('primary');
}

describe('a full sync over a stored calendar', () => {
  it('when Google asks for a full sync, then each listed event is written once, only the unlisted ones are deleted, and no whole-calendar delete runs', async () => {
    fake.pageSize = 3;
    for (let i = 0; i < 10; i++) fake.put('primary', single(`ev${i}aa`, BASE + i * HOUR));
    const c = await connected();
    await storedThenDrifted(c);
    c.countWrites();
    await c.sync();
    expect(await c.stored()).toEqual(c.truth());
    const byEvent = perEvent(c.writes());
    // At most one write per event: a wipe-then-insert would show as delete + insert for every id.
    for (const [id, ops] of Object.entries(byEvent)) expect(ops, id).toHaveLength(1);
    expect(byEvent).toMatchObject({ ev2aa: ['delete'], ev7aa: ['delete'], newaa: ['insert'], ev4aa: ['update'] });
    expect(c.writes().filter((w) => w.op === 'delete').map((w) => w.id).sort()).toEqual(['ev2aa', 'ev7aa']);
    expect(await c.state()).toMatchObject({ pageToken: null, fullSyncGen: null });
    expect((await c.state())?.syncToken).toBeTruthy();
  });

  it('when the full listing fails between pages, then the stored rows stay, the resumed run continues the listing and its sweep, and every event is still written once', async () => {
    fake.pageSize = 3;
    for (let i = 0; i < 10; i++) fake.put('primary', single(`ev${i}aa`, BASE + i * HOUR));
    const c = await connected();
    await storedThenDrifted(c);
    c.countWrites();
    // The 410, then the first page of the listing, then a failure on the second page.
    let lists = 0;
    fake.server.prependListener('request', (req) => {
      if (LIST.test(new URL(req.url!, fake.url).pathname) && ++lists === 3) fake.faults.unshift({ kind: 'status', status: 503, path: LIST });
    });
    await expect(c.sync()).rejects.toThrow();
    const crashed = (await c.state())!;
    expect(crashed.syncToken).toBeNull();
    expect(crashed.pageToken).toBeTruthy();
    expect(crashed.fullSyncGen).toEqual(expect.any(Number));
    // Nothing was wiped: the rows from before the listing are all still there.
    expect(c.writes().filter((w) => w.op === 'delete')).toEqual([]);
    expect(await c.stored()).toHaveLength(10 + c.writes().filter((w) => w.op === 'insert').length);

    fake.requests.length = 0;
    await c.sync();
    expect(fake.requests.find((r) => LIST.test(r.path))!.query.pageToken).toBe(crashed.pageToken);
    expect(await c.stored()).toEqual(c.truth());
    for (const [id, ops] of Object.entries(perEvent(c.writes()))) expect(ops, id).toHaveLength(1);
    expect(c.writes().filter((w) => w.op === 'delete').map((w) => w.id).sort()).toEqual(['ev2aa', 'ev7aa']);
  });

  it('when two full listings run in the same millisecond, then the second still sweeps what the first stored and it no longer lists', async () => {
    fake.pageSize = 4;
    for (let i = 0; i < 6; i++) fake.put('primary', single(`ev${i}aa`, BASE + i * HOUR));
    const c = await connected();
    await c.sync();
    fake.calendar('primary').events.delete('ev3aa');
    fake.expireSyncTokens('primary');
    // The test clock stands still: the generation, not the clock, tells the listings apart.
    await c.sync();
    expect(await c.stored()).toEqual(c.truth());
    expect(await c.stored()).toHaveLength(5);
  });
});
