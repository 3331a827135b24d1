import { OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { html } from 'hono/html';
import { UnmeetError } from '../../domain/errors';
import { outboxErrors } from '../../domain/error-codes/outbox';
import { recordAdminAction } from '../../services/audit-log';
import type { Deps } from '../../services/deps';
import { applyLink, checkLink, isConfirmationMessage, redactLinks, renderForSending } from '../../services/mail-links';
import { confirmAddress, declineAddress, inspectConfirmation } from '../../services/mail-verification';
import { resolveMessage } from '../../services/outbox-delivery';
import { outboxMessageView as view } from '../../services/outbox-view';
import type { AppEnv } from '../app';
import { errorResponses, idParam, secured } from './shared';

const statuses = ['held', 'queued', 'sending', 'sent', 'failed', 'unknown', 'cancelled'] as const;

const summary = z
  .object({
    id: z.string(),
    recipient: z.string(),
    subject: z.string(),
    messageId: z.string(),
    deliverAfter: z.number(),
    status: z.enum(statuses).openapi({ description: '`held`: waits until the recipient confirms they want these emails (see `heldReason`)' }),
    heldReason: z.string().nullable().openapi({ description: 'why a held message waits, e.g. "waiting for ayu@example.com to confirm they want these emails"' }),
    kind: z.enum(['suggestion', 'confirmation', 'digest']).openapi({ description: '`confirmation`: the fixed mail asking an address to confirm; `digest`: a weekly digest (its bodies are not shown)' }),
    attempts: z.number(),
    transport: z.string().nullable(),
    lastError: z.string().nullable(),
    sentAt: z.number().nullable(),
    createdAt: z.number(),
  })
  .openapi('OutboxMessage');
const detailed = summary
  .extend({
    text: z.string().openapi({ description: 'links show placeholders such as `{{link:keep}}`: live tokens exist only in the sent mail' }),
    html: z.string(),
  })
  .openapi('OutboxMessageWithBody');

/** The outbox: queued and delivered suggestion emails, viewable, exportable as .eml, resolvable. */
export function outboxRoutes(deps: Deps) {
  const app = new OpenAPIHono<AppEnv>();
  const find = async (workspaceId: string, id: string) => {
    const row = await deps.repos.outbox.get(workspaceId, id);
    if (!row) throw outboxErrors.not_found(`No message ${id} in this workspace.`);
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
      summary: 'One message with its plain-text and HTML bodies (link tokens redacted)',
      request: { params: idParam },
      responses: { 200: { description: 'Message', content: { 'application/json': { schema: detailed } } }, ...errorResponses },
    }),
    async (c) => {
      const row = await find(c.get('workspaceId'), c.req.valid('param').id);
      return c.json({ ...view(row), text: redactLinks(row.text), html: redactLinks(row.html) }, 200);
    },
  );

  app.openapi(
    secured('admin', {
      method: 'get',
      path: '/{id}/eml',
      tags: ['Outbox'],
      summary: 'The message as an .eml file (RFC 5322) with live links, for sending it by hand; recorded in the audit log',
      description:
        'The manual-send path of the `outbox` transport: the message as it would leave now, with freshly signed links (30 days). ' +
        'Each export is recorded in the admin audit log (`outbox.export`). Confirmation mails and held messages cannot be exported (`outbox.not_exportable`): ' +
        'an address confirms only through mail the server sends.',
      request: { params: idParam },
      responses: { 200: { description: 'message/rfc822', content: { 'message/rfc822': { schema: z.string() } } }, ...errorResponses },
    }),
    async (c) => {
      const workspaceId = c.get('workspaceId');
      const row = await find(workspaceId, c.req.valid('param').id);
      if (isConfirmationMessage(row) || row.status === 'held') {
        throw outboxErrors.not_exportable(
          row.status === 'held' ? 'This message waits for its recipient to confirm; it cannot be sent by hand.' : 'Confirmation mails are sent only by the server; they cannot be exported.',
        );
      }
      const member = await deps.repos.members.getByEmail(workspaceId, row.recipient);
      const raw = await renderForSending(deps, row, deps.clock(), member?.name);
      await recordAdminAction(deps, workspaceId, c.get('principal'), 'outbox.export', row.id, { status: row.status });
      return c.body(raw, 200, {
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

const button = (action: string, label: string) =>
  html`<form method="post" action="${action}" style="display:inline-block;margin-right:.5rem"><button type="submit" style="font-size:1rem;padding:.5rem 1rem">${label}</button></form>`;

type Refusal = 'mail.invalid_link' | 'mail.link_expired' | 'mail.link_used';

/** The page for a link that cannot act; nothing was changed. */
const refused = (c: Context, code: Refusal) => {
  if (code === 'mail.link_expired') {
    return c.html(page('Link expired', html`<h1>This link has expired</h1><p>Nothing was changed. Links in emails from unmeet work for a limited time; a newer email has a working link.</p>`), 410);
  }
  if (code === 'mail.link_used') return c.html(page('Link already used', html`<h1>This link was already used</h1><p>Nothing more was changed.</p>`), 410);
  return c.html(page('Invalid link', html`<h1>This link is not valid</h1><p>It may be incomplete. Copy the whole link from the email.</p>`), 404);
};

/**
 * The links in emails; no login. GET only shows a page with a button (mail scanners prefetch
 * links); POST acts (for action links also RFC 8058 one-click unsubscribe). Action links expire
 * 30 days after the mail was sent, confirmation links after 7 days and on first use.
 */
export function mailLinkRoutes(deps: Deps) {
  const app = new OpenAPIHono<AppEnv>();

  app.get('/action', async (c) => {
    const token = c.req.query('t') ?? '';
    const check = await checkLink(deps, token);
    if (!check.ok) return refused(c, check.code);
    const text = ACTION_TEXT[check.payload.a];
    return c.html(page(text.ask, html`<h1>${text.ask}</h1>${button(`?t=${encodeURIComponent(token)}`, 'Confirm')}`));
  });

  app.post('/action', async (c) => {
    const token = c.req.query('t') ?? '';
    const check = await checkLink(deps, token);
    if (!check.ok) return refused(c, check.code);
    const payload = await applyLink(deps, token);
    return c.html(page('Done', html`<h1>${ACTION_TEXT[payload.a].done}</h1>`));
  });

  app.get('/confirm/:token', async (c) => {
    const token = c.req.param('token');
    const check = await inspectConfirmation(deps, token);
    if (!check.ok) return refused(c, check.code);
    const path = `/v1/mail/confirm/${encodeURIComponent(token)}`;
    return c.html(
      page(
        'Emails from unmeet',
        html`<h1>Do you want meeting suggestions from unmeet at ${check.email}?</h1>
          <p>unmeet suggests, by email, ways to replace meetings with written updates. Nothing is sent to this address until you choose.</p>
          ${button(path, 'Yes, send me these emails')}${button(`${path}/decline`, "Don't send me these")}`,
      ),
    );
  });

  const act = async (c: Context, run: () => Promise<ReturnType<typeof html>>) => {
    const check = await inspectConfirmation(deps, c.req.param('token') ?? '');
    if (!check.ok) return refused(c, check.code);
    try {
      return c.html(page('Done', await run()));
    } catch (error) {
      // Two clicks at once: the other one consumed the link.
      if (error instanceof UnmeetError && error.code.startsWith('mail.')) return refused(c, error.code as Refusal);
      throw error;
    }
  };

  app.post('/confirm/:token', (c) =>
    act(c, async () => {
      const { email } = await confirmAddress(deps, c.req.param('token'));
      return html`<h1>Thanks: ${email} is confirmed.</h1><p>Suggestions will arrive inside your working hours. Every email has a link to stop them.</p>`;
    }),
  );

  app.post('/confirm/:token/decline', (c) =>
    act(c, async () => {
      const { email } = await declineAddress(deps, c.req.param('token'));
      return html`<h1>Done: no suggestion emails will be sent to ${email}.</h1>`;
    }),
  );

  return app;
}
