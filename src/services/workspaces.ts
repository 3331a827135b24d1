import { keyErrors } from '../domain/error-codes/key';
import type { KeyRole } from '../domain/roles';
import { randomToken } from '../db/ids';
import type { ApiKey, Workspace, WorkspaceSettings } from '../db/workspaces.repository';
import type { Deps } from './deps';
import { throughReadCache } from './read-cache';

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

/** A new random API key and what is stored of it: its hash, and its first 8 characters to tell keys apart. */
async function generateApiKey(): Promise<{ apiKey: string; stored: { hash: string; prefix: string } }> {
  const apiKey = `${KEY_PREFIX}${randomToken(40)}`;
  return { apiKey, stored: { hash: await hashApiKey(apiKey), prefix: apiKey.slice(0, 8) } };
}

/** Creates a workspace and returns its API key: the only time the key is ever visible. */
export async function createWorkspace(
  deps: Pick<Deps, 'repos'>,
  settings: Partial<WorkspaceSettings> & { name: string },
): Promise<{ workspace: Workspace; apiKey: string }> {
  const { apiKey, stored } = await generateApiKey();
  const workspace = await deps.repos.workspaces.create({ hourlyRate: 0, currency: 'USD', focusMinMinutes: 120, ...settings }, stored);
  return { workspace, apiKey };
}

/** Adds an API key to a workspace and returns it: as with the first key, the only time it is visible. */
/**
 * Active keys a workspace may hold. Each key has its own request budget, so minting keys must not
 * multiply that budget without bound (two requests racing may pass the count together; the bound
 * still holds within a few).
 */
export const MAX_ACTIVE_KEYS = 10;

export async function createApiKey(
  deps: Pick<Deps, 'repos'>,
  workspaceId: string,
  options: { label?: string; role?: KeyRole } = {},
): Promise<{ key: ApiKey; apiKey: string }> {
  const active = (await deps.repos.workspaces.listKeys(workspaceId)).filter((k) => k.revokedAt === null).length;
  if (active >= MAX_ACTIVE_KEYS) {
    throw keyErrors.limit_reached(`A workspace holds at most ${MAX_ACTIVE_KEYS} active API keys; revoke one first.`);
  }
  const { apiKey, stored } = await generateApiKey();
  const key = await deps.repos.workspaces.createKey(workspaceId, { ...stored, label: options.label, role: options.role });
  return { key, apiKey };
}

/**
 * Revokes one of the workspace's keys; it stops authenticating (API and dashboard sessions) on the
 * next request. Revoking an already revoked key changes nothing and answers the key as it is.
 * Throws `key.not_found` (unknown, or another workspace's) and `key.last_active` (the workspace
 * would be locked out: create another key first).
 */
export async function revokeApiKey(deps: Pick<Deps, 'repos' | 'clock'>, workspaceId: string, keyId: string): Promise<ApiKey> {
  const result = await deps.repos.workspaces.revokeKey(workspaceId, keyId, deps.clock());
  switch (result.outcome) {
    case 'revoked':
    case 'already_revoked':
      return result.key;
    case 'not_found':
      throw keyErrors.not_found(`No API key ${keyId} in this workspace.`);
    case 'last_active':
      throw keyErrors.last_active(`Key ${keyId} is the workspace's last active API key; create another before revoking it.`);
  }
}

/**
 * Digests of secrets (API keys, session tokens) that authenticated recently. WebCrypto's digest
 * is asynchronous and costs more than the rest of a small request; the digest of a secret never
 * changes, so it is kept (bounded, for valid secrets only: garbage cannot evict them).
 * Revocation is unaffected: every request still looks the hash up.
 */
const knownDigests = new Map<string, string>();
const KNOWN_DIGESTS_MAX = 2048;

/** The SHA-256 of a presented secret: remembered when it authenticated before, computed otherwise. */
export const digestOf = async (secret: string): Promise<string> => knownDigests.get(secret) ?? (await hashApiKey(secret));

/** Remembers the digest of a secret that just authenticated. */
export function rememberDigest(secret: string, hash: string): void {
  if (knownDigests.has(secret)) return;
  if (knownDigests.size >= KNOWN_DIGESTS_MAX) knownDigests.delete(knownDigests.keys().next().value!);
  knownDigests.set(secret, hash);
}

/** The workspace a presented API key belongs to (with the key's id, hash and role), or undefined for an unknown or revoked key. */
export async function authenticateApiKey(
  deps: Pick<Deps, 'repos' | 'readCache'>,
  key: string,
  /** A read-only request may take the key from the read cache (Workers); a write always asks the database. */
  options: { mayCache?: boolean } = {},
): Promise<{ workspaceId: string; keyId: string; keyHash: string; role: KeyRole } | undefined> {
  if (!key.startsWith(KEY_PREFIX) || key.length > 200) return undefined;
  const hash = await digestOf(key);
  const found = await throughReadCache(deps.readCache, `key:${hash}`, () => deps.repos.workspaces.findByKeyHash(hash), options.mayCache);
  if (!found || !constantTimeEqual(found.hash, hash)) return undefined;
  rememberDigest(key, hash);
  return { workspaceId: found.workspaceId, keyId: found.id, keyHash: hash, role: found.role };
}
