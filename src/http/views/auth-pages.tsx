import { languageTexts } from './texts/language';
import type { Child } from 'hono/jsx';
import type { Locale } from './i18n';

/**
 * The small standalone pages of signing in: the button behind a one-time link, the setup page,
 * the workspace chooser, "check your mail" and messages. They work at 390 px wide, use the
 * dashboard's stylesheet and no script, and carry their own English and Indonesian strings.
 */

const en = {
  appName: 'unmeet',
  linkTitle: 'Sign in to unmeet',
  linkLead: 'Press the button to sign in. The link works once.',
  linkButton: 'Sign me in',
  setupTitle: 'Set up unmeet',
  setupLead: 'Sign in to create the first workspace. You will be its owner; the setup link then stops working.',
  workspaceName: 'Workspace name',
  workspaceNameHint: 'You can change it later.',
  withGoogle: 'Continue with Google',
  withMicrosoft: 'Continue with Microsoft',
  orEmail: 'Or get a sign-in link by email',
  email: 'Email address',
  emailMe: 'Email me a link',
  noProviders: 'No way to sign in is configured: set up a Google or Microsoft app, or a mail transport (SMTP_URL).',
  sentTitle: 'Check your mail',
  sentLead: 'If this address may sign in here, a link is on its way. It works once, within 15 minutes.',
  chooseTitle: 'Choose a workspace',
  chooseLead: 'You belong to several workspaces. Which one do you want to open?',
  open: 'Open',
  noWorkspaceTitle: 'No workspace yet',
  noWorkspaceLead: 'You are signed in, but you do not belong to any workspace. Ask an admin for an invitation.',
  createTitle: 'Create a workspace',
  create: 'Create',
  signOut: 'Sign out',
  signOutEverywhere: 'Sign out everywhere',
  signedOutTitle: 'Signed out',
  signedOutLead: 'You are signed out on every device.',
  back: 'Back to sign-in',
  errorTitle: 'This did not work',
  roles: { owner: 'owner', admin: 'admin', manager: 'manager', member: 'member' } as Record<string, string>,
};
type AuthMessages = typeof en;

const id: AuthMessages = {
  appName: 'unmeet',
  linkTitle: 'Masuk ke unmeet',
  linkLead: 'Tekan tombol untuk masuk. Tautan ini hanya berlaku sekali.',
  linkButton: 'Masuk',
  setupTitle: 'Siapkan unmeet',
  setupLead: 'Masuk untuk membuat ruang kerja pertama. Anda akan menjadi pemiliknya; setelah itu tautan penyiapan tidak berlaku lagi.',
  workspaceName: 'Nama ruang kerja',
  workspaceNameHint: 'Bisa diubah nanti.',
  withGoogle: 'Lanjutkan dengan Google',
  withMicrosoft: 'Lanjutkan dengan Microsoft',
  orEmail: 'Atau minta tautan masuk lewat email',
  email: 'Alamat email',
  emailMe: 'Kirimi saya tautan',
  noProviders: 'Belum ada cara masuk yang dikonfigurasi: siapkan aplikasi Google atau Microsoft, atau pengiriman email (SMTP_URL).',
  sentTitle: 'Periksa email Anda',
  sentLead: 'Jika alamat ini boleh masuk di sini, tautannya sedang dikirim. Tautan hanya berlaku sekali, dalam 15 menit.',
  chooseTitle: 'Pilih ruang kerja',
  chooseLead: 'Anda tergabung di beberapa ruang kerja. Mana yang ingin dibuka?',
  open: 'Buka',
  noWorkspaceTitle: 'Belum ada ruang kerja',
  noWorkspaceLead: 'Anda sudah masuk, tetapi belum tergabung di ruang kerja mana pun. Minta undangan dari admin.',
  createTitle: 'Buat ruang kerja',
  create: 'Buat',
  signOut: 'Keluar',
  signOutEverywhere: 'Keluar di semua perangkat',
  signedOutTitle: 'Sudah keluar',
  signedOutLead: 'Anda sudah keluar di semua perangkat.',
  back: 'Kembali ke halaman masuk',
  errorTitle: 'Ini tidak berhasil',
  roles: { owner: 'pemilik', admin: 'admin', manager: 'manajer', member: 'anggota' },
};

export const authMessages = (locale: Locale): AuthMessages => (locale === 'id' ? id : en);

export interface AuthPageContext {
  locale: Locale;
  t: AuthMessages;
  /** Reached through the language switch (`?lang=`): a status says so to screen readers. */
  languageSwitched?: boolean;
}

/** The frame of every auth page: no navigation, just the brand and the language switch. */
function Frame(props: { ctx: AuthPageContext; title: string; children?: Child }) {
  const { t, locale } = props.ctx;
  return (
    <html lang={locale}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="no-referrer" />
        <title>{`${props.title} · ${t.appName}`}</title>
        <link rel="icon" href="/assets/icon.svg" type="image/svg+xml" />
        <link rel="stylesheet" href="/assets/dashboard.css" />
      </head>
      <body>
        <header class="top">
          <div class="brand">
            <span class="logo" aria-hidden="true">
              ◔
            </span>
            <span>{t.appName}</span>
          </div>
          <div class="tools">
            <span class="lang">
              <a href="?lang=en" lang="en" aria-current={locale === 'en' ? 'true' : undefined}>
                EN
              </a>
              <a href="?lang=id" lang="id" aria-current={locale === 'id' ? 'true' : undefined}>
                ID
              </a>
            </span>
          </div>
        </header>
        <main id="main">
          {props.ctx.languageSwitched ? (
            <p class="sr-only" role="status" data-testid="language-status">
              {languageTexts(locale).switched}
            </p>
          ) : null}
          <section class="card narrow">{props.children}</section>
        </main>
      </body>
    </html>
  );
}

