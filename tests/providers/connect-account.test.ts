/**
 * Calendar connect checks whose account grants access (issue 15, "invitations and self-service
 * connection"; issue 16 defect 3). Driven end to end for Google and Microsoft: the consent
 * redirect goes to the real fake, whose `account` decides who consents, and the callback verifies
 * the ID token from the code exchange with the real identity client.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Role } from '../../src/domain/roles';
import { runDueJobs } from '../../src/jobs/run-due-jobs';
import { SESSION_COOKIE } from '../../src/http/middleware/session';
import { startSession } from '../../src/services/sessions';
import { startFakeGoogle, type FakeGoogle } from '../fakes/google/server';
import { startFakeGraph, type FakeGraph } from '../fakes/graph/server';
import { createTestApp, newWorkspace } from '../helpers/app';

const BASE = Date.parse('2026-11-30T14:00:00Z');
const HOUR = 3_600_000;
const DANA = 'dana@example.com';
const MALLORY = 'mallory@example.com';
const PERSONAL = 'dana.home@gmail.com';

/** The people who may consent on a vendor's screen, as that vendor describes them. */
type Account = { who: string; email: string; verified: boolean };

/** What differs between the vendors in these tests: the fake, how it holds events and accounts, and the subject it names. */
interface Vendor {
  provider: 'google' | 'microsoft';
  start(): Promise<void>;
  stop(): Promise<void> | void;
  deps(): Record<string, unknown>;
  setNow(now: () => number): void;
  consentAs(account: Account): void;
  subjectOf(account: Account): string;
  /** One hour-long meeting with Bob, starting at `start`. */
  putMeeting(id: string, start: number): void;
  remove(id: string): void;
  revokeAll(): void;
  /** Whether the vendor saw the just-issued grant revoked (null: the vendor has no way to). */
  revoked(): boolean | null;
}

function googleVendor(): Vendor {
  let fake: FakeGoogle;
  return {
    provider: 'google',
    start: async () => void (fake = await startFakeGoogle()),
    stop: () => fake.stop(),
    deps: () => ({ google: { clientId: fake.clientId, clientSecret: fake.clientSecret, apiRoot: fake.url, oauthRoot: fake.url } }),
    setNow: (now) => void (fake.now = now),
    consentAs: (a) => void (fake.account = { sub: `sub-${a.who}`, email: a.email, emailVerified: a.verified, ...(a.email.endsWith('@gmail.com') ? {} : { hd: 'example.com' }) }),
    subjectOf: (a) => `sub-${a.who}`,
    putMeeting: (id, start) =>
      fake.put('primary', {
        id,
        status: 'confirmed',
        summary: `Meeting ${id}`,
        start: { dateTime: new Date(start).toISOString() },
        end: { dateTime: new Date(start + HOUR).toISOString() },
        organizer: { email: 'bob@example.com' },
        attendees: [{ email: DANA, responseStatus: 'accepted', self: true }, { email: 'bob@example.com', responseStatus: 'accepted' }],
      }),
    remove: (id) => fake.cancel('primary', id),
    revokeAll: () => fake.revokeAll(),
    revoked: () => fake.requests.some((r) => r.path === '/revoke'),
  };
}

function microsoftVendor(): Vendor {
  let fake: FakeGraph;
  const graphTime = (ms: number) => ({ dateTime: new Date(ms).toISOString().replace('Z', '').replace(/\.(\d{3})$/, '.$10000'), timeZone: 'UTC' });
  return {
    provider: 'microsoft',
    start: async () => void (fake = await startFakeGraph()),
    stop: () => fake.stop(),
    deps: () => ({ microsoft: { clientId: fake.clientId, clientSecret: fake.clientSecret, tenant: fake.tenant, apiRoot: fake.apiRoot, oauthRoot: fake.url } }),
    setNow: (now) => void (fake.now = now),
    consentAs: (a) => void (fake.account = { oid: `0000-${a.who}`, tid: fake.tenantId, email: a.email, ...(a.verified ? { xmsEdov: true } : {}), name: a.who }),
    subjectOf: (a) => `${fake.tenantId}:0000-${a.who}`,
    putMeeting: (id, start) =>
      fake.put({
        id,
        subject: `Meeting ${id}`,
        start: graphTime(start),
        end: graphTime(start + HOUR),
        type: 'singleInstance',
        showAs: 'busy',
        organizer: { emailAddress: { address: 'bob@example.com', name: 'Bob' } },
        attendees: [
          { type: 'required', status: { response: 'accepted' }, emailAddress: { address: DANA } },
          { type: 'required', status: { response: 'organizer' }, emailAddress: { address: 'bob@example.com' } },
        ],
      }),
    remove: (id) => fake.remove(id),
    revokeAll: () => fake.revokeAll(),
    revoked: () => null,
  };
}

