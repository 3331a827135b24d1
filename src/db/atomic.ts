import { getTableColumns, sql } from 'drizzle-orm';
import type { SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { Db } from './database';

/** A write to run inside `atomic`: a query builder not yet awaited, or a prepared bulk insert. */
export type Statement = { run(): unknown } | PromiseLike<unknown>;

const isD1 = (db: Db) => typeof (db as unknown as { batch?: unknown }).batch === 'function';

/**
 * Runs several writes as one all-or-nothing unit: `db.batch` on D1 (which has no interactive
 * transactions), a transaction on better-sqlite3. The one place multi-statement writes happen,
 * so a failed import never leaves half its rows behind.
 */
export async function atomic(db: Db, statements: Statement[]): Promise<void> {
  if (statements.length === 0) return;
  if (isD1(db)) {
    await (db as unknown as { batch: (items: Statement[]) => Promise<unknown> }).batch(statements);
    return;
  }
  (db as unknown as { transaction: (fn: () => void) => void }).transaction(() => {
    for (const statement of statements) (statement as { run(): unknown }).run();
  });
}

const preparedInserts = new WeakMap<object, Map<SQLiteTable, { run(values: Record<string, unknown>): unknown }>>();

/**
 * Statements that insert many rows of one table, for `atomic`. D1 binds at most 100 parameters
 * per statement, so there it is many small multi-row inserts; on better-sqlite3 it is one
 * prepared statement run per row, which is several times faster than building large
 * multi-row SQL (drizzle's query building dominates otherwise).
 */
export function insertMany<T extends SQLiteTable>(db: Db, table: T, rows: Array<T['$inferInsert']>): Statement[] {
  if (rows.length === 0) return [];
  const columns = getTableColumns(table);
  const keys = Object.keys(rows[0]!).filter((k) => k in columns);
  if (isD1(db)) {
    const perStatement = Math.max(1, Math.floor(100 / keys.length));
    const out: Statement[] = [];
    for (let i = 0; i < rows.length; i += perStatement) out.push(db.insert(table).values(rows.slice(i, i + perStatement)));
    return out;
  }
  let byTable = preparedInserts.get(db);
  if (!byTable) preparedInserts.set(db, (byTable = new Map()));
  let prepared = byTable.get(table);
  if (!prepared) {
    const placeholders = Object.fromEntries(keys.map((k) => [k, sql.placeholder(k)]));
    prepared = (db.insert(table).values(placeholders as never) as unknown as { prepare(): { run(v: Record<string, unknown>): unknown } }).prepare();
    byTable.set(table, prepared);
  }
  const statement = prepared;
  // Placeholders bypass drizzle's column encoders (JSON, booleans), so encode here.
  const encoders = keys.map((k) => [k, columns[k]!] as const);
  return [
    {
      run() {
        for (const row of rows) {
          const values: Record<string, unknown> = {};
          for (const [k, column] of encoders) {
            const v = (row as Record<string, unknown>)[k];
            values[k] = v === null || v === undefined ? null : column.mapToDriverValue(v);
          }
          statement.run(values);
        }
      },
    },
  ];
}
