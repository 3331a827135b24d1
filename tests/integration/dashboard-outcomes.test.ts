/**
 * Honest outcomes in the dashboard: every action says what it actually did (per member, per
 * message), what it cannot do is said before the click, and every write is POST-redirect-GET so
 * a reload repeats nothing. Driven through `app.request` with a cookie jar, like a browser.
 */
import { afterEach, beforeEach, describe, expect, it, onTestFinished } from 'vitest';
import { createLinkSigner } from '../../src/providers/mail/signed-links';
import { createSmtpTransport } from '../../src/providers/mail/smtp.transport';
import { createTokenVault } from '../../src/providers/token-vault';
import { connectIcs } from '../../src/services/sync';
import { createWorkspace } from '../../src/services/workspaces';
import { normalizeWorkingHours } from '../../src/domain/working-hours';
import type { Deps } from '../../src/services/deps';
import { createTestApp } from '../helpers/app';
import { dashboardBrowser } from '../helpers/dashboard-browser';
import { startSmtp } from '../helpers/smtp';

type T = Awaited<ReturnType<typeof createTestApp>>;

let t: T;
let apiKey: string;
let workspaceId: string;
let ayuId: string;
const RANGE = 'from=2026-11-02&to=2026-11-30';

/** A weekly status meeting organised by ayu with six attendees and no agenda: flagged. */
function statusIcs() {
  const attendees = ['a', 'b', 'c', 'd', 'e'].map((p) => `ATTENDEE;PARTSTAT=ACCEPTED:mailto:${p}@example.com`).join('\r\n');
  return ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//test//EN', 'BEGIN:VEVENT', 'UID:status@example.com', 'DTSTAMP:20261001T000000Z', 'DTSTART:20261005T020000Z', 'DTEND:20261005T030000Z', 'RRULE:FREQ=WEEKLY;BYDAY=MO', 'SUMMARY:Weekly status', 'ORGANIZER:mailto:ayu@example.com', 'ATTENDEE;PARTSTAT=ACCEPTED:mailto:ayu@example.com', attendees, 'END:VEVENT', 'END:VCALENDAR', ''].join('\r\n');
}

const browser = (lang = 'en') => dashboardBrowser(t.app, lang);

/** Signed in with the admin key, on the flags page of the test range. */
async function onFlagsPage(lang = 'en') {
  const b = browser(lang);
  await b.signIn(apiKey);
  return { b, page: await b.request('GET', `/flags?${RANGE}`) };
}

/** "Queue it" on Ayu's weekly status meeting, from `page`. */
const queueStatus = (b: ReturnType<typeof browser>, page: { text: string }) =>
  b.request('POST', '/flags/queue', { _csrf: b.csrfOf(page.text), seriesKey: 'status@example.com', from: '2026-11-02', to: '2026-11-30' });

const MAIL_WITHOUT_TRANSPORT = async (): Promise<NonNullable<Deps['mail']>> => ({
  transport: null,
  from: { email: 'unmeet@unmeet.test', name: 'unmeet' },
  links: createLinkSigner(await createTokenVault('test-secret-test-secret-test-secret!')),
});

/** A workspace whose one member, Ayu, has only an ICS calendar holding a flagged weekly status meeting. */
async function seed(overrides: Partial<Deps>) {
  t = await createTestApp(overrides);
  const created = await createWorkspace(t.deps, { name: 'Acme', hourlyRate: 80 });
  apiKey = created.apiKey;
  workspaceId = created.workspace.id;
  const ayu = await t.deps.repos.members.create(workspaceId, { email: 'ayu@example.com', name: 'Ayu', timeZone: 'Asia/Jakarta', locale: 'id', workingHours: normalizeWorkingHours(undefined) }, t.clock.now);
  ayuId = ayu.id;
  await connectIcs(t.deps, workspaceId, ayu.id, { body: statusIcs(), name: 'ayu.ics' });
}

beforeEach(async () => seed({ mail: await MAIL_WITHOUT_TRANSPORT() }));
afterEach(() => t.close());

