/**
 * `npm run bench:sync`: a full Google sync of 10,000 events in 40 pages through the real
 * client against the local fake, beside the same pages fetched and mapped without storing.
 * Two full syncs: over the calendar already stored (a 410 or a reconnect: each row rewritten
 * once under the new listing's generation, then the sweep) and into an empty calendar (the
 * first sync). Target: storing costs at most 1.5x the fetch-only run. The machine is shared and
 * noisy, so the three run back to back in each round (the order rotating from round to round)
 * and each ratio is the median of the rounds' ratios, with their spread. Each run is timed twice:
 * wall-clock, and the process's CPU time (user + system). Client, fake and SQLite all run on this
 * one thread, so on a quiet machine the two agree; on a busy one the wall clock also counts time
 * spent waiting for a core, and the CPU-time ratio is the one to read.
 */
import { and, eq } from 'drizzle-orm';
import { performance } from 'node:perf_hooks';
import { events, syncState } from '../src/db/schema';
import { storeTokens, providerFor } from '../src/services/providers';
import { syncProviderCalendar } from '../src/services/provider-sync';
import { syncWindow } from '../src/services/sync';
import { createWorkspace } from '../src/services/workspaces';
import { normalizeWorkingHours } from '../src/domain/working-hours';
import { startFakeGoogle } from '../tests/fakes/google/server';
import { benchDeps } from './deps';

const EVENTS = 10_000;
const PAGE = 250;
const NOW = Date.parse('2026-11-28T12:00:00Z');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 11);

