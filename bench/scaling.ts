/**
 * `npm run bench:scaling`: what one database holds and does for organisations of 1,000, 2,000
 * and 5,000 members (docs/scaling.md). For each size, on a SQLite file (D1 is SQLite, so the
 * bytes are the ones D1 counts):
 *   import   = connectIcs of every member's feed (first import: parse, expand, store);
 *   refresh  = syncIcsConnection of the same, unchanged feed (the hourly ICS refresh job);
 *   audit    = the team audit (auditWorkspace, no cache) over the generated weeks;
 *   flags    = every series scored (computeWorkspaceFlags, no cache) over the same weeks;
 *   storage  = database bytes after a WAL checkpoint, and per table/index where SQLite has dbstat.
 * Baseline from the same run: parsing the feeds alone (parseIcs), so work is also given as
 * "× parse", which stays meaningful on a faster or slower machine than this shared one.
 * Each quantity is fitted against the member count (least squares, y = a + b·n, with R²), and
 * extrapolated to a year of calendar (the sync window holds 364 days) and to a day of jobs.
 *
 *   BENCH_SIZES=1000,2000,5000 BENCH_WEEKS=2 npm run bench:scaling   (the defaults; --expose-gc for the heap figure)
 * Two weeks keep the run to a few minutes on two cores; four weeks gave the same per-row figures.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type Database from 'better-sqlite3';
import { createRepositories } from '../src/db/repositories';
import { openSqlite } from '../src/db/sqlite';
import { normalizeWorkingHours } from '../src/domain/working-hours';
import { silentLogger } from '../src/logger';
import { createTokenVault } from '../src/providers/token-vault';
import { parseIcs } from '../src/providers/ics/ics.mapper';
import { auditWorkspace } from '../src/services/audit';
import type { Deps } from '../src/services/deps';
import { computeWorkspaceFlags } from '../src/services/flags';
import { connectIcs, syncIcsConnection, SYNC_WINDOW_DAYS, syncWindow } from '../src/services/sync';
import { createWorkspace } from '../src/services/workspaces';
import { syntheticWorkspace } from './synthetic';

const SIZES = (process.env.BENCH_SIZES ?? '1000,2000,5000').split(',').map(Number);
const WEEKS = Number(process.env.BENCH_WEEKS ?? 2);
/** Audits and flags default to 28 days: their measured cost is projected to that range (linear in events). */
const REPORT_WEEKS = 4;
const START = Date.parse('2026-06-01T00:00:00Z');
const NOW = START + (WEEKS * 7 * 86_400_000) / 2;
const RANGE = { from: '2026-06-01', to: new Date(START + WEEKS * 7 * 86_400_000).toISOString().slice(0, 10) };
/** Stored rows span the sync window: a member's steady state is this many weeks of calendar. */
const WINDOW_WEEKS = (SYNC_WINDOW_DAYS.past + SYNC_WINDOW_DAYS.future) / 7;

interface Measured {
  members: number;
  rows: number;
  dbBytes: number;
  /** Bytes per table or index (dbstat), when SQLite was built with it. */
  objects: Record<string, number> | null;
  parseCpuMs: number;
  importCpuMs: number;
  refreshCpuMs: number;
  refreshRowsWritten: number;
  auditCpuMs: number;
  auditHeapMb: number;
  flagsCpuMs: number;
}

const cpuNow = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
/** CPU milliseconds of this process spent in `work` (the shared machine's other load is not counted). */
async function cpuOf(work: () => Promise<unknown> | unknown): Promise<number> {
  const start = cpuNow();
  await work();
  return cpuNow() - start;
}

async function fileDeps(path: string): Promise<{ deps: Deps; raw: Database.Database; close: () => void }> {
  const handle = openSqlite(path);
  const deps: Deps = {
    db: handle.db,
    repos: createRepositories({ db: handle.db }),
    vault: await createTokenVault('bench-secret-bench-secret-bench-secret'),
    clock: () => NOW,
    logger: silentLogger,
    ics: { fetch, resolveHost: async () => [], allowPrivate: false, refreshMinutes: 60 },
    publicUrl: 'http://127.0.0.1',
  };
  return { deps, raw: (handle.db as unknown as { $client: Database.Database }).$client, close: handle.close };
}

function storage(raw: Database.Database): { dbBytes: number; objects: Record<string, number> | null } {
  raw.pragma('wal_checkpoint(TRUNCATE)');
  const pageSize = raw.pragma('page_size', { simple: true }) as number;
  const pages = raw.pragma('page_count', { simple: true }) as number;
  let objects: Record<string, number> | null = null;
  try {
    const list = raw.prepare('select name, sum(pgsize) as bytes from dbstat group by name order by bytes desc').all() as Array<{ name: string; bytes: number }>;
    objects = Object.fromEntries(list.map((o) => [o.name, o.bytes]));
  } catch {
    objects = null; // this SQLite build has no dbstat
  }
  return { dbBytes: pageSize * pages, objects };
}

