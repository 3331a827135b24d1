/**
 * People administration API routes (invitations, roles, removal). `peopleRoutes` runs past the usual 80 lines only because it lists its routes, each
 * declared with its role (`secured`) beside its OpenAPI definition; the handlers are short and
 * leave the work to services.
 */
import { OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { deleteCookie } from 'hono/cookie';
import { ROLES } from '../../domain/roles';
import type { Invitation } from '../../db/invitations.repository';
import type { Deps } from '../../services/deps';
import {
  approveInvitationEmail,
  invitationStatus,
  inviteMany,
  inviteOne,
  parseEmailList,
  resendInvitation,
  revokeInvitation,
  type InviteOutcome,
} from '../../services/invitations';
import { changeRole, listPeople, offboardPerson, type Actor } from '../../services/people-admin';
import { deletePersonalData, exportPersonalData } from '../../services/personal-data';
import type { AppEnv } from '../app';
import { SESSION_COOKIE } from '../middleware/session';
import { errorResponses, idParam, problemSchema, secured } from './shared';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const roleSchema = z.enum(ROLES);
const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: problemSchema } } });

const invitationSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    role: roleSchema,
    status: z.enum(['pending', 'accepted', 'revoked', 'expired']),
    invitedBy: z.string().openapi({ description: '`person:<id>`, `key:<id>` or `cli`' }),
    createdAt: z.string(),
    expiresAt: z.string(),
    sentCount: z.number().int(),
    lastSentAt: z.string().nullable(),
    approvedEmail: z.string().nullable().openapi({ description: 'A different address an admin allowed to accept' }),
    attemptedEmail: z.string().nullable().openapi({ description: 'A verified address that tried to accept and did not match (approve it to let it in)' }),
    acceptedAt: z.string().nullable(),
    revokedAt: z.string().nullable(),
  })
  .openapi('Invitation');

const invitationView = (i: Invitation, now: number) => ({
  id: i.id,
  email: i.email,
  role: i.role,
  status: invitationStatus(i, now),
  invitedBy: i.invitedBy,
  createdAt: iso(i.createdAt)!,
  expiresAt: iso(i.expiresAt)!,
  sentCount: i.sentCount,
  lastSentAt: iso(i.lastSentAt),
  approvedEmail: i.approvedEmail,
  attemptedEmail: i.attemptedEmail,
  acceptedAt: iso(i.acceptedAt),
  revokedAt: iso(i.revokedAt),
});

const outcomeSchema = z
  .object({
    email: z.string(),
    status: z.enum(['invited', 'duplicate', 'already_member', 'invalid']),
    invitationId: z.string().optional(),
    expiresAt: z.string().optional(),
    delivery: z.enum(['mailed', 'link', 'mail_failed']).optional().openapi({ description: '`link`: no mail transport, hand the link over yourself; `mail_failed`: the mail did not go out' }),
    link: z.string().optional().openapi({ description: 'The invitation link, shown this once when it was not mailed' }),
  })
  .openapi('InviteOutcome');

const outcomeView = ({ expiresAt, ...rest }: InviteOutcome) => ({ ...rest, ...(expiresAt !== undefined ? { expiresAt: iso(expiresAt)! } : {}) });

const inviteInput = z
  .object({
    emails: z
      .union([z.array(z.string().max(320)).min(1).max(500), z.string().min(1).max(64_000)])
      .openapi({ description: 'One address, a list, or pasted text with addresses separated by newlines, commas or semicolons' }),
    role: roleSchema.default('member'),
  })
  .openapi('InviteInput');

const personSchema = z
  .object({
    personId: z.string(),
    email: z.string(),
    name: z.string(),
    role: roleSchema,
    memberId: z.string().nullable(),
    shareNumbers: z.boolean(),
    joinedAt: z.string(),
  })
  .openapi('Person');

const offboardSchema = z
  .object({
    personId: z.string(),
    workspaceId: z.string(),
    memberId: z.string().nullable(),
    memberRemoved: z.boolean(),
    connectionsRemoved: z.number().int(),
    grantsReleased: z.number().int(),
    eventsPurged: z.number().int(),
  })
  .openapi('OffboardReport');

const auditEntrySchema = z
  .object({ id: z.number().int(), actor: z.string(), action: z.string(), target: z.string().nullable(), detail: z.record(z.string(), z.unknown()).nullable(), at: z.string() })
  .openapi('AuditLogEntry');

const personParam = z.object({ personId: z.string().min(1).max(64).openapi({ param: { name: 'personId', in: 'path' } }) });

const actorOf = (c: Context<AppEnv>): Actor => {
  const principal = c.get('principal');
  return { principal, role: c.get('role'), personId: principal.kind === 'session' ? principal.personId : null };
};

const personOf = (c: Context<AppEnv>): string => {
  const principal = c.get('principal');
  return principal.kind === 'session' ? principal.personId! : '';
};

