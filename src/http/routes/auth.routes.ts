/**
 * Public sign-in routes (not in /openapi.json: they are browser pages and redirects, and open to
 * anyone). OpenID sign-in with Google and Microsoft, one-time email links, the first-start setup
 * link, the workspace chooser and sign-out. Every route here is budgeted per client address;
 * refusals answer problem+json, or a small page with the same status and code for browsers.
 *
 * `authRoutes` runs past the usual 80 lines: it lists these routes together with the few steps
 * they share (render a page under this CSP, set cookies, begin a session), which close over the
 * deps and the CSP; each handler is short.
 */
import { Hono, type Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { JSX } from 'hono/jsx/jsx-runtime';
import { z } from 'zod';
import { isUnmeetError } from '../../domain/errors';
import { authErrors } from '../../domain/error-codes/auth';
import { requestErrors } from '../../domain/error-codes/request';
import { signinErrors, signupErrors } from '../../domain/error-codes/signin';
import { workspaceErrors } from '../../domain/error-codes/workspace';
import type { IdentityProvider } from '../../providers/identity/identity-client';
import type { Deps } from '../../services/deps';
import { peekLink, requestEmailLink, type LinkIntent } from '../../services/one-time-links';
import { endAllSessions, endSession, resolveSession, startSession } from '../../services/sessions';
import {
  cleanWorkspaceName,
  completeLinkSignIn,
  completeOidcSignIn,
  createOwnedWorkspace,
  mayCreateWorkspace,
  providerConfigured,
  startOidcSignIn,
  type SignInOutcome,
} from '../../services/sign-in';
import { digestOf } from '../../services/workspaces';
import { problem } from '../errors';
import { clientAddressOf, limitByClientAddress } from '../middleware/client-limit';
import { crossOrigin, isSecureRequest, preSessionToken, SESSION_COOKIE, setSessionCookie, signOut, verifyCsrf } from '../middleware/session';
import { authMessages, LinkPage, LinkSentPage, MessagePage, SetupPage, WorkspacesPage, type AuthPageContext } from '../views/auth-pages';
import { requestedLocale } from '../views/i18n';
import { chosenLanguage } from '../middleware/language';
import { errorText } from '../views/texts/errors';

/** Holds the proof (bound to the session) that this sign-in's provider vouched for a listed domain. */
const SIGNUP_COOKIE = 'um_signup';
const PROVIDERS = new Set<IdentityProvider>(['google', 'microsoft']);



type Body = Record<string, string | undefined>;

/** A form or JSON body as flat strings (anything else is dropped). */
async function readBody(c: Context): Promise<Body> {
  const type = c.req.header('content-type') ?? '';
  const raw: Record<string, unknown> = type.includes('application/json')
    ? ((await c.req.json().catch(() => {
        throw requestErrors.malformed_json('The request body is not valid JSON.');
      })) ?? {})
    : await c.req.parseBody();
  return Object.fromEntries(Object.entries(raw).filter(([, v]) => typeof v === 'string').map(([k, v]) => [k, (v as string).slice(0, 2000)]));
}

const wantsHtml = (c: Context) => (c.req.header('accept') ?? '').includes('text/html');
const isForm = (c: Context) => !(c.req.header('content-type') ?? '').includes('application/json');

export function authRoutes(deps: Deps) {
  const app = new Hono();
  const oauthOrigins = [
    deps.google?.oauthRoot ? new URL(deps.google.oauthRoot).origin : 'https://accounts.google.com',
    deps.microsoft?.oauthRoot ? new URL(deps.microsoft.oauthRoot).origin : 'https://login.microsoftonline.com',
  ];
  const csp = `default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self' ${oauthOrigins.join(' ')}; frame-ancestors 'none'; base-uri 'none'`;

  app.use('/auth/*', limitByClientAddress(deps));
  app.use('/auth/*', async (c, next) => {
    await next();
    c.res.headers.set('Cache-Control', 'no-store');
    if ((c.res.headers.get('content-type') ?? '').startsWith('text/html')) c.res.headers.set('Content-Security-Policy', csp);
  });

  /** The language: `?lang=` (remembered, as on the dashboard), the cookie, Accept-Language, then the person's own (when known). */
  const pageContext = (c: Context, personLocale?: string): AuthPageContext => {
    const locale = requestedLocale({ chosen: chosenLanguage(c, deps.publicUrl), acceptLanguage: c.req.header('accept-language') }) ?? (personLocale === 'id' ? 'id' : 'en');
    return { locale, t: authMessages(locale), languageSwitched: c.req.query('lang') === locale };
  };
  const page = async (c: Context, view: (ctx: AuthPageContext) => JSX.Element, status: 200 | 202 | 400 | 401 | 403 | 404 | 410 = 200, personLocale?: string) =>
    c.html(`<!doctype html>${await view(pageContext(c, personLocale)).toString()}`, status);

  /** An expected refusal: problem+json, or a page with the same status and code for a browser. */
  async function fail(c: Context, error: unknown): Promise<Response> {
    if (!isUnmeetError(error)) throw error;
    if (!wantsHtml(c)) return problem(c, error);
    const ctx = pageContext(c);
    return c.html(`<!doctype html>${await MessagePage({ ctx, title: ctx.t.errorTitle, message: errorText(ctx.locale, error), code: error.code }).toString()}`, error.status);
  }

  /** The signed-in person's session, with or without a workspace yet (these pages serve both). */
  async function personSession(c: Context) {
    const token = getCookie(c, SESSION_COOKIE);
    if (!token) return undefined;
    const resolved = await resolveSession(deps, token);
    if (!resolved) return undefined;
    const id = await digestOf(token);
    const row = resolved === 'no_workspace' ? await deps.repos.sessions.find(id) : undefined;
    const personId = resolved === 'no_workspace' ? row?.personId : resolved.personId;
    if (!personId) return undefined;
    const nonce = resolved === 'no_workspace' ? row!.csrfNonce : resolved.csrfNonce;
    const workspaceId = resolved === 'no_workspace' ? null : resolved.workspaceId;
    return { id, personId, nonce, workspaceId };
  }
  type PersonSession = NonNullable<Awaited<ReturnType<typeof personSession>>>;

  const sessionCsrf = (c: Context, s: PersonSession, token: string | undefined) =>
    verifyCsrf(c, deps, { workspaceId: s.workspaceId ?? '', nonce: s.nonce, expiresAt: 0, role: 'member', personId: s.personId, memberId: null }, token);

  const cookieOptions = (c: Context, maxAge: number) => ({ httpOnly: true, secure: isSecureRequest(c, deps.publicUrl), sameSite: 'Lax', path: '/', maxAge }) as const;

  /** A new session (a new id, every time) replacing whatever this browser had; then the workspace, or the chooser. */
  async function beginSession(c: Context, personId: string, workspaceId: string | null, domainSignup: boolean): Promise<Response> {
    const previous = getCookie(c, SESSION_COOKIE);
    if (previous) await endSession(deps, previous);
    const session = await startSession(deps, { workspaceId, personId });
    setSessionCookie(c, deps, session);
    if (domainSignup) setCookie(c, SIGNUP_COOKIE, await deps.vault.sign(`signup.${await digestOf(session.token)}`), cookieOptions(c, session.maxAgeSeconds));
    else deleteCookie(c, SIGNUP_COOKIE, { path: '/' });
    const next = workspaceId ? '/' : '/auth/workspaces';
    // Back from the provider the navigation began on another site, and a browser would not send
    // the SameSite=Strict cookie on a redirect in that chain: a page of ours takes the next step.
    if (c.req.method === 'GET' && wantsHtml(c)) {
      return c.html(`<!doctype html><html><head><meta charset="utf-8"><meta http-equiv="refresh" content="0;url=${next}"></head><body><a href="${next}">Continue</a></body></html>`);
    }
    return c.redirect(next, 303);
  }
  const signedIn = (c: Context, outcome: SignInOutcome) => beginSession(c, outcome.person.id, outcome.workspaceId, outcome.domainSignup);

  const hasSignupProof = async (c: Context, s: PersonSession) => {
    const proof = getCookie(c, SIGNUP_COOKIE);
    return proof !== undefined && proof.length < 200 && (await deps.vault.verify(`signup.${s.id}`, proof));
  };

  // --- OpenID Connect --------------------------------------------------------------------------

  app.get('/auth/:provider/start', async (c) => {
    const provider = c.req.param('provider') as IdentityProvider;
    if (!PROVIDERS.has(provider)) return problem(c, requestErrors.not_found(`No route for GET ${c.req.path}.`));
    const [setup, invite] = [c.req.query('setup'), c.req.query('invite')];
    const intent: LinkIntent = setup
      ? { kind: 'setup', token: setup.slice(0, 200), workspaceName: cleanWorkspaceName(c.req.query('name')) }
      : invite
        ? { kind: 'invite', token: invite.slice(0, 200) }
        : { kind: 'sign-in' };
    try {
      return c.redirect(await startOidcSignIn(deps, provider, intent), 302);
    } catch (error) {
      return fail(c, error);
    }
  });

  app.get('/auth/:provider/callback', async (c) => {
    const provider = c.req.param('provider') as IdentityProvider;
    if (!PROVIDERS.has(provider)) return problem(c, requestErrors.not_found(`No route for GET ${c.req.path}.`));
    try {
      const outcome = await completeOidcSignIn(deps, provider, { state: c.req.query('state'), code: c.req.query('code'), error: c.req.query('error') });
      return await signedIn(c, outcome);
    } catch (error) {
      return fail(c, error);
    }
  });

  // --- one-time email links --------------------------------------------------------------------

  const emailSchema = z.email().max(254);

  app.post('/auth/email', async (c) => {
    try {
      if (crossOrigin(c, deps.publicUrl)) throw authErrors.forbidden('A sign-in request must come from this site.');
      const body = await readBody(c);
      const email = emailSchema.safeParse((body.email ?? '').trim());
      if (!email.success) throw signinErrors.invalid_email('Enter a valid email address.');
      const perClient = deps.mailRateLimiter?.take(clientAddressOf(deps, c));
      if (perClient && !perClient.ok) {
        c.header('Retry-After', String(perClient.retryAfterSeconds));
        throw signinErrors.too_many_links(`Too many sign-in links asked from this address; retry in ${perClient.retryAfterSeconds} s.`);
      }
      const intent: LinkIntent = body.setup
        ? { kind: 'setup', token: body.setup, workspaceName: cleanWorkspaceName(body.name) }
        : body.invite
          ? { kind: 'invite', token: body.invite }
          : { kind: 'sign-in' };
      // Answered without waiting for the mail server: a known address must not take longer.
      const { outcome } = await requestEmailLink(deps, { email: email.data, intent });
      deps.logger.info('sign-in link requested', { outcome });
      if (!isForm(c)) return c.json({ status: 'accepted', detail: 'If this address may sign in here, a link is on its way. It works once, within 15 minutes.' }, 202);
      // POST-redirect-GET: a reload shows the page again without asking for another mail.
      return c.redirect(intent.kind === 'sign-in' ? '/sign-in?sent=1' : '/auth/email/sent', 303);
    } catch (error) {
      return fail(c, error);
    }
  });

  app.get('/auth/email/sent', (c) => page(c, (ctx) => LinkSentPage({ ctx })));

  // The GET only shows a button: mail scanners open links, and must not use them up.
  app.get('/auth/link/:token', async (c) => {
    try {
      await peekLink(deps, c.req.param('token'), 'sign-in');
      const csrf = await preSessionToken(c, deps);
      return page(c, (ctx) => LinkPage({ ctx, action: `/auth/link/${c.req.param('token')}`, csrf, intent: c.req.query('i') }));
    } catch (error) {
      return fail(c, error);
    }
  });

  app.post('/auth/link/:token', async (c) => {
    try {
      // A dead link says so first (whatever the form): that tells nothing the GET did not.
      await peekLink(deps, c.req.param('token'), 'sign-in');
      const body = await readBody(c);
      if (!(await verifyCsrf(c, deps, 'pre', body._csrf))) throw authErrors.forbidden('This form has expired; open the link from the mail again.');
      return await signedIn(c, await completeLinkSignIn(deps, c.req.param('token'), body.i));
    } catch (error) {
      return fail(c, error);
    }
  });

  // --- first-start setup -----------------------------------------------------------------------

  app.get('/auth/setup/:token', async (c) => {
    try {
      await peekLink(deps, c.req.param('token'), 'setup');
      const csrf = await preSessionToken(c, deps);
      const ways = { google: providerConfigured(deps, 'google'), microsoft: providerConfigured(deps, 'microsoft'), email: Boolean(deps.mail?.transport) };
      return page(c, (ctx) => SetupPage({ ctx, token: c.req.param('token'), csrf, ways }));
    } catch (error) {
      return fail(c, error);
    }
  });

  // --- workspaces of the signed-in person ------------------------------------------------------

  app.get('/auth/workspaces', async (c) => {
    const session = await personSession(c);
    if (!session) return wantsHtml(c) ? c.redirect('/sign-in', 303) : problem(c, authErrors.session_expired('The session has ended; sign in again.'));
    const workspaces = await deps.repos.people.workspacesOf(session.personId);
    const canCreate = await mayCreateWorkspace(deps, session.personId, await hasSignupProof(c, session));
    const csrf = await deps.vault.sign(`csrf.${session.nonce}`);
    const person = await deps.repos.people.get(session.personId);
    return page(c, (ctx) => WorkspacesPage({ ctx, csrf, workspaces, current: session.workspaceId, canCreate }), 200, person?.locale);
  });

  /** Runs a form post of a signed-in person after the CSRF check. */
  const personForm = (handler: (c: Context, session: PersonSession, body: Body) => Promise<Response>) => async (c: Context) => {
    try {
      const session = await personSession(c);
      if (!session) throw authErrors.session_expired('The session has ended; sign in again.');
      const body = await readBody(c);
      if (!(await sessionCsrf(c, session, body._csrf))) throw authErrors.forbidden('This form has expired; reload the page and try again.');
      return await handler(c, session, body);
    } catch (error) {
      return fail(c, error);
    }
  };

  // Switching workspace is a new session (a new id), like any sign-in.
  app.post(
    '/auth/workspaces',
    personForm(async (c, session, body) => {
      const membership = body.workspaceId ? await deps.repos.people.membership(body.workspaceId, session.personId) : undefined;
      if (!membership) throw workspaceErrors.not_found('You do not belong to that workspace.');
      return beginSession(c, session.personId, membership.workspaceId, await hasSignupProof(c, session));
    }),
  );

  app.post(
    '/auth/workspaces/new',
    personForm(async (c, session, body) => {
      const proof = await hasSignupProof(c, session);
      if (!(await mayCreateWorkspace(deps, session.personId, proof))) {
        throw signupErrors.closed('Creating workspaces is not open to this account on this server; ask an admin for an invitation.');
      }
      const person = (await deps.repos.people.get(session.personId))!;
      const workspaceId = await createOwnedWorkspace(deps, person, body.name ?? '', 'signup');
      return beginSession(c, session.personId, workspaceId, proof);
    }),
  );

  // --- sign-out --------------------------------------------------------------------------------

  app.post('/auth/sign-out', async (c) => {
    if (crossOrigin(c, deps.publicUrl)) return fail(c, authErrors.forbidden('A sign-out must come from this site.'));
    await signOut(c, deps);
    deleteCookie(c, SIGNUP_COOKIE, { path: '/' });
    return c.redirect('/sign-in', 303);
  });

  app.post(
    '/auth/sign-out-everywhere',
    personForm(async (c, session) => {
      await endAllSessions(deps, session.personId);
      await signOut(c, deps);
      deleteCookie(c, SIGNUP_COOKIE, { path: '/' });
      return page(c, (ctx) => MessagePage({ ctx, title: ctx.t.signedOutTitle, message: ctx.t.signedOutLead }));
    }),
  );

  return app;
}
