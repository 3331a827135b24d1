import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { identities, mailAddresses, memberships, oneTimeLinks, people, sessions } from '../../src/db/people.schema';
import { workspaces } from '../../src/db/schema';
import { createRateLimiter } from '../../src/services/rate-limit';
import { createIdentityClient } from '../../src/providers/identity/identity-client';
import { createLinkSigner } from '../../src/providers/mail/signed-links';
import { createSmtpTransport } from '../../src/providers/mail/smtp.transport';
import type { Deps } from '../../src/services/deps';
import { inviteOne } from '../../src/services/invitations';
import { issueSetupLink, setupLinkStatement } from '../../src/services/one-time-links';
import { startFakeGoogle, type FakeGoogle } from '../fakes/google/server';
import { CONSUMER_TENANT_ID, startFakeGraph, type FakeGraph } from '../fakes/graph/server';
import { createTestApp, newWorkspace } from '../helpers/app';
import { startSmtp, type TestSmtp } from '../helpers/smtp';

/**
 * Signing in, as a browser does it: the app through `app.request()` with a cookie jar, the
 * real identity client against the Google and Microsoft fakes over HTTP, sign-in mails through a
 * real SMTP server, on one clock shared by the app and the fakes.
 */

type T = Awaited<ReturnType<typeof createTestApp>>;

let google: FakeGoogle;
let graph: FakeGraph;
let smtp: TestSmtp;

beforeAll(async () => {
  [google, graph] = await Promise.all([startFakeGoogle(), startFakeGraph()]);
  smtp = await startSmtp();
});
afterAll(async () => {
  await Promise.all([google.stop(), graph.stop(), smtp.close()]);
});

async function app(overrides: Partial<Deps> = {}): Promise<T> {
  const googleApp = { clientId: google.clientId, clientSecret: google.clientSecret, oauthRoot: google.url };
  const microsoftApp = { clientId: graph.clientId, clientSecret: graph.clientSecret, tenant: 'common', oauthRoot: graph.url };
  const t = await createTestApp({
    google: { ...googleApp, apiRoot: google.url },
    microsoft: { ...microsoftApp, apiRoot: graph.url },
    identity: createIdentityClient({ google: googleApp, microsoft: microsoftApp }),
    clientAddress: (c) => c.req.header('x-test-client') ?? '192.0.2.1',
    ...overrides,
  });
  if (!overrides.mail) {
    // The real SMTP client, noting each send: the app answers before the mail server has the mail.
    const real = createSmtpTransport(smtp.url);
    const transport = { name: 'smtp', send: (mail: Parameters<typeof real.send>[0]) => track(real.send(mail)) };
    t.deps.mail = { transport, from: { email: 'unmeet@unmeet.test', name: 'unmeet' }, links: createLinkSigner(t.deps.vault) };
  }
  google.now = () => t.clock.now;
  graph.now = () => t.clock.now;
  return t;
}

const sending: Array<Promise<unknown>> = [];
const track = (send: Promise<void>) => {
  sending.push(send.catch(() => undefined));
  return send;
};

/** Asks for a sign-in link over the API, then waits until any mail it caused reached the SMTP server. */
async function askLink(t: T, json: Record<string, string>, headers?: Record<string, string>) {
  const res = await t.api('POST', '/auth/email', { json, ...(headers ? { headers } : {}) });
  await Promise.all(sending.splice(0));
  return res;
}

