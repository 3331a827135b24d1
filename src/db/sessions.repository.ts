import { and, eq, lt, or, sql } from 'drizzle-orm';
import type { Role } from '../domain/roles';
import type { Db } from './database';
import { memberships, sessions } from './people.schema';
import { apiKeys } from './schema';

export type SessionRow = typeof sessions.$inferSelect;

/** A live session with the role it carries now (the membership's, or its API key's), looked up in one query. */
export interface SessionWithRole extends SessionRow {
  role: Role | null;
  memberId: string | null;
}

export function createSessionRepository({ db }: { db: Db }) {
  // Prepared once: this runs on every request authenticated by a session cookie.
  const byId = db
    .select({
      session: sessions,
      memberRole: memberships.role,
      memberId: memberships.memberId,
      keyRole: apiKeys.role,
      keyRevokedAt: apiKeys.revokedAt,
    })
    .from(sessions)
    .leftJoin(memberships, and(eq(memberships.workspaceId, sessions.workspaceId), eq(memberships.personId, sessions.personId)))
    .leftJoin(apiKeys, eq(apiKeys.id, sessions.apiKeyId))
    .where(eq(sessions.id, sql.placeholder('id')))
    .prepare();
  const touch = db
    .update(sessions)
    .set({ lastSeenAt: sql`${sql.placeholder('now')}` })
    .where(eq(sessions.id, sql.placeholder('id')))
    .prepare();

  return {
    async create(row: SessionRow): Promise<void> {
      await db.insert(sessions).values(row);
    },

    /**
     * The session with its current role: a person's membership role, or an unrevoked key's role.
     * A session whose membership or key is gone has no role (the caller treats it as signed out).
     */
    async find(id: string): Promise<SessionWithRole | undefined> {
      const row = (await byId.all({ id }))[0] as
        | { session: SessionRow; memberRole: Role | null; memberId: string | null; keyRole: Role | null; keyRevokedAt: number | null }
        | undefined;
      if (!row) return undefined;
      const role = row.session.personId ? row.memberRole : row.keyRevokedAt === null ? row.keyRole : null;
      return { ...row.session, role: role ?? null, memberId: row.session.personId ? row.memberId : null };
    },

    async touch(id: string, now: number): Promise<void> {
      await touch.run({ id, now });
    },

    async delete(id: string): Promise<void> {
      await db.delete(sessions).where(eq(sessions.id, id));
    },

    async deleteForPerson(personId: string): Promise<void> {
      await db.delete(sessions).where(eq(sessions.personId, personId));
    },

    async deleteForKey(workspaceId: string, apiKeyId: string): Promise<void> {
      await db.delete(sessions).where(and(eq(sessions.workspaceId, workspaceId), eq(sessions.apiKeyId, apiKeyId)));
    },

    /** Drops sessions past their absolute end or idle for longer than `idleMs`. */
    async purgeExpired(now: number, idleMs: number): Promise<void> {
      await db.delete(sessions).where(or(lt(sessions.expiresAt, now), lt(sessions.lastSeenAt, now - idleMs)));
    },
  };
}
