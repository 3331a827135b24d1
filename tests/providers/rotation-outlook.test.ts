import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UNMEET_TAG_ID } from '../../src/providers/microsoft/microsoft.mapper';
import { rotationClientId } from '../../src/services/rotation-calendar';
import { LONDON_MAILBOX, startFakeGraph, type FakeGraph, type FakeGraphEvent } from '../fakes/graph/server';
import { createTestApp, newWorkspace } from '../helpers/app';

const noSleep = { attempts: 4, baseDelayMs: 1, maxDelayMs: 5_000, sleep: async () => undefined, random: () => 0.5 };
const graphTime = (iso: string) => ({ dateTime: new Date(Date.parse(iso)).toISOString().replace('Z', '').replace(/\.(\d{3})$/, '.$10000'), timeZone: 'UTC' });
const startOf = (e: FakeGraphEvent) => new Date(Date.parse(`${e.start.dateTime}Z`)).toISOString().replace('.000Z', 'Z');
const isOurs = (e: FakeGraphEvent) => (e.singleValueExtendedProperties ?? []).some((p) => p.id === UNMEET_TAG_ID);

let fake: FakeGraph;
beforeEach(async () => {
  fake = await startFakeGraph();
  fake.mailboxSettings = LONDON_MAILBOX;
});
afterEach(() => fake.stop());

/** Lena (London) has her Outlook calendar connected; Noah (New York) is a member; Kenji (Tokyo) is not. */
async function workspace() {
  const t = await createTestApp({
    microsoft: { clientId: fake.clientId, clientSecret: fake.clientSecret, tenant: fake.tenant, apiRoot: fake.apiRoot, oauthRoot: fake.url },
    retry: noSleep,
  });
  fake.now = () => t.clock.now;
  const { apiKey: key, workspace } = await newWorkspace(t.api);
  const lena = await t.api('POST', '/v1/members', { key, json: { email: 'lena@example.com', name: 'Lena', timeZone: 'Europe/London' } });
  // Lena's own Microsoft account grants access (the callback refuses anyone else's).
  fake.account = { ...fake.account, oid: '00000000-0000-0000-0000-00000000001e', email: 'lena@example.com' };
  await t.api('POST', '/v1/members', { key, json: { email: 'noah@example.com', name: 'Noah', timeZone: 'America/New_York' } });
  const start = await t.app.request(`/v1/connect/microsoft?memberId=${lena.json.id}`, { headers: { authorization: `Bearer ${key}` } });
  const consent = await fetch(start.headers.get('location')!, { redirect: 'manual' });
  const back = new URL(consent.headers.get('location')!);
  expect((await t.app.request(back.pathname + back.search)).status).toBe(200);
  const preview = async (participants = [{ email: 'lena@example.com' }, { email: 'noah@example.com' }, { email: 'kenji@example.com', timeZone: 'Asia/Tokyo' }]) => {
    const res = await t.api('POST', '/v1/rotations', {
      key,
      json: { title: 'Weekly sync', durationMinutes: 60, cadence: { every: 1, unit: 'week' }, occurrences: 4, startDate: '2026-12-07', participants },
    });
    expect(res.status).toBe(201);
    return res.json;
  };
  const commit = (id: string, json: Record<string, unknown>) => t.api('POST', `/v1/rotations/${id}/commit`, { key, json });
  return { t, key, workspaceId: workspace.id, preview, commit, writes: () => t.deps.repos.focus.writes(workspace.id) };
}

describe('rotation series in an Outlook calendar (Microsoft Graph)', () => {
  it('when committed with writeEvents, then each occurrence is its own tagged event with the others invited, and a lost answer on retry does not duplicate', async () => {
    const w = await workspace();
    const rotation = await w.preview();
    // The third POST is carried out but its answer is lost: the client retries with the same transactionId.
    fake.faults.push({ kind: 'status', status: 503, path: /\/me\/events$/, method: 'POST' }, { kind: 'dropResponse', path: /\/me\/events$/, method: 'POST' });
    const res = await w.commit(rotation.id, { writeEvents: true, organizer: 'lena@example.com' });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ status: 'committed', calendar: { provider: 'microsoft', complete: true } });
    const ours = fake.truth().filter(isOurs);
    expect(ours.map(startOf).sort()).toEqual(rotation.occurrences.map((o: any) => o.start).sort());
    for (const e of ours) {
      expect(e).toMatchObject({ subject: 'Weekly sync', showAs: 'busy', isReminderOn: true });
      expect(e.categories ?? []).toEqual([]);
      expect(e.attendees!.map((a) => a.emailAddress.address).sort()).toEqual(['kenji@example.com', 'noah@example.com']);
    }
    const ids = await Promise.all(rotation.occurrences.map((o: any) => rotationClientId(w.workspaceId, rotation.id, o.index)));
    expect(ours.map((e) => e.transactionId).sort()).toEqual([...ids].sort());
    expect(fake.transactionReplays).toBe(1);
    expect((await w.writes()).map((x) => x.action)).toEqual(Array(4).fill('rotation.create'));
  });

  it('when the organizer moves an occurrence already written before a retried commit, then the retry keeps their time and sends nothing back', async () => {
    const w = await workspace();
    const rotation = await w.preview();
    for (let i = 0; i < noSleep.attempts; i++) fake.faults.push({ kind: 'status', status: 503, path: /\/me\/events$/, method: 'POST' });
    expect((await w.commit(rotation.id, { writeEvents: true, organizer: 'lena@example.com' })).status).toBe(502);
    const second = await rotationClientId(w.workspaceId, rotation.id, 1);
    const written = fake.truth().find((e) => e.transactionId === second)!;
    const later = (iso: string) => new Date(Date.parse(iso) + 3_600_000).toISOString();
    fake.put({ ...written, start: graphTime(later(rotation.occurrences[1].start)), end: graphTime(later(rotation.occurrences[1].end)) });
    const before = fake.requests.length;
    const resumed = await w.commit(rotation.id, { writeEvents: true, organizer: 'lena@example.com' });
    expect(resumed.status).toBe(200);
    expect(resumed.json.calendar.events.map((e: any) => e.outcome)).toEqual(['created', 'moved_by_organizer', 'exists', 'exists']);
    expect(fake.requests.slice(before).filter((r) => r.method === 'PATCH')).toEqual([]);
    expect(startOf(fake.truth().find((e) => e.transactionId === second)!)).toBe(later(rotation.occurrences[1].start).replace('.000Z', 'Z'));
  });

  it('when Outlook shows the organizer busy at the best slot (not yet synced), then calendarView free/busy makes that slot infeasible', async () => {
    const w = await workspace();
    const pair = [{ email: 'lena@example.com' }, { email: 'noah@example.com' }];
    const free = await w.preview(pair);
    const best = free.occurrences[0];
    fake.put({
      id: 'AAMk-other',
      subject: 'Other meeting',
      start: graphTime(best.start),
      end: graphTime(best.end),
      type: 'singleInstance',
      showAs: 'busy',
      organizer: { emailAddress: { address: 'lena@example.com' } },
      attendees: [],
    });
    const busy = await w.preview(pair);
    expect(busy.freeBusy.participantsWithBusyTime).toBe(1);
    expect(busy.occurrences.every((o: any) => Date.parse(o.end) <= Date.parse(best.start) || Date.parse(o.start) >= Date.parse(best.end))).toBe(true);
  });
});
