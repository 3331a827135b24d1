import { drizzle, type AnyD1Database } from 'drizzle-orm/d1';
import type { Db } from './database';
import * as schema from './schema';

/** The drizzle database over a D1 binding (migrations are applied by wrangler from drizzle/). */
export function openD1(binding: AnyD1Database): Db {
  return drizzle(binding, { schema }) as unknown as Db;
}
