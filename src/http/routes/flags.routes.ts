/**
 * Flagged-meeting API routes (scores, decisions, suggestions). `flagsRoutes` runs past the usual 80 lines only because it lists its routes, each
 * declared with its role (`secured`) beside its OpenAPI definition; the handlers are short and
 * leave the work to services.
 */
import { OpenAPIHono, z } from '@hono/zod-openapi';
import type { Deps } from '../../services/deps';
import { decideSeries, flagListMinute } from '../../services/flags';
import { scopedFlags, viewerScope } from '../../services/team-views';
import { prepareSuggestion, queueAllSuggestions, queueSuggestion } from '../../services/suggestions';
import type { AppEnv } from '../app';
import { cachedJson, errorResponses, notModifiedResponse, secured } from './shared';

const localDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD');
const optionalRange = {
  from: localDate.optional().openapi({ example: '2026-11-02', description: 'default: 28 days before `to`' }),
  to: localDate.optional().openapi({ example: '2026-11-30', description: 'exclusive; default: today (UTC)' }),
};
const seriesKey = z.string().min(1).max(1024);

const reason = z.object({
  code: z.string(),
  points: z.number(),
  detail: z.string(),
  params: z.record(z.string(), z.union([z.number(), z.string()])).openapi({ description: 'The numbers and words behind `detail`, to phrase the reason in another language' }),
});
const flag = z
  .object({
    seriesKey: z.string(),
    title: z.string(),
    organizer: z.string().nullable(),
    recurring: z.boolean(),
    occurrences: z.number(),
    attendeeCount: z.number(),
    durationMinutes: z.number(),
    score: z.number(),
    verdict: z.enum(['keep', 'consider-async', 'async']),
    reasons: z.array(reason),
    suggestedFormat: z.enum(['written-update', 'decision-doc', 'recorded-broadcast', 'shared-notes']).nullable(),
    cost: z.object({ personHoursPerOccurrence: z.number(), personHoursPerYear: z.number(), moneyPerYear: z.number().nullable() }),
    decision: z
      .object({ decision: z.enum(['keep', 'converted']), decidedBy: z.string(), decidedAt: z.number(), expiresAt: z.number().nullable() })
      .nullable(),
  })
  .openapi('MeetingFlag');

const queued = z.object({
  outboxId: z.string(),
  seriesKey: z.string(),
  recipient: z.string(),
  deliverAfter: z.number(),
  messageId: z.string(),
  status: z.enum(['queued', 'held']).openapi({ description: '`held`: not sent until the recipient confirms they want these emails' }),
  heldReason: z.string().nullable().openapi({ description: 'e.g. "waiting for ayu@example.com to confirm they want these emails"' }),
  confirmationQueued: z.boolean().openapi({ description: 'this call queued the confirmation mail (at most one per address per 7 days)' }),
});

