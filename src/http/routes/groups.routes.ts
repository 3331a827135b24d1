/**
 * Group API routes (groups, members, managers). `groupsRoutes` runs past the usual 80 lines only because it lists its routes, each
 * declared with its role (`secured`) beside its OpenAPI definition; the handlers are short and
 * leave the work to services.
 */
import { OpenAPIHono, z } from '@hono/zod-openapi';
import { groupErrors } from '../../domain/error-codes/group';
import { roleAtLeast } from '../../domain/roles';
import type { GroupRecord } from '../../db/groups.repository';
import { recordAdminAction } from '../../services/audit-log';
import type { Deps } from '../../services/deps';
import type { AppEnv } from '../app';
import { errorResponses, idParam, secured } from './shared';

const name = z
  .string()
  .trim()
  .min(1)
  .max(100)
  // The control characters (\p{Cc}) as ranges: a `u` flag would reach /openapi.json as a pattern ending in "/u".
  .regex(/^[^\u0000-\u001f\u007f-\u009f]*$/, 'no control characters');
const ids = z.array(z.string().min(1).max(64)).max(5000);

const groupSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    size: z.number().int(),
    memberIds: z.array(z.string()).optional().openapi({ description: 'admins only' }),
    managerIds: z.array(z.string()).optional().openapi({ description: 'people assigned to manage the group; admins only' }),
  })
  .openapi('Group');

/** Two admins naming groups alike at once: the unique index decides, and the loser gets the same answer as a checked duplicate. */
async function uniqueName<T>(name: string | undefined, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (name !== undefined && /UNIQUE constraint failed/i.test(String((error as Error)?.message ?? error))) {
      throw groupErrors.name_taken(`A group named "${name}" already exists.`);
    }
    throw error;
  }
}

const json = (schema: z.ZodType, description: string) => ({ description, content: { 'application/json': { schema } } });

/** Validates the ids a group write names: member rows of this workspace, managers with the manager role or above. */
async function checkIds(deps: Deps, workspaceId: string, input: { memberIds?: string[] | undefined; managerIds?: string[] | undefined }) {
  if (input.memberIds?.length) {
    const known = await deps.repos.groups.existingMembers(workspaceId, input.memberIds);
    const unknown = input.memberIds.filter((id) => !known.has(id));
    if (unknown.length > 0) throw groupErrors.unknown_member(`No member ${unknown.slice(0, 5).join(', ')} in this workspace.`);
  }
  if (input.managerIds?.length) {
    const roles = await deps.repos.groups.rolesOf(workspaceId, input.managerIds);
    const unknown = input.managerIds.filter((id) => !roles.has(id));
    if (unknown.length > 0) throw groupErrors.unknown_manager(`No person ${unknown.slice(0, 5).join(', ')} in this workspace.`);
    const low = input.managerIds.filter((id) => !roleAtLeast(roles.get(id)!, 'manager'));
    if (low.length > 0) throw groupErrors.manager_role(`${low.slice(0, 5).join(', ')} must have the manager role (or above) to be assigned a group.`);
  }
}

