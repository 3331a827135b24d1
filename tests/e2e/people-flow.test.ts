/**
 * People and roles in a real browser: Debian's Chromium (playwright-core) against the real server
 * process on an empty database, with the Google fake as identity provider and calendar. The
 * first start's setup link makes an owner; the owner invites Dana (member) and Mia (manager) on
 * the People page; each accepts by signing in with Google at the fake; Dana connects her calendar
 * at the fake and sees only her own week; Mia's team view merges her one-person group into
 * "others"; a copied cookie stops working after sign-out. Every page is checked at phone width
 * and in Indonesian; screenshots land in tests/e2e/__screenshots__/ (git-ignored).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeGoogle, type FakeGoogle, type FakeGoogleAccount } from '../fakes/google/server';
import { freePort, googleEnv, serverEnv, stopServer } from './process';

const CHROMIUM = '/usr/bin/chromium';
const SHOTS = join(import.meta.dirname, '__screenshots__');
const dir = mkdtempSync(join(tmpdir(), 'unmeet-people-e2e-'));

const account = (email: string, name: string, sub: string): FakeGoogleAccount => ({ sub, email, emailVerified: true, hd: 'acme.test', name, locale: 'en' });
const OWNER = account('olga@acme.test', 'Olga Owner', '100000000000000000001');
const DANA = account('dana@acme.test', 'Dana Member', '100000000000000000002');
const MIA = account('mia@acme.test', 'Mia Manager', '100000000000000000003');

let fake: FakeGoogle;
let server: ChildProcess | undefined;
let browser: Browser | undefined;
let base = '';
let setupUrl = '';
const problems: string[] = [];
const contexts: Record<string, BrowserContext> = {};

/** Monday of the current UTC week (the server runs on the real clock). */
const monday = () => {
  const d = new Date();
  d.setUTCHours(0, 0, 0, 0);
  d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
  return d;
};
const iso = (d: Date) => d.toISOString().slice(0, 10);

async function open(who: string, width = 1280, height = 900): Promise<Page> {
  contexts[who] ??= await browser!.newContext({ locale: 'en-US', viewport: { width, height } });
  const page = await contexts[who]!.newPage();
  await page.setViewportSize({ width, height });
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of 40[34]/.test(m.text())) problems.push(`${who} console: ${m.text()} (${page.url()})`);
  });
  page.on('pageerror', (e) => problems.push(`${who} pageerror: ${e.message}`));
  page.on('dialog', (d) => void d.accept());
  return page;
}

const shot = (page: Page, name: string) => page.screenshot({ path: join(SHOTS, `people-${name}.png`), fullPage: true });

/** No horizontal scroll at the page's width. */
const fits = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);

/** Invites one address with a role on the People page; the one-time link the page shows (nothing is mailed here). */
async function invite(page: Page, email: string, role: string): Promise<string> {
  await page.goto(`${base}/people`);
  await page.getByLabel('Addresses (one, or a pasted list)').fill(email);
  await page.getByLabel('Role', { exact: true }).selectOption(role);
  await page.getByRole('button', { name: 'Send invitations' }).click();
  const link = page.getByTestId('invite-link');
  await link.waitFor();
  return link.inputValue();
}

/** Accepts an invitation in a fresh browser by signing in with Google as `who` at the fake. */
async function accept(who: string, link: string, as: FakeGoogleAccount): Promise<Page> {
  fake.account = as;
  const page = await open(who);
  await page.goto(link);
  await page.getByRole('link', { name: /Google/ }).click();
  await page.waitForURL((url) => url.origin === base && !url.pathname.startsWith('/auth/'), { timeout: 15_000 });
  return page;
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  fake = await startFakeGoogle();
  const port = await freePort();
  const env = serverEnv(port, join(dir, 'unmeet.db'), { ...googleEnv(fake), UNMEET_ALLOW_PRIVATE_URLS: '1' });
  server = spawn(process.execPath, ['bin/unmeet.js', 'serve'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    const read = (chunk: Buffer) => {
      out += chunk.toString();
      setupUrl ||= /(http:\/\/\S+\/auth\/setup\/\S+)/.exec(out)?.[1] ?? '';
      const listening = /listening on (http:\/\/\S+)/.exec(out)?.[1];
      if (listening && setupUrl) {
        base = listening.replace(/\/$/, '');
        resolve();
      }
    };
    server!.stdout!.on('data', read);
    server!.stderr!.on('data', read);
    server!.once('exit', (code) => reject(new Error(`server exited with ${code}: ${out}`)));
  });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
}, 90_000);

