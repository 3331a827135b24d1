import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UNMEET_TAG_ID } from '../../src/providers/microsoft/microsoft.mapper';
import { providerFor } from '../../src/services/providers';
import { LONDON_MAILBOX, startFakeGraph, type FakeGraph, type FakeGraphEvent } from '../fakes/graph/server';
import { createTestApp } from '../helpers/app';
import { awayScenario } from '../helpers/away-scenario';
import { HOUR, MIN, MONDAY, connectAlice, focusScenarios, type FocusHarness, type FocusHarnessOptions } from '../helpers/focus-scenarios';

const noSleep = { attempts: 4, baseDelayMs: 1, maxDelayMs: 5_000, sleep: async () => undefined, random: () => 0.5 };
/** Graph's dateTime with `Prefer: outlook.timezone="UTC"`: no offset, seven fractional digits. */
const graphTime = (ms: number) => ({ dateTime: new Date(ms).toISOString().replace('Z', '').replace(/\.(\d{3})$/, '.$10000'), timeZone: 'UTC' });
const at = (v: { dateTime: string }) => Date.parse(`${v.dateTime}Z`);

function meeting(id: string, startMs: number, minutes = 60): FakeGraphEvent {
  return {
    id,
    subject: `Meeting ${id}`,
    start: graphTime(startMs),
    end: graphTime(startMs + minutes * MIN),
    type: 'singleInstance',
    showAs: 'busy',
    organizer: { emailAddress: { address: 'bob@example.com', name: 'Bob' } },
    attendees: [
      { type: 'required', status: { response: 'accepted' }, emailAddress: { address: 'alice@example.com' } },
      { type: 'required', status: { response: 'organizer' }, emailAddress: { address: 'bob@example.com' } },
    ],
    bodyPreview: 'Agenda: 1. numbers',
  };
}

let fake: FakeGraph;
beforeEach(async () => {
  fake = await startFakeGraph();
  fake.mailboxSettings = LONDON_MAILBOX;
});
afterEach(() => fake.stop());

const isOurs = (e: FakeGraphEvent) => (e.singleValueExtendedProperties ?? []).some((p) => p.id === UNMEET_TAG_ID);

/** A workspace with Alice, her Outlook calendar connected and synced, focus protection on (unless `enable: false`). */
async function connectedAlice(options: FocusHarnessOptions = {}): Promise<FocusHarness> {
  const putMeeting = (id: string, start: number, minutes = 60) => {
    fake.put(meeting(id, start, minutes));
    return { id, start, end: start + minutes * MIN };
  };
  const putPrivate = (id: string, start: number, minutes: number) =>
    fake.put({
      ...meeting(id, start, minutes),
      attendees: [],
      organizer: { emailAddress: { address: 'alice@example.com' } },
      categories: ['Red category'],
      singleValueExtendedProperties: [{ id: 'String {00020329-0000-0000-C000-000000000046} Name otherApp', value: 'x' }],
    });
  options.before?.({ putMeeting, putPrivate });
  const t = await createTestApp({
    microsoft: { clientId: fake.clientId, clientSecret: fake.clientSecret, tenant: fake.tenant, apiRoot: fake.apiRoot, oauthRoot: fake.url },
    retry: noSleep,
  });
  fake.now = () => t.clock.now;
  const base = await connectAlice(t, 'microsoft', options);
  const byId = (id: string) => fake.truth().find((e) => e.id === id);
  return {
    ...base,
    ours: () => fake.truth().filter(isOurs).map((e) => ({ id: e.id, start: at(e.start), end: at(e.end) })),
    foreignSnapshot: (except = []) => JSON.stringify(fake.truth().filter((e) => !isOurs(e) && !except.includes(e.id))),
    putMeeting,
    putPrivate,
    moveByHand: (id, s, e) => fake.put({ ...byId(id)!, start: graphTime(s), end: graphTime(e) }),
    deleteByHand: (id) => fake.remove(id),
    faults: (list) => fake.faults.push(...list.map((f) => ({ ...f, path: /\/me\/events/ }))),
    clearFaults: () => void (fake.faults.length = 0),
    clearRequests: () => void (fake.requests.length = 0),
    mutatedIds: () => fake.requests.filter((r) => r.method !== 'GET' && r.method !== 'POST').map((r) => decodeURIComponent(r.path.slice(r.path.lastIndexOf('/') + 1))),
    // A lost answer is found again by our tag ("exists") or answered by Graph from its transactionId.
    sawDuplicateSignal: async () => fake.transactionReplays > 0 || (await t.deps.repos.focus.writes(base.workspaceId)).some((w) => w.outcome.startsWith('exists')),
    expectOurEvent: (id) => {
      const e = byId(id)!;
      expect(e).toMatchObject({
        subject: 'Focus time',
        showAs: 'busy',
        categories: ['Focus time'],
        isReminderOn: false,
        originalStartTimeZone: 'GMT Standard Time',
        body: { contentType: 'text' },
        attendees: [],
      });
      expect(e.transactionId).toMatch(/^unmeetf[0-9a-v]{26}$/);
      expect(e.singleValueExtendedProperties).toEqual([{ id: UNMEET_TAG_ID, value: e.transactionId }]);
    },
    expectFirstApply: async () => {
      expect((await t.deps.repos.focus.writes(base.workspaceId)).every((w) => w.outcome === 'created:busy')).toBe(true);
      // Delta hides the tag; the stored copies are still known as ours (so audits do not count them as meetings).
      await base.sync();
      const stored = await t.deps.repos.events.listForCalendar(base.workspaceId, base.calendar.id);
      const ids = new Set(fake.truth().filter(isOurs).map((e) => e.id));
      expect(stored.filter((e) => ids.has(e.externalId)).map((e) => e.createdByUnmeet)).toEqual([...ids].map(() => true));
      expect(stored.filter((e) => !ids.has(e.externalId)).every((e) => !e.createdByUnmeet)).toBe(true);
      expect(fake.requests.some((r) => r.path.endsWith('/calendarView/delta') && 'transactionId' in r.query)).toBe(false);
    },
    plantForeign: async () => {
      fake.put(meeting('AAMk-foreign', MONDAY + 9 * HOUR));
      return 'AAMk-foreign';
    },
  };
}

