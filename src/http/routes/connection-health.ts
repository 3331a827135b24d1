import { z } from '@hono/zod-openapi';
import type { ConnectionRow } from '../../db/connections.repository';
import type { Deps } from '../../services/deps';
import { connectionHealth } from '../../services/sync-health';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** The `health` object of a connection in the API (see domain/sync-health.ts and docs/calendars.md). */
export const healthSchema = z
  .object({
    state: z.enum(['ok', 'syncing', 'pending', 'throttled', 'failing', 'needs_reauth']),
    message: z.string().openapi({ description: 'What is going on, in a sentence or two, with what to do when something is wrong', example: 'Google asked us to wait; retrying at 10:42.' }),
    lastSuccessfulSyncAt: z.string().nullable(),
    lagSeconds: z.number().int().nullable().openapi({ description: 'Now minus the end of the last sync that held every change (a sync token or delta link; for ICS the last import)' }),
    changePendingSince: z.string().nullable().openapi({ description: 'A push that arrived after that sync: a change the vendor announced, not fetched yet' }),
    mode: z.enum(['push', 'polling', 'manual']),
    nextSyncAt: z.string().nullable(),
    lastError: z.object({ code: z.string(), at: z.string().nullable(), message: z.string() }).nullable(),
    notice: z.string().nullable().openapi({ description: 'A workaround of the last day: a repeated page of changes, an expired sync token' }),
  })
  .openapi('SyncHealth');

/** Each connection's API view with its `health` added. */
export async function withHealth<V extends object>(deps: Deps, rows: ConnectionRow[], view: (row: ConnectionRow) => V) {
  const health = await connectionHealth(deps, rows);
  return rows.map((row) => {
    const h = health.get(row.id)!;
    return {
      ...view(row),
      health: {
        state: h.state,
        message: h.message,
        lastSuccessfulSyncAt: iso(h.lastSuccessfulSyncAt),
        lagSeconds: h.lagMs === null ? null : Math.round(h.lagMs / 1000),
        changePendingSince: iso(h.changePendingSince),
        mode: h.mode,
        nextSyncAt: iso(h.nextSyncAt),
        lastError: h.lastError ? { code: h.lastError.code, at: iso(h.lastError.at), message: h.lastError.message } : null,
        notice: h.notice,
      },
    };
  });
}
