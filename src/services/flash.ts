/**
 * Dashboard flashes: what a form post did, carried to the page it redirects to (POST-redirect-GET,
 * so a reload never repeats the write), and shown once. A flash is a one-time row in the
 * database (Workers isolates share no memory), keyed by the SHA-256 of a random token that only
 * the browser's cookie holds; its payload is sealed with the vault, bound to the row and to the
 * session, so it neither opens for another session nor survives its first reading. A new API key
 * travels this way: never in a URL, never in a page a reload could fetch twice.
 */
import { randomToken } from '../db/ids';
import type { Deps } from './deps';
import { hashApiKey } from './workspaces';

/** Long enough for a slow redirect, short enough that a forgotten flash is soon gone. */
export const FLASH_MS = 5 * 60_000;
const TOKEN_SHAPE = /^umf_[0-9a-z]{40}$/;

const contextOf = (id: string, sessionNonce: string) => `flash:${id}:${sessionNonce}`;

/** Stores `payload` for the session and returns the token for its cookie. */
export async function putFlash(deps: Pick<Deps, 'repos' | 'clock' | 'vault'>, sessionNonce: string, payload: unknown): Promise<string> {
  const token = `umf_${randomToken(40)}`;
  const id = await hashApiKey(token);
  const now = deps.clock();
  const sealed = await deps.vault.seal(JSON.stringify(payload), contextOf(id, sessionNonce));
  await deps.repos.links.createFlash({ id, sealed, createdAt: now, expiresAt: now + FLASH_MS });
  return token;
}

/** Takes the flash a token names (deleting it), or undefined: unknown, expired, taken, or another session's. */
export async function takeFlash<T>(deps: Pick<Deps, 'repos' | 'clock' | 'vault'>, sessionNonce: string, token: string | undefined): Promise<T | undefined> {
  if (!token || !TOKEN_SHAPE.test(token)) return undefined;
  const id = await hashApiKey(token);
  const sealed = await deps.repos.links.takeFlash(id, deps.clock());
  if (!sealed) return undefined;
  try {
    return JSON.parse(await deps.vault.open(sealed, contextOf(id, sessionNonce))) as T;
  } catch {
    return undefined;
  }
}
