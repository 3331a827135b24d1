import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { connections, members, workspaces } from './schema';

/**
 * Focus time's storage: the workspace policy, each member's switch and overrides, the blocks
 * unmeet placed (the only events it will ever move or delete) and what each connection taught
 * us about focus events. Kept beside `schema.ts` so each file stays readable; drizzle-kit reads
 * all the schema files. Every row carries `workspace_id`.
 */

const workspaceRef = () =>
  text('workspace_id')
    .notNull()
    .references(() => workspaces.id, { onDelete: 'cascade' });

/** The workspace's focus policy defaults (a partial policy: unset keys fall back to the built-in defaults). */
export const focusSettings = sqliteTable('focus_settings', {
  workspaceId: text('workspace_id')
    .primaryKey()
    .references(() => workspaces.id, { onDelete: 'cascade' }),
  policy: text('policy', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
  updatedAt: integer('updated_at').notNull(),
});

/** Per member: focus protection on or off, and the member's overrides of the workspace policy. */
export const focusMembers = sqliteTable(
  'focus_members',
  {
    workspaceId: workspaceRef(),
    memberId: text('member_id')
      .notNull()
      .references(() => members.id, { onDelete: 'cascade' }),
    enabled: integer('enabled', { mode: 'boolean' }).notNull().default(false),
    policy: text('policy', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [uniqueIndex('focus_members_workspace_member_idx').on(t.workspaceId, t.memberId)],
);

export type FocusBlockStatus = 'pending' | 'active' | 'member_moved' | 'member_deleted' | 'removed';

/**
 * Focus blocks unmeet placed in a member's calendar: the only events it will ever move or
 * delete. `key` is deterministic (member, connection, local date, slot), and so is the
 * provider's client id derived from it, so retries and concurrent runs converge on one event.
 */
export const focusBlocks = sqliteTable(
  'focus_blocks',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    workspaceId: workspaceRef(),
    memberId: text('member_id')
      .notNull()
      .references(() => members.id, { onDelete: 'cascade' }),
    connectionId: text('connection_id')
      .notNull()
      .references(() => connections.id, { onDelete: 'cascade' }),
    calendarExternalId: text('calendar_external_id').notNull(),
    key: text('key').notNull(),
    /** Google event id / Graph transactionId, derived from `key`. */
    clientId: text('client_id').notNull(),
    /** The provider's event id (known up front on Google; after creation on Graph). */
    eventId: text('event_id'),
    /** Local date (member's zone) the block belongs to. */
    date: text('date').notNull(),
    start: integer('start').notNull(),
    end: integer('end').notNull(),
    status: text('status').$type<FocusBlockStatus>().notNull(),
    /** When we last wrote the event; a sync that started later has seen our write. */
    writtenAt: integer('written_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('focus_blocks_workspace_key_idx').on(t.workspaceId, t.key),
    index('focus_blocks_member_idx').on(t.workspaceId, t.memberId, t.start),
  ],
);

/** What a connection taught us about focus time: Google rejects it for consumer accounts. */
export const focusConnections = sqliteTable('focus_connections', {
  connectionId: text('connection_id')
    .primaryKey()
    .references(() => connections.id, { onDelete: 'cascade' }),
  workspaceId: text('workspace_id').notNull(),
  /** null: not tried yet; false: the provider rejected focus time, use a normal busy event. */
  focusTimeSupported: integer('focus_time_supported', { mode: 'boolean' }),
  checkedAt: integer('checked_at').notNull(),
});
