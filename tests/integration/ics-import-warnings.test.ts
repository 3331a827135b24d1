import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { chromium } from 'playwright-core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { run } from '../../src/cli/main';
import { createTestApp, newWorkspace } from '../helpers/app';
import { dashboardBrowser } from '../helpers/dashboard-browser';
import { icsCalendar, icsEvent } from '../helpers/ics';

/** Two VEVENTs with one UID and no RECURRENCE-ID: both kept, with a `duplicate_uid` warning on the second. */
const twins = icsCalendar([
  icsEvent({ uid: 'twin@t', start: '20261124T100000Z', minutes: 30, title: 'Planning' }),
  icsEvent({ uid: 'twin@t', start: '20261125T100000Z', minutes: 30, title: 'Planning again' }),
]);
/** The line of the second BEGIN:VEVENT, the one the warning names. */
const twinLine = twins.split('\r\n').lastIndexOf('BEGIN:VEVENT') + 1;
const clean = icsCalendar([icsEvent({ uid: 'solo@t', start: '20261124T100000Z', minutes: 30, title: 'Solo' })]);

type T = Awaited<ReturnType<typeof createTestApp>>;
let t: T;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(() => {
  t.close();
  vi.restoreAllMocks();
});

async function uploaded(body: string) {
  const { apiKey: key } = await newWorkspace(t.api);
  const member = await t.api('POST', '/v1/members', { key, json: { email: 'ayu@example.com', name: 'Ayu', timeZone: 'UTC' } });
  const created = await t.api('POST', `/v1/connections/ics?memberId=${member.json.id}`, { key, body, headers: { 'content-type': 'text/calendar' } });
  expect(created.status, created.text).toBe(201);
  return { key, id: created.json.id as string };
}

/** The page as a signed-in admin (API-key sign-in through the dashboard form) sees it, in the given language. */
async function dashboardPage(key: string, path: string, language: string): Promise<string> {
  const b = dashboardBrowser(t.app, language);
  await b.signIn(key);
  return (await b.request('GET', path)).text;
}

/** Two warnings whose detail is one long unbroken token: the list must wrap it, not the page scroll. */
const awkward = icsCalendar([...twins.split('\r\n').slice(3, -2), 'Y'.repeat(180)]);

describe('ICS import warnings, stored with the connection', () => {
  it('when an import has warnings, then the connection resource lists them as facts with an English summary', async () => {
    const s = await uploaded(twins);
    const res = await t.api('GET', `/v1/connections/${s.id}`, { key: s.key });
    expect(res.status).toBe(200);
    expect(res.json.syncWarnings).toMatchObject({
      at: new Date(t.clock.now).toISOString(),
      counts: { duplicate_uid: 1 },
      items: [{ code: 'duplicate_uid', line: twinLine, uid: 'twin@t' }],
    });
    expect(res.json.syncWarnings.summary).toEqual([`1 event kept separately: line ${twinLine}, another event has the same UID`]);
    const listed = await t.api('GET', '/v1/connections', { key: s.key });
    expect(listed.json.connections[0].syncWarnings.counts).toEqual({ duplicate_uid: 1 });
  });

  it('when the next import is clean, then it replaces the list with none', async () => {
    const s = await uploaded(twins);
    const synced = await t.api('POST', `/v1/connections/${s.id}/sync`, { key: s.key, body: clean, headers: { 'content-type': 'text/calendar' } });
    expect(synced.status, synced.text).toBe(200);
    expect(synced.json.connection.syncWarnings).toBeNull();
    expect((await t.api('GET', `/v1/connections/${s.id}`, { key: s.key })).json.syncWarnings).toBeNull();
  });

  it('when an admin opens the Connections page, then the warnings are shown in the page language, the import time labelled UTC', async () => {
    const s = await uploaded(twins);
    const en = await dashboardPage(s.key, '/connections', 'en');
    expect(en).toContain('data-warnings="1"');
    expect(en).toContain('1 import warning (import at');
    expect(en).toContain(`1 event kept separately: line ${twinLine}, another event has the same UID`);
    expect(en).toMatch(/import at [^)]* UTC\)/);
    const id = await dashboardPage(s.key, '/connections', 'id-ID,id;q=0.9');
    expect(id).toContain('1 peringatan impor');
    expect(id).toContain(`1 acara disimpan terpisah: baris ${twinLine}, acara lain memiliki UID yang sama`);
  });

  it('when the Connections page lists warnings at 390 px, in English and Indonesian, then it does not scroll sideways', async () => {
    const s = await uploaded(awkward);
    const listed = (await t.api('GET', `/v1/connections/${s.id}`, { key: s.key })).json.syncWarnings;
    expect(Object.keys(listed.counts).length).toBeGreaterThanOrEqual(2);
    const b = dashboardBrowser(t.app);
    await b.signIn(s.key);
    const server = serve({ fetch: t.app.fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise<void>((done) => server.once('listening', () => done()));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
    try {
      const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
      await context.addCookies([...b.jar].map(([name, value]) => ({ name, value, url: base })));
      const page = await context.newPage();
      for (const lang of ['en', 'id']) {
        await page.goto(`${base}/connections?lang=${lang}`);
        await page.locator('details.ics-warnings summary').click();
        expect(await page.locator('details.ics-warnings li').count()).toBe(Object.keys(listed.counts).length);
        expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth), lang).toBeLessThanOrEqual(0);
      }
    } finally {
      await browser.close();
      await new Promise<void>((done) => server.close(() => done()));
    }
  }, 60_000);

  it('when the CLI reads a calendar with warnings, then it names them on stderr and keeps stdout for the report', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'unmeet-warn-'));
    try {
      writeFileSync(join(dir, 'ayu.ics'), twins);
      const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
      const err = vi.spyOn(console, 'error').mockImplementation(() => undefined);
      expect(await run(['audit', '--ics', join(dir, 'ayu.ics'), '--tz', 'UTC', '--from', '2026-11-23', '--to', '2026-11-30', '--json'])).toBe(0);
      expect(() => JSON.parse(log.mock.calls.map((c) => String(c[0])).join('\n'))).not.toThrow();
      const stderr = err.mock.calls.map((c) => String(c[0]));
      expect(stderr).toEqual([expect.stringMatching(new RegExp(`ayu\\.ics: 1 event kept separately: line ${twinLine}, another event has the same UID$`))]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
