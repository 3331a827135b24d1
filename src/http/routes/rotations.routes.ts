import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import type { Deps } from '../../services/deps';
import { commitRotation, getRotation, previewRotation, rotationIcs, rotationLedger } from '../../services/rotation';
import { rotationInput } from '../../services/rotation-input';
import type { AppEnv } from '../app';
import { errorResponses, idParam } from './shared';

const occurrence = z.object({
  index: z.number(),
  date: z.string(),
  start: z.string().openapi({ example: '2027-01-05T21:00:00Z' }),
  end: z.string(),
  slot: z.string().openapi({ example: '21:00', description: 'local start in the series zone' }),
  local: z.record(z.string(), z.string()).openapi({ description: "each participant's local start, ISO with offset" }),
  pain: z.record(z.string(), z.number()).openapi({ description: "each participant's pain, points" }),
  hardLimitBreaks: z.array(z.string()),
});

const rotation = z
  .object({
    id: z.string(),
    status: z.enum(['preview', 'committed']),
    createdAt: z.string(),
    committedAt: z.string().nullable(),
    title: z.string(),
    timeZone: z.string(),
    durationMinutes: z.number(),
    occurrences: z.array(occurrence),
    ledger: z.array(
      z.object({
        email: z.string(),
        timeZone: z.string(),
        history: z.number(),
        seriesPain: z.number(),
        burden: z.number(),
        outsideHoursCount: z.number(),
        nightCount: z.number(),
      }),
    ),
    fairness: z.object({
      maxBurden: z.number(),
      maxOverMean: z.number(),
      gini: z.number(),
      distinctSlots: z.number(),
      slotChanges: z.number(),
      fallbackOccurrences: z.number(),
      alert: z.enum(['ok', 'watch', 'high', 'severe']),
    }),
    explanation: z.string(),
    freeBusy: z.object({ sources: z.array(z.string()), participantsWithBusyTime: z.number() }),
  })
  .openapi('Rotation');

const ledger = z
  .object({
    halfLifeDays: z.number().nullable(),
    people: z.array(
      z.object({ email: z.string(), timeZone: z.string(), burden: z.number(), series: z.number(), outsideHoursCount: z.number(), nightCount: z.number() }),
    ),
  })
  .openapi('RotationLedger');

const json = (schema: z.ZodType, description: string) => ({ description, content: { 'application/json': { schema } } });

export function rotationsRoutes(deps: Deps) {
  const app = new OpenAPIHono<AppEnv>();

  app.openapi(
    createRoute({
      method: 'post',
      path: '/',
      tags: ['Rotation'],
      summary: 'Preview a fair rotation of a recurring series across time zones (stored as a preview)',
      request: { body: { required: true, content: { 'application/json': { schema: rotationInput } } } },
      responses: { 201: json(rotation, 'The planned series, its ledger, fairness metrics and explanation'), ...errorResponses },
    }),
    async (c) => c.json(await previewRotation(deps, c.get('workspaceId'), c.req.valid('json')), 201),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/ledger',
      tags: ['Rotation'],
      summary: "The workspace's burden ledger per person, carried across committed series",
      request: { query: z.object({ halfLifeDays: z.coerce.number().positive().max(3650).optional() }) },
      responses: { 200: json(ledger, 'Ledger'), ...errorResponses },
    }),
    async (c) => c.json(await rotationLedger(deps, c.get('workspaceId'), c.req.valid('query').halfLifeDays), 200),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/{id}',
      tags: ['Rotation'],
      summary: 'A rotation (preview or committed)',
      request: { params: idParam },
      responses: { 200: json(rotation, 'Rotation'), ...errorResponses },
    }),
    async (c) => c.json(await getRotation(deps, c.get('workspaceId'), c.req.valid('param').id), 200),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/{id}/commit',
      tags: ['Rotation'],
      summary: "Commit a preview: record each person's burden in the ledger",
      description:
        '`writeEvents: true` (create the series in the organizer\'s calendar) needs a connected Google/Outlook calendar and answers 422 `rotation.calendar_write_unavailable` until those exist; import the ICS export instead.',
      request: {
        params: idParam,
        body: { required: false, content: { 'application/json': { schema: z.object({ writeEvents: z.boolean().optional() }) } } },
      },
      responses: { 200: json(rotation, 'Committed rotation'), 409: { description: 'Already committed' }, ...errorResponses },
    }),
    async (c) => {
      const body = c.req.header('content-type')?.includes('application/json') ? c.req.valid('json') : {};
      return c.json(await commitRotation(deps, c.get('workspaceId'), c.req.valid('param').id, body), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/{id}/ics',
      tags: ['Rotation'],
      summary: 'The series as an ICS file, one event per occurrence',
      request: { params: idParam },
      responses: { 200: { description: 'iCalendar', content: { 'text/calendar': { schema: z.string() } } }, ...errorResponses },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const body = await rotationIcs(deps, c.get('workspaceId'), id);
      return c.body(body, 200, { 'content-type': 'text/calendar; charset=utf-8', 'content-disposition': `attachment; filename="${id}.ics"` });
    },
  );

  return app;
}
