/**
 * Member API routes. `membersRoutes` runs past the usual 80 lines only because it lists its routes, each
 * declared with its role (`secured`) beside its OpenAPI definition; the handlers are short and
 * leave the work to services.
 */
import { OpenAPIHono, z } from '@hono/zod-openapi';
import { memberErrors } from '../../domain/error-codes/member';
import { assertTimeZone, normalizeWorkingHours } from '../../domain/working-hours';
import type { Member } from '../../domain/types';
import { toMember, type MemberRow } from '../../db/members.repository';
import { recordAdminAction } from '../../services/audit-log';
import { removeMember } from '../../services/connections';
import type { Deps } from '../../services/deps';
import { memberInput } from '../../schemas';
import type { AppEnv } from '../app';
import { errorResponses, idParam, secured } from './shared';

export const memberSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    name: z.string(),
    timeZone: z.string(),
    locale: z.string(),
    workingHours: z.record(z.string(), z.array(z.tuple([z.string(), z.string()]))),
    followsCalendarSettings: z.boolean().openapi({
      description: 'Whether time zone and working hours follow the connected Google or Outlook calendar settings (false once edited here)',
    }),
  })
  .openapi('Member');

const view = (row: MemberRow) => ({ id: row.id, ...toMember(row), followsCalendarSettings: !row.profileOverridden });

const memberPatch = memberInput.partial().extend({
  followCalendarSettings: z.boolean().optional().openapi({
    description: 'true: take time zone and working hours from the calendar settings again, from the next sync on; false: keep the current ones',
  }),
});

/** Validates what zod cannot: the zone exists, the hours are sane. Throws stable codes. */
export function toDomainMember(input: z.infer<typeof memberInput>): Member {
  assertTimeZone(input.timeZone);
  return { ...input, workingHours: normalizeWorkingHours(input.workingHours) };
}

export function membersRoutes(deps: Deps) {
  const app = new OpenAPIHono<AppEnv>();
  const notFound = (id: string) => memberErrors.not_found(`No member ${id} in this workspace.`);

  app.openapi(
    secured('admin', {
      method: 'get',
      path: '/',
      tags: ['Members'],
      summary: 'List members',
      responses: { 200: { description: 'Members', content: { 'application/json': { schema: z.object({ members: z.array(memberSchema) }) } } }, ...errorResponses },
    }),
    async (c) => c.json({ members: (await deps.repos.members.list(c.get('workspaceId'))).map(view) }, 200),
  );

  app.openapi(
    secured('admin', {
      method: 'post',
      path: '/',
      tags: ['Members'],
      summary: 'Add a member',
      request: { body: { required: true, content: { 'application/json': { schema: memberInput } } } },
      responses: { 201: { description: 'Created', content: { 'application/json': { schema: memberSchema } } }, ...errorResponses },
    }),
    async (c) => {
      const workspaceId = c.get('workspaceId');
      const member = toDomainMember(c.req.valid('json'));
      if (await deps.repos.members.getByEmail(workspaceId, member.email)) {
        throw memberErrors.already_exists(`A member with email ${member.email} already exists.`);
      }
      const created = await deps.repos.members.create(workspaceId, member, deps.clock());
      await recordAdminAction(deps, workspaceId, c.get('principal'), 'member.create', created.id, { email: created.email });
      return c.json(view(created), 201);
    },
  );

  app.openapi(
    secured('admin', {
      method: 'get',
      path: '/{id}',
      tags: ['Members'],
      summary: 'Get a member',
      request: { params: idParam },
      responses: { 200: { description: 'Member', content: { 'application/json': { schema: memberSchema } } }, ...errorResponses },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const row = await deps.repos.members.get(c.get('workspaceId'), id);
      if (!row) throw notFound(id);
      return c.json(view(row), 200);
    },
  );

  app.openapi(
    secured('admin', {
      method: 'patch',
      path: '/{id}',
      tags: ['Members'],
      summary: 'Update a member',
      request: { params: idParam, body: { required: true, content: { 'application/json': { schema: memberPatch } } } },
      responses: { 200: { description: 'Member', content: { 'application/json': { schema: memberSchema } } }, ...errorResponses },
    }),
    async (c) => {
      const workspaceId = c.get('workspaceId');
      const { id } = c.req.valid('param');
      const existing = await deps.repos.members.get(workspaceId, id);
      if (!existing) throw notFound(id);
      const { followCalendarSettings, ...patch } = c.req.valid('json');
      // Edited zone or hours are the member's own: calendar settings no longer replace them.
      const edits = patch.timeZone !== undefined || patch.workingHours !== undefined;
      if (followCalendarSettings && edits) {
        throw memberErrors.conflicting_profile('Either edit the time zone and working hours, or follow the calendar settings; not both.');
      }
      const merged = toDomainMember({ ...toMember(existing), locale: existing.locale, ...patch, workingHours: patch.workingHours ?? existing.workingHours });
      if (merged.email !== existing.email && (await deps.repos.members.getByEmail(workspaceId, merged.email))) {
        throw memberErrors.already_exists(`A member with email ${merged.email} already exists.`);
      }
      const overridden = followCalendarSettings === undefined ? (edits ? true : undefined) : !followCalendarSettings;
      const row = await deps.repos.members.update(workspaceId, id, { ...merged, ...(overridden === undefined ? {} : { profileOverridden: overridden }) }, deps.clock());
      // Following the calendar again: its next sync reads the settings, whenever they were last read.
      if (followCalendarSettings) await deps.repos.connections.forgetProfileRead(workspaceId, id);
      await recordAdminAction(deps, workspaceId, c.get('principal'), 'member.update', id, { changed: Object.keys(c.req.valid('json')).sort() });
      return c.json(view(row!), 200);
    },
  );

  app.openapi(
    secured('admin', {
      method: 'delete',
      path: '/{id}',
      tags: ['Members'],
      summary: 'Remove a member with their connections and events',
      request: { params: idParam },
      responses: { 204: { description: 'Removed' }, ...errorResponses },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      if (!(await removeMember(deps, c.get('workspaceId'), id))) throw notFound(id);
      await recordAdminAction(deps, c.get('workspaceId'), c.get('principal'), 'member.delete', id);
      return c.body(null, 204);
    },
  );

  return app;
}
