/**
 * The Outbox page (admins, like the outbox API: recipients are people, and the page shows whom
 * the workspace writes to). Read-only: resolving or exporting a message stays with the API.
 */
import { Hono } from 'hono';
import type { Deps } from '../../../services/deps';
import { loadOutboxPage } from '../../../services/outbox-page';
import { OutboxPage } from '../../views/outbox';
import type { DashEnv, Kit } from './kit';

/** `?page=` as a page number: a positive integer, else the first page. */
const pageNumber = (value: string | undefined) => {
  const n = Number(value);
  return Number.isSafeInteger(n) && n >= 1 ? n : 1;
};

export function outboxPageRoutes(deps: Deps, kit: Kit) {
  const app = new Hono<DashEnv>();

  app.get('/outbox', kit.page('admin'), async (c) => {
    const session = c.get('session');
    try {
      const view = await loadOutboxPage(deps, session.workspaceId, pageNumber(c.req.query('page')));
      return c.html(await kit.render(c, session, (ctx) => OutboxPage({ ctx, view })));
    } catch (error) {
      return kit.failure(c, error);
    }
  });

  return app;
}
