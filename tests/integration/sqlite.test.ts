import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { openSqlite } from '../../src/db/sqlite';
import { workspaces } from '../../src/db/schema';

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
});
