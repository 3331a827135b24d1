import { Column, getTableColumns, sql, type SQL } from 'drizzle-orm';
import { SQLiteBoolean, SQLiteTextJson, type SQLiteColumn, type SQLiteTable } from 'drizzle-orm/sqlite-core';
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

/**
 * Several reads in one round trip: one `db.batch` on D1 (each read there is a round trip of
 * a few milliseconds), one after another on better-sqlite3 (where a read costs no round trip).
 * Pass query builders not yet awaited; the answer holds each one's rows, in order. On D1 a batch's
 * rows come keyed by column name: a join there must not select two columns of the same name.
 */
export async function readTogether<T extends readonly PromiseLike<unknown>[]>(db: Db, queries: [...T]): Promise<{ [K in keyof T]: Awaited<T[K]> }> {
  if (isD1(db)) return (await (db as unknown as { batch: (items: unknown[]) => Promise<unknown> }).batch(queries)) as never;
  return (await Promise.all(queries)) as never;
}

/** A value as the driver binds it: columns' own encodings (JSON text, 0/1 booleans) are the caller's. */
export type DriverValue = string | number | null;
type Reusable = Statement & { prepare(): { run(values: Record<string, unknown>): unknown } };

/**
 * A small write whose SQL drizzle builds once per database on better-sqlite3, then runs with each
 * call's values: building a small insert or update costs drizzle about ten times SQLite's run of
 * it, which a first import paid five times per feed. On D1, whose `db.batch` takes query
 * builders, it is built per call like any other write. `build` gets each value as SQL (a named
 * placeholder, or on D1 the bound value) and names every key (no spread). Values are already in
 * the driver's encoding (JSON as text, booleans as 0/1): drizzle would encode a placeholder's
 * null as the text "null" in a JSON column.
 */
export function reusableWrite<V extends Record<string, DriverValue>>(build: (db: Db, values: { [K in keyof V]: SQL }) => Reusable): (db: Db, values: V) => Statement {
  const prepared = new WeakMap<object, ReturnType<Reusable['prepare']>>();
  const placeholders = new Proxy({}, { get: (_, name) => sql`${sql.placeholder(String(name))}` }) as { [K in keyof V]: SQL };
  return (db, values) => {
    if (isD1(db)) return build(db, Object.fromEntries(Object.entries(values).map(([k, v]) => [k, sql`${v}`])) as { [K in keyof V]: SQL });
    let statement = prepared.get(db);
    if (!statement) prepared.set(db, (statement = build(db, placeholders).prepare()));
    return { run: () => statement!.run(values) };
  };
}

type RawStatement = { run(...params: unknown[]): { changes: number } };
/** How `insertMany` encodes a column's values (else through the column's own encoder). */
const PLAIN = 0;
const BOOLEAN = 1;
const JSON_TEXT = 2;
const preparedInserts = new WeakMap<object, Map<SQLiteTable, Map<string, { statement: RawStatement; order: string[] }>>>();
/**
 * Rows per statement on better-sqlite3: each call into the driver (and each statement's end,
 * which updates the AUTOINCREMENT counter) costs about as much as a row's own insert, and a
 * statement of a few rows shares it; much longer ones bind more than they save.
 */
const ROWS_PER_STATEMENT = 10;

/** Statement shapes kept per table: `constantLiterals` makes a few per table, this bounds the odd input that makes many. */
const MAX_SHAPES = 64;

/**
 * Columns holding the same null or boolean in every row, as the SQL literal to write instead of
 * a bound parameter. Binding costs about 0.12 µs a value on better-sqlite3, as much as SQLite's
 * own work on the row: events carry a dozen flags and optional fields that are mostly false or
 * null, and leaving them out of the binding makes a bulk upsert of synced events a fifth cheaper.
 * An upsert still sets them (`excluded.x` is the literal), so a stored true becomes false.
 */
function constantLiterals(rows: Array<Record<string, unknown>>, keys: string[], columns: Record<string, SQLiteColumn>): Map<string, string> {
  const out = new Map<string, string>();
  for (const k of keys) {
    const first = rows[0]![k] ?? null;
    const literal = first === null ? 'null' : first === false && columns[k] instanceof SQLiteBoolean ? '0' : first === true && columns[k] instanceof SQLiteBoolean ? '1' : undefined;
    if (literal === undefined) continue;
    let same = true;
    for (let i = 1; i < rows.length && same; i++) same = (rows[i]![k] ?? null) === first;
    if (same) out.set(k, literal);
  }
  return out;
}

