import { OpenAPIHono, z } from '@hono/zod-openapi';
import type { Deps } from '../../services/deps';
import { doNextFor, hideDoNext, viewerKey } from '../../services/do-next';
import type { AppEnv } from '../app';
import { errorResponses, secured } from './shared';

const item = z
  .object({
    kind: z.enum(['series', 'focus', 'rotation']),
    key: z.string().openapi({ description: 'Stable: `series:<seriesKey>`, `focus:below-target`, `rotation:<id>`', example: 'series:weekly-status@example.com' }),
    hoursPerMonth: z.number().openapi({ description: 'Hours back per month if done (0 for a rotation: it gives fairness, not hours)' }),
  })
  .passthrough()
  .openapi('DoNextItem', { description: 'series: seriesKey, title, hoursPerYear, moneyPerYear; focus: named (people who share), unnamed (a count); rotation: rotationId, title, zone, burdenShare, peopleShare' });

const list = z
  .object({
    week: z.object({ from: z.string(), to: z.string() }),
    currency: z.string(),
    items: z.array(item),
    hoursPerMonth: z.number().openapi({ description: 'Total hours back per month of the items listed' }),
    hidden: z.number().int().openapi({ description: 'Items this viewer dismissed or snoozed' }),
  })
  .openapi('DoNext');

const keyParam = z.object({ key: z.string().min(1).max(600).openapi({ param: { name: 'key', in: 'path' }, example: 'focus:below-target' }) });
const hidden = z.object({ itemKey: z.string(), until: z.string().nullable().openapi({ description: 'ISO instant the snooze ends; null when dismissed for good' }) }).openapi('DoNextHidden');

/** "Do next" for the caller: a person by their id, an API key as `key:<apiKeyId>` (each has their own dismissals). */
export function doNextRoutes(deps: Deps) {
  const app = new OpenAPIHono<AppEnv>();
  const viewerOf = (c: { get(key: 'principal'): AppEnv['Variables']['principal'] }) => {
    const p = c.get('principal');
    const key = viewerKey(p.kind === 'key' ? { apiKeyId: p.keyId } : { personId: p.personId, apiKeyId: p.apiKeyId });
    return { workspaceId: p.workspaceId, role: p.role, personId: p.kind === 'session' ? p.personId : null, key };
  };

  app.openapi(
    secured('manager', {
      method: 'get',
      path: '/',
      tags: ['Team views'],
      summary: 'Do next: series to convert, people below their focus target, lopsided rotations, ranked by hours back per month',
      responses: { 200: { description: 'The caller’s list', content: { 'application/json': { schema: list } } }, ...errorResponses },
    }),
    async (c) => c.json(await doNextFor(deps, viewerOf(c)), 200),
  );

  for (const how of ['dismiss', 'snooze'] as const) {
    app.openapi(
      secured('manager', {
        method: 'post',
        path: `/{key}/${how}`,
        tags: ['Team views'],
        summary: how === 'dismiss' ? 'Hide a Do next item for good (for the caller only)' : 'Hide a Do next item for 7 days (for the caller only)',
        request: { params: keyParam },
        responses: { 200: { description: 'Hidden', content: { 'application/json': { schema: hidden } } }, ...errorResponses },
      }),
      async (c) => c.json(await hideDoNext(deps, viewerOf(c), c.req.valid('param').key, how), 200),
    );
  }
  return app;
}
