import { drizzle, type AnyD1Database } from 'drizzle-orm/d1';
import journal from '../../drizzle/meta/_journal.json';
import type { Db } from './database';
import * as schema from './schema';

/** The drizzle database over a D1 binding (migrations are applied by wrangler from drizzle/). */
export function openD1(binding: AnyD1Database): Db {
  return drizzle(binding, { schema }) as unknown as Db;
}

/** Where wrangler (`d1 migrations apply`) records applied migrations, by file name; its default. */
const MIGRATIONS_TABLE = 'd1_migrations';

/** The migration files this build expects, as wrangler names them. */
const expectedMigrations = journal.entries.map((entry) => `${entry.tag}.sql`);

/**
 * Readiness on Workers, as `check()` on Node: D1 answers, and every migration in drizzle/ that
 * this build was bundled with has been applied by wrangler. Without the second check, a deploy
 * that forgot `wrangler d1 migrations apply` would say ready while every write fails.
 */
export async function checkD1(binding: AnyD1Database): Promise<{ database: boolean; migrations: boolean }> {
  try {
    await binding.prepare('select 1').first();
  } catch {
    return { database: false, migrations: false };
  }
  try {
    const { results } = await binding.prepare(`select name from ${MIGRATIONS_TABLE}`).all();
    const applied = new Set((results as Array<{ name: string }>).map((row) => row.name));
    return { database: true, migrations: expectedMigrations.every((name) => applied.has(name)) };
  } catch {
    // No migrations table: nothing was ever applied.
    return { database: true, migrations: false };
  }
}
