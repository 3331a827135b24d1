import { OpenAPIHono } from '@hono/zod-openapi';
import { UnmeetError } from '../../domain/errors';
import type { Deps } from '../../services/deps';
import { completeMicrosoftConnect, handleMicrosoftNotifications, startMicrosoftConnect } from '../../services/microsoft';
import type { AppEnv } from '../app';
import { registerOAuthConnect } from './oauth-connect';

/** "Connect Outlook": the consent redirect (API key), the OAuth callback and Graph notifications (no key). */
export function microsoftRoutes(deps: Deps) {
  const app = new OpenAPIHono<AppEnv>();
  registerOAuthConnect(app, {
    provider: 'microsoft',
    calendarName: 'Outlook calendar',
    start: (workspaceId, memberId) => startMicrosoftConnect(deps, workspaceId, memberId),
    complete: (query) => completeMicrosoftConnect(deps, query),
  });

  /**
   * Graph change and lifecycle notifications. Creating a subscription, Graph first POSTs
   * `?validationToken=…` and expects the decoded token back as text/plain within 10 s; after
   * that, batches of notifications, acknowledged with 202 once the work is scheduled.
   */
  app.post('/webhooks/microsoft', async (c) => {
    const validationToken = c.req.query('validationToken');
    if (validationToken !== undefined) return c.text(validationToken, 200);
    const body = await c.req.json().catch(() => {
      throw new UnmeetError('webhook.invalid', 'Not a Microsoft Graph notification batch.');
    });
    await handleMicrosoftNotifications(deps, body);
    return c.body(null, 202);
  });

  return app;
}
