import type { BaseSQLiteDatabase } from 'drizzle-orm/sqlite-core';
import type * as schema from './schema';

/**
 * The drizzle database as repositories see it: either better-sqlite3 (sync) or D1 (async).
 * Repositories only `await` query-builder calls, which works on both.
 */
export type Db = BaseSQLiteDatabase<'sync' | 'async', unknown, typeof schema>;
