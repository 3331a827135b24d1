/**
 * The Outbox page: every message the workspace queued, newest first and paged, saying what it
 * waits for and until when (in the recipient's zone), how it was sent, or why it failed; never
 * a link from the mail. Messages come from the real flows (queueing through the dashboard,
 * delivery to a real SMTP peer on 127.0.0.1).
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { chromium } from 'playwright-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLinkSigner } from '../../src/providers/mail/signed-links';
import { createSmtpTransport } from '../../src/providers/mail/smtp.transport';
import { createTokenVault } from '../../src/providers/token-vault';
import { normalizeWorkingHours } from '../../src/domain/working-hours';
import type { Deps } from '../../src/services/deps';
import { deliverDueMessages } from '../../src/services/outbox-delivery';
import { OUTBOX_PAGE_SIZE } from '../../src/services/outbox-page';
import { connectIcs } from '../../src/services/sync';
import { createApiKey, createWorkspace } from '../../src/services/workspaces';
import { createTestApp } from '../helpers/app';
import { dashboardBrowser } from '../helpers/dashboard-browser';
import { startSmtp, type TestSmtp } from '../helpers/smtp';

type T = Awaited<ReturnType<typeof createTestApp>>;

let t: T;
let smtp: TestSmtp;
let apiKey: string;
let workspaceId: string;
const RANGE = { from: '2026-11-02', to: '2026-11-30' };
const MINUTE = 60_000;

/** Weekly one-hour status meetings with six people and no agenda (all flagged), one per organizer. */
function statusIcs(series: Array<{ uid: string; organizer: string; hourUtc: number }>) {
  const people = ['p1', 'p2', 'p3', 'p4', 'p5'].map((p) => `ATTENDEE;PARTSTAT=ACCEPTED:mailto:${p}@example.com`);
  const events = series.flatMap((s) => [
    'BEGIN:VEVENT',
    `UID:${s.uid}`,
    'DTSTAMP:20261001T000000Z',
    `DTSTART:20261005T${String(s.hourUtc).padStart(2, '0')}0000Z`,
    `DTEND:20261005T${String(s.hourUtc + 1).padStart(2, '0')}0000Z`,
    'RRULE:FREQ=WEEKLY;BYDAY=MO',
    `SUMMARY:Weekly status ${s.uid}`,
    `ORGANIZER:mailto:${s.organizer}`,
    `ATTENDEE;PARTSTAT=ACCEPTED:mailto:${s.organizer}`,
    ...people,
    'END:VEVENT',
  ]);
  return ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//test//EN', ...events, 'END:VCALENDAR', ''].join('\r\n');
}

const SERIES = [
  { uid: 'status-ayu@example.com', organizer: 'ayu@example.com', hourUtc: 2 },
  { uid: 'status-budi@example.com', organizer: 'budi@example.com', hourUtc: 4 },
  { uid: 'status-cici@example.com', organizer: 'cici@example.com', hourUtc: 6 },
];

async function setUp(transport: 'smtp' | 'none') {
  smtp = await startSmtp();
  const links = createLinkSigner(await createTokenVault('test-secret-test-secret-test-secret!'));
  const mail: NonNullable<Deps['mail']> = { transport: transport === 'smtp' ? createSmtpTransport(smtp.url) : null, from: { email: 'unmeet@unmeet.test', name: 'unmeet' }, links };
  t = await createTestApp({ mail });
  const created = await createWorkspace(t.deps, { name: 'Acme', hourlyRate: 80 });
  apiKey = created.apiKey;
  workspaceId = created.workspace.id;
  const hours = normalizeWorkingHours(undefined);
  const add = (email: string, name: string, timeZone: string) => t.deps.repos.members.create(workspaceId, { email, name, timeZone, locale: 'en', workingHours: hours }, t.clock.now);
  const ayu = await add('ayu@example.com', 'Ayu', 'Asia/Jakarta');
  await add('budi@example.com', 'Budi', 'America/New_York');
  await add('cici@example.com', 'Cici', 'Europe/Berlin');
  await connectIcs(t.deps, workspaceId, ayu.id, { body: statusIcs(SERIES), name: 'ayu.ics' });
}

/** The page's rows in order: message id, state and the sentence under the state. */
function rowsOf(html: string) {
  return [...html.matchAll(/<tr data-message="([^"]+)" data-state="([^"]+)">(.*?)<\/tr>/gs)].map((m) => ({
    id: m[1]!,
    state: m[2]!,
    detail: /data-testid="outbox-detail">([^<]*)</.exec(m[3]!)?.[1] ?? '',
    html: m[3]!,
  }));
}

async function queueThroughDashboard(b: ReturnType<typeof dashboardBrowser>, seriesKey: string) {
  const page = await b.request('GET', `/flags?from=${RANGE.from}&to=${RANGE.to}`);
  const queued = await b.request('POST', '/flags/queue', { _csrf: b.csrfOf(page.text), seriesKey, ...RANGE });
  expect(queued.status).toBe(303);
  const [row] = (await t.deps.repos.outbox.list(workspaceId, { limit: 100 })).filter((r) => r.suggestionId && r.subject.includes(seriesKey));
  return row!;
}

