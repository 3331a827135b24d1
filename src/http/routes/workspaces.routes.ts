/**
 * Workspace API routes (settings, keys, creation). `workspaceRoutes` runs past the usual 80 lines only because it lists its routes, each
 * declared with its role (`secured`) beside its OpenAPI definition; the handlers are short and
 * leave the work to services.
 */
import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import { workspaceErrors } from '../../domain/error-codes/workspace';
import type { ApiKey, Workspace } from '../../db/workspaces.repository';
import type { Deps } from '../../services/deps';
import { recordAdminAction } from '../../services/audit-log';
import { constantTimeEqual, createApiKey, createWorkspace, revokeApiKey } from '../../services/workspaces';
import { apiKeyInput, workspaceSettingsInput } from '../../schemas';
import type { AppEnv } from '../app';
import { errorResponses, idParam, problemSchema, secured } from './shared';

const workspaceSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    hourlyRate: z.number(),
    currency: z.string(),
    focusMinMinutes: z.number().int(),
    minGroupSize: z.number().int(),
    mailTransport: z.enum(['outbox', 'smtp', 'gmail', 'microsoft']),
  })
  .openapi('Workspace');

const view = (w: Workspace) => ({
  id: w.id,
  name: w.name,
  hourlyRate: w.hourlyRate,
  currency: w.currency,
  focusMinMinutes: w.focusMinMinutes,
  minGroupSize: w.minGroupSize,
  mailTransport: w.mailTransport,
});

const apiKeySchema = z
  .object({
    id: z.string(),
    prefix: z.string().openapi({ description: 'The first 8 characters of the key, to tell keys apart', example: 'um_4k2qx' }),
    label: z.string().nullable(),
    role: z.enum(['admin', 'manager']).openapi({ description: 'What the key may do' }),
    createdAt: z.string().openapi({ format: 'date-time' }),
    revokedAt: z.string().nullable().openapi({ format: 'date-time' }),
    current: z.boolean().openapi({ description: 'Whether this request was made with this key' }),
  })
  .openapi('ApiKey');

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const keyView = (k: ApiKey, currentKeyId: string) => ({
  id: k.id,
  prefix: k.prefix,
  label: k.label,
  role: k.role,
  createdAt: iso(k.createdAt)!,
  revokedAt: iso(k.revokedAt),
  current: k.id === currentKeyId,
});

/**
 * `POST /v1/workspaces`: closed by default. The operator creates workspaces with the admin token
 * (UNMEET_ADMIN_TOKEN), the CLI (`unmeet workspace create`) or the first-start setup link;
 * anonymous callers are refused.
 */
export function workspacesPublicRoutes(deps: Deps) {
  const app = new OpenAPIHono<AppEnv>();

  app.openapi(
    createRoute({
      method: 'post',
      path: '/workspaces',
      tags: ['Workspaces'],
      summary: 'Create a workspace (admin token); the answer holds its API key, shown this once',
      security: [{ adminToken: [] }],
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
      const presented = /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '')?.[1] ?? '';
      if (!deps.adminToken || !constantTimeEqual(presented, deps.adminToken)) {
        throw workspaceErrors.creation_closed(
          'Creating workspaces over HTTP needs the admin token (UNMEET_ADMIN_TOKEN); or run `unmeet workspace create`, or use the setup link printed at the first start.',
        );
      }
      const { workspace, apiKey } = await createWorkspace(deps, c.req.valid('json'));
      return c.json({ workspace: view(workspace), apiKey }, 201);
    },
  );

  return app;
}

/** The caller's own workspace and its API keys (under the authenticated sub-app). */
export function workspaceRoutes(deps: Deps) {
  const app = new OpenAPIHono<AppEnv>();
  app.openapi(
    secured('member', {
      method: 'get',
      path: '/workspace',
      tags: ['Workspaces'],
      summary: 'The workspace of the API key',
      responses: { 200: { description: 'Workspace', content: { 'application/json': { schema: workspaceSchema } } }, ...errorResponses },
    }),
    async (c) => c.json(view((await deps.repos.workspaces.get(c.get('workspaceId')))!), 200),
  );

  app.openapi(
    secured('admin', {
      method: 'patch',
      path: '/workspace',
      tags: ['Workspaces'],
      summary: 'Change workspace settings (hourly rate for cost estimates, focus threshold, mail transport)',
      request: { body: { required: true, content: { 'application/json': { schema: workspaceSettingsInput.partial() } } } },
      responses: { 200: { description: 'Workspace', content: { 'application/json': { schema: workspaceSchema } } }, ...errorResponses },
    }),
    async (c) => {
      const patch = c.req.valid('json');
      const workspace = await deps.repos.workspaces.update(c.get('workspaceId'), patch);
      await recordAdminAction(deps, c.get('workspaceId'), c.get('principal'), 'workspace.settings', c.get('workspaceId'), { changed: Object.keys(patch).sort() });
      return c.json(view(workspace!), 200);
    },
  );

  app.openapi(
    secured('admin', {
      method: 'get',
      path: '/workspace/keys',
      tags: ['Workspaces'],
      summary: "The workspace's API keys, revoked ones included (prefixes only: a key is shown once, when created)",
      responses: { 200: { description: 'Keys, oldest first', content: { 'application/json': { schema: z.object({ keys: z.array(apiKeySchema) }) } } }, ...errorResponses },
    }),
    async (c) => {
      const keys = await deps.repos.workspaces.listKeys(c.get('workspaceId'));
      return c.json({ keys: keys.map((k) => keyView(k, c.get('apiKeyId'))) }, 200);
    },
  );

  app.openapi(
    secured('admin', {
      method: 'post',
      path: '/workspace/keys',
      tags: ['Workspaces'],
      summary: 'Create another API key; the answer holds it, shown this once',
      request: { body: { required: false, content: { 'application/json': { schema: apiKeyInput } } } },
      responses: {
        201: {
          description: 'Created',
          content: { 'application/json': { schema: z.object({ key: apiKeySchema, apiKey: z.string().openapi({ description: 'The key itself; it is stored only as a hash' }) }) } },
        },
        ...errorResponses,
      },
    }),
    async (c) => {
      const { key, apiKey } = await createApiKey(deps, c.get('workspaceId'), c.req.valid('json'));
      await recordAdminAction(deps, c.get('workspaceId'), c.get('principal'), 'key.create', key.id, { role: key.role, label: key.label });
      // The answer holds a credential: no cache anywhere may keep it.
      c.header('Cache-Control', 'no-store');
      return c.json({ key: keyView(key, c.get('apiKeyId')), apiKey }, 201);
    },
  );

  app.openapi(
    secured('admin', {
      method: 'delete',
      path: '/workspace/keys/{id}',
      tags: ['Workspaces'],
      summary: 'Revoke an API key: it stops working on the next request (the record stays). The last active key cannot be revoked',
      request: { params: idParam },
      responses: {
        200: { description: 'The key, revoked (revoking it again changes nothing)', content: { 'application/json': { schema: apiKeySchema } } },
        409: { description: "The workspace's last active key (`key.last_active`)", content: { 'application/problem+json': { schema: problemSchema } } },
        ...errorResponses,
      },
    }),
    async (c) => {
      const key = await revokeApiKey(deps, c.get('workspaceId'), c.req.valid('param').id);
      await recordAdminAction(deps, c.get('workspaceId'), c.get('principal'), 'key.revoke', key.id, { prefix: key.prefix });
      return c.json(keyView(key, c.get('apiKeyId')), 200);
    },
  );

  return app;
}
