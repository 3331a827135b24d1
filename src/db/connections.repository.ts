/**
 * Connections and their calendars: every query scoped by workspace. `createConnectionRepository` runs past the usual 80 lines only because
 * it is the list of its query methods, each a few lines; splitting it would scatter one table's
 * queries over several files.
 */
import { and, asc, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import type { CalendarEvent } from '../domain/types';
import { atomic, reusableWrite, type DriverValue } from './atomic';
import type { Db } from './database';
import { replaceCalendarStatements, type FeedState } from './events.repository';
import { bumpDataVersion } from './workspaces.repository';
import { newId } from './ids';
import { calendars, connections, syncState, type ConnectionStatus, type ProviderName } from './schema';

export type ConnectionRow = typeof connections.$inferSelect;
export type CalendarRow = typeof calendars.$inferSelect;

/** A feed connection as `createFeed` stores it. */
export type FeedConnection = Pick<ConnectionRow, 'id' | 'memberId' | 'label' | 'credentials' | 'lastSyncAt' | 'syncedThroughAt' | 'syncNote' | 'syncNoteAt' | 'syncWarnings'>;

type Driver<T> = { [K in keyof T]: DriverValue };
const insertFeedConnection = reusableWrite<Driver<Omit<FeedConnection, 'syncWarnings'>> & { workspaceId: string; syncWarnings: string | null }>((db, v) =>
  db.insert(connections).values({
    id: v.id,
    workspaceId: v.workspaceId,
    memberId: v.memberId,
    provider: sql`'ics'`,
    status: sql`'ok'`,
    label: v.label,
    credentials: v.credentials,
    lastSyncAt: v.lastSyncAt,
    syncedThroughAt: v.syncedThroughAt,
    syncNote: v.syncNote,
    syncNoteAt: v.syncNoteAt,
    syncWarnings: v.syncWarnings,
  }),
);
const insertFeedCalendar = reusableWrite<{ id: string; workspaceId: string; connectionId: string; externalId: string; name: string; timeZone: string | null }>((db, v) =>
  db.insert(calendars).values({ id: v.id, workspaceId: v.workspaceId, connectionId: v.connectionId, externalId: v.externalId, name: v.name, timeZone: v.timeZone, isPrimary: sql`1` }),
);

export function createConnectionRepository({ db }: { db: Db }) {
  const scoped = (workspaceId: string, connectionId: string) =>
    and(eq(connections.workspaceId, workspaceId), eq(connections.id, connectionId));
  // Prepared once: every sync reads its connection and calendars, and drizzle's query building
  // costs some 20 times SQLite's own lookup.
  const byId = db
    .select()
    .from(connections)
    .where(and(eq(connections.workspaceId, sql.placeholder('workspaceId')), eq(connections.id, sql.placeholder('id'))))
    .prepare();
  const calendarsOf = db
    .select()
    .from(calendars)
    .where(and(eq(calendars.workspaceId, sql.placeholder('workspaceId')), eq(calendars.connectionId, sql.placeholder('connectionId'))))
    .prepare();

  return {
    async list(workspaceId: string, memberId?: string): Promise<ConnectionRow[]> {
      return db
        .select()
        .from(connections)
        .where(
          memberId
            ? and(eq(connections.workspaceId, workspaceId), eq(connections.memberId, memberId))
            : eq(connections.workspaceId, workspaceId),
        )
        .orderBy(asc(connections.createdAt), asc(connections.id));
    },

    async get(workspaceId: string, connectionId: string): Promise<ConnectionRow | undefined> {
      return (await byId.all({ workspaceId, id: connectionId }))[0];
    },

    /** Creates a connection and its one calendar (ICS feeds hold exactly one). */
    async create(
      workspaceId: string,
      input: {
        id?: string;
        memberId: string;
        provider: ProviderName;
        label: string;
        credentials: string | null;
        accountSubject?: string | null;
        accountEmail?: string | null;
      },
    ): Promise<ConnectionRow> {
      const id = input.id ?? newId('con');
      const [row] = await db.insert(connections).values({ ...input, id, workspaceId }).returning();
      return row!;
    },

    /**
     * A new feed connection (ICS, status ok) with its one calendar and the feed's events, in one
     * atomic unit: an import that fails or is cut short leaves nothing behind, not a connection
     * without events. `connection` carries the outcome already known (sync facts, warnings).
     */
    async createFeed(
      workspaceId: string,
      connection: FeedConnection,
      calendar: { externalId: string; name: string; timeZone: string | null },
      feed: { events: CalendarEvent[]; window: { start: number; end: number }; now: number; state: FeedState },
    ): Promise<ConnectionRow> {
      const calendarId = newId('cal');
      const { syncWarnings, ...facts } = connection;
      await atomic(db, [
        insertFeedConnection(db, { ...facts, workspaceId, syncWarnings: syncWarnings && JSON.stringify(syncWarnings) }),
        insertFeedCalendar(db, { id: calendarId, workspaceId, connectionId: connection.id, ...calendar }),
        ...replaceCalendarStatements(db, workspaceId, calendarId, feed.events, feed.window, feed.now, { fresh: true, feed: feed.state }),
      ]);
      return (await byId.all({ workspaceId, id: connection.id }))[0]!;
    },

    async setStatus(
      workspaceId: string,
      connectionId: string,
      status: ConnectionStatus,
      extra: Partial<Pick<ConnectionRow, 'lastSyncAt' | 'lastError' | 'lastErrorAt' | 'syncedThroughAt' | 'syncNote' | 'syncNoteAt' | 'syncWarnings' | 'profileReadAt'>> = {},
    ): Promise<void> {
      await db
        .update(connections)
        .set({ status, ...extra })
        .where(scoped(workspaceId, connectionId));
    },

    /** A subscription feed's validators and body hash (ICS refreshes), beside its calendar's sync state. */
    async setFeedState(workspaceId: string, calendarId: string, feed: FeedState): Promise<void> {
      await db
        .update(syncState)
        .set({ feedEtag: feed.etag, feedLastModified: feed.lastModified, feedHash: feed.hash })
        .where(and(eq(syncState.workspaceId, workspaceId), eq(syncState.calendarId, calendarId)));
    },

    /** A push notification arrived for this connection: a change waits at the vendor (sync health). */
    async notePush(workspaceId: string, connectionId: string, now: number): Promise<void> {
      await db.update(connections).set({ lastPushAt: now }).where(scoped(workspaceId, connectionId));
    },

    /** The next sync of each of the member's connections reads the calendar settings again. */
    async forgetProfileRead(workspaceId: string, memberId: string): Promise<void> {
      await db
        .update(connections)
        .set({ profileReadAt: null })
        .where(and(eq(connections.workspaceId, workspaceId), eq(connections.memberId, memberId)));
    },

    /** The member's connection to this provider account (Google `sub`, Microsoft `tid:oid`), if there is one. */
    async findByAccount(workspaceId: string, memberId: string, provider: ProviderName, accountSubject: string): Promise<ConnectionRow | undefined> {
      const rows = await db
        .select()
        .from(connections)
        .where(
          and(
            eq(connections.workspaceId, workspaceId),
            eq(connections.memberId, memberId),
            eq(connections.provider, provider),
            eq(connections.accountSubject, accountSubject),
          ),
        )
        .orderBy(asc(connections.createdAt), asc(connections.id));
      return rows[0];
    },

    /**
     * A new grant for an existing connection, in one atomic unit: the sealed credentials and the
     * account replace the old ones, the status becomes `syncing`, and every calendar's sync
     * cursor is forgotten (its events stay), so the next sync lists everything again and
     * rewrites the same rows in place.
     */
    async replaceGrant(
      workspaceId: string,
      connectionId: string,
      grant: { credentials: string; accountSubject: string; accountEmail: string },
      now: number,
    ): Promise<void> {
      const calendarIds = (await calendarsOf.all({ workspaceId, connectionId })).map((c) => c.id);
      await atomic(db, [
        db
          .update(connections)
          .set({ ...grant, status: 'syncing', lastError: null })
          .where(scoped(workspaceId, connectionId)),
        ...(calendarIds.length > 0
          ? [
              db
                .update(syncState)
                .set({ syncToken: null, pageToken: null, updatedAt: now })
                .where(and(eq(syncState.workspaceId, workspaceId), inArray(syncState.calendarId, calendarIds))),
            ]
          : []),
      ]);
    },

    async setCredentials(workspaceId: string, connectionId: string, credentials: string | null): Promise<void> {
      await db.update(connections).set({ credentials }).where(scoped(workspaceId, connectionId));
    },

    /** Every connection holding sealed credentials, across workspaces: for `unmeet rotate-secret` only. */
    async listSealedForRotation(): Promise<Array<Pick<ConnectionRow, 'id' | 'workspaceId' | 'credentials'>>> {
      return db
        .select({ id: connections.id, workspaceId: connections.workspaceId, credentials: connections.credentials })
        .from(connections)
        .where(isNotNull(connections.credentials));
    },

    async remove(workspaceId: string, connectionId: string): Promise<boolean> {
      const rows = await db.delete(connections).where(scoped(workspaceId, connectionId)).returning({ id: connections.id });
      // Its calendars and events went with it (cascade).
      if (rows.length > 0) await bumpDataVersion(db, workspaceId);
      return rows.length > 0;
    },

    async calendars(workspaceId: string, connectionId: string): Promise<CalendarRow[]> {
      return calendarsOf.all({ workspaceId, connectionId });
    },

    /** The calendar with this external id under the connection, created on first sight. */
    async ensureCalendar(
      workspaceId: string,
      connectionId: string,
      input: { externalId: string; name: string; timeZone: string | null; isPrimary: boolean },
    ): Promise<CalendarRow> {
      // The conflict is on this connection's own calendar (connection ids are unique), so the
      // returned row is in this workspace.
      const [row] = await db
        .insert(calendars)
        .values({ id: newId('cal'), workspaceId, connectionId, ...input })
        .onConflictDoUpdate({
          target: [calendars.connectionId, calendars.externalId],
          set: { name: input.name, timeZone: input.timeZone },
        })
        .returning();
      return row!;
    },
  };
}
export type ConnectionRepository = ReturnType<typeof createConnectionRepository>;
