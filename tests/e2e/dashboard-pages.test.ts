/**
 * Every dashboard page in a real browser (Debian's Chromium, playwright-core) at 1280×900 and
 * 390×844, in English and Indonesian, for the three ways in: an owner (a person, so every
 * section), a member (My week) and nobody signed in (sign-in pages and the HTML 404). The data
 * is the examples/ team with several people sharing, flags, a solved rotation and outbox
 * messages sent, failed, waiting and held. Each page must not scroll sideways, pass axe-core
 * with 0 violations, show no SVG text rendered below 11 px, and (in Indonesian) no English flag
 * reason. Findings are collected per pass so one run lists all of them. One browser; one page
 * per pass, reused. Screenshots land in tests/e2e/__screenshots__/pages-* (git-ignored).
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { createRequire } from 'node:module';
import { serve } from '@hono/node-server';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTeamFile, resolveFrom, toMember } from '../../src/cli/team-file';
import { SESSION_COOKIE } from '../../src/http/middleware/session';
import { createLinkSigner } from '../../src/providers/mail/signed-links';
import { createSmtpTransport } from '../../src/providers/mail/smtp.transport';
import { createTokenVault } from '../../src/providers/token-vault';
import type { Deps } from '../../src/services/deps';
import { deliverDueMessages } from '../../src/services/outbox-delivery';
import { connectIcs } from '../../src/services/sync';
import { createWorkspace } from '../../src/services/workspaces';
import { createTestApp } from '../helpers/app';
import { dashboardBrowser } from '../helpers/dashboard-browser';
import { addPerson, signIn } from '../helpers/people';
import { startSmtp, type TestSmtp } from '../helpers/smtp';

const CHROMIUM = '/usr/bin/chromium';
const SHOTS = join(import.meta.dirname, '__screenshots__');
const RANGE = { from: '2026-11-02', to: '2026-11-30' };
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const WIDTHS = [
  [1280, 900],
  [390, 844],
] as const;
const LANGS = ['en', 'id'] as const;

type T = Awaited<ReturnType<typeof createTestApp>>;
let t: T;
let smtp: TestSmtp;
let browser: Browser;
let close: () => Promise<void>;
let base = '';
let apiKey = '';
let rotationId = '';
let previewSeries = '';
const sessions = { owner: '', member: '' };
/** The English sentences of every flag reason in the data, as the API and the English page phrase them. */
let englishReasons: string[] = [];

