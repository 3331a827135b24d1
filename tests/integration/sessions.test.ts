import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { sessions } from '../../src/db/people.schema';
import type { Role } from '../../src/domain/roles';
import { SESSION_ABSOLUTE_MS, SESSION_IDLE_MS, startSession } from '../../src/services/sessions';
import { hashApiKey } from '../../src/services/workspaces';
import { createTestApp, newWorkspace } from '../helpers/app';

/**
 * Server-side sessions of signed-in people, through the HTTP API and the sign-in pages: sign-out
 * (one session, or everywhere), idle and absolute timeouts on the test clock, how often the idle
 * clock is written, and sessions ending when a role is changed or taken away.
 */

type T = Awaited<ReturnType<typeof createTestApp>>;

async function person(t: T, workspaceId: string, role: Role, email = `${role}.${Math.random().toString(36).slice(2)}@acme.id`) {
  const p = await t.deps.repos.people.upsertVerified({ email, name: 'Ayu', locale: 'en', verifiedBy: 'link' });
  await t.deps.repos.people.join(workspaceId, p.id, role, null);
  return p;
}

async function session(t: T, workspaceId: string | null, personId: string) {
  const { token } = await startSession(t.deps, { workspaceId, personId });
  return { token, cookie: `um_session=${token}`, id: await hashApiKey(token) };
}

const get = (t: T, path: string, cookie: string) => t.api('GET', path, { headers: { cookie } });
const csrfOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)![1]!;

