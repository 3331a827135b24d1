/**
 * `npm run bench`: throughput of ICS ingest and of the audit on a synthetic workspace, each
 * beside a baseline measured in the same run (so the figures are ratios, not machine-bound).
 *   ingest  = through the service, from ICS text to stored rows: parse, expand recurrences,
 *             store. Measured twice: the first import (connectIcs: new connection, empty
 *             calendar) and a re-import of the same feeds (syncIcsConnection: upsert + sweep).
 *   ceiling = raw better-sqlite3: one prepared insert per row of the same parsed rows, one
 *             transaction per calendar, into an empty table. Parsing is not in it.
 *   storing = the same parsed rows through the events repository, to show what the storage
 *             layer adds and what parsing does.
 *   audit   = auditTeam over every member's instances, event-instances/s.
 * The machine is shared and noisy, so the ceiling and the ingest run back to back in each of
 * several rounds, on fresh databases, and the ratio is reported per round and as the median.
 */
import { performance } from 'node:perf_hooks';
import { auditTeam } from '../src/domain/audit';
import type { CalendarEvent } from '../src/domain/types';
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


/** First import and re-import of every member's feed through the service; ms each and the row count. */
async function ingest(people: SyntheticMember[]): Promise<{ first: Timing; again: Timing; rows: number }> {
  const { deps, close } = await benchDeps(NOW);
  const { workspace } = await createWorkspace(deps, { name: 'Bench' });
  const members = [];
  for (const p of people) {
    members.push(await deps.repos.members.create(workspace.id, { email: p.email, name: p.email, timeZone: p.timeZone, locale: 'en', workingHours: normalizeWorkingHours(undefined) }, 0));
  }
  let stop = stopwatch();
  const connections = [];
  for (let i = 0; i < people.length; i++) connections.push(await connectIcs(deps, workspace.id, members[i]!.id, { body: people[i]!.ics }));
  const first = stop();
  stop = stopwatch();
  let rows = 0;
  for (let i = 0; i < people.length; i++) rows += (await syncIcsConnection(deps, workspace.id, connections[i]!.id, { body: people[i]!.ics })).events;
  const again = stop();
  close();
  return { first, again, rows };
}

/** A fresh database with one workspace, member and connection, and a calendar per parsed feed. */
async function calendarsFor(parsed: CalendarEvent[][]) {
  const { deps, close } = await benchDeps(NOW);
  const raw = (deps.db as unknown as { $client: import('better-sqlite3').Database }).$client;
  raw.exec(`insert into workspaces (id, name) values ('ws', 'raw'); insert into members (id, workspace_id, email, name, time_zone, working_hours, updated_at) values ('m', 'ws', 'a@b', 'a', 'UTC', '{}', 0); insert into connections (id, workspace_id, member_id, provider, label) values ('c', 'ws', 'm', 'ics', 'x');`);
  const addCalendar = raw.prepare(`insert into calendars (id, workspace_id, connection_id, external_id, name) values (?, 'ws', 'c', ?, 'x')`);
  parsed.forEach((_, i) => addCalendar.run(`cal${i}`, `x${i}`));
  return { deps, raw, close };
}

/** The same parsed rows through one raw prepared insert, one transaction per calendar. */
async function rawCeiling(parsed: CalendarEvent[][]): Promise<{ time: Timing; rows: number }> {
  const { raw, close } = await calendarsFor(parsed);
  const insert = raw.prepare(
    `insert into events (workspace_id, calendar_id, external_id, series_key, original_start, title, start, "end", all_day, status, transparency, organizer, attendees, desc_present, desc_length, has_agenda, has_doc_link, has_conferencing, created_by_unmeet, synced_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  let rows = 0;
  const stop = stopwatch();
  parsed.forEach((events, i) => {
    raw.transaction(() => {
      for (const e of events) {
        insert.run('ws', `cal${i}`, e.externalId, e.seriesKey, e.originalStart, e.title, e.start, e.end, e.allDay ? 1 : 0, e.status, e.transparency, e.organizer, JSON.stringify(e.attendees), e.description.present ? 1 : 0, e.description.length, e.description.hasAgenda ? 1 : 0, e.description.hasDocLink ? 1 : 0, e.hasConferencing ? 1 : 0, e.createdByUnmeet ? 1 : 0, NOW);
        rows++;
      }
    })();
  });
  const time = stop();
  close();
  return { time, rows };
}

/** The same parsed rows through the events repository (what ingest does after parsing). */
async function repositoryStore(parsed: CalendarEvent[][]): Promise<Timing> {
  const { deps, close } = await calendarsFor(parsed);
  const window = syncWindow(NOW);
  const stop = stopwatch();
  for (let i = 0; i < parsed.length; i++) await deps.repos.events.replaceCalendar('ws', `cal${i}`, parsed[i]!, window, NOW, { fresh: true });
  const time = stop();
  close();
  return time;
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

  console.log(`\ningest vs raw insert ceiling, ${ROUNDS} rounds on fresh in-memory databases (ms; CPU ms in brackets):`);
  console.log('round          raw      first import   ratio (cpu)        re-import   ratio (cpu)');
  const ratios = { first: [] as number[], firstCpu: [] as number[], again: [] as number[], againCpu: [] as number[] };
  const raws: number[] = [];
  const firsts: number[] = [];
  const storeRatios: number[] = [];
  const cell = (t: Timing) => `${fmt(t.wall)} (${fmt(t.cpu)})`;
  for (let round = 0; round <= ROUNDS; round++) {
    // The ceiling's input is parsed outside its timing and dropped before the ingest runs: a
    // server holds one feed at a time, not the whole workspace's parsed events.
    const input = parseAll();
    const ceiling = await rawCeiling(input);
    const stored = await repositoryStore(input);
    input.length = 0;
    const run = await ingest(people);
    if (ceiling.rows !== instances || run.rows !== instances) throw new Error(`row counts differ: ${ceiling.rows} raw, ${run.rows} ingested, ${instances} parsed`);
    if (round === 0) continue; // warm-up: JIT and allocator
    const r = {
      first: run.first.wall / ceiling.time.wall,
      firstCpu: run.first.cpu / ceiling.time.cpu,
      again: run.again.wall / ceiling.time.wall,
      againCpu: run.again.cpu / ceiling.time.cpu,
    };
    for (const k of Object.keys(ratios) as Array<keyof typeof ratios>) ratios[k].push(r[k]);
    raws.push(ceiling.time.wall);
    storeRatios.push(stored.wall / ceiling.time.wall);
    firsts.push(run.first.wall);
    console.log(
      `${String(round).padStart(5)} ${cell(ceiling.time).padStart(14)} ${cell(run.first).padStart(17)} ${r.first.toFixed(2).padStart(6)}x (${r.firstCpu.toFixed(2)}x) ${cell(run.again).padStart(16)} ${r.again.toFixed(2).padStart(6)}x (${r.againCpu.toFixed(2)}x)`,
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
    `ingest ratio (ingest time / ceiling time), median of ${ROUNDS}: first import ${median(ratios.first).toFixed(2)}x wall, ${median(ratios.firstCpu).toFixed(2)}x CPU; re-import ${median(ratios.again).toFixed(2)}x wall, ${median(ratios.againCpu).toFixed(2)}x CPU   (target <= 2x)`,
  );
  console.log(`\naudit (domain): ${fmt(instances)} instances in ${fmt(auditMs)} ms = ${fmt((instances / auditMs) * 1000)} event-instances/s   (target >= 200,000)`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
