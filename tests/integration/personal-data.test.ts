import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Role } from '../../src/domain/roles';
import { startSession } from '../../src/services/sessions';
import { connectIcs } from '../../src/services/sync';
import { createTestApp, newWorkspace } from '../helpers/app';
import { icsCalendar, icsEvent } from '../helpers/ics';

type T = Awaited<ReturnType<typeof createTestApp>>;

const ics = (uid: string, title: string) =>
  icsCalendar([
    icsEvent({ uid, dtstamp: null, start: '20261130T140000Z', end: '20261130T150000Z', title, organizer: 'bob@example.com', attendees: [{ email: 'bob@example.com', partstat: null }] }),
  ]);

let t: T;
let key: string;
let workspaceId: string;
beforeEach(async () => {
  t = await createTestApp();
  const ws = await newWorkspace(t.api);
  key = ws.apiKey;
  workspaceId = ws.workspace.id;
});
afterEach(() => t.close());

/** A signed-in person with a member row whose calendar holds one event titled `title`. */
async function personWithCalendar(email: string, role: Role, title: string, ws = workspaceId) {
  const member = await t.deps.repos.members.create(ws, { email, name: email.split('@')[0]!, timeZone: 'Asia/Jakarta', locale: 'id', workingHours: { mon: [['09:00', '17:00']] } as never }, t.clock.now);
  const person = await t.deps.repos.people.upsertVerified({ email, name: email.split('@')[0]!, locale: 'id', verifiedBy: 'google' });
  await t.deps.repos.people.linkIdentity(person.id, { provider: 'google', subject: `sub-${email}`, email });
  await t.deps.repos.people.join(ws, person.id, role, member.id);
  await t.deps.repos.mailAddresses.markVerified(email, 'google', t.clock.now);
  await connectIcs(t.deps, ws, member.id, { body: ics(`${title}@test`, title), name: `${email}.ics` });
  const { token } = await startSession(t.deps, { workspaceId: ws, personId: person.id });
  return { id: person.id, memberId: member.id, email, headers: { cookie: `um_session=${token}` } };
}

const rows = (table: string) => (t.deps.db as any).$client.prepare(`select count(*) as n from ${table}`).get().n as number;

describe('exporting my data', () => {
  it('when a person exports, then the JSON holds their person, identities, memberships, member profile, connections by label, events and sessions, and nothing of anyone else', async () => {
    const ayu = await personWithCalendar('ayu@example.com', 'member', 'Ayu planning');
    await personWithCalendar('budi@example.com', 'member', 'Budi secret review');
    const res = await t.api('GET', '/v1/me/export', { headers: ayu.headers });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const data = res.json;
    expect(data.person).toMatchObject({ id: ayu.id, email: 'ayu@example.com', verifiedBy: 'google' });
    expect(data.identities).toEqual([{ provider: 'google', email: 'ayu@example.com', createdAt: expect.any(String) }]);
    expect(data.mailAddress).toMatchObject({ email: 'ayu@example.com', verifiedBy: 'google' });
    expect(data.sessions).toHaveLength(1);
    expect(data.workspaces).toHaveLength(1);
    const [ws] = data.workspaces;
    expect(ws).toMatchObject({ workspaceId, name: 'Acme', role: 'member', shareNumbers: false });
    expect(ws.member).toMatchObject({ id: ayu.memberId, email: 'ayu@example.com', timeZone: 'Asia/Jakarta' });
    expect(ws.member.connections).toEqual([expect.objectContaining({ provider: 'ics', label: 'ayu@example.com.ics' })]);
    expect(ws.member.connections[0].calendars[0].events.map((e: any) => e.title)).toEqual(['Ayu planning']);

    expect(res.text).not.toContain('budi');
    expect(res.text).not.toContain('Budi secret review');
    expect(res.text).not.toContain('sub-ayu'); // identity-provider subjects stay private
    expect(res.text).not.toMatch(/credentials|ums_|csrf/i);
  });

  it('when an API key asks for an export, then it is refused: an export is about a signed-in person', async () => {
    const res = await t.api('GET', '/v1/me/export', { key });
    expect([res.status, res.json.code]).toEqual([403, 'auth.person_required']);
    expect((await t.api('GET', '/v1/me/export')).status).toBe(401);
  });
});

