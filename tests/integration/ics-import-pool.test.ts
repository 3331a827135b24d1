import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { UnmeetError } from '../../src/domain/errors';
import { createIcsParseWorkers } from '../../src/entry/ics-parse-worker';
import { silentLogger } from '../../src/logger';
import { parseIcs } from '../../src/providers/ics/ics.mapper';
import { inlineFeedParser } from '../../src/services/ics-parse-pool';
import { syncWindow } from '../../src/services/sync';
import { createTestApp, newWorkspace } from '../helpers/app';
import { icsCalendar, icsEvent } from '../helpers/ics';

const small = (title: string) => icsCalendar([icsEvent({ uid: 'weekly@t', start: '20261102T090000Z', minutes: 30, title, rrule: 'FREQ=WEEKLY' })]);

/** Many plain events with an attendee each: some 3.4 MB, far more than a 16 MiB heap holds once read. */
function heavy(events: number): string {
  const lines: string[][] = [];
  for (let i = 0; i < events; i++) {
    const hour = String(i % 24).padStart(2, '0');
    lines.push(icsEvent({ uid: `e${i}@t`, start: `20261101T${hour}0000Z`, end: `20261101T${hour}3000Z`, title: `Event ${i}`, attendees: [`a${i}@example.com`] }));
  }
  return icsCalendar(lines);
}

/** A feed host that holds every answer until released, counting the requests that arrived. */
function heldFeed() {
  let open!: () => void;
  const released = new Promise<void>((resolve) => (open = resolve));
  const feed = { arrived: 0, onArrival: () => undefined as void, url: '', server: undefined as unknown as Server, release: () => open() };
  feed.server = createServer(async (_req, res) => {
    feed.arrived += 1;
    feed.onArrival();
    await released;
    res.writeHead(200, { 'content-type': 'text/calendar' });
    res.end(small('Held'));
  });
  return feed;
}

type Pool = ReturnType<typeof createIcsParseWorkers>;
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/**
 * Both ways the pool runs: threads that only parse (an in-memory database, which no other
 * connection sees: the import stores on the request thread), and threads that also store,
 * through their own connection to the database file.
 */
const MODES = [
  { mode: 'threads parse, the request thread stores', file: false },
  { mode: 'threads parse and store', file: true },
] as const;

async function appWithPool(options: Partial<Parameters<typeof createIcsParseWorkers>[1]> = {}, file = false) {
  const dbPath = file ? join(mkdtempSync(join(tmpdir(), 'unmeet-pool-')), 'pool.db') : ':memory:';
  if (file) cleanups.push(() => rmSync(dirname(dbPath), { recursive: true, force: true }));
  const pool: Pool = createIcsParseWorkers(silentLogger, { threads: 2, queue: 8, timeoutMs: 60_000, maxHeapMb: 256, dbPath, ...options });
  const t = await createTestApp({ feedParser: pool.parser }, dbPath);
  cleanups.push(() => pool.close(), () => t.close());
  const { apiKey: key, workspace } = await newWorkspace(t.api);
  const member = await t.api('POST', '/v1/members', { key, json: { email: 'ayu@example.com', name: 'Ayu', timeZone: 'UTC' } });
  const upload = (path: string, body: string) => t.api('POST', path, { key, body, headers: { 'content-type': 'text/calendar' } });
  return { t, pool, key, workspaceId: workspace.id, memberId: member.json.id as string, upload };
}

const storedEvents = (t: Awaited<ReturnType<typeof createTestApp>>) =>
  (t.deps.db as any).$client.prepare('select external_id, title, start, "end" from events order by external_id').all() as unknown[];

describe('ICS imports through the parse thread pool', () => {
  it('when the pool parses the example calendars, then every result equals the in-line parse', async () => {
    const { pool } = await appWithPool();
    const window = syncWindow(Date.parse('2026-11-28T12:00:00Z'));
    for (const name of ['ayu', 'budi', 'marco']) {
      const text = readFileSync(`examples/${name}.ics`, 'utf8');
      const viaPool = await pool.parser.parse(text, window, { defaultTimeZone: 'Asia/Jakarta' });
      expect(viaPool.parsed?.events.length, name).toBeGreaterThan(0);
      expect(viaPool.parsed).toEqual(parseIcs(text, window, { defaultTimeZone: 'Asia/Jakarta' }));
      // The thread's hash is the in-line one, so either runtime recognises a feed the other stored.
      const inline = await inlineFeedParser.parse(text, window, { defaultTimeZone: 'Asia/Jakarta' }, viaPool.hash);
      expect(inline).toEqual({ hash: viaPool.hash, parsed: null });
      expect(await pool.parser.parse(text, window, { defaultTimeZone: 'Asia/Jakarta' }, viaPool.hash)).toEqual({ hash: viaPool.hash, parsed: null });
    }
  });

});

