/**
 * Groups, their members and managers: every query scoped by workspace. `createGroupRepository` runs past the usual 80 lines only because
 * it is the list of its query methods, each a few lines; splitting it would scatter one table's
 * queries over several files.
 */
import { and, asc, eq } from 'drizzle-orm';
import type { Role } from '../domain/roles';
import { atomic, insertMany, type Statement } from './atomic';
import type { Db } from './database';
import { newId } from './ids';
import { groupManagers, groupMembers, groups, memberships } from './people.schema';
import { members } from './schema';
import { bumpDataVersion } from './workspaces.repository';

export interface GroupRecord {
  id: string;
  name: string;
  createdAt: number;
  memberIds: string[];
  managerIds: string[];
}

/**
 * Groups for team views: named sets of members, and the managers (people) assigned to them.
 * Every query names its workspace. Writes bump the workspace's data version in the same unit,
 * so cached team views never outlive a change of who is in which group.
 */
export function createGroupRepository({ db }: { db: Db }) {
  async function withMembers(workspaceId: string, rows: Array<typeof groups.$inferSelect>): Promise<GroupRecord[]> {
    if (rows.length === 0) return [];
    // One group, or the workspace's whole assignment (D1 binds at most 100 parameters, so no IN list).
    const only = rows.length === 1 ? rows[0]!.id : undefined;
    const memberRows = await db
      .select({ groupId: groupMembers.groupId, memberId: groupMembers.memberId })
      .from(groupMembers)
      .where(and(eq(groupMembers.workspaceId, workspaceId), only ? eq(groupMembers.groupId, only) : undefined))
      .orderBy(asc(groupMembers.memberId));
    const managerRows = await db
      .select({ groupId: groupManagers.groupId, personId: groupManagers.personId })
      .from(groupManagers)
      .where(and(eq(groupManagers.workspaceId, workspaceId), only ? eq(groupManagers.groupId, only) : undefined))
      .orderBy(asc(groupManagers.personId));
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      createdAt: r.createdAt,
      memberIds: memberRows.filter((m) => m.groupId === r.id).map((m) => m.memberId),
      managerIds: managerRows.filter((m) => m.groupId === r.id).map((m) => m.personId),
    }));
  }

  const setStatements = (workspaceId: string, groupId: string, change: { memberIds?: string[] | undefined; managerIds?: string[] | undefined }) => {
    const statements: Statement[] = [];
    if (change.memberIds) {
      statements.push(db.delete(groupMembers).where(and(eq(groupMembers.workspaceId, workspaceId), eq(groupMembers.groupId, groupId))));
      const ids = [...new Set(change.memberIds)];
      statements.push(...insertMany(db, groupMembers, ids.map((memberId) => ({ groupId, memberId, workspaceId }))));
    }
    if (change.managerIds) {
      statements.push(db.delete(groupManagers).where(and(eq(groupManagers.workspaceId, workspaceId), eq(groupManagers.groupId, groupId))));
      const ids = [...new Set(change.managerIds)];
      statements.push(...insertMany(db, groupManagers, ids.map((personId) => ({ groupId, personId, workspaceId }))));
    }
    return statements;
  };

  return {
    async list(workspaceId: string): Promise<GroupRecord[]> {
      const rows = await db.select().from(groups).where(eq(groups.workspaceId, workspaceId)).orderBy(asc(groups.name));
      return withMembers(workspaceId, rows);
    },

    /** The groups a manager is assigned to, by name. */
    async listManagedBy(workspaceId: string, personId: string): Promise<GroupRecord[]> {
      const rows = await db
        .select({ g: groups })
        .from(groupManagers)
        .innerJoin(groups, eq(groups.id, groupManagers.groupId))
        .where(and(eq(groupManagers.workspaceId, workspaceId), eq(groups.workspaceId, workspaceId), eq(groupManagers.personId, personId)))
        .orderBy(asc(groups.name));
      return withMembers(
        workspaceId,
        rows.map((r) => r.g),
      );
    },

    async get(workspaceId: string, groupId: string): Promise<GroupRecord | undefined> {
      const rows = await db
        .select()
        .from(groups)
        .where(and(eq(groups.workspaceId, workspaceId), eq(groups.id, groupId)));
      return (await withMembers(workspaceId, rows))[0];
    },

    async findByName(workspaceId: string, name: string): Promise<{ id: string } | undefined> {
      return (
        await db
          .select({ id: groups.id })
          .from(groups)
          .where(and(eq(groups.workspaceId, workspaceId), eq(groups.name, name)))
      )[0];
    },

    /** Creates a group with its members and managers in one unit (ids checked by the caller). */
    async create(workspaceId: string, input: { name: string; memberIds: string[]; managerIds: string[] }): Promise<GroupRecord> {
      const id = newId('grp');
      await atomic(db, [
        db.insert(groups).values({ id, workspaceId, name: input.name }),
        ...setStatements(workspaceId, id, input),
        bumpDataVersion(db, workspaceId),
      ]);
      return (await this.get(workspaceId, id))!;
    },

    /** Renames and/or replaces the member and manager sets; the sets given replace the old ones whole. */
    async update(
      workspaceId: string,
      groupId: string,
      change: { name?: string | undefined; memberIds?: string[] | undefined; managerIds?: string[] | undefined },
    ): Promise<GroupRecord | undefined> {
      const statements: Statement[] = [];
      if (change.name !== undefined) statements.push(db.update(groups).set({ name: change.name }).where(and(eq(groups.workspaceId, workspaceId), eq(groups.id, groupId))));
      statements.push(...setStatements(workspaceId, groupId, change), bumpDataVersion(db, workspaceId));
      await atomic(db, statements);
      return this.get(workspaceId, groupId);
    },

    async remove(workspaceId: string, groupId: string): Promise<boolean> {
      const deleted = await db
        .delete(groups)
        .where(and(eq(groups.workspaceId, workspaceId), eq(groups.id, groupId)))
        .returning({ id: groups.id });
      if (deleted.length > 0) await bumpDataVersion(db, workspaceId);
      return deleted.length > 0;
    },

    /** The member rows people are linked to, with the row's address: few (one per person), unlike the members list. */
    async linkedMembers(workspaceId: string): Promise<Array<{ memberId: string; email: string }>> {
      return db
        .select({ memberId: members.id, email: members.email })
        .from(memberships)
        .innerJoin(members, eq(members.id, memberships.memberId))
        .where(and(eq(memberships.workspaceId, workspaceId), eq(members.workspaceId, workspaceId)));
    },

    /** Which of `memberIds` are member rows of this workspace. */
    async existingMembers(workspaceId: string, memberIds: string[]): Promise<Set<string>> {
      if (memberIds.length === 0) return new Set();
      const wanted = new Set(memberIds);
      const rows = await db.select({ id: members.id }).from(members).where(eq(members.workspaceId, workspaceId));
      return new Set(rows.map((r) => r.id).filter((id) => wanted.has(id)));
    },

    /** The role in this workspace of each of `personIds` that belongs to it. */
    async rolesOf(workspaceId: string, personIds: string[]): Promise<Map<string, Role>> {
      if (personIds.length === 0) return new Map();
      const wanted = new Set(personIds);
      const rows = await db
        .select({ personId: memberships.personId, role: memberships.role })
        .from(memberships)
        .where(eq(memberships.workspaceId, workspaceId));
      return new Map(rows.filter((r) => wanted.has(r.personId)).map((r) => [r.personId, r.role]));
    },
  };
}
export type GroupRepository = ReturnType<typeof createGroupRepository>;