/** A browser: keeps cookies, sends them back, never follows redirects by itself. */
function browser(t: T, headers: Record<string, string> = {}) {
  const jar = new Map<string, string>();
  const request = async (method: string, path: string, body?: Record<string, string>) => {
    const cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await t.app.request(path, {
      method,
      headers: { ...headers, ...(cookie ? { cookie } : {}), ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
      ...(body ? { body: new URLSearchParams(body).toString() } : {}),
    });
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';');
      const [name, value] = [pair!.slice(0, pair!.indexOf('=')), pair!.slice(pair!.indexOf('=') + 1)];
      if (value === '' || attrs.some((a) => /max-age=0\b/i.test(a.trim()))) jar.delete(name);
      else jar.set(name, value);
    }
    const text = await res.text();
    return { status: res.status, location: res.headers.get('location'), text, json: text.startsWith('{') ? JSON.parse(text) : undefined, headers: res.headers };
  };
  return { jar, get: (path: string) => request('GET', path), post: (path: string, body: Record<string, string> = {}) => request('POST', path, body) };
}
type Browser = ReturnType<typeof browser>;

const localPath = (url: string) => {
  const u = new URL(url);
  return u.pathname + u.search;
};

/** Start → the fake's consent (auto) → back to our callback; returns the callback's answer. */
async function oidc(b: Browser, provider: 'google' | 'microsoft', query = '') {
  const start = await b.get(`/auth/${provider}/start${query}`);
  expect(start.status, start.text).toBe(302);
  const consent = await fetch(start.location!, { redirect: 'manual' });
  const callback = consent.headers.get('location')!;
  expect(callback).toContain(`/auth/${provider}/callback`);
  return { ...(await b.get(localPath(callback))), callback: localPath(callback) };
}

/** Everything a refusal must leave alone. */
async function snapshot(t: T) {
  const db = t.deps.db;
  return {
    people: await db.select().from(people),
    identities: await db.select().from(identities),
    memberships: await db.select().from(memberships),
    sessions: await db.select().from(sessions),
    mail: await db.select().from(mailAddresses),
    links: await db.select().from(oneTimeLinks),
    workspaces: await db.select().from(workspaces),
  };
}

const me = (b: Browser) => b.get('/v1/me');

beforeEach(() => {
  google.account = { sub: 'g-alice', email: 'Alice@Example.com', emailVerified: true, hd: 'example.com', name: 'Alice Example', locale: 'id' };
  google.idTokenFault = null;
  graph.account = { oid: '6c1e0f3a-1b2c-4d5e-8f90-a1b2c3d4e5f6', tid: graph.tenantId, email: 'dana@contoso.com', xmsEdov: true, name: 'Dana' };
  graph.idTokenFault = null;
  smtp.received.length = 0;
});

