import { simpleParser, type ParsedMail } from 'mailparser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runDueJobs } from '../../src/jobs/run-due-jobs';
import { createLinkSigner, LINK_TTL_MS } from '../../src/providers/mail/signed-links';
import { createSmtpTransport } from '../../src/providers/mail/smtp.transport';
import { createTokenVault } from '../../src/providers/token-vault';
import type { Deps } from '../../src/services/deps';
import { CONFIRMATION_PERIOD_MS } from '../../src/services/mail-verification';
import { heldSuggestions } from '../../src/services/suggestions';
import { createTestApp, newWorkspace } from '../helpers/app';
import { icsCalendar, icsEvent } from '../helpers/ics';
import { startSmtp, type TestSmtp } from '../helpers/smtp';

type T = Awaited<ReturnType<typeof createTestApp>>;


const range = { from: '2026-11-02', to: '2026-11-30' };
const PHISH_TITLE = 'Weekly status: your mailbox is full, log in at evil.example';
const WORKSPACE_NAME = 'Totally Legit IT Department';
const VICTIM = 'victim@external.example';
const team = [VICTIM, 'a@acme.test', 'b@acme.test', 'c@acme.test'];

const vevent = (uid: string, title: string, start: string, organizer: string) =>
  icsEvent({ uid, start, minutes: 60, rrule: 'FREQ=WEEKLY;COUNT=4', title, organizer, attendees: team });
const calendar = (...events: string[][]) => icsCalendar(events);

// Monday 30 November 2026, 09:30 in London (UTC+0): the victim's first delivery instant.
const MONDAY_0930_LONDON = Date.parse('2026-11-30T09:30:00Z');

let smtp: TestSmtp;
let t: T;
beforeEach(async () => {
  smtp = await startSmtp();
  const mail: NonNullable<Deps['mail']> = {
    transport: createSmtpTransport(smtp.url),
    from: { email: 'unmeet@unmeet.test', name: 'unmeet' },
    links: createLinkSigner(await createTokenVault('test-secret-test-secret-test-secret!')),
  };
  t = await createTestApp({ mail });
});
afterEach(async () => {
  t.close();
  await smtp.close();
});

const parse = (raw: string): Promise<ParsedMail> => simpleParser(raw);
const runJobs = (now: number) => runDueJobs(t.deps, now, { owner: 'test' });
/** Runs the job runner every hour for `days` days from `from`, like a server that stays up. */
async function runHourly(from: number, days: number) {
  for (let at = from; at < from + days * 86_400_000; at += 3_600_000) {
    t.clock.now = at;
    await runJobs(at);
  }
}
const toVictim = () => smtp.received.filter((m) => m.rcpt.includes(VICTIM));

/** The attacker's setup: a workspace, the victim as a member, a series they "organize" with a phishing title. */
async function attackerWorkspace(name = WORKSPACE_NAME, extraSeries = false) {
  const { apiKey: key, workspace } = await newWorkspace(t.api, name);
  let victimId = '';
  for (const email of team) {
    const res = await t.api('POST', '/v1/members', { key, json: { email, name: `Dear ${email} click evil.example`, timeZone: 'Europe/London', locale: 'en' } });
    expect(res.status).toBe(201);
    if (email === VICTIM) victimId = res.json.id;
  }
  const events = [vevent('phish', PHISH_TITLE, '2026-11-02T10:00:00Z', VICTIM)];
  if (extraSeries) events.push(vevent('phish-2', 'Daily status: verify your password at evil.example', '2026-11-03T10:00:00Z', VICTIM));
  const ics = await t.api('POST', '/v1/connections/ics', { key, json: { memberId: victimId, ics: calendar(...events), name: 'cal.ics' } });
  expect(ics.status).toBe(201);
  return { key, workspaceId: workspace.id };
}

const queue = (key: string, json: Record<string, unknown> = {}) => t.api('POST', '/v1/flags/suggestions', { key, json: { ...range, ...json } });

async function confirmationLink(): Promise<string> {
  const [message] = toVictim();
  const parsed = await parse(message!.raw);
  const link = (parsed.text ?? '').match(/https?:\/\/\S+\/v1\/mail\/confirm\/[0-9a-z]+/)?.[0];
  expect(link).toBeDefined();
  return new URL(link!).pathname;
}

