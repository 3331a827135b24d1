/**
 * What every dashboard router shares: the session guard each page declares (`page(role)`: who
 * may open it, like `secured` does for the API), the locale, the page frame and how expected
 * failures render. Pages are server-rendered (hono/jsx); every form post carries a CSRF token
 * bound to the session, checked before the handler runs.
 *
 * `createKit` runs past the usual 80 lines: it is the list of those shared pieces, which close
 * over the deps; each is a few lines.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { createMiddleware } from 'hono/factory';
import type { JSX } from 'hono/jsx/jsx-runtime';
import { isUnmeetError } from '../../../domain/errors';
import { roleAtLeast, type Role } from '../../../domain/roles';
import type { MemberRow } from '../../../db/members.repository';
import type { Deps } from '../../../services/deps';
import type { Principal } from '../../middleware/auth';
import { csrfToken, isSecureRequest, SESSION_COOKIE, verifyCsrf, type DashboardSession } from '../../middleware/session';
import { FLASH_MS, putFlash, takeFlash } from '../../../services/flash';
import { resolveSession } from '../../../services/sessions';
import { messages, pickLocale, requestedLocale, type Locale } from '../../views/i18n';
import { chosenLanguage } from '../../middleware/language';
import { doneText } from '../../views/texts/done';
import { errorText } from '../../views/texts/errors';
import { ErrorPage, type PageContext } from '../../views/layout';

export type Form = Record<string, string | string[]>;
export type DashEnv = { Variables: { session: DashboardSession; principal: Principal; form: Form } };
export type Ctx = Context<DashEnv>;
export type Notice = PageContext['notice'];

const FLASH_COOKIE = 'um_flash';
export const first = (value: string | string[] | undefined): string => (Array.isArray(value) ? (value[0] ?? '') : (value ?? ''));
export const list = (value: string | string[] | undefined): string[] => (Array.isArray(value) ? value : value ? [value] : []);
export const isDate = (v: string | undefined): v is string => !!v && /^\d{4}-\d{2}-\d{2}$/.test(v);

/** The Content-Security-Policy of every dashboard page: our own script and styles only. */
export function dashboardCsp(deps: Pick<Deps, 'google' | 'microsoft'>): string {
  const oauthOrigins = [
    deps.google?.oauthRoot ? new URL(deps.google.oauthRoot).origin : 'https://accounts.google.com',
    deps.microsoft?.oauthRoot ? new URL(deps.microsoft.oauthRoot).origin : 'https://login.microsoftonline.com',
  ];
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    `form-action 'self' ${oauthOrigins.join(' ')}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');
}

/** The dashboard toolkit bound to `deps`: create once per app. */
export function createKit(deps: Deps) {
  const csp = dashboardCsp(deps);

  /** CSP and no-store on a dashboard answer (its pages hold CSRF tokens and personal numbers). */
  const secureAnswer = (res: Response) => {
    res.headers.set('Content-Security-Policy', csp);
    if (!res.headers.has('Cache-Control')) res.headers.set('Cache-Control', 'no-store');
  };
  const headers: MiddlewareHandler = async (c, next) => {
    await next();
    secureAnswer(c.res);
  };

  /**
   * The locale: `?lang=` (remembered in a cookie), then the cookie, Accept-Language, and last the
   * members' majority (listed only when nothing else decides).
   */
  async function localeOf(c: Context, members: () => Promise<readonly MemberRow[]> | readonly MemberRow[] = () => []): Promise<Locale> {
    const asked = { chosen: chosenLanguage(c, deps.publicUrl), acceptLanguage: c.req.header('accept-language') };
    return requestedLocale(asked) ?? pickLocale({ ...asked, memberLocales: (await members()).map((m) => m.locale) });
  }

  async function pageContext(c: Context, session: DashboardSession | undefined, members?: readonly MemberRow[]): Promise<PageContext> {
    const person = session?.personId ? await deps.repos.people.get(session.personId) : undefined;
    const chosen = person ? [{ locale: person.locale } as MemberRow] : undefined;
    const locale = await localeOf(c, () => members ?? chosen ?? (session ? deps.repos.members.list(session.workspaceId) : []));
    const t = messages(locale);
    const ok = c.req.query('ok');
    const done = ok ? doneText(locale, ok, c.req.path) : undefined;
    const notice = done ? { kind: 'ok' as const, text: done } : undefined;
    const languageSwitched = c.req.query('lang') === locale;
    if (!session) return { t, locale, path: c.req.path, notice, languageSwitched, session: undefined };
    const workspace = await deps.repos.workspaces.get(session.workspaceId);
    const workspaces = person ? await deps.repos.people.workspacesOf(person.id) : [];
    return {
      t,
      locale,
      path: c.req.path,
      notice,
      languageSwitched,
      session: {
        csrf: await csrfToken(deps, session),
        workspaceName: workspace?.name ?? '',
        role: session.role,
        person: person ? { name: person.name, email: person.email } : undefined,
        workspaceCount: workspaces.length,
      },
    };
  }

  async function render(c: Context, session: DashboardSession | undefined, view: (ctx: PageContext) => JSX.Element, members?: readonly MemberRow[], notice?: Notice) {
    const ctx = await pageContext(c, session, members);
    const page = view(notice ? { ...ctx, notice } : ctx);
    return `<!doctype html>${await page.toString()}`;
  }

  const errorPage = async (c: Context, session: DashboardSession | undefined, status: 401 | 403 | 404 | 429, message: (t: PageContext['t']) => string) =>
    c.html(await render(c, session, (ctx) => ErrorPage({ ctx, title: status === 404 ? ctx.t.notFoundTitle : ctx.t.errorTitle, message: message(ctx.t) })), status);

  /**
   * The guard of a dashboard page: a live session (else the sign-in page), at least `role` (else
   * a 403 page; a member who opens a team page is sent to their own week), with `person` a
   * signed-in person (an API key has no "me"), and on a form post a valid CSRF token first.
   */
  const page = (role: Role, options: { person?: boolean } = {}) =>
    createMiddleware<DashEnv>(async (c, next) => {
      const refused = await guard(c, role, options);
      if (refused) {
        secureAnswer(refused);
        return refused;
      }
      await next();
      secureAnswer(c.res);
    });

  async function guard(c: Ctx, role: Role, options: { person?: boolean }): Promise<Response | undefined> {
      const token = getCookie(c, SESSION_COOKIE);
      const resolved = token ? await resolveSession(deps, token) : undefined;
      if (!resolved || resolved === 'no_workspace') {
        if (resolved === 'no_workspace' && c.req.method === 'GET') return c.redirect('/auth/workspaces', 303);
        if (c.req.method === 'GET' || c.req.method === 'HEAD') return c.redirect(getCookie(c, 'um_session') ? '/sign-in?expired=1' : '/sign-in', 303);
        return errorPage(c, undefined, 401, (t) => t.sessionExpired);
      }
      const session: DashboardSession = { workspaceId: resolved.workspaceId, nonce: resolved.csrfNonce, expiresAt: resolved.expiresAt, role: resolved.role, personId: resolved.personId, memberId: resolved.memberId };
      // The same per-session budget the API applies to a session cookie.
      const verdict = deps.rateLimiter?.take(resolved.sessionId);
      if (verdict && !verdict.ok) {
        c.header('Retry-After', String(verdict.retryAfterSeconds));
        return errorPage(c, session, 429, (t) => t.rateLimited.replace('{s}', String(verdict.retryAfterSeconds)));
      }
      c.set('session', session);
      c.set('principal', { kind: 'session', ...resolved });
      if (c.req.method === 'POST') {
        const form = (await c.req.parseBody({ all: true })) as Form;
        if (!(await verifyCsrf(c, deps, session, form._csrf))) return errorPage(c, session, 403, (t) => t.forbidden);
        c.set('form', form);
      }
      if (!roleAtLeast(session.role, role)) {
        if (c.req.method === 'GET' && c.req.path === '/' && session.personId) return c.redirect('/me', 303);
        return errorPage(c, session, 403, (t) => t.roleTooLow);
      }
      if (options.person && !session.personId) return errorPage(c, session, 403, (t) => t.personOnly);
      return undefined;
  }

  /** An expected failure as a page: 404 for ids outside this workspace, otherwise its status and message. */
  async function failure(c: Ctx, error: unknown) {
    if (!isUnmeetError(error)) throw error;
    const status = error.status;
    const session = c.get('session');
    if (status === 404) return errorPage(c, session, 404, (t) => t.notFound);
    return c.html(await render(c, session, (ctx) => ErrorPage({ ctx, title: ctx.t.errorTitle, message: errorText(ctx.locale, error) })), status);
  }

  /**
   * POST-redirect-GET with an outcome: stores `payload` as a one-time flash of this session (see
   * services/flash.ts) and answers 303 to `location`, whose GET shows it once via `readFlash`.
   */
  async function redirectWithFlash(c: Ctx, location: string, payload: unknown) {
    const token = await putFlash(deps, c.get('session').nonce, payload);
    setCookie(c, FLASH_COOKIE, token, { httpOnly: true, sameSite: 'Lax', path: '/', secure: isSecureRequest(c, deps.publicUrl), maxAge: FLASH_MS / 1000 });
    return c.redirect(location, 303);
  }

  /** The flash waiting for this page, taken (so a reload shows it no more); undefined when none. */
  async function readFlash<T>(c: Ctx): Promise<T | undefined> {
    const token = getCookie(c, FLASH_COOKIE);
    if (!token) return undefined;
    deleteCookie(c, FLASH_COOKIE, { path: '/', secure: isSecureRequest(c, deps.publicUrl) });
    return takeFlash<T>(deps, c.get('session').nonce, token);
  }

  return { headers, page, localeOf, pageContext, render, failure, errorPage, redirectWithFlash, readFlash };
}

export type Kit = ReturnType<typeof createKit>;
