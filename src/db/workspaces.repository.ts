import { and, count, eq, isNull, sql } from 'drizzle-orm';
import { atomic } from './atomic';
import type { Db } from './database';
import { newId } from './ids';
import { apiKeys, workspaces } from './schema';

export type Workspace = typeof workspaces.$inferSelect;

/**
 * The statement that marks a workspace's data as changed (events, members, settings): part of
 * the same atomic unit as the change, so a cached audit can never outlive what it was built on.
 */
export const bumpDataVersion = (db: Db, workspaceId: string) =>
  db
    .update(workspaces)
    .set({ dataVersion: sql`${workspaces.dataVersion} + 1` })
    .where(eq(workspaces.id, workspaceId));
export type WorkspaceSettings = Pick<Workspace, 'name' | 'hourlyRate' | 'currency' | 'focusMinMinutes'> & Partial<Pick<Workspace, 'mailTransport'>>;

export function createWorkspaceRepository({ db }: { db: Db }) {
  // Prepared once: these two run on every authenticated request and every cached read.
  const versionQuery = db
    .select({ v: workspaces.dataVersion })
    .from(workspaces)
    .where(eq(workspaces.id, sql.placeholder('id')))
    .prepare();
  const keyQuery = db
    .select({ workspaceId: apiKeys.workspaceId, hash: apiKeys.hash })
    .from(apiKeys)
    .where(and(eq(apiKeys.hash, sql.placeholder('hash')), isNull(apiKeys.revokedAt)))
    .prepare();
  const byId = db.select().from(workspaces).where(eq(workspaces.id, sql.placeholder('id'))).prepare();
  return {
    /** Creates a workspace together with its first API key (stored only as a hash). */
    async create(settings: WorkspaceSettings, key: { hash: string; prefix: string }): Promise<Workspace> {
      const id = newId('ws');
      await atomic(db, [
        db.insert(workspaces).values({ id, ...settings }),
        db.insert(apiKeys).values({ id: newId('key'), workspaceId: id, hash: key.hash, prefix: key.prefix }),
      ]);
      return (await this.get(id))!;
    },

    async dataVersion(workspaceId: string): Promise<number> {
      const rows = (await versionQuery.all({ id: workspaceId })) as Array<{ v: number }>;
      return rows[0]?.v ?? 0;
    },

    /** How many workspaces exist (system-wide: only to tell a fresh install apart). */
    async count(): Promise<number> {
      const rows = await db.select({ n: count() }).from(workspaces);
      return rows[0]?.n ?? 0;
    },

    async get(workspaceId: string): Promise<Workspace | undefined> {
      return (await byId.all({ id: workspaceId }))[0];
    },

    async update(workspaceId: string, patch: Partial<WorkspaceSettings>): Promise<Workspace | undefined> {
      if (Object.keys(patch).length > 0) {
        await db.update(workspaces).set({ ...patch, dataVersion: sql`${workspaces.dataVersion} + 1` }).where(eq(workspaces.id, workspaceId));
      }
      return this.get(workspaceId);
    },

    /** The workspace an active key hash belongs to (the hash is the lookup key; see auth). */
    async findByKeyHash(hash: string): Promise<{ workspaceId: string; hash: string } | undefined> {
      const rows = (await keyQuery.all({ hash })) as Array<{ workspaceId: string; hash: string }>;
      return rows[0];
    },
  };
}
export type WorkspaceRepository = ReturnType<typeof createWorkspaceRepository>;
