/**
 * The weekly digest end to end: a person opts in, the job queues their digest once their week's
 * first delivery window opens, the outbox delivers it to a real SMTP peer with RFC 8058 headers,
 * and the one-click POST turns it off without a session. Also: at most once per week under
 * re-runs and concurrent runs, verified addresses only, and nothing of its content in the outbox.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config';
import { openSqlite } from '../../src/db/sqlite';
import { createRepositories } from '../../src/db/repositories';
import { startServer } from '../../src/entry/node';
import { runDueJobs } from '../../src/jobs/run-due-jobs';
import { createTokenVault } from '../../src/providers/token-vault';
import { DIGEST_JOB_KIND, DIGEST_OUTBOX_NOTE, ensureDigestJob, runDigests } from '../../src/services/digest';
import { createTestApp, newWorkspace } from '../helpers/app';
import { dashboardBrowser } from '../helpers/dashboard-browser';
import { icsCalendar, icsEvent } from '../helpers/ics';
import { sessionCookie, sessionHeaders, signedInPerson, signIn, type SignedInPerson as Person } from '../helpers/people';

type SignedInPerson = Person & { workspaceId: string };
import { smtpMail, startSmtp, type TestSmtp } from '../helpers/smtp';

type T = Awaited<ReturnType<typeof createTestApp>>;

const AYU = 'ayu@acme.test';
const team = [AYU, 'b@acme.test', 'c@acme.test', 'd@acme.test', 'e@acme.test', 'f@acme.test'];
// The test clock starts on Saturday 28 November 2026, 12:00 UTC; London is on UTC in winter.
const SATURDAY = Date.parse('2026-11-28T12:00:00Z');
const MONDAY_0930 = Date.parse('2026-11-30T09:30:00Z');
const MONDAY_1000 = Date.parse('2026-11-30T10:00:00Z');

/**
 * Ayu's calendar: a weekly status meeting she organizes for six people (flagged), one meeting
 * last week after her hours, and one this week.
 */
const ayuCalendar = () =>
  icsCalendar([
    icsEvent({ uid: 'status', start: '2026-11-02T10:00:00Z', minutes: 60, rrule: 'FREQ=WEEKLY;COUNT=8', title: 'Weekly status', organizer: AYU, attendees: team }),
    icsEvent({ uid: 'late', start: '2026-11-25T18:00:00Z', minutes: 60, title: 'Late call', organizer: 'b@acme.test', attendees: [AYU, 'b@acme.test'] }),
    icsEvent({ uid: 'plan', start: '2026-12-01T14:00:00Z', minutes: 90, title: 'Planning', organizer: 'c@acme.test', attendees: [AYU, 'c@acme.test'] }),
  ]);

let smtp: TestSmtp;
let t: T;
beforeEach(async () => {
  smtp = await startSmtp();
  t = await createTestApp({ mail: await smtpMail(smtp) });
  t.clock.now = SATURDAY;
});
afterEach(async () => {
  t.close();
  await smtp.close();
});

/** A workspace with Ayu's calendar, and Ayu signed in as a member linked to it (her address verified unless told). */
async function ayuWorkspace(options: { locale?: string; verified?: boolean; calendar?: boolean } = {}) {
  const { apiKey: key, workspace } = await newWorkspace(t.api);
  const member = await t.api('POST', '/v1/members', { key, json: { email: AYU, name: 'Ayu', timeZone: 'Europe/London', locale: 'en' } });
  expect(member.status).toBe(201);
  if (options.calendar !== false) {
    expect((await t.api('POST', '/v1/connections/ics', { key, json: { memberId: member.json.id, ics: ayuCalendar(), name: 'ayu.ics' } })).status).toBe(201);
  }
  const ayu = { ...(await signedInPerson(t.deps, workspace.id, 'member', { email: AYU, name: 'Ayu', memberId: options.calendar === false ? null : member.json.id })), workspaceId: workspace.id };
  if (options.locale) await t.deps.repos.people.update(ayu.personId, { locale: options.locale });
  if (options.verified !== false) await t.deps.repos.mailAddresses.markVerified(AYU, 'link', t.clock.now);
  return { key, workspaceId: workspace.id, ayu };
}

/** A session of hers that is live at the test clock (sessions end after 12 idle hours, and the tests move through days). */
const cookieNow = async (workspaceId: string, ayu: SignedInPerson) => (await signIn(t.deps, workspaceId, ayu.personId)).cookie;
const optIn = async (ayu: SignedInPerson, on = true) =>
  t.api('PUT', '/v1/me/digest', { json: { optIn: on }, headers: sessionHeaders(await cookieNow(ayu.workspaceId, ayu), 'PUT') });
