/**
 * Flag decisions and suggestions: every query scoped by workspace. `createFlagRepository` runs past the usual 80 lines only because
 * it is the list of its query methods, each a few lines; splitting it would scatter one table's
 * queries over several files.
 */
import { and, count, desc, eq, gt, gte, isNull, or } from 'drizzle-orm';
import type { Db } from './database';
import { bumpDataVersion } from './workspaces.repository';
import { newId } from './ids';
import { events, mailOptOuts, seriesDecisions, suggestions, type SeriesDecision } from './schema';

export type DecisionRow = typeof seriesDecisions.$inferSelect;
export type SuggestionRow = typeof suggestions.$inferSelect;

/** Decisions about flagged series, the suggestion ledger (dedupe, caps) and opt-outs; all per workspace. */
export function createFlagRepository({ db }: { db: Db }) {
  return {
    /** Decisions still in force at `now` (a `keep` past its expiry no longer counts). */
    async activeDecisions(workspaceId: string, now: number): Promise<DecisionRow[]> {
      return db
        .select()
        .from(seriesDecisions)
        .where(and(eq(seriesDecisions.workspaceId, workspaceId), or(isNull(seriesDecisions.expiresAt), gt(seriesDecisions.expiresAt, now))));
    },

    /** Records (or replaces) the decision about a series. */
    async decide(
      workspaceId: string,
      seriesKey: string,
      decision: { decision: SeriesDecision; decidedBy: string; expiresAt: number | null },
      now: number,
    ): Promise<DecisionRow> {
      const rows = await db
        .insert(seriesDecisions)
        .values({ id: newId('dec'), workspaceId, seriesKey, ...decision, decidedAt: now })
        .onConflictDoUpdate({
          target: [seriesDecisions.workspaceId, seriesDecisions.seriesKey],
          set: { ...decision, decidedAt: now },
        })
        .returning();
      await bumpDataVersion(db, workspaceId);
      return rows[0]!;
    },

    /** Whether the workspace has any stored event of this series (recurring key or one-off id). */
    async seriesExists(workspaceId: string, seriesKey: string): Promise<boolean> {
      const rows = await db
        .select({ id: events.id })
        .from(events)
        .where(and(eq(events.workspaceId, workspaceId), or(eq(events.seriesKey, seriesKey), and(isNull(events.seriesKey), eq(events.externalId, seriesKey)))))
        .limit(1);
      return rows.length > 0;
    },

    async isOptedOut(workspaceId: string, email: string): Promise<boolean> {
      const rows = await db
        .select({ email: mailOptOuts.email })
        .from(mailOptOuts)
        .where(and(eq(mailOptOuts.workspaceId, workspaceId), eq(mailOptOuts.email, email.toLowerCase())));
      return rows.length > 0;
    },

    /** Adds an address to the opt-out list; doing it twice is a no-op. */
    async optOut(workspaceId: string, email: string, now: number): Promise<void> {
      await db.insert(mailOptOuts).values({ workspaceId, email: email.toLowerCase(), createdAt: now }).onConflictDoNothing();
    },

    /** The latest suggestion about a series created at or after `since`. */
    async latestSuggestion(workspaceId: string, seriesKey: string, since: number): Promise<SuggestionRow | undefined> {
      const rows = await db
        .select()
        .from(suggestions)
        .where(and(eq(suggestions.workspaceId, workspaceId), eq(suggestions.seriesKey, seriesKey), gte(suggestions.createdAt, since)))
        .orderBy(desc(suggestions.createdAt))
        .limit(1);
      return rows[0];
    },

    /** How many suggestions went to `recipient` at or after `since` (the weekly cap). */
    async countForRecipient(workspaceId: string, recipient: string, since: number): Promise<number> {
      const rows = await db
        .select({ n: count() })
        .from(suggestions)
        .where(and(eq(suggestions.workspaceId, workspaceId), eq(suggestions.recipient, recipient.toLowerCase()), gte(suggestions.createdAt, since)));
      return rows[0]?.n ?? 0;
    },

    async getSuggestion(workspaceId: string, id: string): Promise<SuggestionRow | undefined> {
      const rows = await db.select().from(suggestions).where(and(eq(suggestions.workspaceId, workspaceId), eq(suggestions.id, id)));
      return rows[0];
    },

    async setResponse(workspaceId: string, id: string, response: string): Promise<void> {
      await db.update(suggestions).set({ response }).where(and(eq(suggestions.workspaceId, workspaceId), eq(suggestions.id, id)));
    },
  };
}
export type FlagRepository = ReturnType<typeof createFlagRepository>;
