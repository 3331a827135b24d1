/**
 * The team view of managers (their assigned groups) and admins (every group and the whole
 * workspace): aggregates and distributions per group, groups under the minimum size merged into
 * "others", and named rows only for people who chose to share (services/team-views).
 */
import { Hono } from 'hono';
import { resolveWeeks } from '../../../services/dashboard';
import type { Deps } from '../../../services/deps';
import { teamAudit } from '../../../services/team-views';
import { TeamPage } from '../../views/team';
import type { DashEnv, Kit } from './kit';

export function teamRoutes(deps: Deps, kit: Kit) {
  const app = new Hono<DashEnv>();
  const { page, render, failure } = kit;

  app.get('/team', page('manager'), async (c) => {
    const session = c.get('session');
    const range = resolveWeeks(deps.clock(), { from: c.req.query('from'), weeks: c.req.query('weeks') ?? '1' });
    try {
      const team = await teamAudit(deps, session, { from: range.from, to: range.to });
      return c.html(await render(c, session, (ctx) => TeamPage({ ctx, range, team })));
    } catch (error) {
      return failure(c, error);
    }
  });

  return app;
}
