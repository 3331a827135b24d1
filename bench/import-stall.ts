/**
 * `npm run bench:import-stall`: does reading hostile calendars stall the service? The real Node
 * server runs in its own process (as in bench/load.ts) with its default parse pool (1 thread +
 * 9 queued = 10 import slots; set UNMEET_ICS_PARSE_THREADS to try more). One client probes
 * `/healthz` back to back, first while the server idles (after a warm-up that starts the parse
 * threads), then while 10 uploads of a
 * 10 MiB hostile feed run at once. The server's RSS is read from /proc/<pid>/status all along.
 *
 * Targets (issue 17): `/healthz` p99 under load ≤ 5× its idle p99 in the same run; peak RSS ≤ idle
 * RSS + 3× the bytes in flight (10 × the feed's size).
 *
 * The feed is built from the bad-input list, each part bounded by the parser's budgets:
 * a 1,000-transition VTIMEZONE, a 1 MB line, an EXDATE storm, rules that never match
 * (BYMONTHDAY=30 in February), SECONDLY/MINUTELY/DAILY rules with COUNT=10⁹ or long spans that
 * end before the window, deep nesting, duplicate UIDs, and the rest plain events with attendees
 * and descriptions, dated before the window: a great deal to read, a bounded number of rows.
 * `BENCH_FEED=cap` instead sends 4,000 FREQ=DAILY series in the window (the 0.5 MB attack,
 * padded to 10 MiB), which reaches the 100,000-instance cap: each import stores 100,000 rows,
 * which the parse thread does through its own connection to the database file.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServerProcess } from './server-process';

const IMPORTS = 10;
const FEED_BYTES = 10 * 1024 * 1024 - 4096;
const IDLE_MS = Number(process.env.BENCH_IDLE_MS ?? 4_000);
const ADMIN = 'import-stall-bench-admin-token';
const SECRET = 'import-stall-bench-secret-import-stall-00';

const ev = (uid: string, start: string, end: string, extra: string[] = []) =>
  ['BEGIN:VEVENT', `UID:${uid}`, 'DTSTAMP:20260101T000000Z', `DTSTART:${start}`, `DTEND:${end}`, `SUMMARY:${uid}`, ...extra, 'END:VEVENT'];

/** The hostile feed: every part of the bad-input list, then filler up to `bytes`. */
export function hostileFeed(bytes: number, variant: 'hostile' | 'cap' = 'hostile'): string {
  const lines: string[] = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//bench//import-stall//EN'];
  if (variant === 'cap') {
    for (let i = 0; i < 4000; i++) lines.push(...ev(`daily-${i}`, '20260101T090000Z', '20260101T093000Z', ['RRULE:FREQ=DAILY']));
  } else {
    lines.push('BEGIN:VTIMEZONE', 'TZID:Hostile/Zone');
    for (let i = 0; i < 1000; i++) {
      const kind = i % 2 ? 'DAYLIGHT' : 'STANDARD';
      const year = 1900 + Math.floor(i / 8);
      lines.push(`BEGIN:${kind}`, `DTSTART:${year}0${1 + (i % 8)}01T020000`, `TZOFFSETFROM:+0${i % 2}00`, `TZOFFSETTO:+0${(i + 1) % 2}00`, `END:${kind}`);
    }
    lines.push('END:VTIMEZONE');
    lines.push(...ev('long-line', '20261110T090000Z', '20261110T100000Z', [`X-PAD:${'x'.repeat(1_000_000)}`]));
    const exdates = Array.from({ length: 20_000 }, (_, i) => new Date(Date.UTC(2026, 0, 1, 9) + i * 3_600_000).toISOString().replace(/[-:]/g, '').slice(0, 15) + 'Z');
    lines.push(...ev('exdate-storm', '20260101T090000Z', '20260101T093000Z', ['RRULE:FREQ=DAILY;COUNT=1000000000', `EXDATE:${exdates.join(',')}`]));
    for (let i = 0; i < 200; i++) {
      lines.push(...ev(`never-${i}`, '20000101T090000Z', '20000101T100000Z', ['RRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30']));
      lines.push(...ev(`secondly-${i}`, '20000101T090000Z', '20000101T090001Z', ['RRULE:FREQ=SECONDLY;COUNT=1000000000;UNTIL=20010101T000000Z']));
      lines.push(...ev(`minutely-${i}`, '19900101T090000Z', '19900101T090100Z', ['RRULE:FREQ=MINUTELY;INTERVAL=7;UNTIL=20000101T000000Z']));
      lines.push(...ev(`daily-old-${i}`, `19000101T090000Z`, `19000101T100000Z`, ['RRULE:FREQ=DAILY;UNTIL=19900101T000000Z']));
      lines.push(...ev(`tz-${i}`, '20261103T090000', '20261103T100000', []).map((l) => (l.startsWith('DTSTART') || l.startsWith('DTEND') ? l.replace(':', ';TZID=Hostile/Zone:') : l)));
    }
    for (let i = 0; i < 500; i++) lines.push(`BEGIN:X-NEST-${i}`);
    for (let i = 499; i >= 0; i--) lines.push(`END:X-NEST-${i}`);
    for (let i = 0; i < 300; i++) lines.push(...ev('same-uid', '20261105T090000Z', '20261105T093000Z'));
  }
  // Filler: plain events before the window, each with attendees and a description to read.
  const size = () => lines.reduce((n, l) => n + l.length + 2, 0);
  let total = size();
  const closing = 'END:VCALENDAR'.length + 2;
  for (let i = 0; total + closing < bytes; i++) {
    const event = ev(`old-${i}`, '19950301T090000Z', '19950301T100000Z', [
      'ORGANIZER:mailto:boss@example.com',
      ...Array.from({ length: 4 }, (_, a) => `ATTENDEE;PARTSTAT=ACCEPTED:mailto:p${a}-${i}@example.com`),
      `DESCRIPTION:Agenda: ${'talk about the quarter, '.repeat(6)}https://docs.example.com/${i}`,
    ]);
    const add = event.reduce((n, l) => n + l.length + 2, 0);
    if (total + add + closing > bytes) break;
    lines.push(...event);
    total += add;
  }
  lines.push('END:VCALENDAR');
  return `${lines.join('\r\n')}\r\n`;
}

