import type { Db } from './database';

/** A query built on the db but not yet awaited (an insert, update or delete builder). */
type Statement = { run(): unknown } | PromiseLike<unknown>;

/**
 * Runs several writes as one all-or-nothing unit: `db.batch` on D1 (which has no interactive
 * transactions), a transaction on better-sqlite3. The one place multi-statement writes happen,
 * so a failed import never leaves half its rows behind.
 */
export async function atomic(db: Db, statements: Statement[]): Promise<void> {
  if (statements.length === 0) return;
  const maybeBatch = db as unknown as { batch?: (items: Statement[]) => Promise<unknown> };
  if (typeof maybeBatch.batch === 'function') {
    await maybeBatch.batch(statements);
    return;
  }
  const sync = db as unknown as { transaction: (fn: () => void) => void };
  sync.transaction(() => {
    for (const statement of statements) (statement as { run(): unknown }).run();
  });
}

/**
 * The most rows one multi-row insert may carry: D1 binds at most 100 parameters per statement,
 * SQLite 32,766.
 */
export function rowsPerInsert(db: Db, columns: number): number {
  const isD1 = typeof (db as unknown as { batch?: unknown }).batch === 'function';
  return Math.max(1, Math.floor((isD1 ? 100 : 32_766) / columns));
}
