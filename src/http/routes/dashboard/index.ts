/**
 * The web dashboard: server-rendered pages (hono/jsx) over the same services as the API, in
 * per-area routers. Signed in as a person (Google, Microsoft, an email link) or, for operators,
 * with an API key; either way a server-side session. Every page declares the least role it needs
 * (`kit.page(role)`), the navigation offers only what the role may open, and every form post
 * carries a CSRF token bound to the session. Expected failures render as a page with the
 * message; an id from another workspace is a 404, like in the API.
 *
 * Middleware is attached to the dashboard's own routes only: this router is mounted at `/`
 * beside the API, and must not touch `/v1/*` or `/auth/*`.
 */
import { Hono, type Context } from 'hono';
import type { Deps } from '../../../services/deps';
import { DASHBOARD_CSS, DASHBOARD_ICON, DASHBOARD_JS } from '../../views/assets';
import { NotFoundPage } from '../../views/not-found';
import { connectionRoutes } from './connections';
import { createKit, dashboardCsp, type DashEnv } from './kit';
import { meRoutes } from './me';
import { overviewRoutes } from './overview';
import { outboxPageRoutes } from './outbox';
import { peopleRoutes } from './people';
import { reportRoutes } from './reports';
import { rotationRoutes } from './rotation';
import { signInRoutes } from './sign-in';
import { teamRoutes } from './team';

/** The dashboard's routes, to mount at `/`. */
export function dashboardRoutes(deps: Deps) {
  const app = new Hono<DashEnv>();
  const kit = createKit(deps);

  const asset = (body: string, type: string) => (c: Context) => c.body(body, 200, { 'content-type': type, 'cache-control': 'public, max-age=3600' });
  app.get('/assets/dashboard.css', kit.headers, asset(DASHBOARD_CSS, 'text/css; charset=utf-8'));
  app.get('/assets/dashboard.js', kit.headers, asset(DASHBOARD_JS, 'text/javascript; charset=utf-8'));
  app.get('/assets/icon.svg', kit.headers, asset(DASHBOARD_ICON, 'image/svg+xml'));

  app.route('/', signInRoutes(deps, kit));
  app.route('/', meRoutes(deps, kit));
  app.route('/', teamRoutes(deps, kit));
  app.route('/', overviewRoutes(deps, kit));
  app.route('/', reportRoutes(deps, kit));
  app.route('/', rotationRoutes(deps, kit));
  app.route('/', connectionRoutes(deps, kit));
  app.route('/', peopleRoutes(deps, kit));
  app.route('/', outboxPageRoutes(deps, kit));

  // Last: a browser asking for a page that does not exist gets one saying so, in its language
  // (no session lookup: a scanner's misses cost nothing). API paths and non-HTML clients fall
  // through to the app's problem+json 404.
  const csp = dashboardCsp(deps);
  app.get('*', async (c, next) => {
    if (!wantsDashboardPage(c.req.path, c.req.header('accept'))) return next();
    const page = await kit.render(c, undefined, (ctx) => NotFoundPage({ ctx }));
    return c.html(page, 404, { 'Content-Security-Policy': csp, 'Cache-Control': 'no-store' });
  });
  return app;
}

/** Paths that are not the dashboard's: the API, sign-in, webhooks and the API's documents. */
const NOT_DASHBOARD = /^\/(v1|auth|webhooks|docs)(\/|$)|^\/(openapi\.json|healthz|readyz)$/;

/** Whether a GET for `path` that nothing answered should get the dashboard's HTML 404. */
export function wantsDashboardPage(path: string, accept: string | undefined): boolean {
  return !!accept?.includes('text/html') && !NOT_DASHBOARD.test(path);
}
