import { afterEach, describe, expect, it, vi } from 'vitest';
import { run } from '../../src/cli/main';
import { createTestApp, newWorkspace } from '../helpers/app';
import { icsCalendar, icsEvent } from '../helpers/ics';

afterEach(() => vi.restoreAllMocks());

// The test clock is Saturday 2026-11-28 12:00Z; the horizon is the next 14 days.
const ics = (events: Array<{ uid: string; start: string; end: string }>) =>
  icsCalendar(events.map((e) => icsEvent({ ...e, title: 'Planning', organizer: 'bob@example.com', attendees: ['alice@example.com', 'bob@example.com'] })));

async function workspaceWithAlice(t: Awaited<ReturnType<typeof createTestApp>>, name = 'Acme') {
  const { apiKey: key } = await newWorkspace(t.api, name);
  const member = await t.api('POST', '/v1/members', { key, json: { email: 'alice@example.com', name: 'Alice', timeZone: 'Europe/Berlin' } });
  return { key, memberId: member.json.id as string };
}

describe('focus API', () => {
  it('when the policy is read and changed, then defaults apply and members inherit the workspace settings unless they override them', async () => {
    const t = await createTestApp();
    const { key, memberId } = await workspaceWithAlice(t);
    const initial = await t.api('GET', '/v1/focus/policy', { key });
    expect(initial.json.policy).toEqual({
      weeklyTargetHours: 10,
      minBlockMinutes: 90,
      maxPerDayMinutes: 240,
      preferredTime: 'any',
      bufferMinutes: 10,
      noMeetingDays: [],
      planAheadDays: 14,
      autoDeclineMode: 'declineNone',
    });
    const changed = await t.api('PATCH', '/v1/focus/policy', { key, json: { weeklyTargetHours: 6, noMeetingDays: ['wed'] } });
    expect(changed.json.policy).toMatchObject({ weeklyTargetHours: 6, noMeetingDays: ['wed'], minBlockMinutes: 90 });
    const member = await t.api('PATCH', `/v1/focus/members/${memberId}`, { key, json: { enabled: true, policy: { preferredTime: 'morning', weeklyTargetHours: 8 } } });
    expect(member.json).toMatchObject({ enabled: true, overrides: { preferredTime: 'morning', weeklyTargetHours: 8 }, policy: { weeklyTargetHours: 8, preferredTime: 'morning', noMeetingDays: ['wed'] } });
    expect((await t.api('GET', `/v1/focus/members/${memberId}`, { key })).json).toMatchObject({ enabled: true, policy: { weeklyTargetHours: 8 } });
    expect((await t.api('PATCH', `/v1/focus/members/${memberId}`, { key, json: { policy: { noMeetingDays: ['mon'] } } })).status).toBe(422);
    expect((await t.api('PATCH', '/v1/focus/policy', { key, json: { autoDeclineMode: 'declineEverything' } })).status).toBe(422);
    expect((await t.api('GET', '/v1/focus/policy')).status).toBe(401);
  });

  it('when a member has only an ICS calendar, then the dry run shows the blocks to create with the figures, and apply has no calendar to write to', async () => {
    const t = await createTestApp();
    const { key, memberId } = await workspaceWithAlice(t);
    const body = ics([
      { uid: 'a', start: '20261130T090000Z', end: '20261130T100000Z' },
      { uid: 'b', start: '20261201T080000Z', end: '20261201T160000Z' },
    ]);
    expect((await t.api('POST', '/v1/connections/ics', { key, json: { memberId, ics: body, name: 'alice.ics' } })).status).toBe(201);
    const plan = await t.api('GET', `/v1/focus/plan?member=alice@example.com`, { key });
    expect(plan.status).toBe(200);
    const [alice] = plan.json.members;
    expect(alice).toMatchObject({ email: 'alice@example.com', enabled: false, calendar: null, range: { from: '2026-11-28', to: '2026-12-12' }, targetHours: 20, plannedHours: 20, achievableHours: 20, missedReason: null });
    expect(alice.actions.every((a: { kind: string }) => a.kind === 'create')).toBe(true);
    expect(alice.actions).toHaveLength(alice.blocks.length);
    expect(alice.blocks[0].start).toMatch(/\+01:00$/);
    // No block on Tuesday 1 December, booked all day (09:00–17:00 Berlin).
    expect(alice.blocks.some((b: { date: string }) => b.date === '2026-12-01')).toBe(false);
    await t.api('PATCH', `/v1/focus/members/${memberId}`, { key, json: { enabled: true } });
    const applied = await t.api('POST', '/v1/focus/apply', { key, json: {} });
    expect(applied.json.members).toEqual([expect.objectContaining({ email: 'alice@example.com', status: 'no_calendar', created: 0 })]);
    expect(await t.deps.repos.focus.writes((await t.api('GET', '/v1/workspace', { key })).json.id)).toEqual([]);
  });

  it("when another workspace's member id is used, then every focus route answers 404 and nothing changes", async () => {
    const t = await createTestApp();
    const a = await workspaceWithAlice(t, 'A');
    const b = await workspaceWithAlice(t, 'B');
    expect((await t.api('GET', `/v1/focus/members/${a.memberId}`, { key: b.key })).status).toBe(404);
    const patch = await t.api('PATCH', `/v1/focus/members/${a.memberId}`, { key: b.key, json: { enabled: true } });
    expect(patch.status).toBe(404);
    expect(patch.json.code).toBe('member.not_found');
    expect((await t.api('GET', `/v1/focus/plan?member=${a.memberId}`, { key: b.key })).status).toBe(404);
    expect((await t.api('POST', '/v1/focus/apply', { key: b.key, json: { member: a.memberId } })).status).toBe(404);
    expect((await t.api('GET', `/v1/focus/members/${a.memberId}`, { key: a.key })).json.enabled).toBe(false);
    // Each workspace's plan lists only its own members.
    const planB = await t.api('GET', '/v1/focus/plan', { key: b.key });
    expect(planB.json.members.map((m: { memberId: string }) => m.memberId)).toEqual([b.memberId]);
    expect((await t.api('POST', '/v1/focus/apply', { key: b.key })).json.members).toEqual([]);
  });
});