const choice = async (ayu: SignedInPerson) => (await t.api('GET', '/v1/me/digest', { headers: sessionHeaders(await cookieNow(ayu.workspaceId, ayu)) })).json;
const digests = async (workspaceId: string) => (await t.deps.repos.outbox.list(workspaceId, { limit: 100 })).filter((m) => m.kind === 'digest');

/** Runs the job runner every 30 minutes from `from` to `to`, like a server that stays up. */
async function runEvery30Minutes(from: number, to: number) {
  for (let at = from; at <= to; at += 30 * 60_000) {
    t.clock.now = at;
    await runDueJobs(t.deps, at, { owner: 'test' });
  }
}

describe('the weekly digest', () => {
  it('when a person opts in, then one digest of their own numbers reaches them on Monday inside their hours, with one-click unsubscribe headers as received', async () => {
    const { workspaceId, ayu } = await ayuWorkspace();
    expect(await choice(ayu)).toMatchObject({ optIn: false, blockedBy: null, last: null });
    expect((await optIn(ayu)).json).toMatchObject({ optIn: true, address: AYU, blockedBy: null });
    expect(await t.deps.repos.jobs.getByKey(DIGEST_JOB_KIND)).toMatchObject({ kind: DIGEST_JOB_KIND, everyMs: 30 * 60_000 });

    await runEvery30Minutes(SATURDAY, Date.parse('2026-11-30T12:00:00Z'));
    expect(smtp.received).toHaveLength(1);
    const [received] = smtp.received;
    expect(received!.rcpt).toEqual([AYU]);
    const mail = await simpleParser(received!.raw);
    const sentAt = mail.date!.getTime();
    expect(sentAt).toBeGreaterThanOrEqual(MONDAY_0930);
    expect(sentAt).toBeLessThan(Date.parse('2026-11-30T17:00:00Z'));
    expect(mail.subject).toBe('Your week in Acme: review and week ahead (30 Nov – 6 Dec 2026)');

    // RFC 8058, as the SMTP peer received them.
    const unsubscribe = /^List-Unsubscribe: <(http:\/\/127\.0\.0\.1:8787\/v1\/mail\/digest\/unsubscribe\?token=[^>]+)>\r?$/m.exec(received!.raw)?.[1];
    expect(unsubscribe).toBeDefined();
    expect(received!.raw).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click\r?$/m);
    expect(mail.text).toContain(`Stop the weekly digest: ${unsubscribe}`);

    // Her own numbers, the same as "My week" answers for last week and this one.
    const cookie = await cookieNow(workspaceId, ayu);
    const week = async (from: string, to: string) => (await t.api('GET', `/v1/my/week?from=${from}&to=${to}`, { headers: sessionHeaders(cookie) })).json.metrics;
    const last = await week('2026-11-23', '2026-11-30');
    const ahead = await week('2026-11-30', '2026-12-07');
    expect([last.meetingHours, last.meetingCount, last.afterHoursMeetingHours, ahead.meetingHours, ahead.meetingCount]).toEqual([2, 2, 1, 2.5, 2]);
    expect(mail.text).toContain('Last week (23 Nov – 29 Nov 2026, Europe/London)');
    expect(mail.text).toContain('- Meetings: 2 h in 2 meetings.');
    expect(mail.text).toContain('- Meetings outside your working hours: 1 h.');
    expect(mail.text).toContain(`- Focus time left free (stretches of 2 h or more): ${String(last.focusHours)} h.`);
    expect(mail.text).toContain('- Meetings booked: 2.5 h in 2 meetings.');
    expect(mail.text).toContain('"Weekly status": could be a short written status update.');

    const [message] = await digests(workspaceId);
    expect(message).toMatchObject({ status: 'sent', recipient: AYU });
    expect(await choice(ayu)).toMatchObject({ optIn: true, last: { week: '2026-11-30', status: 'sent' } });
  });

  it('when the job runs again and two runs race, then one message is queued for the week', async () => {
    const { workspaceId, ayu } = await ayuWorkspace();
    await optIn(ayu);
    t.clock.now = MONDAY_1000;
    const [first, second] = await Promise.all([runDigests(t.deps, MONDAY_1000), runDigests(t.deps, MONDAY_1000)]);
    expect(first.queued + second.queued).toBe(1);
    expect(first.already + second.already).toBe(1);
    const again = await runDigests(t.deps, MONDAY_1000 + 3_600_000);
    expect(again).toMatchObject({ queued: 0, already: 1 });
    expect(await digests(workspaceId)).toHaveLength(1);
    expect(await t.deps.repos.digests.sent(workspaceId, ayu.personId, '2026-11-30')).toMatchObject({ outboxId: (await digests(workspaceId))[0]!.id });
    // Her personal-data export says what is kept about it.
    const exported = await t.api('GET', '/v1/me/export', { headers: sessionHeaders(await cookieNow(workspaceId, ayu)) });
    expect(exported.json.workspaces[0]).toMatchObject({ digestOptIn: true, digestWeeks: [{ week: '2026-11-30', outboxId: (await digests(workspaceId))[0]!.id }] });
  });

  it('when her week has not started, its first window has not opened or its last has closed, then nothing is queued for it', async () => {
    const { workspaceId, ayu } = await ayuWorkspace();
    await optIn(ayu);
    expect(await runDigests(t.deps, SATURDAY)).toMatchObject({ queued: 0, not_yet: 1 });
    expect(await runDigests(t.deps, Date.parse('2026-11-30T09:00:00Z'))).toMatchObject({ queued: 0, not_yet: 1 });
    // Friday 18:00: her next window is Monday, in another week; that week's digest is the one she gets.
    expect(await runDigests(t.deps, Date.parse('2026-12-04T18:00:00Z'))).toMatchObject({ queued: 0, not_yet: 1 });
    expect(await runDigests(t.deps, Date.parse('2026-12-07T10:00:00Z'))).toMatchObject({ queued: 1 });
    expect(await digests(workspaceId)).toHaveLength(1);
    expect(await t.deps.repos.digests.sent(workspaceId, ayu.personId, '2026-12-07')).toBeDefined();
    expect(await t.deps.repos.digests.sent(workspaceId, ayu.personId, '2026-11-30')).toBeUndefined();
  });

  it('when the one-click POST arrives, then the digest is off without a session; a GET changes nothing and a forged token is refused', async () => {
    const { workspaceId, ayu } = await ayuWorkspace({ locale: 'id' });
    await optIn(ayu);
    await runEvery30Minutes(MONDAY_0930, MONDAY_1000 + 3_600_000);
    expect(smtp.received).toHaveLength(1);
    const mail = await simpleParser(smtp.received[0]!.raw);
    expect(mail.subject).toBe('Minggu Anda di Acme: ringkasan dan minggu depan (30 Nov – 6 Des 2026)');
    const url = new URL(/^List-Unsubscribe: <([^>]+)>/m.exec(smtp.received[0]!.raw)![1]!);
    const path = `${url.pathname}${url.search}`;

    const page = await t.app.request(path);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Berhenti menerima ringkasan mingguan Acme?');
    expect((await choice(ayu)).optIn).toBe(true);

    const forged = await t.app.request(path.replace(/token=([^&]+)/, (_, token: string) => `token=${token.slice(0, -4)}AAAA`), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(forged.status).toBe(404);
    expect((await choice(ayu)).optIn).toBe(true);

    const oneClick = await t.app.request(path, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
    expect(oneClick.status).toBe(200);
    expect(await oneClick.text()).toContain('Selesai');
    expect((await t.deps.repos.people.membership(workspaceId, ayu.personId))?.digestOptIn).toBe(false);
  });

  it('when she turns the digest off after it was queued, then it is cancelled before sending and says why', async () => {
    const { workspaceId, ayu } = await ayuWorkspace();
    await optIn(ayu);
    t.clock.now = MONDAY_1000;
    expect(await runDigests(t.deps, MONDAY_1000)).toMatchObject({ queued: 1 });
    await optIn(ayu, false);
    await runEvery30Minutes(MONDAY_1000, MONDAY_1000 + 2 * 3_600_000);
    expect(smtp.received).toHaveLength(0);
    expect(await digests(workspaceId)).toMatchObject([{ status: 'cancelled', lastError: 'recipient turned the weekly digest off' }]);
  });

  it('when the secret its bodies were sealed under is gone before it leaves, then it is cancelled with that reason, not retried forever', async () => {
    const { workspaceId, ayu } = await ayuWorkspace();
    await optIn(ayu);
    t.clock.now = MONDAY_1000;
    expect(await runDigests(t.deps, MONDAY_1000)).toMatchObject({ queued: 1 });
    t.deps.vault = await createTokenVault('a-new-secret-without-the-old-one-as-previous');
    await runEvery30Minutes(MONDAY_1000, MONDAY_1000 + 3_600_000);
    expect(smtp.received).toHaveLength(0);
    expect(await digests(workspaceId)).toMatchObject([{ status: 'cancelled', lastError: 'the digest was sealed under a secret this server no longer has' }]);
  });

  it('when her address is not verified, then nothing is queued or recorded until it is', async () => {
    const { workspaceId, ayu } = await ayuWorkspace({ verified: false });
    await optIn(ayu);
    expect(await choice(ayu)).toMatchObject({ optIn: true, blockedBy: 'address_unverified' });
    expect(await runDigests(t.deps, MONDAY_1000)).toMatchObject({ queued: 0, address_unverified: 1 });
    expect(await t.deps.repos.digests.sent(workspaceId, ayu.personId, '2026-11-30')).toBeUndefined();
    await t.deps.repos.mailAddresses.markVerified(AYU, 'link', MONDAY_1000);
    expect(await runDigests(t.deps, MONDAY_1000 + 3_600_000)).toMatchObject({ queued: 1 });
  });

  it('when she has no calendar in the workspace, then the week is recorded without a message and not retried', async () => {
    const { workspaceId, ayu } = await ayuWorkspace({ calendar: false });
    await optIn(ayu);
    t.clock.now = MONDAY_1000;
    expect(await choice(ayu)).toMatchObject({ blockedBy: 'no_calendar' });
    expect(await runDigests(t.deps, MONDAY_1000)).toMatchObject({ no_calendar: 1 });
    expect(await runDigests(t.deps, MONDAY_1000 + 3_600_000)).toMatchObject({ no_calendar: 0, already: 1 });
    expect(await digests(workspaceId)).toHaveLength(0);
    expect(await choice(ayu)).toMatchObject({ last: { week: '2026-11-30', status: null } });
  });

  it('when an admin opens the digest in the outbox, then its status and subject show but none of her numbers', async () => {
    const { key, workspaceId, ayu } = await ayuWorkspace();
    await optIn(ayu);
    await runDigests(t.deps, MONDAY_1000);
    const [message] = await digests(workspaceId);
    const shown = await t.api('GET', `/v1/outbox/${message!.id}`, { key });
    expect(shown.status).toBe(200);
    expect(shown.json).toMatchObject({ kind: 'digest', status: 'queued', subject: 'Your week in Acme: review and week ahead (30 Nov – 6 Dec 2026)', text: DIGEST_OUTBOX_NOTE });
    expect(JSON.stringify(shown.json)).not.toMatch(/Meetings|Weekly status|Focus time/);
    expect(message!.mime).not.toContain('Weekly status');
  });

  it('when an API key asks for "my digest", then it is refused: the choice belongs to a signed-in person', async () => {
    const { key } = await ayuWorkspace();
    expect((await t.api('GET', '/v1/me/digest', { key })).status).toBe(403);
    expect((await t.api('PUT', '/v1/me/digest', { key, json: { optIn: true } })).status).toBe(403);
  });

  it('when a fresh Node install starts, then the digest job is scheduled; a restart keeps that one job as it was', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'unmeet-digest-'));
    const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', UNMEET_DB: join(dir, 'unmeet.db'), UNMEET_LOG_LEVEL: 'silent' });
    const jobs = () => {
      const handle = openSqlite(config.dbPath);
      return createRepositories({ db: handle.db }).jobs.getByKey(DIGEST_JOB_KIND).finally(() => handle.close());
    };
    try {
      await (await startServer(config)).stop();
      const first = await jobs();
      expect(first).toMatchObject({ kind: DIGEST_JOB_KIND, workspaceId: null, everyMs: 30 * 60_000 });
      await (await startServer(config)).stop();
      expect(await jobs()).toMatchObject({ id: first!.id, runAt: first!.runAt });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('when the digest job is ensured again and again, then one job exists and its next run does not move', async () => {
    await ensureDigestJob(t.deps, SATURDAY);
    const job = await t.deps.repos.jobs.getByKey(DIGEST_JOB_KIND);
    await ensureDigestJob(t.deps, SATURDAY + 60_000);
    await Promise.all([ensureDigestJob(t.deps, SATURDAY + 120_000), ensureDigestJob(t.deps, SATURDAY + 120_000)]);
    expect(await t.deps.repos.jobs.getByKey(DIGEST_JOB_KIND)).toMatchObject({ id: job!.id, runAt: job!.runAt });
  });

  it('when she flips the toggle on "My week", then the page after the redirect says it is on, in her language', async () => {
    const { ayu } = await ayuWorkspace();
    const b = dashboardBrowser(t.app, 'id');
    b.jar.set(sessionCookie(ayu.token).split('=')[0]!, ayu.token);
    const before = await b.request('GET', '/me');
    expect(before.text).toContain('Anda tidak menerima ringkasan mingguan workspace ini.');
    const posted = await b.request('POST', '/me/digest', { _csrf: b.csrfOf(before.text), optIn: 'true' }, { 'sec-fetch-site': 'same-origin' });
    expect(posted.status).toBe(303);
    const after = await b.request('GET', posted.location!);
    expect(after.text).toMatch(/data-digest="on" class="notice ok" role="status">Anda menerima ringkasan mingguan workspace ini\./);
    expect((await choice(ayu)).optIn).toBe(true);
    // A reload shows the state without the one-time notice, and writes nothing.
    const reload = await b.request('GET', posted.location!);
    expect(reload.text).toContain('data-digest="on"');
    expect(reload.text).not.toContain('role="status">Anda menerima');
  });
});
