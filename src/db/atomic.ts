import { Column, getTableColumns, sql } from 'drizzle-orm';
import { SQLiteTextJson, type SQLiteColumn, type SQLiteTable } from 'drizzle-orm/sqlite-core';
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
const isPlainObject = (v: unknown): v is object => typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === Object.prototype;
const preparedInserts = new WeakMap<object, Map<SQLiteTable, Map<string, { statement: RawStatement; order: string[] }>>>();

/**
 * Statements that insert many rows of one table, for `atomic`. D1 binds at most 100 parameters
 * per statement, so there it is many small multi-row inserts. On better-sqlite3 it is one
 * statement, built once by drizzle and prepared on the driver, run per row with the values
 * encoded by drizzle's own column encoders: drizzle's per-query building otherwise dominates
 * bulk ingest several times over.
 */
export function insertMany<T extends SQLiteTable>(
  db: Db,
  table: T,
  rows: Array<T['$inferInsert']>,
  /**
   * Upsert on this unique key instead of failing on it: rows already there are updated in place,
   * and only when a value other than the `stamps` (such as a synced-at time) differs, so a
   * re-import of an unchanged feed rewrites nothing.
   */
  upsert?: { target: SQLiteColumn[]; stamps?: SQLiteColumn[] },
): Statement[] {
  if (rows.length === 0) return [];
  const columns = getTableColumns(table);
  const keys = Object.keys(rows[0]!).filter((k) => k in columns);
  const conflictTarget = upsert?.target;
  const withConflict = <Q extends { onConflictDoUpdate(config: object): unknown }>(query: Q) => {
    if (!conflictTarget) return query;
    const quoted = (k: string) => `"${columns[k]!.name}"`;
    const targets = new Set(conflictTarget.map((c) => c.name));
    // The key's own columns are equal on a conflict; setting them anyway makes SQLite plan index
    // updates into every insert (a third slower on a bulk import).
    const updated = keys.filter((k) => !targets.has(columns[k]!.name));
    const compared = updated.filter((k) => !upsert.stamps?.some((c) => c.name === columns[k]!.name));
    return query.onConflictDoUpdate({
      target: conflictTarget,
      set: Object.fromEntries(updated.map((k) => [k, sql.raw(`excluded.${quoted(k)}`)])),
      ...(compared.length > 0 && { setWhere: sql.raw(compared.map((k) => `${quoted(k)} IS NOT excluded.${quoted(k)}`).join(' OR ')) }),
    }) as Q;
  };
  if (isD1(db)) {
    const perStatement = Math.max(1, Math.floor(100 / keys.length));
    const out: Statement[] = [];
    for (let i = 0; i < rows.length; i += perStatement) out.push(withConflict(db.insert(table).values(rows.slice(i, i + perStatement))) as Statement);
    return out;
  }
  let byTable = preparedInserts.get(db);
  if (!byTable) preparedInserts.set(db, (byTable = new Map()));
  const cacheKey = upsert ? [upsert.target, upsert.stamps ?? []].map((cs) => cs.map((c) => c.name).join(',')).join('|') : '';
  let prepared = byTable.get(table)?.get(cacheKey);
  if (!prepared) {
    const placeholders = Object.fromEntries(keys.map((k) => [k, sql.placeholder(k)]));
    const query = (withConflict(db.insert(table).values(placeholders as never)) as unknown as { toSQL(): { sql: string; params: unknown[] } }).toSQL();
    // Each bound parameter is a Param holding our Placeholder (by name) and the column encoder.
    const order = query.params.map((p) => (p as { value: { name: string } }).value.name);
    const client = (db as unknown as { $client: { prepare(sql: string): RawStatement } }).$client;
    prepared = { statement: client.prepare(query.sql), order };
    if (!byTable.has(table)) byTable.set(table, new Map());
    byTable.get(table)!.set(cacheKey, prepared);
  }
  const { statement, order } = prepared;
  // Most columns store values as they are; only the others are encoded.
  const encoders = order.map((k) => {
    const column = columns[k]!;
    return column.mapToDriverValue === Column.prototype.mapToDriverValue ? null : column;
  });
  // Instances of one series share their attendee list, and lists share their items (a feed's
  // attendee is one object): each JSON list, and each plain object in one, is written once per batch.
  const encoded = new WeakMap<object, unknown>();
  const item = (v: object): string => {
    let out = encoded.get(v) as string | undefined;
    if (out === undefined) encoded.set(v, (out = JSON.stringify(v)));
    return out;
  };
  const encode = (column: SQLiteColumn, v: unknown) => {
    if (typeof v !== 'object') return column.mapToDriverValue(v);
    let out = encoded.get(v as object);
    if (out === undefined) {
      out = column instanceof SQLiteTextJson && Array.isArray(v) && v.every(isPlainObject) ? `[${v.map(item).join(',')}]` : column.mapToDriverValue(v);
      encoded.set(v as object, out);
    }
    return out;
  };
  return [
    {
      run() {
        const params: unknown[] = new Array(order.length);
        for (const row of rows) {
          for (let i = 0; i < order.length; i++) {
            const v = (row as Record<string, unknown>)[order[i]!];
            const column = encoders[i];
            params[i] = v === null || v === undefined ? null : column ? encode(column, v) : v;
          }
          statement.run(...params);
        }
      },
    },
  ];
}
