/**
 * Stored calendar events and each calendar's sync cursor: every query scoped by workspace. `createEventRepository` runs past the usual 80 lines only because
 * it is the list of its query methods, each a few lines; splitting it would scatter one table's
 * queries over several files.
 */
import { and, count, eq, gt, gte, lt, max, notInArray, or, sql } from 'drizzle-orm';
import type { CalendarEvent } from '../domain/types';
import type { EventChange } from '../providers/calendar-provider';
import { atomic, insertMany, reusableWrite, type Statement } from './atomic';
import type { Db } from './database';
import { bumpDataVersion } from './workspaces.repository';
import { calendars, connections, events, syncState } from './schema';

type EventRow = typeof events.$inferSelect;
type EventInsert = typeof events.$inferInsert;
export type SyncStateRow = typeof syncState.$inferSelect;


const toRow = (workspaceId: string, calendarId: string, e: CalendarEvent, now: number): EventInsert => ({
  workspaceId,
  calendarId,
  externalId: e.externalId,
  seriesKey: e.seriesKey,
  originalStart: e.originalStart,
  title: e.title,
  start: e.start,
  end: e.end,
  allDay: e.allDay,
  status: e.status,
  transparency: e.transparency,
  organizer: e.organizer,
  attendees: e.attendees,
  descPresent: e.description.present,
  descLength: e.description.length,
  hasAgenda: e.description.hasAgenda,
  hasDocLink: e.description.hasDocLink,
  descDecision: e.description.mentionsDecision ?? false,
  descLiveWork: e.description.mentionsLiveWork ?? false,
  descReadout: e.description.mentionsReadout ?? false,
  descQuestions: e.description.invitesQuestions ?? false,
  hasConferencing: e.hasConferencing,
  createdByUnmeet: e.createdByUnmeet,
  away: e.away ?? false,
  syncedAt: now,
});

/** Events are keyed by (calendar, external id); `synced_at` alone changing is no reason to rewrite a row. */
const upsertEvents = { target: [events.calendarId, events.externalId], stamps: [events.syncedAt] };
/** In a full listing the stamp is the point: every listed row takes the listing's generation; most keep their start, so its index is left alone where it is equal. */
const upsertListed = { target: [events.calendarId, events.externalId], indexed: [events.workspaceId, events.start] };

export const toCalendarEvent = (r: EventRow): CalendarEvent => ({
  externalId: r.externalId,
  seriesKey: r.seriesKey,
  originalStart: r.originalStart,
  title: r.title,
  start: r.start,
  end: r.end,
  allDay: r.allDay,
  status: r.status,
  transparency: r.transparency,
  organizer: r.organizer,
  attendees: r.attendees,
  description: {
    present: r.descPresent,
    length: r.descLength,
    hasAgenda: r.hasAgenda,
    hasDocLink: r.hasDocLink,
    mentionsDecision: r.descDecision,
    mentionsLiveWork: r.descLiveWork,
    mentionsReadout: r.descReadout,
    invitesQuestions: r.descQuestions,
  },
  hasConferencing: r.hasConferencing,
  createdByUnmeet: r.createdByUnmeet,
  ...(r.away && { away: true }),
});

type WindowState = { calendarId: string; workspaceId: string; windowStart: number; windowEnd: number; updatedAt: number };
/** A calendar's stored window (a listing from its start again: no page token). */
const upsertWindow = reusableWrite<WindowState>((db, v) =>
  db
    .insert(syncState)
    .values({ calendarId: v.calendarId, workspaceId: v.workspaceId, windowStart: v.windowStart, windowEnd: v.windowEnd, updatedAt: v.updatedAt })
    .onConflictDoUpdate({ target: syncState.calendarId, set: { windowStart: v.windowStart, windowEnd: v.windowEnd, updatedAt: v.updatedAt, pageToken: null } }),
);
/** The same, with the feed's validators and hash. */
const upsertFeedState = reusableWrite<WindowState & { feedEtag: string | null; feedLastModified: string | null; feedHash: string | null }>((db, v) => {
  const set = { windowStart: v.windowStart, windowEnd: v.windowEnd, updatedAt: v.updatedAt, feedEtag: v.feedEtag, feedLastModified: v.feedLastModified, feedHash: v.feedHash };
  return db
    .insert(syncState)
    .values({ calendarId: v.calendarId, workspaceId: v.workspaceId, ...set })
    .onConflictDoUpdate({ target: syncState.calendarId, set: { ...set, pageToken: null } });
});
const bumpVersion = reusableWrite<{ workspaceId: string }>((db, v) => bumpDataVersion(db, v.workspaceId));

