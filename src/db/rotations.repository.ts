import { and, asc, eq } from 'drizzle-orm';
import { atomic, insertMany } from './atomic';
import type { Db } from './database';
import { rotationBurdens, rotations } from './rotation.schema';

export type RotationRow = typeof rotations.$inferSelect;
export type RotationBurdenRow = typeof rotationBurdens.$inferSelect;
export type RotationBurdenInsert = Omit<typeof rotationBurdens.$inferInsert, 'id' | 'workspaceId' | 'rotationId'>;

/** Rotating series and the per-person burden ledger; every query is scoped by workspace. */
export function createRotationRepository({ db }: { db: Db }) {
  const scoped = (workspaceId: string, rotationId: string) => and(eq(rotations.workspaceId, workspaceId), eq(rotations.id, rotationId));

  return {
    async create(workspaceId: string, row: Omit<typeof rotations.$inferInsert, 'workspaceId'>): Promise<RotationRow> {
      await db.insert(rotations).values({ ...row, workspaceId });
      return (await this.get(workspaceId, row.id))!;
    },

    async get(workspaceId: string, rotationId: string): Promise<RotationRow | undefined> {
      const rows = await db.select().from(rotations).where(scoped(workspaceId, rotationId));
      return rows[0];
    },

    /**
     * Marks a preview committed and records each person's burden, all or nothing. Returns false
     * (and writes nothing) when the rotation is not a preview of this workspace any more.
     */
    async commit(workspaceId: string, rotationId: string, burdens: RotationBurdenInsert[], now: number): Promise<boolean> {
      const current = await this.get(workspaceId, rotationId);
      if (!current || current.status !== 'preview') return false;
      await atomic(db, [
        db
          .update(rotations)
          .set({ status: 'committed', committedAt: now })
          .where(and(scoped(workspaceId, rotationId), eq(rotations.status, 'preview'))),
        ...insertMany(
          db,
          rotationBurdens,
          burdens.map((b) => ({ ...b, workspaceId, rotationId })),
        ),
      ]);
      return true;
    },

    /** Replaces the stored plan of a rotation (e.g. to remember what was written to a calendar). */
    async updatePlan(workspaceId: string, rotationId: string, plan: Record<string, unknown>): Promise<void> {
      await db.update(rotations).set({ plan }).where(scoped(workspaceId, rotationId));
    },

    /** Every ledger entry of the workspace (optionally of some people), oldest first. */
    async ledger(workspaceId: string): Promise<RotationBurdenRow[]> {
      return db
        .select()
        .from(rotationBurdens)
        .where(eq(rotationBurdens.workspaceId, workspaceId))
        .orderBy(asc(rotationBurdens.at), asc(rotationBurdens.id));
    },
  };
}
export type RotationRepository = ReturnType<typeof createRotationRepository>;
