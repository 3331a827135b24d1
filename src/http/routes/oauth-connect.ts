import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { html } from 'hono/html';
import { isUnmeetError } from '../../domain/errors';
import type { ConnectionRow } from '../../db/connections.repository';
import type { AppEnv } from '../app';
import { statusForCode } from '../errors';
import { errorResponses } from './shared';

const page = (title: string, message: string) =>
  html`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${title} · unmeet</title></head><body style="font-family:system-ui;max-width:36rem;margin:4rem auto;line-height:1.5"><h1>${title}</h1><p>${message}</p></body></html>`;

type CallbackQuery = { code?: string | undefined; state?: string | undefined; error?: string | undefined };

/**
 * "Connect <vendor> calendar", the same for every OAuth vendor: `GET /v1/connect/{provider}`
 * (API key) redirects to the consent screen; `GET /oauth/{provider}/callback` (no key: the signed
 * state identifies the member) finishes it and answers a small page for the person's browser.
 */
export function registerOAuthConnect(
  app: OpenAPIHono<AppEnv>,
  options: {
    provider: 'google' | 'microsoft';
    calendarName: string;
    start: (workspaceId: string, memberId: string) => Promise<string>;
    complete: (query: CallbackQuery) => Promise<ConnectionRow>;
  },
): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: `/v1/connect/${options.provider}`,
      tags: ['Connections'],
      summary: `Start connecting a member's ${options.calendarName}: redirects to the consent screen`,
      request: { query: z.object({ memberId: z.string().min(1) }) },
      responses: { 302: { description: 'Redirect to the consent screen (the Location header holds its URL)' }, ...errorResponses },
    }),
    async (c) => c.redirect(await options.start(c.get('workspaceId'), c.req.valid('query').memberId), 302),
  );

  app.get(`/oauth/${options.provider}/callback`, async (c) => {
    try {
      await options.complete({ code: c.req.query('code'), state: c.req.query('state'), error: c.req.query('error') });
      return c.html(page(`${options.calendarName} connected`, 'The first sync has started. You can close this tab.'));
    } catch (error) {
      if (!isUnmeetError(error)) throw error;
      return c.html(page('Not connected', error.message), statusForCode(error.code) === 422 ? 400 : statusForCode(error.code));
    }
  });
}
