/**
 * `npm run bench:load`: the real Node server (its own process, SQLite file in WAL mode) holding a
 * workspace of 200 members × 26 weeks, loaded with autocannon at 100 connections on the hot read
 * paths (API and the dashboard overview) and one write path, beside a bare Hono "ok" route
 * measured in the same run. Requests say `Accept-Encoding: gzip, deflate, br`, as browsers and
 * fetch do. Targets: zero errors at 100 connections; audit p99 under 10× the bare route's p99.
 */
import autocannon from 'autocannon';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config';
import { normalizeWorkingHours } from '../src/domain/working-hours';
import { buildNodeDeps } from '../src/entry/node';
import { silentLogger } from '../src/logger';
import { syncIcsConnection } from '../src/services/sync';
import { createWorkspace } from '../src/services/workspaces';
import { syntheticWorkspace } from './synthetic';

const MEMBERS = Number(process.env.BENCH_MEMBERS ?? 200);
const WEEKS = 26;
const DURATION = Number(process.env.BENCH_SECONDS ?? 8);
const CONNECTIONS = 100;
const DAY = 86_400_000;

function start(args: string[], env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match) resolve({ child, url: match[1]! });
    });
    child.once('exit', (code) => reject(new Error(`exited with ${code}: ${out}`)));
  });
}

/** Signs in to the dashboard as a browser does (pre-session cookie and CSRF token, then the form) and returns the session cookie. */
async function dashboardSession(url: string, apiKey: string): Promise<string> {
  const cookieOf = (res: Response) => res.headers.getSetCookie().map((c) => c.split(';')[0]!).join('; ');
  const page = await fetch(`${url}/sign-in`);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1];
  if (!csrf) throw new Error('no CSRF token on the sign-in page');
  const signedIn = await fetch(`${url}/sign-in`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie: cookieOf(page), 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'same-origin' },
    body: new URLSearchParams({ _csrf: csrf, apiKey }).toString(),
  });
  const cookie = cookieOf(signedIn);
  if (signedIn.status !== 303 || !cookie.includes('um_session=')) throw new Error(`dashboard sign-in failed: ${signedIn.status}`);
  return cookie;
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'unmeet-load-'));
  const dbPath = join(dir, 'load.db');
  // Data around today: 20 weeks back, 6 ahead, so the server's sync window keeps it all.
  const monday = Math.floor((Date.now() - 4 * DAY) / (7 * DAY)) * 7 * DAY + 4 * DAY;
  const startMs = monday - 20 * 7 * DAY;
  const people = syntheticWorkspace(MEMBERS, WEEKS, startMs);
  const config = loadConfig({ UNMEET_DB: dbPath, UNMEET_SECRET: 'load-bench-secret-load-bench-secret-000' });
  const { deps, handle } = await buildNodeDeps(config, silentLogger);
  const { workspace, apiKey } = await createWorkspace(deps, { name: 'Load', hourlyRate: 80 });
  let firstConnection = '';
  for (const p of people) {
    const member = await deps.repos.members.create(workspace.id, { email: p.email, name: p.email, timeZone: p.timeZone, locale: 'en', workingHours: normalizeWorkingHours(undefined) }, Date.now());
    const connection = await deps.repos.connections.create(workspace.id, { memberId: member.id, provider: 'ics', label: 'load', credentials: null });
    await deps.repos.connections.ensureCalendar(workspace.id, connection.id, { externalId: 'ics', name: 'load', timeZone: null, isPrimary: true });
    await syncIcsConnection(deps, workspace.id, connection.id, { body: p.ics });
    firstConnection ||= connection.id;
  }
  handle.close();
  const from = new Date(monday - 4 * 7 * DAY).toISOString().slice(0, 10);
  const to = new Date(monday).toISOString().slice(0, 10);
  console.log(`workspace: ${MEMBERS} members x ${WEEKS} weeks; audit range ${from}..${to}; ${CONNECTIONS} connections, ${DURATION} s per route`);

  const bare = await start(['--import', 'tsx', 'bench/bare-server.ts'], {});
  const app = await start(['bin/unmeet.js', 'serve'], { PORT: '0', UNMEET_DB: dbPath, UNMEET_SECRET: 'load-bench-secret-load-bench-secret-000', UNMEET_RATE_LIMIT_PER_MINUTE: '0', UNMEET_LOG_LEVEL: 'warn' });
  const auth = { authorization: `Bearer ${apiKey}`, 'accept-encoding': 'gzip, deflate, br' };
  const session = await dashboardSession(app.url, apiKey);
  const routes: Array<{ name: string; url: string; method?: 'GET' | 'POST'; headers?: Record<string, string>; body?: string }> = [
    { name: 'bare Hono ok', url: `${bare.url}/ok` },
    { name: 'GET /v1/audit', url: `${app.url}/v1/audit?from=${from}&to=${to}`, headers: auth },
    { name: 'GET /v1/flags', url: `${app.url}/v1/flags?from=${from}&to=${to}`, headers: auth },
    { name: 'GET /v1/focus/plan', url: `${app.url}/v1/focus/plan`, headers: auth },
    { name: 'GET /v1/workspace', url: `${app.url}/v1/workspace`, headers: auth },
    { name: 'GET / (dashboard)', url: `${app.url}/`, headers: { cookie: session, 'accept-encoding': 'gzip, deflate, br', 'accept-language': 'en-US,en;q=0.9' } },
    {
      name: 'POST ICS import (write)',
      url: `${app.url}/v1/connections/${firstConnection}/sync`,
      method: 'POST',
      headers: { ...auth, 'content-type': 'text/calendar' },
      body: people[0]!.ics,
    },
  ];
  const results: Array<{ name: string; rps: number; p50: number; p99: number; errors: number; non2xx: number; kb: number }> = [];
  for (const route of routes) {
    const probe = await fetch(route.url, { method: route.method ?? 'GET', headers: route.headers, body: route.body });
    if (probe.status === 404 && route.name.includes('focus')) {
      console.log(`skipping ${route.name}: not available`);
      continue;
    }
    const options = { url: route.url, method: route.method ?? 'GET', headers: route.headers, body: route.body, connections: CONNECTIONS } as const;
    await autocannon({ ...options, duration: 1 }); // warm-up (JIT, caches, connection pools), not counted
    const r = await autocannon({ ...options, duration: DURATION });
    results.push({ name: route.name, rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.timeouts, non2xx: r.non2xx, kb: r.throughput.total / Math.max(1, r.requests.total) / 1024 });
  }
  const base = results[0]!;
  console.log('\nroute                      req/s     p50 ms   p99 ms   p99 / bare   errors   non-2xx   KiB/answer');
  for (const r of results) {
    console.log(
      `${r.name.padEnd(24)} ${r.rps.toFixed(0).padStart(8)} ${String(r.p50).padStart(9)} ${String(r.p99).padStart(8)} ${(r.p99 / Math.max(1, base.p99)).toFixed(1).padStart(11)}x ${String(r.errors).padStart(8)} ${String(r.non2xx).padStart(9)} ${r.kb.toFixed(1).padStart(12)}`,
    );
  }
  const audit = results.find((r) => r.name === 'GET /v1/audit')!;
  console.log(`\naudit p99 / bare p99 = ${(audit.p99 / Math.max(1, base.p99)).toFixed(1)}x (target < 10x); errors in all runs: ${results.reduce((n, r) => n + r.errors + r.non2xx, 0)} (target 0)`);
  for (const p of [bare, app]) p.child.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
