/**
 * Focus API routes (settings, plan, apply, removal). `focusRoutes` runs past the usual 80 lines only because it lists its routes, each
 * declared with its role (`secured`) beside its OpenAPI definition; the handlers are short and
 * leave the work to services.
 */
import { OpenAPIHono, z } from '@hono/zod-openapi';
import { memberErrors } from '../../domain/error-codes/member';
import { resolveFocusPolicy, type FocusPolicy } from '../../domain/focus-planner';
import { focusPolicyInput, memberFocusPolicyInput } from '../../schemas';
import type { Deps } from '../../services/deps';
import { applyFocus, focusPlanSlot, memberFocusPolicy, setMemberFocus } from '../../services/focus';
import { scopedFocusPlan, viewerScope } from '../../services/team-views';
import type { AppEnv } from '../app';
import { cachedJson, errorResponses, idParam, notModifiedResponse, secured } from './shared';

const effectivePolicy = z
  .object({
    weeklyTargetHours: z.number(),
    minBlockMinutes: z.number(),
    maxPerDayMinutes: z.number(),
    preferredTime: z.enum(['morning', 'afternoon', 'any']),
    bufferMinutes: z.number(),
    noMeetingDays: z.array(z.string()),
    planAheadDays: z.number(),
    autoDeclineMode: z.enum(['declineNone', 'declineOnlyNewConflictingInvitations', 'declineAllConflictingInvitations']),
  })
  .openapi('EffectiveFocusPolicy');

const memberFocus = z
  .object({
    memberId: z.string(),
    enabled: z.boolean(),
    overrides: z.record(z.string(), z.unknown()),
    policy: effectivePolicy,
    removedBlocks: z.number().optional().openapi({ description: 'Future blocks whose events were deleted from the calendar by this change' }),
    failedRemovals: z.number().optional(),
    notRemoved: z
      .object({ neverCreated: z.number(), alreadyGone: z.number(), failed: z.number(), noWriteAccess: z.number() })
      .optional()
      .openapi({ description: 'On disable: the future blocks not counted as removed, by what happened to them' }),
    removalNote: z.string().nullable().optional().openapi({ description: 'On disable: a sentence on the blocks that were not removed; null when all were' }),
  })
  .openapi('MemberFocus');

const span = z.object({ start: z.string(), end: z.string() });
const memberPlan = z
  .object({
    memberId: z.string(),
    email: z.string(),
    enabled: z.boolean(),
    range: z.object({ from: z.string(), to: z.string() }),
    calendar: z.object({ connectionId: z.string(), provider: z.string() }).nullable(),
    targetHours: z.number(),
    achievableHours: z.number(),
    plannedHours: z.number(),
    missedCode: z.string().nullable(),
    missedReason: z.string().nullable(),
    blocks: z.array(span.extend({ date: z.string(), source: z.enum(['pinned', 'kept', 'shrunk', 'new']) })),
    actions: z.array(span.extend({ kind: z.enum(['create', 'move', 'delete', 'keep']), date: z.string(), from: span.optional(), pinned: z.boolean().optional() })),
    respected: z.array(span.extend({ change: z.enum(['member_moved', 'member_deleted']), date: z.string() })),
  })
  .openapi('MemberFocusPlan');

const applied = z.object({
  memberId: z.string(),
  email: z.string(),
  status: z.enum(['applied', 'disabled', 'no_calendar', 'unsupported']),
  created: z.number(),
  moved: z.number(),
  deleted: z.number(),
  kept: z.number(),
  failed: z.number(),
  respected: z.number(),
  errors: z.array(z.string()),
});

const memberRef = z.string().min(1).max(320).optional().openapi({ description: 'a member id or email; default: every member' });