afterEach(async () => {
  t.close();
  await smtp.close();
});

describe('the outbox page with SMTP', () => {
  beforeEach(() => setUp('smtp'));

  it('when messages wait, are held, sent and fail, then each says so, newest first, with its time in the recipient’s zone and its transport or reason', async () => {
    await t.deps.repos.mailAddresses.markVerified('ayu@example.com', 'link', t.clock.now);
    await t.deps.repos.mailAddresses.markVerified('budi@example.com', 'link', t.clock.now);
    const b = dashboardBrowser(t.app);
    await b.signIn(apiKey);
    const ayu = await queueThroughDashboard(b, 'status-ayu@example.com');
    t.clock.now += MINUTE;
    const budi = await queueThroughDashboard(b, 'status-budi@example.com');
    t.clock.now += MINUTE;
    const cici = await queueThroughDashboard(b, 'status-cici@example.com');

    const before = await b.request('GET', '/outbox');
    expect(before.status).toBe(200);
    expect(before.text).toContain('data-mode="smtp"');
    const rows = rowsOf(before.text);
    // cici's suggestion and her confirmation request (same minute), then budi's, then ayu's.
    expect(rows).toHaveLength(4);
    expect(rows.map((r) => r.id).slice(2)).toEqual([budi.id, ayu.id]);
    const byId = new Map(rows.map((r) => [r.id, r]));
    expect(byId.get(ayu.id)).toMatchObject({ state: 'waiting', detail: expect.stringMatching(/goes out at Mon, Nov 30, 2026, 09:\d\d GMT\+7/) });
    expect(byId.get(budi.id)).toMatchObject({ state: 'waiting', detail: expect.stringMatching(/goes out at Mon, Nov 30, 2026, 09:\d\d EST/) });
    expect(byId.get(cici.id)).toMatchObject({ state: 'held', detail: 'waiting for cici@example.com to confirm they want these emails; nothing is sent until they do' });
    const confirmation = rows.find((r) => r.id !== cici.id && r.html.includes('cici@example.com'));
    expect(confirmation?.html).toContain('Address confirmation');
    expect(before.text).not.toMatch(/\{\{link|\/v1\/mail\/(action|confirm)/);

    await deliverDueMessages(t.deps, workspaceId, ayu.deliverAfter);
    smtp.reject = 550;
    await deliverDueMessages(t.deps, workspaceId, budi.deliverAfter);
    expect(smtp.received.map((m) => m.rcpt)).toContainEqual(['ayu@example.com']);

    const after = new Map(rowsOf((await b.request('GET', '/outbox')).text).map((r) => [r.id, r]));
    expect(after.get(ayu.id)).toMatchObject({ state: 'sent', detail: expect.stringMatching(/^sent Mon, Nov 30, 2026, 09:\d\d GMT\+7 through SMTP$/) });
    expect(after.get(budi.id)?.state).toBe('failed');
    expect(after.get(budi.id)?.detail).toMatch(/^not sent after 1 attempt: .*mailbox unavailable/);
  });

  it('when a send is refused for now, then the message is shown retrying with the reason and the next attempt', async () => {
    await t.deps.repos.mailAddresses.markVerified('ayu@example.com', 'link', t.clock.now);
    const b = dashboardBrowser(t.app);
    await b.signIn(apiKey);
    const ayu = await queueThroughDashboard(b, 'status-ayu@example.com');
    smtp.reject = 451;
    await deliverDueMessages(t.deps, workspaceId, ayu.deliverAfter);
    const [row] = rowsOf((await b.request('GET', '/outbox')).text);
    expect(row?.state).toBe('retrying');
    expect(row?.detail).toMatch(/^the last attempt did not send \(.*try again later.*\); next attempt at Mon, Nov 30, 2026, 09:\d\d GMT\+7$/);
  });

  it('when the page is read in Indonesian, then states, kinds and dates are Indonesian and zone-labelled', async () => {
    await t.deps.repos.mailAddresses.markVerified('ayu@example.com', 'link', t.clock.now);
    const b = dashboardBrowser(t.app, 'id');
    await b.signIn(apiKey);
    await queueThroughDashboard(b, 'status-ayu@example.com');
    const page = await b.request('GET', '/outbox');
    expect(page.text).toContain('<h1>Kotak keluar</h1>');
    const [row] = rowsOf(page.text);
    expect(row?.html).toContain('Menunggu jam kerja');
    expect(row?.html).toContain('Saran');
    expect(row?.detail).toMatch(/^dikirim pada Sen, 30 Nov 2026, 09\.\d\d WIB/);
    expect(page.text).not.toMatch(/Waiting for working hours|Suggestion<|goes out at/);
  });

  it('when there are more messages than a page, then pages go newest to oldest with links both ways', async () => {
    const base = t.clock.now;
    const total = OUTBOX_PAGE_SIZE + 5;
    for (let i = 0; i < total; i++) {
      await t.deps.repos.outbox.enqueueMessage(workspaceId, {
        id: `msg_${String(i).padStart(3, '0')}`,
        suggestionId: null,
        recipient: 'ayu@example.com',
        subject: `Message ${i}`,
        mime: 'x',
        text: 'x',
        html: 'x',
        messageId: `<m${i}@unmeet.test>`,
        deliverAfter: base + 3_600_000,
        createdAt: base + i * MINUTE,
      });
    }
    const b = dashboardBrowser(t.app);
    await b.signIn(apiKey);
    const first = await b.request('GET', '/outbox');
    const firstRows = rowsOf(first.text);
    expect(firstRows).toHaveLength(OUTBOX_PAGE_SIZE);
    expect(firstRows[0]!.id).toBe(`msg_${String(total - 1).padStart(3, '0')}`);
    expect(first.text).toContain('href="/outbox?page=2"');
    expect(first.text).not.toContain('rel="prev"');
    const second = await b.request('GET', '/outbox?page=2');
    expect(rowsOf(second.text).map((r) => r.id)).toEqual(['msg_004', 'msg_003', 'msg_002', 'msg_001', 'msg_000']);
    expect(second.text).toContain('href="/outbox?page=1"');
    expect(second.text).not.toContain('rel="next"');
    expect(rowsOf((await b.request('GET', '/outbox?page=nonsense')).text)[0]!.id).toBe(firstRows[0]!.id);
  });

  it('when a manager opens the outbox, then it is refused and not offered in the navigation', async () => {
    const manager = await createApiKey(t.deps, workspaceId, { label: 'lead', role: 'manager' });
    const b = dashboardBrowser(t.app);
    await b.signIn(manager.apiKey);
    const overview = await b.request('GET', '/team');
    expect(overview.text).not.toContain('href="/outbox"');
    expect((await b.request('GET', '/outbox')).status).toBe(403);
  });
});

describe('the outbox page without a transport', () => {
  beforeEach(() => setUp('none'));

  it('when no mail transport is configured, then a queued suggestion is kept in the outbox and offered as .eml to send by hand', async () => {
    await t.deps.repos.mailAddresses.markVerified('ayu@example.com', 'link', t.clock.now);
    const b = dashboardBrowser(t.app);
    await b.signIn(apiKey);
    const ayu = await queueThroughDashboard(b, 'status-ayu@example.com');
    const page = await b.request('GET', '/outbox');
    expect(page.text).toContain('data-mode="outbox"');
    const [row] = rowsOf(page.text);
    expect(row).toMatchObject({ id: ayu.id, state: 'stuck', detail: 'no mail transport is configured, so it is not sent automatically' });
    const link = /href="(\/v1\/outbox\/[^"]+\/eml)"/.exec(row!.html)?.[1];
    expect(link).toBe(`/v1/outbox/${ayu.id}/eml`);
    const eml = await b.request('GET', link!, undefined, { accept: '*/*' });
    expect([eml.status, eml.type]).toEqual([200, 'message/rfc822']);
  });
});

