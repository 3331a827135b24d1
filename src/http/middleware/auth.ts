import { getCookie } from 'hono/cookie';
import { createMiddleware } from 'hono/factory';
import { roleAtLeast, type Role } from '../../domain/roles';
import type { Deps } from '../../services/deps';
import { resolveSession, type SessionPrincipal } from '../../services/sessions';
import { authenticateApiKey } from '../../services/workspaces';
import { problem } from '../errors';
import { crossOrigin, SESSION_COOKIE } from './session';
import { authErrors } from '../../domain/error-codes/auth';
import { generalErrors } from '../../domain/error-codes/request';

/** Who made the request: an API key (integrations, operators) or a signed-in session. */
export type Principal = { kind: 'key'; workspaceId: string; role: Role; keyId: string } | ({ kind: 'session' } & SessionPrincipal);

/**
 * `workspaceId`: the only source of tenant scope for every handler behind `authenticate`;
 * `role`: what the caller may do there; `apiKeyId`: the key that authenticated the request,
 * directly or through a dashboard session ('' for a person's session), so a key list can mark it.
 */
export type AuthVariables = { workspaceId: string; apiKeyId: string; role: Role; principal: Principal };

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Authentication for the API: `Authorization: Bearer <API key>`, or the session cookie the
 * dashboard sets (the same rules apply to both; a cookie-borne write must come from our own
 * origin). Keys are compared by hash, never logged, never accepted in a URL. With a rate limiter
 * in deps, each key and each session gets its own budget; past it the answer is 429 with
 * Retry-After.
 */
export const authenticate = (deps: Deps) =>
  createMiddleware<{ Variables: AuthVariables }>(async (c, next) => {
    // Nested routers may match twice: authenticate (and count) a request once.
    if (c.get('principal')) return next();
    const header = c.req.header('authorization');
    let principal: Principal | undefined;
    let budget: string;
    if (header) {
      const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
      const key = match ? await authenticateApiKey(deps, match[1]!, { mayCache: !UNSAFE.has(c.req.method) }) : undefined;
      if (!key) return problem(c, authErrors.invalid_key('The API key is not valid.'));
      principal = { kind: 'key', workspaceId: key.workspaceId, role: key.role, keyId: key.keyId };
      budget = key.keyHash;
    } else {
      const token = getCookie(c, SESSION_COOKIE);
      if (!token) return problem(c, authErrors.missing_key('Send your API key as "Authorization: Bearer <key>", or sign in.'));
      const session = await resolveSession(deps, token);
      if (!session || session === 'no_workspace') return problem(c, authErrors.session_expired('The session has ended; sign in again.'));
      if (UNSAFE.has(c.req.method) && crossOrigin(c, deps.publicUrl)) return problem(c, authErrors.forbidden('A signed-in request must come from this site.'));
      principal = { kind: 'session', ...session };
      budget = session.sessionId;
    }
    if (deps.rateLimiter) {
      const verdict = deps.rateLimiter.take(budget);
      if (!verdict.ok) {
        c.header('Retry-After', String(verdict.retryAfterSeconds));
        return problem(c, generalErrors.rate_limited(`Too many requests; retry in ${verdict.retryAfterSeconds} s.`));
      }
    }
    c.set('principal', principal);
    c.set('workspaceId', principal.workspaceId);
    c.set('role', principal.role);
    c.set('apiKeyId', principal.kind === 'key' ? principal.keyId : (principal.apiKeyId ?? ''));
    await next();
  });

/** Refuses (403 `auth.forbidden`) a caller whose role is below `needed`; every protected route declares one. */
export const requireRole = (needed: Role) =>
  createMiddleware<{ Variables: AuthVariables }>(async (c, next) => {
    if (!roleAtLeast(c.get('role'), needed)) return problem(c, authErrors.forbidden(`This needs the ${needed} role or above.`));
    await next();
  });

/** The person behind a request, or a 403 answer for API keys (routes about "me" need a person). */
export const requirePerson = createMiddleware<{ Variables: AuthVariables }>(async (c, next) => {
  const p = c.get('principal');
  if (p.kind !== 'session' || !p.personId) return problem(c, authErrors.person_required('This is about a signed-in person; an API key has no person.'));
  await next();
});
