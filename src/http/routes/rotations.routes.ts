/**
 * Rotation API routes (solve, ledger, apply). `rotationsRoutes` runs past the usual 80 lines only because it lists its routes, each
 * declared with its role (`secured`) beside its OpenAPI definition; the handlers are short and
 * leave the work to services.
 */
import { OpenAPIHono, z } from '@hono/zod-openapi';
import type { Deps } from '../../services/deps';
import { commitRotation, getRotation, previewRotation, rotationFreeBusySources, rotationIcs } from '../../services/rotation';
import { rotationInput } from '../../services/rotation-input';
import { scopedLedger } from '../../services/team-views';
import type { AppEnv } from '../app';
import { problem } from '../errors';
import { errorResponses, idParam, secured } from './shared';
import { rotationErrors } from '../../domain/error-codes/rotation';

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
        nightCount: z.number().openapi({ description: 'occurrences of this series touching local 23:00–08:00' }),
        historyNights: z.number().openapi({ description: 'night occurrences carried over from earlier series' }),
        hardLimitBreakCount: z.number().openapi({ description: "occurrences breaking this person's hard limits (only where no start passes everyone's)" }),
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
      nightSpread: z.number().openapi({ description: 'largest minus smallest night count per person, carried nights included' }),
    }),
    solver: z
      .object({
        name: z.enum(['exact', 'exhaustive', 'heuristic']),
        levels: z.array(
          z.object({ level: z.string(), value: z.number(), bound: z.number(), gap: z.number(), proven: z.boolean(), nodes: z.number() }),
        ),
        nodesPerLevel: z.number().nullable(),
      })
      .openapi({ description: 'Which solver produced the plan, and per leximin level its value, proven bound and gap' }),
    explanation: z.string(),
    explanations: z.object({ en: z.string(), id: z.string() }).openapi({ description: 'The explanation in English and Indonesian' }),
    freeBusy: z.object({ sources: z.array(z.string()), participantsWithBusyTime: z.number() }),
    calendar: z
      .object({
        organizer: z.string(),
        provider: z.enum(['google', 'microsoft']),
        connectionId: z.string(),
        complete: z.boolean(),
        events: z.array(
          z.object({
            index: z.number(),
            start: z.string(),
            clientId: z.string(),
            externalId: z.string().nullable(),
            outcome: z.enum(['created', 'exists', 'updated', 'moved_by_organizer', 'deleted_by_organizer', 'failed', 'not_attempted']),
            error: z.string().optional(),
          }),
        ),
      })
      .nullable()
      .openapi({ description: "What the last commit with writeEvents wrote into the organizer's calendar, per occurrence" }),
  })
  .openapi('Rotation');

const ledger = z
  .object({
    halfLifeDays: z.number().nullable(),
    people: z.array(
      z.object({ email: z.string(), timeZone: z.string(), burden: z.number(), series: z.number(), outsideHoursCount: z.number(), nightCount: z.number() }),
    ),
    withheld: z.number().int().openapi({ description: 'People left out: they have not chosen to share their numbers (each sees their own under /v1/my/rotation)' }),
  })
  .openapi('RotationLedger');

const json = (schema: z.ZodType, description: string) => ({ description, content: { 'application/json': { schema } } });

export function rotationsRoutes(deps: Deps) {
  const app = new OpenAPIHono<AppEnv>();

  app.openapi(
    secured('manager', {
      method: 'post',
      path: '/',
      tags: ['Rotation'],
      summary: 'Preview a fair rotation of a recurring series across time zones (stored as a preview)',
      request: { body: { required: true, content: { 'application/json': { schema: rotationInput } } } },
      responses: { 201: json(rotation, 'The planned series, its ledger, fairness metrics and explanation'), ...errorResponses },
    }),
    async (c) => c.json(await previewRotation(deps, c.get('workspaceId'), c.req.valid('json'), rotationFreeBusySources(deps)), 201),
  );

  app.openapi(
    secured('manager', {
      method: 'get',
      path: '/ledger',
      tags: ['Rotation'],
      summary: "The workspace's burden ledger per person, carried across committed series",
      request: { query: z.object({ halfLifeDays: z.coerce.number().positive().max(3650).optional() }) },
      responses: { 200: json(ledger, 'Ledger'), ...errorResponses },
    }),
    async (c) => c.json(await scopedLedger(deps, c.get('principal'), c.req.valid('query').halfLifeDays), 200),
  );

  app.openapi(
    secured('manager', {
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
    secured('admin', {
      method: 'post',
      path: '/{id}/commit',
      tags: ['Rotation'],
      summary: "Commit a preview: record each person's burden in the ledger, optionally creating the series in the organizer's calendar",
      description:
        "`writeEvents: true` creates each occurrence as its own event (tagged as ours, the other participants invited) in the calendar of `organizer`, a participant who is a member with a connected Google or Outlook calendar; otherwise 422 (`rotation.organizer_required`, `rotation.organizer_not_participant`, `rotation.organizer_not_member`, `rotation.organizer_not_connected`) and nothing is written. Event ids derive from the rotation and occurrence, so retrying never duplicates. When some occurrence cannot be written, the answer is 502 `rotation.calendar_write_incomplete` with `rotation.calendar` listing each occurrence's outcome; the ledger is not recorded and committing again resumes.",
      request: {
        params: idParam,
        body: {
          required: false,
          content: {
            'application/json': {
              schema: z.object({
                writeEvents: z.boolean().optional(),
                organizer: z.string().email().max(320).optional().openapi({ description: 'whose calendar holds the series (with writeEvents)' }),
              }),
            },
          },
        },
      },
      responses: {
        200: json(rotation, 'Committed rotation'),
        409: { description: 'Already committed' },
        502: { description: 'Some occurrences could not be written; nothing recorded in the ledger; commit again to resume' },
        ...errorResponses,
      },
    }),
    async (c) => {
      const body = c.req.header('content-type')?.includes('application/json') ? c.req.valid('json') : {};
      const result = await commitRotation(deps, c.get('workspaceId'), c.req.valid('param').id, body);
      if (result.calendar && !result.calendar.complete && result.status === 'preview') {
        const failed = result.calendar.events.filter((e) => e.outcome === 'failed' || e.outcome === 'not_attempted').length;
        return problem(c, rotationErrors.calendar_write_incomplete(`${failed} of ${result.calendar.events.length} occurrences could not be written to the organizer's calendar; the ledger was not recorded. Commit again to resume: events already written are found, not duplicated.`), { rotation: result });
      }
      return c.json(result, 200);
    },
  );

  app.openapi(
    secured('manager', {
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
