/**
 * `npm run bench`: throughput of ICS ingest and of the audit on a synthetic workspace, each
 * beside a baseline measured in the same run (so the figures are ratios, not machine-bound).
 *   ingest  = through the service, from ICS text to stored rows: parse, expand recurrences,
 *             store. Measured twice: the first import (connectIcs: new connection, empty
 *             calendar) and a re-import of the same feed (syncIcsConnection: upsert + sweep).
 *   ceiling = raw better-sqlite3: one prepared insert per row of the same parsed rows, one
 *             transaction per calendar, into an empty table. Parsing is not in it.
 *   storing = the same parsed rows through the events repository, to show what the storage
 *             layer adds and what parsing does.
 *   audit   = auditTeam over every member's instances, event-instances/s.
 * The machine is shared and noisy: its speed changes by half from one second to the next. So
 * the measurements are paired: member by member, the first import, the ceiling and the
 * re-import of that member's feed run back to back (each into its own database), and each is
 * summed over the workspace. Each round uses fresh databases; ratios are reported per round and
 * as the median.
 */
import { performance } from 'node:perf_hooks';
import { auditTeam } from '../src/domain/audit';
import { normalizeWorkingHours } from '../src/domain/working-hours';
import { parseIcs } from '../src/providers/ics/ics.mapper';
import { connectIcs, syncIcsConnection, syncWindow } from '../src/services/sync';
import { createWorkspace } from '../src/services/workspaces';
import { benchDeps } from './deps';
import { syntheticWorkspace, type SyntheticMember } from './synthetic';

