/**
 * `npm run bench:worker`: what the Worker adds over a bare Hono Worker, against what the Node
 * server adds over a bare Hono Node server. Four servers on 127.0.0.1, each a real process:
 *   - the project's Worker and a bare Hono Worker (bench/bare-worker.ts), each under the same
 *     `wrangler dev --local` (same compatibility date and flags; the project's on a local D1);
 *   - the project's Node server (`unmeet serve`, SQLite file) and a bare Hono Node server
 *     (bench/bare-server.ts).
 * Both projects get the same workspace over HTTP (BENCH_MEMBERS members × 12 weeks of synthetic
 * ICS). Two routes: `/healthz`, and a cached audit (`GET /v1/audit` asked once before timing),
 * whose bare twin answers the same bytes from memory (`/payload`), so the difference is the
 * work around the body: auth, the data-version lookup, the cache, the framework.
 *
 * Requests go one at a time over keep-alive connections, interleaved: each iteration sends one
 * request to each of the 10 endpoints in an order that rotates every iteration, so drift on the
 * machine touches all alike. The figure per endpoint is the median. Overhead = project median −
 * bare twin median; target: Worker overhead ≤ 2 × Node overhead, for each route.
 *
 * BENCH_REQUESTS (per endpoint, default 1500), BENCH_MEMBERS (default 20); BENCH_WORKER_CONFIG
 * runs another wrangler.toml as the project's Worker (say, an older checkout, to compare).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { syntheticWorkspace } from './synthetic';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 1500);
const MEMBERS = Number(process.env.BENCH_MEMBERS ?? 20);
const WEEKS = 12;
const WORKER_CONFIG = resolve(process.env.BENCH_WORKER_CONFIG ?? 'wrangler.toml');
const ADMIN = 'bench-worker-admin-token-0123456789';
const SECRET = 'bench-worker-secret-bench-worker-secret-01';
const DAY = 86_400_000;
const WRANGLER = resolve('node_modules/wrangler/bin/wrangler.js');
/** No Request.cf download (this machine has no network beyond 127.0.0.1), no metrics. */
const WRANGLER_ENV = { CLOUDFLARE_CF_FETCH_ENABLED: 'false', WRANGLER_SEND_METRICS: 'false' };
/** Same answers for every server: no compression, so the bytes are the same on both sides. */
const IDENTITY = { 'accept-encoding': 'identity' };

const children: ChildProcess[] = [];
/** Servers that will never answer, with why. */
const exited = new Map<string, string>();

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}

/** Starts a process in its own group (so stopping it stops what it started, like workerd). */
function launch(args: string[], env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  children.push(child);
  return child;
}

/** Starts a process and resolves with the URL it prints when it listens. */
function start(args: string[], env: Record<string, string>, ready: RegExp): Promise<string> {
  const child = launch(args, env);
  return new Promise((done, fail) => {
    let out = '';
    const read = (chunk: Buffer) => {
      out += chunk.toString();
      const match = ready.exec(out);
      if (match) done(match[1]!);
    };
    child.stdout!.on('data', read);
    child.stderr!.on('data', read);
    child.once('exit', (code) => fail(new Error(`${args.join(' ')} exited with ${code}:\n${out.slice(-2000)}`)));
  });
}

function run(args: string[], env: Record<string, string>): Promise<void> {
  const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (out += c.toString()));
  return new Promise((done, fail) => child.once('exit', (code) => (code === 0 ? done() : fail(new Error(`${args.join(' ')}: ${code}\n${out.slice(-2000)}`)))));
}