/** Focus protection: workspace policy, per-member switch and overrides, dry-run plan, apply. */
export function focusRoutes(deps: Deps) {
  const app = new OpenAPIHono<AppEnv>();

  app.openapi(
    secured('member', {
      method: 'get',
      path: '/policy',
      tags: ['Focus'],
      summary: "The workspace's focus policy: the defaults every member inherits",
      responses: { 200: { description: 'Policy', content: { 'application/json': { schema: z.object({ settings: focusPolicyInput, policy: effectivePolicy }) } } }, ...errorResponses },
    }),
    async (c) => {
      const settings = await deps.repos.focus.workspacePolicy(c.get('workspaceId'));
      return c.json({ settings, policy: resolveFocusPolicy(settings) }, 200);
    },
  );

  app.openapi(
    secured('admin', {
      method: 'patch',
      path: '/policy',
      tags: ['Focus'],
      summary: 'Change workspace focus defaults (keys not given stay as they are)',
      request: { body: { required: true, content: { 'application/json': { schema: focusPolicyInput } } } },
      responses: { 200: { description: 'Policy', content: { 'application/json': { schema: z.object({ settings: focusPolicyInput, policy: effectivePolicy }) } } }, ...errorResponses },
    }),
    async (c) => {
      const workspaceId = c.get('workspaceId');
      const settings = { ...(await deps.repos.focus.workspacePolicy(workspaceId)), ...(c.req.valid('json') as Partial<FocusPolicy>) };
      await deps.repos.focus.setWorkspacePolicy(workspaceId, settings, deps.clock());
      return c.json({ settings, policy: resolveFocusPolicy(settings) }, 200);
    },
  );

  app.openapi(
    secured('admin', {
      method: 'get',
      path: '/members/{id}',
      tags: ['Focus'],
      summary: "A member's focus switch, overrides and effective policy",
      request: { params: idParam },
      responses: { 200: { description: 'Member focus', content: { 'application/json': { schema: memberFocus } } }, ...errorResponses },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const workspaceId = c.get('workspaceId');
      if (!(await deps.repos.members.get(workspaceId, id))) throw memberErrors.not_found(`No member ${id} in this workspace.`);
      const { policy, enabled, overrides } = await memberFocusPolicy(deps, workspaceId, id);
      return c.json({ memberId: id, enabled, overrides, policy }, 200);
    },
  );

  app.openapi(
    secured('admin', {
      method: 'patch',
      path: '/members/{id}',
      tags: ['Focus'],
      summary: 'Enable or disable focus protection for a member, or set their overrides (disabling removes the future blocks unmeet placed)',
      request: {
        params: idParam,
        body: {
          required: true,
          content: { 'application/json': { schema: z.object({ enabled: z.boolean().optional(), policy: memberFocusPolicyInput.nullable().optional() }).strict() } },
        },
      },
      responses: { 200: { description: 'Member focus', content: { 'application/json': { schema: memberFocus } } }, ...errorResponses },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const body = c.req.valid('json');
      return c.json(await setMemberFocus(deps, c.get('workspaceId'), id, { enabled: body.enabled, policy: body.policy as Partial<FocusPolicy> | null | undefined }), 200);
    },
  );

  app.openapi(
    secured('admin', {
      method: 'get',
      path: '/plan',
      tags: ['Focus'],
      summary: 'Dry run: the focus blocks that would be created, moved or deleted, with target, achievable and planned hours',
      description:
        "Plans for members no person is linked to, for people who chose to share, and for yourself; others are withheld (a person sees their own under /v1/my/focus). Asking for a withheld member is 403 `privacy.not_shared`.",
      request: { query: z.object({ member: memberRef }) },
      responses: {
        200: { description: 'Plan per member', content: { 'application/json': { schema: z.object({ members: z.array(memberPlan), withheld: z.number().int() }) } } },
        ...notModifiedResponse,
        ...errorResponses,
      },
    }),
    async (c) => {
      const { member } = c.req.valid('query');
      const principal = c.get('principal');
      const scope = await viewerScope(deps, principal);
      return (await cachedJson(c, deps, 'focus-plan.json', [member ?? null, focusPlanSlot(deps), scope.key], () => scopedFocusPlan(deps, principal, member, scope), scope.dataVersion)) as never;
    },
  );

  app.openapi(
    secured('admin', {
      method: 'post',
      path: '/apply',
      tags: ['Focus'],
      summary: 'Create, move and delete focus blocks in members’ calendars (members with focus protection on)',
      request: { body: { required: false, content: { 'application/json': { schema: z.object({ member: memberRef }).strict() } } } },
      responses: { 200: { description: 'What was done per member', content: { 'application/json': { schema: z.object({ members: z.array(applied) }) } } }, ...errorResponses },
    }),
    async (c) => {
      const body = c.req.header('content-type')?.includes('application/json') ? c.req.valid('json') : {};
      return c.json(await applyFocus(deps, c.get('workspaceId'), body?.member), 200);
    },
  );

  return app;
}
