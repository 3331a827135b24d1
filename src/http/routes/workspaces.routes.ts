import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import { UnmeetError } from '../../domain/errors';
import type { Workspace } from '../../db/workspaces.repository';
import type { Deps } from '../../services/deps';
import { constantTimeEqual, createWorkspace } from '../../services/workspaces';
import { workspaceSettingsInput } from '../../schemas';
import type { AppEnv } from '../app';
import { apiKeyAuth } from '../middleware/auth';
import { errorResponses } from './shared';

const workspaceSchema = z
  .object({ id: z.string(), name: z.string(), hourlyRate: z.number(), currency: z.string(), focusMinMinutes: z.number().int(), mailTransport: z.enum(['outbox', 'smtp', 'gmail', 'microsoft']) })
  .openapi('Workspace');

const view = (w: Workspace) => ({
  id: w.id,
  name: w.name,
  hourlyRate: w.hourlyRate,
  currency: w.currency,
  focusMinMinutes: w.focusMinMinutes,
  mailTransport: w.mailTransport,
});

/** `POST /v1/workspaces` (open, or behind UNMEET_ADMIN_TOKEN) and the caller's own workspace. */
export function workspacesRoutes(deps: Deps) {
  const app = new OpenAPIHono<AppEnv>();

  app.openapi(
    createRoute({
      method: 'post',
      path: '/workspaces',
      tags: ['Workspaces'],
      summary: 'Create a workspace; the answer holds its API key, shown this once',
      request: { body: { required: true, content: { 'application/json': { schema: workspaceSettingsInput } } } },
      responses: {
        201: {
          description: 'Created',
          content: { 'application/json': { schema: z.object({ workspace: workspaceSchema, apiKey: z.string() }) } },
        },
        ...errorResponses,
      },
    }),
    async (c) => {
      if (deps.adminToken) {
        const presented = /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '')?.[1] ?? '';
        if (!constantTimeEqual(presented, deps.adminToken)) {
          throw new UnmeetError('auth.invalid_key', 'Creating workspaces needs the admin token.');
        }
      }
      const { workspace, apiKey } = await createWorkspace(deps, c.req.valid('json'));
      return c.json({ workspace: view(workspace), apiKey }, 201);
    },
  );

  app.use('/workspace', apiKeyAuth(deps));
  app.openapi(
    createRoute({
      method: 'get',
      path: '/workspace',
      tags: ['Workspaces'],
      summary: 'The workspace of the API key',
      responses: { 200: { description: 'Workspace', content: { 'application/json': { schema: workspaceSchema } } }, ...errorResponses },
    }),
    async (c) => c.json(view((await deps.repos.workspaces.get(c.get('workspaceId')))!), 200),
  );

  app.openapi(
    createRoute({
      method: 'patch',
      path: '/workspace',
      tags: ['Workspaces'],
      summary: 'Change workspace settings (hourly rate for cost estimates, focus threshold, mail transport)',
      request: { body: { required: true, content: { 'application/json': { schema: workspaceSettingsInput.partial() } } } },
      responses: { 200: { description: 'Workspace', content: { 'application/json': { schema: workspaceSchema } } }, ...errorResponses },
    }),
    async (c) => c.json(view((await deps.repos.workspaces.update(c.get('workspaceId'), c.req.valid('json')))!), 200),
  );

  return app;
}
