/**
 * Invitations: every query scoped by workspace. `createInvitationRepository` runs past the usual 80 lines only because
 * it is the list of its query methods, each a few lines; splitting it would scatter one table's
 * queries over several files.
 */
import { and, asc, count, desc, eq, gt, gte, inArray, isNull, sql } from 'drizzle-orm';
import type { Db } from './database';
import { auditLog, identities, invitations, sessions } from './people.schema';
import { outboxMessages, suggestions, workspaces } from './schema';

export type Invitation = typeof invitations.$inferSelect;
export type InvitationInsert = typeof invitations.$inferInsert;

/** Audit-log actions that sent an invitation link: each counts against the workspace's daily cap. */
export const INVITATION_SEND_ACTIONS = ['invitation.create', 'invitation.resend'] as const;

/**
 * Invitations to a workspace. Every query names its workspace, except the lookup by token hash
 * (the link is all an invited person has); state changes are compare-and-set on the state the
 * caller saw, so a link is accepted once even when two requests race.
 */
export function createInvitationRepository({ db }: { db: Db }) {
  const pending = (now: number) => and(isNull(invitations.acceptedAt), isNull(invitations.revokedAt), gt(invitations.expiresAt, now));
  return {
    async create(row: InvitationInsert): Promise<Invitation> {
      const [created] = await db.insert(invitations).values(row).returning();
      return created!;
    },

    async get(workspaceId: string, id: string): Promise<Invitation | undefined> {
      return (await db.select().from(invitations).where(and(eq(invitations.workspaceId, workspaceId), eq(invitations.id, id))))[0];
    },

    /** The invitation a link's token hash names, in whatever workspace it is. */
    async findByTokenHash(tokenHash: string): Promise<Invitation | undefined> {
      return (await db.select().from(invitations).where(eq(invitations.tokenHash, tokenHash)))[0];
    },

    /** Every invitation of the workspace, newest first. */
    async list(workspaceId: string): Promise<Invitation[]> {
      return db.select().from(invitations).where(eq(invitations.workspaceId, workspaceId)).orderBy(desc(invitations.createdAt), desc(invitations.id));
    },

    /** The pending invitation (not accepted, revoked or expired) for an address, if any. */
    async pendingFor(workspaceId: string, email: string, now: number): Promise<Invitation | undefined> {
      return (await db.select().from(invitations).where(and(eq(invitations.workspaceId, workspaceId), eq(invitations.email, email.toLowerCase()), pending(now))))[0];
    },

    async listPending(workspaceId: string, now: number): Promise<Invitation[]> {
      return db.select().from(invitations).where(and(eq(invitations.workspaceId, workspaceId), pending(now))).orderBy(asc(invitations.email));
    },

    /** How many invitation links the workspace sent since `since` (creations and resends, from the audit log). */
    async sendsSince(workspaceId: string, since: number): Promise<number> {
      const rows = await db
        .select({ n: count() })
        .from(auditLog)
        .where(and(eq(auditLog.workspaceId, workspaceId), inArray(auditLog.action, [...INVITATION_SEND_ACTIONS]), gte(auditLog.at, since)));
      return rows[0]?.n ?? 0;
    },

    /** Replaces the link (the old token stops working) and extends the expiry; only while not accepted or revoked. */
    async replaceToken(workspaceId: string, id: string, tokenHash: string, expiresAt: number, now: number): Promise<boolean> {
      const rows = await db
        .update(invitations)
        .set({ tokenHash, expiresAt, sentCount: sql`${invitations.sentCount} + 1`, lastSentAt: now })
        .where(and(eq(invitations.workspaceId, workspaceId), eq(invitations.id, id), isNull(invitations.acceptedAt), isNull(invitations.revokedAt)))
        .returning({ id: invitations.id });
      return rows.length > 0;
    },

    async markSent(workspaceId: string, id: string, now: number): Promise<void> {
      await db
        .update(invitations)
        .set({ sentCount: sql`${invitations.sentCount} + 1`, lastSentAt: now })
        .where(and(eq(invitations.workspaceId, workspaceId), eq(invitations.id, id)));
    },

    async revoke(workspaceId: string, id: string, now: number): Promise<boolean> {
      const rows = await db
        .update(invitations)
        .set({ revokedAt: now })
        .where(and(eq(invitations.workspaceId, workspaceId), eq(invitations.id, id), isNull(invitations.acceptedAt), isNull(invitations.revokedAt)))
        .returning({ id: invitations.id });
      return rows.length > 0;
    },

    async approve(workspaceId: string, id: string, email: string): Promise<boolean> {
      const rows = await db
        .update(invitations)
        .set({ approvedEmail: email.toLowerCase() })
        .where(and(eq(invitations.workspaceId, workspaceId), eq(invitations.id, id), isNull(invitations.acceptedAt), isNull(invitations.revokedAt)))
        .returning({ id: invitations.id });
      return rows.length > 0;
    },

    /** Notes the verified address that tried the link and did not match, for an admin to approve. */
    async recordAttempt(workspaceId: string, id: string, email: string): Promise<void> {
      await db
        .update(invitations)
        .set({ attemptedEmail: email.toLowerCase() })
        .where(and(eq(invitations.workspaceId, workspaceId), eq(invitations.id, id)));
    },

    /** Uses the link: true for exactly one caller, and only while it is pending under this token. */
    async claim(workspaceId: string, id: string, tokenHash: string, personId: string, now: number): Promise<boolean> {
      const rows = await db
        .update(invitations)
        .set({ acceptedAt: now, acceptedBy: personId })
        .where(and(eq(invitations.workspaceId, workspaceId), eq(invitations.id, id), eq(invitations.tokenHash, tokenHash), pending(now)))
        .returning({ id: invitations.id });
      return rows.length > 0;
    },

    /** Gives a claimed link back (the membership could not be made), so nothing is half-done. */
    async unclaim(workspaceId: string, id: string): Promise<void> {
      await db
        .update(invitations)
        .set({ acceptedAt: null, acceptedBy: null })
        .where(and(eq(invitations.workspaceId, workspaceId), eq(invitations.id, id)));
    },

    /** The workspace `unmeet invite` uses when none is named: the only one there is, if so. */
    async onlyWorkspace(): Promise<{ id: string; name: string } | 'none' | 'several'> {
      const rows = await db.select({ id: workspaces.id, name: workspaces.name }).from(workspaces).limit(2);
      if (rows.length === 0) return 'none';
      return rows.length === 1 ? rows[0]! : 'several';
    },
  };
}
export type InvitationRepository = ReturnType<typeof createInvitationRepository>;

