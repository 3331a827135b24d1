import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { chmodSync, closeSync, existsSync, fchmodSync, mkdirSync, openSync, readFileSync, statSync } from 'node:fs';
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
  /**
   * Database files (the database, its -wal and -shm) that already existed and that other users
   * may read or write (`mode` in octal, e.g. "0644"): the entry point warns about each.
   */
  permissionWarnings: Array<{ file: string; mode: string }>;
}

/** Group or other users may read or write it. */
const LOOSE = 0o066;

/** The database file and the two SQLite keeps beside it in WAL mode. */
const databaseFiles = (path: string) => [path, `${path}-wal`, `${path}-shm`];

/**
 * Creates the database file owner-only (0600) when it does not exist yet, so it never exists with
 * looser permissions (SQLite creates new files 0644 under the usual umask). The explicit fchmod
 * makes the mode exact whatever the umask. Returns whether this call created it; for an existing
 * file, lists those of its files that other users may read or write instead.
 */
function prepareDatabaseFile(path: string): { created: boolean; warnings: SqliteHandle['permissionWarnings'] } {
  let fd: number;
  try {
    fd = openSync(path, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const warnings = databaseFiles(path)
      .filter((file) => existsSync(file))
      .map((file) => ({ file, mode: statSync(file).mode & 0o777 }))
      .filter(({ mode }) => (mode & LOOSE) !== 0)
      .map(({ file, mode }) => ({ file, mode: `0${mode.toString(8)}` }));
    return { created: false, warnings };
  }
  try {
    fchmodSync(fd, 0o600);
  } finally {
    closeSync(fd);
  }
  return { created: true, warnings: [] };
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

/** A connection with the settings every one of ours has (see `openSqlite`). */
function connect(path: string) {
  const sqlite = new Database(path);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('synchronous = NORMAL');
  reusePreparedStatements(sqlite);
  return { sqlite, db: drizzle(sqlite, { schema }) };
}

/**
 * A second connection to a database file `openSqlite` opened (and migrated): for a worker thread
 * that writes beside the request thread (the ICS parse threads). WAL lets the request thread read
 * meanwhile; its own writes wait for the lock (the busy timeout) as a second process's would.
 */
export function openSqliteConnection(path: string): { db: Db; close(): void } {
  const { sqlite, db } = connect(path);
  return { db: db as unknown as Db, close: () => sqlite.close() };
}

/**
 * Opens (creating if needed) the embedded SQLite database and applies pending migrations from
 * `drizzle/`. WAL mode lets readers run beside the writer; the busy timeout makes a second
 * process wait for the write lock instead of failing at once. `:memory:` gives a private test DB.
 * A database file it creates is owner-only (0600), and so are its -wal and -shm; an existing one
 * keeps its mode, and those of its files that others may read or write are in `permissionWarnings`.
 */
export function openSqlite(path: string): SqliteHandle {
  const onDisk = path !== ':memory:' && path !== '';
  if (onDisk) mkdirSync(dirname(resolve(path)), { recursive: true });
  const prepared = onDisk ? prepareDatabaseFile(path) : { created: false, warnings: [] };
  const { sqlite, db } = connect(path);
  migrate(db, { migrationsFolder });
  // SQLite gives the -wal and -shm files (created by the first write) the database's mode;
  // for a database created here, make sure of 0600 whatever the platform does.
  if (prepared.created) for (const extra of databaseFiles(path).slice(1)) if (existsSync(extra)) chmodSync(extra, 0o600);
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
    permissionWarnings: prepared.warnings,
    db: db as unknown as Db,
    close: () => sqlite.close(),
    backup: async (file) => {
      // A backup holds the same data: created owner-only too.
      prepareDatabaseFile(file);
      await sqlite.backup(file);
    },
  };
}
