import { eq, sql } from 'drizzle-orm';
import { chmodSync, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { atomic, insertMany } from '../../src/db/atomic';
import { openSqlite } from '../../src/db/sqlite';
import { calendars, connections, events, members, workspaces } from '../../src/db/schema';
import { loadConfig } from '../../src/config';
import { buildNodeDeps } from '../../src/entry/node';
import { createLogger } from '../../src/logger';

/** Workspace ws_1 with member m_1, connection c_1 and its calendar cal_1, for event rows. */
async function seedCalendar(db: ReturnType<typeof openSqlite>['db']) {
  await db.insert(workspaces).values({ id: 'ws_1', name: 'One' });
  await db.insert(members).values({ id: 'm_1', workspaceId: 'ws_1', email: 'a@example.com', name: 'A', timeZone: 'UTC', workingHours: {} as never, updatedAt: 0 });
  await db.insert(connections).values({ id: 'c_1', workspaceId: 'ws_1', memberId: 'm_1', provider: 'ics', label: 'x' });
  await db.insert(calendars).values({ id: 'cal_1', workspaceId: 'ws_1', connectionId: 'c_1', externalId: 'ics', name: 'x' });
}

describe('the embedded SQLite handle', () => {
  it('when the same SQL text runs as array rows (drizzle selections) and as object rows, then a reused statement answers each in its own shape', async () => {
    const handle = openSqlite(':memory:');
    try {
      const db = handle.db;
      await db.insert(workspaces).values({ id: 'ws_1', name: 'One' });
      const selection = db.select({ id: workspaces.id, name: workspaces.name }).from(workspaces).where(eq(workspaces.id, 'ws_1'));
      const text = selection.toSQL().sql;
      // drizzle reads a selection as arrays (raw mode) and maps them to objects itself.
      expect(await selection).toEqual([{ id: 'ws_1', name: 'One' }]);
      // The same text through the driver directly must still give objects, not raw arrays.
      const client = (db as unknown as { $client: import('better-sqlite3').Database }).$client;
      expect(client.prepare(text).all('ws_1')).toEqual([{ id: 'ws_1', name: 'One' }]);
      expect(client.prepare(text)).toBe(client.prepare(text));
      expect(await selection).toEqual([{ id: 'ws_1', name: 'One' }]);
      // A write between reuses is seen: statements are reused, results are not.
      await db.update(workspaces).set({ name: 'Renamed' }).where(eq(workspaces.id, 'ws_1'));
      expect(await selection).toEqual([{ id: 'ws_1', name: 'Renamed' }]);
      expect(await db.all(sql`select count(*) as n from workspaces`)).toEqual([{ n: 1 }]);
    } finally {
      handle.close();
    }
  });

  it('when bulk rows share JSON lists and list items, then each row stores exactly what JSON.stringify writes, and a re-upsert changes nothing', async () => {
    const handle = openSqlite(':memory:');
    try {
      const db = handle.db;
      await seedCalendar(db);
      const ayu = { email: 'ayu@example.com', name: 'Ayu "A" \\ Lestari', response: 'accepted' as const, optional: false };
      const budi = { email: 'budi@example.com', response: 'declined' as const, optional: true, resource: true };
      const shared = [ayu, budi];
      const lists = [shared, shared, [budi, ayu], [ayu], []];
      const row = (i: number) => ({
        workspaceId: 'ws_1', calendarId: 'cal_1', externalId: `e${i}`, seriesKey: null, originalStart: null, title: `t${i}`, start: i, end: i + 1,
        allDay: i % 2 === 0, status: 'confirmed' as const, transparency: 'opaque' as const, organizer: null, attendees: lists[i]!,
        descPresent: false, descLength: 0, hasAgenda: false, hasDocLink: false, hasConferencing: true, createdByUnmeet: false, syncedAt: 1,
        descDecision: false, descLiveWork: false, descReadout: false, descQuestions: false, away: false,
      });
      const upsert = { target: [events.calendarId, events.externalId], stamps: [events.syncedAt] };
      await atomic(db, insertMany(db, events, lists.map((_, i) => row(i)), upsert));
      const client = (db as unknown as { $client: import('better-sqlite3').Database }).$client;
      const stored = () => client.prepare('select external_id, attendees, all_day, has_conferencing from events order by external_id').all();
      const first = stored();
      expect(first).toEqual(lists.map((list, i) => ({ external_id: `e${i}`, attendees: JSON.stringify(list), all_day: i % 2 === 0 ? 1 : 0, has_conferencing: 1 })));
      const changes = () => (client.prepare('select total_changes() as n').get() as { n: number }).n;
      const before = changes();
      await atomic(db, insertMany(db, events, lists.map((_, i) => ({ ...row(i), syncedAt: 2 })), upsert));
      expect(changes()).toBe(before);
      expect(stored()).toEqual(first);
    } finally {
      handle.close();
    }
  });

  it('when every row of a bulk upsert has the same null or false in a column (written as a literal, not bound), then stored true and non-null values there are still overwritten', async () => {
    const handle = openSqlite(':memory:');
    try {
      const db = handle.db;
      await seedCalendar(db);
      const row = (i: number, flag: boolean, series: string | null) => ({
        workspaceId: 'ws_1', calendarId: 'cal_1', externalId: `e${i}`, seriesKey: series, originalStart: null, title: 't', start: i, end: i + 1,
        allDay: false, status: 'confirmed' as const, transparency: 'opaque' as const, organizer: null, attendees: [],
        descPresent: flag, descLength: 0, hasAgenda: flag, hasDocLink: false, hasConferencing: false, createdByUnmeet: false, syncedAt: 1,
        descDecision: flag, descLiveWork: false, descReadout: false, descQuestions: false, away: flag,
      });
      const upsert = { target: [events.calendarId, events.externalId], stamps: [events.syncedAt] };
      const client = (db as unknown as { $client: import('better-sqlite3').Database }).$client;
      const stored = () => client.prepare('select series_key, desc_decision, has_agenda, away from events order by start').all();
      // 12 rows: one full statement of 10 and two single-row ones, both shapes exercised.
      await atomic(db, insertMany(db, events, Array.from({ length: 12 }, (_, i) => row(i, true, 's')), upsert));
      expect(stored()).toEqual(Array.from({ length: 12 }, () => ({ series_key: 's', desc_decision: 1, has_agenda: 1, away: 1 })));
      await atomic(db, insertMany(db, events, Array.from({ length: 12 }, (_, i) => row(i, false, null)), upsert));
      expect(stored()).toEqual(Array.from({ length: 12 }, () => ({ series_key: null, desc_decision: 0, has_agenda: 0, away: 0 })));
      // Mixed values in a column are bound per row, as before.
      await atomic(db, insertMany(db, events, Array.from({ length: 12 }, (_, i) => row(i, i % 2 === 0, i % 3 === 0 ? 's' : null)), upsert));
      expect(stored()).toEqual(Array.from({ length: 12 }, (_, i) => ({ series_key: i % 3 === 0 ? 's' : null, desc_decision: i % 2 === 0 ? 1 : 0, has_agenda: i % 2 === 0 ? 1 : 0, away: i % 2 === 0 ? 1 : 0 })));
    } finally {
      handle.close();
    }
  });
});

describe('database file permissions', () => {
  const modeOf = (file: string) => statSync(file).mode & 0o777;

  it('when a file database is created, then the database, its -wal and -shm files (and a backup) are mode 0600, even under a permissive umask', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'unmeet-mode-'));
    const previous = process.umask(0o000);
    try {
      const path = join(dir, 'nested', 'unmeet.db');
      const handle = openSqlite(path);
      try {
        await handle.db.insert(workspaces).values({ id: 'ws_1', name: 'One' });
        expect(existsSync(`${path}-wal`)).toBe(true);
        expect(existsSync(`${path}-shm`)).toBe(true);
        expect([modeOf(path), modeOf(`${path}-wal`), modeOf(`${path}-shm`)]).toEqual([0o600, 0o600, 0o600]);
        expect(handle.permissionWarnings).toEqual([]);
        await handle.backup(join(dir, 'backup.db'));
        expect(modeOf(join(dir, 'backup.db'))).toBe(0o600);
      } finally {
        handle.close();
      }
      // Reopened later (SQLite removed -wal and -shm on close), they come back 0600 and nothing is reported.
      const again = openSqlite(path);
      try {
        await again.db.insert(workspaces).values({ id: 'ws_2', name: 'Two' });
        expect([modeOf(path), modeOf(`${path}-wal`), modeOf(`${path}-shm`)]).toEqual([0o600, 0o600, 0o600]);
        expect(again.permissionWarnings).toEqual([]);
      } finally {
        again.close();
      }
    } finally {
      process.umask(previous);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('when an existing database file is readable by group and others (0644), then the Node entry warns about it at start and leaves its mode alone', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'unmeet-mode-'));
    try {
      const path = join(dir, 'unmeet.db');
      openSqlite(path).close();
      chmodSync(path, 0o644);
      const lines: string[] = [];
      const { handle } = await buildNodeDeps(loadConfig({ UNMEET_DB: path, UNMEET_SECRET: 'mode-test-secret-mode-test-secret-0123' }), createLogger('warn', (l) => lines.push(l)));
      try {
        expect(handle.permissionWarnings).toEqual([{ file: path, mode: '0644' }]);
        const warnings = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.level === 'warn');
        expect(warnings).toEqual([expect.objectContaining({ msg: expect.stringContaining('chmod 600'), file: path, mode: '0644' })]);
        expect(modeOf(path)).toBe(0o644);
      } finally {
        handle.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