async function seed() {
  const team = await readTeamFile(resolve('examples/team.json'));
  const created = await createWorkspace(t.deps, team.workspace);
  apiKey = created.apiKey;
  const ws = created.workspace.id;
  const members = [];
  for (const m of team.members) {
    const member = await t.deps.repos.members.create(ws, toMember(m), t.clock.now);
    members.push(member);
    for (const cal of m.calendars) if ('ics' in cal) await connectIcs(t.deps, ws, member.id, { body: readFileSync(resolveFrom(resolve('examples/team.json'), cal.ics), 'utf8'), name: cal.ics });
  }
  // People behind four members (an owner, then members), all sharing; the other members are
  // operator-imported calendars without a person. Nobody is unnamed, so the team totals show too.
  const roles = ['owner', 'member', 'member', 'member'] as const;
  for (const [i, member] of members.slice(0, roles.length).entries()) {
    const person = await addPerson(t.deps, ws, roles[i]!, { email: member.email, name: member.name, memberId: member.id });
    await t.deps.repos.people.setShare(ws, person.personId, true);
    if (i === 0) sessions.owner = (await signIn(t.deps, ws, person.personId)).token;
    if (i === 1) sessions.member = (await signIn(t.deps, ws, person.personId)).token;
  }

  const rotation = JSON.parse(readFileSync('examples/rotation.json', 'utf8'));
  rotationId = (await t.api('POST', '/v1/rotations', { key: apiKey, json: rotation })).json.id;
  // A committed one too, so the workspace's burden ledger on /rotation has bars.
  const committed = (await t.api('POST', '/v1/rotations', { key: apiKey, json: rotation })).json.id;
  expect((await t.api('POST', `/v1/rotations/${committed}/commit`, { key: apiKey })).status).toBeLessThan(300);

  const flags = (await t.api('GET', `/v1/flags?from=${RANGE.from}&to=${RANGE.to}&includeDecided=true`, { key: apiKey })).json;
  englishReasons = [...new Set<string>(flags.series.flatMap((s: any) => s.reasons.map((r: any) => String(r.detail))))];
  // Outbox: one message sent, one failed, one waiting for working hours, one held for confirmation.
  const flagged = flags.series.filter((s: any) => s.verdict !== 'keep' && s.organizer);
  const byOrganizer = [...new Map<string, any>(flagged.map((s: any) => [s.organizer, s])).values()].slice(0, 4);
  previewSeries = byOrganizer[0].seriesKey;
  for (const s of byOrganizer.slice(0, 3)) await t.deps.repos.mailAddresses.markVerified(s.organizer, 'link', t.clock.now);
  const b = dashboardBrowser(t.app);
  await b.signIn(apiKey);
  const rows = [];
  for (const s of byOrganizer) {
    const page = await b.request('GET', `/flags?from=${RANGE.from}&to=${RANGE.to}`);
    expect((await b.request('POST', '/flags/queue', { _csrf: b.csrfOf(page.text), seriesKey: s.seriesKey, ...RANGE })).status).toBe(303);
    rows.push((await t.deps.repos.outbox.list(ws, { limit: 100 })).find((r) => r.suggestionId && r.recipient === s.organizer)!);
  }
  await deliverDueMessages(t.deps, ws, rows[0]!.deliverAfter);
  smtp.reject = 550;
  await deliverDueMessages(t.deps, ws, Math.max(rows[0]!.deliverAfter, rows[1]!.deliverAfter));
  smtp.reject = null;
  expect(byOrganizer.length).toBeGreaterThanOrEqual(3);
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  smtp = await startSmtp();
  const links = createLinkSigner(await createTokenVault('test-secret-test-secret-test-secret!'));
  const mail: NonNullable<Deps['mail']> = { transport: createSmtpTransport(smtp.url), from: { email: 'unmeet@unmeet.test', name: 'unmeet' }, links };
  t = await createTestApp({ mail });
  await seed();
  const server = serve({ fetch: t.app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((done) => server.once('listening', () => done()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = () => new Promise<void>((done) => server.close(() => done()));
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await close?.();
  t?.close();
  await smtp?.close();
});

type Who = 'owner' | 'member' | 'visitor';

async function contextFor(who: Who, width: number, height: number): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width, height }, locale: 'en-US' });
  if (who !== 'visitor') await context.addCookies([{ name: SESSION_COOKIE, value: sessions[who], url: base }]);
  return context;
}

/** The owner's session in a fresh phone-sized context, for the action flows. */
async function ownerOnPhone() {
  const context = await contextFor('owner', 390, 844);
  return { context, page: await context.newPage() };
}

const withLang = (path: string, lang: string) => `${path}${path.includes('?') ? '&' : '?'}lang=${lang}`;

/** The pages a session offers in its navigation, and the ones reached from them. */
async function pagesOf(page: Page, who: Who): Promise<string[]> {
  if (who === 'visitor') return ['/sign-in', '/sign-in?expired=1', '/sign-in?sent=1', '/auth/email/sent', '/no-such-page'];
  await page.goto(`${base}/me`);
  const nav = await page.locator('nav a').evaluateAll((links) => links.map((a) => a.getAttribute('href')!));
  const more = ['/me/connections', '/no-such-page'];
  if (nav.includes('/rotation')) more.push(`/rotation/${rotationId}`);
  if (nav.includes('/flags')) more.push(`/flags/preview?series=${encodeURIComponent(previewSeries)}&from=${RANGE.from}&to=${RANGE.to}`);
  return [...nav.map((p) => (p === '/flags' ? `/flags?from=${RANGE.from}&to=${RANGE.to}` : p)), ...more];
}