describe('focus apply outcomes', () => {
  for (const [lang, before, skipped] of [
    ['en', 'No Google or Outlook calendar', 'skipped: no Google or Outlook calendar: nothing written'],
    ['id', 'Tidak ada kalender Google atau Outlook', 'dilewati: tidak ada kalender Google atau Outlook: tidak ada yang ditulis'],
  ] as const) {
    it(`when an ICS-only member's focus is applied (${lang}), then the page says so before the click, and after it that nothing was written and why, once`, async () => {
      const b = browser(lang);
      await b.signIn(apiKey);
      const page = await b.request('GET', '/focus');
      expect(page.text).toContain(before);
      expect(page.text).toContain('data-testid="focus-none-writable"');
      const csrf = b.csrfOf(page.text);
      expect((await b.request('POST', '/focus/enable', { _csrf: csrf, memberId: ayuId, enabled: 'true' })).status).toBe(303);

      const applied = await b.request('POST', '/focus/apply', { _csrf: csrf, confirm: 'yes' });
      expect([applied.status, applied.location]).toEqual([303, '/focus']);
      const after = await b.request('GET', '/focus');
      expect(after.text).toContain('data-testid="focus-outcome"');
      expect(after.text).toMatch(new RegExp(`data-member="${ayuId}" data-status="no_calendar"`));
      expect(after.text).toContain(skipped);
      expect(after.text).not.toContain(lang === 'en' ? 'Done.' : 'Selesai.');
      expect(await t.deps.repos.focus.blocks(workspaceId, ayuId, 0)).toEqual([]);

      const reload = await b.request('GET', '/focus');
      expect(reload.text).not.toContain('data-testid="focus-outcome"');
    });
  }

  it('when nobody has focus protection on, then applying says nothing was written', async () => {
    const b = browser();
    await b.signIn(apiKey);
    const page = await b.request('GET', '/focus');
    await b.request('POST', '/focus/apply', { _csrf: b.csrfOf(page.text), confirm: 'yes' });
    expect((await b.request('GET', '/focus')).text).toContain('Nobody here has focus protection turned on: nothing was written.');
  });
});

describe('queueing a suggestion', () => {
  it('when no mail transport is configured, then the flags page says so at the button, and a queued suggestion is reported as kept in the outbox with its time in the recipient’s zone', async () => {
    await t.deps.repos.mailAddresses.markVerified('ayu@example.com', 'link', t.clock.now);
    const { b, page } = await onFlagsPage();
    expect(page.text).toContain('data-testid="queue-no-transport"');
    expect(page.text).toContain('stays in the outbox');
    const queued = await queueStatus(b, page);
    expect([queued.status, queued.location]).toEqual([303, `/flags?${RANGE}`]);
    const after = await b.request('GET', queued.location!);
    expect(after.text).toMatch(/Kept in the outbox: no mail transport is configured on this server, so it is not sent automatically \(it was due to ayu@example\.com at 2026-\d\d-\d\d \d\d:\d\d \(GMT\+7\)\)/);
    expect(after.text).not.toContain('Done.');
    expect((await b.request('GET', queued.location!)).text).not.toContain('Kept in the outbox');
    expect(await t.deps.repos.outbox.list(workspaceId, { limit: 10 })).toHaveLength(1);
  });

  it('when the recipient has not confirmed their address, then the suggestion is reported held, in Indonesian too', async () => {
    const { b, page } = await onFlagsPage('id');
    const queued = await queueStatus(b, page);
    const after = await b.request('GET', queued.location!);
    expect(after.text).toContain('Ditahan: menunggu ayu@example.com mengonfirmasi');
    expect(after.text).toContain('Email konfirmasi sudah diantrekan untuk mereka.');
  });

  it('when a series is decided, then it no longer offers "Queue it"', async () => {
    const { b, page } = await onFlagsPage();
    expect(page.text).toContain('action="/flags/queue"');
    await b.request('POST', '/flags/decide', { _csrf: b.csrfOf(page.text), seriesKey: 'status@example.com', decision: 'converted' });
    const after = await b.request('GET', `/flags?${RANGE}`);
    expect(after.text).not.toContain('action="/flags/queue"');
    expect(after.text).toContain('Decided: nothing to send.');
  });
});

describe('a new API key', () => {
  it('when a key is created, then it is shown once on the page the post redirects to, with a copy button, and a reload creates and shows nothing', async () => {
    const b = browser();
    await b.signIn(apiKey);
    const page = await b.request('GET', '/connections');
    const keysBefore = (await t.deps.repos.workspaces.listKeys(workspaceId)).length;
    const created = await b.request('POST', '/connections/keys', { _csrf: b.csrfOf(page.text), label: 'CI' });
    expect([created.status, created.location]).toEqual([303, '/connections']);
    expect(created.text).not.toMatch(/um_[A-Za-z0-9]{8,}/);
    const flashCookie = b.jar.get('um_flash');
    expect(flashCookie).toMatch(/^umf_/);

    const shown = await b.request('GET', '/connections');
    const key = /data-testid="new-key">(um_[A-Za-z0-9]+)</.exec(shown.text)?.[1];
    expect(key).toBeTruthy();
    expect(shown.text).toContain('data-copy="new-key"');
    expect((await t.api('GET', '/v1/workspace', { key: key! })).status).toBe(200);

    const reload = await b.request('GET', '/connections');
    expect(reload.text).not.toContain(key!);
    expect(await t.deps.repos.workspaces.listKeys(workspaceId)).toHaveLength(keysBefore + 1);

    // The flash token replayed, or carried to another session, opens nothing.
    b.jar.set('um_flash', flashCookie!);
    expect((await b.request('GET', '/connections')).text).not.toContain(key!);
  });

  it('when another session presents the flash cookie, then the key is not shown to it', async () => {
    const a = browser();
    await a.signIn(apiKey);
    const page = await a.request('GET', '/connections');
    await a.request('POST', '/connections/keys', { _csrf: a.csrfOf(page.text), label: 'CI' });
    const other = browser();
    await other.signIn(apiKey);
    other.jar.set('um_flash', a.jar.get('um_flash')!);
    expect((await other.request('GET', '/connections')).text).not.toContain('data-testid="new-key"');
  });
});

