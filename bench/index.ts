/**
 * `npm run bench`: throughput of ICS ingest and of the audit on a synthetic workspace, each
 * beside a baseline measured in the same run (so the figures are ratios, not machine-bound).
 *   ingest  = parse ICS + expand recurrences + store (the sync service) vs raw better-sqlite3
 *             prepared inserts of the same rows in one transaction (the ceiling).
 *   audit   = auditTeam over every member's instances, event-instances/s.
 */
import { performance } from 'node:perf_hooks';
import { auditTeam } from '../src/domain/audit';
import type { CalendarEvent } from '../src/domain/types';
import { normalizeWorkingHours } from '../src/domain/working-hours';
import { createRepositories } from '../src/db/repositories';
import { openSqlite } from '../src/db/sqlite';
import { silentLogger } from '../src/logger';
import { parseIcs } from '../src/providers/ics/ics.mapper';
import { createTokenVault } from '../src/providers/token-vault';
import type { Deps } from '../src/services/deps';
import { syncIcsConnection } from '../src/services/sync';
import { syntheticWorkspace } from './synthetic';

const MEMBERS = Number(process.env.BENCH_MEMBERS ?? 200);
const WEEKS = Number(process.env.BENCH_WEEKS ?? 26);
const START = Date.parse('2026-06-01T00:00:00Z');
const DAY = 86_400_000;
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

async function freshDeps(): Promise<{ deps: Deps; close: () => void; raw: any }> {
  const handle = openSqlite(':memory:');
  const deps: Deps = {
    db: handle.db,
    repos: createRepositories({ db: handle.db }),
    vault: await createTokenVault('bench-secret-bench-secret-bench-secret'),
    clock: () => START + (WEEKS * 7 * DAY) / 2,
    logger: silentLogger,
    ics: { fetch, resolveHost: async () => [], allowPrivate: false, refreshMinutes: 60 },
    publicUrl: 'http://127.0.0.1',
  };
  return { deps, close: handle.close, raw: (handle.db as any).$client };
}

