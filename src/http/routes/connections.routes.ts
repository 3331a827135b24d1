import { OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { connectionErrors } from '../../domain/error-codes/connection';
import { requestErrors } from '../../domain/error-codes/request';
import type { ConnectionRow } from '../../db/connections.repository';
import { summariseIcsWarnings } from '../../domain/ics-warnings';
import type { Deps } from '../../services/deps';
import { disconnect, requestProviderSync } from '../../services/connections';
import { connectIcs, syncIcsConnection } from '../../services/sync';
import type { AppEnv } from '../app';
import { BODY_LIMITS, errorResponses, idParam, secured } from './shared';
import { healthSchema, withHealth } from './connection-health';

const connectionSchema = z
  .object({
    id: z.string(),
    memberId: z.string(),
    provider: z.enum(['ics', 'google', 'microsoft']),
    status: z.enum(['pending', 'syncing', 'ok', 'error', 'needs_reauth']),
    label: z.string().openapi({ description: 'File name, or the host of a subscription URL (the full URL is a secret and is never shown).' }),
    subscription: z.boolean(),
    lastSyncAt: z.string().nullable(),
    lastError: z.string().nullable(),
    syncWarnings: z
      .object({
        at: z.string().openapi({ description: 'When the import that produced them ran' }),
        counts: z.record(z.string(), z.number().int()).openapi({ description: 'Warnings per code, including those past the listed ones' }),
        items: z.array(z.object({ code: z.string(), line: z.number().int(), uid: z.string().nullable(), detail: z.string().optional() })),
        summary: z.array(z.string()).openapi({ example: ['2 repeat rules ignored: line 120, RRULE has no value'] }),
      })
      .nullable()
      .openapi({ description: "What the last ICS import left out or repaired (replaced by each import; null when it had nothing to report). Codes: see the calendars guide's ICS section" }),
    health: healthSchema.optional().openapi({ description: 'Sync health; present when listing and getting connections' }),
  })
  .openapi('Connection');

const view = (row: ConnectionRow) => ({
  id: row.id,
  memberId: row.memberId,
  provider: row.provider,
  status: row.status,
  label: row.label,
  subscription: row.credentials !== null && row.provider === 'ics',
  lastSyncAt: row.lastSyncAt === null ? null : new Date(row.lastSyncAt).toISOString(),
  lastError: row.lastError,
  syncWarnings: row.syncWarnings
    ? { ...row.syncWarnings, at: new Date(row.syncWarnings.at).toISOString(), summary: summariseIcsWarnings(row.syncWarnings.counts, row.syncWarnings.items, 'en') }
    : null,
});

const icsWarningSchema = z
  .object({
    code: z.string().openapi({ example: 'rule_ignored' }),
    line: z.number().int(),
    uid: z.string().nullable(),
    message: z.string().openapi({ example: 'line 120: series "standup" dropped: the file reached its cap of 100000 instances' }),
  })
  .openapi('IcsWarning');

/** What an ICS import left out or kept despite a problem: the first 100 listed, all counted. */
const icsWarningsFields = {
  warnings: z.array(icsWarningSchema),
  warningCounts: z.record(z.string(), z.number().int()).openapi({ description: 'Warnings per code, including those past the 100 listed' }),
};

const imported = (row: Awaited<ReturnType<typeof connectIcs>>) => ({ ...view(row), warnings: row.warnings, warningCounts: row.warningCounts });

const syncScheduledSchema = z
  .object({
    connection: connectionSchema,
    scheduled: z.array(z.object({ calendarId: z.string(), jobId: z.string(), runAt: z.string(), running: z.boolean() })),
    message: z.string(),
  })
  .openapi('SyncScheduled');

const icsJson = z
  .union([
    z.object({ memberId: z.string().min(1), url: z.string().min(1).max(2048).openapi({ example: 'https://calendar.example.com/private/basic.ics' }) }),
    z.object({ memberId: z.string().min(1), ics: z.string().min(1), name: z.string().max(200).optional() }),
  ])
  .openapi('IcsConnectionInput');

/** A whole iCalendar (RFC 5545) file: documented here, validated by the parser. */
const calendarText = z.string().openapi({ description: 'an iCalendar (RFC 5545) file' });

const isCalendarBody = (c: Context) => /^text\/calendar\b/i.test(c.req.header('content-type') ?? '');
/**
 * A text/calendar body as its bytes: decoded in the parse thread, never copied as a string here.
 * Read chunk by chunk into one buffer of the declared length: reading it whole (`arrayBuffer()`)
 * holds the chunks and their concatenation at once, twice the body (ten concurrent 10 MiB uploads
 * held 200 MiB for a moment instead of 100). A body without a length grows its buffer by doubling.
 */
async function calendarBytes(c: Context): Promise<Uint8Array<ArrayBuffer>> {
  const stream = c.req.raw.body;
  if (!stream) return new Uint8Array(0);
  const declared = Number(c.req.header('content-length'));
  let out = new Uint8Array(Number.isSafeInteger(declared) && declared > 0 && declared <= BODY_LIMITS.ics ? declared : 64 * 1024);
  let length = 0;
  const reader = stream.getReader();
  for (let read = await reader.read(); !read.done; read = await reader.read()) {
    const chunk = read.value as Uint8Array;
    if (length + chunk.length > out.length) {
      const grown = new Uint8Array(Math.max(out.length * 2, length + chunk.length));
      grown.set(out.subarray(0, length));
      out = grown;
    }
    out.set(chunk, length);
    length += chunk.length;
  }
  // A whole buffer can move to the parse thread without a copy; a part of one would be copied there anyway.
  return length === out.length ? out : out.slice(0, length);
}

export function connectionsRoutes(deps: Deps) {
  const app = new OpenAPIHono<AppEnv>();

  app.openapi(
    secured('admin', {
      method: 'get',
      path: '/',
      tags: ['Connections'],
      summary: 'List calendar connections',
      request: { query: z.object({ memberId: z.string().optional() }) },
      responses: { 200: { description: 'Connections', content: { 'application/json': { schema: z.object({ connections: z.array(connectionSchema) }) } } }, ...errorResponses },
    }),
    async (c) => {
      const rows = await deps.repos.connections.list(c.get('workspaceId'), c.req.valid('query').memberId);
      return c.json({ connections: await withHealth(deps, rows, view) }, 200);
    },
  );

  app.openapi(
    secured('admin', {
      method: 'post',
      path: '/ics',
      tags: ['Connections'],
      summary: 'Connect an ICS calendar (upload or subscription URL) and import it',
      description:
        'Send JSON `{ memberId, url }` for a subscription (refreshed in the background), JSON `{ memberId, ics, name? }`, or the raw file with `Content-Type: text/calendar` and `?memberId=&name=`. Nothing is stored unless the whole feed parses.',
      request: {
        query: z.object({ memberId: z.string().optional(), name: z.string().max(200).optional() }),
        body: { content: { 'application/json': { schema: icsJson }, 'text/calendar': { schema: calendarText } } },
      },
      responses: {
        201: { description: 'Connected and imported', content: { 'application/json': { schema: connectionSchema.extend(icsWarningsFields).openapi('IcsConnection') } } },
        ...errorResponses,
      },
    }),
    async (c) => {
      const workspaceId = c.get('workspaceId');
      if (isCalendarBody(c)) {
        const { memberId, name } = c.req.valid('query');
        if (!memberId) throw requestErrors.invalid('Pass ?memberId= with a text/calendar body.');
        return c.json(imported(await connectIcs(deps, workspaceId, memberId, { body: await calendarBytes(c), name })), 201);
      }
      const body = c.req.valid('json');
      if (typeof body !== 'object' || !('memberId' in body)) throw requestErrors.invalid('Send JSON or a text/calendar body.');
      const source = 'url' in body ? { url: body.url } : { body: body.ics, name: body.name };
      return c.json(imported(await connectIcs(deps, workspaceId, body.memberId, source)), 201);
    },
  );

  app.openapi(
    secured('admin', {
      method: 'get',
      path: '/{id}',
      tags: ['Connections'],
      summary: 'Get a connection',
      request: { params: idParam },
      responses: { 200: { description: 'Connection', content: { 'application/json': { schema: connectionSchema } } }, ...errorResponses },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const row = await deps.repos.connections.get(c.get('workspaceId'), id);
      if (!row) throw connectionErrors.not_found(`No connection ${id} in this workspace.`);
      return c.json((await withHealth(deps, [row], view))[0]!, 200);
    },
  );

  app.openapi(
    secured('admin', {
      method: 'post',
      path: '/{id}/sync',
      tags: ['Connections'],
      summary: 'Sync now (a subscription re-fetches its URL; an upload takes the new file as the body; Google and Outlook schedule an immediate sync)',
      request: {
        params: idParam,
        body: { content: { 'application/json': { schema: z.object({ ics: z.string().min(1).optional() }) }, 'text/calendar': { schema: calendarText } } },
      },
      responses: {
        200: {
          description: 'Synced',
          content: {
            'application/json': {
              schema: z.object({
                connection: connectionSchema,
                events: z.number().int(),
                unchanged: z.boolean().openapi({ description: 'The feed was as last imported (HTTP 304, or the same content over the same period): nothing was read or stored again' }),
                ...icsWarningsFields,
              }),
            },
          },
        },
        202: { description: 'Google/Outlook: the sync is scheduled to run at once', content: { 'application/json': { schema: syncScheduledSchema } } },
        ...errorResponses,
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const json = c.req.valid('json');
      const connection = await deps.repos.connections.get(c.get('workspaceId'), id);
      if (connection && connection.provider !== 'ics') {
        const scheduled = await requestProviderSync(deps, connection);
        const running = scheduled.some((s) => s.running);
        return c.json(
          {
            connection: view(connection),
            scheduled: scheduled.map((s) => ({ calendarId: s.calendarId, jobId: s.jobId, runAt: new Date(s.runAt).toISOString(), running: s.running })),
            message: running ? 'A sync was running; it runs again right after it, with your latest changes.' : 'The sync is scheduled to run now.',
          },
          202,
        );
      }
      const upload = isCalendarBody(c) ? { body: await calendarBytes(c) } : typeof json === 'object' && json.ics ? { body: json.ics } : undefined;
      const result = await syncIcsConnection(deps, c.get('workspaceId'), id, upload);
      return c.json({ connection: view(result.connection), events: result.events, unchanged: result.unchanged, warnings: result.warnings, warningCounts: result.warningCounts }, 200);
    },
  );

  app.openapi(
    secured('admin', {
      method: 'delete',
      path: '/{id}',
      tags: ['Connections'],
      summary: 'Disconnect and delete its events',
      request: { params: idParam },
      responses: { 204: { description: 'Disconnected' }, ...errorResponses },
    }),
    async (c) => {
      await disconnect(deps, c.get('workspaceId'), c.req.valid('param').id);
      return c.body(null, 204);
    },
  );

  return app;
}
