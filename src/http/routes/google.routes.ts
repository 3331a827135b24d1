import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import { html } from 'hono/html';
import { isUnmeetError } from '../../domain/errors';
import type { Deps } from '../../services/deps';
import { completeGoogleConnect, handleGooglePush, startGoogleConnect } from '../../services/google';
import type { AppEnv } from '../app';
import { statusForCode } from '../errors';
import { errorResponses } from './shared';

const page = (title: string, message: string) =>
  html`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${title} · unmeet</title></head><body style="font-family:system-ui;max-width:36rem;margin:4rem auto;line-height:1.5"><h1>${title}</h1><p>${message}</p></body></html>`;

/** "Connect Google Calendar": the consent redirect (API key), the OAuth callback and push webhooks (no key). */
export function googleRoutes(deps: Deps) {
  const app = new OpenAPIHono<AppEnv>();

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/connect/google',
      tags: ['Connections'],
      summary: "Start connecting a member's Google Calendar: redirects to Google's consent screen",
      request: { query: z.object({ memberId: z.string().min(1) }) },
      responses: { 302: { description: 'Redirect to Google (the Location header holds the consent URL)' }, ...errorResponses },
    }),
    async (c) => c.redirect(await startGoogleConnect(deps, c.get('workspaceId'), c.req.valid('query').memberId), 302),
  );

  app.get('/oauth/google/callback', async (c) => {
    try {
      await completeGoogleConnect(deps, { code: c.req.query('code'), state: c.req.query('state'), error: c.req.query('error') });
      return c.html(page('Google Calendar connected', 'The first sync has started. You can close this tab.'));
    } catch (error) {
      if (!isUnmeetError(error)) throw error;
      return c.html(page('Not connected', error.message), statusForCode(error.code) === 422 ? 400 : statusForCode(error.code));
    }
  });

  app.post('/webhooks/google', async (c) => {
    await handleGooglePush(deps, {
      channelId: c.req.header('x-goog-channel-id'),
      token: c.req.header('x-goog-channel-token'),
      state: c.req.header('x-goog-resource-state'),
    });
    return c.body(null, 200);
  });

  return app;
}
