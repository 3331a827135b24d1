import { OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { html } from 'hono/html';
import type { Deps } from '../../services/deps';
import { getDigestChoice, inspectUnsubscribe, setDigestChoice, unsubscribeByToken } from '../../services/digest';
import type { AppEnv } from '../app';
import { digestTexts } from '../views/texts/digest';
import { errorResponses, secured } from './shared';

const choiceSchema = z
  .object({
    optIn: z.boolean().openapi({ description: 'Whether you get the weekly digest of this workspace (off by default)' }),
    address: z.string().nullable().openapi({ description: "Where it goes: your calendar's address in this workspace; null without a calendar" }),
    blockedBy: z
      .enum(['no_calendar', 'address_unverified', 'outbox_only', 'mail_not_configured'])
      .nullable()
      .openapi({ description: 'Why no digest can reach you right now, even opted in; null when one can' }),
    last: z
      .object({ week: z.string(), status: z.string().nullable().openapi({ description: 'Its outbox status; null when it was recorded without a message (no calendar)' }) })
      .nullable()
      .openapi({ description: 'The most recent digest recorded for you (the Monday of its week ahead)' }),
  })
  .openapi('DigestChoice');

const json = (description: string) => ({ 200: { description, content: { 'application/json': { schema: choiceSchema } } }, ...errorResponses });
const viewer = (c: { get(k: 'principal'): AppEnv['Variables']['principal'] }) => c.get('principal') as { workspaceId: string; personId: string };

/** The signed-in person's own digest choice (`/v1/me/digest`): the person behind the session only. */
export function myDigestRoutes(deps: Deps) {
  const app = new OpenAPIHono<AppEnv>();
  app.openapi(
    secured('member', { method: 'get', path: '/', tags: ['Me'], summary: 'Your weekly digest choice, and whether a digest can reach you', responses: json('Your choice') }, { person: true }),
    async (c) => c.json(await getDigestChoice(deps, viewer(c)), 200),
  );
  app.openapi(
    secured(
      'member',
      {
        method: 'put',
        path: '/',
        tags: ['Me'],
        summary: 'Turn your weekly digest of this workspace on or off',
        request: { body: { required: true, content: { 'application/json': { schema: z.object({ optIn: z.boolean() }).strict() } } } },
        responses: json('What is now stored'),
      },
      { person: true },
    ),
    async (c) => c.json(await setDigestChoice(deps, viewer(c), c.req.valid('json').optIn), 200),
  );
  return app;
}

const page = (lang: string, title: string, body: ReturnType<typeof html>) =>
  html`<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${title}</title></head><body style="font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem"><main>${body}</main></body></html>`;

const invalid = (c: Context) => {
  const t = digestTexts('en');
  return c.html(page('en', t.invalidTitle, html`<h1>${t.invalidTitle}</h1><p>${t.invalid}</p>`), 404);
};

/**
 * The digest's unsubscribe link (`/v1/mail/digest/unsubscribe?token=…`), no session: GET shows a
 * button and changes nothing (mail scanners prefetch links); POST turns the digest off, both for
 * that button and for an RFC 8058 one-click POST (`List-Unsubscribe=One-Click`) from a mail client.
 */
export function digestUnsubscribeRoutes(deps: Deps) {
  const app = new OpenAPIHono<AppEnv>();
  app.get('/unsubscribe', async (c) => {
    const token = c.req.query('token') ?? '';
    const target = await inspectUnsubscribe(deps, token);
    if (!target) return invalid(c);
    const lang = target.locale === 'id' ? 'id' : 'en';
    const t = digestTexts(lang);
    return c.html(
      page(
        lang,
        t.unsubscribeTitle,
        html`<h1>${t.unsubscribeAsk(target.workspaceName)}</h1><form method="post" action="?token=${encodeURIComponent(token)}"><input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit" style="font-size:1rem;padding:.5rem 1rem">${t.unsubscribeButton}</button></form>`,
      ),
    );
  });
  app.post('/unsubscribe', async (c) => {
    const target = await unsubscribeByToken(deps, c.req.query('token') ?? '');
    if (!target) return invalid(c);
    const lang = target.locale === 'id' ? 'id' : 'en';
    const t = digestTexts(lang);
    return c.html(page(lang, t.unsubscribeTitle, html`<h1>${t.unsubscribeDone(target.workspaceName)}</h1>`));
  });
  return app;
}