describe('focus blocks on Outlook (Microsoft Graph)', () => {
  focusScenarios(connectedAlice);
  // Outlook's "Show as: Away" on Alice's own event.
  awayScenario(connectedAlice, ({ id, start, end }) =>
    fake.put({ id, subject: 'Away', start: graphTime(start), end: graphTime(end), type: 'singleInstance', showAs: 'oof', organizer: { emailAddress: { address: 'alice@example.com' } }, attendees: [] }),
  );

  it('when a create is repeated with the same transactionId, then Graph answers with the first event and no second one exists', async () => {
    const a = await connectedAlice({ enable: false });
    const provider = await providerFor(a.t.deps, (await a.t.deps.repos.connections.get(a.workspaceId, a.connection.id))!);
    const draft = { clientId: 'unmeetf0123456789abcdefghijklmn', title: 'Focus time', description: 'd', start: MONDAY + 9 * HOUR, end: MONDAY + 11 * HOUR, timeZone: 'Europe/London', focus: { asFocusTime: false, autoDeclineMode: 'declineNone' as const } };
    // The first answer is lost after Graph created the event; our retry repeats the POST.
    fake.faults.push({ kind: 'dropResponse', method: 'POST' }, { kind: 'dropResponse', method: 'POST' });
    const first = await provider.upsertOwnedEvent!('primary', draft);
    expect(first.outcome).toBe('created');
    expect(fake.transactionReplays).toBeGreaterThan(0);
    expect(fake.truth().filter(isOurs)).toHaveLength(1);
    // A later retry (say, after the transaction window) finds the event by our tag first.
    fake.transactions.clear();
    expect(await provider.upsertOwnedEvent!('primary', draft)).toEqual({ externalId: first.externalId, outcome: 'exists', focusTime: false });
    expect(await provider.upsertOwnedEvent!('primary', { ...draft, end: MONDAY + 10 * HOUR })).toMatchObject({ externalId: first.externalId, outcome: 'updated' });
    expect(fake.truth().filter(isOurs).map((e) => [at(e.start), at(e.end)])).toEqual([[MONDAY + 9 * HOUR, MONDAY + 10 * HOUR]]);
    // Ownership is read back with $expand before every change; only our tag is asked for.
    const reads = fake.requests.filter((r) => r.method === 'GET' && r.path.startsWith('/v1.0/me/events'));
    expect(reads.length).toBeGreaterThan(0);
    for (const r of reads) expect(r.query.$expand).toBe(`singleValueExtendedProperties($filter=id eq '${UNMEET_TAG_ID}')`);
    expect(await provider.deleteOwnedEvent!('primary', first.externalId)).toBe('deleted');
    expect(await provider.deleteOwnedEvent!('primary', first.externalId)).toBe('gone');
    expect(await provider.updateOwnedEvent!('primary', first.externalId, { start: MONDAY, end: MONDAY + HOUR, timeZone: 'UTC' })).toBe('gone');
  });

  it('when Graph throttles or fails past the retries, then the errors surface as provider kinds and the next run completes the blocks', async () => {
    const a = await connectedAlice();
    fake.faults.push(...Array.from({ length: 8 }, () => ({ kind: 'status' as const, status: 503 as const, path: /^\/v1\.0\/me\/events/ })));
    const failed = await a.apply();
    expect(failed.failed).toBeGreaterThan(0);
    expect(failed.errors.some((e: string) => e.endsWith('unavailable'))).toBe(true);
    expect((await a.writes()).some((w) => w.outcome === 'error:unavailable')).toBe(true);
    fake.faults.length = 0;
    await a.apply();
    const ours = a.ours();
    expect(ours.reduce((s, e) => s + e.end - e.start, 0) / HOUR).toBe(20);
    expect(new Set(ours.map((e) => `${e.start}`)).size).toBe(ours.length);
  });
});
