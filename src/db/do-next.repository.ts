import { and, eq } from 'drizzle-orm';
import type { Db } from './database';
import { doNextDismissals } from './people.schema';

/**
 * Each viewer's dismissed and snoozed "Do next" items. The viewer is a person's id, or
 * `key:<apiKeyId>` for an API key (or a dashboard session opened with one). Every query names
 * the workspace. Dismissals are the viewer's own view, not workspace data: they do not bump the
 * data version, so the cached report underneath stays valid.
 */
export function createDoNextRepository({ db }: { db: Db }) {
  return {
    /** Every dismissal and snooze this viewer recorded (expired snoozes included; the caller compares with now). */
    async list(workspaceId: string, viewer: string): Promise<Array<{ itemKey: string; until: number | null }>> {
      return db
        .select({ itemKey: doNextDismissals.itemKey, until: doNextDismissals.until })
        .from(doNextDismissals)
        .where(and(eq(doNextDismissals.workspaceId, workspaceId), eq(doNextDismissals.viewer, viewer)));
    },

    /** Hides an item for this viewer until `until` (null: for good); a later call replaces an earlier one. */
    async hide(workspaceId: string, viewer: string, itemKey: string, until: number | null, now: number): Promise<void> {
      await db
        .insert(doNextDismissals)
        .values({ workspaceId, viewer, itemKey, until, createdAt: now })
        .onConflictDoUpdate({ target: [doNextDismissals.workspaceId, doNextDismissals.viewer, doNextDismissals.itemKey], set: { until, createdAt: now } });
    },
  };
}
export type DoNextRepository = ReturnType<typeof createDoNextRepository>;
