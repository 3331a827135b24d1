/**
 * People, identities, memberships and their settings: every query scoped by workspace. `createPeopleRepository` runs past the usual 80 lines only because
 * it is the list of its query methods, each a few lines; splitting it would scatter one table's
 * queries over several files.
 */
import { and, asc, count, eq, sql } from 'drizzle-orm';
import type { Role } from '../domain/roles';
import { atomic, readTogether } from './atomic';
import type { Db } from './database';
import { newId } from './ids';
import { identities, memberships, people, sessions, type VerifiedBy } from './people.schema';
import { members, workspaces } from './schema';

export type Person = typeof people.$inferSelect;
export type Membership = typeof memberships.$inferSelect;
export type MembershipWithPerson = Membership & { email: string; name: string; locale: string };

/**
 * People, the identities that sign them in, and their memberships. People are not owned by one
 * workspace (a person may belong to several), so their own rows are keyed by person; every
 * membership query names its workspace.
 */
export function createPeopleRepository({ db }: { db: Db }) {
  const membershipsQuery = (workspaceId: string) =>
    db
      .select({ m: memberships, email: people.email, name: people.name, locale: people.locale })
      .from(memberships)
      .innerJoin(people, eq(people.id, memberships.personId))
      .where(eq(memberships.workspaceId, workspaceId))
      .orderBy(asc(people.email));
  const withPerson = (rows: Awaited<ReturnType<typeof membershipsQuery>>): MembershipWithPerson[] =>
    rows.map((r) => ({ ...r.m, email: r.email, name: r.name, locale: r.locale }));
  return {
    async get(personId: string): Promise<Person | undefined> {
      return (await db.select().from(people).where(eq(people.id, personId)))[0];
    },

    async findByEmail(email: string): Promise<Person | undefined> {
      return (await db.select().from(people).where(eq(people.email, email.toLowerCase())))[0];
    },

    async findByIdentity(provider: 'google' | 'microsoft', subject: string): Promise<Person | undefined> {
      const rows = await db
        .select({ person: people })
        .from(identities)
        .innerJoin(people, eq(people.id, identities.personId))
        .where(and(eq(identities.provider, provider), eq(identities.subject, subject)));
      return rows[0]?.person;
    },

    /** The person with this verified address, created when new; the name and locale fill in only what is missing. */
    async upsertVerified(input: { email: string; name: string; locale: string; verifiedBy: VerifiedBy }): Promise<Person> {
      const email = input.email.toLowerCase();
      await db
        .insert(people)
        .values({ id: newId('per'), email, name: input.name || email, locale: input.locale, verifiedBy: input.verifiedBy })
        .onConflictDoNothing();
      return (await this.findByEmail(email))!;
    },

    async linkIdentity(personId: string, identity: { provider: 'google' | 'microsoft'; subject: string; email: string }): Promise<void> {
      await db
        .insert(identities)
        .values({ ...identity, personId })
        .onConflictDoUpdate({ target: [identities.provider, identities.subject], set: { email: identity.email } });
    },

    async update(personId: string, patch: Partial<Pick<Person, 'name' | 'locale'>>): Promise<void> {
      await db.update(people).set(patch).where(eq(people.id, personId));
    },

    /** Deletes the person; identities, memberships and sessions go with them (cascade). */
    async delete(personId: string): Promise<void> {
      await db.delete(people).where(eq(people.id, personId));
    },

    // --- memberships (always within one workspace) ---

    async membership(workspaceId: string, personId: string): Promise<Membership | undefined> {
      return (await db.select().from(memberships).where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.personId, personId))))[0];
    },

    async membershipOfMember(workspaceId: string, memberId: string): Promise<Membership | undefined> {
      return (await db.select().from(memberships).where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.memberId, memberId))))[0];
    },

    /** The workspaces a person belongs to, with their role in each. */
    async workspacesOf(personId: string): Promise<Array<{ workspaceId: string; name: string; role: Role }>> {
      return db
        .select({ workspaceId: memberships.workspaceId, name: workspaces.name, role: memberships.role })
        .from(memberships)
        .innerJoin(workspaces, eq(workspaces.id, memberships.workspaceId))
        .where(eq(memberships.personId, personId))
        .orderBy(asc(workspaces.name), asc(workspaces.id));
    },

    async listMemberships(workspaceId: string): Promise<MembershipWithPerson[]> {
      return withPerson(await membershipsQuery(workspaceId));
    },

    /**
     * The memberships and the workspace's data version, read together (one round trip on D1): a
     * scoped report's cache key needs both, on every request for it.
     */
    async listMembershipsAndVersion(workspaceId: string): Promise<{ memberships: MembershipWithPerson[]; dataVersion: number }> {
      const [rows, version] = await readTogether(db, [
        membershipsQuery(workspaceId),
        db.select({ v: workspaces.dataVersion }).from(workspaces).where(eq(workspaces.id, workspaceId)),
      ]);
      return { memberships: withPerson(rows), dataVersion: version[0]?.v ?? 0 };
    },

    /** Adds the person to the workspace (or keeps the membership they have: a role is never changed here). */
    async join(workspaceId: string, personId: string, role: Role, memberId: string | null): Promise<Membership> {
      await db.insert(memberships).values({ workspaceId, personId, role, memberId }).onConflictDoNothing();
      if (memberId) {
        await db
          .update(memberships)
          .set({ memberId })
          .where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.personId, personId), sql`${memberships.memberId} is null`));
      }
      return (await this.membership(workspaceId, personId))!;
    },

    /**
     * Changes a role, refusing (in the same statement) to leave the workspace without an owner.
     * Ends the person's sessions in the workspace, so the new role applies from the next request.
     */
    async setRole(workspaceId: string, personId: string, role: Role): Promise<'changed' | 'last_owner' | 'not_found'> {
      const result = await db
        .update(memberships)
        .set({ role })
        .where(
          and(
            eq(memberships.workspaceId, workspaceId),
            eq(memberships.personId, personId),
            sql`(${role} = 'owner' or ${memberships.role} <> 'owner' or (select count(*) from memberships o where o.workspace_id = ${workspaceId} and o.role = 'owner') > 1)`,
          ),
        )
        .returning({ personId: memberships.personId });
      if (result.length === 0) return (await this.membership(workspaceId, personId)) ? 'last_owner' : 'not_found';
      await db.delete(sessions).where(and(eq(sessions.workspaceId, workspaceId), eq(sessions.personId, personId)));
      return 'changed';
    },

    /** Removes a person from the workspace (never its last owner) and ends their sessions there. */
    async leave(workspaceId: string, personId: string): Promise<'removed' | 'last_owner' | 'not_found'> {
      const result = await db
        .delete(memberships)
        .where(
          and(
            eq(memberships.workspaceId, workspaceId),
            eq(memberships.personId, personId),
            sql`(${memberships.role} <> 'owner' or (select count(*) from memberships o where o.workspace_id = ${workspaceId} and o.role = 'owner') > 1)`,
          ),
        )
        .returning({ personId: memberships.personId });
      if (result.length === 0) return (await this.membership(workspaceId, personId)) ? 'last_owner' : 'not_found';
      await db.delete(sessions).where(and(eq(sessions.workspaceId, workspaceId), eq(sessions.personId, personId)));
      return 'removed';
    },

    async setShare(workspaceId: string, personId: string, share: boolean): Promise<void> {
      await atomic(db, [
        db.update(memberships).set({ shareNumbers: share }).where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.personId, personId))),
        db
          .update(workspaces)
          .set({ dataVersion: sql`${workspaces.dataVersion} + 1` })
          .where(eq(workspaces.id, workspaceId)),
      ]);
    },

    /** The weekly digest choice; false when there is no such membership. No data version bump: no report depends on it. */
    async setDigestOptIn(workspaceId: string, personId: string, on: boolean): Promise<boolean> {
      const rows = await db
        .update(memberships)
        .set({ digestOptIn: on })
        .where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.personId, personId)))
        .returning({ personId: memberships.personId });
      return rows.length > 0;
    },

    async countOwners(workspaceId: string): Promise<number> {
      const rows = await db
        .select({ n: count() })
        .from(memberships)
        .where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.role, 'owner')));
      return rows[0]?.n ?? 0;
    },

    /** The member row for a person's address in a workspace, if the workspace audits that address. */
    async memberForEmail(workspaceId: string, email: string): Promise<string | undefined> {
      const rows = await db
        .select({ id: members.id })
        .from(members)
        .where(and(eq(members.workspaceId, workspaceId), eq(members.email, email.toLowerCase())));
      return rows[0]?.id;
    },
  };
}
