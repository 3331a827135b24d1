/**
 * The outbox of messages and the opt-out list: every query scoped by workspace. `createOutboxRepository` runs past the usual 80 lines only because
 * it is the list of its query methods, each a few lines; splitting it would scatter one table's
 * queries over several files.
 */
import { and, asc, desc, eq, getTableColumns, inArray, lt, lte } from 'drizzle-orm';
import { atomic } from './atomic';
import type { Db } from './database';
import { outboxMessages, suggestions, type OutboxStatus } from './schema';

/**
 * A message's status. `held`: not sent until its recipient confirms they want these emails
 * (see services/mail-verification.ts); stored in the same text column as the others.
 */
export type MessageStatus = OutboxStatus;
export type OutboxRow = typeof outboxMessages.$inferSelect;
export type OutboxInsert = Omit<typeof outboxMessages.$inferInsert, 'workspaceId'>;
const asColumn = (status: MessageStatus) => status;
const asRow = (row: OutboxRow) => row;
export type SuggestionInsert = Omit<typeof suggestions.$inferInsert, 'workspaceId'>;
/** A message without its bodies: what a listing shows (bodies hold link placeholders and are large). */
export type OutboxSummaryRow = Omit<OutboxRow, 'mime' | 'text' | 'html'>;
const { mime: _mime, text: _text, html: _html, ...summaryColumns } = getTableColumns(outboxMessages);

/**
 * The outbox. Every state change is a compare-and-set on the current status, so two runners
 * never both claim a message, and an outcome is recorded only for the attempt that made it.
 */
export function createOutboxRepository({ db }: { db: Db }) {
  const byId = (workspaceId: string, id: string) => and(eq(outboxMessages.workspaceId, workspaceId), eq(outboxMessages.id, id));
  return {
    /** Stores a suggestion and its message together (the unique period index makes dedupe race-safe). */
    async enqueueSuggestion(workspaceId: string, suggestion: SuggestionInsert, message: OutboxInsert): Promise<void> {
      await atomic(db, [
        db.insert(suggestions).values({ ...suggestion, workspaceId }),
        db.insert(outboxMessages).values({ ...message, workspaceId, status: asColumn(message.status ?? 'queued') }),
      ]);
    },

    /** Stores a message that belongs to no suggestion (a confirmation request). */
    async enqueueMessage(workspaceId: string, message: OutboxInsert): Promise<void> {
      await db.insert(outboxMessages).values({ ...message, workspaceId, status: asColumn(message.status ?? 'queued') });
    },

    /**
     * Held messages to `recipient` in every workspace. The one query not scoped by workspace:
     * whether an address wants mail is a fact about the address, and its confirmation releases
     * what every workspace held for it.
     */
    async listHeldFor(recipient: string): Promise<OutboxRow[]> {
      const rows = await db
        .select()
        .from(outboxMessages)
        .where(and(eq(outboxMessages.recipient, recipient.toLowerCase()), eq(outboxMessages.status, asColumn('held'))));
      return rows.map(asRow);
    },

    async get(workspaceId: string, id: string): Promise<OutboxRow | undefined> {
      const rows = await db.select().from(outboxMessages).where(byId(workspaceId, id));
      return rows[0] && asRow(rows[0]);
    },

    async list(workspaceId: string, filter: { status?: MessageStatus | undefined; recipient?: string | undefined; limit: number }): Promise<OutboxRow[]> {
      const rows = await db
        .select()
        .from(outboxMessages)
        .where(
          and(
            eq(outboxMessages.workspaceId, workspaceId),
            filter.status ? eq(outboxMessages.status, asColumn(filter.status)) : undefined,
            filter.recipient ? eq(outboxMessages.recipient, filter.recipient.toLowerCase()) : undefined,
          ),
        )
        .orderBy(asc(outboxMessages.deliverAfter))
        .limit(filter.limit);
      return rows.map(asRow);
    },

    /**
     * One page of the workspace's messages, newest first (by creation, then id so the order is
     * total), without bodies: the Outbox page. Ask for one row more than a page to learn whether
     * another follows.
     */
    async listNewest(workspaceId: string, page: { offset: number; limit: number }): Promise<OutboxSummaryRow[]> {
      return db
        .select(summaryColumns)
        .from(outboxMessages)
        .where(eq(outboxMessages.workspaceId, workspaceId))
        .orderBy(desc(outboxMessages.createdAt), desc(outboxMessages.id))
        .limit(page.limit)
        .offset(page.offset);
    },

    /** Queued messages due at `now`. */
    async listDue(workspaceId: string, now: number, limit: number): Promise<OutboxRow[]> {
      const rows = await db
        .select()
        .from(outboxMessages)
        .where(and(eq(outboxMessages.workspaceId, workspaceId), eq(outboxMessages.status, 'queued'), lte(outboxMessages.deliverAfter, now)))
        .orderBy(asc(outboxMessages.deliverAfter))
        .limit(limit);
      return rows.map(asRow);
    },

    /** Attempts that started before `before` and never recorded an outcome (their runner died). */
    async listStaleSending(workspaceId: string, before: number): Promise<OutboxRow[]> {
      const rows = await db
        .select()
        .from(outboxMessages)
        .where(and(eq(outboxMessages.workspaceId, workspaceId), eq(outboxMessages.status, 'sending'), lt(outboxMessages.attemptStartedAt, before)));
      return rows.map(asRow);
    },

    /**
     * Claims a queued message for one attempt: status `sending`, the attempt counted and its
     * start recorded, before any transport is called. False when someone else got it first.
     */
    async claim(workspaceId: string, id: string, transport: string, now: number): Promise<OutboxRow | undefined> {
      const current = await this.get(workspaceId, id);
      if (!current || current.status !== 'queued') return undefined;
      const rows = await db
        .update(outboxMessages)
        .set({ status: 'sending', attempts: current.attempts + 1, attemptStartedAt: now, transport })
        .where(and(byId(workspaceId, id), eq(outboxMessages.status, 'queued'), eq(outboxMessages.attempts, current.attempts)))
        .returning();
      return rows[0] && asRow(rows[0]);
    },

    /** Moves a message from one of `from` to a new status (with fields); false when its status changed meanwhile. */
    async transition(
      workspaceId: string,
      id: string,
      from: MessageStatus[],
      to: MessageStatus,
      fields: Partial<Pick<OutboxRow, 'lastError' | 'sentAt' | 'deliverAfter' | 'attemptStartedAt'>> = {},
    ): Promise<boolean> {
      const rows = await db
        .update(outboxMessages)
        .set({ status: asColumn(to), ...fields })
        .where(and(byId(workspaceId, id), inArray(outboxMessages.status, from.map(asColumn))))
        .returning({ id: outboxMessages.id });
      return rows.length > 0;
    },
  };
}
export type OutboxRepository = ReturnType<typeof createOutboxRepository>;
