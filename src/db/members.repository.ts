import { and, asc, eq, sql } from 'drizzle-orm';
import type { WorkingHours } from '../domain/types';
import type { Member } from '../domain/types';
import { atomic } from './atomic';
import type { Db } from './database';
import { bumpDataVersion } from './workspaces.repository';
import { newId } from './ids';
import { members } from './schema';

export type MemberRow = typeof members.$inferSelect;

export function createMemberRepository({ db }: { db: Db }) {
  // Prepared once: read on every sync and most requests (see the connections repository).
  const byId = db
    .select()
    .from(members)
    .where(and(eq(members.workspaceId, sql.placeholder('workspaceId')), eq(members.id, sql.placeholder('id'))))
    .prepare();
  return {
    async list(workspaceId: string): Promise<MemberRow[]> {
      return db.select().from(members).where(eq(members.workspaceId, workspaceId)).orderBy(asc(members.email));
    },

    async get(workspaceId: string, memberId: string): Promise<MemberRow | undefined> {
      return (await byId.all({ workspaceId, id: memberId }))[0];
    },

    async getByEmail(workspaceId: string, email: string): Promise<MemberRow | undefined> {
      const rows = await db
        .select()
        .from(members)
        .where(and(eq(members.workspaceId, workspaceId), eq(members.email, email.toLowerCase())));
      return rows[0];
    },

    async create(workspaceId: string, member: Member, now: number): Promise<MemberRow> {
      const row = { id: newId('mem'), workspaceId, ...member, email: member.email.toLowerCase(), updatedAt: now };
      await atomic(db, [db.insert(members).values(row), bumpDataVersion(db, workspaceId)]);
      return (await this.get(workspaceId, row.id))!;
    },

    async update(workspaceId: string, memberId: string, patch: Partial<Member> & { profileOverridden?: boolean }, now: number) {
      await atomic(db, [
        db
          .update(members)
          .set({ ...patch, ...(patch.email ? { email: patch.email.toLowerCase() } : {}), updatedAt: now })
          .where(and(eq(members.workspaceId, workspaceId), eq(members.id, memberId))),
        bumpDataVersion(db, workspaceId),
      ]);
      return this.get(workspaceId, memberId);
    },

    /**
     * Zone and working hours from a connected calendar's settings, unless the member overrode
     * them (checked in the same statement). Returns whether the profile changed.
     */
    async applyCalendarProfile(
      workspaceId: string,
      memberId: string,
      profile: { timeZone?: string; workingHours?: WorkingHours },
      now: number,
    ): Promise<boolean> {
      if (profile.timeZone === undefined && profile.workingHours === undefined) return false;
      const updated = await db
        .update(members)
        .set({ ...profile, updatedAt: now })
        .where(and(eq(members.workspaceId, workspaceId), eq(members.id, memberId), eq(members.profileOverridden, false)))
        .returning({ id: members.id });
      if (updated.length > 0) await bumpDataVersion(db, workspaceId);
      return updated.length > 0;
    },

    async remove(workspaceId: string, memberId: string): Promise<boolean> {
      const deleted = await db
        .delete(members)
        .where(and(eq(members.workspaceId, workspaceId), eq(members.id, memberId)))
        .returning({ id: members.id });
      if (deleted.length > 0) await bumpDataVersion(db, workspaceId);
      return deleted.length > 0;
    },
  };
}
export type MemberRepository = ReturnType<typeof createMemberRepository>;

export const toMember = (row: MemberRow): Member => ({
  email: row.email,
  name: row.name,
  timeZone: row.timeZone,
  locale: row.locale,
  workingHours: row.workingHours,
});