describe('what an action cannot do, said before the click', () => {
  it('when a member has only an ICS feed or an expired Google grant, then the apply form names who gets nothing written and why', async () => {
    const budi = await t.deps.repos.members.create(workspaceId, { email: 'budi@example.com', name: 'Budi', timeZone: 'Asia/Jakarta', locale: 'id', workingHours: normalizeWorkingHours(undefined) }, t.clock.now);
    const google = await t.deps.repos.connections.create(workspaceId, { memberId: budi.id, provider: 'google', label: 'budi@example.com', credentials: 'sealed' });
    await t.deps.repos.connections.setStatus(workspaceId, google.id, 'needs_reauth');
    for (const [lang, ics, expired] of [
      ['en', 'Nothing can be written for Ayu: no Google or Outlook calendar', 'Nothing can be written for Budi until they reconnect their calendar'],
      ['id', 'Tidak ada yang bisa ditulis untuk Ayu: tidak ada kalender Google atau Outlook', 'Tidak ada yang bisa ditulis untuk Budi sampai mereka menghubungkan ulang kalendernya'],
    ] as const) {
      const b = browser(lang);
      await b.signIn(apiKey);
      const page = await b.request('GET', '/focus');
      const form = /<form method="post" action="\/focus\/apply".*?<\/form>/s.exec(page.text)?.[0] ?? '';
      expect(form).toContain(`<li data-reason="no_calendar">${ics}`);
      expect(form).toContain(`<li data-reason="reconnect">${expired}`);
    }
  });

  it('when the server has no mail at all, then the flags page says "Queue it" cannot queue and the button is disabled', async () => {
    t.close();
    await seed({ mail: undefined });
    const { page } = await onFlagsPage();
    expect(page.text).toContain('data-testid="queue-unavailable"');
    expect(page.text).toContain('Suggestion emails are not configured on this server');
    expect(page.text).toMatch(/<button type="submit" class="small" disabled="" aria-describedby="queue-note-status@example.com">Queue it<\/button><span class="queue-note" id="queue-note-status@example.com" data-testid="queue-note">mail is not configured<\/span>/);
  });

  it('when suggestions leave from the organizer’s own Google account and the organizer has none, then the row says it would be held, and queueing reports it waiting for the connection', async () => {
    t.close();
    await seed({ mail: await MAIL_WITHOUT_TRANSPORT(), google: { clientId: 'id', clientSecret: 'secret', apiRoot: 'http://127.0.0.1:9', oauthRoot: null } });
    await t.deps.repos.workspaces.update(workspaceId, { mailTransport: 'gmail' });
    await t.deps.repos.mailAddresses.markVerified('ayu@example.com', 'link', t.clock.now);
    const { b, page } = await onFlagsPage();
    expect(page.text).toContain('data-testid="queue-organizer"');
    expect(page.text).toContain('held: the organizer has no usable Google connection');
    const queued = await queueStatus(b, page);
    const after = await b.request('GET', queued.location!);
    expect(after.text).toMatch(/Waiting in the outbox: this workspace sends from the organizer’s own Google account, and ayu@example\.com has no usable one; it goes out once they connect it \(at Mon, Nov 30, 2026, 09:\d\d GMT\+7 at the earliest\)\./);

    await t.deps.repos.connections.create(workspaceId, { memberId: ayuId, provider: 'google', label: 'ayu@example.com', credentials: 'sealed' });
    const ready = await b.request('GET', `/flags?${RANGE}`);
    expect(ready.text).not.toContain('held: the organizer has no usable Google connection');
  });
});

