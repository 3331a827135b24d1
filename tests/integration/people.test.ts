import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Role } from '../../src/domain/roles';
import { runDueJobs } from '../../src/jobs/run-due-jobs';
import { scheduleCalendarSync } from '../../src/services/provider-sync';
import { storeTokens } from '../../src/services/providers';
import { startSession } from '../../src/services/sessions';
import { startFakeGoogle, type FakeEvent, type FakeGoogle } from '../fakes/google/server';
import { createTestApp, newWorkspace } from '../helpers/app';

type T = Awaited<ReturnType<typeof createTestApp>>;
const HOUR = 3_600_000;
const BASE = Date.parse('2026-11-30T14:00:00Z');
const noSleep = { attempts: 2, baseDelayMs: 1, maxDelayMs: 5, sleep: async () => undefined, random: () => 0.5 };
const CALENDAR_SCOPES = ['https://www.googleapis.com/auth/calendar.readonly', 'https://www.googleapis.com/auth/calendar.events'];

/** A verified person with a role (and optionally a member row) in the workspace, signed in. */
async function person(t: T, workspaceId: string, role: Role, email: string, memberId: string | null = null) {
  const p = await t.deps.repos.people.upsertVerified({ email, name: email.split('@')[0]!, locale: 'en', verifiedBy: 'google' });
  await t.deps.repos.people.join(workspaceId, p.id, role, memberId);
  const { token } = await startSession(t.deps, { workspaceId, personId: p.id });
  return { id: p.id, email, headers: { cookie: `um_session=${token}` } };
}

const event = (id: string, startMs: number): FakeEvent => ({
  id,
  status: 'confirmed',
  summary: `Meeting ${id}`,
  start: { dateTime: new Date(startMs).toISOString() },
  end: { dateTime: new Date(startMs + HOUR).toISOString() },
  iCalUID: `${id}@google.com`,
  organizer: { email: 'bob@example.com' },
  attendees: [
    { email: 'dana@example.com', responseStatus: 'accepted', self: true },
    { email: 'bob@example.com', responseStatus: 'accepted' },
  ],
});

let fake: FakeGoogle;
let t: T;
let key: string;
let workspaceId: string;
beforeEach(async () => {
  fake = await startFakeGoogle();
  t = await createTestApp({ google: { clientId: fake.clientId, clientSecret: fake.clientSecret, apiRoot: fake.url, oauthRoot: fake.url }, retry: noSleep });
  const ws = await newWorkspace(t.api);
  key = ws.apiKey;
  workspaceId = ws.workspace.id;
});
afterEach(async () => {
  t.close();
  await fake.stop();
});

/** Dana, a member whose Google calendar is connected and synced (two events). */
async function danaWithCalendar() {
  const member = await t.api('POST', '/v1/members', { key, json: { email: 'dana@example.com', name: 'Dana', timeZone: 'Europe/London' } });
  const dana = await person(t, workspaceId, 'member', 'dana@example.com', member.json.id);
  fake.put('primary', event('ev1', BASE));
  fake.put('primary', event('ev2', BASE + 24 * HOUR));
  const tokens = fake.grant(CALENDAR_SCOPES);
  // Connected as the OAuth callback leaves it: sealed tokens, the primary calendar, a sync job.
  const connection = await t.deps.repos.connections.create(workspaceId, { memberId: member.json.id, provider: 'google', label: 'dana@example.com', credentials: null });
  await storeTokens(t.deps, connection, tokens);
  const calendar = await t.deps.repos.connections.ensureCalendar(workspaceId, connection.id, { externalId: 'primary', name: 'Primary calendar', timeZone: null, isPrimary: true });
  await scheduleCalendarSync(t.deps, workspaceId, connection.id, calendar.id, t.clock.now);
  expect(await runDueJobs(t.deps, t.clock.now, { owner: 'test' })).toMatchObject({ failed: 0 });
  return { ...dana, memberId: member.json.id as string, refreshToken: tokens.refresh_token };
}

const eventCount = () => (t.deps.db as any).$client.prepare('select count(*) as n from events where workspace_id = ?').get(workspaceId).n as number;

describe('the people list', () => {
  it('when an admin lists people, then memberships come with email, role, member and sharing, and pending invitations separately', async () => {
    const owner = await person(t, workspaceId, 'owner', 'owner@example.com');
    await person(t, workspaceId, 'manager', 'mia@example.com');
    await t.api('POST', '/v1/invitations', { key, json: { emails: 'new@example.com', role: 'member' } });
    const res = await t.api('GET', '/v1/people', { headers: owner.headers });
    expect(res.status).toBe(200);
    expect(res.json.people.map((p: any) => [p.email, p.role, p.memberId, p.shareNumbers])).toEqual([
      ['mia@example.com', 'manager', null, false],
      ['owner@example.com', 'owner', null, false],
    ]);
    expect(res.json.invitations).toEqual([expect.objectContaining({ email: 'new@example.com', status: 'pending' })]);
    const managerKey = (await t.api('POST', '/v1/workspace/keys', { key, json: { role: 'manager' } })).json.apiKey;
    expect((await t.api('GET', '/v1/people', { key: managerKey })).json.code).toBe('auth.forbidden');
  });
});

