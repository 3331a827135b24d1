/**
 * Workspaces, their settings and API keys: every query scoped by workspace. `createWorkspaceRepository` runs past the usual 80 lines only because
 * it is the list of its query methods, each a few lines; splitting it would scatter one table's
 * queries over several files.
 */
import { and, asc, count, eq, exists, isNull, ne, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/sqlite-core';
import type { KeyRole } from '../domain/roles';
import { atomic } from './atomic';
import type { Db } from './database';
import { newId } from './ids';
import { apiKeys, workspaces } from './schema';

export type Workspace = typeof workspaces.$inferSelect;

/** An API key as it may be shown: never the key, never its hash. */
export type ApiKey = Pick<typeof apiKeys.$inferSelect, 'id' | 'prefix' | 'label' | 'role' | 'createdAt' | 'revokedAt'>;

/** What revoking a key came to; anything but `revoked` changed nothing. */
export type RevokeKeyResult =
  | { outcome: 'revoked'; key: ApiKey }
  | { outcome: 'already_revoked'; key: ApiKey }
  | { outcome: 'last_active' }
  | { outcome: 'not_found' };

const keyColumns = { id: apiKeys.id, prefix: apiKeys.prefix, label: apiKeys.label, role: apiKeys.role, createdAt: apiKeys.createdAt, revokedAt: apiKeys.revokedAt };

/**
 * The statement that marks a workspace's data as changed (events, members, settings): part of
 * the same atomic unit as the change, so a cached audit can never outlive what it was built on.
 */
export const bumpDataVersion = (db: Db, workspaceId: string | SQL) =>
  db
    .update(workspaces)
    .set({ dataVersion: sql`${workspaces.dataVersion} + 1` })
    .where(eq(workspaces.id, workspaceId));
export type WorkspaceSettings = Pick<Workspace, 'name' | 'hourlyRate' | 'currency' | 'focusMinMinutes'> & Partial<Pick<Workspace, 'mailTransport' | 'minGroupSize'>>;

export function createWorkspaceRepository({ db }: { db: Db }) {
  // Prepared once: these two run on every authenticated request and every cached read.
  const versionQuery = db
    .select({ v: workspaces.dataVersion })
    .from(workspaces)
    .where(eq(workspaces.id, sql.placeholder('id')))
    .prepare();
  const keyQuery = db
    .select({ id: apiKeys.id, workspaceId: apiKeys.workspaceId, hash: apiKeys.hash, role: apiKeys.role })
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

    /** The workspace an active key hash belongs to, and the key's id (the hash is the lookup key; see auth). */
    async findByKeyHash(hash: string): Promise<{ id: string; workspaceId: string; hash: string; role: KeyRole } | undefined> {
      const rows = (await keyQuery.all({ hash })) as Array<{ id: string; workspaceId: string; hash: string; role: KeyRole }>;
      return rows[0];
    },

    /** The workspace's keys, revoked ones included, oldest first. */
    async listKeys(workspaceId: string): Promise<ApiKey[]> {
      return db.select(keyColumns).from(apiKeys).where(eq(apiKeys.workspaceId, workspaceId)).orderBy(asc(apiKeys.createdAt), asc(apiKeys.id));
    },

    /** Adds a key to the workspace (stored only as a hash). Nothing else changes: keys are not data an audit depends on. */
    async createKey(workspaceId: string, key: { hash: string; prefix: string; label?: string | null; role?: KeyRole }): Promise<ApiKey> {
      const rows = await db
        .insert(apiKeys)
        .values({ id: newId('key'), workspaceId, hash: key.hash, prefix: key.prefix, label: key.label ?? null, role: key.role ?? 'admin' })
        .returning(keyColumns);
      return rows[0]!;
    },

    /**
     * Revokes a key of the workspace unless it is the workspace's last active one. The check and
     * the write are one statement, so two revocations racing on a workspace's last two keys
     * cannot both succeed and lock it out. The row stays, with `revoked_at` set, for the record.
     */
    async revokeKey(workspaceId: string, keyId: string, now: number): Promise<RevokeKeyResult> {
      const other = alias(apiKeys, 'other_key');
      const revoked = await db
        .update(apiKeys)
        .set({ revokedAt: now })
        .where(
          and(
            eq(apiKeys.workspaceId, workspaceId),
            eq(apiKeys.id, keyId),
            isNull(apiKeys.revokedAt),
            exists(
              db
                .select({ one: sql`1` })
                .from(other)
                .where(and(eq(other.workspaceId, workspaceId), ne(other.id, keyId), isNull(other.revokedAt))),
            ),
          ),
        )
        .returning(keyColumns);
      if (revoked[0]) return { outcome: 'revoked', key: revoked[0] };
      const [key] = await db
        .select(keyColumns)
        .from(apiKeys)
        .where(and(eq(apiKeys.workspaceId, workspaceId), eq(apiKeys.id, keyId)));
      if (!key) return { outcome: 'not_found' };
      return key.revokedAt !== null ? { outcome: 'already_revoked', key } : { outcome: 'last_active' };
    },
  };
}
export type WorkspaceRepository = ReturnType<typeof createWorkspaceRepository>;
