import { simpleParser, type ParsedMail } from 'mailparser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runDueJobs } from '../../src/jobs/run-due-jobs';
import { MailTransportError, type MailTransport } from '../../src/providers/mail/mail-transport';
import { createLinkSigner } from '../../src/providers/mail/signed-links';
import { createTokenVault } from '../../src/providers/token-vault';
import { createSmtpTransport } from '../../src/providers/mail/smtp.transport';
import type { Deps } from '../../src/services/deps';
import { deliverDueMessages, SUGGESTION_POLICY } from '../../src/services/suggestions';
import { createTestApp, newWorkspace } from '../helpers/app';
import { icsCalendar, icsEvent } from '../helpers/ics';
import { startSmtp, type TestSmtp } from '../helpers/smtp';

type T = Awaited<ReturnType<typeof createTestApp>>;

// ---------------------------------------------------------------------------------------------
// A real SMTP peer on 127.0.0.1 that keeps what it receives; a reply code can be forced.



// ---------------------------------------------------------------------------------------------
// A small team: Ayu (Jakarta, Indonesian) and Dana (New York, English) in acme.id.

const range = { from: '2026-11-02', to: '2026-11-30' };

const vevent = (o: { uid: string; title: string; start: string; minutes: number; organizer: string; attendees: string[]; weekly?: boolean; description?: string }) =>
  icsEvent({ ...o, ...(o.weekly !== false && { rrule: 'FREQ=WEEKLY;COUNT=4' }) });
const calendar = (...events: string[][]) => icsCalendar(events);

const team = ['ayu@acme.id', 'dana@acme.id', 'budi@acme.id', 'sri@acme.id'];
const ayuCalendar = calendar(
  // 09:00 Jakarta = 21:00 New York: Dana is outside her hours.
  vevent({ uid: 'rapat-mingguan', title: 'Rapat mingguan tim', start: '2026-11-02T02:00:00Z', minutes: 60, organizer: 'ayu@acme.id', attendees: team }),
  vevent({ uid: 'laporan', title: 'Laporan progres harian', start: '2026-11-03T03:00:00Z', minutes: 15, organizer: 'ayu@acme.id', attendees: team }),
  vevent({ uid: 'sinkron', title: 'Sinkronisasi backend', start: '2026-11-04T03:00:00Z', minutes: 60, organizer: 'ayu@acme.id', attendees: team }),
  vevent({ uid: 'ayu-budi', title: '1:1 Ayu / Budi', start: '2026-11-05T03:00:00Z', minutes: 30, organizer: 'ayu@acme.id', attendees: ['ayu@acme.id', 'budi@acme.id'] }),
  vevent({ uid: 'partner', title: 'Weekly status from partner', start: '2026-11-06T03:00:00Z', minutes: 60, organizer: 'boss@partner.example', attendees: [...team, 'boss@partner.example'] }),
);
const danaCalendar = calendar(
  vevent({ uid: 'dana-status', title: 'Weekly status sync\\, <b>all</b> & more', start: '2026-11-02T15:00:00Z', minutes: 60, organizer: 'dana@acme.id', attendees: team }),
);

async function setupTeam(t: T) {
  const { apiKey: key } = await newWorkspace(t.api);
  const ids: Record<string, string> = {};
  for (const [email, name, timeZone, locale] of [
    ['ayu@acme.id', 'Ayu', 'Asia/Jakarta', 'id'],
    ['dana@acme.id', 'Dana', 'America/New_York', 'en'],
    ['budi@acme.id', 'Budi', 'Asia/Jakarta', 'id'],
    ['sri@acme.id', 'Sri', 'Asia/Jakarta', 'id'],
  ] as const) {
    const res = await t.api('POST', '/v1/members', { key, json: { email, name, timeZone, locale } });
    expect(res.status).toBe(201);
    ids[email] = res.json.id;
    // These people signed in once: their addresses are verified (unverified ones: mail-verification.test.ts).
    await t.deps.repos.mailAddresses.markVerified(email, 'google', t.clock.now);
  }
  for (const [email, ics] of [
    ['ayu@acme.id', ayuCalendar],
    ['dana@acme.id', danaCalendar],
  ] as const) {
    const res = await t.api('POST', '/v1/connections/ics', { key, json: { memberId: ids[email], ics, name: 'cal.ics' } });
    expect(res.status).toBe(201);
  }
  return { key, ids };
}