async function main() {
  const fake = await startFakeGoogle();
  fake.pageSize = PAGE;
  for (let i = 0; i < EVENTS; i++) {
    const start = NOW - 100 * 86_400_000 + i * 1_800_000;
    fake.put('primary', {
      id: `ev${i.toString(32).padStart(6, '0')}`,
      status: 'confirmed',
      summary: `Meeting ${i}`,
      start: { dateTime: new Date(start).toISOString() },
      end: { dateTime: new Date(start + 1_500_000).toISOString() },
      iCalUID: `ev${i}@google.com`,
      organizer: { email: 'a@example.com' },
      attendees: [{ email: 'a@example.com', responseStatus: 'accepted' }, { email: `p${i % 50}@example.com`, responseStatus: 'needsAction' }],
      description: i % 3 ? 'Agenda:\n1. a\n2. b' : undefined,
    });
  }
  // A real OAuth grant from the fake, so requests carry a live bearer token.
  const verifier = 'v'.repeat(64);
  const challenge = Buffer.from(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))).toString('base64url');
  const consent = await fetch(`${fake.url}/o/oauth2/v2/auth?client_id=${encodeURIComponent(fake.clientId)}&redirect_uri=${encodeURIComponent('http://127.0.0.1/cb')}&code_challenge=${challenge}&code_challenge_method=S256&state=s`, { redirect: 'manual' });
  const code = new URL(consent.headers.get('location')!).searchParams.get('code')!;
  const tokenRes = await fetch(`${fake.url}/token`, {
    method: 'POST',
    body: new URLSearchParams({ grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: 'http://127.0.0.1/cb', client_id: fake.clientId, client_secret: fake.clientSecret }),
  });
  const tokens = await tokenRes.json();

  const { deps, close } = await benchDeps(NOW, {
    google: { clientId: fake.clientId, clientSecret: fake.clientSecret, apiRoot: fake.url, oauthRoot: fake.url },
  });
  const { workspace } = await createWorkspace(deps, { name: 'Bench' });
  const member = await deps.repos.members.create(workspace.id, { email: 'a@example.com', name: 'A', timeZone: 'UTC', locale: 'en', workingHours: normalizeWorkingHours(undefined) }, 0);
  const connection = await deps.repos.connections.create(workspace.id, { memberId: member.id, provider: 'google', label: 'g', credentials: null });
  await storeTokens(deps, connection, tokens);
  const calendar = await deps.repos.connections.ensureCalendar(workspace.id, connection.id, { externalId: 'primary', name: 'p', timeZone: null, isPrimary: true });
  const provider = await providerFor(deps, (await deps.repos.connections.get(workspace.id, connection.id))!);

  const fetchOnly = async () => {
    let pageToken: string | null = null;
    let n = 0;
    let pages = 0;
    do {
      const page = await provider.listChanges('primary', { pageToken, syncToken: null, window: syncWindow(NOW) });
      n += page.changes.length;
      pages++;
      pageToken = page.nextPageToken ?? null;
    } while (pageToken);
    return { n, pages };
  };
  // What makes the next sync a full one, done outside the timed part: the cursor forgotten (as a
  // reconnect does; a 410 costs one request more), and for the first sync the rows too.
  const scope = (table: typeof events | typeof syncState) => and(eq(table.workspaceId, workspace.id), eq(table.calendarId, calendar.id));
  const forgetCursor = () => deps.db.update(syncState).set({ syncToken: null, pageToken: null, fullSyncGen: null }).where(scope(syncState));
  const full = (emptyFirst: boolean) => async () => {
    if (emptyFirst) await deps.db.delete(events).where(scope(events));
    await forgetCursor();
    return timed(() => syncProviderCalendar(deps, workspace.id, connection.id, calendar.id, provider));
  };
  const cpuMs = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };
  const timed = async <T>(fn: () => Promise<T>) => {
    const [t0, c0] = [performance.now(), cpuMs()];
    const out = await fn();
    return { ms: performance.now() - t0, cpu: cpuMs() - c0, out };
  };
  const runs = { fetch: [] as number[], over: [] as number[], empty: [] as number[] };
  const ratios = { over: [] as number[], empty: [] as number[] };
  const cpuRatios = { over: [] as number[], empty: [] as number[] };
  let fetched!: { n: number; pages: number };
  let synced!: { pages: number };
  for (let round = 0; round <= ROUNDS; round++) {
    const ms: Record<'fetch' | 'over' | 'empty', number> = { fetch: 0, over: 0, empty: 0 };
    const cpu: Record<'fetch' | 'over' | 'empty', number> = { fetch: 0, over: 0, empty: 0 };
    const order = (['fetch', 'over', 'empty'] as const).map((_, i, all) => all[(i + round) % 3]!);
    for (const kind of order) {
      if (kind === 'fetch') {
        const f = await timed(fetchOnly);
        fetched = f.out;
        ms.fetch = f.ms;
        cpu.fetch = f.cpu;
      } else {
        const s = await full(kind === 'empty')();
        synced = s.out;
        ms[kind] = s.ms;
        cpu[kind] = s.cpu;
      }
    }
    if (round === 0) continue; // warm-up
    for (const kind of ['fetch', 'over', 'empty'] as const) runs[kind].push(ms[kind]);
    ratios.over.push(ms.over / ms.fetch);
    ratios.empty.push(ms.empty / ms.fetch);
    cpuRatios.over.push(cpu.over / cpu.fetch);
    cpuRatios.empty.push(cpu.empty / cpu.fetch);
  }
  const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
  const median = (xs: number[]) => sorted(xs)[Math.floor(xs.length / 2)]!;
  const spread = (xs: number[]) => `${sorted(xs)[0]!.toFixed(2)}-${sorted(xs).at(-1)!.toFixed(2)}x, quartiles ${sorted(xs)[Math.floor(xs.length / 4)]!.toFixed(2)}-${sorted(xs)[Math.floor((3 * xs.length) / 4)]!.toFixed(2)}x`;
  const stored = await deps.repos.events.countForCalendar(workspace.id, calendar.id);
  const rate = (n: number, ms: number) => Math.round((n / ms) * 1000).toLocaleString('en-US');
  console.log(`google sync: ${EVENTS} events in ${fetched.pages} pages (page size ${PAGE}), ${ROUNDS} rounds`);
  console.log(`  fetch + map only:             median ${Math.round(median(runs.fetch))} ms = ${rate(fetched.n, median(runs.fetch))} events/s`);
  console.log(`  full sync over stored rows:   median ${Math.round(median(runs.over))} ms = ${rate(stored, median(runs.over))} events/s (${stored} stored, ${synced.pages} pages)`);
  console.log(`  full sync into empty calendar: median ${Math.round(median(runs.empty))} ms = ${rate(stored, median(runs.empty))} events/s`);
  for (const kind of ['over', 'empty'] as const) {
    const label = kind === 'over' ? 'over stored rows' : 'into empty calendar';
    console.log(`  ${label}, per round: ${ratios[kind].map((r) => `${r.toFixed(2)}x`).join(', ')}`);
    console.log(`  ${label}: storing costs ${median(ratios[kind]).toFixed(2)}x the fetch-only run, wall-clock (median of ${ROUNDS}; spread ${spread(ratios[kind])})   (target <= 1.5x)`);
    console.log(`  ${label}: storing costs ${median(cpuRatios[kind]).toFixed(2)}x the fetch-only run, CPU time (median of ${ROUNDS}; spread ${spread(cpuRatios[kind])})   (target <= 1.5x)`);
  }
  close();
  await fake.stop();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
