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

type RawStatement = { run(...params: unknown[]): unknown };
const preparedInserts = new WeakMap<object, Map<SQLiteTable, { statement: RawStatement; order: string[] }>>();

/**
 * Statements that insert many rows of one table, for `atomic`. D1 binds at most 100 parameters
 * per statement, so there it is many small multi-row inserts. On better-sqlite3 it is one
 * statement, built once by drizzle and prepared on the driver, run per row with the values
 * encoded by drizzle's own column encoders: drizzle's per-query building otherwise dominates
 * bulk ingest several times over.
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
    const query = db.insert(table).values(placeholders as never).toSQL();
    // Each bound parameter is a Param holding our Placeholder (by name) and the column encoder.
    const order = query.params.map((p) => (p as { value: { name: string } }).value.name);
    const client = (db as unknown as { $client: { prepare(sql: string): RawStatement } }).$client;
    prepared = { statement: client.prepare(query.sql), order };
    byTable.set(table, prepared);
  }
  const { statement, order } = prepared;
  const encoders = order.map((k) => [k, columns[k]!] as const);
  return [
    {
      run() {
        const params: unknown[] = new Array(encoders.length);
        for (const row of rows) {
          for (let i = 0; i < encoders.length; i++) {
            const [k, column] = encoders[i]!;
            const v = (row as Record<string, unknown>)[k];
            params[i] = v === null || v === undefined ? null : column.mapToDriverValue(v);
          }
          statement.run(...params);
        }
      },
    },
  ];
}