describe('mail only to verified addresses', () => {
  it('when suggestions are queued for an unverified member, then no suggestion reaches them: one fixed confirmation mail does, and a second queue within 7 days sends no second one', async () => {
    const { key, workspaceId } = await attackerWorkspace(WORKSPACE_NAME, true);
    const first = await queue(key, { seriesKey: 'phish' });
    expect(first.status).toBe(201);
    expect(first.json.queued[0]).toMatchObject({
      recipient: VICTIM,
      status: 'held',
      heldReason: `waiting for ${VICTIM} to confirm they want these emails`,
      confirmationQueued: true,
    });

    await runHourly(t.clock.now, 3);
    expect(smtp.received).toHaveLength(1);
    const [confirmation] = toVictim();
    const parsed = await parse(confirmation!.raw);
    expect(parsed.subject).toBe('Do you want meeting suggestions from unmeet?');
    // The hourly runner's first run inside the victim's hours (Monday 09:30–17:00 London).
    expect(parsed.date!.getTime()).toBe(Date.parse('2026-11-30T10:00:00Z'));
    for (const text of [confirmation!.raw, parsed.text ?? '', String(parsed.html), parsed.subject ?? '']) {
      expect(text).not.toContain('mailbox is full');
      expect(text).not.toContain('evil.example');
      expect(text).not.toContain('Legit');
    }
    expect(parsed.to && !Array.isArray(parsed.to) ? parsed.to.value[0] : undefined).toEqual({ address: VICTIM, name: '' });
    expect(parsed.text).toContain(VICTIM);

    // Two days later (within 7): another series, and another workspace, ask again.
    const second = await queue(key, { seriesKey: 'phish-2' });
    expect(second.json.queued[0]).toMatchObject({ status: 'held', confirmationQueued: false });
    const other = await attackerWorkspace('Second Attempt');
    expect((await queue(other.key)).json.queued[0]).toMatchObject({ status: 'held', confirmationQueued: false });
    await runHourly(t.clock.now, 4);
    expect(smtp.received).toHaveLength(1);

    const messages = (await t.api('GET', '/v1/outbox?status=held', { key })).json.messages;
    expect(messages).toHaveLength(2);
    expect(messages[0]).toMatchObject({ status: 'held', kind: 'suggestion', heldReason: `waiting for ${VICTIM} to confirm they want these emails` });
    expect(await t.deps.repos.mailAddresses.isVerified(VICTIM)).toBe(false);
    // What the flags page shows next to each series.
    expect((await heldSuggestions(t.deps, workspaceId)).map((h) => h.seriesKey).sort()).toEqual(['phish', 'phish-2']);
    // Nothing in the outbox API is a live confirmation link.
    const all = (await t.api('GET', '/v1/outbox', { key })).json.messages as Array<{ id: string; kind: string }>;
    const confirmRow = all.find((m) => m.kind === 'confirmation')!;
    const detail = await t.api('GET', `/v1/outbox/${confirmRow.id}`, { key });
    expect(detail.json.text).toContain('/v1/mail/confirm/{{link:confirm}}');
    expect(detail.json.text).not.toContain(await confirmationLink());
    expect((await t.api('GET', `/v1/outbox/${confirmRow.id}/eml`, { key })).json.code).toBe('outbox.not_exportable');
    expect((await t.api('GET', `/v1/outbox/${messages[0].id}/eml`, { key })).json.code).toBe('outbox.not_exportable');
  });

  it('when a week has passed without a confirmation, then one more confirmation may go', async () => {
    const { key } = await attackerWorkspace(WORKSPACE_NAME, true);
    await queue(key, { seriesKey: 'phish' });
    t.clock.now += CONFIRMATION_PERIOD_MS + 60_000;
    expect((await queue(key, { seriesKey: 'phish-2' })).json.queued[0]).toMatchObject({ status: 'held', confirmationQueued: true });
  });

  it('when the address confirms through the link (POST), then the held suggestion is delivered inside its working hours', async () => {
    const { key } = await attackerWorkspace();
    await queue(key, { seriesKey: 'phish' });
    await runJobs(MONDAY_0930_LONDON);
    const path = await confirmationLink();

    // Mail scanners GET the link: that shows a page and changes nothing.
    t.clock.now = Date.parse('2026-11-30T19:00:00Z'); // Monday evening in London
    for (let i = 0; i < 2; i++) {
      const page = await t.app.request(path);
      expect(page.status).toBe(200);
      const html = await page.text();
      expect(html).toContain('Yes, send me these emails');
      expect(html).toContain("Don&#39;t send me these");
    }
    expect(await t.deps.repos.mailAddresses.isVerified(VICTIM)).toBe(false);

    const done = await t.app.request(path, { method: 'POST' });
    expect(done.status).toBe(200);
    expect(await t.deps.repos.mailAddresses.get(VICTIM)).toMatchObject({ verifiedBy: 'link' });
    const [released] = (await t.api('GET', '/v1/outbox?status=queued', { key })).json.messages;
    const nextMorning = Date.parse('2026-12-01T09:30:00Z');
    expect(released).toMatchObject({ status: 'queued', heldReason: null, deliverAfter: nextMorning });

    // Nothing is sent in the evening; it goes the next morning.
    await runJobs(t.clock.now + 60_000);
    expect(toVictim()).toHaveLength(1);
    t.clock.now = nextMorning;
    await runJobs(nextMorning);
    expect(toVictim()).toHaveLength(2);
    const suggestion = await parse(toVictim()[1]!.raw);
    expect(suggestion.subject).toContain('Weekly status');
    expect(suggestion.date!.getTime()).toBe(nextMorning);

    const again = await t.app.request(path, { method: 'POST' });
    expect(again.status).toBe(410);
  });

  it('when the address declines, then it is opted out, the held suggestion is cancelled and nothing more is sent', async () => {
    const { key, workspaceId } = await attackerWorkspace();
    await queue(key, { seriesKey: 'phish' });
    await runJobs(MONDAY_0930_LONDON);
    const path = await confirmationLink();
    const res = await t.app.request(`${path}/decline`, { method: 'POST' });
    expect(res.status).toBe(200);
    expect(await t.deps.repos.flags.isOptedOut(workspaceId, VICTIM)).toBe(true);
    expect(await t.deps.repos.mailAddresses.isVerified(VICTIM)).toBe(false);
    const [held] = (await t.api('GET', '/v1/outbox', { key })).json.messages.filter((m: any) => m.kind === 'suggestion');
    expect(held).toMatchObject({ status: 'cancelled', lastError: 'recipient declined these emails' });
    expect((await t.app.request(path, { method: 'POST' })).status).toBe(410);
    await runHourly(MONDAY_0930_LONDON, 2);
    expect(toVictim()).toHaveLength(1);
  });

  it('when a confirmation link is forged or expired, then it is refused with a page and changes nothing', async () => {
    const { key } = await attackerWorkspace();
    await queue(key, { seriesKey: 'phish' });
    await runJobs(MONDAY_0930_LONDON);
    const path = await confirmationLink();
    for (const bad of ['/v1/mail/confirm/0000000000000000000000000000000000000000', '/v1/mail/confirm/not-a-token']) {
      expect((await t.app.request(bad, { method: 'POST' })).status).toBe(404);
    }
    t.clock.now = MONDAY_0930_LONDON + 7 * 86_400_000 + 1;
    expect((await t.app.request(path)).status).toBe(410);
    expect((await t.app.request(path, { method: 'POST' })).status).toBe(410);
    expect(await t.deps.repos.mailAddresses.isVerified(VICTIM)).toBe(false);
    expect((await t.api('GET', '/v1/outbox?status=held', { key })).json.messages).toHaveLength(1);
  });

  it('when an address loses its verification before delivery, then the send-time check holds the message', async () => {
    const { key } = await attackerWorkspace();
    await t.deps.repos.mailAddresses.markVerified(VICTIM, 'google', t.clock.now);
    expect((await queue(key, { seriesKey: 'phish' })).json.queued[0]).toMatchObject({ status: 'queued', heldReason: null, confirmationQueued: false });
    await t.deps.repos.mailAddresses.delete(VICTIM);
    await runJobs(MONDAY_0930_LONDON);
    expect(smtp.received).toHaveLength(0);
    const [m] = (await t.api('GET', '/v1/outbox', { key })).json.messages;
    expect(m).toMatchObject({ status: 'held', heldReason: `waiting for ${VICTIM} to confirm they want these emails` });
  });
});

