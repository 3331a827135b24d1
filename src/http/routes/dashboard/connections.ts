/** Calendar connections and API keys of the whole workspace: an admin's page. */
import { Hono } from 'hono';
import { isUnmeetError } from '../../../domain/errors';
import { icsErrors } from '../../../domain/error-codes/ics';
import { requestErrors } from '../../../domain/error-codes/request';
import { disconnect } from '../../../services/connections';
import type { Deps } from '../../../services/deps';
import { startGoogleConnect } from '../../../services/google';
import { startMicrosoftConnect } from '../../../services/microsoft';
import { connectIcs } from '../../../services/sync';
import { connectionHealth } from '../../../services/sync-health';
import { createApiKey, revokeApiKey } from '../../../services/workspaces';
import { ConnectionsPage } from '../../views/connections';
import type { Flash } from '../../views/outcomes';
import { first, type Ctx, type DashEnv, type Kit, type Notice } from './kit';

/** The address of an ICS feed a form gave, or a 422 error. */
export function icsUrlOf(value: string): string {
  const url = value.trim();
  if (!/^(https?|webcal):\/\//i.test(url) || url.length > 2048) throw icsErrors.invalid_url('Give an http(s) or webcal address of the calendar feed.');
  return url;
}

export function connectionRoutes(deps: Deps, kit: Kit) {
  const app = new Hono<DashEnv>();
  const { page, render, failure, localeOf } = kit;
  const admin = page('admin');

  async function connectionsPage(c: Ctx, notice?: Notice, status: 200 | 409 | 422 | 502 = 200, newKey?: string) {
    const session = c.get('session');
    const members = await deps.repos.members.list(session.workspaceId);
    const connections = await deps.repos.connections.list(session.workspaceId);
    const keys = await deps.repos.workspaces.listKeys(session.workspaceId);
    const providers = { google: !!deps.google, microsoft: !!deps.microsoft, microsoftBuilt: true };
    const health = await connectionHealth(deps, connections, await localeOf(c, () => members));
    return c.html(await render(c, session, (ctx) => ConnectionsPage({ ctx, members, connections, providers, keys, newKey, health }), members, notice), status);
  }

  app.get('/connections', admin, async (c) => {
    const flash = await kit.readFlash<Flash>(c);
    return connectionsPage(c, undefined, 200, flash?.kind === 'apiKey' ? flash.key : undefined);
  });

  app.post('/connections/ics', admin, async (c) => {
    const form = c.get('form');
    try {
      await connectIcs(deps, c.get('session').workspaceId, first(form.memberId), { url: icsUrlOf(first(form.url)) });
      return c.redirect('/connections?ok=connected', 303);
    } catch (error) {
      if (isUnmeetError(error) && error.status !== 404) return connectionsPage(c, { kind: 'error', text: error.message, code: error.code }, 422);
      return failure(c, error);
    }
  });

  // "Connect Google / Outlook": start the PKCE flow and send the browser to the consent screen.
  for (const [provider, start] of [['google', startGoogleConnect], ['microsoft', startMicrosoftConnect]] as const) {
    app.post(`/connections/${provider}`, admin, async (c) => {
      try {
        return c.redirect(await start(deps, c.get('session').workspaceId, first(c.get('form').memberId)), 303);
      } catch (error) {
        if (isUnmeetError(error) && error.status !== 404) return connectionsPage(c, { kind: 'error', text: error.message, code: error.code }, 422);
        return failure(c, error);
      }
    });
  }

  // API keys: a new key is shown once, on the GET this post redirects to (never in a URL: it
  // travels as a sealed one-time flash), so a reload neither shows it again nor makes another.
  app.post('/connections/keys', admin, async (c) => {
    try {
      const label = first(c.get('form').label).trim();
      if (label.length > 100 || /[\u0000-\u001f\u007f]/.test(label)) throw requestErrors.invalid('A label has at most 100 characters and no control characters.');
      const created = await createApiKey(deps, c.get('session').workspaceId, label ? { label } : {});
      const flash: Flash = { kind: 'apiKey', key: created.apiKey };
      return kit.redirectWithFlash(c, '/connections', flash);
    } catch (error) {
      if (isUnmeetError(error) && error.status !== 404) return connectionsPage(c, { kind: 'error', text: error.message, code: error.code }, error.status === 409 ? 409 : 422);
      return failure(c, error);
    }
  });

  app.post('/connections/keys/:id/revoke', admin, async (c) => {
    try {
      await revokeApiKey(deps, c.get('session').workspaceId, c.req.param('id'));
      return c.redirect('/connections?ok=revoked', 303);
    } catch (error) {
      if (isUnmeetError(error) && error.status === 409) return connectionsPage(c, { kind: 'error', text: error.message, code: error.code }, 409);
      return failure(c, error);
    }
  });

  app.post('/connections/:id/disconnect', admin, async (c) => {
    try {
      await disconnect(deps, c.get('session').workspaceId, c.req.param('id'));
      return c.redirect('/connections?ok=disconnected', 303);
    } catch (error) {
      return failure(c, error);
    }
  });

  return app;
}