type Upsert = {
  target: SQLiteColumn[];
  stamps?: SQLiteColumn[];
  /**
   * Indexed columns that seldom change (on better-sqlite3 only): SQLite maintains an index on
   * every update that sets one of its columns, equal or not. So rows are upserted first without
   * setting these, where they are equal, and only a batch with a row where they differ runs
   * again to rewrite those rows (the others are equal there: no second write). Only worth it
   * where most updates keep them: without `stamps` to skip unchanged rows.
   */
  indexed?: SQLiteColumn[];
};
/** `kept` updates rows whose `indexed` columns are equal and sets none of them; `moved` the others. */
type Part = 'all' | 'kept' | 'moved';

/** Adds the ON CONFLICT clause of `upsert` (if any) for this part to an insert. */
function withConflict<Q extends { onConflictDoUpdate(config: object): unknown }>(query: Q, columns: Record<string, SQLiteColumn>, keys: string[], upsert: Upsert | undefined, part: Part = 'all'): Q {
  if (!upsert) return query;
  const quoted = (k: string) => `"${columns[k]!.name}"`;
  const targets = new Set(upsert.target.map((c) => c.name));
  const indexed = new Set(upsert.indexed?.map((c) => c.name));
  // The key's own columns are equal on a conflict; setting them anyway makes SQLite plan index
  // updates into every insert (a third slower on a bulk import).
  const updated = keys.filter((k) => !targets.has(columns[k]!.name) && !(part === 'kept' && indexed.has(columns[k]!.name)));
  const compared = updated.filter((k) => !upsert.stamps?.some((c) => c.name === columns[k]!.name));
  const same = keys.filter((k) => indexed.has(columns[k]!.name)).map((k) => `${quoted(k)} IS excluded.${quoted(k)}`);
  const where = [
    ...(part === 'kept' ? same : []),
    ...(part === 'moved' ? [`NOT (${same.join(' AND ')})`] : []),
    ...(compared.length > 0 && part !== 'moved' ? [`(${compared.map((k) => `${quoted(k)} IS NOT excluded.${quoted(k)}`).join(' OR ')})`] : []),
  ];
  return query.onConflictDoUpdate({
    target: upsert.target,
    set: Object.fromEntries(updated.map((k) => [k, sql.raw(`excluded.${quoted(k)}`)])),
    ...(where.length > 0 && { setWhere: sql.raw(where.join(' AND ')) }),
  }) as Q;
}

/**
 * Encodes a row's values into `params` at `at`, in `order`: most columns store values as they
 * are; booleans and JSON are encoded here, inline, and anything else through the column's
 * encoder. Rows of one series share their attendee list: each list is encoded once per encoder.
 */
function rowEncoder(order: string[], columns: Record<string, SQLiteColumn>) {
  const kinds = order.map((k) => {
    const column = columns[k]!;
    if (column.mapToDriverValue === Column.prototype.mapToDriverValue) return PLAIN;
    if (column instanceof SQLiteBoolean) return BOOLEAN;
    if (column instanceof SQLiteTextJson) return JSON_TEXT;
    return column;
  });
  const width = order.length;
  const encoded = new Map<unknown, string>();
  return (row: Record<string, unknown>, params: unknown[], at: number) => {
    for (let i = 0; i < width; i++) {
      const v = row[order[i]!];
      const kind = kinds[i]!;
      if (v === null || v === undefined) params[at + i] = null;
      else if (kind === PLAIN) params[at + i] = v;
      else if (kind === BOOLEAN) params[at + i] = v ? 1 : 0;
      else if (kind === JSON_TEXT) {
        let out = encoded.get(v);
        if (out === undefined) encoded.set(v, (out = JSON.stringify(v)));
        params[at + i] = out;
      } else params[at + i] = kind.mapToDriverValue(v);
    }
  };
}

