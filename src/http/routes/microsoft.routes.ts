import { OpenAPIHono } from '@hono/zod-openapi';
import { webhookErrors } from '../../domain/error-codes/webhook';
import type { Deps } from '../../services/deps';
import { completeMicrosoftConnect, handleMicrosoftNotifications, startMicrosoftConnect } from '../../services/microsoft';
import type { AppEnv } from '../app';
import { registerConnectCallback, registerConnectStart } from './oauth-connect';

/** The authenticated part: `GET /v1/connect/microsoft` (mounted under the API's authenticated sub-app). */
export function microsoftApiRoutes(deps: Deps) {
  const api = new OpenAPIHono<AppEnv>();
  registerConnectStart(api, { provider: 'microsoft', calendarName: 'Outlook calendar', start: (workspaceId, memberId, starter) => startMicrosoftConnect(deps, workspaceId, memberId, starter) });
  return api;
}

/** "Connect Outlook", public part: the OAuth callback and Graph notifications (no key). */
export function microsoftRoutes(deps: Deps) {
  const app = new OpenAPIHono<AppEnv>();
  registerConnectCallback(app, { provider: 'microsoft', calendarName: 'Outlook calendar', complete: (query) => completeMicrosoftConnect(deps, query) });

  /**
   * Graph change and lifecycle notifications. Creating a subscription, Graph first POSTs
   * `?validationToken=…` and expects the decoded token back as text/plain within 10 s; after
   * that, batches of notifications, acknowledged with 202 once the work is scheduled.
   */
  app.post('/webhooks/microsoft', async (c) => {
    const validationToken = c.req.query('validationToken');
    if (validationToken !== undefined) return c.text(validationToken, 200);
    const body = await c.req.json().catch(() => {
      throw webhookErrors.invalid('Not a Microsoft Graph notification batch.');
    });
    await handleMicrosoftNotifications(deps, body);
    return c.body(null, 202);
  });

  return app;
}
