import { gunzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLinkSigner } from '../../src/providers/mail/signed-links';
import { createTokenVault } from '../../src/providers/token-vault';
import { connectIcs } from '../../src/services/sync';
import { createWorkspace } from '../../src/services/workspaces';
import { normalizeWorkingHours } from '../../src/domain/working-hours';
import { createSmtpTransport } from '../../src/providers/mail/smtp.transport';
import { createRateLimiter } from '../../src/services/rate-limit';
import { createTestApp } from '../helpers/app';
import { signedInPerson, signIn } from '../helpers/people';

type T = Awaited<ReturnType<typeof createTestApp>>;

const MALICIOUS = '<script>alert(1)</script> Weekly status';

/** A weekly status meeting with a hostile title, organised by the member, six attendees, no agenda. */
function hostileIcs(organizer: string) {
  const attendees = ['a', 'b', 'c', 'd', 'e'].map((p) => `ATTENDEE;PARTSTAT=ACCEPTED:mailto:${p}@example.com`).join('\r\n');
  return [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//test//EN',
    'BEGIN:VEVENT',
    'UID:hostile-series@example.com',
    'DTSTAMP:20261001T000000Z',
    'DTSTART:20261005T020000Z',
    'DTEND:20261005T030000Z',
    'RRULE:FREQ=WEEKLY;BYDAY=MO',
    `SUMMARY:${MALICIOUS}`,
    `ORGANIZER:mailto:${organizer}`,
    `ATTENDEE;PARTSTAT=ACCEPTED:mailto:${organizer}`,
    attendees,
    'END:VEVENT',
    'END:VCALENDAR',
    '',
  ].join('\r\n');
}

let t: T;
let apiKey: string;
let otherKey: string;
let otherConnectionId: string;

/** A tiny cookie jar over `app.request`. */
function browser(base = 'http://127.0.0.1:8787') {
  const jar = new Map<string, string>();
  const request = async (method: string, path: string, init: { form?: Record<string, string>; headers?: Record<string, string> } = {}) => {
    const headers: Record<string, string> = { 'accept-language': 'en', ...init.headers };
    if (jar.size > 0) headers.cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    let body: string | undefined;
    if (init.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(init.form).toString();
    }
    const res = await t.app.request(`${base}${path}`, { method, headers, body });
    for (const cookie of res.headers.getSetCookie()) {
      const [pair = ''] = cookie.split(';');
      const [name = '', value = ''] = pair.split('=');
      if (value === '' || /max-age=0/i.test(cookie)) jar.delete(name);
      else jar.set(name, value);
    }
    return { res, text: await res.text(), cookies: res.headers.getSetCookie() };
  };
  const csrfOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
  const signIn = async (key: string) => {
    const page = await request('GET', '/sign-in');
    return request('POST', '/sign-in', { form: { _csrf: csrfOf(page.text), apiKey: key } });
  };
  return { request, signIn, csrfOf, jar };
}

beforeEach(async () => {
  const secret = 'test-secret-test-secret-test-secret!';
  t = await createTestApp({
    mail: { transport: null, from: { email: 'unmeet@unmeet.test', name: 'unmeet' }, links: createLinkSigner(await createTokenVault(secret)) },
  });
  const { workspace, apiKey: key } = await createWorkspace(t.deps, { name: 'Acme <Ops>', hourlyRate: 80 });
  apiKey = key;
  const ayu = await t.deps.repos.members.create(
    workspace.id,
    { email: 'ayu@example.com', name: 'Ayu', timeZone: 'Asia/Jakarta', locale: 'id', workingHours: normalizeWorkingHours(undefined) },
    t.clock.now,
  );
  await connectIcs(t.deps, workspace.id, ayu.id, { body: hostileIcs('ayu@example.com'), name: 'ayu.ics' });

  const other = await createWorkspace(t.deps, { name: 'Other' });
  otherKey = other.apiKey;
  const olivia = await t.deps.repos.members.create(
    other.workspace.id,
    { email: 'olivia@example.com', name: 'Olivia', timeZone: 'Europe/London', locale: 'en', workingHours: normalizeWorkingHours(undefined) },
    t.clock.now,
  );
  otherConnectionId = (await connectIcs(t.deps, other.workspace.id, olivia.id, { body: hostileIcs('olivia@example.com'), name: 'olivia.ics' })).id;
});
afterEach(() => t.close());