/**
 * Statements that insert many rows of one table, for `atomic`. D1 binds at most 100 parameters
 * per statement, so there it is many small multi-row inserts. On better-sqlite3 it is one
 * statement, built once by drizzle and prepared on the driver, run per row with the values
 * encoded by drizzle's own column encoders: drizzle's per-query building otherwise dominates
 * bulk ingest several times over.
 *
 * `upsert`: upsert on this unique key instead of failing on it: rows already there are updated
 * in place, and only when a value other than the `stamps` (such as a synced-at time) differs, so
 * a re-import of an unchanged feed rewrites nothing.
 */
export function insertMany<T extends SQLiteTable>(db: Db, table: T, rows: Array<T['$inferInsert']>, upsert?: Upsert): Statement[] {
  if (rows.length === 0) return [];
  const columns = getTableColumns(table);
  const keys = Object.keys(rows[0]!).filter((k) => k in columns);
  if (isD1(db)) {
    const perStatement = Math.max(1, Math.floor(100 / keys.length));
    const out: Statement[] = [];
    for (let i = 0; i < rows.length; i += perStatement) out.push(withConflict(db.insert(table).values(rows.slice(i, i + perStatement)), columns, keys, upsert) as Statement);
    return out;
  }
  const literals = constantLiterals(rows as Array<Record<string, unknown>>, keys, columns);
  let byTable = preparedInserts.get(db);
  if (!byTable) preparedInserts.set(db, (byTable = new Map()));
  if (!byTable.has(table)) byTable.set(table, new Map());
  const cached = byTable.get(table)!;
  const shape = `${keys.map((k) => `${k}${literals.get(k) ?? ''}`).join(',')}|${upsert ? [upsert.target, upsert.stamps ?? [], upsert.indexed ?? []].map((cs) => cs.map((c) => c.name).join(',')).join('|') : ''}`;
  /** The statement inserting `n` rows at once, prepared once per shape. */
  const prepare = (n: number, part: Part = 'all') => {
    const cacheKey = `${shape}|${n}|${part}`;
    let prepared = cached.get(cacheKey);
    if (!prepared) {
      if (cached.size >= MAX_SHAPES) cached.clear();
      const placeholders = Object.fromEntries(keys.map((k) => [k, literals.has(k) ? sql.raw(literals.get(k)!) : sql.placeholder(k)]));
      const values = Array.from({ length: n }, () => placeholders);
      const query = (withConflict(db.insert(table).values(values as never), columns, keys, upsert, part) as unknown as { toSQL(): { sql: string; params: unknown[] } }).toSQL();
      // Each bound parameter is a Param holding our Placeholder (by name) and the column encoder;
      // every row binds the same sequence.
      const order = query.params.slice(0, query.params.length / n).map((p) => (p as { value: { name: string } }).value.name);
      const client = (db as unknown as { $client: { prepare(sql: string): RawStatement } }).$client;
      prepared = { statement: client.prepare(query.sql), order };
      cached.set(cacheKey, prepared);
    }
    return prepared;
  };
  const split = Boolean(upsert?.indexed?.some((c) => keys.some((k) => columns[k]!.name === c.name)));
  const single = prepare(1, split ? 'kept' : 'all');
  const width = single.order.length;
  const chunked = rows.length >= ROWS_PER_STATEMENT ? prepare(ROWS_PER_STATEMENT, split ? 'kept' : 'all').statement : null;
  /** Runs one batch; when split, again for the rows whose indexed columns differ, if any. */
  const runBatch = (statement: RawStatement, n: number, params: unknown[]) => {
    const { changes } = statement.run(...params);
    if (split && changes < n) prepare(n, 'moved').statement.run(...params);
  };
  return [
    {
      run() {
        const encodeRow = rowEncoder(single.order, columns);
        let next = 0;
        if (chunked) {
          const params: unknown[] = new Array(width * ROWS_PER_STATEMENT);
          for (; next + ROWS_PER_STATEMENT <= rows.length; next += ROWS_PER_STATEMENT) {
            for (let r = 0; r < ROWS_PER_STATEMENT; r++) encodeRow(rows[next + r] as Record<string, unknown>, params, r * width);
            runBatch(chunked, ROWS_PER_STATEMENT, params);
          }
        }
        const params: unknown[] = new Array(width);
        for (; next < rows.length; next++) {
          encodeRow(rows[next] as Record<string, unknown>, params, 0);
          runBatch(single.statement, 1, params);
        }
      },
    },
  ];
}
