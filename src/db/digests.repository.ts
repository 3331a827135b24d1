import { and, asc, eq } from 'drizzle-orm';
import { atomic } from './atomic';
import type { Db } from './database';
import type { OutboxInsert } from './outbox.repository';
import { digestSends, memberships, people } from './people.schema';
import { outboxMessages } from './schema';

export type DigestSendRow = typeof digestSends.$inferSelect;

/** A person who asked for a workspace's weekly digest. */
export interface DigestSubscriber {
  personId: string;
  email: string;
  name: string;
  locale: string;
  memberId: string | null;
}

const isDuplicate = (error: unknown) => /UNIQUE/i.test(String((error as Error)?.message ?? error));

/**
 * The weekly digest's bookkeeping: who asked for it, and which weeks each person already got
 * (`digest_sends`, keyed by workspace, person and week, so a week is recorded at most once).
 */
export function createDigestRepository({ db }: { db: Db }) {
  return {
    /**
     * Workspaces where someone asked for the digest. The one query not scoped by workspace: the
     * digest job serves every workspace, and this is how it finds the ones with work to do.
     */
    async workspacesWithSubscribers(): Promise<string[]> {
      const rows = await db.selectDistinct({ id: memberships.workspaceId }).from(memberships).where(eq(memberships.digestOptIn, true)).orderBy(asc(memberships.workspaceId));
      return rows.map((r) => r.id);
    },

    async subscribers(workspaceId: string): Promise<DigestSubscriber[]> {
      return db
        .select({ personId: memberships.personId, email: people.email, name: people.name, locale: people.locale, memberId: memberships.memberId })
        .from(memberships)
        .innerJoin(people, eq(people.id, memberships.personId))
        .where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.digestOptIn, true)))
        .orderBy(asc(people.email));
    },

    /** Whether the person currently wants the workspace's digest (false when they left it). */
    async isOptedIn(workspaceId: string, personId: string): Promise<boolean> {
      const rows = await db
        .select({ on: memberships.digestOptIn })
        .from(memberships)
        .where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.personId, personId)));
      return rows[0]?.on ?? false;
    },

    async sent(workspaceId: string, personId: string, week: string): Promise<DigestSendRow | undefined> {
      const rows = await db
        .select()
        .from(digestSends)
        .where(and(eq(digestSends.workspaceId, workspaceId), eq(digestSends.personId, personId), eq(digestSends.week, week)));
      return rows[0];
    },

    /** Every week recorded for the person in the workspace, oldest first (their personal-data export). */
    async sendsOf(workspaceId: string, personId: string): Promise<DigestSendRow[]> {
      return db
        .select()
        .from(digestSends)
        .where(and(eq(digestSends.workspaceId, workspaceId), eq(digestSends.personId, personId)))
        .orderBy(asc(digestSends.week));
    },

    /** The send that a digest message in the outbox carries. */
    async byOutboxId(workspaceId: string, outboxId: string): Promise<DigestSendRow | undefined> {
      const rows = await db
        .select()
        .from(digestSends)
        .where(and(eq(digestSends.workspaceId, workspaceId), eq(digestSends.outboxId, outboxId)));
      return rows[0];
    },

    /**
     * Records the person's digest of `week` together with its message (or without one, when
     * nothing is sent): all or nothing. False when the week was already recorded (a re-run or a
     * concurrent run got there first), and then no message is stored either.
     */
    async record(workspaceId: string, send: { personId: string; week: string; createdAt: number }, message: OutboxInsert | null): Promise<boolean> {
      try {
        await atomic(db, [
          db.insert(digestSends).values({ workspaceId, ...send, outboxId: message?.id ?? null }),
          ...(message ? [db.insert(outboxMessages).values({ ...message, workspaceId, kind: 'digest' as const, status: message.status ?? 'queued' })] : []),
        ]);
        return true;
      } catch (error) {
        if (isDuplicate(error)) return false;
        throw error;
      }
    },
  };
}
export type DigestRepository = ReturnType<typeof createDigestRepository>;
