/**
 * The digest's pages in a real browser (Debian's Chromium, playwright-core) against the real
 * server on a temporary database: the "Weekly digest" card on "My week" with the digest on, and
 * the unsubscribe page a mail links to, at 1280 and 390 px, in English and Indonesian. Nothing
 * scrolls sideways, axe-core finds no violation, and the unsubscribe button turns the digest off. Screenshots land in
 * tests/e2e/__screenshots__/ (git-ignored).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config';
import { createRepositories } from '../../src/db/repositories';
import { openSqlite, type SqliteHandle } from '../../src/db/sqlite';
import { startServer } from '../../src/entry/node';
import { SESSION_COOKIE } from '../../src/http/middleware/session';
import { createTokenVault } from '../../src/providers/token-vault';
import { signUnsubscribeToken } from '../../src/services/digest-links';
import { addPerson, signIn } from '../helpers/people';

const SECRET = 'e2e-digest-secret-e2e-digest-secret-e2e';
const ADMIN = 'e2e-digest-admin-token-0123456789';
const SHOTS = join(import.meta.dirname, '__screenshots__');
const dir = mkdtempSync(join(tmpdir(), 'unmeet-digest-e2e-'));
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const ADDRESS = 'ayu.pratiwi.with.a.rather.long.address@engineering.acme.example';

let server: { url: string; stop: () => Promise<void> };
let handle: SqliteHandle;
let browser: Browser;
let session = '';
let token = '';
let ids = { workspaceId: '', personId: '' };

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  server = await startServer(loadConfig({ PORT: '0', HOST: '127.0.0.1', UNMEET_DB: join(dir, 'unmeet.db'), UNMEET_LOG_LEVEL: 'silent', UNMEET_SECRET: SECRET, UNMEET_ADMIN_TOKEN: ADMIN }));
  const call = (path: string, key: string, json: unknown) =>
    fetch(`${server.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(json) }).then((r) => r.json() as Promise<any>);
  const created = await call('/v1/workspaces', ADMIN, { name: 'Acme Engineering' });
  const member = await call('/v1/members', created.apiKey, { email: ADDRESS, name: 'Ayu', timeZone: 'Asia/Jakarta' });

  handle = openSqlite(join(dir, 'unmeet.db'));
  const deps = { repos: createRepositories({ db: handle.db }), clock: () => Date.now() };
  const ayu = await addPerson(deps, created.workspace.id, 'member', { email: ADDRESS, name: 'Ayu', memberId: member.id });
  await deps.repos.people.setDigestOptIn(created.workspace.id, ayu.personId, true);
  ids = { workspaceId: created.workspace.id, personId: ayu.personId };
  session = (await signIn(deps, created.workspace.id, ayu.personId)).token;
  token = await signUnsubscribeToken({ vault: await createTokenVault(SECRET) }, ids.workspaceId, ids.personId);
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  handle?.close();
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** axe-core's violations on the page as shown (rule id, how many nodes, the first one). */
async function axeViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE);
  return page.evaluate(async () => {
    const result = await (window as any).axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v: any) => `${v.id} (${v.nodes.length}: ${v.nodes[0]?.target?.join(' ')})`);
  });
}

async function open(path: string, width: number, lang: 'en' | 'id') {
  const context = await browser.newContext({ viewport: { width, height: 900 }, locale: lang === 'id' ? 'id-ID' : 'en-GB' });
  await context.addCookies([{ name: SESSION_COOKIE, value: session, url: server.url }]);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${server.url}${path}`);
  const fits = await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
  return { page, context, fits, errors };
}

describe('the digest pages in Chromium', () => {
  for (const lang of ['en', 'id'] as const) {
    for (const width of [1280, 390]) {
      it(`when "My week" opens at ${width} px in ${lang} with the digest on, then the card says so, nothing scrolls sideways and axe finds nothing`, async () => {
        const { page, context, fits, errors } = await open(`/me?lang=${lang}`, width, lang);
        expect(await page.locator('html').getAttribute('lang')).toBe(lang);
        const card = page.getByTestId('digest');
        expect(await card.locator('[data-digest="on"]').textContent()).toBe(lang === 'id' ? 'Anda menerima ringkasan mingguan workspace ini.' : 'You get the weekly digest of this workspace.');
        // No SMTP server: the workspace's mail stays in the outbox, and the card says a digest is not sent then.
        expect(await card.locator('[data-blocked="outbox_only"]').count()).toBe(1);
        expect(await card.textContent()).toContain(ADDRESS);
        expect(fits).toBe(true);
        expect(errors).toEqual([]);
        expect(await axeViolations(page)).toEqual([]);
        await card.screenshot({ path: join(SHOTS, `digest-card-${lang}-${width}.png`) });
        await context.close();
      }, 30_000);
    }
  }

  it('when the unsubscribe link opens at 390 px in Indonesian, then it asks first, fits the screen, axe finds nothing, and its button turns the digest off', async () => {
    const repos = createRepositories({ db: handle.db });
    await repos.people.update(ids.personId, { locale: 'id' });
    const { page, context, fits } = await open(`/v1/mail/digest/unsubscribe?token=${encodeURIComponent(token)}`, 390, 'id');
    expect(await page.locator('h1').textContent()).toBe('Berhenti menerima ringkasan mingguan Acme Engineering?');
    expect(fits).toBe(true);
    expect(await axeViolations(page)).toEqual([]);
    expect((await repos.people.membership(ids.workspaceId, ids.personId))?.digestOptIn).toBe(true);
    await page.screenshot({ path: join(SHOTS, 'digest-unsubscribe-id-390.png'), fullPage: true });
    await page.getByRole('button', { name: 'Berhenti menerima ringkasan mingguan' }).click();
    await page.waitForSelector('h1:has-text("Selesai")');
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    expect((await repos.people.membership(ids.workspaceId, ids.personId))?.digestOptIn).toBe(false);
    await context.close();
  }, 30_000);
});
