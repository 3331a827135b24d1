import { OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { html, raw } from 'hono/html';
import { UnmeetError } from '../../domain/errors';
import type { OutboxRow } from '../../db/outbox.repository';
import type { Deps } from '../../services/deps';
import { applyLink, inspectLink, resolveMessage } from '../../services/suggestions';
import type { AppEnv } from '../app';
import { errorResponses, idParam, secured } from './shared';

const statuses = ['queued', 'sending', 'sent', 'failed', 'unknown', 'cancelled'] as const;

const summary = z
  .object({
    id: z.string(),
    recipient: z.string(),
    subject: z.string(),
    messageId: z.string(),
    deliverAfter: z.number(),
    status: z.enum(statuses),
    attempts: z.number(),
    transport: z.string().nullable(),
    lastError: z.string().nullable(),
    sentAt: z.number().nullable(),
    createdAt: z.number(),
  })
  .openapi('OutboxMessage');
const detailed = summary.extend({ text: z.string(), html: z.string() }).openapi('OutboxMessageWithBody');

const view = (r: OutboxRow) => ({
  id: r.id,
  recipient: r.recipient,
  subject: r.subject,
  messageId: r.messageId,
  deliverAfter: r.deliverAfter,
  status: r.status,
  attempts: r.attempts,
  transport: r.transport,
  lastError: r.lastError,
  sentAt: r.sentAt,
  createdAt: r.createdAt,
});

/** The outbox: queued and delivered suggestion emails, viewable, exportable as .eml, resolvable. */
export function outboxRoutes(deps: Deps) {
  const app = new OpenAPIHono<AppEnv>();
  const find = async (workspaceId: string, id: string) => {
    const row = await deps.repos.outbox.get(workspaceId, id);
    if (!row) throw new UnmeetError('outbox.not_found', `No message ${id} in this workspace.`);
    return row;
  };

  app.openapi(
    secured('admin', {
      method: 'get',
      path: '/',
      tags: ['Outbox'],
      summary: 'List outbox messages (earliest delivery first)',
      request: { query: z.object({ status: z.enum(statuses).optional(), limit: z.coerce.number().int().min(1).max(500).default(100) }) },
      responses: { 200: { description: 'Messages', content: { 'application/json': { schema: z.object({ messages: z.array(summary) }) } } }, ...errorResponses },
    }),
    async (c) => c.json({ messages: (await deps.repos.outbox.list(c.get('workspaceId'), c.req.valid('query'))).map(view) }, 200),
  );

  app.openapi(
    secured('admin', {
      method: 'get',
      path: '/{id}',
      tags: ['Outbox'],
      summary: 'One message with its plain-text and HTML bodies',
      request: { params: idParam },
      responses: { 200: { description: 'Message', content: { 'application/json': { schema: detailed } } }, ...errorResponses },
    }),
    async (c) => {
      const row = await find(c.get('workspaceId'), c.req.valid('param').id);
      return c.json({ ...view(row), text: row.text, html: row.html }, 200);
    },
  );

  app.openapi(
    secured('admin', {
      method: 'get',
      path: '/{id}/eml',
      tags: ['Outbox'],
      summary: 'The message as an .eml file (RFC 5322), exactly as it is or would be sent',
      request: { params: idParam },
      responses: { 200: { description: 'message/rfc822', content: { 'message/rfc822': { schema: z.string() } } }, ...errorResponses },
    }),
    async (c) => {
      const row = await find(c.get('workspaceId'), c.req.valid('param').id);
      return c.body(row.mime, 200, {
        'content-type': 'message/rfc822',
        'content-disposition': `attachment; filename="${row.id}.eml"`,
      });
    },
  );

  app.openapi(
    secured('admin', {
      method: 'post',
      path: '/{id}/resolve',
      tags: ['Outbox'],
      summary: 'Decide an unknown or failed message: it was sent, resend it, or cancel it',
      request: { params: idParam, body: { required: true, content: { 'application/json': { schema: z.object({ outcome: z.enum(['sent', 'resend', 'cancel']) }) } } } },
      responses: { 200: { description: 'Message', content: { 'application/json': { schema: summary } } }, ...errorResponses },
    }),
    async (c) => {
      const row = await resolveMessage(deps, c.get('workspaceId'), c.req.valid('param').id, c.req.valid('json').outcome);
      return c.json(view(row), 200);
    },
  );

  return app;
}

const ACTION_TEXT = {
  'try-async': { ask: "Record that you'll try this meeting async?", done: "Thanks: recorded that you'll try it async." },
  keep: { ask: 'Record that this meeting should stay as it is?', done: 'Thanks: the meeting is marked keep; no suggestions about it for a while.' },
  'opt-out': { ask: 'Stop all suggestion emails from unmeet?', done: 'Done: you will not receive suggestion emails from this workspace again.' },
} as const;

const page = (title: string, body: ReturnType<typeof html>) =>
  html`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${title}</title></head><body style="font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem">${body}</body></html>`;

/**
 * The signed links in suggestion emails; no login. GET only shows a confirmation (mail
 * scanners prefetch links); POST acts (also RFC 8058 one-click unsubscribe).
 */
export function mailLinkRoutes(deps: Deps) {
  const app = new OpenAPIHono<AppEnv>();
  const invalid = (c: Context) =>
    c.html(page('Invalid link', html`<h1>This link is not valid</h1><p>It may be incomplete. Copy the whole link from the email.</p>`), 404);

  app.get('/action', async (c) => {
    const token = c.req.query('t') ?? '';
    const payload = await inspectLink(deps, token);
    if (!payload) return invalid(c);
    const text = ACTION_TEXT[payload.a];
    return c.html(
      page(
        text.ask,
        html`<h1>${text.ask}</h1><form method="post" action="?t=${raw(encodeURIComponent(token))}"><button type="submit" style="font-size:1rem;padding:.5rem 1rem">Confirm</button></form>`,
      ),
    );
  });

  app.post('/action', async (c) => {
    const token = c.req.query('t') ?? '';
    if (!(await inspectLink(deps, token))) return invalid(c);
    const payload = await applyLink(deps, token);
    return c.html(page('Done', html`<h1>${ACTION_TEXT[payload.a].done}</h1>`));
  });

  return app;
}