describe('unmeet focus plan (offline CLI)', () => {
  it('when run on the sample team with --json, then it prints the DESIGN.md shape, offline', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    expect(await run(['focus', 'plan', '--team', 'examples/team.json', '--from', '2026-11-02', '--to', '2026-11-16', '--json'])).toBe(0);
    const out = JSON.parse(log.mock.calls.map((c) => String(c[0])).join('\n'));
    expect(Object.keys(out)).toEqual(['members']);
    expect(out.members.length).toBeGreaterThan(2);
    for (const m of out.members) {
      expect(Object.keys(m)).toEqual(['email', 'targetHours', 'achievableHours', 'plannedHours', 'blocks', 'missedReason']);
      expect(m.plannedHours).toBeLessThanOrEqual(m.targetHours + 1.5);
      expect(m.missedReason === null).toBe(m.plannedHours >= m.targetHours);
      for (const b of m.blocks) {
        expect(b.start).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}([+-]\d{2}:\d{2}|Z)$/);
        expect(Date.parse(b.end) - Date.parse(b.start)).toBeGreaterThanOrEqual(90 * 60_000);
      }
    }
    log.mockClear();
    expect(await run(['focus', 'plan', '--team', 'examples/team.json', '--from', '2026-11-02', '--to', '2026-11-16'])).toBe(0);
    expect(String(log.mock.calls[0]![0])).toContain('h planned of');
  });

  it('when the subcommand or --team is missing, then it says how to call it', async () => {
    await expect(run(['focus', '--team', 'examples/team.json'])).rejects.toThrow('usage: unmeet focus plan');
    await expect(run(['focus', 'plan'])).rejects.toThrow('focus plan needs --team');
  });
});
