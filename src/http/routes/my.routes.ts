/**
 * "Me" API routes: a signed-in person's own week, flags, focus and data. `myRoutes` runs past the usual 80 lines only because it lists its routes, each
 * declared with its role (`secured`) beside its OpenAPI definition; the handlers are short and
 * leave the work to services.
 */
import { OpenAPIHono, z } from '@hono/zod-openapi';
import type { Deps } from '../../services/deps';
import { myFlags, myFocus, myRotation, myWeek, setSharing } from '../../services/my-views';
import type { AppEnv } from '../app';
import { errorResponses, secured } from './shared';

const localDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD');
const metrics = z.record(z.string(), z.number());
const empty = z
  .object({ code: z.string(), detail: z.string() })
  .nullable()
  .openapi({ description: 'Why the answer is empty (`no_calendar`: no calendar in this workspace yet); null when it is not' });
const json = (schema: z.ZodType, description: string) => ({ 200: { description, content: { 'application/json': { schema } } }, ...errorResponses });

const myWeekSchema = z
  .object({
    range: z.object({ from: z.string(), to: z.string(), days: z.number().optional() }),
    sharing: z.boolean().openapi({ description: 'Whether you show your numbers by name to managers and admins' }),
    member: z.object({ id: z.string(), email: z.string(), timeZone: z.string() }).nullable(),
    metrics: metrics.nullable(),
    perWeek: metrics.nullable(),
    explanations: z.record(z.string(), z.string()).openapi({ description: 'What each metric means' }),
    empty,
  })
  .openapi('MyWeek');

/** The signed-in person's own views. Each is about the person behind the session: an API key has none. */
export function myRoutes(deps: Deps) {
  const app = new OpenAPIHono<AppEnv>();
  const viewer = (c: { get(k: 'principal'): AppEnv['Variables']['principal'] }) => c.get('principal') as { workspaceId: string; personId: string };

  app.openapi(
    secured(
      'member',
      {
        method: 'get',
        path: '/week',
        tags: ['My views'],
        summary: 'My week: your own meeting load over local dates from ≤ day < to (default: this week in your zone)',
        request: { query: z.object({ from: localDate.optional(), to: localDate.optional() }) },
        responses: json(myWeekSchema, 'Your audit'),
      },
      { person: true },
    ),
    async (c) => c.json(await myWeek(deps, viewer(c), c.req.valid('query')), 200),
  );

  app.openapi(
    secured(
      'member',
      {
        method: 'get',
        path: '/flags',
        tags: ['My views'],
        summary: 'Flags on the meeting series you organize (decided ones included)',
        request: { query: z.object({ from: localDate.optional(), to: localDate.optional() }) },
        responses: json(
          z.object({ range: z.object({ from: z.string(), to: z.string() }), currency: z.string(), organizer: z.array(z.string()), series: z.array(z.record(z.string(), z.unknown())) }),
          'Your series, highest score first',
        ),
      },
      { person: true },
    ),
    async (c) => c.json(await myFlags(deps, viewer(c), c.req.valid('query')), 200),
  );

  app.openapi(
    secured(
      'member',
      { method: 'get', path: '/focus', tags: ['My views'], summary: 'Your focus plan (a dry run: nothing is written)', responses: json(z.object({ plan: z.record(z.string(), z.unknown()).nullable(), empty }), 'Your plan') },
      { person: true },
    ),
    async (c) => c.json(await myFocus(deps, viewer(c)), 200),
  );

  app.openapi(
    secured(
      'member',
      {
        method: 'get',
        path: '/rotation',
        tags: ['My views'],
        summary: 'Your burden in the rotation ledger',
        request: { query: z.object({ halfLifeDays: z.coerce.number().positive().max(3650).optional() }) },
        responses: json(
          z.object({
            halfLifeDays: z.number().nullable(),
            entries: z.array(z.object({ email: z.string(), timeZone: z.string(), burden: z.number(), series: z.number(), outsideHoursCount: z.number(), nightCount: z.number() })),
            empty,
          }),
          'Your burden',
        ),
      },
      { person: true },
    ),
    async (c) => c.json(await myRotation(deps, viewer(c), c.req.valid('query').halfLifeDays), 200),
  );

  app.openapi(
    secured(
      'member',
      {
        method: 'patch',
        path: '/sharing',
        tags: ['My views'],
        summary: 'Choose whether managers and admins see your numbers by name (off by default)',
        request: { body: { required: true, content: { 'application/json': { schema: z.object({ share: z.boolean() }).strict() } } } },
        responses: json(z.object({ share: z.boolean() }), 'What is now stored'),
      },
      { person: true },
    ),
    async (c) => c.json(await setSharing(deps, viewer(c), c.req.valid('json').share), 200),
  );

  return app;
}
