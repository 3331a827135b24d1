import type { Principal } from '../http/middleware/auth';
import type { Deps } from './deps';

/** How an actor is named in the audit log: `person:<id>`, `key:<id>` (also a key's dashboard session) or `cli`. */
export function actorOf(principal: Principal | 'cli'): string {
  if (principal === 'cli') return 'cli';
  if (principal.kind === 'key') return `key:${principal.keyId}`;
  return principal.personId ? `person:${principal.personId}` : `key:${principal.apiKeyId ?? 'unknown'}`;
}

/**
 * Records an admin action (members, roles, invitations, keys, connections, settings) in the
 * workspace's audit log. `detail` holds facts only (ids, roles, counts), never secrets or tokens.
 */
export async function recordAdminAction(
  deps: Pick<Deps, 'repos' | 'clock'>,
  workspaceId: string,
  principal: Principal | 'cli',
  action: string,
  target?: string | null,
  detail?: Record<string, unknown> | null,
): Promise<void> {
  await deps.repos.auditLog.record(workspaceId, { actor: actorOf(principal), action, target: target ?? null, detail: detail ?? null, at: deps.clock() });
}
