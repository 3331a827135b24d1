import { OpenAPIHono, z } from '@hono/zod-openapi';
import type { Deps } from '../../services/deps';
import { auditWorkspace } from '../../services/audit';
import { dateRangeQuery } from '../../schemas';
import type { AppEnv } from '../app';
import { cachedJson, errorResponses, notModifiedResponse, secured } from './shared';

const metrics = z
  .record(z.string(), z.number())
  .openapi('AuditMetrics', {
    description:
      'meetingHours, meetingCount, afterHoursMeetingHours, nonWorkingDayMeetingHours, workingTimeHours, meetingInWorkingHours, otherBusyHours, meetingShare, focusHours, fragmentedHours, backToBackChains, recurringMeetingHours, crossZoneMeetingHours, crossZoneOutsideHoursHours. See the README for definitions.',
  });

const auditReport = z
  .object({
    range: z.object({ from: z.string(), to: z.string(), days: z.number() }),
    members: z.array(z.object({ email: z.string(), timeZone: z.string(), metrics, perWeek: metrics })),
    team: z.object({
      metrics,
      perWeek: metrics,
      topSeries: z.array(z.object({ seriesKey: z.string(), title: z.string(), personHours: z.number(), occurrences: z.number() })),
    }),
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
      request: {
        query: dateRangeQuery.extend({ member: z.string().optional().openapi({ description: 'member id or email' }) }),
      },
      responses: { 200: { description: 'Audit', content: { 'application/json': { schema: auditReport } } }, ...notModifiedResponse, ...errorResponses },
    }),
    async (c) => {
      const workspaceId = c.get('workspaceId');
      const query = c.req.valid('query');
      return (await cachedJson(c, deps, 'audit.json', query, () => auditWorkspace(deps, workspaceId, query))) as never;
    },
  );
  return app;
}
