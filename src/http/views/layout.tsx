import type { Child } from 'hono/jsx';
import type { Locale, Messages } from './i18n';

/** What every dashboard page needs to render its frame. */
export interface PageContext {
  t: Messages;
  locale: Locale;
  /** The path of the current page (for the language switch and the active nav link). */
  path: string;
  /** Set when signed in: the CSRF token forms carry, and the workspace's name. */
  session?: { csrf: string; workspaceName: string } | undefined;
  /** A one-line outcome of the last action (`?ok=` / `?error=`), already translated or a stable code. */
  notice?: { kind: 'ok' | 'error'; text: string } | undefined;
}

const NAV: Array<{ path: string; key: keyof Messages }> = [
  { path: '/', key: 'navOverview' },
  { path: '/heatmap', key: 'navHeatmap' },
  { path: '/flags', key: 'navFlags' },
  { path: '/focus', key: 'navFocus' },
  { path: '/rotation', key: 'navRotation' },
  { path: '/connections', key: 'navConnections' },
];

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
          </div>
          {session ? (
            <nav aria-label={t.nav}>
              <ul>
                {NAV.map((item) => (
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
            {session ? (
              <form method="post" action="/sign-out" class="inline">
                <Csrf token={session.csrf} />
                <button type="submit" class="link">
                  {t.signOut}
                </button>
              </form>
            ) : null}
          </div>
        </header>
        <main id="main" tabindex={-1}>
          {notice ? (
            <p class={`notice ${notice.kind}`} role={notice.kind === 'error' ? 'alert' : 'status'}>
              {notice.text}
            </p>
          ) : null}
          {props.children}
        </main>
      </body>
    </html>
  );
}

export function SignInPage(props: { ctx: PageContext; csrf: string; failed?: boolean; expired?: boolean }) {
  const { t } = props.ctx;
  return (
    <Layout ctx={props.ctx} title={t.signIn}>
      <section class="card narrow" aria-labelledby="sign-in-title">
        <h1 id="sign-in-title">{t.signInTitle}</h1>
        <p class="lead">{t.signInLead}</p>
        {props.failed ? (
          <p class="notice error" role="alert">
            {t.signInFailed}
          </p>
        ) : null}
        {props.expired ? <p class="notice">{t.sessionExpired}</p> : null}
        <form method="post" action="/sign-in" class="stack">
          <input type="hidden" name="_csrf" value={props.csrf} />
          <label for="api-key">{t.apiKey}</label>
          <input id="api-key" name="apiKey" type="password" autocomplete="current-password" required spellcheck={false} autofocus />
          <button type="submit">{t.signIn}</button>
        </form>
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
