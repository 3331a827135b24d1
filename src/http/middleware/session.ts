/**
 * Dashboard sessions on the server (see services/sessions): the cookie holds a random token, the
 * database its hash, so signing out ends the session for every copy of the cookie. A person signs
 * in with Google, Microsoft or a one-time email link; an operator may still sign in with an API
 * key, which gives a session with that key's role.
 *
 * CSRF: every form carries `sign("csrf.<nonce>")` (an HMAC bound to this session) and is also
 * refused when the browser says it came from another origin (Origin / Sec-Fetch-Site).
 */
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { Role } from '../../domain/roles';
import { randomToken } from '../../db/ids';
import type { Deps } from '../../services/deps';
import { endSession, resolveSession, startSession } from '../../services/sessions';
import { authenticateApiKey } from '../../services/workspaces';

export const SESSION_COOKIE = 'um_session';
/** A pre-session nonce so the sign-in form itself carries a CSRF token. */
export const PRE_SESSION_COOKIE = 'um_pre';

export interface DashboardSession {
  workspaceId: string;
  nonce: string;
  expiresAt: number;
  role: Role;
  personId: string | null;
  memberId: string | null;
}

/** Cookies are `Secure` when the request (or the configured public URL) is HTTPS. */
export function isSecureRequest(c: Context, publicUrl: string): boolean {
  return new URL(c.req.url).protocol === 'https:' || c.req.header('x-forwarded-proto') === 'https' || publicUrl.startsWith('https:');
}

const cookieOptions = (c: Context, deps: Pick<Deps, 'publicUrl'>, maxAge: number) =>
  ({ httpOnly: true, secure: isSecureRequest(c, deps.publicUrl), sameSite: 'Strict', path: '/', maxAge }) as const;

/** Sets the cookie of a session just started (a new id every sign-in), replacing any earlier one. */
export function setSessionCookie(c: Context, deps: Pick<Deps, 'publicUrl'>, session: { token: string; maxAgeSeconds: number }): void {
  setCookie(c, SESSION_COOKIE, session.token, cookieOptions(c, deps, session.maxAgeSeconds));
  deleteCookie(c, PRE_SESSION_COOKIE, { path: '/' });
}

/** Checks the API key and starts a session with its role; false for an unknown or revoked key. */
export async function signInWithKey(c: Context, deps: Pick<Deps, 'repos' | 'clock' | 'publicUrl'>, apiKey: string): Promise<boolean> {
  const found = await authenticateApiKey(deps, apiKey.trim());
  if (!found) return false;
  const previous = getCookie(c, SESSION_COOKIE);
  if (previous) await endSession(deps, previous);
  setSessionCookie(c, deps, await startSession(deps, { workspaceId: found.workspaceId, apiKeyId: found.keyId }));
  return true;
}

/** Ends this session on the server and clears the cookie. */
export async function signOut(c: Context, deps: Pick<Deps, 'repos' | 'publicUrl'>): Promise<void> {
  const token = getCookie(c, SESSION_COOKIE);
  if (token) await endSession(deps, token);
  setCookie(c, SESSION_COOKIE, '', cookieOptions(c, deps, 0));
}

/** The session of this request, or undefined (no cookie, unknown, ended, timed out, or its role is gone). */
export async function readSession(c: Context, deps: Pick<Deps, 'repos' | 'clock'>): Promise<DashboardSession | undefined> {
  const token = getCookie(c, SESSION_COOKIE);
  if (!token) return undefined;
  const s = await resolveSession(deps, token);
  if (!s || s === 'no_workspace') return undefined;
  return { workspaceId: s.workspaceId, nonce: s.csrfNonce, expiresAt: s.expiresAt, role: s.role, personId: s.personId, memberId: s.memberId };
}

/** The CSRF token forms of this session carry. */
export const csrfToken = (deps: Pick<Deps, 'vault'>, session: Pick<DashboardSession, 'nonce'>) => deps.vault.sign(`csrf.${session.nonce}`);

/** The pre-session nonce for the sign-in form (set when missing) and its token. */
export async function preSessionToken(c: Context, deps: Pick<Deps, 'vault' | 'publicUrl'>): Promise<string> {
  let nonce = getCookie(c, PRE_SESSION_COOKIE);
  if (!nonce || !/^[A-Za-z0-9_-]{16,64}$/.test(nonce)) {
    nonce = randomToken(24);
    setCookie(c, PRE_SESSION_COOKIE, nonce, cookieOptions(c, deps, 3600));
  }
  return deps.vault.sign(`pre.${nonce}`);
}

/** Whether the browser says this request came from another site (a cross-site form post). */
export function crossOrigin(c: Context, publicUrl: string): boolean {
  // Browsers send Sec-Fetch-Site; with `Referrer-Policy: no-referrer` their Origin is "null",
  // so the fetch metadata decides when present and Origin is the fallback for older clients.
  const site = c.req.header('sec-fetch-site');
  if (site !== undefined) return site !== 'same-origin' && site !== 'none';
  const origin = c.req.header('origin');
  if (origin === undefined || origin === 'null') return false;
  return origin !== new URL(c.req.url).origin && origin !== new URL(publicUrl).origin;
}

/** Verifies a form post: same origin, and the token matches this session (or the sign-in nonce). */
export async function verifyCsrf(
  c: Context,
  deps: Pick<Deps, 'vault' | 'publicUrl'>,
  session: DashboardSession | 'pre',
  token: unknown,
): Promise<boolean> {
  if (crossOrigin(c, deps.publicUrl)) return false;
  if (typeof token !== 'string' || token.length === 0 || token.length > 200) return false;
  if (session === 'pre') {
    const nonce = getCookie(c, PRE_SESSION_COOKIE);
    return nonce !== undefined && (await deps.vault.verify(`pre.${nonce}`, token));
  }
  return deps.vault.verify(`csrf.${session.nonce}`, token);
}