describe('sessions', () => {
  it('when a person signs out, then the session row is gone and a copied cookie stops working too', async () => {
    const t = await createTestApp();
    const { workspace } = await newWorkspace(t.api);
    const p = await person(t, workspace.id, 'member');
    const s = await session(t, workspace.id, p.id);
    const copy = s.cookie;
    expect((await get(t, '/v1/me', copy)).status).toBe(200);
    const out = await t.api('POST', '/auth/sign-out', { headers: { cookie: s.cookie } });
    expect(out.status).toBe(303);
    expect(out.headers.get('set-cookie')).toMatch(/um_session=;.*Max-Age=0/i);
    expect(await t.deps.db.select().from(sessions).where(eq(sessions.id, s.id))).toEqual([]);
    expect((await get(t, '/v1/me', copy)).json).toMatchObject({ status: 401, code: 'auth.session_expired' });
  });

  it('when a sign-out comes from another site, then it is refused and the session lives on', async () => {
    const t = await createTestApp();
    const { workspace } = await newWorkspace(t.api);
    const s = await session(t, workspace.id, (await person(t, workspace.id, 'member')).id);
    const res = await t.api('POST', '/auth/sign-out', { headers: { cookie: s.cookie, 'sec-fetch-site': 'cross-site' } });
    expect(res.json).toMatchObject({ status: 403, code: 'auth.forbidden' });
    expect((await get(t, '/v1/me', s.cookie)).status).toBe(200);
  });

  it('when a person signs out everywhere through the API, then every session of theirs ends, in every workspace, and other people stay signed in', async () => {
    const t = await createTestApp();
    const a = await newWorkspace(t.api, 'Alpha');
    const b = await newWorkspace(t.api, 'Beta');
    const p = await person(t, a.workspace.id, 'admin', 'ayu@acme.id');
    await t.deps.repos.people.join(b.workspace.id, p.id, 'member', null);
    const laptop = await session(t, a.workspace.id, p.id);
    const phone = await session(t, b.workspace.id, p.id);
    const other = await session(t, a.workspace.id, (await person(t, a.workspace.id, 'member')).id);
    const res = await t.api('POST', '/v1/me/sign-out-everywhere', { headers: { cookie: laptop.cookie } });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ signedOut: 'everywhere' });
    expect((await get(t, '/v1/me', laptop.cookie)).status).toBe(401);
    expect((await get(t, '/v1/me', phone.cookie)).status).toBe(401);
    expect((await get(t, '/v1/me', other.cookie)).status).toBe(200);
  });

  it('when "sign out everywhere" is posted from the sign-in pages, then it needs the form token; with it, every session ends', async () => {
    const t = await createTestApp();
    const { workspace } = await newWorkspace(t.api);
    const p = await person(t, workspace.id, 'member');
    const here = await session(t, workspace.id, p.id);
    const there = await session(t, null, p.id);
    const forged = await t.api('POST', '/auth/sign-out-everywhere', { headers: { cookie: here.cookie, 'content-type': 'application/x-www-form-urlencoded' }, body: '_csrf=guess' });
    expect(forged.json).toMatchObject({ status: 403, code: 'auth.forbidden' });
    expect((await get(t, '/v1/me', here.cookie)).status).toBe(200);
    const page = await get(t, '/auth/workspaces', here.cookie);
    const res = await t.api('POST', '/auth/sign-out-everywhere', {
      headers: { cookie: here.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: `_csrf=${encodeURIComponent(csrfOf(page.text))}`,
    });
    expect(res.status).toBe(200);
    expect(res.text).toContain('You are signed out on every device.');
    expect((await get(t, '/v1/me', here.cookie)).status).toBe(401);
    expect((await get(t, '/auth/workspaces', there.cookie)).status).toBe(401);
  });

  it('when a session sees no request for 12 hours, then it ends; a request just before keeps it alive', async () => {
    const t = await createTestApp();
    const { workspace } = await newWorkspace(t.api);
    const p = await person(t, workspace.id, 'member');
    const kept = await session(t, workspace.id, p.id);
    const idle = await session(t, workspace.id, p.id);
    t.clock.now += SESSION_IDLE_MS - 60_000;
    expect((await get(t, '/v1/me', kept.cookie)).status).toBe(200);
    t.clock.now += 60_000;
    expect((await get(t, '/v1/me', idle.cookie)).json).toMatchObject({ status: 401, code: 'auth.session_expired' });
    expect((await get(t, '/v1/me', kept.cookie)).status).toBe(200);
  });

  it('when a session is used every hour, then it still ends 7 days after sign-in', async () => {
    const t = await createTestApp();
    const { workspace } = await newWorkspace(t.api);
    const s = await session(t, workspace.id, (await person(t, workspace.id, 'member')).id);
    const start = t.clock.now;
    while (t.clock.now + 3_600_000 < start + SESSION_ABSOLUTE_MS) {
      t.clock.now += 3_600_000;
      expect((await get(t, '/v1/me', s.cookie)).status).toBe(200);
    }
    t.clock.now = start + SESSION_ABSOLUTE_MS;
    expect((await get(t, '/v1/me', s.cookie)).status).toBe(401);
  });

  it('when requests come within a minute, then the idle clock is written at most once a minute', async () => {
    const t = await createTestApp();
    const { workspace } = await newWorkspace(t.api);
    const s = await session(t, workspace.id, (await person(t, workspace.id, 'member')).id);
    const lastSeen = async () => (await t.deps.db.select().from(sessions).where(eq(sessions.id, s.id)))[0]!.lastSeenAt;
    const signedInAt = t.clock.now;
    const seen: number[] = [];
    for (let i = 0; i < 12; i++) {
      t.clock.now += 10_000;
      expect((await get(t, '/v1/me', s.cookie)).status).toBe(200);
      seen.push(await lastSeen());
    }
    // 12 requests over two minutes: written at +60 s and +120 s only.
    expect(new Set(seen)).toEqual(new Set([signedInAt, signedInAt + 60_000, signedInAt + 120_000]));
  });

  it('when an admin changes a person’s role or removes them, then their sessions in that workspace end; elsewhere they go on', async () => {
    const t = await createTestApp();
    const a = await newWorkspace(t.api, 'Alpha');
    const b = await newWorkspace(t.api, 'Beta');
    const p = await person(t, a.workspace.id, 'admin');
    await t.deps.repos.people.join(b.workspace.id, p.id, 'member', null);
    const inA = await session(t, a.workspace.id, p.id);
    const inB = await session(t, b.workspace.id, p.id);
    expect(await t.deps.repos.people.setRole(a.workspace.id, p.id, 'member')).toBe('changed');
    expect((await get(t, '/v1/me', inA.cookie)).status).toBe(401);
    expect((await get(t, '/v1/me', inB.cookie)).status).toBe(200);
    const again = await session(t, a.workspace.id, p.id);
    expect((await get(t, '/v1/me', again.cookie)).json.current).toEqual({ workspaceId: a.workspace.id, role: 'member' });
    expect(await t.deps.repos.people.leave(b.workspace.id, p.id)).toBe('removed');
    expect((await get(t, '/v1/me', inB.cookie)).status).toBe(401);
    expect((await get(t, '/v1/me', again.cookie)).status).toBe(200);
  });

  it('when a person without a workspace yet calls the API, then 401; the sign-in pages still serve them', async () => {
    const t = await createTestApp();
    const p = await t.deps.repos.people.upsertVerified({ email: 'new@acme.id', name: 'New', locale: 'en', verifiedBy: 'link' });
    const s = await session(t, null, p.id);
    expect((await get(t, '/v1/me', s.cookie)).status).toBe(401);
    expect((await get(t, '/auth/workspaces', s.cookie)).status).toBe(200);
  });
});