describe('an address that is not a page', () => {
  it('when a browser asks for an unknown dashboard address, then it gets an HTML 404 in its language with a link home, signed in or not', async () => {
    const anonymous = dashboardBrowser(t.app, 'id');
    const missing = await anonymous.request('GET', '/no-such-page');
    expect([missing.status, missing.type]).toEqual([404, 'text/html; charset=UTF-8']);
    expect(missing.text).toContain('<html lang="id">');
    expect(missing.text).toContain('Tidak ditemukan');
    expect(missing.text).toMatch(/<a class="button" href="\/">Ke dasbor<\/a>/);
    expect(missing.headers.get('content-security-policy')).toContain("script-src 'self'");

    const b = browser('en');
    await b.signIn(apiKey);
    const signedIn = await b.request('GET', '/flags/nope/deeper');
    expect(signedIn.status).toBe(404);
    expect(signedIn.text).toContain('There is no page at this address.');
    expect(signedIn.text).toMatch(/<a class="button" href="\/">Go to the dashboard<\/a>/);
  });

  it('when the unknown address is an API path or the client wants JSON, then the answer stays problem+json; the API documents still answer', async () => {
    const b = browser();
    // Signed out, an unknown /v1 path is refused before routing (401); either way problem+json.
    for (const [path, status] of [['/v1/no-such-thing', 401], ['/auth/no-such-thing', 404], ['/docs/no-such-thing', 404], ['/webhooks/no-such-thing', 404]] as const) {
      const res = await b.request('GET', path);
      expect([path, res.status, res.type]).toEqual([path, status, 'application/problem+json']);
    }
    await b.signIn(apiKey);
    const signedIn = await b.request('GET', '/v1/no-such-thing');
    expect([signedIn.status, signedIn.type]).toEqual([404, 'application/problem+json']);
    const json = await b.request('GET', '/no-such-page', undefined, { accept: 'application/json' });
    expect([json.status, json.type]).toEqual([404, 'application/problem+json']);
    expect((await b.request('GET', '/openapi.json')).type).toContain('application/json');
    expect((await b.request('GET', '/healthz')).status).toBe(200);
    expect((await b.request('GET', '/docs')).status).toBe(200);
  });
});

describe('POST-redirect-GET on the sign-in forms', () => {
  it('when a sign-in link for an invitation is asked for through the form, then the post redirects to a page that a reload only shows again', async () => {
    const smtp = await startSmtp();
    t.close();
    await seed({ mail: { ...(await MAIL_WITHOUT_TRANSPORT()), transport: createSmtpTransport(smtp.url) } });
    onTestFinished(() => smtp.close());
    const b = browser();
    const posted = await b.request('POST', '/auth/email', { email: 'new@example.com', invite: 'inv_not_a_real_token' });
    expect([posted.status, posted.location]).toEqual([303, '/auth/email/sent']);
    const shown = await b.request('GET', '/auth/email/sent');
    expect([shown.status, shown.text.includes('Check your mail')]).toEqual([200, true]);
    const reload = await b.request('GET', '/auth/email/sent');
    expect(reload.text).toBe(shown.text);
  });
});

describe('decisions and focus switches say what they did', () => {
  it('when a series is marked keep or converted, then the page it lands on says so once, with the title and for how long', async () => {
    for (const [decision, text] of [
      ['keep', 'Recorded: “Weekly status” stays as it is; no suggestion about it for 90 days.'],
      ['converted', 'Recorded: “Weekly status” became a written format; it gets no more suggestions.'],
    ] as const) {
      const { b, page } = await onFlagsPage();
      const decided = await b.request('POST', '/flags/decide', { _csrf: b.csrfOf(page.text), seriesKey: 'status@example.com', decision });
      expect([decided.status, decided.location]).toEqual([303, '/flags']);
      expect((await b.request('GET', `/flags?${RANGE}`)).text).toContain(text);
      expect((await b.request('GET', `/flags?${RANGE}`)).text).not.toContain('Recorded:');
    }
  });

  it('when focus protection is turned on and off, then the page says for whom, and that turning it off removed what it wrote (in Indonesian too)', async () => {
    const b = browser('id');
    await b.signIn(apiKey);
    const page = await b.request('GET', '/focus');
    const on = await b.request('POST', '/focus/enable', { _csrf: b.csrfOf(page.text), memberId: ayuId, enabled: 'true' });
    expect([on.status, on.location]).toEqual([303, '/focus']);
    expect((await b.request('GET', '/focus')).text).toContain('Perlindungan fokus aktif untuk Ayu. Tidak ada yang ditulis ke kalendernya sampai Anda menerapkannya.');
    await b.request('POST', '/focus/enable', { _csrf: b.csrfOf(page.text), memberId: ayuId, enabled: 'false' });
    expect((await b.request('GET', '/focus')).text).toContain('Perlindungan fokus nonaktif untuk Ayu: 0 blok fokus mendatang dihapus dari kalendernya.');
  });
});