function startServer(env: Record<string, string>) {
  // BENCH_NODE_ARGS: extra flags for the server's node, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof".
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  return startServerProcess([...nodeArgs, 'bin/unmeet.js', 'serve'], env);
}

/** Resident set size of a process, bytes (VmRSS now, VmHWM the peak so far). */
function rss(pid: number): { now: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0) * 1024;
  return { now: kb('VmRSS'), peak: kb('VmHWM') };
}

const p99 = (samples: number[]) => [...samples].sort((a, b) => a - b)[Math.min(samples.length - 1, Math.floor(samples.length * 0.99))]!;
const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

/**
 * Probes /healthz back to back until `until()` says stop; returns each latency, ms, and how many
 * probes failed (a connection reset counts with the time it took: that is what a client saw).
 */
async function probe(url: string, until: () => boolean): Promise<number[] & { failed?: number }> {
  const samples: number[] & { failed?: number } = [];
  samples.failed = 0;
  while (!until()) {
    const t0 = performance.now();
    try {
      const res = await fetch(`${url}/healthz`);
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`/healthz answered ${res.status}`);
    } catch {
      samples.failed += 1;
    }
    samples.push(performance.now() - t0);
  }
  return samples;
}

async function main() {
  const variant = process.env.BENCH_FEED === 'cap' ? 'cap' : 'hostile';
  const feed = hostileFeed(FEED_BYTES, variant);
  const feedBytes = Buffer.byteLength(feed);
  const dir = mkdtempSync(join(tmpdir(), 'unmeet-stall-'));
  const server = await startServer({
    PORT: '0',
    UNMEET_DB: join(dir, 'stall.db'),
    UNMEET_SECRET: SECRET,
    UNMEET_ADMIN_TOKEN: ADMIN,
    UNMEET_RATE_LIMIT_PER_MINUTE: '0',
    UNMEET_LOG_LEVEL: 'error',
  });
  const pid = server.child.pid!;
  try {
    const post = (path: string, init: { key: string; json?: unknown; body?: string }) =>
      fetch(`${server.url}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${init.key}`, 'content-type': init.json !== undefined ? 'application/json' : 'text/calendar' },
        body: init.json !== undefined ? JSON.stringify(init.json) : init.body,
      });
    const ws = (await (await post('/v1/workspaces', { key: ADMIN, json: { name: 'Stall', hourlyRate: 80, currency: 'USD' } })).json()) as { apiKey: string };
    const member = (await (await post('/v1/members', { key: ws.apiKey, json: { email: 'ayu@example.com', name: 'Ayu', timeZone: 'Asia/Jakarta' } })).json()) as { id: string };
    const upload = (body: string) => post(`/v1/connections/ics?memberId=${member.id}`, { key: ws.apiKey, body });

    // Warm-up: two small imports at once start the parse threads and load every code path.
    const small = hostileFeed(64 * 1024);
    for (const res of await Promise.all([upload(small), upload(small)])) if (res.status !== 201) throw new Error(`warm-up import: ${res.status} ${await res.text()}`);

    console.log(`feed: ${variant}, ${mib(feedBytes)} (${feedBytes} bytes); ${IMPORTS} concurrent uploads; server pid ${pid}`);
    const idleEnd = performance.now() + IDLE_MS;
    const idleSamples = await probe(server.url, () => performance.now() > idleEnd);
    const idle = rss(pid);

    let done = false;
    let peakSampled = idle.now;
    const sampler = setInterval(() => (peakSampled = Math.max(peakSampled, rss(pid).now)), 10);
    const started = performance.now();
    const imports = Promise.all(
      Array.from({ length: IMPORTS }, async () => {
        try {
          const res = await upload(feed);
          const json = (await res.json()) as { code?: string; warningCounts?: Record<string, number> };
          return { status: res.status, code: json.code, warnings: json.warningCounts, ms: performance.now() - started };
        } catch (error) {
          // A connection the server dropped is a result too: reported as status 0 with its cause.
          const cause = (error as { cause?: { code?: string } }).cause?.code ?? String(error);
          return { status: 0, code: cause, warnings: undefined, ms: performance.now() - started };
        }
      }),
    ).finally(() => (done = true));
    const loadSamples = await probe(server.url, () => done);
    const results = await imports;
    clearInterval(sampler);
    const peak = Math.max(rss(pid).peak, peakSampled);

    const statuses = results.map((r) => r.status).join(' ');
    const rows = (await (await fetch(`${server.url}/v1/connections`, { headers: { authorization: `Bearer ${ws.apiKey}` } })).json()) as { connections: unknown[] };
    console.log(`imports: statuses ${statuses}; slowest ${(Math.max(...results.map((r) => r.ms)) / 1000).toFixed(1)} s; ${rows.connections.length} connections stored`);
    console.log(`warnings of one import: ${JSON.stringify(results[0]?.warnings ?? results[0]?.code)}`);
    const idleP99 = p99(idleSamples);
    const loadP99 = p99(loadSamples);
    const inFlight = IMPORTS * feedBytes;
    console.log(`/healthz idle: ${idleSamples.length} requests, p99 ${idleP99.toFixed(2)} ms; under load: ${loadSamples.length} requests (${loadSamples.failed} failed), p99 ${loadP99.toFixed(2)} ms, max ${Math.max(...loadSamples).toFixed(1)} ms`);
    console.log(`healthz p99 ratio: ${(loadP99 / idleP99).toFixed(2)}x (target <= 5x) ${loadP99 <= 5 * idleP99 ? 'MET' : 'NOT MET'}`);
    const rssRatio = (peak - idle.now) / inFlight;
    console.log(`RSS idle ${mib(idle.now)}, peak ${mib(peak)}, bytes in flight ${mib(inFlight)}`);
    console.log(`RSS growth ratio: ${rssRatio.toFixed(2)}x the bytes in flight (target <= 3x) ${rssRatio <= 3 ? 'MET' : 'NOT MET'}`);
  } finally {
    server.child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