export function flagsRoutes(deps: Deps) {
  const app = new OpenAPIHono<AppEnv>();

  app.openapi(
    secured('admin', {
      method: 'get',
      path: '/',
      tags: ['Flags'],
      summary: 'Meetings that could be a written update: score, verdict, reasons, cost',
      description:
        "Scored over the calendars you may see: members no person is linked to, people who share, and yourself. Series organized by someone who does not share are withheld (counted in `withheld`); they see them under /v1/my/flags.",
      request: {
        query: z.object({
          ...optionalRange,
          verdict: z.enum(['keep', 'consider-async', 'async']).optional(),
          organizer: z.string().max(320).optional(),
          includeDecided: z.enum(['true', 'false']).optional().openapi({ description: 'include series with a decision in force' }),
          limit: z.coerce.number().int().min(1).max(1000).default(200).openapi({ description: 'series per page (highest score first)' }),
          offset: z.coerce.number().int().min(0).default(0),
        }),
      },
      responses: {
        200: {
          description: 'Flags, highest score first',
          content: {
            'application/json': {
              schema: z.object({
                range: z.object({ from: z.string(), to: z.string() }),
                currency: z.string(),
                total: z.number().int(),
                series: z.array(flag),
                withheld: z.number().int().openapi({ description: 'Series left out because a person who has not chosen to share organizes them' }),
              }),
            },
          },
        },
        ...notModifiedResponse,
        ...errorResponses,
      },
    }),
    async (c) => {
      const { limit, offset, ...q } = c.req.valid('query');
      // A large workspace has thousands of scored series: pages keep answers small and fast.
      const principal = c.get('principal');
      const scope = await viewerScope(deps, principal);
      return (await cachedJson(c, deps, 'flags.page.json', [q, limit, offset, flagListMinute(deps), scope.key], async () => {
        const all = await scopedFlags(deps, principal, { ...q, includeDecided: q.includeDecided === 'true' }, scope);
        return { ...all, total: all.series.length, series: all.series.slice(offset, offset + limit) };
      }, scope.dataVersion)) as never;
    },
  );

  app.openapi(
    secured('admin', {
      method: 'post',
      path: '/decisions',
      tags: ['Flags'],
      summary: 'Mark a series keep (not flagged again for keepDays, default 90) or converted',
      request: {
        body: {
          required: true,
          content: {
            'application/json': {
              schema: z.object({ seriesKey, decision: z.enum(['keep', 'converted']), keepDays: z.number().int().min(1).max(365).optional() }),
            },
          },
        },
      },
      responses: {
        200: {
          description: 'The decision in force',
          content: {
            'application/json': {
              schema: z.object({ seriesKey: z.string(), decision: z.enum(['keep', 'converted']), decidedBy: z.string(), decidedAt: z.number(), expiresAt: z.number().nullable() }),
            },
          },
        },
        ...errorResponses,
      },
    }),
    async (c) => c.json(await decideSeries(deps, c.get('workspaceId'), { ...c.req.valid('json'), decidedBy: 'api' }), 200),
  );

  app.openapi(
    secured('admin', {
      method: 'get',
      path: '/preview',
      tags: ['Flags'],
      summary: "Preview the suggestion email to a series' organizer (nothing is stored or sent)",
      request: { query: z.object({ seriesKey, ...optionalRange }) },
      responses: {
        200: {
          description: 'The rendered email',
          content: {
            'application/json': {
              schema: z.object({ to: z.string(), locale: z.string(), subject: z.string(), text: z.string(), html: z.string(), deliverAfter: z.number(), replyBy: z.string() }),
            },
          },
        },
        ...errorResponses,
      },
    }),
    async (c) => {
      const { seriesKey: key, from, to } = c.req.valid('query');
      const p = await prepareSuggestion(deps, c.get('workspaceId'), key, { from, to });
      return c.json({ to: p.recipient.email, ...p.email, deliverAfter: p.deliverAfter, replyBy: p.replyBy }, 200);
    },
  );

  app.openapi(
    secured('admin', {
      method: 'post',
      path: '/suggestions',
      tags: ['Flags'],
      summary: 'Queue suggestion emails: for one series, or for every flagged series when seriesKey is omitted',
      request: { body: { required: true, content: { 'application/json': { schema: z.object({ seriesKey: seriesKey.optional(), ...optionalRange }) } } } },
      responses: {
        201: {
          description: 'Queued (delivered inside the organizer’s working hours)',
          content: { 'application/json': { schema: z.object({ queued: z.array(queued), skipped: z.array(z.object({ seriesKey: z.string(), code: z.string() })) }) } },
        },
        ...errorResponses,
      },
    }),
    async (c) => {
      const { seriesKey: key, from, to } = c.req.valid('json');
      const workspaceId = c.get('workspaceId');
      if (key) return c.json({ queued: [await queueSuggestion(deps, workspaceId, key, { from, to })], skipped: [] }, 201);
      return c.json(await queueAllSuggestions(deps, workspaceId, { from, to }), 201);
    },
  );

  return app;
}