describe('dashboard sign-in and session', () => {
  it('when the workspace has no members yet, then the overview and the connections page say how to add them and link to the invitations, never to a second workspace', async () => {
    const empty = await createWorkspace(t.deps, { name: 'Empty' });
    const b = browser();
    await b.signIn(empty.apiKey);
    for (const path of ['/', '/connections']) {
      const page = await b.request('GET', path);
      expect(page.text).toContain('Invite people on the People page');
      expect(page.text).toContain('<a href="/people">Invite people</a>');
      expect(page.text).not.toContain('unmeet demo');
    }
  });

  it('when not signed in, then pages redirect to the sign-in form and the API is untouched', async () => {
    const b = browser();
    const home = await b.request('GET', '/');
    expect(home.res.status).toBe(303);
    expect(home.res.headers.get('location')).toBe('/sign-in');
    const api = await t.app.request('/v1/members', { headers: { authorization: `Bearer ${apiKey}` } });
    expect(api.status).toBe(200);
    expect(api.headers.get('content-security-policy')).toBeNull();
  });

  it('when signing in with the key, then an HttpOnly SameSite=Strict cookie holds a sealed session, never the key', async () => {
    const b = browser();
    const res = await b.signIn(apiKey);
    expect(res.res.status).toBe(303);
    expect(res.res.headers.get('location')).toBe('/');
    const cookie = res.cookies.find((c) => c.startsWith('um_session='))!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).not.toMatch(/Secure/); // plain http on localhost
    expect(cookie).not.toContain(apiKey);
    expect(cookie).not.toContain(apiKey.slice(3, 20));
    const home = await b.request('GET', '/');
    expect(home.res.status).toBe(200);
    expect(home.text).toContain('Acme &lt;Ops&gt;');
  });

  it('when the site is served over https, then the session cookie is Secure', async () => {
    const b = browser('https://unmeet.example.com');
    const res = await b.signIn(apiKey);
    expect(res.cookies.find((c) => c.startsWith('um_session='))).toMatch(/Secure/);
  });

  it('when the key is wrong, then sign-in is refused with 401 and no session', async () => {
    const b = browser();
    const res = await b.signIn('um_not-a-real-key');
    expect(res.res.status).toBe(401);
    expect(res.cookies.some((c) => c.startsWith('um_session='))).toBe(false);
  });

  it('when the sign-in form has no token, then it is refused', async () => {
    const b = browser();
    await b.request('GET', '/sign-in');
    const res = await b.request('POST', '/sign-in', { form: { apiKey } });
    expect(res.res.status).toBe(403);
  });

  it('when the cookie is tampered with, then it is not a session', async () => {
    const b = browser();
    await b.signIn(apiKey);
    const token = b.jar.get('um_session')!;
    b.jar.set('um_session', `${token.slice(0, -4)}AAAA`);
    expect((await b.request('GET', '/')).res.status).toBe(303);
  });

  it('when signing out, then the cookie is cleared', async () => {
    const b = browser();
    const home = await b.signIn(apiKey).then(() => b.request('GET', '/'));
    const out = await b.request('POST', '/sign-out', { form: { _csrf: b.csrfOf(home.text) } });
    expect(out.res.status).toBe(303);
    expect(out.cookies.find((c) => c.startsWith('um_session='))).toMatch(/Max-Age=0/);
    expect((await b.request('GET', '/')).res.status).toBe(303);
  });

  it('when the session expires, then the sign-in form asks again', async () => {
    const b = browser();
    await b.signIn(apiKey);
    t.clock.now += 13 * 3_600_000;
    const res = await b.request('GET', '/flags');
    expect(res.res.headers.get('location')).toBe('/sign-in?expired=1');
  });
});

