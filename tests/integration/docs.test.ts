/**
 * The API reference at /docs: Swagger UI from the pinned swagger-ui-dist, served from this origin
 * under a strict CSP — through the app (Node), through the Workers Static Assets directory
 * (Miniflare's asset server with our `_headers`), and in a real Chromium against the Node server.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { Miniflare } from 'miniflare';
import { chromium, type Browser } from 'playwright-core';
import { unstable_readConfig } from 'wrangler';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config';
import { readDocsAssets, startServer } from '../../src/entry/node';
import { DOCS_ASSET_CACHE, DOCS_ASSET_FILES, DOCS_ASSET_PREFIX, DOCS_CSP, DOCS_INIT_PATH, SWAGGER_UI_VERSION } from '../../src/http/routes/docs.routes';
import { createTestApp } from '../helpers/app';

const CHROMIUM = '/usr/bin/chromium';
/** Git-ignored, beside the dashboard's, for people to look at. */
const SHOTS = join(import.meta.dirname, '../e2e/__screenshots__');
const packageDir = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
const packageBytes = (file: string) => readFileSync(join(packageDir, file));
const linkedPaths = (html: string) => [...html.matchAll(/<(?:script|link)\b[^>]*?(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
const typeOf: Record<string, RegExp> = { js: /^text\/javascript/, css: /^text\/css/, png: /^image\/png$/ };

describe('the API reference page (Node)', () => {
  it('when /docs is requested, then it answers HTML under the strict CSP, with no inline script or style and only same-origin scripts and styles', async () => {
    const t = await createTestApp({ docsAssets: readDocsAssets() });
    try {
      const res = await t.api('GET', '/docs');
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      const csp = res.headers.get('content-security-policy')!;
      expect(csp).toBe(DOCS_CSP);
      for (const directive of ["default-src 'none'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:", "connect-src 'self'", "frame-ancestors 'none'", "base-uri 'none'"]) {
        expect(csp.split('; ')).toContain(directive);
      }
      expect(csp).not.toMatch(/unsafe-|https?:|\*/);

      const html = res.text;
      // Every script has a src and no body; no style element or attribute; no inline handlers.
      const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
      expect(scripts.length).toBe(2);
      for (const [, attributes, body] of scripts) {
        expect(attributes).toMatch(/\bsrc="\/[^/]/);
        expect(body!.trim()).toBe('');
      }
      expect(html).not.toMatch(/<style|\sstyle=|\son[a-z]+=|javascript:/i);
      const linked = linkedPaths(html);
      expect(linked.sort()).toEqual([...DOCS_ASSET_FILES.map((f) => `${DOCS_ASSET_PREFIX}/${f}`), DOCS_INIT_PATH].sort());
      for (const path of linked) expect(path).toMatch(/^\/[^/]/);
      expect(html).not.toMatch(/https?:\/\//);
      expect(html).toContain('data-spec-url="/openapi.json"');
    } finally {
      t.close();
    }
  });

  it("when the page's script, stylesheet and icon are requested, then each answers the swagger-ui-dist bytes with its content type, a year's immutable caching and the CSP", async () => {
    const t = await createTestApp({ docsAssets: readDocsAssets() });
    try {
      for (const file of DOCS_ASSET_FILES) {
        const res = await t.app.request(`${DOCS_ASSET_PREFIX}/${file}`);
        expect(res.status, file).toBe(200);
        expect(res.headers.get('content-type'), file).toMatch(typeOf[file.split('.').pop()!]!);
        expect(res.headers.get('cache-control'), file).toBe(DOCS_ASSET_CACHE);
        expect(res.headers.get('content-security-policy'), file).toBe(DOCS_CSP);
        expect(res.headers.get('x-content-type-options'), file).toBe('nosniff');
        expect(Buffer.from(await res.arrayBuffer()).equals(packageBytes(file)), file).toBe(true);
      }
      const init = await t.app.request(DOCS_INIT_PATH);
      expect(init.status).toBe(200);
      expect(init.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
      expect(init.headers.get('cache-control')).toBe(DOCS_ASSET_CACHE);
      const text = await init.text();
      expect(text).toContain('SwaggerUIBundle(');
      expect(text).toContain('validatorUrl: null');
      expect(text).toContain('queryConfigEnabled: false');
      // Another version's path (an old cached page) is simply not there.
      expect((await t.app.request('/docs/assets/0.0.1/swagger-ui-bundle.js')).status).toBe(404);
    } finally {
      t.close();
    }
  });

  it('when the app has no asset bytes (a Worker, where Static Assets answer those paths), then the page still answers and the asset paths are 404', async () => {
    const t = await createTestApp();
    try {
      expect((await t.api('GET', '/docs')).status).toBe(200);
      expect((await t.api('GET', DOCS_INIT_PATH)).status).toBe(200);
      const res = await t.api('GET', `${DOCS_ASSET_PREFIX}/swagger-ui-bundle.js`);
      expect(res.status).toBe(404);
      expect(res.json.code).toBe('request.not_found');
    } finally {
      t.close();
    }
  });

  it('when the asset path is built, then it names the installed swagger-ui-dist, which package.json pins exactly', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { dependencies: Record<string, string> };
    expect(pkg.dependencies['swagger-ui-dist']).toMatch(/^\d+\.\d+\.\d+$/);
    expect(SWAGGER_UI_VERSION).toBe(pkg.dependencies['swagger-ui-dist']);
    expect(DOCS_ASSET_PREFIX).toBe(`/docs/assets/${SWAGGER_UI_VERSION}`);
    expect(pkg.dependencies['@hono/swagger-ui']).toBeUndefined();
  });
});

describe('the API reference files on Workers (Static Assets)', () => {
  it("when the assets script fills a directory, then Workers' asset server answers each file with the package bytes, the CSP and a year's caching, and leaves every other path to the Worker", async () => {
    const out = mkdtempSync(join(tmpdir(), 'unmeet-docs-assets-'));
    await promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/docs-assets.ts', out]);
    const mf = new Miniflare({
      modules: true,
      script: 'export default { fetch() { return new Response("worker", { status: 299 }); } }',
      compatibilityDate: '2026-04-20',
      assets: { directory: out, routerConfig: { has_user_worker: true } },
      cf: false,
    });
    try {
      await mf.ready;
      for (const file of DOCS_ASSET_FILES) {
        const res = await mf.dispatchFetch(`http://unmeet.test${DOCS_ASSET_PREFIX}/${file}`);
        expect(res.status, file).toBe(200);
        expect(res.headers.get('content-type'), file).toMatch(typeOf[file.split('.').pop()!]!);
        expect(res.headers.get('cache-control'), file).toBe(DOCS_ASSET_CACHE);
        expect(res.headers.get('content-security-policy'), file).toBe(DOCS_CSP);
        expect(res.headers.get('x-content-type-options'), file).toBe('nosniff');
        expect(Buffer.from(await res.arrayBuffer()).equals(packageBytes(file)), file).toBe(true);
      }
      for (const path of ['/docs', DOCS_INIT_PATH, '/_headers', `${DOCS_ASSET_PREFIX}/swagger-ui.js`]) {
        const res = await mf.dispatchFetch(`http://unmeet.test${path}`);
        await res.arrayBuffer();
        expect(res.status, path).toBe(299);
      }
    } finally {
      await mf.dispose();
      rmSync(out, { recursive: true, force: true });
    }
  }, 60_000);

  it('when wrangler reads wrangler.toml, then its [assets] directory holds the same files (filled by npm postinstall and pretest)', () => {
    const directory = unstable_readConfig({ config: 'wrangler.toml' }).assets?.directory;
    expect(directory).toBeDefined();
    const dir = resolve(directory!);
    expect(existsSync(join(dir, '_headers')), `${dir} is missing: run npm install (or tsx scripts/docs-assets.ts)`).toBe(true);
    expect(readFileSync(join(dir, '_headers'), 'utf8')).toContain(`Content-Security-Policy: ${DOCS_CSP}`);
    for (const file of DOCS_ASSET_FILES) expect(readFileSync(join(dir, DOCS_ASSET_PREFIX, file)).equals(packageBytes(file)), file).toBe(true);
  });
});

describe.skipIf(!existsSync(CHROMIUM))('the API reference in Chromium', () => {
  let browser: Browser | undefined;
  let server: { url: string; stop: () => Promise<void> } | undefined;

  beforeAll(async () => {
    server = await startServer(loadConfig({ PORT: '0', HOST: '127.0.0.1', UNMEET_DB: ':memory:', UNMEET_LOG_LEVEL: 'silent' }));
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('when /docs opens offline, then the operations from /openapi.json render, "Try it out" reaches the API, and nothing breaks the CSP or leaves this origin', async () => {
    const base = server!.url;
    const page = await browser!.newPage({ viewport: { width: 1280, height: 900 } });
    const problems: string[] = [];
    const outside: string[] = [];
    page.on('console', (m) => {
      // The one expected failure: "Try it out" below calls the API without a key.
      if (/status of 401/.test(m.text()) && m.location().url.startsWith(`${server!.url}/v1/`)) return;
      if (m.type() === 'error' || /Content Security Policy/i.test(m.text())) problems.push(`console ${m.type()}: ${m.text()} (${m.location().url})`);
    });
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`));
    });
    await page.route('**/*', (route) => {
      const url = new URL(route.request().url());
      if (url.hostname === '127.0.0.1') return route.continue();
      outside.push(url.href);
      return route.abort();
    });
    const specLoaded = page.waitForResponse((r) => r.url() === `${base}/openapi.json` && r.status() === 200);
    const response = await page.goto(`${base}/docs`);
    expect(response!.headers()['content-security-policy']).toBe(DOCS_CSP);
    await specLoaded;

    const members = page.locator('.opblock-summary-path', { hasText: /^\/v1\/members$/ }).first();
    await members.waitFor({ state: 'visible', timeout: 15_000 });
    expect(await page.locator('.opblock').count()).toBeGreaterThan(20);
    expect(await page.title()).toBe('unmeet API');

    // Expand one operation and run it: the request goes to this origin (connect-src 'self').
    await page.locator('.opblock-summary-path', { hasText: /^\/healthz$|^\/v1\/members$/ }).first().click();
    await page.getByRole('button', { name: 'Try it out' }).first().click();
    const called = page.waitForResponse((r) => r.url().startsWith(`${base}/v1/members`));
    await page.getByRole('button', { name: 'Execute' }).first().click();
    expect((await called).status()).toBe(401);
    await page.locator('.live-responses-table .response-col_status').first().waitFor({ state: 'visible' });

    mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: join(SHOTS, 'api-docs.png'), fullPage: false });
    await page.close();
    expect(problems).toEqual([]);
    expect(outside).toEqual([]);
  }, 60_000);
});