describe('deleting my data', () => {
  it('when a member deletes their data, then their memberships, member rows, events, identities, sessions and address record are gone and the cookie stops working', async () => {
    const ayu = await personWithCalendar('ayu@example.com', 'member', 'Ayu planning');
    const budi = await personWithCalendar('budi@example.com', 'member', 'Budi review');
    // Ayu belongs to a second workspace too.
    const other = await newWorkspace(t.api, 'Other');
    const ayuThere = await t.deps.repos.members.create(other.workspace.id, { email: 'ayu@example.com', name: 'Ayu', timeZone: 'UTC', locale: 'en', workingHours: { mon: [['09:00', '17:00']] } as never }, t.clock.now);
    await t.deps.repos.people.join(other.workspace.id, ayu.id, 'admin', ayuThere.id);
    expect(rows('events')).toBe(2);

    const res = await t.api('DELETE', '/v1/me/data', { headers: ayu.headers });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ personId: ayu.id, email: 'ayu@example.com', mailAddressRemoved: true, personRemoved: true });
    expect(res.json.workspaces.map((w: any) => [w.workspaceId, w.memberRemoved, w.eventsPurged])).toEqual(
      expect.arrayContaining([
        [workspaceId, true, 1],
        [other.workspace.id, true, 0],
      ]),
    );
    expect(res.headers.get('set-cookie')).toMatch(/um_session=;/);

    expect(await t.deps.repos.people.get(ayu.id)).toBeUndefined();
    expect(await t.deps.repos.people.findByIdentity('google', 'sub-ayu@example.com')).toBeUndefined();
    expect(await t.deps.repos.mailAddresses.get('ayu@example.com')).toBeUndefined();
    expect(await t.deps.repos.members.getByEmail(workspaceId, 'ayu@example.com')).toBeUndefined();
    expect(await t.deps.repos.members.getByEmail(other.workspace.id, 'ayu@example.com')).toBeUndefined();
    expect(rows('events')).toBe(1);
    expect((t.deps.db as any).$client.prepare('select count(*) as n from sessions where person_id = ?').get(ayu.id).n).toBe(0);
    expect((await t.api('GET', '/v1/me/export', { headers: ayu.headers })).status).toBe(401);

    // Budi is untouched.
    const budiExport = await t.api('GET', '/v1/me/export', { headers: budi.headers });
    expect(budiExport.json.workspaces[0].member.connections[0].calendars[0].events).toHaveLength(1);
    const log = await t.api('GET', '/v1/audit-log', { key });
    expect(log.json.entries[0]).toMatchObject({ actor: `person:${ayu.id}`, action: 'person.delete_data' });
  });

  it('when the last owner of a workspace deletes their data, then it is refused with role.last_owner and nothing is removed', async () => {
    const owner = await personWithCalendar('owner@example.com', 'owner', 'Owner sync');
    const before = { events: rows('events'), members: rows('members'), people: rows('people'), memberships: rows('memberships'), sessions: rows('sessions') };
    const res = await t.api('DELETE', '/v1/me/data', { headers: owner.headers });
    expect([res.status, res.json.code]).toEqual([409, 'role.last_owner']);
    expect({ events: rows('events'), members: rows('members'), people: rows('people'), memberships: rows('memberships'), sessions: rows('sessions') }).toEqual(before);

    // With a second owner, the first may go.
    const second = await t.deps.repos.people.upsertVerified({ email: 'second@example.com', name: 'Second', locale: 'en', verifiedBy: 'link' });
    await t.deps.repos.people.join(workspaceId, second.id, 'owner', null);
    expect((await t.api('DELETE', '/v1/me/data', { headers: owner.headers })).status).toBe(200);
    expect(await t.deps.repos.people.countOwners(workspaceId)).toBe(1);
  });

  it('when an API key tries to delete personal data, then it is refused', async () => {
    const res = await t.api('DELETE', '/v1/me/data', { key });
    expect([res.status, res.json.code]).toEqual([403, 'auth.person_required']);
  });
});