describe('sign-in with Google and Microsoft', () => {
  it('when a Workspace account signs in for the first time, then the person is created verified, the identity linked, and the session has no workspace yet', async () => {
    const t = await app();
    const b = browser(t);
    const done = await oidc(b, 'google');
    expect(done.status).toBe(303);
    expect(done.location).toBe('/auth/workspaces');
    const person = await t.deps.repos.people.findByEmail('alice@example.com');
    expect(person).toMatchObject({ email: 'alice@example.com', name: 'Alice Example', locale: 'id', verifiedBy: 'google' });
    expect(await t.deps.repos.people.findByIdentity('google', 'g-alice')).toMatchObject({ id: person!.id });
    expect(await t.deps.repos.mailAddresses.get('alice@example.com')).toMatchObject({ verifiedBy: 'google' });
    const chooser = await b.get('/auth/workspaces');
    expect(chooser.status).toBe(200);
    expect(chooser.text).toContain('Belum ada ruang kerja');
    expect((await me(b)).status).toBe(401);
  });

  it('when a person with one workspace signs in with Google, then the session opens that workspace and /v1/me shows it', async () => {
    const t = await app();
    const { workspace } = await newWorkspace(t.api, 'Acme');
    const alice = await t.deps.repos.people.upsertVerified({ email: 'alice@example.com', name: 'Alice', locale: 'en', verifiedBy: 'link' });
    await t.deps.repos.people.join(workspace.id, alice.id, 'manager', null);
    const b = browser(t);
    expect(await oidc(b, 'google')).toMatchObject({ status: 303, location: '/' });
    const res = await me(b);
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      person: { id: alice.id, email: 'alice@example.com', name: 'Alice', locale: 'en' },
      workspaces: [{ id: workspace.id, name: 'Acme', role: 'manager' }],
      current: { workspaceId: workspace.id, role: 'manager' },
    });
  });

  it('when a browser comes back from the provider, then a page of ours takes the next step (a SameSite=Strict cookie is not sent on a cross-site redirect)', async () => {
    const t = await app();
    const b = browser(t, { accept: 'text/html' });
    const done = await oidc(b, 'google');
    expect(done.status).toBe(200);
    expect(done.text).toContain('url=/auth/workspaces');
    expect(done.headers.get('content-security-policy')).toContain("default-src 'none'");
  });

  it('when a Microsoft work account with a verified domain signs in to two workspaces, then it chooses, and switching starts a new session', async () => {
    const t = await app();
    const a = await newWorkspace(t.api, 'Alpha');
    const z = await newWorkspace(t.api, 'Zulu');
    const dana = await t.deps.repos.people.upsertVerified({ email: 'dana@contoso.com', name: 'Dana', locale: 'en', verifiedBy: 'link' });
    await t.deps.repos.people.join(a.workspace.id, dana.id, 'member', null);
    await t.deps.repos.people.join(z.workspace.id, dana.id, 'admin', null);
    const b = browser(t);
    expect(await oidc(b, 'microsoft')).toMatchObject({ status: 303, location: '/auth/workspaces' });
    expect(await t.deps.repos.people.findByIdentity('microsoft', `${graph.tenantId}:6c1e0f3a-1b2c-4d5e-8f90-a1b2c3d4e5f6`)).toMatchObject({ id: dana.id });
    const chooser = await b.get('/auth/workspaces');
    expect(chooser.text).toContain('Open Alpha');
    expect(chooser.text).toContain('Open Zulu');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(chooser.text)![1]!;
    const before = b.jar.get('um_session');
    const chosen = await b.post('/auth/workspaces', { _csrf: csrf, workspaceId: z.workspace.id });
    expect(chosen).toMatchObject({ status: 303, location: '/' });
    expect(b.jar.get('um_session')).not.toBe(before);
    expect((await me(b)).json.current).toEqual({ workspaceId: z.workspace.id, role: 'admin' });
    // The session it replaced is gone, not just forgotten by this browser.
    const old = await t.app.request('/v1/me', { headers: { cookie: `um_session=${before}` } });
    expect(old.status).toBe(401);
    // A workspace the person is not in cannot be chosen.
    const csrf2 = /name="_csrf" value="([^"]+)"/.exec((await b.get('/auth/workspaces')).text)![1]!;
    expect((await b.post('/auth/workspaces', { _csrf: csrf2, workspaceId: 'ws_other' })).status).toBe(404);
  });

  it.each([
    ['google', 'audience'],
    ['google', 'issuer'],
    ['google', 'nonce'],
    ['google', 'expired'],
    ['microsoft', 'audience'],
    ['microsoft', 'issuer'],
    ['microsoft', 'nonce'],
    ['microsoft', 'expired'],
  ] as const)('when %s returns an ID token bent by %s, then signin.invalid_token and nothing stored changes', async (provider, kind) => {
    const t = await app();
    const before = await snapshot(t);
    (provider === 'google' ? google : graph).idTokenFault = { kind } as never;
    const b = browser(t);
    const done = await oidc(b, provider);
    expect(done.status).toBe(401);
    expect(done.json).toMatchObject({ code: 'signin.invalid_token' });
    expect(done.headers.get('content-type')).toContain('application/problem+json');
    expect(await snapshot(t)).toEqual(before);
    expect(b.jar.has('um_session')).toBe(false);
  });

  it('when Google does not vouch for the address (a consumer account on its own domain), then signin.email_unverified and nothing is stored', async () => {
    const t = await app();
    google.account = { sub: 'g-mallory', email: 'ceo@example.org', emailVerified: true, name: 'Mallory' };
    const before = await snapshot(t);
    const done = await oidc(browser(t), 'google');
    expect(done.status).toBe(403);
    expect(done.json).toMatchObject({ code: 'signin.email_unverified' });
    expect(done.json.detail).toContain('email link');
    expect(await snapshot(t)).toEqual(before);
  });

  it('when Microsoft sends no xms_edov, then a new person is refused, but an account linked earlier still signs in', async () => {
    const t = await app();
    graph.account = { ...graph.account, xmsEdov: undefined };
    const before = await snapshot(t);
    expect((await oidc(browser(t), 'microsoft')).json).toMatchObject({ status: 403, code: 'signin.email_unverified' });
    expect(await snapshot(t)).toEqual(before);
    const dana = await t.deps.repos.people.upsertVerified({ email: 'dana@contoso.com', name: 'Dana', locale: 'en', verifiedBy: 'microsoft' });
    await t.deps.repos.people.linkIdentity(dana.id, { provider: 'microsoft', subject: `${graph.tenantId}:${graph.account.oid}`, email: 'dana@contoso.com' });
    expect((await oidc(browser(t), 'microsoft')).status).toBe(303);
  });

  it('when the callback is replayed, comes after 10 minutes, or names another provider, then signin.invalid_state and no session', async () => {
    const t = await app();
    const b = browser(t);
    const first = await oidc(b, 'google');
    expect(first.status).toBe(303);
    const replay = await browser(t).get(first.callback);
    expect(replay.json).toMatchObject({ status: 400, code: 'signin.invalid_state' });

    const late = browser(t);
    const start = await late.get('/auth/google/start');
    const back = localPath((await fetch(start.location!, { redirect: 'manual' })).headers.get('location')!);
    t.clock.now += 10 * 60_000 + 1;
    const before = await snapshot(t);
    expect((await late.get(back)).json).toMatchObject({ status: 400, code: 'signin.invalid_state' });
    expect(await snapshot(t)).toEqual(before);

    const crossed = browser(t);
    const s2 = await crossed.get('/auth/google/start');
    const back2 = localPath((await fetch(s2.location!, { redirect: 'manual' })).headers.get('location')!);
    expect((await crossed.get(back2.replace('/auth/google/', '/auth/microsoft/'))).json).toMatchObject({ code: 'signin.invalid_state' });
    expect(crossed.jar.has('um_session')).toBe(false);
  });

  it('when the person cancels at the provider, or sign-in with a provider is not configured, then a clear refusal', async () => {
    const t = await app({ identity: createIdentityClient({ google: { clientId: google.clientId, clientSecret: google.clientSecret, oauthRoot: google.url } }), microsoft: null });
    const b = browser(t);
    const start = await b.get('/auth/google/start');
    const state = new URL(start.location!).searchParams.get('state')!;
    expect((await b.get(`/auth/google/callback?state=${state}&error=access_denied`)).json).toMatchObject({ status: 400, code: 'signin.cancelled' });
    expect((await b.get('/auth/microsoft/start')).json).toMatchObject({ status: 501, code: 'signin.not_configured' });
    expect((await b.get('/auth/github/start')).status).toBe(404);
  });

  it('when every sign-in happens in the same browser, then each one issues a new session id and ends the one before', async () => {
    const t = await app();
    const b = browser(t);
    await oidc(b, 'google');
    const first = b.jar.get('um_session')!;
    await oidc(b, 'google');
    const second = b.jar.get('um_session')!;
    expect(second).not.toBe(first);
    expect(await t.deps.db.select().from(sessions)).toHaveLength(1);
  });
});

