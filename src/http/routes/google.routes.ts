import { OpenAPIHono } from '@hono/zod-openapi';
import type { Deps } from '../../services/deps';
import { completeGoogleConnect, handleGooglePush, startGoogleConnect } from '../../services/google';
import type { AppEnv } from '../app';
import { registerConnectCallback, registerConnectStart } from './oauth-connect';

/** The authenticated part: `GET /v1/connect/google` (mounted under the API's authenticated sub-app). */
export function googleApiRoutes(deps: Deps) {
  const api = new OpenAPIHono<AppEnv>();
  registerConnectStart(api, { provider: 'google', calendarName: 'Google Calendar', start: (workspaceId, memberId, starter) => startGoogleConnect(deps, workspaceId, memberId, starter) });
  return api;
}

/** "Connect Google Calendar", public part: the OAuth callback and push webhooks (no key). */
export function googleRoutes(deps: Deps) {
  const app = new OpenAPIHono<AppEnv>();
  registerConnectCallback(app, { provider: 'google', calendarName: 'Google Calendar', complete: (query) => completeGoogleConnect(deps, query) });

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