const MEMBERS = Number(process.env.BENCH_MEMBERS ?? 200);
const WEEKS = Number(process.env.BENCH_WEEKS ?? 26);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const START = Date.parse('2026-06-01T00:00:00Z');
const NOW = START + (WEEKS * 7 * 86_400_000) / 2;
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
type Timing = { wall: number; cpu: number };
/** Wall-clock and CPU milliseconds of this process (CPU time does not count time the shared machine gave to others). */
const stopwatch = () => {
  const wall = performance.now();
  const cpu = process.cpuUsage();
  return () => {
    const used = process.cpuUsage(cpu);
    return { wall: performance.now() - wall, cpu: (used.user + used.system) / 1000 };
  };
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;


/** Milliseconds of wall-clock and CPU time added to `total` by `work`. */
async function timed(total: Timing, work: () => unknown): Promise<void> {
  const stop = stopwatch();
  await work();
  const t = stop();
  total.wall += t.wall;
  total.cpu += t.cpu;
}

/**
 * One round: member by member, the first import of the member's feed, the raw insert of its
 * parsed rows (the ceiling), the same rows through the events repository (storing alone), and
 * the feed's re-import; each into its own fresh database.
 */
async function pairedRound(people: SyntheticMember[], window: { start: number; end: number }) {
  const ingestDb = await benchDeps(NOW);
  const { deps } = ingestDb;
  const { workspace } = await createWorkspace(deps, { name: 'Bench' });
  const ceilingDb = await calendarsFor(people.length);
  const storeDb = await calendarsFor(people.length);
  const insert = ceilingDb.raw.prepare(
    `insert into events (workspace_id, calendar_id, external_id, series_key, original_start, title, start, "end", all_day, status, transparency, organizer, attendees, desc_present, desc_length, has_agenda, has_doc_link, has_conferencing, created_by_unmeet, synced_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const ceiling = { wall: 0, cpu: 0 };
  const storing = { wall: 0, cpu: 0 };
  const first = { wall: 0, cpu: 0 };
  const again = { wall: 0, cpu: 0 };
  let rows = 0;
  let ingested = 0;
  for (let i = 0; i < people.length; i++) {
    const p = people[i]!;
    const member = await deps.repos.members.create(workspace.id, { email: p.email, name: p.email, timeZone: p.timeZone, locale: 'en', workingHours: normalizeWorkingHours(undefined) }, 0);
    // The first import runs before anything else has read this member's feed.
    let connectionId = '';
    await timed(first, async () => {
      connectionId = (await connectIcs(deps, workspace.id, member.id, { body: p.ics })).id;
    });
    // The ceiling's input is parsed outside its timing.
    const events = parseIcs(p.ics, window, { defaultTimeZone: p.timeZone }).events;
    await timed(ceiling, () =>
      ceilingDb.raw.transaction(() => {
        for (const e of events) {
          insert.run('ws', `cal${i}`, e.externalId, e.seriesKey, e.originalStart, e.title, e.start, e.end, e.allDay ? 1 : 0, e.status, e.transparency, e.organizer, JSON.stringify(e.attendees), e.description.present ? 1 : 0, e.description.length, e.description.hasAgenda ? 1 : 0, e.description.hasDocLink ? 1 : 0, e.hasConferencing ? 1 : 0, e.createdByUnmeet ? 1 : 0, NOW);
          rows++;
        }
      })(),
    );
    await timed(storing, () => storeDb.deps.repos.events.replaceCalendar('ws', `cal${i}`, events, window, NOW, { fresh: true }));
    await timed(again, async () => {
      ingested += (await syncIcsConnection(deps, workspace.id, connectionId, { body: p.ics })).events;
    });
  }
  ingestDb.close();
  ceilingDb.close();
  storeDb.close();
  return { ceiling, storing, first, again, rows, ingested };
}

/** A fresh database with one workspace, member and connection, and `count` calendars (`cal0`, …). */
async function calendarsFor(count: number) {
  const { deps, close } = await benchDeps(NOW);
  const raw = (deps.db as unknown as { $client: import('better-sqlite3').Database }).$client;
  raw.exec(`insert into workspaces (id, name) values ('ws', 'raw'); insert into members (id, workspace_id, email, name, time_zone, working_hours, updated_at) values ('m', 'ws', 'a@b', 'a', 'UTC', '{}', 0); insert into connections (id, workspace_id, member_id, provider, label) values ('c', 'ws', 'm', 'ics', 'x');`);
  const addCalendar = raw.prepare(`insert into calendars (id, workspace_id, connection_id, external_id, name) values (?, 'ws', 'c', ?, 'x')`);
  for (let i = 0; i < count; i++) addCalendar.run(`cal${i}`, `x${i}`);
  return { deps, raw, close };
}

async function main() {
  const people = syntheticWorkspace(MEMBERS, WEEKS, START);
  const window = syncWindow(NOW);
  console.log(`synthetic workspace: ${MEMBERS} members x ${WEEKS} weeks, ${(people.reduce((n, p) => n + p.ics.length, 0) / 1e6).toFixed(1)} MB of ICS`);

  const parseAll = () => people.map((p) => parseIcs(p.ics, window, { defaultTimeZone: p.timeZone }).events);
  // Parse alone, to show where ingest time goes (best of 3; the first also warms the JIT).
  let parseMs = Infinity;
  let instances = 0;
  for (let r = 0; r < 3; r++) {
    const t0 = performance.now();
    instances = parseAll().reduce((n, e) => n + e.length, 0);
    parseMs = Math.min(parseMs, performance.now() - t0);
  }

  console.log(`\ningest vs raw insert ceiling, member by member, ${ROUNDS} rounds on fresh in-memory databases (ms; CPU ms in brackets):`);
  console.log('round          raw      first import   ratio (cpu)        re-import   ratio (cpu)');
  const ratios = { first: [] as number[], firstCpu: [] as number[], again: [] as number[], againCpu: [] as number[] };
  const raws: number[] = [];
  const firsts: number[] = [];
  const storeRatios: number[] = [];
  const cell = (t: Timing) => `${fmt(t.wall)} (${fmt(t.cpu)})`;
  for (let round = 0; round <= ROUNDS; round++) {
    const run = await pairedRound(people, window);
    if (run.rows !== instances || run.ingested !== instances) throw new Error(`row counts differ: ${run.rows} raw, ${run.ingested} ingested, ${instances} parsed`);
    if (round === 0) continue; // warm-up: JIT and allocator
    const r = {
      first: run.first.wall / run.ceiling.wall,
      firstCpu: run.first.cpu / run.ceiling.cpu,
      again: run.again.wall / run.ceiling.wall,
      againCpu: run.again.cpu / run.ceiling.cpu,
    };
    for (const k of Object.keys(ratios) as Array<keyof typeof ratios>) ratios[k].push(r[k]);
    raws.push(run.ceiling.wall);
    storeRatios.push(run.storing.wall / run.ceiling.wall);
    firsts.push(run.first.wall);
    console.log(
      `${String(round).padStart(5)} ${cell(run.ceiling).padStart(14)} ${cell(run.first).padStart(17)} ${r.first.toFixed(2).padStart(6)}x (${r.firstCpu.toFixed(2)}x) ${cell(run.again).padStart(16)} ${r.again.toFixed(2).padStart(6)}x (${r.againCpu.toFixed(2)}x)`,
    );
  }

  // Audit: the pure domain over all instances, best of 3.
  const parsed = parseAll();
  const members = people.map((p, i) => ({
    member: { email: p.email, name: p.email, timeZone: p.timeZone, locale: 'en', workingHours: normalizeWorkingHours(undefined) },
    events: parsed[i]!,
  }));
  const range = { from: '2026-06-01', to: new Date(START + WEEKS * 7 * 86_400_000).toISOString().slice(0, 10) };
  let auditMs = Infinity;
  for (let r = 0; r < 3; r++) {
    const t0 = performance.now();
    auditTeam({ range, focusMinMinutes: 120, members });
    auditMs = Math.min(auditMs, performance.now() - t0);
  }
  console.log(`\ningest (first import): ${fmt(instances)} instances, median ${fmt(median(firsts))} ms = ${fmt((instances / median(firsts)) * 1000)} events/s`);
  console.log(`  of which parse+expand alone: ${fmt(parseMs)} ms = ${fmt((instances / parseMs) * 1000)} events/s`);
  console.log(`  of which storing alone (the events repository on parsed rows): median ${median(storeRatios).toFixed(2)}x the ceiling`);
  console.log(`raw better-sqlite3 insert ceiling: median ${fmt(median(raws))} ms = ${fmt((instances / median(raws)) * 1000)} rows/s`);
  console.log(
    `ingest ratio (ingest time / ceiling time), median of ${ROUNDS}: first import ${median(ratios.first).toFixed(2)}x wall, ${median(ratios.firstCpu).toFixed(2)}x CPU (target <= 1.5x); re-import ${median(ratios.again).toFixed(2)}x wall, ${median(ratios.againCpu).toFixed(2)}x CPU`,
  );
  console.log(`\naudit (domain): ${fmt(instances)} instances in ${fmt(auditMs)} ms = ${fmt((instances / auditMs) * 1000)} event-instances/s   (target >= 200,000)`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