describe('changing roles', () => {
  it('when someone tries to escalate, then it is refused with auth.forbidden and no role moves', async () => {
    const owner = await person(t, workspaceId, 'owner', 'owner@example.com');
    const admin = await person(t, workspaceId, 'admin', 'admin@example.com');
    const member = await person(t, workspaceId, 'member', 'member@example.com');
    const managerKey = (await t.api('POST', '/v1/workspace/keys', { key, json: { role: 'manager' } })).json.apiKey;
    const attempts: Array<[string, { key?: string; headers?: Record<string, string> }, string, Role]> = [
      ['member promotes themselves', { headers: member.headers }, member.id, 'admin'],
      ['admin changes their own role', { headers: admin.headers }, admin.id, 'owner'],
      ['admin demotes the last owner', { headers: admin.headers }, owner.id, 'member'],
      ['admin promotes a member to admin', { headers: admin.headers }, member.id, 'admin'],
      ['admin key promotes a member to admin', { key }, member.id, 'admin'],
      ['manager key acts beyond its scope', { key: managerKey }, member.id, 'manager'],
    ];
    for (const [what, auth, target, role] of attempts) {
      const res = await t.api('PATCH', `/v1/people/${target}`, { ...auth, json: { role } });
      expect([what, res.status, res.json.code]).toEqual([what, 403, 'auth.forbidden']);
    }
    const roles = (await t.api('GET', '/v1/people', { key })).json.people.map((p: any) => [p.email, p.role]);
    expect(roles).toEqual([
      ['admin@example.com', 'admin'],
      ['member@example.com', 'member'],
      ['owner@example.com', 'owner'],
    ]);
    expect((await t.api('GET', '/v1/audit-log', { key })).json.entries.map((e: any) => e.action)).toEqual(['key.create']);
  });

  it('when an owner promotes someone, then the role changes, the person\'s sessions end, and it is logged; an unknown person is not found', async () => {
    const owner = await person(t, workspaceId, 'owner', 'owner@example.com');
    const member = await person(t, workspaceId, 'member', 'member@example.com');
    expect((await t.api('GET', '/v1/workspace', { headers: member.headers })).status).toBe(200);
    const res = await t.api('PATCH', `/v1/people/${member.id}`, { headers: owner.headers, json: { role: 'admin' } });
    expect(res.json).toEqual({ personId: member.id, role: 'admin', previousRole: 'member', changed: true });
    expect((await t.api('GET', '/v1/workspace', { headers: member.headers })).json.code).toBe('auth.session_expired');
    const admin = await t.api('PATCH', `/v1/people/${member.id}`, { key, json: { role: 'manager' } });
    expect(admin.json.code).toBe('auth.forbidden'); // now an admin: only owners manage admins
    expect((await t.api('PATCH', '/v1/people/per_nobody', { key, json: { role: 'manager' } })).json.code).toBe('person.not_found');
    const [entry] = (await t.api('GET', '/v1/audit-log', { key })).json.entries;
    expect(entry).toMatchObject({ actor: `person:${owner.id}`, action: 'person.role', target: member.id, detail: { from: 'member', to: 'admin' } });
  });
});

