/**
 * The overview (managers and up): team health, meeting hours per week, every audit metric, and
 * the viewer's "Do next" with its dismiss and snooze forms (POST-redirect-GET back to the list).
 * The team part is rendered once per data version, range, locale and what the viewer may see by
 * name; "Do next" is the viewer's own and rendered per request.
 */
import { Hono } from 'hono';
import { raw } from 'hono/html';
import { loadOverview, resolveWeeks } from '../../../services/dashboard';
import type { Deps } from '../../../services/deps';
import { doNextFor, hideDoNext, viewerKey } from '../../../services/do-next';
import { memoized } from '../../../services/memo';
import { viewerScope } from '../../../services/team-views';
import { memberVisibility } from '../../../domain/privacy';
import { DoNextSection } from '../../views/do-next';
import { OverviewContent, OverviewPage } from '../../views/overview';
import { first, type Ctx, type DashEnv, type Kit } from './kit';

export function overviewRoutes(deps: Deps, kit: Kit) {
  const app = new Hono<DashEnv>();
  const { page, failure, pageContext } = kit;

  /** Who this dashboard session is for "Do next": the person, or the API key it was opened with. */
  const viewerOf = (c: Ctx) => {
    const session = c.get('session');
    const principal = c.get('principal');
    return { workspaceId: session.workspaceId, role: session.role, personId: session.personId, key: viewerKey({ personId: session.personId, apiKeyId: principal.kind === 'session' ? principal.apiKeyId : principal.keyId }) };
  };

  app.get('/', page('manager'), async (c) => {
    const session = c.get('session');
    const range = resolveWeeks(deps.clock(), { from: c.req.query('from'), weeks: c.req.query('weeks') });
    try {
      const viewer = viewerOf(c);
      const [ctx, members, scope, workspace] = await Promise.all([
        pageContext(c, session),
        deps.repos.members.list(session.workspaceId),
        viewerScope(deps, viewer),
        deps.repos.workspaces.get(session.workspaceId),
      ]);
      const seen = memberVisibility({ memberIds: members.map((m) => m.id), hidden: scope.hiddenMemberIds, minGroupSize: workspace?.minGroupSize });
      const privacy = { unnamed: seen.unnamed, teamTotals: seen.teamTotals };
      const content = await memoized(
        deps,
        session.workspaceId,
        'dashboard.overview',
        [range, ctx.locale, scope.key, privacy],
        async () => {
          const overview = await loadOverview(deps, session.workspaceId, range);
          const named = { ...overview, members: overview.members.filter((m) => seen.named.has(m.id)) };
          return raw(await OverviewContent({ ctx, overview: named, privacy }).toString());
        },
        scope.dataVersion,
      );
      const list = await doNextFor(deps, viewer, scope);
      const doNext = DoNextSection({ ctx, list, mail: !!deps.mail });
      return c.html(`<!doctype html>${await OverviewPage({ ctx, content, doNext }).toString()}`);
    } catch (error) {
      return failure(c, error);
    }
  });

  for (const how of ['dismiss', 'snooze'] as const) {
    app.post(`/do-next/${how}`, page('manager'), async (c) => {
      try {
        await hideDoNext(deps, viewerOf(c), first(c.get('form').key), how);
        return c.redirect('/#do-next', 303);
      } catch (error) {
        return failure(c, error);
      }
    });
  }

  return app;
}
