import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runDueJobs } from '../../src/jobs/run-due-jobs';
import { syncProviderCalendar } from '../../src/services/provider-sync';
import { applyFocus, focusClientId, reconcileFocusAfterSync } from '../../src/services/focus';
import { startFakeGoogle, type FakeEvent, type FakeGoogle, type Fault } from '../fakes/google/server';
import { createTestApp, newWorkspace } from '../helpers/app';

const noSleep = { attempts: 4, baseDelayMs: 1, maxDelayMs: 5_000, sleep: async () => undefined, random: () => 0.5 };
const HOUR = 3_600_000;
const MIN = 60_000;
const iso = (ms: number) => new Date(ms).toISOString().replace('.000', '');
// The test clock starts on Saturday 2026-11-28 12:00Z; Alice works Mon–Fri 09:00–17:00 in London (UTC in winter).
const MONDAY = Date.parse('2026-11-30T00:00:00Z');

function meeting(id: string, startMs: number, minutes = 60): FakeEvent {
  return {
    id,
    status: 'confirmed',
    summary: `Meeting ${id}`,
    description: 'Agenda:\n1. numbers',
    start: { dateTime: iso(startMs) },
    end: { dateTime: iso(startMs + minutes * MIN) },
    iCalUID: `${id}@google.com`,
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

/** A workspace with Alice, her Google calendar connected and synced, focus protection on. */
async function connectedAlice(options: { enable?: boolean; policy?: Record<string, unknown> } = {}) {
  const t = await createTestApp({
    google: { clientId: fake.clientId, clientSecret: fake.clientSecret, apiRoot: fake.url, oauthRoot: fake.url },
    retry: noSleep,
  });
  const { apiKey: key, workspace } = await newWorkspace(t.api);
  const member = await t.api('POST', '/v1/members', { key, json: { email: 'alice@example.com', name: 'Alice', timeZone: 'Europe/London' } });
  const memberId = member.json.id as string;
  const start = await t.app.request(`/v1/connect/google?memberId=${memberId}`, { headers: { authorization: `Bearer ${key}` } });
  const consent = await fetch(start.headers.get('location')!, { redirect: 'manual' });
  const back = new URL(consent.headers.get('location')!);
  expect((await t.app.request(back.pathname + back.search)).status).toBe(200);
  const [connection] = (await t.api('GET', '/v1/connections', { key })).json.connections;
  const workspaceId = workspace.id;
  const [calendar] = await t.deps.repos.connections.calendars(workspaceId, connection.id);
  const sync = async () => {
    t.clock.now += MIN; // a sync that starts after our writes sees them
    await syncProviderCalendar(t.deps, workspaceId, connection.id, calendar!.id);
  };
  await sync();
  if (options.policy) expect((await t.api('PATCH', `/v1/focus/members/${memberId}`, { key, json: { policy: options.policy } })).status).toBe(200);
  if (options.enable !== false) expect((await t.api('PATCH', `/v1/focus/members/${memberId}`, { key, json: { enabled: true } })).json.enabled).toBe(true);
  const apply = async () => {
    const res = await t.api('POST', '/v1/focus/apply', { key, json: {} });
    expect(res.status).toBe(200);
    return res.json.members[0];
  };
  const ours = () => fake.truth('primary').filter((e) => e.extendedProperties?.private?.unmeet === '1');
  const foreign = () => fake.truth('primary').filter((e) => e.extendedProperties?.private?.unmeet !== '1');
  const writes = () => t.deps.repos.focus.writes(workspaceId);
  const blocks = () => t.deps.repos.focus.blocks(workspaceId, memberId);
  return { t, key, memberId, workspaceId, connection, calendar: calendar!, sync, apply, ours, foreign, writes, blocks };
}

const spans = (events: FakeEvent[]) => events.map((e) => `${e.start!.dateTime}/${e.end!.dateTime}`).sort();

describe('focus blocks on Google Calendar', () => {
  it('when applied, then focus-time events tagged as ours reach the weekly target, each write is logged, and a second run writes nothing', async () => {
    fake.put('primary', meeting('mtg01', MONDAY + 10 * HOUR));
    const a = await connectedAlice({ policy: { autoDeclineMode: 'declineOnlyNewConflictingInvitations' } });
    const first = await a.apply();
    expect(first).toMatchObject({ status: 'applied', failed: 0, moved: 0, deleted: 0 });
    const ours = a.ours();
    expect(ours.length).toBe(first.created);
    const hours = ours.reduce((sum, e) => sum + (Date.parse(e.end!.dateTime!) - Date.parse(e.start!.dateTime!)), 0) / HOUR;
    expect(hours).toBe(20); // two working weeks in the 14-day horizon
    for (const e of ours) {
      expect(e).toMatchObject({
        eventType: 'focusTime',
        transparency: 'opaque',
        summary: 'Focus time',
        focusTimeProperties: { autoDeclineMode: 'declineOnlyNewConflictingInvitations', chatStatus: 'doNotDisturb' },
        extendedProperties: { private: { unmeet: '1' } },
      });
      expect(e.id).toMatch(/^unmeetf[0-9a-v]{26}$/);
      expect(Date.parse(e.start!.dateTime!) >= MONDAY + 11 * HOUR + 10 * MIN || Date.parse(e.end!.dateTime!) <= MONDAY + 10 * HOUR - 10 * MIN).toBe(true);
    }
    const writes = await a.writes();
    expect(writes).toHaveLength(first.created);
    expect(writes.every((w) => w.action === 'focus.create' && w.outcome === 'created:focusTime')).toBe(true);
    expect(await a.t.deps.repos.focus.focusTimeSupported(a.workspaceId, a.connection.id)).toBe(true);

    await a.sync();
    const second = await a.apply();
    expect(second).toMatchObject({ created: 0, moved: 0, deleted: 0, kept: first.created, failed: 0 });
    expect(await a.writes()).toHaveLength(first.created);
    expect(spans(a.ours())).toEqual(spans(ours));
  });

  it('when Google refuses focus time (a consumer account), then blocks are normal busy events and focus time is not tried again', async () => {
    fake.focusTime = 'reject';
    const a = await connectedAlice();
    const inserts = () => fake.requests.filter((r) => r.method === 'POST' && r.path === '/calendar/v3/calendars/primary/events').length;
    const before = inserts();
    const result = await a.apply();
    expect(result).toMatchObject({ status: 'applied', failed: 0 });
    expect(result.created).toBeGreaterThan(1);
    // One refused focus-time insert, then one insert per block.
    expect(inserts() - before).toBe(result.created + 1);
    for (const e of a.ours()) {
      expect(e.eventType).toBeUndefined();
      expect(e.focusTimeProperties).toBeUndefined();
      expect(e.transparency).toBe('opaque');
    }
    expect(await a.t.deps.repos.focus.focusTimeSupported(a.workspaceId, a.connection.id)).toBe(false);
    expect((await a.writes()).every((w) => w.outcome === 'created:busy')).toBe(true);
  });

  it('when Google silently stores focus time as a default event, then that is noticed and remembered too', async () => {
    fake.focusTime = 'downgrade';
    const a = await connectedAlice();
    await a.apply();
    // The first block came back as a default event; the others were written as busy events straight away.
    expect(a.ours().every((e) => e.eventType !== 'focusTime')).toBe(true);
    expect(a.ours().filter((e) => e.eventType === 'default')).toHaveLength(1);
    expect(await a.t.deps.repos.focus.focusTimeSupported(a.workspaceId, a.connection.id)).toBe(false);
  });

  it('when answers are lost, requests fail, and two runs race, then every block exists exactly once', async () => {
    const a = await connectedAlice();
    const faults: Fault[] = [{ kind: 'dropResponse' }, { kind: 'status', status: 503 }, { kind: 'drop' }, { kind: 'status', status: 429, retryAfterSeconds: 0 }, { kind: 'dropResponse' }];
    fake.faults.push(...faults.map((f) => ({ ...f, path: /\/events/ })));
    const results = await Promise.all([a.apply(), a.apply()]);
    fake.faults.length = 0;
    // Whatever failed outright is finished by the next run.
    await a.apply();
    const ours = a.ours();
    expect(new Set(ours.map((e) => e.id)).size).toBe(ours.length);
    expect(new Set(spans(ours)).size).toBe(ours.length);
    const hours = ours.reduce((sum, e) => sum + (Date.parse(e.end!.dateTime!) - Date.parse(e.start!.dateTime!)), 0) / HOUR;
    expect(hours).toBe(20);
    const rows = (await a.blocks()).filter((r) => r.status === 'active');
    expect(rows.map((r) => r.eventId).sort()).toEqual(ours.map((e) => e.id).sort());
    expect(results.some((r) => r.created > 0)).toBe(true);
    // A lost answer shows as "exists" (409 duplicate, then ours) in the log, never as a second event.
    expect((await a.writes()).some((w) => w.outcome.startsWith('exists'))).toBe(true);
  });

  it('when a meeting lands on a block, then after the sync the block is shrunk or moved, the member’s own move is respected, a deleted block is not re-created that day, and foreign events stay byte for byte', async () => {
    const own = meeting('mtg01', MONDAY + 24 * HOUR + 13 * HOUR);
    const privateOne: FakeEvent = { ...meeting('prv01', MONDAY + 2 * 24 * HOUR + 16 * HOUR, 30), attendees: [], organizer: { email: 'alice@example.com', self: true }, extendedProperties: { private: { other: 'x' } } };
    fake.put('primary', own);
    fake.put('primary', privateOne);
    const a = await connectedAlice();
    const foreignBefore = JSON.stringify(fake.truth('primary'));
    await a.apply();
    await a.sync();
    const [first, second, third] = [...a.ours()].sort((x, y) => Date.parse(x.start!.dateTime!) - Date.parse(y.start!.dateTime!));

    // 1. A new meeting in the middle of the first block.
    const firstStart = Date.parse(first!.start!.dateTime!);
    const intruder = meeting('mtg02', firstStart + 60 * MIN, 60);
    fake.put('primary', intruder);
    // 2. The member moves the second block by hand, an hour earlier and shorter.
    const movedStart = Date.parse(second!.start!.dateTime!) - HOUR;
    fake.put('primary', { ...second!, start: { dateTime: iso(movedStart) }, end: { dateTime: iso(movedStart + 2 * HOUR) } });
    // 3. The member deletes the third block.
    fake.cancel('primary', third!.id);
    const thirdDate = third!.start!.dateTime!.slice(0, 10);

    // The sync job runs (15 minutes later) and reconciles the focus blocks.
    a.t.clock.now += 16 * MIN;
    fake.requests.length = 0;
    expect(await runDueJobs(a.t.deps, a.t.clock.now, { owner: 't' })).toMatchObject({ failed: 0 });
    const after = a.ours();
    const busy = { start: Date.parse(intruder.start!.dateTime!) - 10 * MIN, end: Date.parse(intruder.end!.dateTime!) + 10 * MIN };
    for (const e of after) expect(Date.parse(e.start!.dateTime!) >= busy.end || Date.parse(e.end!.dateTime!) <= busy.start).toBe(true);
    expect(after.find((e) => e.id === first!.id)).toBeDefined(); // moved or shrunk in place, same event
    expect(after.find((e) => e.id === second!.id)).toMatchObject({ start: { dateTime: iso(movedStart) }, end: { dateTime: iso(movedStart + 2 * HOUR) } });
    expect(fake.requests.some((r) => r.path.endsWith(second!.id) && r.method !== 'GET')).toBe(false);
    expect(after.filter((e) => e.start!.dateTime!.startsWith(thirdDate))).toEqual([]);
    const rows = await a.blocks();
    expect(rows.find((r) => r.eventId === second!.id)?.status).toBe('member_moved');
    expect(rows.find((r) => r.eventId === third!.id)?.status).toBe('member_deleted');

    // Reconciling again changes nothing; disabling removes our future blocks, and only ours.
    await a.sync();
    const again = await reconcileFocusAfterSync(a.t.deps, a.workspaceId, a.connection.id);
    expect(again).toMatchObject({ created: 0, moved: 0, deleted: 0, failed: 0 });
    const off = await a.t.api('PATCH', `/v1/focus/members/${a.memberId}`, { key: a.key, json: { enabled: false } });
    expect(off.json).toMatchObject({ enabled: false, removedBlocks: after.length });
    expect(a.ours()).toEqual([]);
    const foreignNow = fake.truth('primary').filter((e) => e.id !== intruder.id);
    expect(JSON.stringify(foreignNow)).toBe(JSON.stringify(JSON.parse(foreignBefore).filter((e: FakeEvent) => e.extendedProperties?.private?.unmeet !== '1')));
    const writes = await a.writes();
    expect(writes.every((w) => w.target.includes('unmeetf'))).toBe(true);
    expect(fake.requests.every((r) => r.method === 'GET' || r.method === 'POST' || r.path.includes('unmeetf'))).toBe(true);
  });

  it('when an event with one of our ids is not ours, then it is never changed', async () => {
    const a = await connectedAlice({ enable: false });
    const { providerFor } = await import('../../src/services/providers');
    const provider = await providerFor(a.t.deps, (await a.t.deps.repos.connections.get(a.workspaceId, a.connection.id))!);
    const id = await focusClientId(a.workspaceId, 'someone-else');
    fake.put('primary', { ...meeting(id, MONDAY + 9 * HOUR) });
    const before = JSON.stringify(fake.truth('primary'));
    await expect(provider.updateOwnedEvent!('primary', id, { start: MONDAY, end: MONDAY + HOUR, timeZone: 'UTC' })).rejects.toMatchObject({ kind: 'conflict', reason: 'not_owned' });
    await expect(provider.deleteOwnedEvent!('primary', id)).rejects.toMatchObject({ reason: 'not_owned' });
    await expect(
      provider.upsertOwnedEvent!('primary', { clientId: id, title: 'x', description: '', start: MONDAY, end: MONDAY + HOUR, timeZone: 'UTC', focus: { asFocusTime: true, autoDeclineMode: 'declineNone' } }),
    ).rejects.toMatchObject({ reason: 'not_owned' });
    expect(JSON.stringify(fake.truth('primary'))).toBe(before);
    expect((await applyFocus(a.t.deps, a.workspaceId)).members).toEqual([]);
  });
});
