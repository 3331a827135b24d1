/**
 * The HTTP app: middleware and routers in the order they apply. `createApp` runs past the usual
 * 80 lines only because it is that list; each piece lives in its own module.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { requestId, type RequestIdVariables } from 'hono/request-id';
import { secureHeaders } from 'hono/secure-headers';
import type { Deps } from '../services/deps';
import { problem, renderError } from './errors';
import { authenticate, type AuthVariables } from './middleware/auth';
import { limitByClientAddress } from './middleware/client-limit';
import { SESSION_COOKIE } from './middleware/session';
import { adminRoutes } from './routes/admin.routes';
import { auditRoutes } from './routes/audit.routes';
import { authRoutes } from './routes/auth.routes';
import { googleApiRoutes, googleRoutes } from './routes/google.routes';
import { microsoftApiRoutes, microsoftRoutes } from './routes/microsoft.routes';
import { connectionsRoutes } from './routes/connections.routes';
import { dashboardRoutes } from './routes/dashboard.routes';
import { digestUnsubscribeRoutes, myDigestRoutes } from './routes/digest.routes';
import { docsRoutes } from './routes/docs.routes';
import { BODY_LIMITS } from './routes/shared';
import { flagsRoutes } from './routes/flags.routes';
import { focusRoutes } from './routes/focus.routes';
import { inviteRoutes } from './routes/invite.routes';
import { peopleRoutes } from './routes/people.routes';
import { membersRoutes } from './routes/members.routes';
import { meRoutes } from './routes/me.routes';
import { mailLinkRoutes, outboxRoutes } from './routes/outbox.routes';
import { rotationsRoutes } from './routes/rotations.routes';
import { groupsRoutes } from './routes/groups.routes';
import { myRoutes } from './routes/my.routes';
import { teamRoutes } from './routes/team.routes';
import { doNextRoutes } from './routes/do-next.routes';
import { workspaceRoutes, workspacesPublicRoutes } from './routes/workspaces.routes';
import { completeOpenApiDocument } from './operation-ids';
import { requestErrors } from '../domain/error-codes/request';

export type AppEnv = { Variables: AuthVariables & RequestIdVariables };

/** Paths whose next segment is a secret (one-time links, invitations, confirmations, setup). */
const SECRET_PATH = /^(\/auth\/link\/|\/auth\/setup\/|\/invite\/|\/v1\/mail\/confirm\/)[^/]+/;

/** The path as logged: a link's token is a credential, so it never reaches the logs. */
export const loggedPath = (path: string) => path.replace(SECRET_PATH, '$1[redacted]');


/**
 * The HTTP API. Everything it touches comes in through `deps`, so the same app serves Node,
 * Workers and tests (through `app.request()`).
 */
