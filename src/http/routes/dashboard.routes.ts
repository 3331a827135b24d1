/**
 * The web dashboard: server-rendered pages (hono/jsx) over the same services as the API.
 * Signed in with the workspace API key, then a sealed session cookie (see middleware/session);
 * every form post carries a CSRF token bound to the session. Expected failures render as a
 * page with the message; an id from another workspace is a 404, like in the API.
 *
 * Middleware is registered on the dashboard's own paths only: this router is mounted at `/`
 * beside the API, and must not touch `/v1/*`.
 */
import { Hono, type Context } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { raw } from 'hono/html';
import { DateTime } from 'luxon';
import type { JSX } from 'hono/jsx/jsx-runtime';
import { isUnmeetError, UnmeetError } from '../../domain/errors';
import type { MemberRow } from '../../db/members.repository';
import { disconnect } from '../../services/connections';
import { loadHeatmaps, loadOverview, resolveWeeks } from '../../services/dashboard';
import type { Deps } from '../../services/deps';
import { memoized } from '../../services/memo';
import { decideSeries, defaultFlagRange, listFlags } from '../../services/flags';
import { applyFocus, planMemberFocus, setMemberFocus } from '../../services/focus';
import { startGoogleConnect } from '../../services/google';
import { startMicrosoftConnect } from '../../services/microsoft';
import { commitRotation, getRotation, previewRotation, rotationIcs, rotationLedger, type RotationView } from '../../services/rotation';
import { rotationInput } from '../../services/rotation-input';
import { prepareSuggestion, queueSuggestion } from '../../services/suggestions';
import { connectIcs } from '../../services/sync';
import { createApiKey, revokeApiKey } from '../../services/workspaces';
import { statusForCode } from '../errors';
import { csrfToken, isSecureRequest, preSessionToken, readSession, signInWithKey, signOut, verifyCsrf, type DashboardSession } from '../middleware/session';
import { DASHBOARD_CSS, DASHBOARD_ICON, DASHBOARD_JS } from '../views/assets';
import { ConnectionsPage } from '../views/connections';
import { FLAG_SORT_KEYS, FlagsPage, PreviewPage, sortFlags, type FlagSortKey, type SortDir } from '../views/flags';
import { FocusPage, type FocusView } from '../views/focus';
import { HeatmapPage } from '../views/heatmap';
import { messages, pickLocale, requestedLocale, type Locale } from '../views/i18n';
import { ErrorPage, SignInPage, type PageContext } from '../views/layout';
import { OverviewContent, OverviewPage } from '../views/overview';
import { RotationPage, type RotationFormValues } from '../views/rotation';

type Form = Record<string, string | string[]>;
type DashEnv = { Variables: { session: DashboardSession; form: Form } };
type Ctx = Context<DashEnv>;

const LANG_COOKIE = 'um_lang';
const PROTECTED = ['/', '/heatmap', '/flags', '/flags/*', '/focus', '/focus/*', '/rotation', '/rotation/*', '/connections', '/connections/*', '/sign-out'];
const ALL = [...PROTECTED, '/sign-in', '/assets/*'];
const OK_NOTICES = ['queued', 'decided', 'disconnected', 'connected', 'committed', 'applied', 'toggled', 'revoked'] as const;

const first = (value: string | string[] | undefined): string => (Array.isArray(value) ? (value[0] ?? '') : (value ?? ''));
const list = (value: string | string[] | undefined): string[] => (Array.isArray(value) ? value : value ? [value] : []);
const isDate = (v: string | undefined): v is string => !!v && /^\d{4}-\d{2}-\d{2}$/.test(v);