const Csrf = (props: { token: string }) => <input type="hidden" name="_csrf" value={props.token} />;

/** The page behind a one-time link: a button, because opening the link must not use it. */
export function LinkPage(props: { ctx: AuthPageContext; action: string; csrf: string; intent?: string | undefined }) {
  const { t } = props.ctx;
  return (
    <Frame ctx={props.ctx} title={t.linkTitle}>
      <h1>{t.linkTitle}</h1>
      <p class="lead">{t.linkLead}</p>
      <form method="post" action={props.action} class="stack">
        <Csrf token={props.csrf} />
        {props.intent ? <input type="hidden" name="i" value={props.intent} /> : null}
        <button type="submit">{t.linkButton}</button>
      </form>
    </Frame>
  );
}

export interface SignInWays {
  google: boolean;
  microsoft: boolean;
  email: boolean;
}

/** The first-start setup: a workspace name, then sign in with whatever this server offers. */
export function SetupPage(props: { ctx: AuthPageContext; token: string; csrf: string; ways: SignInWays }) {
  const { t } = props.ctx;
  const { ways } = props;
  return (
    <Frame ctx={props.ctx} title={t.setupTitle}>
      <h1>{t.setupTitle}</h1>
      <p class="lead">{t.setupLead}</p>
      {ways.google || ways.microsoft ? (
        <form method="get" class="stack" action={ways.google ? '/auth/google/start' : '/auth/microsoft/start'}>
          <input type="hidden" name="setup" value={props.token} />
          <label for="ws-name">{t.workspaceName}</label>
          <input id="ws-name" name="name" maxlength={80} placeholder="My workspace" aria-describedby="ws-hint" />
          <small id="ws-hint">{t.workspaceNameHint}</small>
          {ways.google ? <button type="submit" formaction="/auth/google/start">{t.withGoogle}</button> : null}
          {ways.microsoft ? <button type="submit" formaction="/auth/microsoft/start">{t.withMicrosoft}</button> : null}
        </form>
      ) : null}
      {ways.email ? (
        <form method="post" action="/auth/email" class="stack">
          <h2>{t.orEmail}</h2>
          <Csrf token={props.csrf} />
          <input type="hidden" name="setup" value={props.token} />
          <label for="ws-name-mail">{t.workspaceName}</label>
          <input id="ws-name-mail" name="name" maxlength={80} placeholder="My workspace" />
          <label for="setup-email">{t.email}</label>
          <input id="setup-email" name="email" type="email" autocomplete="email" required />
          <button type="submit" class="secondary">{t.emailMe}</button>
        </form>
      ) : null}
      {!ways.google && !ways.microsoft && !ways.email ? <p class="notice error">{t.noProviders}</p> : null}
    </Frame>
  );
}

/** After asking for an email link: the same words whether or not a mail went out. */
export function LinkSentPage(props: { ctx: AuthPageContext }) {
  const { t } = props.ctx;
  return (
    <Frame ctx={props.ctx} title={t.sentTitle}>
      <h1>{t.sentTitle}</h1>
      <p role="status">{t.sentLead}</p>
    </Frame>
  );
}

/** The workspace chooser (or "no workspace yet"), with a create form when UNMEET_SIGNUP allows this person. */
export function WorkspacesPage(props: {
  ctx: AuthPageContext;
  csrf: string;
  workspaces: Array<{ workspaceId: string; name: string; role: string }>;
  current: string | null;
  canCreate: boolean;
}) {
  const { t } = props.ctx;
  const none = props.workspaces.length === 0;
  return (
    <Frame ctx={props.ctx} title={none ? t.noWorkspaceTitle : t.chooseTitle}>
      <h1>{none ? t.noWorkspaceTitle : t.chooseTitle}</h1>
      <p class="lead">{none ? t.noWorkspaceLead : t.chooseLead}</p>
      {none ? null : (
        <ul class="stack">
          {props.workspaces.map((w) => (
            <li>
              <form method="post" action="/auth/workspaces" class="inline">
                <Csrf token={props.csrf} />
                <input type="hidden" name="workspaceId" value={w.workspaceId} />
                <button type="submit" class={w.workspaceId === props.current ? 'secondary' : undefined}>{`${t.open} ${w.name}`}</button>{' '}
                <span>({t.roles[w.role] ?? w.role})</span>
              </form>
            </li>
          ))}
        </ul>
      )}
      {props.canCreate ? (
        <form method="post" action="/auth/workspaces/new" class="stack">
          <h2>{t.createTitle}</h2>
          <Csrf token={props.csrf} />
          <label for="new-ws">{t.workspaceName}</label>
          <input id="new-ws" name="name" maxlength={80} required />
          <button type="submit">{t.create}</button>
        </form>
      ) : null}
      <form method="post" action="/auth/sign-out" class="inline">
        <Csrf token={props.csrf} />
        <button type="submit" class="secondary">{t.signOut}</button>
      </form>{' '}
      <form method="post" action="/auth/sign-out-everywhere" class="inline">
        <Csrf token={props.csrf} />
        <button type="submit" class="secondary">{t.signOutEverywhere}</button>
      </form>
    </Frame>
  );
}

/** A message page (a refusal or an outcome), with the stable code for support and tests. */
export function MessagePage(props: { ctx: AuthPageContext; title: string; message: string; code?: string | undefined }) {
  const { t } = props.ctx;
  return (
    <Frame ctx={props.ctx} title={props.title}>
      <h1>{props.title}</h1>
      <p role={props.code ? 'alert' : 'status'} data-code={props.code}>
        {props.message}
      </p>
      <p>
        <a href="/sign-in">{t.back}</a>
      </p>
    </Frame>
  );
}
