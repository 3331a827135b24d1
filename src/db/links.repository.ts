import { and, count, eq, gt, isNull, lt, sql } from 'drizzle-orm';
import type { Db } from './database';
import { invitations, memberships, oneTimeLinks, signInStates, type LinkPurpose } from './people.schema';

export type OneTimeLink = typeof oneTimeLinks.$inferSelect;
export type SignInState = typeof signInStates.$inferSelect;

/**
 * One-time links (stored by the SHA-256 of their token, never the token) and pending OpenID
 * sign-ins. Both are single use: taking one is a conditional write, so two requests racing for
 * the same link or state cannot both win.
 */
export function createLinksRepository({ db }: { db: Db }) {
  return {
    async createLink(row: { id: string; purpose: LinkPurpose; email: string | null; createdAt: number; expiresAt: number }): Promise<void> {
      await db.insert(oneTimeLinks).values({ ...row, usedAt: null });
    },

    async findLink(id: string): Promise<OneTimeLink | undefined> {
      return (await db.select().from(oneTimeLinks).where(eq(oneTimeLinks.id, id)))[0];
    },

    /** Marks a live link used and returns it; undefined when it is unknown, used or expired. */
    async consumeLink(id: string, purpose: LinkPurpose, now: number): Promise<OneTimeLink | undefined> {
      const rows = await db
        .update(oneTimeLinks)
        .set({ usedAt: now })
        .where(and(eq(oneTimeLinks.id, id), eq(oneTimeLinks.purpose, purpose), isNull(oneTimeLinks.usedAt), gt(oneTimeLinks.expiresAt, now)))
        .returning();
      return rows[0];
    },

    /**
     * A dashboard flash: one row keyed by the hash of a random token, its sealed payload beside
     * it, so it lives in the database (Workers have no shared memory). Taking it deletes it: a
     * flash is read once.
     */
    async createFlash(row: { id: string; sealed: string; createdAt: number; expiresAt: number }): Promise<void> {
      await db.insert(oneTimeLinks).values({ id: row.id, purpose: 'flash', payload: row.sealed, createdAt: row.createdAt, expiresAt: row.expiresAt, usedAt: null });
    },

    /** Deletes a live flash and returns its sealed payload; undefined when unknown, taken or expired. */
    async takeFlash(id: string, now: number): Promise<string | undefined> {
      const rows = await db.delete(oneTimeLinks).where(and(eq(oneTimeLinks.id, id), eq(oneTimeLinks.purpose, 'flash'))).returning();
      const row = rows[0];
      return row && row.expiresAt > now ? (row.payload ?? undefined) : undefined;
    },

    /** How many links of a purpose went to an address since `since` (the flood caps count these). */
    async countSince(purpose: LinkPurpose, email: string, since: number): Promise<number> {
      const rows = await db
        .select({ n: count() })
        .from(oneTimeLinks)
        .where(and(eq(oneTimeLinks.purpose, purpose), eq(oneTimeLinks.email, email.toLowerCase()), gt(oneTimeLinks.createdAt, since)));
      return rows[0]?.n ?? 0;
    },

    /** Drops links past their end (used ones are kept until then: they still count toward the caps). */
    async purgeExpiredLinks(now: number): Promise<void> {
      await db.delete(oneTimeLinks).where(lt(oneTimeLinks.expiresAt, now - 86_400_000));
      await db.delete(signInStates).where(lt(signInStates.expiresAt, now));
    },

    async createState(row: SignInState): Promise<void> {
      await db.insert(signInStates).values(row);
    },

    /** Takes a pending sign-in (deleting it: a state works once) if it has not expired. */
    async takeState(id: string, now: number): Promise<SignInState | undefined> {
      const rows = await db.delete(signInStates).where(eq(signInStates.id, id)).returning();
      const state = rows[0];
      return state && state.expiresAt > now ? state : undefined;
    },

    /** Whether some live invitation names this address (so a sign-in link may be mailed to it). */
    async hasPendingInvitation(email: string, now: number): Promise<boolean> {
      const rows = await db
        .select({ id: invitations.id })
        .from(invitations)
        .where(and(eq(invitations.email, email.toLowerCase()), isNull(invitations.acceptedAt), isNull(invitations.revokedAt), gt(invitations.expiresAt, now)))
        .limit(1);
      return rows.length > 0;
    },

    /** Whether any workspace has an owner (until one does, each start prints a setup link). */
    async anyOwner(): Promise<boolean> {
      const rows = await db.select({ n: sql<number>`1` }).from(memberships).where(eq(memberships.role, 'owner')).limit(1);
      return rows.length > 0;
    },
  };
}
