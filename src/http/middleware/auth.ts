import { createMiddleware } from 'hono/factory';
import type { Deps } from '../../services/deps';
import { authenticateApiKey } from '../../services/workspaces';
import { problem } from '../errors';

/** `apiKeyId`: the id of the key that authenticated this request (so a key list can mark it). */
export type AuthVariables = { workspaceId: string; apiKeyId: string };

/**
 * Bearer API-key authentication: sets `workspaceId`, the only source of tenant scope for every
 * handler behind it. Keys are compared by hash, never logged, never accepted in a URL. With a
 * rate limiter in deps, each key gets its own budget; past it the answer is 429 with Retry-After.
 */
export const apiKeyAuth = (deps: Deps) =>
  createMiddleware<{ Variables: AuthVariables }>(async (c, next) => {
    // `/x` and `/x/*` both match `/x`: authenticate (and count) a request once.
    if (c.get('workspaceId')) return next();
    const header = c.req.header('authorization');
    if (!header) return problem(c, 401, 'auth.missing_key', 'Send your API key as "Authorization: Bearer <key>".');
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    const key = match ? await authenticateApiKey(deps, match[1]!) : undefined;
    if (!key) return problem(c, 401, 'auth.invalid_key', 'The API key is not valid.');
    if (deps.rateLimiter) {
      const verdict = deps.rateLimiter.take(key.keyHash);
      if (!verdict.ok) {
        c.header('Retry-After', String(verdict.retryAfterSeconds));
        return problem(c, 429, 'rate_limited', `Too many requests with this API key; retry in ${verdict.retryAfterSeconds} s.`);
      }
    }
    c.set('workspaceId', key.workspaceId);
    c.set('apiKeyId', key.keyId);
    await next();
  });
