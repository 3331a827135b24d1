import { and, eq, gt, lt } from 'drizzle-orm';
import type { Db } from './database';
import { oauthStates, watchChannels, type ProviderName } from './schema';

export type OAuthStateRow = typeof oauthStates.$inferSelect;
export type WatchChannelRow = typeof watchChannels.$inferSelect;

/**
 * Pending OAuth authorizations and push channels. An OAuth callback and a webhook arrive
 * without an API key: the state id / channel id is what identifies the workspace, so those two
 * lookups are by id, and everything they lead to is then scoped by that workspace.
 */
export function createOAuthRepository({ db }: { db: Db }) {
  return {
    async createState(row: Omit<OAuthStateRow, 'expectedAccount' | 'personId'> & Partial<Pick<OAuthStateRow, 'expectedAccount' | 'personId'>>): Promise<void> {
      await db.insert(oauthStates).values(row);
    },

    /** Takes a state: deletes and returns it if it exists and has not expired (single use). */
    async takeState(id: string, now: number): Promise<OAuthStateRow | undefined> {
      const rows = await db.delete(oauthStates).where(eq(oauthStates.id, id)).returning();
      const row = rows[0];
      return row && row.expiresAt > now ? row : undefined;
    },

    async purgeExpiredStates(now: number): Promise<void> {
      await db.delete(oauthStates).where(lt(oauthStates.expiresAt, now));
    },

    async saveChannel(row: WatchChannelRow): Promise<void> {
      await db.insert(watchChannels).values(row);
    },

    /** A live channel by id (webhooks carry only the channel id and its token). */
    async findChannel(id: string, provider: ProviderName, now: number): Promise<WatchChannelRow | undefined> {
      const rows = await db
        .select()
        .from(watchChannels)
        .where(and(eq(watchChannels.id, id), eq(watchChannels.provider, provider), gt(watchChannels.expiresAt, now)));
      return rows[0];
    },

    async channelsOf(workspaceId: string, connectionId: string): Promise<WatchChannelRow[]> {
      return db
        .select()
        .from(watchChannels)
        .where(and(eq(watchChannels.workspaceId, workspaceId), eq(watchChannels.connectionId, connectionId)));
    },

    /** A channel renewed in place (Graph subscriptions keep their id and secret). */
    async extendChannel(workspaceId: string, id: string, expiresAt: number): Promise<void> {
      await db.update(watchChannels).set({ expiresAt }).where(and(eq(watchChannels.workspaceId, workspaceId), eq(watchChannels.id, id)));
    },

    async removeChannel(workspaceId: string, id: string): Promise<void> {
      await db.delete(watchChannels).where(and(eq(watchChannels.workspaceId, workspaceId), eq(watchChannels.id, id)));
    },
  };
}
export type OAuthRepository = ReturnType<typeof createOAuthRepository>;