describe('one-time email links', () => {
  async function withPerson(t: T, email = 'ayu@acme.id', locale = 'id') {
    return t.deps.repos.people.upsertVerified({ email, name: 'Ayu', locale, verifiedBy: 'google' });
  }
  const linkIn = async (index = -1) => {
    const mail = await simpleParser(smtp.received.at(index)!.raw);
    return { mail, path: localPath(/https?:\/\/\S+\/auth\/link\/\S+/.exec(mail.text!)![0]) };
  };
  const press = async (b: Browser, path: string) => {
    const landing = await b.get(path);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(landing.text)?.[1] ?? '';
    const intent = /name="i" value="([^"]+)"/.exec(landing.text)?.[1];
    return { landing, done: await b.post(path.split('?')[0]!, { _csrf: csrf, ...(intent ? { i: intent } : {}) }) };
  };

  it('when a known person asks for a link, then a fixed-template mail in their language arrives, opening it changes nothing, and the button signs them in once', async () => {
    const t = await app();
    await withPerson(t);
    const asked = await askLink(t, { email: 'Ayu@Acme.id' });
    expect(asked.status).toBe(202);
    expect(smtp.received).toHaveLength(1);
    expect(smtp.received[0]!.rcpt).toEqual(['ayu@acme.id']);
    const { mail, path } = await linkIn();
    expect(mail.subject).toBe('Tautan masuk unmeet Anda');
    expect(mail.text).toContain('15 menit');
    const before = await snapshot(t);
    const b = browser(t);
    const landing = await b.get(path);
    expect(landing.status).toBe(200);
    expect(landing.text).toContain('<form method="post"');
    expect(await snapshot(t)).toEqual(before);
    const { done } = await press(b, path);
    expect(done).toMatchObject({ status: 303, location: '/auth/workspaces' });
    expect(b.jar.has('um_session')).toBe(true);
    expect(await t.deps.repos.mailAddresses.get('ayu@acme.id')).toMatchObject({ verifiedBy: 'link' });
    const again = await press(browser(t), path);
    expect(again.landing.status).toBe(410);
    expect(again.done.json).toMatchObject({ status: 410, code: 'link.used' });
  });

  it('when an unknown address asks, then the answer is the same and no mail or row is made', async () => {
    const t = await app();
    await withPerson(t);
    const known = await askLink(t, { email: 'ayu@acme.id' });
    const before = await snapshot(t);
    const unknown = await askLink(t, { email: 'stranger@elsewhere.example' });
    expect(unknown.status).toBe(known.status);
    expect(unknown.json).toEqual(known.json);
    expect(smtp.received).toHaveLength(1);
    expect(await snapshot(t)).toEqual(before);
  });

  it('when one address is flooded, then the fourth link in 15 minutes is not sent (same answer), and a client past its mail budget gets 429', async () => {
    const t = await app({ mailRateLimiter: createRateLimiter({ limit: 5, windowMs: 3_600_000, clock: () => Date.now() }) });
    await withPerson(t);
    for (let i = 0; i < 3; i++) expect((await askLink(t, { email: 'ayu@acme.id' })).status).toBe(202);
    const before = await snapshot(t);
    expect((await askLink(t, { email: 'ayu@acme.id' })).status).toBe(202);
    expect(smtp.received).toHaveLength(3);
    expect(await snapshot(t)).toEqual(before);
    t.clock.now += 15 * 60_000 + 1;
    expect((await askLink(t, { email: 'ayu@acme.id' })).status).toBe(202);
    expect(smtp.received).toHaveLength(4);
    const limited = await askLink(t, { email: 'ayu@acme.id' });
    expect(limited.status).toBe(429);
    expect(limited.json).toMatchObject({ code: 'signin.too_many_links' });
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    // Another client address has its own budget.
    expect((await askLink(t, { email: 'ayu@acme.id' }, { 'x-test-client': '198.51.100.7' })).status).toBe(202);
  });

  it('when the mail server is slow, then the answer does not wait for it (a known address answers as fast as an unknown one)', async () => {
    let release: () => void = () => undefined;
    const sent: string[] = [];
    const slow = { name: 'slow', send: (mail: { to: string }) => new Promise<void>((done) => (release = () => (sent.push(mail.to), done()))) };
    const t = await app({ mail: { transport: slow, from: { email: 'unmeet@unmeet.test', name: 'unmeet' }, links: createLinkSigner((await createTestApp()).deps.vault) } });
    await withPerson(t);
    expect((await t.api('POST', '/auth/email', { json: { email: 'ayu@acme.id' } })).status).toBe(202);
    expect(sent).toEqual([]);
    release();
    expect(sent).toEqual(['ayu@acme.id']);
  });

  it('when a link is expired, forged or malformed, then link.expired / link.invalid and nothing changes', async () => {
    const t = await app();
    await withPerson(t);
    await askLink(t, { email: 'ayu@acme.id' });
    const { path } = await linkIn();
    const forged = path.replace(/uml_[0-9a-z]{5}/, 'uml_00000');
    t.clock.now += 15 * 60_000;
    const before = await snapshot(t);
    expect((await press(browser(t), path)).done.json).toMatchObject({ status: 410, code: 'link.expired' });
    expect((await press(browser(t), forged)).done.json).toMatchObject({ status: 404, code: 'link.invalid' });
    expect((await press(browser(t), '/auth/link/nonsense')).done.json).toMatchObject({ status: 404, code: 'link.invalid' });
    expect(await snapshot(t)).toEqual(before);
  });

  it('when the button is pressed without the form token, then auth.forbidden and the link still works', async () => {
    const t = await app();
    await withPerson(t);
    await askLink(t, { email: 'ayu@acme.id' });
    const { path } = await linkIn();
    const b = browser(t);
    await b.get(path);
    expect((await b.post(path, { _csrf: 'guess' })).json).toMatchObject({ status: 403, code: 'auth.forbidden' });
    expect((await press(b, path)).done.status).toBe(303);
  });

  it('when the address is invalid or mail is not configured, then a clear 4xx/501', async () => {
    const t = await app();
    expect((await askLink(t, { email: 'not an address' })).json).toMatchObject({ status: 422, code: 'signin.invalid_email' });
    const none = await app({ mail: { transport: null, from: { email: 'a@b.test', name: 'x' }, links: createLinkSigner((await createTestApp()).deps.vault) } });
    expect((await none.api('POST', '/auth/email', { json: { email: 'ayu@acme.id' } })).json).toMatchObject({ status: 501, code: 'signin.mail_unavailable' });
  });
});