/** What is wrong with the page as shown: sideways scroll, axe violations, tiny SVG text, English reasons in Indonesian. */
async function findingsOn(page: Page, lang: string): Promise<string[]> {
  const found: string[] = [];
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  if (overflow > 0) {
    const wide = await page.evaluate(() =>
      [...document.querySelectorAll('main *')]
        .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1 && !e.closest('.scroll, [data-scroll]'))
        .slice(0, 3)
        .map((e) => `${e.tagName.toLowerCase()}.${[...e.classList].join('.')}`),
    );
    found.push(`scrolls sideways by ${overflow} px (${wide.join(', ')})`);
  }
  // The size as drawn: an SVG scaled into a narrower box shrinks its text with it.
  const tiny = await page.evaluate(() =>
    [...document.querySelectorAll('svg text')]
      .map((el) => {
        const ctm = (el as SVGGraphicsElement).getScreenCTM();
        const scale = ctm ? Math.hypot(ctm.a, ctm.b) : 1;
        return { text: el.textContent ?? '', px: parseFloat(getComputedStyle(el).fontSize) * scale };
      })
      .filter((x) => x.px < 11 - 0.01),
  );
  if (tiny.length > 0) found.push(`${tiny.length} SVG texts below 11 px, e.g. "${tiny[0]!.text}" at ${tiny[0]!.px.toFixed(1)} px`);
  if (lang === 'id') {
    // Text marked as another language (an email previewed in its recipient's language) is not the page's.
    const text = await page.evaluate(() => {
      const copy = document.body.cloneNode(true) as HTMLElement;
      for (const other of copy.querySelectorAll('[lang]:not([lang="id"])')) other.remove();
      return copy.textContent ?? '';
    });
    const english = englishReasons.filter((r) => text.includes(r.replace(/ \(×[0-9.]+\)$/, '')));
    if (english.length > 0) found.push(`English flag reasons: ${english.slice(0, 2).join(' | ')}`);
  }
  await page.evaluate(AXE);
  const violations = await page.evaluate(async () => {
    const result = await (window as any).axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v: any) => `${v.id} (${v.nodes.length}: ${v.nodes[0]?.target?.join(' ')})`);
  });
  for (const v of violations) found.push(`axe ${v}`);
  return found;
}

const shotName = (who: Who, path: string, lang: string, width: number) =>
  `pages-${who}-${path.split('?')[0]!.replace(/^\/$/, 'overview').replace(/^\//, '').replace(/\/(rot_[^/]+)$/, '-result').replace(/[^a-z0-9]+/gi, '-')}${path.includes('expired') ? '-expired' : path.includes('sent=1') ? '-sent' : ''}-${lang}-${width}.png`;