export function createApp(deps: Deps) {
  const app = new OpenAPIHono<AppEnv>({
    defaultHook: (result, c) => {
      if (!result.success) {
        const issues = result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
        const detail = issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ');
        return problem(c, requestErrors.invalid(detail), { issues });
      }
    },
  });

  app.use('*', requestId());
  // One structured line per request: the path only (a query may hold an OAuth code), never bodies.
  app.use('*', async (c, next) => {
    const started = Date.now();
    await next();
    deps.logger.info('request', { requestId: c.get('requestId'), method: c.req.method, path: loggedPath(c.req.path), status: c.res.status, ms: Date.now() - started });
  });
  app.use('*', secureHeaders());
  // Whatever a write changed (a key, a membership, the data version), this isolate sees it next.
  app.use('*', async (c, next) => {
    await next();
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') deps.readCache?.clear();
  });
  app.use('*', async (c, next) => {
    // No GET or HEAD handler reads a body; and asking for one makes the Node adapter build a
    // full Request object, a good share of a small request's cost.
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
    const ics = /^\/v1\/connections\//.test(c.req.path);
    return bodyLimit({
      maxSize: ics ? BODY_LIMITS.ics : BODY_LIMITS.json,
      onError: (c) => problem(c, requestErrors.too_large(`The body is larger than ${ics ? '10 MiB' : '256 KiB'}.`)),
    })(c, next);
  });

  app.get('/healthz', (c) => c.json({ ok: true }));
  app.get('/readyz', async (c) => {
    const checks = deps.readiness ? await deps.readiness() : { database: true };
    const ok = Object.values(checks).every(Boolean);
    return c.json({ ok, checks }, ok ? 200 : 503);
  });

  // Public: workspace creation (admin token), signed mail links, OAuth callbacks, push webhooks.
  app.route('/v1', workspacesPublicRoutes(deps));
  // Instance operations (re-seal), opened only by the instance admin token, never a workspace's.
  app.route('/v1/admin', adminRoutes(deps));
  // Unauthenticated pages are budgeted per client address (the /auth routes do it themselves).
  app.use('/invite/*', limitByClientAddress(deps));
  app.use('/v1/mail/*', limitByClientAddress(deps));
  app.route('/v1/mail', mailLinkRoutes(deps));
  app.route('/v1/mail/digest', digestUnsubscribeRoutes(deps));
  app.route('/', googleRoutes(deps));
  app.route('/', microsoftRoutes(deps));
  app.route('/', authRoutes(deps));
  app.route('/', inviteRoutes(deps));

  // Everything else under /v1 hangs under one authenticated sub-app: an API key or a session
  // cookie establishes the workspace and role, and each operation declares the role it needs.
  const api = new OpenAPIHono<AppEnv>();
  api.use('*', authenticate(deps));
  api.route('/', workspaceRoutes(deps));
  api.route('/members', membersRoutes(deps));
  api.route('/connections', connectionsRoutes(deps));
  api.route('/audit', auditRoutes(deps));
  api.route('/', googleApiRoutes(deps));
  api.route('/', microsoftApiRoutes(deps));
  api.route('/flags', flagsRoutes(deps));
  api.route('/outbox', outboxRoutes(deps));
  api.route('/rotations', rotationsRoutes(deps));
  api.route('/focus', focusRoutes(deps));
  api.route('/me', meRoutes(deps));
  api.route('/me/digest', myDigestRoutes(deps));
  api.route('/', peopleRoutes(deps));
  api.route('/groups', groupsRoutes(deps));
  api.route('/my', myRoutes(deps));
  api.route('/team', teamRoutes(deps));
  api.route('/do-next', doNextRoutes(deps));
  app.route('/v1', api);

  // The web dashboard (HTML, session cookie + CSRF; its middleware covers only its own paths).
  app.route('/', dashboardRoutes(deps));

  app.openAPIRegistry.registerComponent('securitySchemes', 'apiKey', {
    type: 'http',
    scheme: 'bearer',
    description: 'A workspace API key (`um_...`), shown once when created; it carries a role (`admin` or `manager`).',
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'session', {
    type: 'apiKey',
    in: 'cookie',
    name: SESSION_COOKIE,
    description: 'The session cookie set by signing in (dashboard); it carries the person\'s role in the workspace. Writes must come from this origin.',
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'adminToken', {
    type: 'http',
    scheme: 'bearer',
    description: 'The instance admin token (UNMEET_ADMIN_TOKEN), for creating workspaces over HTTP and for instance operations (`/v1/admin/...`).',
  });
  // Generated on first request (every route is registered by then) and kept: it cannot change
  // for the life of the app. operationIds and servers are filled in for generated clients.
  let openApiDocument: object | undefined;
  app.get('/openapi.json', (c) => {
    openApiDocument ??= completeOpenApiDocument(
      app.getOpenAPI31Document({
        openapi: '3.1.0',
        info: {
          title: 'unmeet API',
          version: '1',
          license: { name: 'MIT', url: 'https://opensource.org/licenses/MIT' },
          description: 'Meeting audits, async suggestions, focus protection and fair rotation. Errors are RFC 9457 problem+json with a stable `code`.',
        },
      }),
      deps.publicUrl,
    );
    return c.json(openApiDocument);
  });
  app.route('/', docsRoutes(deps));

  app.notFound((c) => problem(c, requestErrors.not_found(`No route for ${c.req.method} ${c.req.path}.`)));
  app.onError((error, c) => renderError(error, c, deps.logger));
  return app;
}
