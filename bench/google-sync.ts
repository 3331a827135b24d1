/**
 * `npm run bench:sync`: a full Google sync of 10,000 events in 40 pages through the real
 * client against the local fake, beside the same pages fetched and mapped without storing.
 * Target: storing costs at most 1.5x the fetch-only run. The machine is shared and noisy, so
 * the two run back to back in each round and the ratio is the median of the rounds' ratios.
 */
import { performance } from 'node:perf_hooks';
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
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);

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
  const full = async () => {
    await deps.repos.events.resetCalendar(workspace.id, calendar.id, NOW);
    return syncProviderCalendar(deps, workspace.id, connection.id, calendar.id, provider);
  };

  const timed = async <T>(fn: () => Promise<T>) => {
    const t0 = performance.now();
    const out = await fn();
    return { ms: performance.now() - t0, out };
  };
  const ratios: number[] = [];
  const fetchMs: number[] = [];
  const syncMs: number[] = [];
  let fetched!: { n: number; pages: number };
  let synced!: { pages: number };
  for (let round = 0; round <= ROUNDS; round++) {
    const f = await timed(fetchOnly);
    const s = await timed(full);
    fetched = f.out;
    synced = s.out;
    if (round === 0) continue; // warm-up
    ratios.push(s.ms / f.ms);
    fetchMs.push(f.ms);
    syncMs.push(s.ms);
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const stored = await deps.repos.events.countForCalendar(workspace.id, calendar.id);
  const rate = (n: number, ms: number) => Math.round((n / ms) * 1000).toLocaleString('en-US');
  console.log(`google sync: ${EVENTS} events in ${fetched.pages} pages (page size ${PAGE}), ${ROUNDS} rounds`);
  console.log(`  fetch + map only:      median ${Math.round(median(fetchMs))} ms = ${rate(fetched.n, median(fetchMs))} events/s`);
  console.log(`  fetch + map + store:   median ${Math.round(median(syncMs))} ms = ${rate(stored, median(syncMs))} events/s (${stored} stored, ${synced.pages} pages)`);
  console.log(`  per round: ${ratios.map((r) => `${r.toFixed(2)}x`).join(', ')}`);
  console.log(`  best full sync / best fetch-only: ${(Math.min(...syncMs) / Math.min(...fetchMs)).toFixed(2)}x`);
  console.log(`  storing costs ${median(ratios).toFixed(2)}x the fetch-only run (median of ${ROUNDS})   (target <= 1.5x)`);
  close();
  await fake.stop();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