describe('offboarding', () => {
  it('when an admin removes a person, then the membership and sessions end, the Google grant is revoked at the vendor, events are purged and the member row goes', async () => {
    const dana = await danaWithCalendar();
    expect(eventCount()).toBe(2);
    const res = await t.api('DELETE', `/v1/people/${dana.id}`, { key });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ personId: dana.id, workspaceId, memberId: dana.memberId, memberRemoved: true, connectionsRemoved: 1, grantsReleased: 1, eventsPurged: 2 });

    expect(fake.requests.filter((r) => r.path === '/revoke')).toHaveLength(1);
    const refresh = await fetch(`${fake.url}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: dana.refreshToken, client_id: fake.clientId, client_secret: fake.clientSecret }),
    });
    expect(refresh.status).toBe(400);
    expect(eventCount()).toBe(0);
    expect((await t.api('GET', '/v1/connections', { key })).json.connections).toEqual([]);
    expect((await t.api('GET', '/v1/members', { key })).json.members).toEqual([]);
    expect(await t.deps.repos.people.membership(workspaceId, dana.id)).toBeUndefined();
    expect((await t.api('GET', '/v1/workspace', { headers: dana.headers })).json.code).toBe('auth.session_expired');
    expect(await t.deps.repos.people.get(dana.id)).toBeDefined(); // the person may belong elsewhere

    const [entry] = (await t.api('GET', '/v1/audit-log', { key })).json.entries;
    expect(entry).toMatchObject({ action: 'person.remove', target: dana.id, detail: { role: 'member', eventsPurged: 2, grantsReleased: 1 } });
  });

  it('when keepMember=true, then the member row stays for history while the grant, events and membership go', async () => {
    const dana = await danaWithCalendar();
    const res = await t.api('DELETE', `/v1/people/${dana.id}?keepMember=true`, { key });
    expect(res.json).toMatchObject({ memberRemoved: false, connectionsRemoved: 1, eventsPurged: 2 });
    expect(eventCount()).toBe(0);
    expect((await t.api('GET', '/v1/members', { key })).json.members.map((m: any) => m.email)).toEqual(['dana@example.com']);
  });

  it('when the target is the last owner, an admin, or the caller themselves, then offboarding is refused and nothing moves', async () => {
    const owner = await person(t, workspaceId, 'owner', 'owner@example.com');
    const admin = await person(t, workspaceId, 'admin', 'admin@example.com');
    for (const [auth, target] of [
      [{ key }, owner.id],
      [{ headers: admin.headers }, owner.id],
      [{ key }, admin.id],
      [{ headers: owner.headers }, owner.id],
    ] as const) {
      const res = await t.api('DELETE', `/v1/people/${target}`, auth);
      expect([res.status, res.json.code]).toEqual([403, 'auth.forbidden']);
    }
    expect((await t.api('GET', '/v1/people', { key })).json.people).toHaveLength(2);
    expect((await t.api('DELETE', `/v1/people/${admin.id}`, { headers: owner.headers })).status).toBe(200);
  });
});

describe('the audit log', () => {
  it('when admins act, then the log lists their actions newest first, pages with before, and holds no secrets', async () => {
    const owner = await person(t, workspaceId, 'owner', 'owner@example.com');
    const member = await person(t, workspaceId, 'member', 'member@example.com');
    const invited = await t.api('POST', '/v1/invitations', { headers: owner.headers, json: { emails: 'a@example.com\nb@example.com' } });
    await t.api('POST', `/v1/invitations/${invited.json.results[0].invitationId}/resend`, { key });
    await t.api('DELETE', `/v1/invitations/${invited.json.results[1].invitationId}`, { key });
    await t.api('PATCH', `/v1/people/${member.id}`, { headers: owner.headers, json: { role: 'manager' } });
    const all = await t.api('GET', '/v1/audit-log', { key });
    expect(all.json.entries.map((e: any) => e.action)).toEqual(['person.role', 'invitation.revoke', 'invitation.resend', 'invitation.create', 'invitation.create']);
    expect(all.json.entries[4]).toMatchObject({ actor: `person:${owner.id}`, detail: { email: 'a@example.com', role: 'member' }, at: new Date(t.clock.now).toISOString() });
    expect(all.text).not.toMatch(/umi_/);

    const page1 = await t.api('GET', '/v1/audit-log?limit=2', { key });
    expect(page1.json.entries).toHaveLength(2);
    const page2 = await t.api('GET', `/v1/audit-log?limit=2&before=${page1.json.nextBefore}`, { key });
    expect(page2.json.entries.map((e: any) => e.action)).toEqual(['invitation.resend', 'invitation.create']);
    expect((await t.api('GET', '/v1/audit-log?limit=0', { key })).json.code).toBe('request.invalid');
    expect((await t.api('GET', '/v1/audit-log', { headers: member.headers })).status).toBe(401); // its session ended with the role change
  });

  it('when an admin changes settings, keys or members, then each action is logged with facts and never the key itself', async () => {
    await t.api('PATCH', '/v1/workspace', { key, json: { hourlyRate: 90 } });
    const created = await t.api('POST', '/v1/workspace/keys', { key, json: { label: 'CI', role: 'manager' } });
    await t.api('DELETE', `/v1/workspace/keys/${created.json.key.id}`, { key });
    const member = await t.api('POST', '/v1/members', { key, json: { email: 'sam@example.com', name: 'Sam', timeZone: 'UTC' } });
    await t.api('PATCH', `/v1/members/${member.json.id}`, { key, json: { name: 'Samuel' } });
    await t.api('DELETE', `/v1/members/${member.json.id}`, { key });
    const log = await t.api('GET', '/v1/audit-log', { key });
    expect(log.json.entries.map((e: any) => [e.action, e.target])).toEqual([
      ['member.delete', member.json.id],
      ['member.update', member.json.id],
      ['member.create', member.json.id],
      ['key.revoke', created.json.key.id],
      ['key.create', created.json.key.id],
      ['workspace.settings', workspaceId],
    ]);
    expect(log.json.entries.at(-1).detail).toEqual({ changed: ['hourlyRate'] });
    expect(log.json.entries.every((e: any) => e.actor.startsWith('key:'))).toBe(true);
    expect(log.text).not.toContain(created.json.apiKey);
  });
});