/** Groups for team views: admins define them and assign managers; a manager lists the groups assigned to them. */
export function groupsRoutes(deps: Deps) {
  const app = new OpenAPIHono<AppEnv>();
  const full = (g: GroupRecord) => ({ id: g.id, name: g.name, size: g.memberIds.length, memberIds: g.memberIds, managerIds: g.managerIds });

  app.openapi(
    secured('manager', {
      method: 'get',
      path: '/',
      tags: ['Groups'],
      summary: 'Groups: every group for admins (with members and managers), the assigned ones for a manager (name and size)',
      responses: { 200: json(z.object({ groups: z.array(groupSchema) }), 'Groups by name'), ...errorResponses },
    }),
    async (c) => {
      const workspaceId = c.get('workspaceId');
      if (roleAtLeast(c.get('role'), 'admin')) return c.json({ groups: (await deps.repos.groups.list(workspaceId)).map(full) }, 200);
      const p = c.get('principal');
      const mine = p.kind === 'session' && p.personId ? await deps.repos.groups.listManagedBy(workspaceId, p.personId) : [];
      return c.json({ groups: mine.map((g) => ({ id: g.id, name: g.name, size: g.memberIds.length })) }, 200);
    },
  );

  app.openapi(
    secured('admin', {
      method: 'post',
      path: '/',
      tags: ['Groups'],
      summary: 'Define a group: a name, its members and the managers who see it',
      request: {
        body: { required: true, content: { 'application/json': { schema: z.object({ name, memberIds: ids.default([]), managerIds: ids.default([]) }).strict() } } },
      },
      responses: { 201: json(groupSchema, 'Created'), 409: { description: 'A group with this name exists (`group.name_taken`)' }, ...errorResponses },
    }),
    async (c) => {
      const workspaceId = c.get('workspaceId');
      const body = c.req.valid('json');
      if (await deps.repos.groups.findByName(workspaceId, body.name)) throw groupErrors.name_taken(`A group named "${body.name}" already exists.`);
      await checkIds(deps, workspaceId, body);
      const group = await uniqueName(body.name, () => deps.repos.groups.create(workspaceId, body));
      await recordAdminAction(deps, workspaceId, c.get('principal'), 'group.create', group.id, { members: group.memberIds.length, managers: group.managerIds.length });
      return c.json(full(group), 201);
    },
  );

  app.openapi(
    secured('admin', {
      method: 'get',
      path: '/{id}',
      tags: ['Groups'],
      summary: 'A group with its members and managers',
      request: { params: idParam },
      responses: { 200: json(groupSchema, 'Group'), ...errorResponses },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const group = await deps.repos.groups.get(c.get('workspaceId'), id);
      if (!group) throw groupErrors.not_found(`No group ${id} in this workspace.`);
      return c.json(full(group), 200);
    },
  );

  app.openapi(
    secured('admin', {
      method: 'patch',
      path: '/{id}',
      tags: ['Groups'],
      summary: 'Rename a group, or replace its members or managers (a list given replaces the old one whole)',
      request: {
        params: idParam,
        body: { required: true, content: { 'application/json': { schema: z.object({ name: name.optional(), memberIds: ids.optional(), managerIds: ids.optional() }).strict() } } },
      },
      responses: { 200: json(groupSchema, 'Group'), 409: { description: 'Another group has this name (`group.name_taken`)' }, ...errorResponses },
    }),
    async (c) => {
      const workspaceId = c.get('workspaceId');
      const { id } = c.req.valid('param');
      const body = c.req.valid('json');
      const before = await deps.repos.groups.get(workspaceId, id);
      if (!before) throw groupErrors.not_found(`No group ${id} in this workspace.`);
      if (body.name !== undefined && body.name !== before.name && (await deps.repos.groups.findByName(workspaceId, body.name))) {
        throw groupErrors.name_taken(`A group named "${body.name}" already exists.`);
      }
      await checkIds(deps, workspaceId, body);
      const group = (await uniqueName(body.name, () => deps.repos.groups.update(workspaceId, id, body)))!;
      await recordAdminAction(deps, workspaceId, c.get('principal'), 'group.update', id, {
        renamed: body.name !== undefined && body.name !== before.name,
        members: group.memberIds.length,
        managers: group.managerIds.length,
      });
      return c.json(full(group), 200);
    },
  );

  app.openapi(
    secured('admin', {
      method: 'delete',
      path: '/{id}',
      tags: ['Groups'],
      summary: 'Delete a group (its members stay in the workspace)',
      request: { params: idParam },
      responses: { 204: { description: 'Deleted' }, ...errorResponses },
    }),
    async (c) => {
      const workspaceId = c.get('workspaceId');
      const { id } = c.req.valid('param');
      if (!(await deps.repos.groups.remove(workspaceId, id))) throw groupErrors.not_found(`No group ${id} in this workspace.`);
      await recordAdminAction(deps, workspaceId, c.get('principal'), 'group.delete', id);
      return c.body(null, 204);
    },
  );

  return app;
}