describe.skipIf(!existsSync(CHROMIUM))('every dashboard page in Chromium', () => {
  for (const who of ['owner', 'member', 'visitor'] as const) {
    for (const [width, height] of WIDTHS) {
      it(`when the ${who}'s pages open at ${width} px in English and Indonesian, then none scrolls sideways, axe finds nothing, SVG text is 11 px or more and Indonesian pages carry no English flag reason`, async () => {
        const context = await contextFor(who, width, height);
        const page = await context.newPage();
        const errors: string[] = [];
        page.on('pageerror', (e) => errors.push(e.message));
        const paths = await pagesOf(page, who);
        const findings: string[] = [];
        for (const lang of LANGS) {
          for (const path of paths) {
            const res = await page.goto(`${base}${withLang(path, lang)}`);
            const expected = path === '/no-such-page' ? 404 : 200;
            if (res?.status() !== expected) findings.push(`${lang} ${path}: status ${res?.status()}`);
            if ((await page.locator('html').getAttribute('lang')) !== lang) findings.push(`${lang} ${path}: html lang is not ${lang}`);
            for (const f of await findingsOn(page, lang)) findings.push(`${lang} ${path}: ${f}`);
            if (width < 760 && path.startsWith('/flags?')) {
              const display = await page.locator('table.flags td').first().evaluate((td) => getComputedStyle(td).display);
              if (display !== 'block') findings.push(`${lang} ${path}: the flags table is not stacked into cards (${display})`);
            }
            if ((await page.getByTestId('language-status').count()) !== 1) findings.push(`${lang} ${path}: the language switch is not announced`);
            await page.screenshot({ path: join(SHOTS, shotName(who, path, lang, width)), fullPage: true });
          }
        }
        await context.close();
        expect(paths.length).toBeGreaterThanOrEqual(who === 'owner' ? 14 : who === 'member' ? 3 : 5);
        expect(findings, findings.join('\n')).toEqual([]);
        expect(errors).toEqual([]);
      }, 240_000);
    }
  }

  it('when My week, the overview and the heat map open in Indonesian, then away hours are listed and each busy hour has a text alternative', async () => {
    const { context, page } = await ownerOnPhone();
    await page.goto(`${base}/me?lang=id`);
    const mine = page.locator('[data-testid=my-numbers] [data-key=awayHours]');
    expect(await mine.locator('dt').textContent()).toBe('Tidak di kantor (cuti, di luar kantor)');
    expect(await mine.locator('dd.value').textContent()).toMatch(/^\d+(,\d)? j$/);
    await page.goto(`${base}/?lang=id`);
    expect(await page.locator('[data-testid=all-metrics] [data-metric=awayHours] dd.value').textContent()).toMatch(/^\d+(,\d)? j$/);
    await page.goto(`${base}/heatmap?lang=id`);
    const busy = page.locator('figure.heatmap rect[role=img]');
    expect(await busy.count()).toBeGreaterThan(0);
    expect(await busy.first().getAttribute('aria-label')).toMatch(/^(Sen|Sel|Rab|Kam|Jum|Sab|Min)\S* \d\d:00: \d[\d.]* mnt$/);
    expect(await page.getByTestId('language-status').textContent()).toBe('Halaman sekarang dalam bahasa Indonesia.');
    await context.close();
  }, 60_000);

  it('when the owner applies focus for a member whose calendars are ICS feeds, then the outcome says nothing was written and why, in both languages', async () => {
    const { context, page } = await ownerOnPhone();
    for (const lang of LANGS) {
      await page.goto(`${base}/focus?lang=${lang}`);
      const ayu = page.locator('section[data-member="ayu@example.com"]');
      // Turn Ayu's protection on (the form offers the opposite of the current state).
      if ((await ayu.locator('form[action="/focus/enable"] input[name=enabled]').getAttribute('value')) === 'true') {
        await ayu.locator('form[action="/focus/enable"] button').click();
        await page.waitForLoadState();
      }
      await page.locator('input[name=confirm]').check();
      await page.locator('form[action="/focus/apply"] button[type=submit]').click();
      const outcome = page.getByTestId('focus-outcome');
      await outcome.waitFor();
      const line = outcome.locator('li[data-status="no_calendar"]').first();
      expect(await line.textContent()).toContain(lang === 'en' ? 'no Google or Outlook calendar: nothing written' : 'tidak ada kalender Google atau Outlook: tidak ada yang ditulis');
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
      await page.screenshot({ path: join(SHOTS, `pages-owner-focus-outcome-${lang}-390.png`), fullPage: true });
    }
    await context.close();
  }, 60_000);

  it('when a key is created and the page reloaded, then the key is shown once and the reload creates nothing', async () => {
    const { context, page } = await ownerOnPhone();
    await page.goto(`${base}/connections?lang=en`);
    const keys = page.locator('[data-testid=api-keys] tbody tr');
    const before = await keys.count();
    await page.locator('#key-label').fill('phone');
    await page.getByRole('button', { name: 'Create a key' }).click();
    await page.getByTestId('new-key').waitFor();
    expect(await keys.count()).toBe(before + 1);
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    await page.reload();
    expect(await keys.count()).toBe(before + 1);
    expect(await page.getByTestId('new-key').count()).toBe(0);
    await context.close();
  }, 60_000);
});