describe('the setup link', () => {
  it('when the first person signs in through the setup link, then they own a new workspace by the name they gave, and the link is used up', async () => {
    const t = await app();
    const { url } = await issueSetupLink(t.deps);
    const path = localPath(url);
    const b = browser(t, { accept: 'text/html' });
    const page = await b.get(path);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Continue with Google');
    expect(page.text).toContain('Continue with Microsoft');
    expect(page.text).toContain('Email me a link');
    const token = path.split('/').at(-1)!;
    const done = await oidc(browser(t), 'google', `?setup=${token}&name=${encodeURIComponent('Acme Research')}`);
    expect(done).toMatchObject({ status: 303, location: '/' });
    const alice = (await t.deps.repos.people.findByEmail('alice@example.com'))!;
    const owned = await t.deps.repos.people.workspacesOf(alice.id);
    expect(owned).toEqual([{ workspaceId: expect.any(String), name: 'Acme Research', role: 'owner' }]);
    expect(await t.deps.repos.links.anyOwner()).toBe(true);
    expect((await t.deps.repos.auditLog.list(owned[0]!.workspaceId, { limit: 5 }))[0]).toMatchObject({ action: 'workspace.created', detail: { via: 'setup' } });
    const again = await b.get(path);
    expect(again.status).toBe(410);
    expect(again.text).toContain('data-code="link.used"');
    expect((await browser(t).get(`/auth/google/start?setup=${token}`)).json).toMatchObject({ code: 'link.used' });
  });

  it('when the setup goes through an email link, then the address named on the setup page becomes the owner of "My workspace"', async () => {
    const t = await app();
    const { url } = await issueSetupLink(t.deps);
    const token = url.split('/').at(-1)!;
    expect((await askLink(t, { email: 'founder@new.example', setup: token })).status).toBe(202);
    const mail = await simpleParser(smtp.received.at(-1)!.raw);
    const path = localPath(/https?:\/\/\S+\/auth\/link\/\S+/.exec(mail.text!)![0]);
    const b = browser(t);
    const landing = await b.get(path);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(landing.text)![1]!;
    const intent = /name="i" value="([^"]+)"/.exec(landing.text)![1]!;
    expect(await b.post(path.split('?')[0]!, { _csrf: csrf, i: intent })).toMatchObject({ status: 303, location: '/' });
    expect((await me(b)).json).toMatchObject({ person: { email: 'founder@new.example' }, workspaces: [{ name: 'My workspace', role: 'owner' }] });
    expect((await t.deps.repos.links.findLink((await t.deps.db.select().from(oneTimeLinks)).find((l) => l.purpose === 'setup')!.id))!.usedAt).not.toBeNull();
  });

  it('when a setup link is expired, then it is refused before the detour through the provider', async () => {
    const t = await app();
    const { url } = await issueSetupLink(t.deps);
    t.clock.now += 7 * 86_400_000;
    expect((await browser(t).get(localPath(url))).json).toMatchObject({ status: 410, code: 'link.expired' });
    expect((await browser(t).get(`/auth/google/start?setup=${url.split('/').at(-1)}`)).json).toMatchObject({ status: 410, code: 'link.expired' });
  });

  it('when an operator makes a setup link for D1, then the printed INSERT creates a working link', async () => {
    const t = await app();
    const { url, sql } = await setupLinkStatement(t.deps.publicUrl, t.clock.now);
    expect(sql).toMatch(/^INSERT INTO one_time_links \(id, purpose, email, created_at, expires_at, used_at\) VALUES \('[0-9a-f]{64}', 'setup', NULL, \d+, \d+, NULL\);$/);
    expect((await browser(t).get(localPath(url))).status).toBe(404);
    const { sql: raw } = await import('drizzle-orm');
    await t.deps.db.run(raw.raw(sql));
    expect((await browser(t).get(localPath(url))).status).toBe(200);
  });
});