let smtp: TestSmtp;
let t: T;
let mail: NonNullable<Deps['mail']>;
beforeEach(async () => {
  smtp = await startSmtp();
  mail = { transport: createSmtpTransport(smtp.url), from: { email: 'unmeet@unmeet.test', name: 'unmeet' }, links: createLinkSigner(await createTokenVault('test-secret-test-secret-test-secret!')) };
  t = await createTestApp({ mail });
});
afterEach(async () => {
  t.close();
  await smtp.close();
});

const MONDAY_0930_JAKARTA = Date.parse('2026-11-30T02:30:00Z');
const runJobs = (now: number, deps: Deps = t.deps) => runDueJobs(deps, now, { owner: 'test' });
const queue = (key: string, json: Record<string, unknown>) => t.api('POST', '/v1/flags/suggestions', { key, json: { ...range, ...json } });
const outbox = async (key: string) => (await t.api('GET', '/v1/outbox', { key })).json.messages as Array<Record<string, any>>;
const parse = (raw: string): Promise<ParsedMail> => simpleParser(raw);
const linksIn = (text: string) => [...text.matchAll(/https?:\/\/\S+\/v1\/mail\/action\?t=[A-Za-z0-9._%-]+/g)].map((m) => m[0]);

describe('flags API', () => {
  it('when flags are listed, then every series has the contract fields, reasons that sum to the score, and cost at the workspace rate', async () => {
    const { key } = await setupTeam(t);
    const res = await t.api('GET', `/v1/flags?from=${range.from}&to=${range.to}`, { key });
    expect(res.status).toBe(200);
    const rapat = res.json.series.find((s: any) => s.seriesKey === 'rapat-mingguan');
    expect(rapat).toMatchObject({ title: 'Rapat mingguan tim', organizer: 'ayu@acme.id', recurring: true, occurrences: 4, attendeeCount: 4, durationMinutes: 60, verdict: 'async', suggestedFormat: 'written-update', decision: null });
    expect(rapat.reasons.map((r: any) => r.code)).toEqual(expect.arrayContaining(['title.status_wording', 'recurring.three_plus', 'description.no_agenda', 'zones.outside_hours', 'duration.long_recurring']));
    expect(rapat.reasons.reduce((s: number, r: any) => s + r.points, 0)).toBe(rapat.score);
    expect(rapat.cost.personHoursPerOccurrence).toBe(4);
    expect(rapat.cost.moneyPerYear).toBeCloseTo(rapat.cost.personHoursPerYear * 80, 0);
    const oneOnOne = res.json.series.find((s: any) => s.seriesKey === 'ayu-budi');
    expect(oneOnOne.verdict).toBe('keep');
    const onlyAsync = await t.api('GET', `/v1/flags?from=${range.from}&to=${range.to}&verdict=async&organizer=AYU@acme.id`, { key });
    expect(onlyAsync.json.series.every((s: any) => s.verdict === 'async' && s.organizer === 'ayu@acme.id')).toBe(true);
  });

  it('when a series is marked keep, then it drops out of the list until the keep expires; converted stays out', async () => {
    const { key } = await setupTeam(t);
    const keep = await t.api('POST', '/v1/flags/decisions', { key, json: { seriesKey: 'rapat-mingguan', decision: 'keep', keepDays: 30 } });
    expect(keep.status).toBe(200);
    expect(keep.json).toMatchObject({ decision: 'keep', decidedBy: 'api', expiresAt: t.clock.now + 30 * 86_400_000 });
    const keys = async (q = '') => (await t.api('GET', `/v1/flags?from=${range.from}&to=${range.to}${q}`, { key })).json.series.map((s: any) => s.seriesKey);
    expect(await keys()).not.toContain('rapat-mingguan');
    expect(await keys('&includeDecided=true')).toContain('rapat-mingguan');
    await t.api('POST', '/v1/flags/decisions', { key, json: { seriesKey: 'laporan', decision: 'converted' } });
    t.clock.now += 31 * 86_400_000;
    expect(await keys()).toContain('rapat-mingguan');
    expect(await keys()).not.toContain('laporan');
  });

  it('when a decision names a series the workspace does not have, or input is bad, then 404 / 422 problem+json', async () => {
    const { key } = await setupTeam(t);
    const missing = await t.api('POST', '/v1/flags/decisions', { key, json: { seriesKey: 'nope', decision: 'keep' } });
    expect(missing.status).toBe(404);
    expect(missing.json.code).toBe('series.not_found');
    const bad = await t.api('POST', '/v1/flags/decisions', { key, json: { seriesKey: 'rapat-mingguan', decision: 'maybe' } });
    expect(bad.status).toBe(422);
    const badRange = await t.api('GET', '/v1/flags?from=2026-12-01&to=2026-11-01', { key });
    expect(badRange.json.code).toBe('audit.invalid_range');
  });

  it('when another workspace uses this workspace’s ids, then everything is 404 and nothing leaks', async () => {
    const { key } = await setupTeam(t);
    const queued = await queue(key, { seriesKey: 'rapat-mingguan' });
    expect(queued.status).toBe(201);
    const msgId = queued.json.queued[0].outboxId;
    const { apiKey: other } = await newWorkspace(t.api, 'Other');
    expect((await t.api('GET', `/v1/flags?from=${range.from}&to=${range.to}`, { key: other })).json.series).toEqual([]);
    expect((await t.api('POST', '/v1/flags/decisions', { key: other, json: { seriesKey: 'rapat-mingguan', decision: 'keep' } })).status).toBe(404);
    expect((await t.api('GET', `/v1/flags/preview?seriesKey=rapat-mingguan&from=${range.from}&to=${range.to}`, { key: other })).status).toBe(404);
    expect((await queue(other, { seriesKey: 'rapat-mingguan' })).status).toBe(404);
    expect((await t.api('GET', `/v1/outbox/${msgId}`, { key: other })).status).toBe(404);
    expect((await t.api('GET', `/v1/outbox/${msgId}/eml`, { key: other })).status).toBe(404);
    expect((await t.api('POST', `/v1/outbox/${msgId}/resolve`, { key: other, json: { outcome: 'cancel' } })).status).toBe(404);
    expect(await outbox(other)).toEqual([]);
    expect((await t.api('GET', '/v1/outbox')).status).toBe(401);
  });

  it('when a suggestion is previewed, then it is in the organizer’s language and nothing is stored', async () => {
    const { key } = await setupTeam(t);
    const res = await t.api('GET', `/v1/flags/preview?seriesKey=rapat-mingguan&from=${range.from}&to=${range.to}`, { key });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ to: 'ayu@acme.id', locale: 'id', subject: 'Bisakah "Rapat mingguan tim" diganti pembaruan tertulis?', deliverAfter: MONDAY_0930_JAKARTA, replyBy: '2026-12-03' });
    expect(res.json.text).toContain('Kamis, 3 Desember 2026');
    expect(await outbox(key)).toEqual([]);
    const keepSeries = await t.api('GET', `/v1/flags/preview?seriesKey=ayu-budi&from=${range.from}&to=${range.to}`, { key });
    expect(keepSeries.json.code).toBe('suggestion.not_flagged');
  });

  it('when a title carries markup, then the preview escapes it in HTML', async () => {
    const { key } = await setupTeam(t);
    const res = await t.api('GET', `/v1/flags/preview?seriesKey=dana-status&from=${range.from}&to=${range.to}`, { key });
    expect(res.json.locale).toBe('en');
    expect(res.json.html).toContain('&lt;b&gt;all&lt;/b&gt; &amp; more');
    expect(res.json.html).not.toContain('<b>all</b>');
  });
});

