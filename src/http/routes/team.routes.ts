import { OpenAPIHono, z } from '@hono/zod-openapi';
import { dateRangeQuery } from '../../schemas';
import type { Deps } from '../../services/deps';
import { teamAudit } from '../../services/team-views';
import type { AppEnv } from '../app';
import { errorResponses, secured } from './shared';

const metrics = z.record(z.string(), z.number());
const distribution = z.object({ median: z.number(), p75: z.number().nullable(), p90: z.number().nullable() });
const groupFigures = {
  size: z.number().int(),
  totals: z.object({ metrics, perWeek: metrics }),
  distributions: z.record(z.string(), distribution).openapi({ description: 'Per-week values over the group’s people: median; p75 from 4 people, p90 from 10' }),
  thresholds: z.array(z.object({ code: z.string(), description: z.string(), count: z.number().int(), of: z.number().int() })),
  shared: z
    .array(z.object({ email: z.string(), name: z.string(), perWeek: metrics }))
    .openapi({ description: 'Only people who chose to share, in address order (never ranked)' }),
};

const teamAuditSchema = z
  .object({
    range: z.object({ from: z.string(), to: z.string(), days: z.number() }),
    minGroupSize: z.number().int(),
    groups: z.array(z.object({ id: z.string(), name: z.string(), ...groupFigures })),
    others: z
      .union([
        z.object({ id: z.literal('others'), name: z.literal('Others'), suppressed: z.literal(false), merged: z.array(z.string()), ...groupFigures }),
        z.object({ id: z.literal('others'), name: z.literal('Others'), suppressed: z.literal(true), merged: z.array(z.string()), reason: z.string() }),
      ])
      .nullable()
      .openapi({ description: 'Groups below minGroupSize, merged; suppressed with a reason when still too small' }),
    note: z.string().nullable(),
  })
  .openapi('TeamAudit');

/** Team views: aggregates over groups, for managers (their assigned groups) and admins (every group). */
export function teamRoutes(deps: Deps) {
  const app = new OpenAPIHono<AppEnv>();
  app.openapi(
    secured('manager', {
      method: 'get',
      path: '/audit',
      tags: ['Team views'],
      summary: 'Meeting load per group: totals, distributions and threshold counts, for groups of at least minGroupSize people',
      request: {
        query: dateRangeQuery.extend({
          group: z.string().min(1).max(64).optional().openapi({ description: 'one group id (`workspace`: everyone, admins only); default: every group you can see' }),
        }),
      },
      responses: { 200: { description: 'Team audit', content: { 'application/json': { schema: teamAuditSchema } } }, ...errorResponses },
    }),
    async (c) => {
      const { group, ...range } = c.req.valid('query');
      // Cached inside teamAudit, keyed on the groups the caller sees and who shares.
      return c.json(await teamAudit(deps, c.get('principal'), range, group), 200);
    },
  );
  return app;
}
