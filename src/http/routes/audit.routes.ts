import { OpenAPIHono, z } from '@hono/zod-openapi';
import type { Deps } from '../../services/deps';
import { scopedAudit, viewerScope } from '../../services/team-views';
import { dateRangeQuery } from '../../schemas';
import type { AppEnv } from '../app';
import { cachedJson, errorResponses, notModifiedResponse, secured } from './shared';

const metrics = z
  .record(z.string(), z.number())
  .openapi('AuditMetrics', {
    description:
      'meetingHours, meetingCount, afterHoursMeetingHours, nonWorkingDayMeetingHours, workingTimeHours, awayHours, meetingInWorkingHours, otherBusyHours, meetingShare, focusHours, fragmentedHours, backToBackChains, recurringMeetingHours, crossZoneMeetingHours, crossZoneOutsideHoursHours. `awayHours` is the working time the member was away (out of office, on leave), left out of every other figure. Definitions: docs/scores.md.',
  });

const auditReport = z
  .object({
    range: z.object({ from: z.string(), to: z.string(), days: z.number() }),
    members: z.array(z.object({ email: z.string(), timeZone: z.string(), metrics, perWeek: metrics })),
    team: z
      .object({
        metrics,
        perWeek: metrics,
        topSeries: z.array(z.object({ seriesKey: z.string(), title: z.string(), personHours: z.number(), occurrences: z.number() })),
      })
      .nullable()
      .openapi({ description: 'Team totals; null when the people left out are fewer than the minimum group size (see `teamWithheld`)' }),
    withheld: z.number().int().openapi({ description: 'Per-member rows left out: people who have not chosen to share their numbers (the team totals include them)' }),
    teamWithheld: z.string().nullable().openapi({ description: 'Why the team totals are withheld, or null' }),
  })
  .openapi('AuditReport');

export function auditRoutes(deps: Deps) {
  const app = new OpenAPIHono<AppEnv>();
  app.openapi(
    secured('admin', {
      method: 'get',
      path: '/',
      tags: ['Audit'],
      summary: 'Meeting load per member and for the team over local dates from ≤ day < to',
      description:
        "Per-member rows for members no person is linked to (operator mode), for people who chose to share, and for yourself; a row about anyone else is withheld (asking for it by `member` is 403 `privacy.not_shared`). The team totals cover everyone, unless fewer than `minGroupSize` people are left out: then they are withheld, since they would give those people's numbers away.",
      request: {
        query: dateRangeQuery.extend({ member: z.string().optional().openapi({ description: 'member id or email' }) }),
      },
      responses: { 200: { description: 'Audit', content: { 'application/json': { schema: auditReport } } }, ...notModifiedResponse, ...errorResponses },
    }),
    async (c) => {
      const query = c.req.valid('query');
      const principal = c.get('principal');
      // Keyed on the viewer's scope too: two viewers who may see different rows never share an entry.
      // The scope's read brings the data version along, so a cached answer costs one read after the key's.
      const scope = await viewerScope(deps, principal);
      return (await cachedJson(c, deps, 'audit.json', [query, scope.key], () => scopedAudit(deps, principal, query, scope), scope.dataVersion)) as never;
    },
  );
  return app;
}
