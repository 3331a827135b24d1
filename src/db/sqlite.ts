import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Db } from './database';
import * as schema from './schema';

const migrationsFolder = resolve(dirname(fileURLToPath(import.meta.url)), '../../drizzle');

export interface SqliteHandle {
  db: Db;
  close(): void;
  /** An online, consistent copy of the database into `file` (SQLite's backup API; writers keep going). */
  backup(file: string): Promise<void>;
  /** Readiness: the database answers and every migration in drizzle/ has been applied. */
  check(): { database: boolean; migrations: boolean };
}

/**
 * drizzle prepares every query anew, and SQLite's prepare costs as much as running a small
 * query. The same SQL text reuses its statement instead (bounded, least recently used first out).
 * That is safe because drizzle runs each statement to completion before the next, and switches
 * a statement to raw (array) rows itself whenever it wants them, so the mode is reset on reuse.
 */
function reusePreparedStatements(sqlite: Database.Database, size = 1000): void {
  const prepare = sqlite.prepare.bind(sqlite);
  const cache = new Map<string, Database.Statement>();
  sqlite.prepare = ((source: string) => {
    let statement = cache.get(source);
    if (statement) {
      cache.delete(source);
      if (statement.reader) statement.raw(false);
    } else {
      statement = prepare(source);
      if (cache.size >= size) cache.delete(cache.keys().next().value!);
    }
    cache.set(source, statement);
    return statement;
  }) as typeof sqlite.prepare;
}

/**
 * Opens (creating if needed) the embedded SQLite database and applies pending migrations from
 * `drizzle/`. WAL mode lets readers run beside the writer; the busy timeout makes a second
 * process wait for the write lock instead of failing at once. `:memory:` gives a private test DB.
 */
export function openSqlite(path: string): SqliteHandle {
  if (path !== ':memory:') mkdirSync(dirname(resolve(path)), { recursive: true });
  const sqlite = new Database(path);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('synchronous = NORMAL');
  reusePreparedStatements(sqlite);
  const db = drizzle(sqlite, { schema });
  migrate(db, { migrationsFolder });
  const expected = (JSON.parse(readFileSync(resolve(migrationsFolder, 'meta/_journal.json'), 'utf8')) as { entries: unknown[] }).entries.length;
  return {
    check: () => {
      try {
        const applied = sqlite.prepare('select count(*) as n from __drizzle_migrations').get() as { n: number };
        return { database: true, migrations: applied.n >= expected };
      } catch {
        return { database: false, migrations: false };
      }
    },
    db: db as unknown as Db,
    close: () => sqlite.close(),
    backup: async (file) => {
      await sqlite.backup(file);
    },
  };
}
