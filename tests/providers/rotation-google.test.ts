import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { providerFor } from '../../src/services/providers';
import { rotationClientId } from '../../src/services/rotation-calendar';
import { startFakeGoogle, type FakeEvent, type FakeGoogle } from '../fakes/google/server';
import { createTestApp, newWorkspace } from '../helpers/app';

const noSleep = { attempts: 4, baseDelayMs: 1, maxDelayMs: 5_000, sleep: async () => undefined, random: () => 0.5 };
const INSERT = /^\/calendar\/v3\/calendars\/primary\/events$/;

let fake: FakeGoogle;
beforeEach(async () => {
  fake = await startFakeGoogle();
});
afterEach(() => fake.stop());

/** Lena (London) has her Google calendar connected; Noah (New York) is a member without one; Kenji (Tokyo) is no member. */
async function workspace() {
  const t = await createTestApp({
    google: { clientId: fake.clientId, clientSecret: fake.clientSecret, apiRoot: fake.url, oauthRoot: fake.url },
    retry: noSleep,
  });
  const { apiKey: key, workspace } = await newWorkspace(t.api);
  const lena = await t.api('POST', '/v1/members', { key, json: { email: 'lena@example.com', name: 'Lena', timeZone: 'Europe/London' } });
  // Lena's own Google account grants access (the callback refuses anyone else's).
  fake.account = { ...fake.account, sub: '104726013921180999001', email: 'lena@example.com' };
  await t.api('POST', '/v1/members', { key, json: { email: 'noah@example.com', name: 'Noah', timeZone: 'America/New_York' } });
  const start = await t.app.request(`/v1/connect/google?memberId=${lena.json.id}`, { headers: { authorization: `Bearer ${key}` } });
  const consent = await fetch(start.headers.get('location')!, { redirect: 'manual' });
  const back = new URL(consent.headers.get('location')!);
  expect((await t.app.request(back.pathname + back.search)).status).toBe(200);
  const request = (participants = [{ email: 'lena@example.com' }, { email: 'noah@example.com' }, { email: 'kenji@example.com', timeZone: 'Asia/Tokyo' }]) => ({
    title: 'Weekly sync',
    durationMinutes: 60,
    cadence: { every: 1, unit: 'week' },
    occurrences: 4,
    startDate: '2026-12-07',
    participants,
  });
  const preview = async (participants?: Parameters<typeof request>[0]) => {
    const res = await t.api('POST', '/v1/rotations', { key, json: request(participants) });
    expect(res.status).toBe(201);
    return res.json;
  };
  const commit = (id: string, json: Record<string, unknown>) => t.api('POST', `/v1/rotations/${id}/commit`, { key, json });
  const ours = () => fake.truth('primary').filter((e) => e.extendedProperties?.private?.unmeet === '1');
  const writes = () => t.deps.repos.focus.writes(workspace.id);
  const ledger = async () => (await t.api('GET', '/v1/rotations/ledger', { key })).json.people;
  const inserts = () => fake.requests.filter((r) => r.method === 'POST' && INSERT.test(r.path));
  return { t, key, workspaceId: workspace.id, preview, commit, ours, writes, ledger, inserts };
}

const startOf = (e: FakeEvent) => new Date(Date.parse(e.start!.dateTime!)).toISOString().replace('.000Z', 'Z');

