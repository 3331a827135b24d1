import type { ApiKey } from '../db/workspaces.repository';
import { apiKeyInput } from '../schemas';
import type { Deps } from '../services/deps';
import { createApiKey, revokeApiKey } from '../services/workspaces';
import { InputError } from './team-file';

const USAGE = 'usage: unmeet workspace keys [create [--label TEXT] | revoke KEY_ID] --workspace WORKSPACE_ID [--json]';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const view = (k: ApiKey) => ({ id: k.id, prefix: k.prefix, label: k.label, createdAt: iso(k.createdAt), revokedAt: iso(k.revokedAt) });
const line = (k: ApiKey) =>
  [k.id, k.prefix, iso(k.createdAt), k.revokedAt === null ? 'active' : `revoked ${iso(k.revokedAt)}`, k.label ?? ''].join('  ').trimEnd();

/**
 * `unmeet workspace keys …` on the server's database, for the operator: list a workspace's keys
 * (prefixes only), create one (printed once: the way back in for a workspace that lost its keys),
 * or revoke one, with the same rules as the API (never the last active key). The arguments are
 * checked before the database is opened.
 */
export async function workspaceKeysCommand(
  args: { action: string | undefined; keyId: string | undefined; workspace: string | undefined; label: string | undefined; json: boolean | undefined },
  withDeps: <T>(fn: (deps: Pick<Deps, 'repos' | 'clock'>) => Promise<T>) => Promise<T>,
): Promise<string> {
  const workspaceId = args.workspace;
  const action = args.action ?? 'list';
  if (!workspaceId || !['list', 'create', 'revoke'].includes(action) || (action === 'revoke') !== (args.keyId !== undefined)) throw new InputError(USAGE);
  const input = apiKeyInput.safeParse({ label: args.label });
  if (!input.success) throw new InputError(`--label: ${input.error.issues[0]?.message ?? 'invalid'}`);
  return withDeps(async (deps) => {
    if (!(await deps.repos.workspaces.get(workspaceId))) throw new InputError(`no workspace ${workspaceId}`);
    if (action === 'create') {
      const { key, apiKey } = await createApiKey(deps, workspaceId, input.data);
      return args.json ? JSON.stringify({ key: view(key), apiKey }, null, 2) : `Created key ${key.id}.\nAPI key (shown once): ${apiKey}`;
    }
    if (action === 'revoke') {
      const key = await revokeApiKey(deps, workspaceId, args.keyId!);
      return args.json ? JSON.stringify(view(key), null, 2) : `Revoked key ${key.id} (${key.prefix}…) at ${iso(key.revokedAt)}.`;
    }
    const keys = await deps.repos.workspaces.listKeys(workspaceId);
    return args.json ? JSON.stringify({ keys: keys.map(view) }, null, 2) : keys.map(line).join('\n');
  });
}
