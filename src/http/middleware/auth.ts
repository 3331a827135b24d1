import { createMiddleware } from 'hono/factory';
import type { Deps } from '../../services/deps';
import { authenticateApiKey } from '../../services/workspaces';
import { problem } from '../errors';

export type AuthVariables = { workspaceId: string };

/**
 * Bearer API-key authentication: sets `workspaceId`, the only source of tenant scope for every
 * handler behind it. Keys are compared by hash, never logged, never accepted in a URL.
 */
export const apiKeyAuth = (deps: Deps) =>
  createMiddleware<{ Variables: AuthVariables }>(async (c, next) => {
    const header = c.req.header('authorization');
    if (!header) return problem(c, 401, 'auth.missing_key', 'Send your API key as "Authorization: Bearer <key>".');
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    const workspaceId = match ? await authenticateApiKey(deps, match[1]!) : undefined;
    if (!workspaceId) return problem(c, 401, 'auth.invalid_key', 'The API key is not valid.');
    c.set('workspaceId', workspaceId);
    await next();
  });
