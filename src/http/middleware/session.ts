/**
 * Dashboard sessions without a sessions table: signing in with the workspace API key yields a
 * cookie holding a token sealed by the vault (AES-256-GCM under a key derived from
 * UNMEET_SECRET: unreadable and unforgeable), `{ workspace, key hash, expiry, nonce }`. The key
 * itself is never put in a cookie or URL. Every request re-checks that the key is still active,
 * so revoking the key ends its sessions; signing out clears the cookie.
 *
 * CSRF: every form carries `sign("csrf.<nonce>")` (an HMAC bound to this session) and is also
 * refused when the browser says it came from another origin (Origin / Sec-Fetch-Site).
 */
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { randomToken } from '../../db/ids';
import type { Deps } from '../../services/deps';
import { authenticateApiKey } from '../../services/workspaces';

export const SESSION_COOKIE = 'um_session';
/** A pre-session nonce so the sign-in form itself carries a CSRF token. */
export const PRE_SESSION_COOKIE = 'um_pre';
export const SESSION_TTL_MS = 12 * 3_600_000;
const SEAL_CONTEXT = 'dashboard.session.v1';

export interface DashboardSession {
  workspaceId: string;
  nonce: string;
  expiresAt: number;
}

interface SealedSession {
  w: string;
  k: string;
  e: number;
  n: string;
}

/** Cookies are `Secure` when the request (or the configured public URL) is HTTPS. */
export function isSecureRequest(c: Context, publicUrl: string): boolean {
  return new URL(c.req.url).protocol === 'https:' || c.req.header('x-forwarded-proto') === 'https' || publicUrl.startsWith('https:');
}

const cookieOptions = (c: Context, deps: Pick<Deps, 'publicUrl'>, maxAge: number) =>
  ({ httpOnly: true, secure: isSecureRequest(c, deps.publicUrl), sameSite: 'Strict', path: '/', maxAge }) as const;

/** Checks the API key and sets the session cookie; false for an unknown or revoked key. */
export async function signIn(c: Context, deps: Pick<Deps, 'repos' | 'vault' | 'clock' | 'publicUrl'>, apiKey: string): Promise<boolean> {
  const key = apiKey.trim();
  const found = await authenticateApiKey(deps, key);
  if (!found) return false;
  const payload: SealedSession = { w: found.workspaceId, k: found.keyHash, e: deps.clock() + SESSION_TTL_MS, n: randomToken(24) };
  const token = await deps.vault.seal(JSON.stringify(payload), SEAL_CONTEXT);
  setCookie(c, SESSION_COOKIE, token, cookieOptions(c, deps, SESSION_TTL_MS / 1000));
  deleteCookie(c, PRE_SESSION_COOKIE, { path: '/' });
  return true;
}

export function signOut(c: Context, deps: Pick<Deps, 'publicUrl'>): void {
  setCookie(c, SESSION_COOKIE, '', cookieOptions(c, deps, 0));
}

/** The session of this request, or undefined (no cookie, tampered, expired, or the key was revoked). */
export async function readSession(c: Context, deps: Pick<Deps, 'repos' | 'vault' | 'clock'>): Promise<DashboardSession | undefined> {
  const token = getCookie(c, SESSION_COOKIE);
  if (!token || token.length > 2048) return undefined;
  let payload: SealedSession;
  try {
    payload = JSON.parse(await deps.vault.open(token, SEAL_CONTEXT)) as SealedSession;
  } catch {
    return undefined;
  }
  if (typeof payload.e !== 'number' || payload.e <= deps.clock()) return undefined;
  const key = await deps.repos.workspaces.findByKeyHash(payload.k);
  if (!key || key.workspaceId !== payload.w) return undefined;
  return { workspaceId: payload.w, nonce: payload.n, expiresAt: payload.e };
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
function crossOrigin(c: Context, publicUrl: string): boolean {
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