async function main() {
  const people = syntheticWorkspace(MEMBERS, WEEKS, START);
  const window = { start: START, end: START + WEEKS * 7 * DAY };
  console.log(`synthetic workspace: ${MEMBERS} members x ${WEEKS} weeks, ${(people.reduce((n, p) => n + p.ics.length, 0) / 1e6).toFixed(1)} MB of ICS`);

  // Ingest through the service (parse + expand + atomic replace), per member.
  const { deps, close, raw } = await freshDeps();
  const { workspace } = await (await import('../src/services/workspaces')).createWorkspace(deps, { name: 'Bench' });
  const setup: Array<{ connectionId: string; ics: string }> = [];
  for (const p of people) {
    const member = await deps.repos.members.create(workspace.id, { email: p.email, name: p.email, timeZone: p.timeZone, locale: 'en', workingHours: normalizeWorkingHours(undefined) }, 0);
    const connection = await deps.repos.connections.create(workspace.id, { memberId: member.id, provider: 'ics', label: 'bench', credentials: null });
    await deps.repos.connections.ensureCalendar(workspace.id, connection.id, { externalId: 'ics', name: 'bench', timeZone: null, isPrimary: true });
    setup.push({ connectionId: connection.id, ics: p.ics });
  }
  // Best of two passes: the first also warms the JIT; the second replaces every stored row.
  let t0 = 0;
  let instances = 0;
  let ingestMs = Infinity;
  for (let pass = 0; pass < 2; pass++) {
    t0 = performance.now();
    instances = 0;
    for (const s of setup) instances += (await syncIcsConnection(deps, workspace.id, s.connectionId, { body: s.ics })).events;
    ingestMs = Math.min(ingestMs, performance.now() - t0);
  }

  // Parse alone, to show where ingest time goes.
  t0 = performance.now();
  const parsed: CalendarEvent[][] = people.map((p) => parseIcs(p.ics, window).events);
  const parseMs = performance.now() - t0;

  // Raw ceiling: the same rows through one prepared statement in one transaction.
  const { raw: raw2, close: close2 } = await freshDeps();
  raw2.exec(`insert into workspaces (id, name) values ('ws', 'raw'); insert into members (id, workspace_id, email, name, time_zone, working_hours, updated_at) values ('m', 'ws', 'a@b', 'a', 'UTC', '{}', 0); insert into connections (id, workspace_id, member_id, provider, label) values ('c', 'ws', 'm', 'ics', 'x');`);
  const insert = raw2.prepare(
    `insert into events (workspace_id, calendar_id, external_id, series_key, original_start, title, start, "end", all_day, status, transparency, organizer, attendees, desc_present, desc_length, has_agenda, has_doc_link, has_conferencing, created_by_unmeet, synced_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  parsed.forEach((_, i) => raw2.prepare(`insert into calendars (id, workspace_id, connection_id, external_id, name) values (?, 'ws', 'c', ?, 'x')`).run(`cal${i}`, `x${i}`));
  // Two passes like the ingest: the second deletes and re-inserts, as a re-import does.
  let rawRows = 0;
  let rawMs = Infinity;
  for (let pass = 0; pass < 2; pass++) {
    t0 = performance.now();
    rawRows = 0;
    parsed.forEach((events, i) => {
      raw2.transaction(() => {
        raw2.prepare('delete from events where calendar_id = ?').run(`cal${i}`);
        for (const e of events) {
          insert.run('ws', `cal${i}`, e.externalId, e.seriesKey, e.originalStart, e.title, e.start, e.end, e.allDay ? 1 : 0, e.status, e.transparency, e.organizer, JSON.stringify(e.attendees), e.description.present ? 1 : 0, e.description.length, e.description.hasAgenda ? 1 : 0, e.description.hasDocLink ? 1 : 0, e.hasConferencing ? 1 : 0, e.createdByUnmeet ? 1 : 0, 0);
          rawRows++;
        }
      })();
    });
    rawMs = Math.min(rawMs, performance.now() - t0);
  }
  close2();

  // Audit: the pure domain over all instances, best of 3.
  const members = people.map((p, i) => ({
    member: { email: p.email, name: p.email, timeZone: p.timeZone, locale: 'en', workingHours: normalizeWorkingHours(undefined) },
    events: parsed[i]!,
  }));
  const range = { from: '2026-06-01', to: new Date(window.end).toISOString().slice(0, 10) };
  let auditMs = Infinity;
  for (let r = 0; r < 3; r++) {
    t0 = performance.now();
    auditTeam({ range, focusMinMinutes: 120, members });
    auditMs = Math.min(auditMs, performance.now() - t0);
  }
  // And through the service, loading from SQLite.
  const { auditWorkspace } = await import('../src/services/audit');
  t0 = performance.now();
  await auditWorkspace(deps, workspace.id, range);
  const serviceAuditMs = performance.now() - t0;
  close();
  void raw;

  const ingestRate = (instances / ingestMs) * 1000;
  const rawRate = (rawRows / rawMs) * 1000;
  const auditInstances = parsed.reduce((n, e) => n + e.length, 0);
  console.log(`\ningest (parse+expand+store): ${fmt(instances)} instances in ${fmt(ingestMs)} ms = ${fmt(ingestRate)} events/s`);
  console.log(`  of which parse+expand alone: ${fmt(parseMs)} ms = ${fmt((auditInstances / parseMs) * 1000)} events/s`);
  console.log(`raw better-sqlite3 insert ceiling: ${fmt(rawRows)} rows in ${fmt(rawMs)} ms = ${fmt(rawRate)} rows/s`);
  console.log(`ingest ratio (ceiling / ingest): ${(rawRate / ingestRate).toFixed(2)}x   (target <= 2x)`);
  console.log(`\naudit (domain): ${fmt(auditInstances)} instances in ${fmt(auditMs)} ms = ${fmt((auditInstances / auditMs) * 1000)} event-instances/s   (target >= 200,000)`);
  console.log(`audit (service, load from SQLite + domain): ${fmt(serviceAuditMs)} ms = ${fmt((auditInstances / serviceAuditMs) * 1000)} event-instances/s`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
