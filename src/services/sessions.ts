import type { Role } from '../domain/roles';
import { randomToken } from '../db/ids';
import type { Deps } from './deps';
import { digestOf, rememberDigest } from './workspaces';

/**
 * Server-side sessions. The cookie carries a random token; the database keeps only its SHA-256,
 * so deleting the row ends the session everywhere, a copied cookie included. A session ends
 * after 12 hours without a request or 7 days after sign-in, whichever comes first; activity is
 * written at most once a minute, so a busy session costs no write per request.
 */
export const SESSION_IDLE_MS = 12 * 3_600_000;
export const SESSION_ABSOLUTE_MS = 7 * 86_400_000;
export const SESSION_TOUCH_MS = 60_000;
const TOKEN_PREFIX = 'ums_';

/** Who a session speaks for: a person (with their membership's role) or an API key signed in to the dashboard. */
export interface SessionPrincipal {
  sessionId: string;
  workspaceId: string;
  role: Role;
  personId: string | null;
  memberId: string | null;
  apiKeyId: string | null;
  csrfNonce: string;
  expiresAt: number;
}

/**
 * Starts a session (always a new id: signing in never reuses one) for a person in a workspace,
 * or for an API key. Returns the token for the cookie; it is never stored.
 */
export async function startSession(
  deps: Pick<Deps, 'repos' | 'clock'>,
  owner: { workspaceId: string | null; personId: string } | { workspaceId: string; apiKeyId: string },
): Promise<{ token: string; maxAgeSeconds: number }> {
  const token = `${TOKEN_PREFIX}${randomToken(40)}`;
  const now = deps.clock();
  await deps.repos.sessions.create({
    id: await digestOf(token),
    personId: 'personId' in owner ? owner.personId : null,
    apiKeyId: 'apiKeyId' in owner ? owner.apiKeyId : null,
    workspaceId: owner.workspaceId,
    csrfNonce: randomToken(24),
    createdAt: now,
    lastSeenAt: now,
    expiresAt: now + SESSION_ABSOLUTE_MS,
  });
  return { token, maxAgeSeconds: SESSION_ABSOLUTE_MS / 1000 };
}

/**
 * The session a cookie token names, if it is live and still carries a role in a workspace (a
 * removed membership or a revoked key ends it). Extends the idle timeout at most once a minute.
 * A person's session that has not chosen a workspace yet answers with `workspaceId` empty.
 */
export async function resolveSession(deps: Pick<Deps, 'repos' | 'clock'>, token: string): Promise<SessionPrincipal | 'no_workspace' | undefined> {
  if (!token.startsWith(TOKEN_PREFIX) || token.length > 100) return undefined;
  const id = await digestOf(token);
  const session = await deps.repos.sessions.find(id);
  const now = deps.clock();
  if (!session || session.expiresAt <= now || session.lastSeenAt + SESSION_IDLE_MS <= now) return undefined;
  rememberDigest(token, id);
  if (now - session.lastSeenAt >= SESSION_TOUCH_MS) await deps.repos.sessions.touch(id, now);
  if (!session.workspaceId) return session.personId ? 'no_workspace' : undefined;
  if (!session.role) return undefined;
  return {
    sessionId: id,
    workspaceId: session.workspaceId,
    role: session.role,
    personId: session.personId,
    memberId: session.memberId,
    apiKeyId: session.apiKeyId,
    csrfNonce: session.csrfNonce,
    expiresAt: Math.min(session.expiresAt, now + SESSION_IDLE_MS),
  };
}

/** Ends the session a token names (sign-out): the row goes, so every copy of the cookie stops working. */
export async function endSession(deps: Pick<Deps, 'repos'>, token: string): Promise<void> {
  if (!token.startsWith(TOKEN_PREFIX) || token.length > 100) return;
  await deps.repos.sessions.delete(await digestOf(token));
}

/** "Sign out everywhere": every session of the person, in every workspace. */
export async function endAllSessions(deps: Pick<Deps, 'repos'>, personId: string): Promise<void> {
  await deps.repos.sessions.deleteForPerson(personId);
}
