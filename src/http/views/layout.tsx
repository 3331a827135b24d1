/**
 * The page frame every dashboard page shares: head, skip link, navigation, language switch, the
 * one-time notice and the footer. `Layout` runs past the usual 80 lines: it is that one frame,
 * read top to bottom as the page is.
 */
import type { Child } from 'hono/jsx';
import { roleAtLeast, type Role } from '../../domain/roles';
import type { Locale, Messages } from './i18n';
import { languageTexts } from './texts/language';
import { errorText } from './texts/errors';

/** What every dashboard page needs to render its frame. */
export interface PageContext {
  t: Messages;
  locale: Locale;
  /** The path of the current page (for the language switch and the active nav link). */
  path: string;
  /**
   * Set when signed in: the CSRF token forms carry, the workspace's name, the role there, the
   * person (absent for an operator's API-key session) and how many workspaces they belong to.
   */
  session?: { csrf: string; workspaceName: string; role?: Role; person?: { name: string; email: string } | undefined; workspaceCount?: number } | undefined;
  /** A one-line outcome of the last action (`?ok=` / `?error=`), already translated or a stable code. */
  /** `code`: an error's code, so the page says it in its own language (texts/errors.ts). */
  notice?: { kind: 'ok' | 'error'; text: string; code?: string } | undefined;
  /** Set when the page was reached through the language switch (`?lang=`): a status says so to screen readers. */
  languageSwitched?: boolean | undefined;
}

/** The sections, each with the least role that may open it (the routes declare the same); `person`: only for a signed-in person. */
export const NAV: ReadonlyArray<{ path: string; key: keyof Messages; role: Role; person?: boolean }> = [
  { path: '/me', key: 'navMe', role: 'member', person: true },
  { path: '/', key: 'navOverview', role: 'manager' },
  { path: '/team', key: 'navTeam', role: 'manager' },
  { path: '/heatmap', key: 'navHeatmap', role: 'manager' },
  { path: '/flags', key: 'navFlags', role: 'admin' },
  { path: '/outbox', key: 'navOutbox', role: 'admin' },
  { path: '/focus', key: 'navFocus', role: 'admin' },
  { path: '/rotation', key: 'navRotation', role: 'manager' },
  { path: '/connections', key: 'navConnections', role: 'admin' },
  { path: '/people', key: 'navPeople', role: 'admin' },
];

/** The sections a session may open: its role is enough, and person-only sections need a person. */
export function navFor(session: { role?: Role | undefined; person?: unknown } | undefined): typeof NAV {
  if (!session) return [];
  const role = session.role ?? 'admin';
  return NAV.filter((item) => roleAtLeast(role, item.role) && (!item.person || !!session.person));
}

/** A small colour square for chart legends (decorative: the legend text says what it means). */
export const Swatch = (props: { class: string }) => (
  <svg width="14" height="14" aria-hidden="true" focusable="false">
    <rect width="14" height="14" rx="2" class={props.class} />
  </svg>
);

/** The hidden CSRF field every state-changing form carries. */
export const Csrf = (props: { token: string }) => <input type="hidden" name="_csrf" value={props.token} />;

export function Layout(props: { ctx: PageContext; title: string; children?: Child }) {
  const { t, locale, path, session, notice } = props.ctx;
  const section = path === '/' ? '/' : `/${path.split('/')[1]}`;
  return (
    <html lang={locale}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light" />
        <title>{`${props.title} · ${t.appName}`}</title>
        <link rel="icon" href="/assets/icon.svg" type="image/svg+xml" />
        <link rel="stylesheet" href="/assets/dashboard.css" />
        <script src="/assets/dashboard.js" defer></script>
      </head>
      <body>
        <a class="skip" href="#main">
          {t.skip}
        </a>
        <header class="top">
          <div class="brand">
            <span class="logo" aria-hidden="true">
              ◔
            </span>
            <span>{t.appName}</span>
            {session ? <span class="workspace">{session.workspaceName}</span> : null}
            {session && (session.workspaceCount ?? 0) > 1 ? (
              <a class="switch small-text" href="/auth/workspaces">
                {t.switchWorkspace}
              </a>
            ) : null}
          </div>
          {session ? (
            <nav aria-label={t.nav}>
              <ul>
                {navFor(session).map((item) => (
                  <li>
                    <a href={item.path} aria-current={section === item.path ? 'page' : undefined}>
                      {t[item.key] as string}
                    </a>
                  </li>
                ))}
              </ul>
            </nav>
          ) : null}
          <div class="tools">
            <span class="lang" aria-label={t.language}>
              <a href={`?lang=en`} lang="en" aria-current={locale === 'en' ? 'true' : undefined}>
                EN
              </a>
              <a href={`?lang=id`} lang="id" aria-current={locale === 'id' ? 'true' : undefined}>
                ID
              </a>
            </span>
            {session?.person ? (
              <span class="who small-text" title={session.person.email}>
                {session.person.name}
                <span class="sr-only">{` (${t[`role_${session.role ?? 'member'}`]})`}</span>
              </span>
            ) : null}
            {session ? (
              <form method="post" action="/sign-out" class="inline">
                <Csrf token={session.csrf} />
                <button type="submit" class="link">
                  {t.signOut}
                </button>
              </form>
            ) : null}
            {session?.person ? (
              <form method="post" action="/sign-out/everywhere" class="inline">
                <Csrf token={session.csrf} />
                <button type="submit" class="link">
                  {t.signOutEverywhere}
                </button>
              </form>
            ) : null}
          </div>
        </header>
        <main id="main" tabindex={-1}>
          {props.ctx.languageSwitched ? (
            <p class="sr-only" role="status" data-testid="language-status">
              {languageTexts(locale).switched}
            </p>
          ) : null}
          {notice ? (
            <p class={`notice ${notice.kind}`} role={notice.kind === 'error' ? 'alert' : 'status'}>
              {notice.code ? errorText(locale, { code: notice.code, message: notice.text }) : notice.text}
            </p>
          ) : null}
          {props.children}
        </main>
      </body>
    </html>
  );
}

