import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLinkSigner } from '../../src/providers/mail/signed-links';
import { createTokenVault } from '../../src/providers/token-vault';
import { connectIcs } from '../../src/services/sync';
import { createWorkspace } from '../../src/services/workspaces';
import { normalizeWorkingHours } from '../../src/domain/working-hours';
import { createTestApp } from '../helpers/app';

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