describe('rotation series in a Google calendar', () => {
  it('when committed with writeEvents, then each occurrence is its own event in the organizer\'s calendar, tagged as ours, the others invited, every write logged', async () => {
    const w = await workspace();
    const rotation = await w.preview();
    const res = await w.commit(rotation.id, { writeEvents: true, organizer: 'Lena@example.com' });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ status: 'committed', calendar: { organizer: 'lena@example.com', provider: 'google', complete: true } });
    expect(res.json.calendar.events.map((e: any) => e.outcome)).toEqual(['created', 'created', 'created', 'created']);

    const events = w.ours();
    expect(events.map(startOf).sort()).toEqual(rotation.occurrences.map((o: any) => o.start).sort());
    for (const [i, e] of [...events].sort((a, b) => startOf(a).localeCompare(startOf(b))).entries()) {
      expect(e.id).toBe(await rotationClientId(w.workspaceId, rotation.id, i));
      expect(e).toMatchObject({ summary: 'Weekly sync', transparency: 'opaque', extendedProperties: { private: { unmeet: '1', unmeetKind: 'rotation' } } });
      expect(e.eventType).toBeUndefined();
      expect(e.attendees!.map((a) => a.email).sort()).toEqual(['kenji@example.com', 'noah@example.com']);
      expect(Date.parse(e.end!.dateTime!) - Date.parse(e.start!.dateTime!)).toBe(3_600_000);
    }
    // Attendees are invited by Google.
    expect(w.inserts().every((r) => r.query.sendUpdates === 'all')).toBe(true);
    const writes = await w.writes();
    expect(writes.map((x) => `${x.action} ${x.outcome}`)).toEqual(Array(4).fill('rotation.create created'));
    expect(writes.map((x) => x.target).sort()).toEqual(events.map((e) => `primary/${e.id}`).sort());
    expect((await w.ledger()).map((p: any) => p.email).sort()).toEqual(['kenji@example.com', 'lena@example.com', 'noah@example.com']);

    // Committing again is refused and writes nothing.
    const again = await w.commit(rotation.id, { writeEvents: true, organizer: 'lena@example.com' });
    expect(again.status).toBe(409);
    expect(w.ours()).toHaveLength(4);
    expect(await w.writes()).toHaveLength(4);
  });

  it('when some occurrence cannot be written, then nothing reaches the ledger, the answer lists what was written, and committing again completes the series without duplicates', async () => {
    const w = await workspace();
    const rotation = await w.preview();
    // The first insert fails on every retry; the second is carried out but its answer is lost.
    for (let i = 0; i < noSleep.attempts; i++) fake.faults.push({ kind: 'status', status: 503, path: INSERT });
    const failed = await w.commit(rotation.id, { writeEvents: true, organizer: 'lena@example.com' });
    expect(failed.status).toBe(502);
    expect(failed.json.code).toBe('rotation.calendar_write_incomplete');
    expect(failed.json.rotation.status).toBe('preview');
    expect(failed.json.rotation.calendar.events.map((e: any) => e.outcome)).toEqual(['failed', 'created', 'created', 'created']);
    expect(failed.json.rotation.calendar.events[0]).toMatchObject({ externalId: null, error: 'unavailable' });
    expect(await w.ledger()).toEqual([]);
    expect(w.ours()).toHaveLength(3);
    expect((await w.t.api('GET', `/v1/rotations/${rotation.id}`, { key: w.key })).json.calendar.complete).toBe(false);

    fake.faults.push({ kind: 'dropResponse', path: INSERT });
    const resumed = await w.commit(rotation.id, { writeEvents: true, organizer: 'lena@example.com' });
    expect(resumed.status).toBe(200);
    expect(resumed.json.status).toBe('committed');
    expect(resumed.json.calendar.events.map((e: any) => e.outcome)).toEqual(['exists', 'exists', 'exists', 'exists']);
    expect(w.ours().map(startOf).sort()).toEqual(rotation.occurrences.map((o: any) => o.start).sort());
    expect((await w.ledger()).every((p: any) => p.series === 1)).toBe(true);
    const outcomes = (await w.writes()).map((x) => x.outcome);
    expect(outcomes.filter((o) => o === 'error:unavailable')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'created')).toHaveLength(3);
  });

  it('when the organizer moves an occurrence already written between a failed commit and its retry, then the retry leaves it where they put it and still completes', async () => {
    const w = await workspace();
    const rotation = await w.preview();
    for (let i = 0; i < noSleep.attempts; i++) fake.faults.push({ kind: 'status', status: 503, path: INSERT });
    expect((await w.commit(rotation.id, { writeEvents: true, organizer: 'lena@example.com' })).status).toBe(502);

    // Lena moves the second occurrence one hour later in her calendar.
    const id = await rotationClientId(w.workspaceId, rotation.id, 1);
    const written = w.ours().find((e) => e.id === id)!;
    const later = (iso: string) => new Date(Date.parse(iso) + 3_600_000).toISOString();
    fake.put('primary', { ...written, start: { dateTime: later(written.start!.dateTime!) }, end: { dateTime: later(written.end!.dateTime!) } });
    const requestsBefore = fake.requests.length;

    const resumed = await w.commit(rotation.id, { writeEvents: true, organizer: 'lena@example.com' });
    expect(resumed.status).toBe(200);
    expect(resumed.json.status).toBe('committed');
    expect(resumed.json.calendar.events.map((e: any) => e.outcome)).toEqual(['created', 'moved_by_organizer', 'exists', 'exists']);
    // Nothing was patched back: the move stands, and guests got no surprise update from us.
    const since = fake.requests.slice(requestsBefore);
    expect(since.filter((r) => r.method === 'PATCH' || r.method === 'PUT')).toEqual([]);
    expect(startOf(w.ours().find((e) => e.id === id)!)).toBe(later(rotation.occurrences[1].start).replace('.000Z', 'Z'));
    // The one event the retry created invited the guests.
    expect(since.filter((r) => r.method === 'POST' && INSERT.test(r.path)).every((r) => r.query.sendUpdates === 'all')).toBe(true);
    expect((await w.writes()).map((x) => x.outcome)).toContain('moved');

    // Where an update is made (a caller that restores planned times), the guests are told.
    const connection = (await w.t.deps.repos.connections.get(w.workspaceId, resumed.json.calendar.connectionId))!;
    const provider = await providerFor(w.t.deps, connection);
    const planned = rotation.occurrences[1];
    const restored = await provider.upsertOwnedEvent!('primary', {
      clientId: id,
      kind: 'rotation',
      title: 'Weekly sync',
      description: '',
      start: Date.parse(planned.start),
      end: Date.parse(planned.end),
      timeZone: 'Europe/London',
      attendees: [{ email: 'noah@example.com' }],
      ifMoved: 'restore',
      focus: { asFocusTime: false, autoDeclineMode: 'declineNone' },
    });
    expect(restored.outcome).toBe('updated');
    expect(fake.requests.filter((r) => r.method === 'PATCH').map((r) => r.query.sendUpdates)).toEqual(['all']);
  });

  it('when the organizer is a member without a Google or Outlook calendar, then the commit is refused before any write', async () => {
    const w = await workspace();
    const rotation = await w.preview();
    const before = w.inserts().length;
    const res = await w.commit(rotation.id, { writeEvents: true, organizer: 'noah@example.com' });
    expect(res.status).toBe(422);
    expect(res.json.code).toBe('rotation.organizer_not_connected');
    const stranger = await w.commit(rotation.id, { writeEvents: true, organizer: 'kenji@example.com' });
    expect(stranger.json.code).toBe('rotation.organizer_not_member');
    expect(w.inserts().length).toBe(before);
    expect(await w.writes()).toEqual([]);
    expect(await w.ledger()).toEqual([]);
  });

  it('when the connected calendar is busy at the best slot (not yet synced), then Google free/busy makes that slot infeasible', async () => {
    const w = await workspace();
    const pair = [{ email: 'lena@example.com' }, { email: 'noah@example.com' }];
    const free = await w.preview(pair);
    expect(free.freeBusy).toMatchObject({ sources: ['connected-calendars', 'synced-calendars'], participantsWithBusyTime: 0 });
    const best = free.occurrences[0];
    fake.put('primary', {
      id: 'othermeeting1',
      status: 'confirmed',
      summary: 'Other meeting',
      start: { dateTime: best.start },
      end: { dateTime: best.end },
      attendees: [{ email: 'lena@example.com', responseStatus: 'accepted', self: true }],
    });
    const busy = await w.preview(pair);
    expect(busy.freeBusy.participantsWithBusyTime).toBe(1);
    expect(busy.occurrences[0].start).not.toBe(best.start);
    expect(busy.occurrences.every((o: any) => Date.parse(o.end) <= Date.parse(best.start) || Date.parse(o.start) >= Date.parse(best.end))).toBe(true);
    expect(fake.requests.some((r) => r.path === '/calendar/v3/freeBusy')).toBe(true);
  });

  it('when live free/busy fails and synced events are used instead, then freeBusy.sources names only what was used', async () => {
    const w = await workspace();
    for (let i = 0; i < noSleep.attempts; i++) fake.faults.push({ kind: 'status', status: 503, path: /^\/calendar\/v3\/freeBusy$/ });
    const rotation = await w.preview([{ email: 'lena@example.com' }, { email: 'noah@example.com' }]);
    expect(rotation.freeBusy.sources).toEqual(['synced-calendars']);
    // With Google answering again, both sources are named: Lena's live calendar, Noah's synced events.
    const again = await w.preview([{ email: 'lena@example.com' }, { email: 'noah@example.com' }]);
    expect(again.freeBusy.sources).toEqual(['connected-calendars', 'synced-calendars']);
  });
});
