/**
 * The dashboard in a real browser: Debian's Chromium driven by playwright-core against the
 * real server process, on a temporary database holding the examples/ team (`unmeet demo`).
 * Screenshots of each panel land in tests/e2e/__screenshots__/ (git-ignored) for people to look at.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { E2E_ADMIN_TOKEN } from './process';

const CHROMIUM = '/usr/bin/chromium';
const SHOTS = join(import.meta.dirname, '__screenshots__');
const FROM = '2026-11-02';
const TO = '2026-11-30';
const HOSTILE = '<img src=x onerror=alert(1)><script>alert(2)</script> Weekly status';

const dir = mkdtempSync(join(tmpdir(), 'unmeet-dash-e2e-'));
const env = { ...process.env, UNMEET_DB: join(dir, 'unmeet.db'), UNMEET_LOG_LEVEL: 'warn', UNMEET_SECRET: 'e2e-dashboard-secret-e2e-dashboard-secret', UNMEET_ADMIN_TOKEN: E2E_ADMIN_TOKEN };

let server: ChildProcess | undefined;
let context: BrowserContext | undefined;
let base = '';
let apiKey = '';
const problems: string[] = [];

async function api<T = any>(path: string, init: { method?: string; key?: string; json?: unknown; body?: string; type?: string } = {}): Promise<{ status: number; body: T }> {
  const headers: Record<string, string> = { authorization: `Bearer ${init.key ?? apiKey}` };
  if (init.json !== undefined) headers['content-type'] = 'application/json';
  if (init.type) headers['content-type'] = init.type;
  const res = await fetch(`${base}${path}`, { method: init.method ?? 'GET', headers, body: init.json !== undefined ? JSON.stringify(init.json) : init.body });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
}

function hostileIcs(organizer: string) {
  const attendees = ['p1', 'p2', 'p3', 'p4', 'p5'].map((p) => `ATTENDEE;PARTSTAT=ACCEPTED:mailto:${p}@example.com`);
  return ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//e2e//EN', 'BEGIN:VEVENT', 'UID:hostile@e2e.test', 'DTSTAMP:20261001T000000Z',
    'DTSTART:20261005T170000Z', 'DTEND:20261005T180000Z', 'RRULE:FREQ=WEEKLY;BYDAY=MO', `SUMMARY:${HOSTILE}`, `ORGANIZER:mailto:${organizer}`,
    `ATTENDEE;PARTSTAT=ACCEPTED:mailto:${organizer}`, ...attendees, 'END:VEVENT', 'END:VCALENDAR', ''].join('\r\n');
}

function watch(page: Page): Page {
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()} (${page.url()})`);
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('dialog', (d) => void d.accept());
  return page;
}

async function newPage(width = 1280, height = 900): Promise<Page> {
  const page = watch(await context!.newPage());
  await page.setViewportSize({ width, height });
  return page;
}

const shot = (page: Page, name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  const demo = await promisify(execFile)(process.execPath, ['bin/unmeet.js', 'demo'], { env });
  apiKey = /API key \(shown once\): (\S+)/.exec(demo.stdout)![1]!;

  server = spawn(process.execPath, ['bin/unmeet.js', 'serve'], { env: { ...env, PORT: '0', HOST: '127.0.0.1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  base = await new Promise<string>((resolve, reject) => {
    let out = '';
    server!.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match) resolve(match[1]!);
    });
    server!.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    server!.once('exit', (code) => reject(new Error(`server exited with ${code}: ${out}`)));
  });

  // A calendar title is attacker-controlled: give one member a hostile one.
  const { body: members } = await api<{ members: Array<{ id: string; email: string }> }>('/v1/members');
  const sam = members.members.find((m) => m.email === 'sam@example.com')!;
  expect((await api(`/v1/connections/ics?memberId=${sam.id}&name=hostile.ics`, { method: 'POST', body: hostileIcs('sam@example.com'), type: 'text/calendar' })).status).toBe(201);

  context = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'unmeet-chromium-')), {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
    locale: 'en-US',
    viewport: { width: 1280, height: 900 },
  });
  const page = await newPage();
  await page.goto(`${base}/sign-in`);
  await page.getByLabel('Workspace API key').fill(apiKey);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${base}/`);
  await page.close();
}, 90_000);

afterAll(async () => {
  await context?.close();
  if (server && server.exitCode === null) {
    const exited = new Promise((done) => server!.once('exit', done));
    server.kill('SIGTERM');
    await exited;
  }
  rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!existsSync(CHROMIUM))('the dashboard in Chromium', () => {
  it('when signed in, then the session cookie is HttpOnly, SameSite=Strict, not Secure on http, and holds no key', async () => {
    const cookies = await context!.cookies(base);
    const session = cookies.find((c) => c.name === 'um_session')!;
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Strict', secure: false });
    expect(session.value).not.toContain(apiKey.slice(3));
    expect(cookies.some((c) => c.value.includes(apiKey))).toBe(false);
  });

  it('when the overview opens, then every member has bars and the numbers match the audit API', async () => {
    const page = await newPage();
    await page.goto(`${base}/?from=${FROM}&weeks=4`);
    expect(await page.locator('h1').textContent()).toBe('Meeting load per person and week');
    expect(await page.locator('svg.bars rect').count()).toBeGreaterThan(7 * 4);
    expect(await page.locator('svg.bars title').first().textContent()).toBe('Meeting load per person and week');

    const { body: week } = await api<{ members: Array<{ email: string; metrics: { meetingHours: number; focusHours: number } }>; team: { metrics: { meetingHours: number } } }>(
      `/v1/audit?from=${FROM}&to=2026-11-09`,
    );
    for (const m of week.members) {
      const row = page.locator(`tr[data-member="${m.email}"][data-week="${FROM}"]`);
      expect(Number(await row.locator('[data-key=meetingHours]').textContent())).toBe(m.metrics.meetingHours);
      expect(Number(await row.locator('[data-key=focusHours]').textContent())).toBe(m.metrics.focusHours);
    }
    const { body: last } = await api<{ team: { metrics: { meetingHours: number } } }>(`/v1/audit?from=2026-11-23&to=${TO}`);
    const teamValue = await page.locator('[data-testid=team-stats] .stat-value').first().textContent();
    expect(teamValue).toBe(`${last.team.metrics.meetingHours.toFixed(1)} h`);
    await shot(page, 'overview');
    await page.close();
  });

  it('when the heat map opens, then each member has a 7 × 24 grid with working hours outlined', async () => {
    const page = await newPage();
    await page.goto(`${base}/heatmap?from=${FROM}&weeks=4`);
    const figures = page.locator('figure.heatmap');
    expect(await figures.count()).toBe(7);
    const ayu = page.locator('figure[data-member="ayu@example.com"]');
    expect(await ayu.locator('rect[class^=heat-]').count()).toBe(168);
    expect(await ayu.locator('rect.working').count()).toBe(5);
    expect(await ayu.locator('rect.heat-1, rect.heat-2, rect.heat-3, rect.heat-4, rect.heat-5').count()).toBeGreaterThan(3);
    expect(await ayu.locator('svg title').first().textContent()).toContain('Ayu Lestari (Asia/Jakarta)');
    await shot(page, 'heatmap');
    await page.close();
  });

  it('when the flags table is sorted, then the rows follow the chosen column; a hostile title is text', async () => {
    const page = await newPage();
    await page.goto(`${base}/flags?from=${FROM}&to=${TO}`);
    const scores = async () => (await page.locator('td[data-key=score]').allTextContents()).map(Number);
    const { body: flags } = await api<{ series: Array<{ score: number; title: string }> }>(`/v1/flags?from=${FROM}&to=${TO}&includeDecided=true`);
    expect((await scores()).sort((a, b) => b - a)).toEqual(flags.series.map((s) => s.score).sort((a, b) => b - a));
    expect(await scores()).toEqual([...(await scores())].sort((a, b) => b - a)); // score, high first

    await page.getByRole('link', { name: 'Sort by Score' }).click();
    await page.waitForURL(/sort=score&dir=asc/);
    expect(await scores()).toEqual([...(await scores())].sort((a, b) => a - b));
    expect(await page.locator('th[aria-sort=ascending]').textContent()).toContain('Score');

    await page.getByRole('link', { name: 'Sort by Cost per year' }).click();
    await page.waitForURL(/sort=cost&dir=desc/);
    const costs = (await page.locator('td[data-key=cost]').evaluateAll((cells) => cells.map((c) => Number(c.getAttribute('data-value')))));
    expect(costs).toEqual([...costs].sort((a, b) => b - a));

    const hostile = page.locator('tr[data-series="hostile@e2e.test"] .title');
    expect(await hostile.textContent()).toBe(HOSTILE);
    expect(await page.locator('img[src=x]').count()).toBe(0);
    await shot(page, 'flags');
    await page.close();
  });

  it('when a suggestion is previewed, then the email opens with its subject and body', async () => {
    const page = await newPage();
    await page.goto(`${base}/flags?from=${FROM}&to=${TO}`);
    await page.locator('tr[data-series]:not([data-series="hostile@e2e.test"])').getByRole('link', { name: 'Preview email' }).first().click();
    await page.waitForURL(/\/flags\/preview/);
    expect((await page.getByTestId('preview-subject').textContent())!.length).toBeGreaterThan(5);
    expect((await page.getByTestId('preview-body').textContent())!.length).toBeGreaterThan(100);
    await shot(page, 'preview');
    await page.close();
  });

  it('when the rotation form is submitted, then a grid of occurrences × participants and the ledger appear', async () => {
    const page = await newPage();
    await page.goto(`${base}/rotation`);
    await page.getByLabel('Meeting title').fill('Platform sync');
    await page.getByLabel('Occurrences').fill('6');
    await page.getByLabel('First date').fill('2027-01-04');
    await page.getByLabel('Budi Santoso').uncheck();
    await page.getByRole('button', { name: 'Preview rotation' }).click();
    await page.waitForURL(/\/rotation\/rot_/);
    const grid = page.getByTestId('rotation-grid');
    expect(await grid.locator('tbody tr').count()).toBe(6);
    expect(await grid.locator('thead th').count()).toBe(1 + 6);
    expect(await grid.locator('td.pain-cell').count()).toBe(36);
    expect(await page.locator('svg.ledger rect').count()).toBeGreaterThan(0);
    await shot(page, 'rotation');
    await page.getByRole('button', { name: 'Commit to the burden ledger' }).click();
    await page.waitForURL(/ok=committed/);
    expect(await page.getByText('Committed', { exact: true }).count()).toBe(1);
    const { body: ledger } = await api<{ people: unknown[] }>('/v1/rotations/ledger');
    expect(ledger.people).toHaveLength(6);
    await page.close();
  });

  it('when the connections and focus panels open, then they show each member’s calendars and degrade gracefully', async () => {
    const page = await newPage();
    await page.goto(`${base}/connections`);
    expect(await page.locator('section.member-connections').count()).toBe(7);
    expect(await page.locator('.badge.status-ok').count()).toBe(8);
    expect(await page.getByRole('button', { name: 'Connect Google Calendar' }).first().isDisabled()).toBe(true); // no Google app configured
    expect(await page.getByRole('button', { name: 'Connect Outlook' }).first().isDisabled()).toBe(true);
    await shot(page, 'connections');
    await page.goto(`${base}/focus`);
    expect(await page.locator('h1').textContent()).toBe('Focus time');
    expect(await page.locator('section[data-member]').count()).toBe(7);
    await shot(page, 'focus');
    const ayu = page.locator('section[data-member="ayu@example.com"]');
    const toggle = ayu.locator('form[action="/focus/enable"] button');
    const before = await toggle.textContent();
    await toggle.click();
    await page.getByRole('status').filter({ hasText: 'Focus protection is on for Ayu' }).waitFor();
    expect(await page.locator('section[data-member="ayu@example.com"] form[action="/focus/enable"] button').textContent()).not.toBe(before);
    await page.getByLabel('I have checked these blocks: put them in the calendars').check();
    await page.getByRole('button', { name: 'Apply focus blocks' }).click();
    // The real outcome, per member: Ayu's calendars are ICS feeds, so nothing could be written.
    const outcome = page.getByTestId('focus-outcome');
    await outcome.waitFor();
    expect(await outcome.locator('li[data-status="no_calendar"]').first().textContent()).toContain('no Google or Outlook calendar: nothing written');
    await page.close();
  });

  it('when navigating by keyboard, then the skip link comes first and the nav links are reachable and work', async () => {
    const page = await newPage();
    await page.goto(`${base}/?from=${FROM}&weeks=4`);
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
    let found = false;
    for (let i = 0; i < 10 && !found; i++) {
      await page.keyboard.press('Tab');
      found = (await page.evaluate(() => document.activeElement?.textContent)) === 'Heat map';
    }
    expect(found).toBe(true);
    await page.keyboard.press('Enter');
    await page.waitForURL(`${base}/heatmap`);
    expect(await page.locator('nav a[aria-current=page]').textContent()).toBe('Heat map');
    await page.close();
  });

  it('when the page is phone-sized, then nothing overflows the viewport and the charts still render', async () => {
    const page = await newPage(390, 844);
    const rotation = JSON.parse(readFileSync('examples/rotation.json', 'utf8'));
    const { body: preview } = await api<{ id: string }>('/v1/rotations', { method: 'POST', json: rotation });
    const result = `/rotation/${preview.id}`;
    // The Indonesian visit sets the language cookie; the last visit sets English back for later tests.
    for (const path of [`/?from=${FROM}&weeks=4`, '/heatmap', `/flags?from=${FROM}&to=${TO}`, '/rotation', `${result}?lang=id`, `${result}?lang=en`, '/connections']) {
      await page.goto(`${base}${path}`);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow, path).toBeLessThanOrEqual(0);
    }
    await page.goto(`${base}/?from=${FROM}&weeks=4`);
    expect(await page.locator('svg.bars').isVisible()).toBe(true);
    await shot(page, 'overview-phone');
    await page.close();
  });

  it('when a form is posted without its CSRF token, then the server refuses it', async () => {
    const page = await newPage();
    await page.goto(`${base}/flags?from=${FROM}&to=${TO}`);
    const status = await page.evaluate(async () => {
      const body = new URLSearchParams({ seriesKey: 'hostile@e2e.test', decision: 'converted' });
      return (await fetch('/flags/decide', { method: 'POST', body })).status;
    });
    expect(status).toBe(403);
    problems.splice(0, problems.length, ...problems.filter((p) => !p.includes('403'))); // the refusal itself is logged by the browser
    await page.close();
  });

  it('when another workspace’s ids are used, then the dashboard answers 404', async () => {
    const created = await fetch(`${base}/v1/workspaces`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${E2E_ADMIN_TOKEN}` }, body: JSON.stringify({ name: 'Other' }) });
    const other = ((await created.json()) as { apiKey: string }).apiKey;
    const { body: rotation } = await api<{ id: string }>('/v1/rotations', {
      method: 'POST',
      key: other,
      json: { title: 'x', durationMinutes: 30, occurrences: 2, startDate: '2027-01-04', participants: [{ email: 'x@other.test', timeZone: 'UTC' }] },
    });
    const page = await newPage();
    const res = await page.goto(`${base}/rotation/${rotation.id}`);
    expect(res!.status()).toBe(404);
    expect(await page.locator('h1').textContent()).toBe('Not found');
    problems.splice(0, problems.length, ...problems.filter((p) => !p.includes('404'))); // the expected 404 itself
    await page.close();
  });

  it('when everything has been clicked through, then the browser logged no errors', () => {
    expect(problems).toEqual([]);
  });
});