describe.each(MODES)('ICS imports through the parse thread pool ($mode)', ({ file }) => {
  it('when 10 imports hold every slot (2 parsing + 8 queued), then the 11th gets 429 ics.busy with Retry-After, and the 10 then complete', async () => {
    const s = await appWithPool({}, file);
    const feed = heldFeed();
    await new Promise<void>((done) => feed.server.listen(0, '127.0.0.1', done));
    cleanups.push(() => new Promise<void>((done) => feed.server.close(() => done())));
    feed.url = `http://127.0.0.1:${(feed.server.address() as AddressInfo).port}`;
    const allArrived = new Promise<void>((resolve) => (feed.onArrival = () => (feed.arrived === 10 ? resolve() : undefined)));

    const imports = Array.from({ length: 10 }, (_, i) => s.t.api('POST', '/v1/connections/ics', { key: s.key, json: { memberId: s.memberId, url: `${feed.url}/${i}.ics` } }));
    await allArrived;
    expect(s.pool.stats().admitted).toBe(10);

    const eleventh = await s.upload(`/v1/connections/ics?memberId=${s.memberId}`, small('One too many'));
    expect(eleventh.status).toBe(429);
    expect(eleventh.json.code).toBe('ics.busy');
    expect(Number(eleventh.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);

    feed.release();
    expect((await Promise.all(imports)).map((r) => r.status)).toEqual(new Array(10).fill(201));
    expect(s.pool.stats().admitted).toBe(0);
    expect((await s.upload(`/v1/connections/ics?memberId=${s.memberId}`, small('Now there is room'))).status).toBe(201);
  });

  it('when the parse thread dies of its heap cap, then that import fails with ics.too_complex, the stored events are unchanged, and a new thread takes the next import', async () => {
    const s = await appWithPool({ threads: 1, queue: 0, maxHeapMb: 16 }, file);
    const created = await s.upload(`/v1/connections/ics?memberId=${s.memberId}`, small('Before'));
    expect(created.status, created.text).toBe(201);
    const before = storedEvents(s.t);
    expect(before.length).toBeGreaterThan(0);

    const crashed = await s.upload(`/v1/connections/${created.json.id}/sync`, heavy(20_000));
    expect(crashed.status).toBe(422);
    expect(crashed.json.code).toBe('ics.too_complex');
    expect(storedEvents(s.t)).toEqual(before);
    expect((await s.t.deps.repos.connections.get(s.workspaceId, created.json.id))?.lastError).toBe('ics.too_complex');
    expect(s.pool.stats()).toMatchObject({ admitted: 0, threads: 0 });

    const after = await s.upload(`/v1/connections/${created.json.id}/sync`, small('After'));
    expect(after.status, after.text).toBe(200);
    expect(new Set((storedEvents(s.t) as Array<{ title: string }>).map((e) => e.title))).toEqual(new Set(['After']));
    expect(s.pool.stats().threads).toBe(1);
  });

  it('when a parse outruns its time limit, then the thread is stopped, the import fails with ics.too_complex and nothing is stored', async () => {
    // A 1 ms limit: starting a thread alone takes longer, so the limit is always passed.
    const s = await appWithPool({ threads: 1, queue: 0, timeoutMs: 1 }, file);
    const res = await s.upload(`/v1/connections/ics?memberId=${s.memberId}`, small('Too slow'));
    expect(res.status).toBe(422);
    expect(res.json).toMatchObject({ code: 'ics.too_complex' });
    expect(storedEvents(s.t)).toEqual([]);
    expect(s.pool.stats()).toMatchObject({ admitted: 0, threads: 0 });
  });

  it('when the thread finds no readable calendar, then the import fails with the parser own code and status, as in-line', async () => {
    const s = await appWithPool({}, file);
    const text = 'this is not a calendar\r\n';
    const inline = (() => {
      try {
        parseIcs(text, syncWindow(Date.parse('2026-11-28T12:00:00Z')), { defaultTimeZone: 'UTC' });
      } catch (error) {
        return error;
      }
      throw new Error('the in-line parse accepted the text');
    })();
    expect(inline).toBeInstanceOf(UnmeetError);
    const res = await s.upload(`/v1/connections/ics?memberId=${s.memberId}`, text);
    expect(res.status).toBe((inline as UnmeetError).status);
    expect(res.json.code).toBe((inline as UnmeetError).code);
    expect(storedEvents(s.t)).toEqual([]);
  });
});

describe('ICS imports stored by the parse threads (a database file)', () => {
  const rowsOf = (t: Awaited<ReturnType<typeof createTestApp>>) =>
    (t.deps.db as any).$client.prepare('select external_id, series_key, original_start, title, start, "end", all_day, status, transparency, organizer, attendees, away from events order by external_id').all() as unknown[];

  it('when a feed is imported and refreshed, then the thread stores it (the request thread never receives its rows) and rows, warnings and answers equal an in-line import', async () => {
    const s = await appWithPool({ threads: 1, queue: 1 }, true);
    let parsedOnRequestThread = 0;
    const parse = s.pool.parser.parse.bind(s.pool.parser);
    s.pool.parser.parse = (...args) => ((parsedOnRequestThread += 1), parse(...args));
    const inline = await createTestApp();
    cleanups.push(() => inline.close());
    const { apiKey } = await newWorkspace(inline.api);
    const inlineMember = await inline.api('POST', '/v1/members', { key: apiKey, json: { email: 'ayu@example.com', name: 'Ayu', timeZone: 'UTC' } });
    // A feed with warnings too: an RRULE without a value is skipped with its line.
    const text = readFileSync('examples/ayu.ics', 'utf8').replace('END:VCALENDAR', 'BEGIN:VEVENT\r\nUID:broken@t\r\nDTSTART:20261103T090000Z\r\nRRULE:\r\nEND:VEVENT\r\nEND:VCALENDAR');

    const viaThread = await s.upload(`/v1/connections/ics?memberId=${s.memberId}`, text);
    const viaInline = await inline.api('POST', `/v1/connections/ics?memberId=${inlineMember.json.id}`, { key: apiKey, body: text, headers: { 'content-type': 'text/calendar' } });
    expect(viaThread.status, viaThread.text).toBe(201);
    expect(viaInline.status, viaInline.text).toBe(201);
    const sameAnswer = (a: any) => ({ status: a.status, label: a.label, warnings: a.warnings, warningCounts: a.warningCounts, syncNote: a.syncNote, lastSyncAt: a.lastSyncAt });
    expect(sameAnswer(viaThread.json)).toEqual(sameAnswer(viaInline.json));
    expect(viaThread.json.warningCounts).toMatchObject({ rule_ignored: 1 });
    expect(rowsOf(s.t).length).toBeGreaterThan(10);
    expect(rowsOf(s.t)).toEqual(rowsOf(inline));

    const again = await s.upload(`/v1/connections/${viaThread.json.id}/sync`, text);
    expect(again.status, again.text).toBe(200);
    expect(again.json).toMatchObject({ unchanged: true, events: rowsOf(s.t).length, warningCounts: { rule_ignored: 1 } });
    const changed = await s.upload(`/v1/connections/${viaThread.json.id}/sync`, small('Replaced'));
    expect(changed.json).toMatchObject({ unchanged: false, events: rowsOf(s.t).length, warningCounts: {} });
    expect(new Set((rowsOf(s.t) as Array<{ title: string }>).map((r) => r.title))).toEqual(new Set(['Replaced']));
    expect(parsedOnRequestThread).toBe(0);

    // A clean feed's new connection keeps no warnings: SQL NULL, not the JSON text "null".
    const clean = await s.upload(`/v1/connections/ics?memberId=${s.memberId}`, small('Clean'));
    const stored = (s.t.deps.db as any).$client
      .prepare('select typeof(c.sync_warnings) as warnings, c.status, c.provider, k.is_primary from connections c join calendars k on k.connection_id = c.id where c.id = ?')
      .get(clean.json.id);
    expect(stored).toEqual({ warnings: 'null', status: 'ok', provider: 'ics', is_primary: 1 });
  });

  it('when the member is deleted while their feed is fetched, then the import answers 404 and the thread stores nothing of it', async () => {
    const s = await appWithPool({ threads: 1, queue: 1 }, true);
    const feed = heldFeed();
    await new Promise<void>((done) => feed.server.listen(0, '127.0.0.1', done));
    cleanups.push(() => new Promise<void>((done) => feed.server.close(() => done())));
    const arrived = new Promise<void>((resolve) => (feed.onArrival = resolve));
    const pending = s.t.api('POST', '/v1/connections/ics', { key: s.key, json: { memberId: s.memberId, url: `http://127.0.0.1:${(feed.server.address() as AddressInfo).port}/a.ics` } });
    await arrived;
    expect((await s.t.api('DELETE', `/v1/members/${s.memberId}`, { key: s.key })).status).toBe(204);
    feed.release();
    const res = await pending;
    expect(res.status, res.text).toBe(404);
    expect(res.json.code).toBe('member.not_found');
    expect((s.t.deps.db as any).$client.prepare('select count(*) as n from connections').get().n).toBe(0);
    expect(storedEvents(s.t)).toEqual([]);
  });
});