describe('dashboard pages', () => {
  it('when a page renders, then it has a strict CSP without inline scripts, and the script is served from a route', async () => {
    const b = browser();
    await b.signIn(apiKey);
    const res = await b.request('GET', '/flags?from=2026-11-02&to=2026-11-30');
    const csp = res.res.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("frame-ancestors 'none'");
    expect(res.text).not.toMatch(/<script>(?!<\/script>)/);
    expect(res.text).not.toMatch(/\son[a-z]+=/); // no inline event handlers
    const js = await b.request('GET', '/assets/dashboard.js');
    expect(js.res.headers.get('content-type')).toMatch(/javascript/);
  });

  it('when a calendar title holds markup, then every page shows it as text', async () => {
    const b = browser();
    await b.signIn(apiKey);
    const flags = await b.request('GET', '/flags?from=2026-11-02&to=2026-11-30');
    expect(flags.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt; Weekly status');
    expect(flags.text).not.toContain('<script>alert(1)');
    const preview = await b.request('GET', `/flags/preview?series=${encodeURIComponent('hostile-series@example.com')}&from=2026-11-02&to=2026-11-30`);
    expect(preview.res.status).toBe(200);
    expect(preview.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(preview.text).not.toContain('<script>alert(1)');
  });

  it('when the browser prefers Indonesian, then the UI is in Indonesian; ?lang=en switches and is remembered', async () => {
    const b = browser();
    await b.signIn(apiKey);
    const id = await b.request('GET', '/', { headers: { 'accept-language': 'id-ID,id;q=0.9' } });
    expect(id.text).toContain('<html lang="id">');
    expect(id.text).toContain('Ringkasan');
    await b.request('GET', '/?lang=en', { headers: { 'accept-language': 'id' } });
    const en = await b.request('GET', '/heatmap', { headers: { 'accept-language': 'id' } });
    expect(en.text).toContain('<html lang="en">');
  });

  it('when a form is posted without the CSRF token, or with another session’s, then it is refused and nothing changes', async () => {
    const b = browser();
    await b.signIn(apiKey);
    const missing = await b.request('POST', '/flags/decide', { form: { seriesKey: 'hostile-series@example.com', decision: 'converted' } });
    expect(missing.res.status).toBe(403);
    const other = browser();
    const otherPage = await other.signIn(apiKey).then(() => other.request('GET', '/'));
    const foreign = await b.request('POST', '/flags/decide', { form: { _csrf: other.csrfOf(otherPage.text), seriesKey: 'hostile-series@example.com', decision: 'converted' } });
    expect(foreign.res.status).toBe(403);
    const crossSite = await b.request('POST', '/flags/decide', {
      form: { _csrf: b.csrfOf((await b.request('GET', '/')).text), seriesKey: 'hostile-series@example.com', decision: 'converted' },
      headers: { 'sec-fetch-site': 'cross-site' },
    });
    expect(crossSite.res.status).toBe(403);
    const flags = await t.app.request('/v1/flags?includeDecided=true&from=2026-11-02&to=2026-11-30', { headers: { authorization: `Bearer ${apiKey}` } });
    expect(((await flags.json()) as { series: Array<{ decision: unknown }> }).series[0]!.decision).toBeNull();
  });

  it('when a form carries the token, then the action happens', async () => {
    const b = browser();
    await b.signIn(apiKey);
    const page = await b.request('GET', '/flags?from=2026-11-02&to=2026-11-30');
    const res = await b.request('POST', '/flags/decide', { form: { _csrf: b.csrfOf(page.text), seriesKey: 'hostile-series@example.com', decision: 'keep' } });
    expect(res.res.status).toBe(303);
    const after = await b.request('GET', '/flags?from=2026-11-02&to=2026-11-30');
    expect(after.text).toContain('kept');
  });

  it('when the overview is asked with gzip, then it comes compressed and is the same page; deciding its series takes it off Do next', async () => {
    const b = browser();
    await b.signIn(apiKey);
    const plain = await b.request('GET', '/');
    expect(plain.res.headers.get('content-encoding')).toBeNull();
    expect(plain.text).toContain('data-key="series:hostile-series@example.com"');
    const cookie = [...b.jar].map(([k, v]) => `${k}=${v}`).join('; ');
    const zipped = await t.app.request('http://127.0.0.1:8787/', { headers: { cookie, 'accept-language': 'en', 'accept-encoding': 'gzip, deflate, br' } });
    expect(zipped.headers.get('content-encoding')).toBe('gzip');
    expect(zipped.headers.get('vary')).toBe('Accept-Encoding');
    const bytes = new Uint8Array(await zipped.arrayBuffer());
    expect(bytes.length).toBeLessThan(new TextEncoder().encode(plain.text).length);
    expect(gunzipSync(bytes).toString('utf8')).toBe(plain.text);

    await b.request('POST', '/flags/decide', { form: { _csrf: b.csrfOf(plain.text), seriesKey: 'hostile-series@example.com', decision: 'keep' } });
    expect((await b.request('GET', '/')).text).not.toContain('data-key="series:hostile-series@example.com"');
  });

  it('when ids of another workspace are used, then the answer is 404 and nothing of theirs is touched', async () => {
    const b = browser();
    const page = await b.signIn(apiKey).then(() => b.request('GET', '/connections'));
    const csrf = b.csrfOf(page.text);
    const disconnect = await b.request('POST', `/connections/${otherConnectionId}/disconnect`, { form: { _csrf: csrf } });
    expect(disconnect.res.status).toBe(404);
    const otherRotation = await t.app.request('/v1/rotations', {
      method: 'POST',
      headers: { authorization: `Bearer ${otherKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'x', durationMinutes: 30, occurrences: 2, startDate: '2026-12-07', participants: [{ email: 'olivia@example.com' }] }),
    });
    const { id } = (await otherRotation.json()) as { id: string };
    expect((await b.request('GET', `/rotation/${id}`)).res.status).toBe(404);
    expect((await b.request('POST', `/rotation/${id}/commit`, { form: { _csrf: csrf } })).res.status).toBe(404);
    const preview = await b.request('GET', `/flags/preview?series=${encodeURIComponent('hostile-series@example.com')}`);
    expect(preview.res.status).toBe(200); // the same series key exists in this workspace too …
    const theirs = await t.app.request('/v1/connections', { headers: { authorization: `Bearer ${otherKey}` } });
    expect(((await theirs.json()) as { connections: unknown[] }).connections).toHaveLength(1);
  });
});

describe('dashboard for people and roles', () => {
  /** A workspace with two calendars: Ayu's (a person, member role) and Budi's (another person), plus an operator member. */
  async function team() {
    const { workspace } = await createWorkspace(t.deps, { name: 'People Co' });
    const make = async (email: string, name: string) => {
      const m = await t.deps.repos.members.create(workspace.id, { email, name, timeZone: 'Asia/Jakarta', locale: 'en', workingHours: normalizeWorkingHours(undefined) }, t.clock.now);
      await connectIcs(t.deps, workspace.id, m.id, { body: hostileIcs(email), name: `${name}.ics` });
      return m;
    };
    const ayu = await make('ayu@people.test', 'Ayu Private');
    const budi = await make('budi@people.test', 'Budi Private');
    const ops = await make('ops@people.test', 'Operator Calendar');
    const member = await signedInPerson(t.deps, workspace.id, 'member', { email: 'ayu@people.test', name: 'Ayu Private', memberId: ayu.id });
    const other = await signedInPerson(t.deps, workspace.id, 'member', { email: 'budi@people.test', name: 'Budi Private', memberId: budi.id });
    const admin = await signedInPerson(t.deps, workspace.id, 'admin', { email: 'admin@people.test', name: 'Ada Admin' });
    return { workspace, ayu, budi, ops, member, other, admin };
  }

  /** A browser already holding a person's session cookie. */
  const as = (person: { token: string }) => {
    const b = browser();
    b.jar.set('um_session', person.token);
    return b;
  };

  it('when a member signs in, then / sends them to My week, the navigation offers only their own pages, and team pages answer 403', async () => {
    const { member } = await team();
    const b = as(member);
    const home = await b.request('GET', '/');
    expect(home.res.status).toBe(303);
    expect(home.res.headers.get('location')).toBe('/me');
    const me = await b.request('GET', '/me');
    expect(me.res.status).toBe(200);
    const nav = /<nav[^>]*>([\s\S]*?)<\/nav>/.exec(me.text)![1]!;
    expect([...nav.matchAll(/href="([^"]+)"/g)].map((m) => m[1])).toEqual(['/me']);
    expect(me.text).toContain('Ayu Private'); // the header names the person
    for (const path of ['/heatmap', '/flags', '/focus', '/connections', '/people', '/team', '/rotation']) {
      expect((await b.request('GET', path)).res.status, path).toBe(403);
    }
  });

  it('when a member opens My week, then it shows their own numbers with explanations and nobody else’s', async () => {
    const { member } = await team();
    const b = as(member);
    const me = await b.request('GET', '/me?from=2026-10-05');
    expect(me.text).toContain('data-member="ayu@people.test"');
    expect(me.text).toContain('Time in meetings (events with someone else), overlaps counted once.');
    expect(me.text).toMatch(/data-key="meetingHours"[\s\S]*?1\.0 h/);
    expect(me.text).not.toContain('budi@people.test');
    expect(me.text).not.toContain('Budi Private');
    expect(me.text).not.toContain('ops@people.test');
    const calendars = await b.request('GET', '/me/connections');
    expect(calendars.text).toContain('Ayu Private.ics');
    expect(calendars.text).not.toContain('Budi Private.ics');
    expect(calendars.text).toContain('Never shared: the titles, descriptions, places or guests of your events.');
  });

  it('when a member disconnects another person’s calendar by id, then the answer is 404 and it stays connected', async () => {
    const { workspace, member, budi } = await team();
    const theirs = (await t.deps.repos.connections.list(workspace.id)).find((c) => c.memberId === budi.id)!;
    const b = as(member);
    const page = await b.request('GET', '/me/connections');
    const res = await b.request('POST', `/me/connections/${theirs.id}/disconnect`, { form: { _csrf: b.csrfOf(page.text) } });
    expect(res.res.status).toBe(404);
    expect(await t.deps.repos.connections.get(workspace.id, theirs.id)).toBeDefined();
  });

  it('when a member turns sharing on, then admins see them by name; until then their rows are left out and counted', async () => {
    const { workspace, member, admin } = await team();
    const a = as(admin);
    const before = await a.request('GET', '/?from=2026-10-05&weeks=1');
    expect(before.res.status).toBe(200);
    expect(before.text).toContain('data-member="ops@people.test"'); // operator data, as before
    expect(before.text).not.toContain('data-member="ayu@people.test"');
    expect(before.text).not.toContain('data-member="budi@people.test"');
    expect(before.text).toContain('2 people are not shown by name here');
    expect(before.text).not.toContain('data-testid="team-stats"'); // 2 unnamed < 5: totals would give them away

    const b = as(member);
    const me = await b.request('GET', '/me');
    expect(me.text).toContain('Managers and admins see your numbers only inside group totals');
    const shared = await b.request('POST', '/me/share', { form: { _csrf: b.csrfOf(me.text), share: 'true' } });
    expect(shared.res.headers.get('location')).toBe('/me?ok=shared');
    expect((await b.request('GET', '/me?ok=shared')).text).toContain('Your sharing choice is saved.');
    expect((await t.deps.repos.people.membership(workspace.id, member.personId))?.shareNumbers).toBe(true);

    const after = await a.request('GET', '/?from=2026-10-05&weeks=1');
    expect(after.text).toContain('data-member="ayu@people.test"');
    expect(after.text).not.toContain('data-member="budi@people.test"');
    const heatmap = await a.request('GET', '/heatmap?from=2026-10-05&weeks=1');
    expect(heatmap.text).toContain('data-member="ayu@people.test"');
    expect(heatmap.text).not.toContain('data-member="budi@people.test"');
  });

  it('when an admin invites a pasted list, then each address gets an outcome, links not mailed are shown once, and the log records it', async () => {
    const { workspace, admin } = await team();
    const a = as(admin);
    const page = await a.request('GET', '/people');
    expect(page.res.status).toBe(200);
    const roleOptions = [.../<select name="role" id="invite-role">([\s\S]*?)<\/select>/.exec(page.text)![1]!.matchAll(/value="(\w+)"/g)].map((m) => m[1]);
    expect(roleOptions).toEqual(['member', 'manager']); // only owners invite admins and owners
    const posted = await a.request('POST', '/people/invite', { form: { _csrf: a.csrfOf(page.text), emails: 'dana@people.test, dana@people.test\nnot-an-address; ayu@people.test', role: 'member' } });
    expect([posted.res.status, posted.res.headers.get('location')]).toEqual([303, '/people']); // POST-redirect-GET
    const res = await a.request('GET', '/people');
    expect(res.text).toMatch(/data-email="dana@people.test" data-status="invited"/);
    expect(res.text).toMatch(/data-email="dana@people.test" data-status="duplicate"/);
    expect(res.text).toMatch(/data-email="not-an-address" data-status="invalid"/);
    expect(res.text).toMatch(/data-email="ayu@people.test" data-status="already_member"/);
    expect(res.text).toMatch(/value="http:\/\/127\.0\.0\.1:8787\/invite\/umi_[0-9a-z_]+"/);
    const invitations = await t.deps.repos.invitations.list(workspace.id);
    expect(invitations.map((i) => i.email)).toEqual(['dana@people.test']);
    const again = await a.request('GET', '/people');
    expect(again.text).toContain('data-invitation="');
    expect(again.text).not.toContain('/invite/umi_'); // shown once, never again
    expect(again.text).toContain('invitation.create');
  });

  it('when an admin invites as owner by forging the form, then it is refused and nothing is stored', async () => {
    const { workspace, admin } = await team();
    const a = as(admin);
    const page = await a.request('GET', '/people');
    const res = await a.request('POST', '/people/invite', { form: { _csrf: a.csrfOf(page.text), emails: 'eve@people.test', role: 'owner' } });
    expect(res.res.status).toBe(403);
    expect(await t.deps.repos.invitations.list(workspace.id)).toEqual([]);
  });

  it('when an admin changes a role and removes a person after the confirm step, then it happens and the page says what was removed', async () => {
    const { workspace, member, other, admin } = await team();
    const a = as(admin);
    const page = await a.request('GET', '/people');
    const csrf = a.csrfOf(page.text);
    expect((await a.request('POST', `/people/${member.personId}/role`, { form: { _csrf: csrf, role: 'manager' } })).res.headers.get('location')).toBe('/people?ok=role');
    expect((await t.deps.repos.people.membership(workspace.id, member.personId))?.role).toBe('manager');
    expect((await as(member).request('GET', '/me')).res.status).toBe(303); // the role change ended their session

    const selfDemote = await a.request('POST', `/people/${admin.personId}/role`, { form: { _csrf: csrf, role: 'member' } });
    expect(selfDemote.res.status).toBe(403);

    const confirm = await a.request('GET', `/people/${other.personId}/remove`);
    expect(confirm.text).toContain('Yes, remove them and delete their calendar data here');
    const unconfirmed = await a.request('POST', `/people/${other.personId}/remove`, { form: { _csrf: csrf } });
    expect(unconfirmed.res.status).toBe(303);
    expect(await t.deps.repos.people.membership(workspace.id, other.personId)).toBeDefined();
    const removing = await a.request('POST', `/people/${other.personId}/remove`, { form: { _csrf: csrf, confirm: 'yes' } });
    expect([removing.res.status, removing.res.headers.get('location')]).toEqual([303, '/people']);
    const removed = await a.request('GET', '/people');
    expect(removed.text).toMatch(/Connections removed: 1; grants handed back: 0; events deleted: \d+/);
    expect(await t.deps.repos.people.membership(workspace.id, other.personId)).toBeUndefined();
  });

  it('when a manager opens the team view, then a group under the minimum size is merged into others and nobody is named', async () => {
    const { workspace, ayu, budi } = await team();
    const manager = await signedInPerson(t.deps, workspace.id, 'manager', { email: 'mia@people.test', name: 'Mia Manager' });
    await t.deps.repos.groups.create(workspace.id, { name: 'Small team', memberIds: [ayu.id, budi.id], managerIds: [manager.personId] });
    const m = as(manager);
    const res = await m.request('GET', '/team?from=2026-10-05');
    expect(res.res.status).toBe(200);
    expect(res.text).toContain('data-group="others"');
    expect(res.text).toContain('data-testid="others-suppressed"');
    expect(res.text).not.toContain('data-group="workspace"');
    expect(res.text).not.toContain('Ayu Private');
    const nav = /<nav[^>]*>([\s\S]*?)<\/nav>/.exec(res.text)![1]!;
    expect([...nav.matchAll(/href="([^"]+)"/g)].map((x) => x[1])).toEqual(['/me', '/', '/team', '/heatmap', '/rotation']);
  });

  it('when a person signs out everywhere, then every copy of every session of theirs stops working', async () => {
    const { workspace, member } = await team();
    const second = await signIn(t.deps, workspace.id, member.personId);
    const b = as(member);
    const copy = as(member);
    const page = await b.request('GET', '/me');
    const out = await b.request('POST', '/sign-out/everywhere', { form: { _csrf: b.csrfOf(page.text) } });
    expect(out.res.headers.get('location')).toBe('/sign-in');
    expect((await copy.request('GET', '/me')).res.status).toBe(303);
    expect((await as(second).request('GET', '/me')).res.status).toBe(303);
  });

  it('when the server has Google, Microsoft and mail, then the sign-in page offers all three and folds the API key away', async () => {
    const transport = createSmtpTransport('smtp://127.0.0.1:1');
    const configured = await createTestApp({
      google: { clientId: 'g', clientSecret: 's', apiRoot: 'http://127.0.0.1:1', oauthRoot: 'http://127.0.0.1:1' },
      microsoft: { clientId: 'm', clientSecret: 's', tenant: 'common', apiRoot: 'http://127.0.0.1:1', oauthRoot: 'http://127.0.0.1:1' },
      mail: { transport, from: { email: 'unmeet@unmeet.test', name: 'unmeet' }, links: createLinkSigner(await createTokenVault('test-secret-test-secret-test-secret!')) },
    });
    try {
      const page = await (await configured.app.request('/sign-in?lang=id')).text();
      expect(page).toContain('href="/auth/google/start"');
      expect(page).toContain('href="/auth/microsoft/start"');
      expect(page).toContain('action="/auth/email"');
      expect(page).toContain('Kirimi saya tautan');
      expect(page).toMatch(/<details class="operator">/); // folded
      const bare = await (await t.app.request('/sign-in')).text();
      expect(bare).not.toContain('/auth/google/start');
      expect(bare).not.toContain('action="/auth/email"');
      expect(bare).toMatch(/<details class="operator" open/);
    } finally {
      configured.close();
    }
  });

  it('when a person reads My week in Indonesian, then the page and its explanations are in Indonesian', async () => {
    const { member } = await team();
    const me = await as(member).request('GET', '/me?lang=id&from=2026-10-05');
    expect(me.text).toContain('<html lang="id">');
    expect(me.text).toContain('Minggu saya');
    expect(me.text).toContain('Porsi waktu kerja Anda yang habis untuk rapat.');
    expect(me.text).toContain('Keluar di semua perangkat');
  });

  it('when a session asks for pages faster than its budget, then the dashboard answers 429 with Retry-After, as the API does', async () => {
    const limited = await createTestApp({});
    limited.deps.rateLimiter = createRateLimiter({ limit: 2, windowMs: 60_000, clock: limited.deps.clock });
    try {
      const { workspace } = await createWorkspace(limited.deps, { name: 'Budget' });
      const person = await signedInPerson(limited.deps, workspace.id, 'member');
      const get = () => limited.app.request('http://127.0.0.1:8787/me', { headers: { cookie: person.cookie } });
      expect((await get()).status).toBe(200);
      expect((await get()).status).toBe(200);
      const third = await get();
      expect(third.status).toBe(429);
      expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(0);
    } finally {
      limited.close();
    }
  });
});
