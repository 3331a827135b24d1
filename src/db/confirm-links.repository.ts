import { and, eq, gt, isNull } from 'drizzle-orm';
import type { Db } from './database';
import { oneTimeLinks } from './people.schema';

export type ConfirmLink = typeof oneTimeLinks.$inferSelect;

/**
 * One-time links that confirm a mail address (`purpose = 'confirm'`). The row id is the SHA-256
 * of the token, so the database never holds a usable link; consuming is a compare-and-set on
 * `usedAt`, so two clicks cannot both act.
 */
export function createConfirmLinkRepository({ db }: { db: Db }) {
  return {
    async create(link: { hash: string; email: string; createdAt: number; expiresAt: number }): Promise<void> {
      await db.insert(oneTimeLinks).values({ id: link.hash, purpose: 'confirm', email: link.email.toLowerCase(), createdAt: link.createdAt, expiresAt: link.expiresAt });
    },

    async get(hash: string): Promise<ConfirmLink | undefined> {
      return (await db.select().from(oneTimeLinks).where(and(eq(oneTimeLinks.id, hash), eq(oneTimeLinks.purpose, 'confirm'))))[0];
    },

    /** Marks an unused, unexpired link used at `now`; false when it was not (anymore). */
    async consume(hash: string, now: number): Promise<boolean> {
      const rows = await db
        .update(oneTimeLinks)
        .set({ usedAt: now })
        .where(and(eq(oneTimeLinks.id, hash), eq(oneTimeLinks.purpose, 'confirm'), isNull(oneTimeLinks.usedAt), gt(oneTimeLinks.expiresAt, now)))
        .returning({ id: oneTimeLinks.id });
      return rows.length > 0;
    },
  };
}
