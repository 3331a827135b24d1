/**
 * Regenerates docs/dashboard.png: the real overview page of the sample team (examples/), shot
 * in Debian's Chromium through playwright-core. It loads the team with `unmeet demo` into a
 * throwaway database, starts `unmeet serve` on a free local port, signs in with the printed API
 * key through the sign-in form and opens the overview on the sample's four weeks.
 *
 *   npx tsx scripts/docs-screenshot.ts [OUT.png]     (default docs/dashboard.png)
 *
 * Nothing leaves 127.0.0.1. The sample's weeks are fixed (from 2026-11-02), so the picture only
 * changes when the sample or the page does.
 */
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { chromium } from 'playwright-core';

const CHROMIUM = '/usr/bin/chromium';
const FIRST_WEEK = '2026-11-02';
const WEEKS = 4;

async function main(out: string): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'unmeet-shot-'));
  const env = { ...process.env, UNMEET_DB: join(dir, 'unmeet.db'), UNMEET_SECRET: randomBytes(32).toString('hex'), UNMEET_LOG_LEVEL: 'warn', PORT: '0', HOST: '127.0.0.1' };
  const demo = await promisify(execFile)(process.execPath, ['bin/unmeet.js', 'demo'], { env });
  const apiKey = /API key \(shown once\): (\S+)/.exec(demo.stdout)?.[1];
  if (!apiKey) throw new Error(`unmeet demo printed no API key:\n${demo.stdout}`);
  const server = spawn(process.execPath, ['bin/unmeet.js', 'serve'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const base = await new Promise<string>((done, fail) => {
      let text = '';
      server.stdout!.on('data', (chunk: Buffer) => {
        text += chunk.toString();
        const match = /listening on (http:\/\/\S+)/.exec(text);
        if (match) done(match[1]!);
      });
      server.once('exit', (code) => fail(new Error(`server exited with ${code}`)));
    });
    const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'en-US', deviceScaleFactor: 1 });
      await page.goto(`${base}/sign-in`);
      await page.getByLabel('Workspace API key').fill(apiKey);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL(`${base}/`);
      await page.goto(`${base}/?from=${FIRST_WEEK}&weeks=${WEEKS}`);
      await page.screenshot({ path: out, fullPage: true });
    } finally {
      await browser.close();
    }
  } finally {
    server.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(`wrote ${out}`);
}

await main(resolve(process.argv[2] ?? 'docs/dashboard.png'));