/** A feed's validators and body hash, kept in the calendar's sync state (ICS subscriptions). */
export type FeedState = { etag: string | null; lastModified: string | null; hash: string | null };
type ReplaceOptions = { fresh?: boolean; feed?: FeedState };

/**
 * The writes that replace everything stored for a calendar with `incoming`, for `atomic`: a
 * re-import leaves no duplicates and no ghosts, and a failed one leaves the previous rows intact.
 * It is an upsert on (calendar, external id) that leaves unchanged rows untouched, then a sweep of
 * the ids the feed no longer lists (passed as one JSON array: D1 binds at most 100 values).
 * A calendar created in this same unit (`fresh`) holds nothing yet: nothing to sweep. `feed` is
 * stored with the window, so a feed's hash never describes other rows than the stored ones.
 */
export function replaceCalendarStatements(
  db: Db,
  workspaceId: string,
  calendarId: string,
  incoming: CalendarEvent[],
  window: { start: number; end: number },
  now: number,
  options: ReplaceOptions = {},
): Statement[] {
  // Rows are upserted on (calendar, external id), so a feed listing the same instance twice
  // keeps the last.
  const rows = incoming.map((e) => toRow(workspaceId, calendarId, e, now));
  const statements: Statement[] = options.fresh
    ? []
    : [
        db
          .delete(events)
          .where(
            and(
              eq(events.workspaceId, workspaceId),
              eq(events.calendarId, calendarId),
              notInArray(events.externalId, sql`(select value from json_each(${JSON.stringify(incoming.map((e) => e.externalId))}))`),
            ),
          ),
      ];
  statements.push(...insertMany(db, events, rows, upsertEvents));
  const state = { calendarId, workspaceId, windowStart: window.start, windowEnd: window.end, updatedAt: now };
  const { feed } = options;
  statements.push(feed ? upsertFeedState(db, { ...state, feedEtag: feed.etag, feedLastModified: feed.lastModified, feedHash: feed.hash }) : upsertWindow(db, state));
  statements.push(bumpVersion(db, { workspaceId }));
  return statements;
}

/** `replaceCalendarStatements`'s arguments after the database. */
type ReplaceArgs = Parameters<typeof replaceCalendarStatements> extends [Db, ...infer Rest] ? Rest : never;