describe('suggestions, outbox and delivery', () => {
  it('when suggestions are queued Saturday, then nothing goes out before Monday 09:30 Jakarta, and then SMTP receives a complete, parseable email', async () => {
    const { key } = await setupTeam(t);
    const res = await queue(key, { seriesKey: 'rapat-mingguan' });
    expect(res.status).toBe(201);
    expect(res.json.queued[0]).toMatchObject({ recipient: 'ayu@acme.id', deliverAfter: MONDAY_0930_JAKARTA });

    expect(await runJobs(t.clock.now)).toEqual({ ran: 0, failed: 0 });
    await runJobs(MONDAY_0930_JAKARTA - 60_000);
    expect(smtp.received).toHaveLength(0);

    t.clock.now = MONDAY_0930_JAKARTA;
    await runJobs(MONDAY_0930_JAKARTA);
    expect(smtp.received).toHaveLength(1);
    expect(smtp.received[0]!.rcpt).toEqual(['ayu@acme.id']);
    const parsed = await parse(smtp.received[0]!.raw);
    expect(parsed.subject).toBe('Bisakah "Rapat mingguan tim" diganti pembaruan tertulis?');
    expect(parsed.from?.value[0]).toMatchObject({ address: 'unmeet@unmeet.test', name: 'unmeet' });
    expect(parsed.to && !Array.isArray(parsed.to) ? parsed.to.value[0] : undefined).toMatchObject({ address: 'ayu@acme.id', name: 'Ayu' });
    expect(parsed.messageId).toBe(res.json.queued[0].messageId);
    expect(parsed.date?.getTime()).toBe(MONDAY_0930_JAKARTA);
    expect(parsed.headers.get('auto-submitted')).toBe('auto-generated');
    expect(smtp.received[0]!.raw).toContain('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
    expect(JSON.stringify(parsed.headers.get('list'))).toContain('/v1/mail/action?t=');
    expect(parsed.text).toContain('Rapat mingguan tim');
    expect(parsed.text).toContain('Keputusan yang dibutuhkan (mohon balas paling lambat Kamis, 3 Desember 2026)');
    expect(parsed.html).toContain('Rapat mingguan tim');
    expect(parsed.html).not.toMatch(/<img/i);
    const textLinks = linksIn(parsed.text ?? '');
    expect(textLinks).toHaveLength(3);
    for (const link of textLinks) expect(parsed.html).toContain(link.replaceAll('&', '&amp;'));

    const [message] = await outbox(key);
    expect(message).toMatchObject({ status: 'sent', attempts: 1, transport: 'smtp', sentAt: MONDAY_0930_JAKARTA });
    await runJobs(MONDAY_0930_JAKARTA + 3_600_000);
    expect(smtp.received).toHaveLength(1);
  });

  it('when the job runs late in the evening, then the message waits for the next morning instead of arriving after hours', async () => {
    const { key } = await setupTeam(t);
    await queue(key, { seriesKey: 'rapat-mingguan' });
    const mondayEvening = Date.parse('2026-11-30T12:00:00Z'); // 19:00 in Jakarta
    t.clock.now = mondayEvening;
    await deliverDueMessages(t.deps, await workspaceId(t, key), mondayEvening);
    expect(smtp.received).toHaveLength(0);
    const [message] = await outbox(key);
    expect(message!.deliverAfter).toBe(Date.parse('2026-12-01T02:30:00Z'));
  });

  it('when the same series is queued twice in a period, then the second is refused; after the period it may go again', async () => {
    const { key } = await setupTeam(t);
    expect((await queue(key, { seriesKey: 'rapat-mingguan' })).status).toBe(201);
    const again = await queue(key, { seriesKey: 'rapat-mingguan' });
    expect(again.status).toBe(409);
    expect(again.json.code).toBe('suggestion.duplicate');
    t.clock.now += (SUGGESTION_POLICY.dedupePeriodDays + 1) * 86_400_000;
    expect((await queue(key, { seriesKey: 'rapat-mingguan' })).status).toBe(201);
  });

  it('when an organizer has more flagged series than the weekly cap, then only the cap is queued and the rest are skipped with a reason', async () => {
    const { key } = await setupTeam(t);
    const res = await queue(key, {});
    expect(res.status).toBe(201);
    const toAyu = res.json.queued.filter((q: any) => q.recipient === 'ayu@acme.id');
    expect(toAyu).toHaveLength(SUGGESTION_POLICY.weeklyCapPerRecipient);
    expect(res.json.skipped).toEqual(expect.arrayContaining([{ seriesKey: expect.any(String), code: 'suggestion.weekly_cap' }]));
    expect(res.json.queued.map((q: any) => q.recipient)).toContain('dana@acme.id');
  });

  it('when the organizer is outside the workspace, then no message is ever created for them', async () => {
    const { key } = await setupTeam(t);
    const res = await queue(key, { seriesKey: 'partner' });
    expect(res.status).toBe(409);
    expect(res.json.code).toBe('suggestion.recipient_not_member');
    const all = await queue(key, {});
    expect(all.json.skipped).toContainEqual({ seriesKey: 'partner', code: 'suggestion.recipient_not_member' });
    expect((await outbox(key)).map((m) => m.recipient)).not.toContain('boss@partner.example');
  });

  it('when a recipient is removed from the workspace before delivery, then the message is cancelled, not sent', async () => {
    const { key, ids } = await setupTeam(t);
    await queue(key, { seriesKey: 'dana-status' });
    expect((await t.api('DELETE', `/v1/members/${ids['dana@acme.id']}`, { key })).status).toBe(204);
    await runJobs(Date.parse('2026-12-07T15:00:00Z'));
    expect(smtp.received).toHaveLength(0);
    expect((await outbox(key))[0]).toMatchObject({ status: 'cancelled', lastError: 'recipient is not a member of the workspace' });
  });

  it('when the organizer opts out through the signed link, then queued mail is cancelled and no suggestion is made again, even a year later', async () => {
    const { key } = await setupTeam(t);
    await queue(key, { seriesKey: 'rapat-mingguan' });
    const [queuedMessage] = await outbox(key);
    const eml = await parse((await t.api('GET', `/v1/outbox/${queuedMessage!.id}/eml`, { key })).text);
    const optOut = linksIn(eml.text ?? '')[2]!;
    const path = new URL(optOut).pathname + new URL(optOut).search;

    const confirm = await t.app.request(path);
    expect(confirm.status).toBe(200);
    expect(await confirm.text()).toContain('Stop all suggestion emails');
    expect(await t.deps.repos.flags.isOptedOut(await workspaceId(t, key), 'ayu@acme.id')).toBe(false);

    const done = await t.app.request(path, { method: 'POST', body: 'List-Unsubscribe=One-Click', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(done.status).toBe(200);
    await runJobs(MONDAY_0930_JAKARTA);
    expect(smtp.received).toHaveLength(0);
    expect((await outbox(key))[0]).toMatchObject({ status: 'cancelled', lastError: 'recipient opted out' });

    t.clock.now += 365 * 86_400_000;
    const later = await queue(key, { seriesKey: 'laporan' });
    expect(later.json.code).toBe('suggestion.opted_out');
    expect((await queue(key, {})).json.queued.map((q: any) => q.recipient)).not.toContain('ayu@acme.id');
  });

  it('when a link is forged or altered, then it is refused and changes nothing', async () => {
    const { key } = await setupTeam(t);
    await queue(key, { seriesKey: 'rapat-mingguan' });
    const [m] = await outbox(key);
    const eml = await parse((await t.api('GET', `/v1/outbox/${m!.id}/eml`, { key })).text);
    const token = decodeURIComponent(new URL(linksIn(eml.text ?? '')[0]!).searchParams.get('t')!);
    const [body, mac] = token.split('.');
    const payload = JSON.parse(Buffer.from(body!, 'base64url').toString());
    const altered = Buffer.from(JSON.stringify({ ...payload, a: 'opt-out' })).toString('base64url');
    for (const bad of [`${altered}.${mac}`, `${body}.${mac!.slice(0, -2)}AA`, 'garbage', '']) {
      const res = await t.app.request(`/v1/mail/action?t=${encodeURIComponent(bad)}`, { method: 'POST' });
      expect(res.status).toBe(404);
    }
    expect(await t.deps.repos.flags.isOptedOut(await workspaceId(t, key), 'ayu@acme.id')).toBe(false);

    const tryAsync = await t.app.request(`/v1/mail/action?t=${encodeURIComponent(token)}`, { method: 'POST' });
    expect(tryAsync.status).toBe(200);
    const flags = await t.api('GET', `/v1/flags?from=${range.from}&to=${range.to}&includeDecided=true`, { key });
    expect(flags.json.series.find((s: any) => s.seriesKey === 'rapat-mingguan').decision).toMatchObject({ decision: 'converted', decidedBy: 'link:ayu@acme.id' });
  });

  it('when the sender dies between handing the message to SMTP and recording the outcome, then it becomes unknown and is never sent twice', async () => {
    const { key } = await setupTeam(t);
    await queue(key, { seriesKey: 'rapat-mingguan' });
    const real = createSmtpTransport(smtp.url);
    // The first process: the mail leaves, then the process "dies" before the outcome is stored.
    const dying: MailTransport = { name: 'smtp', send: async (m) => { await real.send(m); await new Promise(() => undefined); } };
    void deliverDueMessages({ ...t.deps, mail: { ...mail, transport: dying } }, await workspaceId(t, key), MONDAY_0930_JAKARTA);
    await waitFor(() => smtp.received.length === 1);
    expect((await outbox(key))[0]).toMatchObject({ status: 'sending', attempts: 1 });

    // A new process (fresh transport, same database): within the lease the attempt is left alone…
    await runJobs(MONDAY_0930_JAKARTA + 60_000);
    expect((await outbox(key))[0]!.status).toBe('sending');
    // …once it is stale, it is marked unknown for a person to decide, not resent.
    const later = MONDAY_0930_JAKARTA + SUGGESTION_POLICY.staleAttemptMs + 10 * 60_000;
    await runJobs(later);
    await runJobs(later + 3_600_000);
    expect(smtp.received).toHaveLength(1);
    const [m] = await outbox(key);
    expect(m).toMatchObject({ status: 'unknown', attempts: 1 });
    expect(m!.lastError).toContain('never recorded an outcome');

    // The person checked: it did arrive.
    const resolved = await t.api('POST', `/v1/outbox/${m!.id}/resolve`, { key, json: { outcome: 'sent' } });
    expect(resolved.json.status).toBe('sent');
  });

  it('when a Gmail/Graph-like transport can look into Sent items, then a dead attempt is settled from there', async () => {
    const { key } = await setupTeam(t);
    await queue(key, { seriesKey: 'rapat-mingguan' });
    const sentIds = new Set<string>();
    const hanging: MailTransport = { name: 'mailbox', send: async (m) => { sentIds.add(m.messageId); await new Promise(() => undefined); } };
    const ws = await workspaceId(t, key);
    void deliverDueMessages({ ...t.deps, mail: { ...mail, transport: hanging } }, ws, MONDAY_0930_JAKARTA);
    await waitFor(() => sentIds.size === 1);
    const lookup: MailTransport = { name: 'mailbox', send: async () => { throw new Error('must not resend'); }, findSent: async (m) => sentIds.has(m.messageId) };
    await deliverDueMessages({ ...t.deps, mail: { ...mail, transport: lookup } }, ws, MONDAY_0930_JAKARTA + SUGGESTION_POLICY.staleAttemptMs + 1);
    expect((await outbox(key))[0]).toMatchObject({ status: 'sent', attempts: 1 });
  });

  it('when SMTP answers 451, then the message is retried later inside working hours; a 550 fails it with the reason', async () => {
    const { key } = await setupTeam(t);
    await queue(key, { seriesKey: 'rapat-mingguan' });
    smtp.reject = 451;
    await runJobs(MONDAY_0930_JAKARTA);
    let [m] = await outbox(key);
    expect(m).toMatchObject({ status: 'queued', attempts: 1 });
    expect(m!.lastError).toContain('451');
    expect(m!.deliverAfter).toBe(MONDAY_0930_JAKARTA + SUGGESTION_POLICY.backoffMs(1));

    smtp.reject = 550;
    await runJobs(m!.deliverAfter);
    [m] = await outbox(key);
    expect(m).toMatchObject({ status: 'failed', attempts: 2 });
    expect(m!.lastError).toContain('550');
    expect(smtp.received).toHaveLength(0);

    smtp.reject = null;
    const resend = await t.api('POST', `/v1/outbox/${m!.id}/resolve`, { key, json: { outcome: 'resend' } });
    expect(resend.json.status).toBe('queued');
    await runJobs(resend.json.deliverAfter);
    expect(smtp.received).toHaveLength(1);
  });

  it('when earlier sends in a batch are slow, then each later message is claimed at its own time, not the batch start', async () => {
    const { key } = await setupTeam(t);
    await queue(key, {});
    const ws = await workspaceId(t, key);
    const rows = () =>
      (t.deps.db as any).$client.prepare('select recipient, status, deliver_after as due, attempt_started_at as started from outbox_messages where workspace_id = ? order by started').all(ws) as Array<{ recipient: string; status: string; due: number; started: number | null }>;
    // Ayu gets two suggestions, due together inside her working hours.
    const ayu = () => rows().filter((r) => r.recipient === 'ayu@acme.id');
    expect(ayu()).toHaveLength(2);
    const due = Math.max(...ayu().map((r) => r.due));
    // Each send takes six minutes of the clock (a slow server): later claims must show it.
    const sixMinutes = 6 * 60_000;
    const slow: MailTransport = { name: 'smtp', send: async () => { t.clock.now += sixMinutes; } };
    t.clock.now = due;
    await deliverDueMessages({ ...t.deps, mail: { ...mail, transport: slow } }, ws, due);
    const started = ayu().map((r) => r.started! - due);
    expect(ayu().map((r) => r.status)).toEqual(['sent', 'sent']);
    expect(started[1]! - started[0]!).toBe(sixMinutes);
  });

  it('when a failure is certain but keeps happening, then after the maximum attempts the message is failed', async () => {
    const { key } = await setupTeam(t);
    await queue(key, { seriesKey: 'rapat-mingguan' });
    const ws = await workspaceId(t, key);
    const refusing: MailTransport = { name: 'smtp', send: async () => { throw new MailTransportError('ECONNECTION: refused', true, true); } };
    const deps = { ...t.deps, mail: { ...mail, transport: refusing } };
    for (let i = 0; i < SUGGESTION_POLICY.maxAttempts; i++) {
      const [m] = await outbox(key);
      await deliverDueMessages(deps, ws, m!.deliverAfter);
    }
    expect((await outbox(key))[0]).toMatchObject({ status: 'failed', attempts: SUGGESTION_POLICY.maxAttempts });
  });

  it('when the server runs outbox-only, then messages stay queued, are viewable, and export as .eml', async () => {
    await t.close();
    t = await createTestApp({ mail: { ...mail, transport: null } });
    const { key } = await setupTeam(t);
    await queue(key, { seriesKey: 'dana-status' });
    await runJobs(Date.parse('2026-12-07T15:00:00Z'));
    const [m] = await outbox(key);
    expect(m).toMatchObject({ status: 'queued', recipient: 'dana@acme.id', attempts: 0 });
    const eml = await t.api('GET', `/v1/outbox/${m!.id}/eml`, { key });
    expect(eml.status).toBe(200);
    expect(eml.headers.get('content-type')).toContain('message/rfc822');
    const parsed = await parse(eml.text);
    expect(parsed.messageId).toBe(m!.messageId);
    expect(parsed.subject).toBe('Could "Weekly status sync, <b>all</b> & more" be a written update?');
    expect(parsed.text).toContain('Decisions needed (please reply by');
    const detail = await t.api('GET', `/v1/outbox/${m!.id}`, { key });
    expect(detail.json.html).toContain('&lt;b&gt;all&lt;/b&gt;');
  });

  it('when the server has no mail settings, then suggestions answer 501 mail.not_configured instead of failing', async () => {
    await t.close();
    t = await createTestApp();
    const { key } = await setupTeam(t);
    const res = await queue(key, { seriesKey: 'rapat-mingguan' });
    expect(res.status).toBe(501);
    expect(res.json.code).toBe('mail.not_configured');
  });
});

async function workspaceId(t: T, key: string): Promise<string> {
  return (await t.api('GET', '/v1/workspace', { key })).json.id;
}

async function waitFor(condition: () => boolean, ms = 5000) {
  const until = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}