describe('signed action links', () => {
  async function deliveredSuggestion() {
    const { key, workspaceId } = await attackerWorkspace('Acme');
    await t.deps.repos.mailAddresses.markVerified(VICTIM, 'google', t.clock.now);
    await queue(key, { seriesKey: 'phish' });
    t.clock.now = MONDAY_0930_LONDON;
    await runJobs(MONDAY_0930_LONDON);
    const parsed = await parse(toVictim()[0]!.raw);
    const links = [...(parsed.text ?? '').matchAll(/https?:\/\/\S+\/v1\/mail\/action\?t=[A-Za-z0-9._%-]+/g)].map((m) => new URL(m[0]));
    expect(links).toHaveLength(3);
    return { key, workspaceId, links, parsed };
  }

  it('when the outbox API shows a sent message, then its links are placeholders, not the live tokens that went out', async () => {
    const { key, links } = await deliveredSuggestion();
    const [m] = (await t.api('GET', '/v1/outbox', { key })).json.messages;
    const detail = await t.api('GET', `/v1/outbox/${m.id}`, { key });
    for (const link of links) {
      const token = link.searchParams.get('t')!;
      expect(detail.text).not.toContain(token);
      expect(detail.text).not.toContain(encodeURIComponent(token));
    }
    expect(detail.json.text).toContain('/v1/mail/action?t={{link:keep}}');
    expect(detail.json.html).toContain('/v1/mail/action?t={{link:opt-out}}');
  });

  it('when an admin exports a message as .eml, then it has live links and the export is in the audit log', async () => {
    const { key, workspaceId } = await deliveredSuggestion();
    const [m] = (await t.api('GET', '/v1/outbox', { key })).json.messages;
    const eml = await t.api('GET', `/v1/outbox/${m.id}/eml`, { key });
    expect(eml.status).toBe(200);
    const parsed = await parse(eml.text);
    expect(parsed.text).toMatch(/\/v1\/mail\/action\?t=[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/);
    expect(parsed.text).not.toContain('{{link:');
    const [entry] = await t.deps.repos.auditLog.list(workspaceId, { limit: 10 });
    expect(entry).toMatchObject({ action: 'outbox.export', target: m.id });
  });

  it('when a link is used within 30 days, then it acts; after 30 days it is refused with a 410 page and nothing changes', async () => {
    const { workspaceId, links } = await deliveredSuggestion();
    const optOut = links[2]!;
    const path = optOut.pathname + optOut.search;
    t.clock.now = MONDAY_0930_LONDON + LINK_TTL_MS + 60_000;
    const expired = await t.app.request(path, { method: 'POST' });
    expect(expired.status).toBe(410);
    expect(await expired.text()).toContain('expired');
    expect((await t.app.request(path)).status).toBe(410);
    expect(await t.deps.repos.flags.isOptedOut(workspaceId, VICTIM)).toBe(false);

    t.clock.now = MONDAY_0930_LONDON + LINK_TTL_MS - 60_000;
    expect((await t.app.request(path, { method: 'POST' })).status).toBe(200);
    expect(await t.deps.repos.flags.isOptedOut(workspaceId, VICTIM)).toBe(true);
  });

  it('when a link was signed before links carried an issue time, then it counts as expired', async () => {
    const { workspaceId, links } = await deliveredSuggestion();
    const token = links[2]!.searchParams.get('t')!;
    const payload = JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString());
    delete payload.t;
    const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
    const legacy = `${body}.${await t.deps.vault.sign(`link:${body}`)}`;
    const res = await t.app.request(`/v1/mail/action?t=${encodeURIComponent(legacy)}`, { method: 'POST' });
    expect(res.status).toBe(410);
    expect(await t.deps.repos.flags.isOptedOut(workspaceId, VICTIM)).toBe(false);
  });
});