export function createEventRepository({ db }: { db: Db }) {
  return {
    /**
     * Replaces everything stored for a calendar with `incoming`, in one atomic unit (see
     * `replaceCalendarStatements`).
     */
    async replaceCalendar(...args: ReplaceArgs): Promise<void> {
      await atomic(db, replaceCalendarStatements(db, ...args));
    },

    /**
     * Events overlapping `window` (of one member, or of everyone), tagged with their member.
     * No `IN (...)` list: D1 binds at most 100 parameters, and a workspace has more members.
     */
    async listInWindow(
      workspaceId: string,
      window: { start: number; end: number },
      memberId?: string,
    ): Promise<Array<{ memberId: string; event: CalendarEvent }>> {
      const rows = await db
        .select({ memberId: connections.memberId, event: events })
        .from(events)
        .innerJoin(calendars, eq(calendars.id, events.calendarId))
        .innerJoin(connections, eq(connections.id, calendars.connectionId))
        .where(
          and(
            eq(events.workspaceId, workspaceId),
            eq(connections.workspaceId, workspaceId),
            memberId ? eq(connections.memberId, memberId) : undefined,
            lt(events.start, window.end),
            gt(events.end, window.start),
          ),
        );
      return rows.map((r) => ({ memberId: r.memberId, event: toCalendarEvent(r.event) }));
    },

    async syncState(workspaceId: string, calendarId: string): Promise<SyncStateRow | undefined> {
      const rows = await db
        .select()
        .from(syncState)
        .where(and(eq(syncState.workspaceId, workspaceId), eq(syncState.calendarId, calendarId)));
      return rows[0];
    },

    /**
     * The generation for a new full listing of a calendar: later than every stamp its rows carry
     * (the clock alone is not enough: two syncs can share a millisecond, and a test clock stands
     * still), so the sweep after the listing tells listed rows from the rest.
     */
    async nextListingGeneration(workspaceId: string, calendarId: string, now: number): Promise<number> {
      const rows = await db
        .select({ latest: max(events.syncedAt) })
        .from(events)
        .where(and(eq(events.workspaceId, workspaceId), eq(events.calendarId, calendarId)));
      const latest = rows[0]?.latest;
      return latest == null ? now : Math.max(now, latest + 1);
    },

    /**
     * Applies one page of provider changes and moves the cursor, in one atomic unit: a crash
     * between pages resumes from the stored page token with nothing half-applied. A removal of
     * a recurring series' master id also removes its instances (`<id>_<start>` on Google: the
     * ids between `<id>_` and `<id>`` in byte order, `` ` `` being the character after `_`).
     *
     * A page of a full listing (`listing`) stamps every row it lists with the listing's
     * generation, an unchanged row included (that is its one write), and the cursor keeps the
     * generation for a resume; the listing's last page also sweeps the calendar's rows with an
     * older stamp, the ones the vendor no longer lists. So a full sync never empties the calendar
     * first (readers meanwhile see the previous rows), and it writes each stored event once.
     */
    async applyChanges(
      workspaceId: string,
      calendarId: string,
      changes: EventChange[],
      cursor: { syncToken: string | null; pageToken: string | null; window: { start: number; end: number } },
      now: number,
      listing?: { generation: number; last: boolean },
    ): Promise<void> {
      const scope = and(eq(events.workspaceId, workspaceId), eq(events.calendarId, calendarId));
      const latest = new Map<string, EventChange>();
      for (const change of changes) latest.set(change.kind === 'upsert' ? change.event.externalId : change.externalId, change);
      const upserts = [...latest.values()].flatMap((c) => (c.kind === 'upsert' ? [c.event] : []));
      const removals = [...latest.values()].flatMap((c) => (c.kind === 'remove' ? [c.externalId] : []));
      const statements: Statement[] = [];
      for (const id of removals) {
        statements.push(db.delete(events).where(and(scope, or(eq(events.externalId, id), and(gte(events.externalId, `${id}_`), lt(events.externalId, `${id}\``))))));
      }
      // Changed events are updated in place on their (calendar, external id) key.
      const stamp = listing?.generation ?? now;
      statements.push(...insertMany(db, events, upserts.map((e) => toRow(workspaceId, calendarId, e, stamp)), listing ? upsertListed : upsertEvents));
      if (listing?.last) statements.push(db.delete(events).where(and(scope, lt(events.syncedAt, listing.generation))));
      const state = {
        syncToken: cursor.syncToken,
        pageToken: cursor.pageToken,
        windowStart: cursor.window.start,
        windowEnd: cursor.window.end,
        updatedAt: now,
        fullSyncGen: listing && !listing.last ? listing.generation : null,
      };
      // Through insertMany: prepared once on better-sqlite3, so a page's cursor costs no query building.
      statements.push(...insertMany(db, syncState, [{ calendarId, workspaceId, ...state }], { target: [syncState.calendarId] }));
      if (changes.length > 0 || listing?.last) statements.push(bumpDataVersion(db, workspaceId));
      await atomic(db, statements);
    },

    async listForCalendar(workspaceId: string, calendarId: string): Promise<CalendarEvent[]> {
      const rows = await db
        .select()
        .from(events)
        .where(and(eq(events.workspaceId, workspaceId), eq(events.calendarId, calendarId)));
      return rows.map(toCalendarEvent);
    },

    async countForCalendar(workspaceId: string, calendarId: string): Promise<number> {
      const rows = await db
        .select({ n: count() })
        .from(events)
        .where(and(eq(events.workspaceId, workspaceId), eq(events.calendarId, calendarId)));
      return rows[0]?.n ?? 0;
    },
  };
}
export type EventRepository = ReturnType<typeof createEventRepository>;