const dana: Account = { who: 'dana', email: DANA, verified: true };
const mallory: Account = { who: 'mallory', email: MALLORY, verified: true };

describe.each([
  ['Google', googleVendor],
  ['Microsoft', microsoftVendor],
] as const)('%s calendar connect checks the granting account', (_name, makeVendor) => {
  const vendor = makeVendor();
  beforeEach(() => vendor.start());
  afterEach(() => vendor.stop());

  async function setup() {
    const t = await createTestApp(vendor.deps());
    vendor.setNow(() => t.clock.now);
    const { apiKey, workspace } = await newWorkspace(t.api);
    const member = await t.api('POST', '/v1/members', { key: apiKey, json: { email: DANA, name: 'Dana', timeZone: 'Europe/London' } });
    const other = await t.api('POST', '/v1/members', { key: apiKey, json: { email: 'erin@example.com', name: 'Erin', timeZone: 'Europe/London' } });
    const workspaceId = workspace.id;
    const count = (table: string) => ((t.deps.db as any).$client.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n;
    /** A person with a role and a session; `memberId` links them to the member row that is theirs. */
    const person = async (email: string, role: Role, memberId: string | null) => {
      const p = await t.deps.repos.people.upsertVerified({ email, name: email, locale: 'en', verifiedBy: 'link' });
      await t.deps.repos.people.join(workspaceId, p.id, role, memberId);
      const { token } = await startSession(t.deps, { workspaceId, personId: p.id });
      return { personId: p.id, cookie: `${SESSION_COOKIE}=${token}` };
    };
    /** Follows a consent URL through the fake (it consents as its current account) and calls our callback. */
    const consent = async (authorizeUrl: string) => {
      const back = new URL((await fetch(authorizeUrl, { redirect: 'manual' })).headers.get('location')!);
      const res = await t.app.request(back.pathname + back.search);
      return { status: res.status, text: await res.text() };
    };
    const startAsAdmin = async (memberId = member.json.id as string) => {
      const res = await t.app.request(`/v1/connect/${vendor.provider}?memberId=${memberId}`, { headers: { authorization: `Bearer ${apiKey}` } });
      expect(res.status).toBe(302);
      return res.headers.get('location')!;
    };
    const connections = async () => (await t.api('GET', '/v1/connections', { key: apiKey })).json.connections as Array<{ id: string; status: string }>;
    const audit = async () => (await t.api('GET', '/v1/audit?from=2026-11-30&to=2026-12-03', { key: apiKey })).json.members.find((m: { email: string }) => m.email === DANA).metrics;
    return { t, apiKey, workspaceId, memberId: member.json.id as string, otherId: other.json.id as string, count, person, consent, startAsAdmin, connections, audit };
  }

  it("when dana's consent is completed by mallory's account, then it is refused with oauth.account_mismatch, nothing is stored, and the grant is revoked where the vendor allows", async () => {
    const ctx = await setup();
    vendor.consentAs(mallory);
    const res = await ctx.consent(await ctx.startAsAdmin());
    expect(res.status).toBe(403);
    expect(res.text).toContain(MALLORY);
    expect(res.text).toContain(DANA);
    expect(ctx.count('connections')).toBe(0);
    expect(ctx.count('calendars')).toBe(0);
    expect(ctx.count('jobs')).toBe(0);
    expect(ctx.count('oauth_states')).toBe(0);
    // Google revokes the grant it just issued; Microsoft has no per-grant revocation, the tokens are dropped.
    expect(vendor.revoked()).toBe(vendor.provider === 'google' ? true : null);
  });

  it('when the account matches the member but the vendor does not vouch for its address, then it is refused with oauth.account_unverified and nothing is stored', async () => {
    const ctx = await setup();
    vendor.consentAs({ ...dana, verified: false });
    const res = await ctx.consent(await ctx.startAsAdmin());
    expect(res.status).toBe(403);
    expect(res.text).toContain('does not vouch');
    expect(ctx.count('connections')).toBe(0);
  });

  it('when the ID token carries another nonce, then the grant is refused and nothing is stored', async () => {
    const ctx = await setup();
    vendor.consentAs(dana);
    // A token minted for another consent: the fake puts whatever nonce the consent carried.
    const authorize = new URL(await ctx.startAsAdmin());
    authorize.searchParams.set('nonce', 'a-nonce-we-never-issued');
    const res = await ctx.consent(authorize.toString());
    expect(res.status).toBe(401);
    expect(ctx.count('connections')).toBe(0);
  });

  it("when dana's own account consents, then the connection records the account's subject and email", async () => {
    const ctx = await setup();
    vendor.consentAs(dana);
    const res = await ctx.consent(await ctx.startAsAdmin());
    expect(res.status).toBe(200);
    expect(res.text).toContain('connected');
    const [row] = await ctx.t.deps.repos.connections.list(ctx.workspaceId);
    expect(row).toMatchObject({ memberId: ctx.memberId, provider: vendor.provider, accountSubject: vendor.subjectOf(dana), accountEmail: DANA, status: 'syncing' });
  });

  it('when the member confirms another account of theirs in their own session, then a grant from that account connects their calendar', async () => {
    const ctx = await setup();
    const me = await ctx.person(DANA, 'member', ctx.memberId);
    const started = await ctx.t.app.request(`/v1/connect/${vendor.provider}`, {
      method: 'POST',
      headers: { cookie: me.cookie, 'sec-fetch-site': 'same-origin', 'content-type': 'application/json' },
      body: JSON.stringify({ memberId: ctx.memberId, account: PERSONAL.toUpperCase() }),
    });
    expect(started.status).toBe(200);
    const { authorizeUrl, expectedAccount } = (await started.json()) as { authorizeUrl: string; expectedAccount: string };
    expect(expectedAccount).toBe(PERSONAL);
    expect(new URL(authorizeUrl).searchParams.get('login_hint')).toBe(PERSONAL);
    const home: Account = { who: 'dana-home', email: PERSONAL, verified: true };
    vendor.consentAs(home);
    expect((await ctx.consent(authorizeUrl)).status).toBe(200);
    const [row] = await ctx.t.deps.repos.connections.list(ctx.workspaceId);
    expect(row).toMatchObject({ memberId: ctx.memberId, accountSubject: vendor.subjectOf(home), accountEmail: PERSONAL });
  });

  it('when the member confirmed another account but their work account consents, then it is refused: the confirmed account is the only one accepted', async () => {
    const ctx = await setup();
    const me = await ctx.person(DANA, 'member', ctx.memberId);
    const started = await ctx.t.app.request(`/v1/connect/${vendor.provider}`, {
      method: 'POST',
      headers: { cookie: me.cookie, 'sec-fetch-site': 'same-origin', 'content-type': 'application/json' },
      body: JSON.stringify({ memberId: ctx.memberId, account: PERSONAL }),
    });
    vendor.consentAs(dana);
    const res = await ctx.consent(((await started.json()) as { authorizeUrl: string }).authorizeUrl);
    expect(res.status).toBe(403);
    expect(ctx.count('connections')).toBe(0);
  });

  it('when an admin (by key or in their own session) names another account for a member, then it is refused and no consent starts', async () => {
    const ctx = await setup();
    const body = JSON.stringify({ memberId: ctx.memberId, account: MALLORY });
    const byKey = await ctx.t.api('POST', `/v1/connect/${vendor.provider}`, { key: ctx.apiKey, body, headers: { 'content-type': 'application/json' } });
    expect(byKey.status).toBe(403);
    expect(byKey.json.code).toBe('auth.person_required');
    const admin = await ctx.person('admin@example.com', 'admin', ctx.otherId);
    const bySession = await ctx.t.app.request(`/v1/connect/${vendor.provider}`, {
      method: 'POST',
      headers: { cookie: admin.cookie, 'sec-fetch-site': 'same-origin', 'content-type': 'application/json' },
      body,
    });
    expect(bySession.status).toBe(403);
    expect(((await bySession.json()) as { code: string }).code).toBe('oauth.not_own_member');
    const me = await ctx.person(DANA, 'member', ctx.memberId);
    const forErin = await ctx.t.app.request(`/v1/connect/${vendor.provider}`, {
      method: 'POST',
      headers: { cookie: me.cookie, 'sec-fetch-site': 'same-origin', 'content-type': 'application/json' },
      body: JSON.stringify({ memberId: ctx.otherId, account: DANA }),
    });
    expect(forErin.status).toBe(404);
    expect(ctx.count('oauth_states')).toBe(0);
  });

  it('when a member starts a connection, then only their own member is allowed (others are "not found"); an admin may start one for anyone', async () => {
    const ctx = await setup();
    const me = await ctx.person(DANA, 'member', ctx.memberId);
    const own = await ctx.t.app.request(`/v1/connect/${vendor.provider}?memberId=${ctx.memberId}`, { headers: { cookie: me.cookie } });
    expect(own.status).toBe(302);
    const others = await ctx.t.app.request(`/v1/connect/${vendor.provider}?memberId=${ctx.otherId}`, { headers: { cookie: me.cookie } });
    const missing = await ctx.t.app.request(`/v1/connect/${vendor.provider}?memberId=mem_nope`, { headers: { cookie: me.cookie } });
    // Another member's id and an unknown one answer alike: nothing about which members exist.
    expect([others.status, ((await others.json()) as { code: string }).code]).toEqual([404, 'member.not_found']);
    expect([missing.status, ((await missing.json()) as { code: string }).code]).toEqual([404, 'member.not_found']);
    expect(ctx.count('oauth_states')).toBe(1);
    const admin = await ctx.person('admin@example.com', 'admin', null);
    expect((await ctx.t.app.request(`/v1/connect/${vendor.provider}?memberId=${ctx.otherId}`, { headers: { cookie: admin.cookie } })).status).toBe(302);
    // The member's own consent completes with their own account.
    vendor.consentAs(dana);
    expect((await ctx.consent(own.headers.get('location')!)).status).toBe(200);
  });

  it('when the grant is revoked and the member reconnects with the same account, then the same connection gets the new grant, syncs in full, and nothing is counted twice', async () => {
    const ctx = await setup();
    vendor.putMeeting('m1', BASE);
    vendor.putMeeting('m2', BASE + 24 * HOUR);
    vendor.consentAs(dana);
    expect((await ctx.consent(await ctx.startAsAdmin())).status).toBe(200);
    await runDueJobs(ctx.t.deps, ctx.t.clock.now, { owner: 't' });
    const [first] = await ctx.connections();
    expect(first!.status).toBe('ok');
    const before = await ctx.audit();
    expect(before.meetingHours).toBe(2);

    vendor.revokeAll();
    ctx.t.clock.now += 20 * 60_000;
    await runDueJobs(ctx.t.deps, ctx.t.clock.now, { owner: 't' });
    expect((await ctx.connections())[0]!.status).toBe('needs_reauth');

    const res = await ctx.consent(await ctx.startAsAdmin());
    expect(res.status).toBe(200);
    expect(res.text).toContain('reconnected');
    const after = await ctx.connections();
    expect(after.map((c) => c.id)).toEqual([first!.id]);
    expect(after[0]!.status).toBe('syncing');
    expect(await runDueJobs(ctx.t.deps, ctx.t.clock.now, { owner: 't' })).toEqual({ ran: 1, failed: 0 });
    expect((await ctx.connections())[0]!.status).toBe('ok');
    expect(await ctx.audit()).toEqual(before);
    expect(ctx.count('events')).toBe(2);
    expect(ctx.count('calendars')).toBe(1);
  });

  it('when an event is removed while the grant is lost, then after reconnecting it is gone, not kept beside the new copy', async () => {
    const ctx = await setup();
    vendor.putMeeting('m1', BASE);
    vendor.putMeeting('m2', BASE + 24 * HOUR);
    vendor.consentAs(dana);
    await ctx.consent(await ctx.startAsAdmin());
    await runDueJobs(ctx.t.deps, ctx.t.clock.now, { owner: 't' });
    vendor.revokeAll();
    ctx.t.clock.now += 20 * 60_000;
    await runDueJobs(ctx.t.deps, ctx.t.clock.now, { owner: 't' });
    vendor.remove('m2');
    vendor.putMeeting('m3', BASE + 48 * HOUR);
    expect((await ctx.consent(await ctx.startAsAdmin())).status).toBe(200);
    await runDueJobs(ctx.t.deps, ctx.t.clock.now, { owner: 't' });
    const [calendar] = await ctx.t.deps.repos.connections.calendars(ctx.workspaceId, (await ctx.connections())[0]!.id);
    const stored = (await ctx.t.deps.repos.events.listForCalendar(ctx.workspaceId, calendar!.id)).map((e) => e.externalId).sort();
    expect(stored).toEqual(['m1', 'm3']);
    expect((await ctx.audit()).meetingHours).toBe(2);
  });

  it('when the same member connects a second, different account, then it becomes a second connection', async () => {
    const ctx = await setup();
    vendor.consentAs(dana);
    await ctx.consent(await ctx.startAsAdmin());
    const me = await ctx.person(DANA, 'member', ctx.memberId);
    const started = await ctx.t.app.request(`/v1/connect/${vendor.provider}`, {
      method: 'POST',
      headers: { cookie: me.cookie, 'sec-fetch-site': 'same-origin', 'content-type': 'application/json' },
      body: JSON.stringify({ memberId: ctx.memberId, account: PERSONAL }),
    });
    vendor.consentAs({ who: 'dana-home', email: PERSONAL, verified: true });
    expect((await ctx.consent(((await started.json()) as { authorizeUrl: string }).authorizeUrl)).status).toBe(200);
    expect((await ctx.t.deps.repos.connections.list(ctx.workspaceId)).map((c) => c.accountEmail).sort()).toEqual([DANA, PERSONAL].sort());
  });
});
