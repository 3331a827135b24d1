import { index, integer, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { workspaces } from './schema';

/**
 * Fair rotation's storage: each rotating series (a preview until committed) and the burden
 * ledger people carry from one series to the next. Kept beside `schema.ts` so each file stays
 * readable; drizzle-kit reads all the schema files.
 */

const workspaceRef = () =>
  text('workspace_id')
    .notNull()
    .references(() => workspaces.id, { onDelete: 'cascade' });

/** A rotating series: a preview until committed. The input and the plan are kept as JSON. */
export const rotations = sqliteTable(
  'rotations',
  {
    id: text('id').primaryKey(),
    workspaceId: workspaceRef(),
    title: text('title').notNull(),
    status: text('status').$type<'preview' | 'committed'>().notNull(),
    input: text('input', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
    plan: text('plan', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
    createdAt: integer('created_at').notNull(),
    committedAt: integer('committed_at'),
  },
  (t) => [index('rotations_workspace_idx').on(t.workspaceId, t.createdAt)],
);

/**
 * The burden ledger: the pain each person took in each committed series (points), dated at the
 * series' last occurrence. A person's carried-over burden is the sum, decayed when read.
 */
export const rotationBurdens = sqliteTable(
  'rotation_burdens',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    workspaceId: workspaceRef(),
    rotationId: text('rotation_id')
      .notNull()
      .references(() => rotations.id, { onDelete: 'cascade' }),
    email: text('email').notNull(),
    timeZone: text('time_zone').notNull(),
    burden: real('burden').notNull(),
    outsideHoursCount: integer('outside_hours_count').notNull(),
    nightCount: integer('night_count').notNull(),
    at: integer('at').notNull(),
  },
  (t) => [
    uniqueIndex('rotation_burdens_rotation_email_idx').on(t.rotationId, t.email),
    index('rotation_burdens_workspace_email_idx').on(t.workspaceId, t.email),
  ],
);
