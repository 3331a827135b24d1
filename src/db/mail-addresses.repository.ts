import { eq, sql } from 'drizzle-orm';
import type { Db } from './database';
import { mailAddresses, type VerifiedBy } from './people.schema';

export type MailAddress = typeof mailAddresses.$inferSelect;

/**
 * Addresses mail may go to. Verification is a fact about an address, not about a workspace:
 * whoever proved they read it (by signing in, or by a confirmation link) stays verified, and one
 * record caps confirmation mails to an address however many workspaces ask.
 */
export function createMailAddressRepository({ db }: { db: Db }) {
  return {
    async get(email: string): Promise<MailAddress | undefined> {
      return (await db.select().from(mailAddresses).where(eq(mailAddresses.email, email.toLowerCase())))[0];
    },

    async isVerified(email: string): Promise<boolean> {
      return (await this.get(email))?.verifiedAt != null;
    },

    /** Records that the address was proven; an earlier proof's date is kept. */
    async markVerified(email: string, by: VerifiedBy, now: number): Promise<void> {
      await db
        .insert(mailAddresses)
        .values({ email: email.toLowerCase(), verifiedAt: now, verifiedBy: by })
        .onConflictDoUpdate({ target: mailAddresses.email, set: { verifiedAt: sql`coalesce(${mailAddresses.verifiedAt}, ${now})`, verifiedBy: sql`coalesce(${mailAddresses.verifiedBy}, ${by})` } });
    },

    /**
     * Claims the right to send a confirmation mail now: true only when none went to the address in
     * the last `periodMs` (checked and written in one statement, so two requests cannot both win).
     */
    async claimConfirmation(email: string, now: number, periodMs: number): Promise<boolean> {
      const address = email.toLowerCase();
      await db.insert(mailAddresses).values({ email: address }).onConflictDoNothing();
      const claimed = await db
        .update(mailAddresses)
        .set({ confirmationSentAt: now })
        .where(sql`${mailAddresses.email} = ${address} and ${mailAddresses.verifiedAt} is null and (${mailAddresses.confirmationSentAt} is null or ${mailAddresses.confirmationSentAt} <= ${now - periodMs})`)
        .returning({ email: mailAddresses.email });
      return claimed.length > 0;
    },

    /** Forgets an address (a person deleting their data). */
    async delete(email: string): Promise<void> {
      await db.delete(mailAddresses).where(eq(mailAddresses.email, email.toLowerCase()));
    },
  };
}
