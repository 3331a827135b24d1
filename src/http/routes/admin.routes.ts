import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import { createMiddleware } from 'hono/factory';
import { authErrors } from '../../domain/error-codes/auth';
import type { Deps } from '../../services/deps';
import { resealCredentials } from '../../services/secrets';
import { constantTimeEqual } from '../../services/workspaces';
import type { AppEnv } from '../app';
import { limitByClientAddress } from '../middleware/client-limit';
import { errorResponses } from './shared';

/**
 * Operations on the whole instance rather than one workspace, for the operator: they need the
 * instance admin token (UNMEET_ADMIN_TOKEN), never a workspace's key or session, since they
 * touch every workspace. They exist for Workers, where the CLI cannot reach D1; on Node the CLI
 * does the same (`unmeet rotate-secret`).
 */
export function adminRoutes(deps: Deps) {
  const app = new OpenAPIHono<AppEnv>();
  // A guessed token costs from the per-address budget of unauthenticated routes.
  app.use('*', limitByClientAddress(deps));
  app.use(
    '*',
    createMiddleware(async (c, next) => {
      const presented = /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '')?.[1];
      if (!presented) throw authErrors.missing_key('Send the instance admin token (UNMEET_ADMIN_TOKEN) as a bearer token.');
      if (!deps.adminToken || !constantTimeEqual(presented, deps.adminToken)) {
        throw authErrors.forbidden('Only the instance admin token (UNMEET_ADMIN_TOKEN) opens instance operations; a workspace key or session does not.');
      }
      await next();
    }),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/reseal',
      tags: ['Instance'],
      summary: 'Re-seal every stored credential under the current UNMEET_SECRET (instance admin token)',
      description:
        'What `unmeet rotate-secret` does on SQLite, for D1: set the new secret as UNMEET_SECRET and the old one in UNMEET_SECRET_PREVIOUS, deploy, call this, then drop UNMEET_SECRET_PREVIOUS. Values already under the current secret are skipped, so it can be called again after an interruption.',
      security: [{ adminToken: [] }],
      responses: {
        200: {
          description: 'Re-sealed',
          content: {
            'application/json': {
              schema: z.object({
                resealed: z.number().int().openapi({ description: 'Credentials sealed again under the current secret' }),
                alreadyCurrent: z.number().int().openapi({ description: 'Credentials that were already under it (or empty)' }),
              }),
            },
          },
        },
        ...errorResponses,
      },
    }),
    async (c) => {
      const result = await resealCredentials(deps);
      deps.logger.info('credentials re-sealed under the current secret', result);
      return c.json(result, 200);
    },
  );

  return app;
}
