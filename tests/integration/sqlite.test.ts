import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { atomic, insertMany } from '../../src/db/atomic';
import { openSqlite } from '../../src/db/sqlite';
import { calendars, connections, events, members, workspaces } from '../../src/db/schema';

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
      await db.insert(workspaces).values({ id: 'ws_1', name: 'One' });
      await db.insert(members).values({ id: 'm_1', workspaceId: 'ws_1', email: 'a@example.com', name: 'A', timeZone: 'UTC', workingHours: {} as never, updatedAt: 0 });
      await db.insert(connections).values({ id: 'c_1', workspaceId: 'ws_1', memberId: 'm_1', provider: 'ics', label: 'x' });
      await db.insert(calendars).values({ id: 'cal_1', workspaceId: 'ws_1', connectionId: 'c_1', externalId: 'ics', name: 'x' });
      const ayu = { email: 'ayu@example.com', name: 'Ayu "A" \\ Lestari', response: 'accepted' as const, optional: false };
      const budi = { email: 'budi@example.com', response: 'declined' as const, optional: true, resource: true };
      const shared = [ayu, budi];
      const lists = [shared, shared, [budi, ayu], [ayu], []];
      const row = (i: number) => ({
        workspaceId: 'ws_1', calendarId: 'cal_1', externalId: `e${i}`, seriesKey: null, originalStart: null, title: `t${i}`, start: i, end: i + 1,
        allDay: i % 2 === 0, status: 'confirmed' as const, transparency: 'opaque' as const, organizer: null, attendees: lists[i]!,
        descPresent: false, descLength: 0, hasAgenda: false, hasDocLink: false, hasConferencing: true, createdByUnmeet: false, syncedAt: 1,
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
});