export function dashboardRoutes(deps: Deps) {
  const app = new Hono<DashEnv>();
  const oauthOrigins = [
    deps.google?.oauthRoot ? new URL(deps.google.oauthRoot).origin : 'https://accounts.google.com',
    deps.microsoft?.oauthRoot ? new URL(deps.microsoft.oauthRoot).origin : 'https://login.microsoftonline.com',
  ];
  const csp = [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    `form-action 'self' ${oauthOrigins.join(' ')}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');

  for (const path of ALL) {
    app.use(path, async (c, next) => {
      await next();
      c.res.headers.set('Content-Security-Policy', csp);
      if (!c.res.headers.has('Cache-Control')) c.res.headers.set('Cache-Control', 'no-store');
    });
  }

  // Authenticated pages: no session → the sign-in page; every form post → CSRF checked first.
  for (const path of PROTECTED) {
    app.use(path, async (c, next) => {
      const session = await readSession(c, deps);
      if (!session) {
        if (c.req.method === 'GET' || c.req.method === 'HEAD') return c.redirect(getCookie(c, 'um_session') ? '/sign-in?expired=1' : '/sign-in', 303);
        return c.html(await render(c, undefined, (ctx) => ErrorPage({ ctx, title: ctx.t.errorTitle, message: ctx.t.sessionExpired })), 401);
      }
      c.set('session', session);
      if (c.req.method === 'POST') {
        const form = (await c.req.parseBody({ all: true })) as Form;
        if (!(await verifyCsrf(c, deps, session, form._csrf))) {
          return c.html(await render(c, session, (ctx) => ErrorPage({ ctx, title: ctx.t.errorTitle, message: ctx.t.forbidden })), 403);
        }
        c.set('form', form);
      }
      await next();
    });
  }

  /**
   * The locale: `?lang=` (remembered in a cookie), then the cookie, Accept-Language, and last the
   * members' majority (listed only when nothing else decides).
   */
  async function localeOf(c: Context, members: () => Promise<readonly MemberRow[]> | readonly MemberRow[] = () => []): Promise<Locale> {
    const query = c.req.query('lang');
    if (query === 'en' || query === 'id') {
      setCookie(c, LANG_COOKIE, query, { httpOnly: true, sameSite: 'Lax', path: '/', secure: isSecureRequest(c, deps.publicUrl), maxAge: 365 * 86_400 });
    }
    const asked = { chosen: query ?? getCookie(c, LANG_COOKIE), acceptLanguage: c.req.header('accept-language') };
    return requestedLocale(asked) ?? pickLocale({ ...asked, memberLocales: (await members()).map((m) => m.locale) });
  }

  async function pageContext(c: Context, session: DashboardSession | undefined, members?: readonly MemberRow[]): Promise<PageContext> {
    const locale = await localeOf(c, () => members ?? (session ? deps.repos.members.list(session.workspaceId) : []));
    const t = messages(locale);
    const ok = c.req.query('ok');
    const notice = ok && (OK_NOTICES as readonly string[]).includes(ok) ? { kind: 'ok' as const, text: t.done } : undefined;
    const workspace = session ? await deps.repos.workspaces.get(session.workspaceId) : undefined;
    return {
      t,
      locale,
      path: c.req.path,
      notice,
      session: session ? { csrf: await csrfToken(deps, session), workspaceName: workspace?.name ?? '' } : undefined,
    };
  }

  async function render(c: Context, session: DashboardSession | undefined, view: (ctx: PageContext) => JSX.Element, members?: readonly MemberRow[], notice?: PageContext['notice']) {
    const ctx = await pageContext(c, session, members);
    const page = view(notice ? { ...ctx, notice } : ctx);
    return `<!doctype html>${await page.toString()}`;
  }

  /** An expected failure as a page: 404 for ids outside this workspace, otherwise its status and message. */
  async function failure(c: Ctx, error: unknown) {
    if (!isUnmeetError(error)) throw error;
    const status = statusForCode(error.code);
    const session = c.get('session');
    if (status === 404) return c.html(await render(c, session, (ctx) => ErrorPage({ ctx, title: ctx.t.notFoundTitle, message: ctx.t.notFound })), 404);
    return c.html(await render(c, session, (ctx) => ErrorPage({ ctx, title: ctx.t.errorTitle, message: error.message })), status);
  }

  // --- static assets -------------------------------------------------------------------------

  const asset = (body: string, type: string) => (c: Context) => c.body(body, 200, { 'content-type': type, 'cache-control': 'public, max-age=3600' });
  app.get('/assets/dashboard.css', asset(DASHBOARD_CSS, 'text/css; charset=utf-8'));
  app.get('/assets/dashboard.js', asset(DASHBOARD_JS, 'text/javascript; charset=utf-8'));
  app.get('/assets/icon.svg', asset(DASHBOARD_ICON, 'image/svg+xml'));

  // --- sign in / out -------------------------------------------------------------------------

  app.get('/sign-in', async (c) => {
    if (await readSession(c, deps)) return c.redirect('/', 303);
    const csrf = await preSessionToken(c, deps);
    return c.html(await render(c, undefined, (ctx) => SignInPage({ ctx, csrf, expired: c.req.query('expired') === '1' })));
  });

  app.post('/sign-in', async (c) => {
    const form = (await c.req.parseBody()) as Record<string, string>;
    if (!(await verifyCsrf(c, deps, 'pre', form._csrf))) {
      return c.html(await render(c, undefined, (ctx) => ErrorPage({ ctx, title: ctx.t.errorTitle, message: ctx.t.forbidden })), 403);
    }
    if (await signInWithKey(c, deps, typeof form.apiKey === 'string' ? form.apiKey : '')) return c.redirect('/', 303);
    const csrf = await preSessionToken(c, deps);
    return c.html(await render(c, undefined, (ctx) => SignInPage({ ctx, csrf, failed: true })), 401);
  });

  app.post('/sign-out', async (c) => {
    await signOut(c, deps);
    return c.redirect('/sign-in', 303);
  });

  // --- overview and heat map -----------------------------------------------------------------

  app.get('/', async (c) => {
    const session = c.get('session');
    const range = resolveWeeks(deps.clock(), { from: c.req.query('from'), weeks: c.req.query('weeks') });
    try {
      const ctx = await pageContext(c, session);
      // The content (hundreds of kilobytes of tables and charts for a large team) is rendered
      // once per data version, range and locale; only the page around it is per request.
      const content = await memoized(deps, session.workspaceId, 'dashboard.overview', [range, ctx.locale], async () =>
        raw(await OverviewContent({ ctx, overview: await loadOverview(deps, session.workspaceId, range) }).toString()),
      );
      return c.html(`<!doctype html>${await OverviewPage({ ctx, content }).toString()}`);
    } catch (error) {
      return failure(c, error);
    }
  });

  app.get('/heatmap', async (c) => {
    const session = c.get('session');
    const range = resolveWeeks(deps.clock(), { from: c.req.query('from'), weeks: c.req.query('weeks') });
    const heatmaps = await loadHeatmaps(deps, session.workspaceId, range);
    return c.html(await render(c, session, (ctx) => HeatmapPage({ ctx, range, heatmaps }), heatmaps.map((h) => h.member)));
  });

  // --- flagged meetings ----------------------------------------------------------------------

  const flagRange = (c: Context) => {
    const from = c.req.query('from');
    const to = c.req.query('to');
    return defaultFlagRange(deps.clock(), { from: isDate(from) ? from : undefined, to: isDate(to) ? to : undefined });
  };

  async function flagsPage(c: Ctx, notice?: PageContext['notice'], status: 200 | 404 | 409 | 422 = 200) {
    const session = c.get('session');
    const sortParam = c.req.query('sort');
    const sort: FlagSortKey = (FLAG_SORT_KEYS as readonly string[]).includes(sortParam ?? '') ? (sortParam as FlagSortKey) : 'score';
    const dir: SortDir = c.req.query('dir') === 'asc' ? 'asc' : c.req.query('dir') === 'desc' ? 'desc' : sort === 'title' || sort === 'organizer' ? 'asc' : 'desc';
    const result = await listFlags(deps, session.workspaceId, { ...flagRange(c), includeDecided: true });
    const rows = sortFlags(result.series, sort, dir);
    return c.html(await render(c, session, (ctx) => FlagsPage({ ctx, range: result.range, currency: result.currency, rows, sort, dir }), undefined, notice), status);
  }

  app.get('/flags', async (c) => {
    try {
      return await flagsPage(c);
    } catch (error) {
      return failure(c, error);
    }
  });

  app.get('/flags/preview', async (c) => {
    const session = c.get('session');
    const seriesKey = c.req.query('series') ?? '';
    const range = flagRange(c);
    if (!deps.mail) return c.html(await render(c, session, (ctx) => ErrorPage({ ctx, title: ctx.t.previewTitle, message: ctx.t.mailUnavailable })), 501);
    try {
      const prepared = await prepareSuggestion(deps, session.workspaceId, seriesKey, range);
      const deliverAfter = DateTime.fromMillis(prepared.deliverAfter, { zone: prepared.recipient.timeZone }).toFormat("yyyy-MM-dd HH:mm '('ZZZZ')'");
      return c.html(
        await render(c, session, (ctx) =>
          PreviewPage({
            ctx,
            seriesKey,
            range,
            to: `${prepared.recipient.name} <${prepared.recipient.email}>`,
            subject: prepared.email.subject,
            text: prepared.email.text,
            deliverAfter,
          }),
        ),
      );
    } catch (error) {
      return failure(c, error);
    }
  });

  app.post('/flags/queue', async (c) => {
    const form = c.get('form');
    const from = first(form.from);
    const to = first(form.to);
    try {
      await queueSuggestion(deps, c.get('session').workspaceId, first(form.seriesKey), { from: isDate(from) ? from : undefined, to: isDate(to) ? to : undefined });
      return c.redirect(`/flags?ok=queued${isDate(from) && isDate(to) ? `&from=${from}&to=${to}` : ''}`, 303);
    } catch (error) {
      if (isUnmeetError(error) && statusForCode(error.code) !== 404) return flagsPage(c, { kind: 'error', text: error.message }, 409);
      return failure(c, error);
    }
  });

  app.post('/flags/decide', async (c) => {
    const form = c.get('form');
    const decision = first(form.decision);
    try {
      if (decision !== 'keep' && decision !== 'converted') throw new UnmeetError('request.invalid', 'decision must be keep or converted.');
      await decideSeries(deps, c.get('session').workspaceId, { seriesKey: first(form.seriesKey), decision, decidedBy: 'dashboard' });
      return c.redirect('/flags?ok=decided', 303);
    } catch (error) {
      return failure(c, error);
    }
  });

  // --- focus -------------------------------------------------------------------------------------

  /** Each member's focus plan: blocks we already keep in the calendar are "protected", new ones "planned". */
  async function loadFocus(workspaceId: string, members: MemberRow[]): Promise<FocusView> {
    const views: FocusView['members'] = [];
    let days: string[] = [];
    for (const member of members) {
      const p = await planMemberFocus(deps, workspaceId, member);
      if (days.length === 0) {
        const start = DateTime.fromISO(p.range.from, { zone: 'utc' });
        days = Array.from({ length: 7 }, (_, i) => start.plus({ days: i }).toISODate()!).filter((d) => d < p.range.to);
      }
      const blocks = p.plan.blocks.map((b) => ({ start: b.start, end: b.end, kind: b.existingId !== null ? ('protected' as const) : ('planned' as const) }));
      const hours = (kind: 'planned' | 'protected') => Math.round((blocks.filter((b) => b.kind === kind).reduce((sum, b) => sum + b.end - b.start, 0) / 3_600_000) * 100) / 100;
      views.push({
        memberId: member.id,
        email: member.email,
        name: member.name,
        timeZone: member.timeZone,
        targetHours: p.plan.targetHours,
        achievableHours: p.plan.achievableHours,
        plannedHours: hours('planned'),
        protectedHours: hours('protected'),
        enabled: p.enabled,
        missedReason: p.plan.missedReason,
        blocks,
      });
    }
    return { days, members: views, canApply: true, canToggle: true };
  }

  app.get('/focus', async (c) => {
    const session = c.get('session');
    try {
      const members = await deps.repos.members.list(session.workspaceId);
      const focus = await loadFocus(session.workspaceId, members);
      return c.html(await render(c, session, (ctx) => FocusPage({ ctx, focus }), members));
    } catch (error) {
      return failure(c, error);
    }
  });

  app.post('/focus/apply', async (c) => {
    if (first(c.get('form').confirm) !== 'yes') return c.redirect('/focus', 303); // nothing is written without the confirmation
    try {
      await applyFocus(deps, c.get('session').workspaceId);
      return c.redirect('/focus?ok=applied', 303);
    } catch (error) {
      return failure(c, error);
    }
  });

  app.post('/focus/enable', async (c) => {
    const form = c.get('form');
    try {
      await setMemberFocus(deps, c.get('session').workspaceId, first(form.memberId), { enabled: first(form.enabled) === 'true' });
      return c.redirect('/focus?ok=toggled', 303);
    } catch (error) {
      return failure(c, error);
    }
  });

  // --- fair rotation -----------------------------------------------------------------------------

  const defaultValues = (members: MemberRow[]): RotationFormValues => ({
    title: 'Team sync',
    durationMinutes: 60,
    every: 1,
    unit: 'week',
    occurrences: 8,
    startDate: DateTime.fromMillis(deps.clock(), { zone: 'utc' }).startOf('week').plus({ weeks: 1 }).toISODate()!,
    participants: members.map((m) => m.email),
    extra: '',
  });

  const valuesOf = (rotation: RotationView, members: MemberRow[]): RotationFormValues => {
    const input = rotationInput.safeParse((rotation as unknown as { input?: unknown }).input);
    const emails = rotation.ledger.map((l) => l.email);
    const known = new Set(members.map((m) => m.email));
    return {
      ...defaultValues(members),
      title: rotation.title,
      durationMinutes: rotation.durationMinutes,
      ...(input.success ? { every: input.data.cadence.every, unit: input.data.cadence.unit, startDate: input.data.startDate, occurrences: input.data.occurrences } : {}),
      participants: emails.filter((e) => known.has(e)),
      extra: rotation.ledger
        .filter((l) => !known.has(l.email))
        .map((l) => `${l.email} ${l.timeZone}`)
        .join('\n'),
    };
  };

  async function rotationPage(c: Ctx, values: RotationFormValues | undefined, rotation: RotationView | undefined, notice?: PageContext['notice'], status: 200 | 422 = 200) {
    const session = c.get('session');
    const members = await deps.repos.members.list(session.workspaceId);
    const ledger = await rotationLedger(deps, session.workspaceId);
    const formValues = values ?? (rotation ? valuesOf(rotation, members) : defaultValues(members));
    return c.html(await render(c, session, (ctx) => RotationPage({ ctx, members, values: formValues, rotation, ledger }), members, notice), status);
  }

  app.get('/rotation', (c) => rotationPage(c, undefined, undefined));

  app.post('/rotation', async (c) => {
    const form = c.get('form');
    const values: RotationFormValues = {
      title: first(form.title).slice(0, 200),
      durationMinutes: Number(first(form.durationMinutes)) || 60,
      every: Number(first(form.every)) || 1,
      unit: first(form.unit) === 'day' ? 'day' : 'week',
      occurrences: Number(first(form.occurrences)) || 1,
      startDate: first(form.startDate),
      participants: list(form.participant),
      extra: first(form.extra).slice(0, 5000),
    };
    const extra = values.extra
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter(Boolean)
      .map((line) => {
        const [email = '', timeZone] = line.split(/[\s,;]+/);
        return { email: email.toLowerCase(), ...(timeZone ? { timeZone } : {}) };
      });
    const participants = [...values.participants.map((email) => ({ email })), ...extra];
    const t = messages(await localeOf(c));
    if (participants.length === 0) return rotationPage(c, values, undefined, { kind: 'error', text: t.rotNoParticipants }, 422);
    const parsed = rotationInput.safeParse({
      title: values.title,
      durationMinutes: values.durationMinutes,
      cadence: { every: values.every, unit: values.unit },
      occurrences: values.occurrences,
      startDate: values.startDate,
      participants,
    });
    if (!parsed.success) {
      const detail = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
      return rotationPage(c, values, undefined, { kind: 'error', text: detail }, 422);
    }
    try {
      const rotation = await previewRotation(deps, c.get('session').workspaceId, parsed.data);
      return c.redirect(`/rotation/${encodeURIComponent(rotation.id)}`, 303);
    } catch (error) {
      if (isUnmeetError(error) && statusForCode(error.code) === 422) return rotationPage(c, values, undefined, { kind: 'error', text: error.message }, 422);
      return failure(c, error);
    }
  });

  app.get('/rotation/:id', async (c) => {
    try {
      const rotation = await getRotation(deps, c.get('session').workspaceId, c.req.param('id'));
      return await rotationPage(c, undefined, rotation);
    } catch (error) {
      return failure(c, error);
    }
  });

  app.get('/rotation/:id/ics', async (c) => {
    try {
      const ics = await rotationIcs(deps, c.get('session').workspaceId, c.req.param('id'));
      return c.body(ics, 200, { 'content-type': 'text/calendar; charset=utf-8', 'content-disposition': 'attachment; filename="rotation.ics"' });
    } catch (error) {
      return failure(c, error);
    }
  });

  app.post('/rotation/:id/commit', async (c) => {
    const id = c.req.param('id');
    try {
      await commitRotation(deps, c.get('session').workspaceId, id);
      return c.redirect(`/rotation/${encodeURIComponent(id)}?ok=committed`, 303);
    } catch (error) {
      return failure(c, error);
    }
  });

  // --- connections -------------------------------------------------------------------------------

  async function connectionsPage(c: Ctx, notice?: PageContext['notice'], status: 200 | 201 | 409 | 422 | 502 = 200, newKey?: string) {
    const session = c.get('session');
    const members = await deps.repos.members.list(session.workspaceId);
    const connections = await deps.repos.connections.list(session.workspaceId);
    const keys = await deps.repos.workspaces.listKeys(session.workspaceId);
    const providers = { google: !!deps.google, microsoft: !!deps.microsoft, microsoftBuilt: true };
    return c.html(await render(c, session, (ctx) => ConnectionsPage({ ctx, members, connections, providers, keys, newKey }), members, notice), status);
  }

  app.get('/connections', (c) => connectionsPage(c));

  app.post('/connections/ics', async (c) => {
    const form = c.get('form');
    try {
      const url = first(form.url).trim();
      if (!/^(https?|webcal):\/\//i.test(url) || url.length > 2048) throw new UnmeetError('ics.invalid_url', 'Give an http(s) or webcal address of the calendar feed.');
      await connectIcs(deps, c.get('session').workspaceId, first(form.memberId), { url });
      return c.redirect('/connections?ok=connected', 303);
    } catch (error) {
      if (isUnmeetError(error) && statusForCode(error.code) !== 404) return connectionsPage(c, { kind: 'error', text: error.message }, 422);
      return failure(c, error);
    }
  });

  // "Connect Google / Outlook": start the PKCE flow and send the browser to the consent screen.
  for (const [provider, start] of [['google', startGoogleConnect], ['microsoft', startMicrosoftConnect]] as const) {
    app.post(`/connections/${provider}`, async (c) => {
      try {
        return c.redirect(await start(deps, c.get('session').workspaceId, first(c.get('form').memberId)), 303);
      } catch (error) {
        if (isUnmeetError(error) && statusForCode(error.code) !== 404) return connectionsPage(c, { kind: 'error', text: error.message }, 422);
        return failure(c, error);
      }
    });
  }

  // API keys: a new key is shown in the answer itself (never in a URL), once; pages are no-store.
  app.post('/connections/keys', async (c) => {
    try {
      const label = first(c.get('form').label).trim();
      if (label.length > 100 || /[\u0000-\u001f\u007f]/.test(label)) throw new UnmeetError('request.invalid', 'A label has at most 100 characters and no control characters.');
      const created = await createApiKey(deps, c.get('session').workspaceId, label ? { label } : {});
      return connectionsPage(c, undefined, 201, created.apiKey);
    } catch (error) {
      if (isUnmeetError(error) && statusForCode(error.code) !== 404) return connectionsPage(c, { kind: 'error', text: error.message }, statusForCode(error.code) === 409 ? 409 : 422);
      return failure(c, error);
    }
  });

  app.post('/connections/keys/:id/revoke', async (c) => {
    try {
      await revokeApiKey(deps, c.get('session').workspaceId, c.req.param('id'));
      return c.redirect('/connections?ok=revoked', 303);
    } catch (error) {
      if (isUnmeetError(error) && statusForCode(error.code) === 409) return connectionsPage(c, { kind: 'error', text: error.message }, 409);
      return failure(c, error);
    }
  });

  app.post('/connections/:id/disconnect', async (c) => {
    try {
      await disconnect(deps, c.get('session').workspaceId, c.req.param('id'));
      return c.redirect('/connections?ok=disconnected', 303);
    } catch (error) {
      return failure(c, error);
    }
  });

  return app;
}
