/**
 * Focus settings and the focus blocks unmeet wrote: every query scoped by workspace. `createFocusRepository` runs past the usual 80 lines only because
 * it is the list of its query methods, each a few lines; splitting it would scatter one table's
 * queries over several files.
 */
import { and, asc, eq, gt } from 'drizzle-orm';
import type { FocusPolicy } from '../domain/focus-planner';
import type { Db } from './database';
import { bumpDataVersion } from './workspaces.repository';
import { focusBlocks, focusConnections, focusMembers, focusSettings, type FocusBlockStatus } from './focus.schema';
import { providerWrites } from './schema';

export type FocusBlockRow = typeof focusBlocks.$inferSelect;
export type FocusMemberRow = typeof focusMembers.$inferSelect;
export type ProviderWriteRow = typeof providerWrites.$inferSelect;

/** Focus policy, the blocks we own, what connections allow, and the provider write log. */
export function createFocusRepository({ db }: { db: Db }) {
  const blockScope = (workspaceId: string, id: number) => and(eq(focusBlocks.workspaceId, workspaceId), eq(focusBlocks.id, id));
  return {
    async workspacePolicy(workspaceId: string): Promise<Partial<FocusPolicy>> {
      const rows = await db.select().from(focusSettings).where(eq(focusSettings.workspaceId, workspaceId));
      return (rows[0]?.policy ?? {}) as Partial<FocusPolicy>;
    },

    async setWorkspacePolicy(workspaceId: string, policy: Partial<FocusPolicy>, now: number): Promise<void> {
      await db
        .insert(focusSettings)
        .values({ workspaceId, policy, updatedAt: now })
        .onConflictDoUpdate({ target: focusSettings.workspaceId, set: { policy, updatedAt: now } });
      await bumpDataVersion(db, workspaceId);
    },

    async members(workspaceId: string): Promise<FocusMemberRow[]> {
      return db.select().from(focusMembers).where(eq(focusMembers.workspaceId, workspaceId));
    },

    async member(workspaceId: string, memberId: string): Promise<FocusMemberRow | undefined> {
      const rows = await db
        .select()
        .from(focusMembers)
        .where(and(eq(focusMembers.workspaceId, workspaceId), eq(focusMembers.memberId, memberId)));
      return rows[0];
    },

    /** Creates or changes a member's focus settings; the member must belong to the workspace (checked by the caller). */
    async setMember(workspaceId: string, memberId: string, patch: { enabled?: boolean; policy?: Partial<FocusPolicy> }, now: number): Promise<FocusMemberRow> {
      const current = await this.member(workspaceId, memberId);
      const enabled = patch.enabled ?? current?.enabled ?? false;
      const policy = (patch.policy ?? current?.policy ?? {}) as Record<string, unknown>;
      await db
        .insert(focusMembers)
        .values({ workspaceId, memberId, enabled, policy, updatedAt: now })
        .onConflictDoUpdate({ target: [focusMembers.workspaceId, focusMembers.memberId], set: { enabled, policy, updatedAt: now } });
      await bumpDataVersion(db, workspaceId);
      return (await this.member(workspaceId, memberId))!;
    },

    /** A member's blocks ending after `after` (UTC ms), by start. */
    async blocks(workspaceId: string, memberId: string, after = -Infinity): Promise<FocusBlockRow[]> {
      return db
        .select()
        .from(focusBlocks)
        .where(
          and(
            eq(focusBlocks.workspaceId, workspaceId),
            eq(focusBlocks.memberId, memberId),
            Number.isFinite(after) ? gt(focusBlocks.end, after) : undefined,
          ),
        )
        .orderBy(asc(focusBlocks.start), asc(focusBlocks.id));
    },

    /** Provider ids of every event we wrote for blocks on this connection (to recognise them where the vendor hides our tag). */
    async eventIds(workspaceId: string, connectionId: string): Promise<Set<string>> {
      const rows = await db
        .select({ eventId: focusBlocks.eventId })
        .from(focusBlocks)
        .where(and(eq(focusBlocks.workspaceId, workspaceId), eq(focusBlocks.connectionId, connectionId)));
      return new Set(rows.flatMap((r) => (r.eventId ? [r.eventId] : [])));
    },

    /** Records a block we are about to create; a row with the same key (a concurrent run) wins. */
    async claimBlock(workspaceId: string, row: Omit<typeof focusBlocks.$inferInsert, 'id' | 'workspaceId'>): Promise<FocusBlockRow> {
      await db
        .insert(focusBlocks)
        .values({ ...row, workspaceId })
        .onConflictDoNothing({ target: [focusBlocks.workspaceId, focusBlocks.key] });
      await bumpDataVersion(db, workspaceId);
      const rows = await db
        .select()
        .from(focusBlocks)
        .where(and(eq(focusBlocks.workspaceId, workspaceId), eq(focusBlocks.key, row.key)));
      return rows[0]!;
    },

    async updateBlock(
      workspaceId: string,
      id: number,
      patch: Partial<{ start: number; end: number; date: string; status: FocusBlockStatus; eventId: string; writtenAt: number }>,
      now: number,
    ): Promise<void> {
      await db.update(focusBlocks).set({ ...patch, updatedAt: now }).where(blockScope(workspaceId, id));
      await bumpDataVersion(db, workspaceId);
    },

    /** Whether the connection accepts Google focus time: null until tried. */
    async focusTimeSupported(workspaceId: string, connectionId: string): Promise<boolean | null> {
      const rows = await db
        .select()
        .from(focusConnections)
        .where(and(eq(focusConnections.workspaceId, workspaceId), eq(focusConnections.connectionId, connectionId)));
      return rows[0]?.focusTimeSupported ?? null;
    },

    async setFocusTimeSupported(workspaceId: string, connectionId: string, supported: boolean, now: number): Promise<void> {
      await db
        .insert(focusConnections)
        .values({ connectionId, workspaceId, focusTimeSupported: supported, checkedAt: now })
        .onConflictDoUpdate({ target: focusConnections.connectionId, set: { focusTimeSupported: supported, checkedAt: now } });
      await bumpDataVersion(db, workspaceId);
    },

    /** Appends to the audit log of writes made to providers. */
    async recordWrite(workspaceId: string, write: { connectionId: string | null; action: string; target: string; outcome: string; at: number }): Promise<void> {
      await db.insert(providerWrites).values({ workspaceId, ...write });
    },

    async writes(workspaceId: string): Promise<ProviderWriteRow[]> {
      return db.select().from(providerWrites).where(eq(providerWrites.workspaceId, workspaceId)).orderBy(asc(providerWrites.id));
    },
  };
}
export type FocusRepository = ReturnType<typeof createFocusRepository>;
