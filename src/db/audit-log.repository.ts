import { and, desc, eq, lt } from 'drizzle-orm';
import type { Db } from './database';
import { auditLog } from './people.schema';

export type AuditEntry = typeof auditLog.$inferSelect;

/** The admin audit log: append-only per workspace, read newest first. */
export function createAuditLogRepository({ db }: { db: Db }) {
  return {
    async record(workspaceId: string, entry: { actor: string; action: string; target?: string | null; detail?: Record<string, unknown> | null; at: number }) {
      await db.insert(auditLog).values({ workspaceId, actor: entry.actor, action: entry.action, target: entry.target ?? null, detail: entry.detail ?? null, at: entry.at });
    },

    /** A page of entries, newest first; `before` is the id of the last entry of the previous page. */
    async list(workspaceId: string, options: { limit: number; before?: number }): Promise<AuditEntry[]> {
      return db
        .select()
        .from(auditLog)
        .where(and(eq(auditLog.workspaceId, workspaceId), options.before !== undefined ? lt(auditLog.id, options.before) : undefined))
        .orderBy(desc(auditLog.id))
        .limit(options.limit);
    },
  };
}