describe('invitations, sign-up and limits', () => {
  it('when an invited person signs in with Google through the invitation, then they join its workspace with the invited role', async () => {
    const t = await app({ mail: undefined });
    t.deps.mail = undefined;
    const { workspace } = await newWorkspace(t.api, 'Acme');
    const invited = await inviteOne(t.deps, workspace.id, { principal: 'cli', role: 'owner' }, 'alice@example.com', 'manager');
    const token = new URL(invited.link!).pathname.split('/').at(-1)!;
    const b = browser(t);
    expect(await oidc(b, 'google', `?invite=${token}`)).toMatchObject({ status: 303, location: '/' });
    expect((await me(b)).json.current).toEqual({ workspaceId: workspace.id, role: 'manager' });
  });

  it('when an invited address asks for an email link with the invitation, then the link joins them; another Google account is refused by the invitation', async () => {
    const t = await app();
    const { workspace } = await newWorkspace(t.api, 'Acme');
    const mail = t.deps.mail;
    t.deps.mail = undefined;
    const invited = await inviteOne(t.deps, workspace.id, { principal: 'cli', role: 'owner' }, 'new@acme.id', 'member');
    t.deps.mail = mail;
    const token = new URL(invited.link!).pathname.split('/').at(-1)!;
    expect((await oidc(browser(t), 'google', `?invite=${token}`)).json).toMatchObject({ status: 403, code: 'invitation.email_mismatch' });
    expect((await askLink(t, { email: 'new@acme.id', invite: token })).status).toBe(202);
    const link = localPath(/https?:\/\/\S+\/auth\/link\/\S+/.exec((await simpleParser(smtp.received.at(-1)!.raw)).text!)![0]);
    const b = browser(t);
    const landing = await b.get(link);
    const form = { _csrf: /name="_csrf" value="([^"]+)"/.exec(landing.text)![1]!, i: /name="i" value="([^"]+)"/.exec(landing.text)![1]! };
    expect(await b.post(link.split('?')[0]!, form)).toMatchObject({ status: 303, location: '/' });
    expect((await me(b)).json).toMatchObject({ person: { email: 'new@acme.id' }, current: { workspaceId: workspace.id, role: 'member' } });
  });

  it('when UNMEET_SIGNUP lists the Google Workspace domain, then the person may create a workspace; closed, they may not', async () => {
    const t = await app({ signup: { mode: 'domains', domains: ['example.com'] } });
    const b = browser(t);
    await oidc(b, 'google');
    const chooser = await b.get('/auth/workspaces');
    expect(chooser.text).toContain('/auth/workspaces/new');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(chooser.text)![1]!;
    expect(await b.post('/auth/workspaces/new', { _csrf: csrf, name: 'Research' })).toMatchObject({ status: 303, location: '/' });
    expect((await me(b)).json.current.role).toBe('owner');

    const closed = await app();
    const c = browser(closed);
    await oidc(c, 'google');
    const page = await c.get('/auth/workspaces');
    expect(page.text).not.toContain('/auth/workspaces/new');
    const csrf2 = /name="_csrf" value="([^"]+)"/.exec(page.text)![1]!;
    const before = await snapshot(closed);
    expect((await c.post('/auth/workspaces/new', { _csrf: csrf2, name: 'Sneaky' })).json).toMatchObject({ status: 403, code: 'signup.closed' });
    expect(await snapshot(closed)).toEqual(before);
  });

  it('when a Microsoft personal account or a listed domain without xms_edov signs in, then the domain list does not let it create a workspace', async () => {
    const t = await app({ signup: { mode: 'domains', domains: ['contoso.com', 'outlook.com'] } });
    graph.account = { oid: '00000000-0000-0000-1234-56789abcdef0', tid: CONSUMER_TENANT_ID, email: 'dana@outlook.com', xmsEdov: true, name: 'Dana' };
    const b = browser(t);
    await oidc(b, 'microsoft');
    expect((await b.get('/auth/workspaces')).text).not.toContain('/auth/workspaces/new');
    graph.account = { oid: '6c1e0f3a-1b2c-4d5e-8f90-a1b2c3d4e5f6', tid: graph.tenantId, email: 'dana@contoso.com', xmsEdov: true, name: 'Dana' };
    const work = browser(t);
    await oidc(work, 'microsoft');
    expect((await work.get('/auth/workspaces')).text).toContain('/auth/workspaces/new');
  });

  it('when one client address exceeds the public budget, then 429 problem+json with Retry-After, and other addresses go on', async () => {
    const t = await app({ publicRateLimiter: createRateLimiter({ limit: 3, windowMs: 60_000, clock: () => Date.now() }) });
    for (let i = 0; i < 3; i++) expect((await t.api('GET', '/auth/link/nonsense')).status).toBe(404);
    const limited = await t.api('GET', '/auth/link/nonsense');
    expect(limited.status).toBe(429);
    expect(limited.json).toMatchObject({ code: 'rate_limited' });
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await t.api('GET', '/auth/link/nonsense', { headers: { 'x-test-client': '203.0.113.9' } })).status).toBe(404);
  });

  it('when /openapi.json is read, then /v1/me is declared for a signed-in person and the public /auth pages are not in it', async () => {
    const t = await app();
    const doc = (await t.api('GET', '/openapi.json')).json;
    expect(doc.paths['/v1/me'].get).toMatchObject({ 'x-unmeet-role': 'member', 'x-unmeet-person': true, security: [{ apiKey: [] }, { session: [] }] });
    expect(Object.keys(doc.paths).filter((p: string) => p.startsWith('/auth'))).toEqual([]);
  });
});
