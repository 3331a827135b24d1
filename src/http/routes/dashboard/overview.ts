/**
 * The overview (managers and up): team health, meeting hours per week, every audit metric, and
 * the viewer's "Do next" with its dismiss and snooze forms (POST-redirect-GET back to the list).
 *
 * The hot path of the dashboard: the team part is rendered once per data version, range, locale
 * and what the viewer may see by name (shared by everyone who sees the same), and the whole page
 * once per session and what it shows (its CSRF token, header, notice, hidden Do next items),
 * kept with its gzip, so a reload costs the session check, a few small reads and the bytes.
 */
import { Hono } from 'hono';
import { isHidden } from '../../../domain/do-next';
import { memberVisibility } from '../../../domain/privacy';
import { loadOverview, resolveWeeks } from '../../../services/dashboard';
import type { Deps } from '../../../services/deps';
import { doNextFor, hideDoNext, viewerKey } from '../../../services/do-next';
import { memoized } from '../../../services/memo';
import { viewerScope } from '../../../services/team-views';
import { DoNextSection } from '../../views/do-next';
import { OverviewContent, OverviewPage } from '../../views/overview';
import { acceptsGzip, gzip } from '../shared';
import { first, type Ctx, type DashEnv, type Kit } from './kit';

const HOUR = 3_600_000;

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
    const now = deps.clock();
    const range = resolveWeeks(now, { from: c.req.query('from'), weeks: c.req.query('weeks') });
    try {
      const viewer = viewerOf(c);
      const [ctx, scope, workspace, dismissals] = await Promise.all([
        pageContext(c, session),
        viewerScope(deps, viewer),
        deps.repos.workspaces.get(session.workspaceId),
        deps.repos.doNext.list(session.workspaceId, viewer.key),
      ]);
      // Every hidden row is someone's member row, so the rule needs no member list here (the content lists them when it is built).
      const seen = memberVisibility({ memberIds: [...scope.hiddenMemberIds], hidden: scope.hiddenMemberIds, minGroupSize: workspace?.minGroupSize });
      const privacy = { unnamed: seen.unnamed, teamTotals: seen.teamTotals };
      const hidden = dismissals.filter((d) => isHidden(d, now)).map((d) => d.itemKey).sort();
      const params = [ctx.session, ctx.locale, ctx.notice ?? null, range, scope.key, privacy, hidden, Math.floor(now / HOUR)];
      const answer = await memoized(
        deps,
        session.workspaceId,
        'dashboard.overview.page',
        params,
        async () => {
          const content = await memoized(
            deps,
            session.workspaceId,
            'dashboard.overview',
            [range, ctx.locale, scope.key, privacy],
            async () => {
              const overview = await loadOverview(deps, session.workspaceId, range);
              const named = { ...overview, members: overview.members.filter((m) => !scope.hiddenMemberIds.has(m.id)) };
              return String(await OverviewContent({ ctx, overview: named, privacy }).toString());
            },
            scope.dataVersion,
          );
          const list = await doNextFor(deps, viewer, scope, dismissals);
          const doNext = DoNextSection({ ctx, list, mail: !!deps.mail });
          const html = await (await OverviewPage({ ctx, content, doNext })).toString();
          const bytes = new TextEncoder().encode(`<!doctype html>${html}`) as Uint8Array<ArrayBuffer>;
          return { bytes, gzipped: await gzip(bytes) };
        },
        scope.dataVersion,
      );
      const headers = { 'content-type': 'text/html; charset=UTF-8', vary: 'Accept-Encoding' };
      if (acceptsGzip(c.req.header('accept-encoding'))) return c.body(answer.gzipped, 200, { ...headers, 'content-encoding': 'gzip' });
      return c.body(answer.bytes, 200, headers);
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