/**
 * The people layer's API: invitations, people and roles, offboarding, the admin audit log, and
 * a person's own data (export and deletion). Mounted at the root of the authenticated sub-app.
 */
export function peopleRoutes(deps: Deps) {
  const app = new OpenAPIHono<AppEnv>();

  app.openapi(
    secured('admin', {
      method: 'post',
      path: '/invitations',
      tags: ['People'],
      summary: 'Invite people by email (one, or a pasted list); without a mail transport the answer holds the links, shown once',
      request: { body: { required: true, content: { 'application/json': { schema: inviteInput } } } },
      responses: {
        200: { description: 'A list: what happened to each address', content: { 'application/json': { schema: z.object({ results: z.array(outcomeSchema) }) } } },
        201: { description: 'One address, invited', content: { 'application/json': { schema: z.object({ results: z.array(outcomeSchema) }) } } },
        409: problem('A pending invitation exists (`invitation.duplicate`), or the address is already a member (`invitation.already_member`)'),
        429: problem('The daily invitation cap would be passed (`invitation.limit_reached`); nothing was sent'),
        ...errorResponses,
      },
    }),
    async (c) => {
      const { emails, role } = c.req.valid('json');
      const list = parseEmailList(emails);
      const single = list.length === 1;
      const workspaceId = c.get('workspaceId');
      const outcomes = single ? [await inviteOne(deps, workspaceId, actorOf(c), list[0]!, role)] : await inviteMany(deps, workspaceId, actorOf(c), list, role);
      // The answer may hold invitation links: no cache anywhere may keep it.
      c.header('Cache-Control', 'no-store');
      const results = outcomes.map(outcomeView);
      return single ? c.json({ results }, 201) : c.json({ results }, 200);
    },
  );

  app.openapi(
    secured('admin', {
      method: 'get',
      path: '/invitations',
      tags: ['People'],
      summary: "The workspace's invitations, newest first (never their links)",
      responses: { 200: { description: 'Invitations', content: { 'application/json': { schema: z.object({ invitations: z.array(invitationSchema) }) } } }, ...errorResponses },
    }),
    async (c) => {
      const now = deps.clock();
      return c.json({ invitations: (await deps.repos.invitations.list(c.get('workspaceId'))).map((i) => invitationView(i, now)) }, 200);
    },
  );

  app.openapi(
    secured('admin', {
      method: 'delete',
      path: '/invitations/{id}',
      tags: ['People'],
      summary: 'Revoke an invitation: its link stops working (revoking it again changes nothing)',
      request: { params: idParam },
      responses: {
        200: { description: 'The invitation, and whether this call revoked it', content: { 'application/json': { schema: z.object({ invitation: invitationSchema, revoked: z.boolean() }) } } },
        410: problem('Already accepted (`invitation.used`)'),
        ...errorResponses,
      },
    }),
    async (c) => {
      const { invitation, revoked } = await revokeInvitation(deps, c.get('workspaceId'), actorOf(c), c.req.valid('param').id);
      return c.json({ invitation: invitationView(invitation, deps.clock()), revoked }, 200);
    },
  );

  app.openapi(
    secured('admin', {
      method: 'post',
      path: '/invitations/{id}/resend',
      tags: ['People'],
      summary: 'Send a new link (the old one stops working) and start the 7 days again; counts against the daily cap',
      request: { params: idParam },
      responses: {
        200: { description: 'Resent', content: { 'application/json': { schema: outcomeSchema } } },
        410: problem('Accepted or revoked (`invitation.used`, `invitation.revoked`)'),
        429: problem('The daily invitation cap is reached (`invitation.limit_reached`)'),
        ...errorResponses,
      },
    }),
    async (c) => {
      const outcome = await resendInvitation(deps, c.get('workspaceId'), actorOf(c), c.req.valid('param').id);
      c.header('Cache-Control', 'no-store');
      return c.json(outcomeView(outcome), 200);
    },
  );

  app.openapi(
    secured('admin', {
      method: 'post',
      path: '/invitations/{id}/approve',
      tags: ['People'],
      summary: 'Let a different verified address accept this invitation (someone who signed in with another account)',
      request: { params: idParam, body: { required: true, content: { 'application/json': { schema: z.object({ email: z.string().min(1).max(320).openapi({ format: 'email' }) }) } } } },
      responses: { 200: { description: 'Approved', content: { 'application/json': { schema: invitationSchema } } }, 410: problem('Accepted or revoked'), ...errorResponses },
    }),
    async (c) => {
      const invitation = await approveInvitationEmail(deps, c.get('workspaceId'), actorOf(c), c.req.valid('param').id, c.req.valid('json').email);
      return c.json(invitationView(invitation, deps.clock()), 200);
    },
  );

  app.openapi(
    secured('admin', {
      method: 'get',
      path: '/people',
      tags: ['People'],
      summary: "The workspace's people with their roles, and its pending invitations",
      responses: {
        200: { description: 'People', content: { 'application/json': { schema: z.object({ people: z.array(personSchema), invitations: z.array(invitationSchema) }) } } },
        ...errorResponses,
      },
    }),
    async (c) => {
      const now = deps.clock();
      const { people, invitations } = await listPeople(deps, c.get('workspaceId'));
      return c.json({ people: people.map((p) => ({ ...p, joinedAt: iso(p.joinedAt)! })), invitations: invitations.map((i) => invitationView(i, now)) }, 200);
    },
  );

  app.openapi(
    secured('admin', {
      method: 'patch',
      path: '/people/{personId}',
      tags: ['People'],
      summary: "Change a person's role (their sessions here end); owners manage admins and owners, nobody changes their own",
      request: { params: personParam, body: { required: true, content: { 'application/json': { schema: z.object({ role: roleSchema }) } } } },
      responses: {
        200: {
          description: 'The role now',
          content: { 'application/json': { schema: z.object({ personId: z.string(), role: roleSchema, previousRole: roleSchema, changed: z.boolean() }) } },
        },
        409: problem('The workspace would have no owner (`role.last_owner`)'),
        ...errorResponses,
      },
    }),
    async (c) => c.json(await changeRole(deps, c.get('workspaceId'), actorOf(c), c.req.valid('param').personId, c.req.valid('json').role), 200),
  );

  app.openapi(
    secured('admin', {
      method: 'delete',
      path: '/people/{personId}',
      tags: ['People'],
      summary: "Offboard a person: membership and sessions end, their calendar grants are revoked and events purged, their member row goes (unless keepMember=true)",
      request: {
        params: personParam,
        query: z.object({ keepMember: z.enum(['true', 'false']).optional().openapi({ description: 'true: keep the member row (name, zone, hours) for history' }) }),
      },
      responses: { 200: { description: 'What was removed', content: { 'application/json': { schema: offboardSchema } } }, 409: problem('The last owner (`role.last_owner`)'), ...errorResponses },
    }),
    async (c) => {
      const keepMember = c.req.valid('query').keepMember === 'true';
      return c.json(await offboardPerson(deps, c.get('workspaceId'), actorOf(c), c.req.valid('param').personId, { keepMember }), 200);
    },
  );

  app.openapi(
    secured('admin', {
      method: 'get',
      path: '/audit-log',
      tags: ['People'],
      summary: 'What admins did, newest first; page with `before` (the last id of the previous page)',
      request: {
        query: z.object({
          limit: z.coerce.number().int().min(1).max(200).default(50),
          before: z.coerce.number().int().min(1).optional(),
        }),
      },
      responses: {
        200: {
          description: 'Entries, and `nextBefore` when there may be more',
          content: { 'application/json': { schema: z.object({ entries: z.array(auditEntrySchema), nextBefore: z.number().int().nullable() }) } },
        },
        ...errorResponses,
      },
    }),
    async (c) => {
      const { limit, before } = c.req.valid('query');
      const entries = await deps.repos.auditLog.list(c.get('workspaceId'), { limit, ...(before !== undefined ? { before } : {}) });
      return c.json(
        { entries: entries.map((e) => ({ id: e.id, actor: e.actor, action: e.action, target: e.target, detail: e.detail ?? null, at: iso(e.at)! })), nextBefore: entries.length === limit ? entries.at(-1)!.id : null },
        200,
      );
    },
  );

  app.openapi(
    secured(
      'member',
      {
        method: 'get',
        path: '/me/export',
        tags: ['Me'],
        summary: 'Everything stored about you, in every workspace you belong to, as JSON (no tokens or credentials)',
        responses: { 200: { description: 'Your data', content: { 'application/json': { schema: z.record(z.string(), z.unknown()) } } }, ...errorResponses },
      },
      { person: true },
    ),
    async (c) => {
      const data = await exportPersonalData(deps, personOf(c));
      c.header('Cache-Control', 'no-store');
      c.header('Content-Disposition', 'attachment; filename="unmeet-my-data.json"');
      return c.json(data as Record<string, unknown>, 200);
    },
  );

  app.openapi(
    secured(
      'member',
      {
        method: 'delete',
        path: '/me/data',
        tags: ['Me'],
        summary: 'Delete your data: leave every workspace (grants revoked, events purged), then your account; refused while you are the last owner of a workspace',
        responses: {
          200: {
            description: 'What was deleted; you are signed out',
            content: {
              'application/json': {
                schema: z.object({ personId: z.string(), email: z.string(), workspaces: z.array(offboardSchema), mailAddressRemoved: z.boolean(), personRemoved: z.boolean() }),
              },
            },
          },
          409: problem('You are the last owner of a workspace (`role.last_owner`)'),
          ...errorResponses,
        },
      },
      { person: true },
    ),
    async (c) => {
      const report = await deletePersonalData(deps, personOf(c));
      deleteCookie(c, SESSION_COOKIE, { path: '/' });
      return c.json(report, 200);
    },
  );

  return app;
}
