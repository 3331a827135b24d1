import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeGoogle, type FakeEvent, type FakeGoogle } from '../fakes/google/server';
import { createTestApp } from '../helpers/app';
import { awayScenario } from '../helpers/away-scenario';
import { HOUR, MIN, MONDAY, connectAlice, focusScenarios, foreignClientId, type FocusHarness, type FocusHarnessOptions } from '../helpers/focus-scenarios';

const noSleep = { attempts: 4, baseDelayMs: 1, maxDelayMs: 5_000, sleep: async () => undefined, random: () => 0.5 };
const iso = (ms: number) => new Date(ms).toISOString().replace('.000', '');

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

const isOurs = (e: FakeEvent) => e.extendedProperties?.private?.unmeet === '1';
const times = (e: FakeEvent) => ({ id: e.id, start: Date.parse(e.start!.dateTime!), end: Date.parse(e.end!.dateTime!) });

/** A workspace with Alice, her Google calendar connected and synced, focus protection on (unless `enable: false`). */
async function connectedAlice(options: FocusHarnessOptions = {}): Promise<FocusHarness> {
  const putMeeting = (id: string, start: number, minutes = 60) => {
    fake.put('primary', meeting(id, start, minutes));
    return { id, start, end: start + minutes * MIN };
  };
  const putPrivate = (id: string, start: number, minutes: number) =>
    fake.put('primary', { ...meeting(id, start, minutes), attendees: [], organizer: { email: 'alice@example.com', self: true }, extendedProperties: { private: { other: 'x' } } });
  options.before?.({ putMeeting, putPrivate });
  const t = await createTestApp({
    google: { clientId: fake.clientId, clientSecret: fake.clientSecret, apiRoot: fake.url, oauthRoot: fake.url },
    retry: noSleep,
  });
  const base = await connectAlice(t, 'google', options);
  const byId = (id: string) => fake.truth('primary').find((e) => e.id === id);
  return {
    ...base,
    ours: () => fake.truth('primary').filter(isOurs).map(times),
    foreignSnapshot: (except = []) => JSON.stringify(fake.truth('primary').filter((e) => !isOurs(e) && !except.includes(e.id))),
    putMeeting,
    putPrivate,
    moveByHand: (id, s, e) => fake.put('primary', { ...byId(id)!, start: { dateTime: iso(s) }, end: { dateTime: iso(e) } }),
    deleteByHand: (id) => fake.cancel('primary', id),
    faults: (list) => fake.faults.push(...list.map((f) => ({ ...f, path: /\/events/ }))),
    clearFaults: () => void (fake.faults.length = 0),
    clearRequests: () => void (fake.requests.length = 0),
    mutatedIds: () => fake.requests.filter((r) => r.method !== 'GET' && r.method !== 'POST').map((r) => decodeURIComponent(r.path.slice(r.path.lastIndexOf('/') + 1))),
    // A lost answer shows as "exists" (409 duplicate, then ours) in the log.
    sawDuplicateSignal: async () => (await t.deps.repos.focus.writes(base.workspaceId)).some((w) => w.outcome.startsWith('exists')),
    expectOurEvent: (id) => {
      expect(id).toMatch(/^unmeetf[0-9a-v]{26}$/);
      expect(byId(id)).toMatchObject({
        eventType: 'focusTime',
        transparency: 'opaque',
        summary: 'Focus time',
        focusTimeProperties: { autoDeclineMode: 'declineOnlyNewConflictingInvitations', chatStatus: 'doNotDisturb' },
        extendedProperties: { private: { unmeet: '1' } },
      });
    },
    expectFirstApply: async () => {
      expect((await t.deps.repos.focus.writes(base.workspaceId)).every((w) => w.outcome === 'created:focusTime')).toBe(true);
      expect(await t.deps.repos.focus.focusTimeSupported(base.workspaceId, base.connection.id)).toBe(true);
    },
    plantForeign: async () => {
      // A foreign event that even carries an id from our id space.
      const id = await foreignClientId(base.workspaceId);
      fake.put('primary', meeting(id, MONDAY + 9 * HOUR));
      return id;
    },
  };
}

describe('focus blocks on Google Calendar', () => {
  focusScenarios(connectedAlice);
  // Google's own out-of-office entry, as the Calendar UI makes it.
  awayScenario(connectedAlice, ({ id, start, end }) => void fake.putOutOfOffice('primary', { id, start: iso(start), end: iso(end) }));

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
    for (const e of fake.truth('primary').filter(isOurs)) {
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
    const ours = fake.truth('primary').filter(isOurs);
    expect(ours.every((e) => e.eventType !== 'focusTime')).toBe(true);
    expect(ours.filter((e) => e.eventType === 'default')).toHaveLength(1);
    expect(await a.t.deps.repos.focus.focusTimeSupported(a.workspaceId, a.connection.id)).toBe(false);
  });

  it('when an event with one of our ids is not ours, then creating a block over it is refused', async () => {
    const a = await connectedAlice({ enable: false });
    const { providerFor } = await import('../../src/services/providers');
    const provider = await providerFor(a.t.deps, (await a.t.deps.repos.connections.get(a.workspaceId, a.connection.id))!);
    const id = await a.plantForeign();
    const before = JSON.stringify(fake.truth('primary'));
    await expect(
      provider.upsertOwnedEvent!('primary', { clientId: id, title: 'x', description: '', start: MONDAY, end: MONDAY + HOUR, timeZone: 'UTC', focus: { asFocusTime: true, autoDeclineMode: 'declineNone' } }),
    ).rejects.toMatchObject({ reason: 'not_owned' });
    expect(JSON.stringify(fake.truth('primary'))).toBe(before);
  });
});