afterAll(async () => {
  await browser?.close();
  if (server) await stopServer(server);
  await fake?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!existsSync(CHROMIUM))('people, roles and privacy in Chromium', () => {
  it('when the owner follows the setup link and signs in with Google, then they land on the overview with the People page in the navigation', async () => {
    fake.account = OWNER;
    const page = await open('owner');
    await page.goto(setupUrl);
    await page.locator('#ws-name').fill('Acme');
    await page.getByRole('button', { name: 'Continue with Google' }).click();
    await page.waitForURL(`${base}/`, { timeout: 15_000 });
    expect(await page.locator('header .workspace').textContent()).toBe('Acme');
    expect(await page.locator('header .who').textContent()).toContain('Olga Owner');
    expect(await page.locator('header nav a').allTextContents()).toEqual(['My week', 'Overview', 'Team', 'Heat map', 'Flagged meetings', 'Outbox', 'Focus', 'Fair rotation', 'Connections', 'People']);
  }, 60_000);

  it('when the owner invites Dana and Mia, then each accepts by signing in with Google and lands on their own pages', async () => {
    const owner = await open('owner');
    const danaLink = await invite(owner, 'dana@acme.test', 'member');
    const miaLink = await invite(owner, 'mia@acme.test', 'manager');
    expect(await owner.getByTestId('pending').locator('li').count()).toBe(2);
    await shot(owner, 'people');

    const dana = await accept('dana', danaLink, DANA);
    expect(new URL(dana.url()).pathname).toBe('/me');
    expect(await dana.locator('header nav a').allTextContents()).toEqual(['My week']);
    const mia = await accept('mia', miaLink, MIA);
    expect(new URL(mia.url()).pathname).toBe('/');

    await owner.goto(`${base}/people`);
    expect(await owner.getByTestId('pending').count()).toBe(0);
    expect(await owner.locator('[data-testid=people] li[data-person]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-person')))).toEqual([
      'dana@acme.test',
      'mia@acme.test',
      'olga@acme.test',
    ]);
    expect(await owner.locator('[data-testid=audit-log] tr[data-action="invitation.create"]').count()).toBe(2);
  }, 90_000);

  it('when Dana connects her Google calendar at the fake, then My week shows her own meetings and nobody else’s', async () => {
    const start = monday();
    const at = (days: number, hour: number) => new Date(start.getTime() + days * 86_400_000 + hour * 3_600_000).toISOString();
    fake.put('primary', {
      id: 'planning1',
      status: 'confirmed',
      summary: 'Weekly status planning',
      start: { dateTime: at(1, 10) },
      end: { dateTime: at(1, 11) },
      organizer: { email: 'dana@acme.test', self: true },
      attendees: ['dana', 'olga', 'mia', 'p1', 'p2', 'p3'].map((p) => ({ email: `${p}@acme.test`, responseStatus: 'accepted', ...(p === 'dana' ? { self: true } : {}) })),
    });
    fake.account = DANA;
    const page = await open('dana');
    await page.goto(`${base}/me/connections`);
    await page.getByRole('button', { name: 'Connect Google Calendar' }).click();
    await page.waitForURL((url) => url.pathname.includes('/callback'), { timeout: 15_000 });
    expect(await page.locator('body').textContent()).not.toMatch(/mismatch|refused/i);

    let week = '';
    for (let i = 0; i < 50 && !week.includes('1.0 h'); i++) {
      await page.goto(`${base}/me?from=${iso(start)}`);
      week = (await page.locator('[data-key=meetingHours] .value').textContent().catch(() => '')) ?? '';
      if (!week.includes('1.0 h')) await page.waitForTimeout(300);
    }
    expect(week).toBe('1.0 h');
    const html = await page.content();
    expect(html).toContain('data-member="dana@acme.test"');
    for (const other of ['olga@acme.test', 'mia@acme.test', 'Olga Owner', 'Mia Manager']) expect(html).not.toContain(other);
    expect(await page.getByTestId('my-flags').locator('li').count()).toBe(1);
    // The API agrees: a member's session may not read the workspace audit.
    expect(await page.evaluate(async (from) => (await fetch(`/v1/audit?from=${from}&to=${from}`)).status, iso(start))).toBe(403);
    await shot(page, 'my-week');
  }, 90_000);

  it('when Mia manages a group smaller than the minimum, then her team view merges it into others and names nobody', async () => {
    const owner = await open('owner');
    await owner.goto(`${base}/people`);
    const created = await owner.evaluate(async () => {
      const { people } = (await (await fetch('/v1/people')).json()) as { people: Array<{ personId: string; email: string; memberId: string | null }> };
      const dana = people.find((p) => p.email === 'dana@acme.test')!;
      const mia = people.find((p) => p.email === 'mia@acme.test')!;
      const res = await fetch('/v1/groups', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Platform', memberIds: [dana.memberId], managerIds: [mia.personId] }) });
      return res.status;
    });
    expect(created).toBe(201);

    const mia = await open('mia');
    await mia.goto(`${base}/team?from=${iso(monday())}`);
    expect(await mia.locator('[data-group]').evaluateAll((groups) => groups.map((g) => g.getAttribute('data-group')))).toEqual(['others']);
    expect(await mia.getByTestId('others-suppressed').count()).toBe(1);
    expect(await mia.getByTestId('others-merged').or(mia.getByText('Merged groups: Platform')).count()).toBeGreaterThan(0);
    expect(await mia.content()).not.toContain('Dana');
    await mia.goto(`${base}/?from=${iso(monday())}&weeks=1`);
    expect(await mia.locator('tr[data-member="dana@acme.test"]').count()).toBe(0);
    expect(await mia.getByTestId('unnamed-note').count()).toBe(1);
    await shot(mia, 'team');
  }, 60_000);

  it('when the pages open at 390 px in Indonesian, then nothing overflows sideways', async () => {
    const pages: Array<[string, string]> = [
      ['dana', '/me?lang=id'],
      ['dana', '/me/connections?lang=id'],
      ['mia', '/team?lang=id'],
      ['mia', '/?lang=id'],
      ['owner', '/people?lang=id'],
      ['owner', '/connections?lang=id'],
    ];
    for (const [who, path] of pages) {
      const page = await open(who, 390, 844);
      await page.goto(`${base}${path}`);
      expect(await page.locator('html').getAttribute('lang'), path).toBe('id');
      expect(await fits(page), `${who} ${path}`).toBe(true);
      await shot(page, `phone-id-${who}-${path.split('?')[0]!.replace(/\W+/g, '-')}`);
      await page.close();
    }
    const anonymous = await browser!.newContext({ viewport: { width: 390, height: 844 } });
    const signIn = await anonymous.newPage();
    await signIn.goto(`${base}/sign-in?lang=id`);
    expect(await signIn.getByRole('link', { name: 'Masuk dengan Google' }).count()).toBe(1);
    expect(await fits(signIn)).toBe(true);
    await shot(signIn, 'phone-id-sign-in');
    await anonymous.close();
  }, 90_000);

  it('when Dana signs out, then a copy of her cookie no longer opens anything', async () => {
    const page = await open('dana');
    await page.goto(`${base}/me`);
    const cookie = (await contexts.dana!.cookies(base)).find((c) => c.name === 'um_session')!;
    const copied = { cookie: `um_session=${cookie.value}` };
    expect((await fetch(`${base}/me`, { headers: copied, redirect: 'manual' })).status).toBe(200);
    await page.locator('header form[action="/sign-out"] button').click(); // in Indonesian since ?lang=id above: "Keluar"
    await page.waitForURL(`${base}/sign-in`);
    const after = await fetch(`${base}/me`, { headers: copied, redirect: 'manual' });
    expect(after.status).toBe(303);
    expect(after.headers.get('location')).toBe('/sign-in?expired=1');
    expect((await fetch(`${base}/v1/me`, { headers: copied })).status).toBe(401);
  }, 30_000);

  it('when everything has been clicked through, then the browser logged no errors', () => {
    expect(problems).toEqual([]);
  });
});