/** Which ways in a server offers (configured OAuth apps; a mail transport for links). */
export interface SignInOptions {
  google: boolean;
  microsoft: boolean;
  email: boolean;
}

export function SignInPage(props: { ctx: PageContext; csrf: string; options: SignInOptions; failed?: boolean; expired?: boolean; sent?: boolean; keyOpen?: boolean }) {
  const { t } = props.ctx;
  const { options } = props;
  const any = options.google || options.microsoft || options.email;
  return (
    <Layout ctx={props.ctx} title={t.signIn}>
      <section class="card narrow" aria-labelledby="sign-in-title">
        <h1 id="sign-in-title">{t.signInTitle}</h1>
        {props.expired ? <p class="notice">{t.sessionExpired}</p> : null}
        {props.sent ? (
          <p class="notice ok" role="status">
            {t.signInLinkSent}
          </p>
        ) : null}
        {any ? <p class="lead">{t.signInPeopleLead}</p> : <p class="lead">{t.signInNoProviders}</p>}
        <div class="stack sign-in-ways">
          {options.google ? (
            <a class="button provider" href="/auth/google/start" data-provider="google">
              {t.signInGoogle}
            </a>
          ) : null}
          {options.microsoft ? (
            <a class="button provider" href="/auth/microsoft/start" data-provider="microsoft">
              {t.signInMicrosoft}
            </a>
          ) : null}
          {options.email ? (
            <form method="post" action="/auth/email" class="stack" data-testid="email-link">
              <input type="hidden" name="_csrf" value={props.csrf} />
              <label for="sign-in-email">{t.signInEmailLabel}</label>
              <input id="sign-in-email" name="email" type="email" autocomplete="email" required spellcheck={false} />
              <button type="submit" class="secondary">
                {t.signInEmail}
              </button>
            </form>
          ) : null}
        </div>
        <details class="operator" open={props.keyOpen || !any}>
          <summary>{t.signInWithKey}</summary>
          <p class="muted small-text">{t.signInLead}</p>
          {props.failed ? (
            <p class="notice error" role="alert">
              {t.signInFailed}
            </p>
          ) : null}
          <form method="post" action="/sign-in" class="stack">
            <input type="hidden" name="_csrf" value={props.csrf} />
            <label for="api-key">{t.apiKey}</label>
            <input id="api-key" name="apiKey" type="password" autocomplete="current-password" required spellcheck={false} />
            <button type="submit">{t.signIn}</button>
          </form>
        </details>
      </section>
    </Layout>
  );
}

export function ErrorPage(props: { ctx: PageContext; title: string; message: string }) {
  return (
    <Layout ctx={props.ctx} title={props.title}>
      <section class="card narrow">
        <h1>{props.title}</h1>
        <p>{props.message}</p>
        <p>
          <a href="/">{props.ctx.t.back}</a>
        </p>
      </section>
    </Layout>
  );
}

/** The week selector shared by the overview and the heat map (a GET form: bookmarkable). */
export function WeekPicker(props: { ctx: PageContext; from: string; weeks: number }) {
  const { t } = props.ctx;
  return (
    <form method="get" class="picker" aria-label={t.range}>
      <label>
        {t.rangeFrom}
        <input type="date" name="from" value={props.from} required />
      </label>
      <label>
        {t.rangeWeeks}
        <select name="weeks">
          {[1, 2, 4, 6, 8, 12].map((n) => (
            <option value={String(n)} selected={n === props.weeks}>
              {String(n)}
            </option>
          ))}
        </select>
      </label>
      <button type="submit">{t.show}</button>
    </form>
  );
}
