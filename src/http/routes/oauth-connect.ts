import { z, type OpenAPIHono } from '@hono/zod-openapi';
import { html } from 'hono/html';
import { isUnmeetError } from '../../domain/errors';
import type { ConnectionRow } from '../../db/connections.repository';
import type { AppEnv } from '../app';
import { statusForCode } from '../errors';
import { errorResponses, secured } from './shared';

const page = (title: string, message: string) =>
  html`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${title} · unmeet</title></head><body style="font-family:system-ui;max-width:36rem;margin:4rem auto;line-height:1.5"><h1>${title}</h1><p>${message}</p></body></html>`;

type CallbackQuery = { code?: string | undefined; state?: string | undefined; error?: string | undefined };

type ConnectOptions = {
  provider: 'google' | 'microsoft';
  calendarName: string;
  start: (workspaceId: string, memberId: string) => Promise<string>;
  complete: (query: CallbackQuery) => Promise<ConnectionRow>;
};

/**
 * "Connect <vendor> calendar", the same for every OAuth vendor: `GET /v1/connect/{provider}`
 * (authenticated: it hangs under the API's authenticated sub-app) redirects to the consent screen.
 */
export function registerConnectStart(api: OpenAPIHono<AppEnv>, options: Pick<ConnectOptions, 'provider' | 'calendarName' | 'start'>): void {
  api.openapi(
    secured('admin', {
      method: 'get',
      path: `/connect/${options.provider}`,
      tags: ['Connections'],
      summary: `Start connecting a member's ${options.calendarName}: redirects to the consent screen`,
      request: { query: z.object({ memberId: z.string().min(1) }) },
      responses: { 302: { description: 'Redirect to the consent screen (the Location header holds its URL)' }, ...errorResponses },
    }),
    async (c) => c.redirect(await options.start(c.get('workspaceId'), c.req.valid('query').memberId), 302),
  );
}

/**
 * `GET /oauth/{provider}/callback` (public: the signed single-use state identifies the member)
 * finishes a consent and answers a small page for the person's browser.
 */
export function registerConnectCallback(app: OpenAPIHono<AppEnv>, options: Pick<ConnectOptions, 'provider' | 'calendarName' | 'complete'>): void {
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