describe('housekeeping', () => {
  it('when someone asks for a sign-in link, then ended sessions and links a day past their end are deleted, live ones kept', async () => {
    const t = await createTestApp({ mail: { transport: { name: 'test', send: async () => undefined }, from: { email: 'unmeet@unmeet.test', name: 'unmeet' }, links: { sign: async () => '', verify: async () => undefined } } });
    const { workspace } = await newWorkspace(t.api);
    const p = await person(t, workspace.id, 'member', 'ayu@acme.id');
    const old = await session(t, workspace.id, p.id);
    await t.api('POST', '/auth/email', { json: { email: 'ayu@acme.id' } });
    t.clock.now += 2 * 86_400_000;
    const live = await session(t, workspace.id, p.id);
    await t.api('POST', '/auth/email', { json: { email: 'ayu@acme.id' } });
    expect((await t.deps.db.select().from(sessions)).map((s) => s.id)).toEqual([live.id]);
    expect(await t.deps.repos.links.countSince('sign-in', 'ayu@acme.id', 0)).toBe(1);
    expect(old.id).not.toBe(live.id);
  });
});

describe('/v1/me', () => {
  it('when a person changes their name and language, then /v1/me shows them; an unknown language is 422 and changes nothing', async () => {
    const t = await createTestApp();
    const { workspace } = await newWorkspace(t.api);
    const p = await person(t, workspace.id, 'member', 'ayu@acme.id');
    const s = await session(t, workspace.id, p.id);
    const patched = await t.api('PATCH', '/v1/me', { json: { name: 'Ayu Lestari', locale: 'id' }, headers: { cookie: s.cookie } });
    expect(patched.status).toBe(200);
    expect(patched.json.person).toEqual({ id: p.id, email: 'ayu@acme.id', name: 'Ayu Lestari', locale: 'id' });
    const bad = await t.api('PATCH', '/v1/me', { json: { locale: 'fr' }, headers: { cookie: s.cookie } });
    expect(bad.json).toMatchObject({ status: 422, code: 'request.invalid' });
    const extra = await t.api('PATCH', '/v1/me', { json: { email: 'other@evil.example' }, headers: { cookie: s.cookie } });
    expect(extra.status).toBe(422);
    expect((await t.deps.repos.people.get(p.id))).toMatchObject({ name: 'Ayu Lestari', locale: 'id', email: 'ayu@acme.id' });
  });

  it('when an API key calls /v1/me, then 403 auth.person_required; a cross-site write with the cookie is refused', async () => {
    const t = await createTestApp();
    const { workspace, apiKey } = await newWorkspace(t.api);
    expect((await t.api('GET', '/v1/me', { key: apiKey })).json).toMatchObject({ status: 403, code: 'auth.person_required' });
    expect((await t.api('POST', '/v1/me/sign-out-everywhere', { key: apiKey })).status).toBe(403);
    const s = await session(t, workspace.id, (await person(t, workspace.id, 'member')).id);
    const cross = await t.api('PATCH', '/v1/me', { json: { name: 'X' }, headers: { cookie: s.cookie, 'sec-fetch-site': 'cross-site' } });
    expect(cross.json).toMatchObject({ status: 403, code: 'auth.forbidden' });
  });
});