async function measure(members: number): Promise<Measured> {
  const people = syntheticWorkspace(members, WEEKS, START);
  const window = syncWindow(NOW);
  const parseCpuMs = await cpuOf(() => {
    for (const p of people) parseIcs(p.ics, window, { defaultTimeZone: p.timeZone });
  });
  const dir = mkdtempSync(join(tmpdir(), 'unmeet-scaling-'));
  const { deps, raw, close } = await fileDeps(join(dir, 'scaling.db'));
  try {
    const { workspace } = await createWorkspace(deps, { name: `Org ${members}` });
    const connections: string[] = [];
    let importCpuMs = 0;
    for (const p of people) {
      const member = await deps.repos.members.create(workspace.id, { email: p.email, name: p.email, timeZone: p.timeZone, locale: 'en', workingHours: normalizeWorkingHours(undefined) }, 0);
      importCpuMs += await cpuOf(async () => connections.push((await connectIcs(deps, workspace.id, member.id, { body: p.ics })).id));
    }
    const rows = (raw.prepare('select count(*) as n from events').get() as { n: number }).n;
    const { dbBytes, objects } = storage(raw);

    const changesBefore = (raw.prepare('select total_changes() as n').get() as { n: number }).n;
    let refreshCpuMs = 0;
    for (const [i, p] of people.entries()) {
      refreshCpuMs += await cpuOf(() => syncIcsConnection(deps, workspace.id, connections[i]!, { body: p.ics }));
    }
    const refreshRowsWritten = (raw.prepare('select total_changes() as n').get() as { n: number }).n - changesBefore;

    // Best of two runs each: the first also warms the JIT.
    let auditCpuMs = Infinity;
    let auditHeapMb = 0;
    for (let run = 0; run < 2; run++) {
      global.gc?.();
      const heapBefore = process.memoryUsage().heapUsed;
      auditCpuMs = Math.min(
        auditCpuMs,
        await cpuOf(async () => {
          const report = await auditWorkspace(deps, workspace.id, RANGE);
          // The report and the rows behind it are still reachable here: the heap the request needs.
          auditHeapMb = Math.max(auditHeapMb, (process.memoryUsage().heapUsed - heapBefore) / 2 ** 20);
          if (report.members.length !== members) throw new Error('audit lost members');
        }),
      );
    }
    let flagsCpuMs = Infinity;
    for (let run = 0; run < 2; run++) flagsCpuMs = Math.min(flagsCpuMs, await cpuOf(() => computeWorkspaceFlags(deps, workspace.id, RANGE)));
    return {
      members,
      rows,
      dbBytes,
      objects,
      parseCpuMs,
      importCpuMs,
      refreshCpuMs,
      refreshRowsWritten,
      auditCpuMs,
      auditHeapMb,
      flagsCpuMs,
    };
  } finally {
    close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Least squares y = a + b·x, with the coefficient of determination. */
function fit(xs: number[], ys: number[]): { a: number; b: number; r2: number } {
  const n = xs.length;
  const mx = xs.reduce((s, x) => s + x, 0) / n;
  const my = ys.reduce((s, y) => s + y, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (xs[i]! - mx) * (ys[i]! - my);
    sxx += (xs[i]! - mx) ** 2;
    syy += (ys[i]! - my) ** 2;
  }
  const b = sxx === 0 ? 0 : sxy / sxx;
  return { a: my - b * mx, b, r2: syy === 0 ? 1 : (sxy * sxy) / (sxx * syy) };
}

const f = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

function printSizes(results: Measured[]): void {
  console.log(`\nmembers | event rows | rows/member | DB MB | bytes/row | import ms/member (× parse) | refresh ms/member (× parse) | rows written/refresh | audit s | audit heap growth MB | flags s   (audit and flags over the ${WEEKS} generated weeks)`);
  for (const r of results) {
    const perParse = r.parseCpuMs / r.members;
    console.log(
      [
        f(r.members),
        f(r.rows),
        f(r.rows / r.members, 1),
        f(r.dbBytes / 1e6, 1),
        f(r.dbBytes / r.rows),
        `${f(r.importCpuMs / r.members, 2)} (${f(r.importCpuMs / r.members / perParse, 1)}×)`,
        `${f(r.refreshCpuMs / r.members, 2)} (${f(r.refreshCpuMs / r.members / perParse, 1)}×)`,
        f(r.refreshRowsWritten / r.members, 1),
        f(r.auditCpuMs / 1000, 2),
        f(r.auditHeapMb, 0),
        f(r.flagsCpuMs / 1000, 2),
      ].join(' | '),
    );
  }
  const last = results[results.length - 1]!;
  if (last.objects) {
    console.log(`\nwhere the bytes are (${f(last.members)} members):`);
    for (const [name, bytes] of Object.entries(last.objects).filter(([, b]) => b >= 1e5)) console.log(`  ${name.padEnd(36)} ${f(bytes / 1e6, 2).padStart(9)} MB  ${f(bytes / last.rows).padStart(5)} B/event row`);
  } else console.log('\n(dbstat is not compiled into this SQLite: no per-table split)');
}

function printFits(results: Measured[]): void {
  const xs = results.map((r) => r.members);
  const reportScale = REPORT_WEEKS / WEEKS;
  const line = (name: string, ys: number[], unit: string, digits = 3) => {
    const { a, b, r2 } = fit(xs, ys);
    console.log(`  ${name.padEnd(28)} ${f(a, 1).padStart(10)} + ${f(b, digits)} ${unit} per member   R² ${r2.toFixed(4)}`);
    return { a, b, r2 };
  };
  console.log('\nfits against members (y = a + b·n):');
  const bytes = line('database bytes', results.map((r) => r.dbBytes), 'B', 0);
  const imp = line('import CPU ms', results.map((r) => r.importCpuMs), 'ms');
  const refresh = line('refresh CPU ms (all feeds)', results.map((r) => r.refreshCpuMs), 'ms');
  const audit = line('team audit CPU ms', results.map((r) => r.auditCpuMs), 'ms');
  const heap = line('team audit heap MB', results.map((r) => r.auditHeapMb), 'MB', 4);
  const flags = line('flags CPU ms', results.map((r) => r.flagsCpuMs), 'ms');

  const yearScale = WINDOW_WEEKS / WEEKS;
  const bytesPerMemberYear = bytes.b * yearScale;
  const GB = 1e9;
  console.log(`\nextrapolated to the ${SYNC_WINDOW_DAYS.past + SYNC_WINDOW_DAYS.future}-day sync window (× ${yearScale.toFixed(1)} the ${WEEKS} generated weeks):`);
  console.log(`  storage per member-year       ${f(bytesPerMemberYear / 1e6, 2)} MB`);
  console.log(`  members that fill 10 GB (one D1 database, paid plan)   ${f((10 * GB) / bytesPerMemberYear)}`);
  console.log(`  members that fill 500 MB (one D1 database, free plan)  ${f((0.5 * GB) / bytesPerMemberYear)}`);
  const refreshPerMember = refresh.b * yearScale;
  console.log(`  hourly ICS refresh, per member: ${f(refreshPerMember, 2)} ms CPU → ${f((refreshPerMember * 24) / 1000, 2)} s per member-day`);
  console.log(`  (audit and flags projected to the default ${REPORT_WEEKS * 7}-day range: × ${reportScale.toFixed(1)} the measured ${WEEKS} weeks)`);
  for (const n of [1000, 5000, 10_000, 20_000]) {
    const dayRefresh = (refresh.a + refresh.b * n) * yearScale * 24;
    console.log(
      `  ${f(n).padStart(6)} members: refresh ${f(dayRefresh / 3_600_000, 2)} CPU-h/day; team audit ${f(((audit.a + audit.b * n) * reportScale) / 1000, 1)} s, heap growth ${f((heap.a + heap.b * n) * reportScale)} MB; flags ${f(((flags.a + flags.b * n) * reportScale) / 1000, 1)} s; first import of a year ${f(((imp.a + imp.b * n) * yearScale) / 60_000, 1)} CPU-min`,
    );
  }
  const auditFits = (limitMs: number) => Math.floor((limitMs / reportScale - audit.a) / audit.b);
  const heapFits = (limitMb: number) => Math.floor((limitMb / reportScale - heap.a) / heap.b);
  console.log(`  a ${REPORT_WEEKS * 7}-day team audit stays under 30 s CPU (Workers default) up to ${f(auditFits(30_000))} members, under 5 min up to ${f(auditFits(300_000))}; its heap growth passes 128 MB (an isolate's memory) at ${f(heapFits(128))} members`);
}

async function main() {
  console.log(`scaling: sizes ${SIZES.join(', ')}; ${WEEKS} weeks of synthetic calendar each (window ${f(WINDOW_WEEKS, 1)} weeks)`);
  const results: Measured[] = [];
  for (const size of SIZES) {
    const started = performance.now();
    results.push(await measure(size));
    console.log(`  ${f(size)} members measured in ${f((performance.now() - started) / 1000, 1)} s`);
  }
  printSizes(results);
  if (results.length >= 2) printFits(results);
}

await main();