/**
 * Reads for a person's data export that no feature repository needs: their identities, their
 * sessions' metadata, and the suggestions and mails addressed to them in a workspace. Kept
 * beside the invitations (the people layer's own queries); never returns a token or secret.
 */
export function createPersonalDataReads({ db }: { db: Db }) {
  return {
    async identities(personId: string) {
      return db
        .select({ provider: identities.provider, email: identities.email, createdAt: identities.createdAt })
        .from(identities)
        .where(eq(identities.personId, personId))
        .orderBy(asc(identities.createdAt));
    },

    async sessions(personId: string) {
      return db
        .select({ workspaceId: sessions.workspaceId, createdAt: sessions.createdAt, lastSeenAt: sessions.lastSeenAt, expiresAt: sessions.expiresAt })
        .from(sessions)
        .where(eq(sessions.personId, personId))
        .orderBy(asc(sessions.createdAt));
    },

    async suggestionsTo(workspaceId: string, email: string) {
      return db
        .select({ id: suggestions.id, seriesKey: suggestions.seriesKey, score: suggestions.score, verdict: suggestions.verdict, response: suggestions.response, createdAt: suggestions.createdAt })
        .from(suggestions)
        .where(and(eq(suggestions.workspaceId, workspaceId), eq(suggestions.recipient, email.toLowerCase())))
        .orderBy(asc(suggestions.createdAt));
    },

    async mailsTo(workspaceId: string, email: string) {
      return db
        .select({ id: outboxMessages.id, subject: outboxMessages.subject, text: outboxMessages.text, status: outboxMessages.status, sentAt: outboxMessages.sentAt, createdAt: outboxMessages.createdAt })
        .from(outboxMessages)
        .where(and(eq(outboxMessages.workspaceId, workspaceId), eq(outboxMessages.recipient, email.toLowerCase())))
        .orderBy(asc(outboxMessages.createdAt));
    },
  };
}
