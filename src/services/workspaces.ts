import { randomToken } from '../db/ids';
import type { Workspace, WorkspaceSettings } from '../db/workspaces.repository';
import type { Deps } from './deps';

const KEY_PREFIX = 'um_';

/** Hex SHA-256 of an API key: what is stored and looked up, never the key itself. */
export async function hashApiKey(key: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(key));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** Compares two strings in time that depends only on their length. */
export function constantTimeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/** Creates a workspace and returns its API key: the only time the key is ever visible. */
export async function createWorkspace(
  deps: Pick<Deps, 'repos'>,
  settings: Partial<WorkspaceSettings> & { name: string },
): Promise<{ workspace: Workspace; apiKey: string }> {
  const apiKey = `${KEY_PREFIX}${randomToken(40)}`;
  const workspace = await deps.repos.workspaces.create(
    { hourlyRate: 0, currency: 'USD', focusMinMinutes: 120, ...settings },
    { hash: await hashApiKey(apiKey), prefix: apiKey.slice(0, 8) },
  );
  return { workspace, apiKey };
}

/**
 * Digests of keys that authenticated recently. WebCrypto's digest is asynchronous and costs
 * more than the rest of a small request; the digest of a key never changes, so it is kept
 * (bounded, for valid keys only: garbage keys cannot evict them). Revocation is unaffected:
 * every request still looks the hash up.
 */
const knownDigests = new Map<string, string>();
const KNOWN_DIGESTS_MAX = 1024;

/** The workspace a presented API key belongs to (and the key's hash), or undefined for an unknown or revoked key. */
export async function authenticateApiKey(
  deps: Pick<Deps, 'repos'>,
  key: string,
): Promise<{ workspaceId: string; keyHash: string } | undefined> {
  if (!key.startsWith(KEY_PREFIX) || key.length > 200) return undefined;
  const hash = knownDigests.get(key) ?? (await hashApiKey(key));
  const found = await deps.repos.workspaces.findByKeyHash(hash);
  if (!found || !constantTimeEqual(found.hash, hash)) return undefined;
  if (!knownDigests.has(key)) {
    if (knownDigests.size >= KNOWN_DIGESTS_MAX) knownDigests.delete(knownDigests.keys().next().value!);
    knownDigests.set(key, hash);
  }
  return { workspaceId: found.workspaceId, keyHash: hash };
}