const CHROMIUM = '/usr/bin/chromium';
const SHOTS = join(import.meta.dirname, '..', 'e2e', '__screenshots__');

describe.skipIf(!existsSync(CHROMIUM))('the outbox page in Chromium', () => {
  beforeEach(() => setUp('smtp'));

  it('when the outbox is shown at 1280 and 390 px wide in English and Indonesian, then nothing scrolls sideways and on the phone each message is a card with its labels', async () => {
    await t.deps.repos.mailAddresses.markVerified('ayu@example.com', 'link', t.clock.now);
    const b = dashboardBrowser(t.app);
    await b.signIn(apiKey);
    for (const s of SERIES) await queueThroughDashboard(b, s.uid);

    const server = serve({ fetch: t.app.fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise<void>((done) => server.once('listening', () => done()));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const profile = mkdtempSync(join(tmpdir(), 'unmeet-outbox-chromium-'));
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
    });
    try {
      await context.addCookies([...b.jar].map(([name, value]) => ({ name, value, url: base })));
      mkdirSync(SHOTS, { recursive: true });
      const page = await context.newPage();
      for (const [width, height] of [[1280, 900], [390, 844]] as const) {
        await page.setViewportSize({ width, height });
        for (const lang of ['en', 'id'] as const) {
          await page.goto(`${base}/outbox?lang=${lang}`);
          expect(await page.locator('tr[data-message]').count()).toBe(5); // ayu's, and budi's and cici's each held with a confirmation request
          const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
          expect(overflow, `${width} px, ${lang}`).toBeLessThanOrEqual(0);
          const cell = page.locator('tr[data-message] td').first();
          const display = await cell.evaluate((td) => getComputedStyle(td).display);
          const label = await cell.evaluate((td) => getComputedStyle(td, '::before').content);
          expect([display, label]).toEqual(width < 760 ? ['block', lang === 'en' ? '"To"' : '"Kepada"'] : ['table-cell', 'none']);
          await page.screenshot({ path: join(SHOTS, `outbox-${lang}-${width}.png`), fullPage: true });
        }
      }
    } finally {
      await context.close();
      await new Promise<void>((done) => server.close(() => done()));
      rmSync(profile, { recursive: true, force: true });
    }
  }, 60_000);
});