function stopAll() {
  for (const child of children) {
    try {
      if (child.pid && child.exitCode === null) process.kill(-child.pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
}

async function startWorker(config: string, persist: string | null, vars: Record<string, string>): Promise<string> {
  const port = await freePort();
  // Each wrangler dev needs its own devtools port too (the default, 9229, is taken by the first).
  const args = [WRANGLER, 'dev', '--local', '-c', config, '--ip', '127.0.0.1', '--port', String(port), '--inspector-port', String(await freePort()), '--log-level', 'warn'];
  if (persist) args.push('--persist-to', persist);
  for (const [name, value] of Object.entries(vars)) args.push('--var', `${name}:${value}`);
  const child = launch(args, WRANGLER_ENV);
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const url = `http://127.0.0.1:${port}`;
  child.once('exit', (code) => exited.set(url, `wrangler dev (${config}) exited with ${code}:\n${out.slice(-2000)}`));
  // A build error does not stop wrangler dev: it keeps serving nothing. Say so instead of waiting.
  child.stderr!.on('data', () => /Build failed/.test(out) && exited.set(url, `wrangler dev (${config}) could not build:\n${out.slice(-2000)}`));
  return url;
}

async function call(url: string, init: { method?: string; key?: string; json?: unknown; body?: string; type?: string } = {}) {
  const headers: Record<string, string> = { ...IDENTITY };
  if (init.key) headers.authorization = `Bearer ${init.key}`;
  if (init.json !== undefined) headers['content-type'] = 'application/json';
  if (init.type) headers['content-type'] = init.type;
  const res = await fetch(url, { method: init.method ?? 'GET', headers, body: init.json !== undefined ? JSON.stringify(init.json) : init.body, signal: AbortSignal.timeout(60_000) });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${init.method ?? 'GET'} ${url}: ${res.status} ${text.slice(0, 300)}`);
  return text;
}

/** Waits until a server answers /healthz (wrangler prints "Ready" before its first build is done). */
async function waitFor(url: string) {
  for (let i = 0; i < 240; i++) {
    if (exited.has(url)) throw new Error(exited.get(url));
    try {
      if ((await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(5_000) })).ok) return;
    } catch {
      // not yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${url} never answered /healthz`);
}

/** The same workspace on either project, through its API: members and their ICS uploads. */
async function seed(url: string, people: ReturnType<typeof syntheticWorkspace>): Promise<string> {
  const { apiKey } = JSON.parse(await call(`${url}/v1/workspaces`, { method: 'POST', key: ADMIN, json: { name: 'Bench', hourlyRate: 80 } })) as { apiKey: string };
  for (const p of people) {
    const member = JSON.parse(await call(`${url}/v1/members`, { method: 'POST', key: apiKey, json: { email: p.email, name: p.email, timeZone: p.timeZone } })) as { id: string };
    await call(`${url}/v1/connections/ics?memberId=${member.id}&name=bench`, { method: 'POST', key: apiKey, body: p.ics, type: 'text/calendar' });
  }
  return apiKey;
}

interface Endpoint {
  name: string;
  url: string;
  headers: Record<string, string>;
  samples: number[];
}

async function time(endpoint: Endpoint): Promise<void> {
  const started = performance.now();
  const res = await fetch(endpoint.url, { headers: endpoint.headers, signal: AbortSignal.timeout(30_000) });
  await res.arrayBuffer();
  const ms = performance.now() - started;
  if (res.status !== 200) throw new Error(`${endpoint.name}: ${res.status}`);
  endpoint.samples.push(ms);
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'unmeet-bench-worker-'));
  try {
    const monday = Math.floor((Date.now() - 4 * DAY) / (7 * DAY)) * 7 * DAY + 4 * DAY;
    const people = syntheticWorkspace(MEMBERS, WEEKS, monday - 8 * 7 * DAY);
    const from = new Date(monday - 4 * 7 * DAY).toISOString().slice(0, 10);
    const to = new Date(monday).toISOString().slice(0, 10);

    const persist = join(dir, 'wrangler-state');
    await run([WRANGLER, 'd1', 'migrations', 'apply', 'unmeet', '--local', '-c', WORKER_CONFIG, '--persist-to', persist], WRANGLER_ENV);
    const vars = { UNMEET_SECRET: SECRET, UNMEET_ADMIN_TOKEN: ADMIN, UNMEET_LOG_LEVEL: 'silent', UNMEET_RATE_LIMIT_PER_MINUTE: '0', PUBLIC_URL: 'http://127.0.0.1' };
    const worker = await startWorker(WORKER_CONFIG, persist, vars);
    const bareWorker = await startWorker(resolve('bench/bare-worker.wrangler.toml'), null, {});
    const node = await start(
      ['bin/unmeet.js', 'serve'],
      { PORT: '0', HOST: '127.0.0.1', UNMEET_DB: join(dir, 'bench.db'), UNMEET_SECRET: SECRET, UNMEET_ADMIN_TOKEN: ADMIN, UNMEET_RATE_LIMIT_PER_MINUTE: '0', UNMEET_LOG_LEVEL: 'silent' },
      /listening on (http:\/\/\S+)/,
    );
    const bareNode = await start(['--import', 'tsx', 'bench/bare-server.ts'], {}, /listening on (http:\/\/\S+)/);
    for (const url of [worker, bareWorker, node, bareNode]) await waitFor(url);

    const auditPath = `/v1/audit?from=${from}&to=${to}`;
    console.error('servers up; seeding both projects over HTTP');
    const keys = { worker: await seed(worker, people), node: await seed(node, people) };
    // Fill each project's report cache, and give each bare twin the same bytes to send.
    await call(`${bareWorker}/payload`, { method: 'PUT', body: await call(`${worker}${auditPath}`, { key: keys.worker }) });
    await call(`${bareNode}/payload`, { method: 'PUT', body: await call(`${node}${auditPath}`, { key: keys.node }) });

    const endpoint = (name: string, url: string, key?: string): Endpoint => ({ name, url, headers: key ? { ...IDENTITY, authorization: `Bearer ${key}` } : IDENTITY, samples: [] });
    const endpoints = {
      workerHealth: endpoint('Worker /healthz', `${worker}/healthz`),
      bareWorkerHealth: endpoint('bare Worker /healthz', `${bareWorker}/healthz`),
      nodeHealth: endpoint('Node /healthz', `${node}/healthz`),
      bareNodeHealth: endpoint('bare Node /healthz', `${bareNode}/healthz`),
      workerAudit: endpoint('Worker cached audit', `${worker}${auditPath}`, keys.worker),
      bareWorkerAudit: endpoint('bare Worker same bytes', `${bareWorker}/payload`),
      nodeAudit: endpoint('Node cached audit', `${node}${auditPath}`, keys.node),
      bareNodeAudit: endpoint('bare Node same bytes', `${bareNode}/payload`),
      // Not compared, for reading the rest: the price of a database round trip on each side.
      workerReady: endpoint('Worker /readyz (2 D1 reads)', `${worker}/readyz`),
      nodeReady: endpoint('Node /readyz (1 SQLite read)', `${node}/readyz`),
    };
    const all = Object.values(endpoints);
    const bytes = (await call(`${bareNode}/payload`)).length;
    console.log(`workspace: ${MEMBERS} members x ${WEEKS} weeks, audit ${from}..${to} (${(bytes / 1024).toFixed(1)} KiB); ${REQUESTS} requests per endpoint, interleaved`);
    console.log(`project Worker: ${WORKER_CONFIG}`);

    for (let i = 0; i < 100; i++) for (const e of all) await time(e); // warm-up, not counted
    for (const e of all) e.samples = [];
    for (let i = 0; i < REQUESTS; i++) {
      for (let j = 0; j < all.length; j++) await time(all[(i + j) % all.length]!);
    }

    console.log('\nendpoint                       median ms    p90 ms');
    for (const e of all) {
      const p90 = [...e.samples].sort((a, b) => a - b)[Math.floor(e.samples.length * 0.9)]!;
      console.log(`${e.name.padEnd(29)} ${median(e.samples).toFixed(3).padStart(10)} ${p90.toFixed(3).padStart(9)}`);
    }
    const m = Object.fromEntries(Object.entries(endpoints).map(([k, e]) => [k, median(e.samples)])) as Record<keyof typeof endpoints, number>;
    const rows = [
      { route: '/healthz', worker: m.workerHealth - m.bareWorkerHealth, node: m.nodeHealth - m.bareNodeHealth, wr: m.workerHealth / m.bareWorkerHealth, nr: m.nodeHealth / m.bareNodeHealth },
      { route: 'cached audit', worker: m.workerAudit - m.bareWorkerAudit, node: m.nodeAudit - m.bareNodeAudit, wr: m.workerAudit / m.bareWorkerAudit, nr: m.nodeAudit / m.bareNodeAudit },
    ];
    console.log('\nroute          Worker overhead     Node overhead      Worker ÷ Node overhead   (project ÷ bare: Worker, Node)');
    for (const r of rows) {
      const ratio = r.worker / Math.max(r.node, 0.001);
      console.log(
        `${r.route.padEnd(14)} ${(r.worker * 1000).toFixed(0).padStart(8)} µs ${(r.node * 1000).toFixed(0).padStart(14)} µs ${ratio.toFixed(2).padStart(18)}x ${ratio <= 2 ? '(target ≤ 2: met)' : '(target ≤ 2: MISSED)'}   (${r.wr.toFixed(2)}x, ${r.nr.toFixed(2)}x)`,
      );
    }
    console.log(`\nWorker /healthz ÷ Node /healthz: ${(m.workerHealth / m.nodeHealth).toFixed(2)}x; bare Worker ÷ bare Node: ${(m.bareWorkerHealth / m.bareNodeHealth).toFixed(2)}x`);
  } finally {
    stopAll();
    rmSync(dir, { recursive: true, force: true });
  }
}

// Interrupted (Ctrl-C, a timeout): the servers go too.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    stopAll();
    process.exit(1);
  });
}

main().catch((error: unknown) => {
  stopAll();
  console.error(error);
  process.exit(1);
});
