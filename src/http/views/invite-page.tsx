import type { Role } from '../../domain/roles';
import { messages, type Locale } from './i18n';
import { Layout, type PageContext } from './layout';

/** The invitation page's own words (the dashboard dictionary stays the dashboard's). */
const TEXT = {
  en: {
    title: 'Invitation',
    heading: (workspace: string) => `You're invited to ${workspace}`,
    lead: (role: string, email: string, until: string) => `Join as ${role}. The invitation is for ${email} and works once, until ${until} UTC.`,
    how: 'Sign in with the invited address to accept:',
    google: 'Sign in with Google',
    microsoft: 'Sign in with Microsoft',
    emailLabel: 'Email address',
    emailMe: 'Email me a link',
    roles: { member: 'a member', manager: 'a manager', admin: 'an admin', owner: 'an owner' } as Record<Role, string>,
    problems: {
      'invitation.invalid': ['This link does not work', 'The invitation link is not valid. It may have been replaced by a newer one; use the latest invitation you received.'],
      'invitation.expired': ['This invitation has expired', 'Ask the workspace admin to resend it.'],
      'invitation.used': ['This invitation was already used', 'Each invitation link works once. If it was you, sign in as usual.'],
      'invitation.revoked': ['This invitation was withdrawn', 'Ask the workspace admin for a new invitation if you still need one.'],
    } as Record<string, [string, string]>,
  },
  id: {
    title: 'Undangan',
    heading: (workspace: string) => `Anda diundang ke ${workspace}`,
    lead: (role: string, email: string, until: string) => `Bergabung sebagai ${role}. Undangan ini untuk ${email} dan berlaku sekali, sampai ${until} UTC.`,
    how: 'Masuk dengan alamat yang diundang untuk menerima:',
    google: 'Masuk dengan Google',
    microsoft: 'Masuk dengan Microsoft',
    emailLabel: 'Alamat email',
    emailMe: 'Kirimi saya tautan',
    roles: { member: 'anggota', manager: 'manajer', admin: 'admin', owner: 'pemilik' } as Record<Role, string>,
    problems: {
      'invitation.invalid': ['Tautan ini tidak berlaku', 'Tautan undangan tidak valid. Mungkin sudah diganti dengan yang lebih baru; gunakan undangan terakhir yang Anda terima.'],
      'invitation.expired': ['Undangan ini sudah kedaluwarsa', 'Minta admin ruang kerja untuk mengirim ulang.'],
      'invitation.used': ['Undangan ini sudah dipakai', 'Setiap tautan undangan berlaku sekali. Jika itu Anda, masuk seperti biasa.'],
      'invitation.revoked': ['Undangan ini sudah ditarik', 'Minta undangan baru kepada admin ruang kerja jika masih diperlukan.'],
    } as Record<string, [string, string]>,
  },
} satisfies Record<Locale, unknown>;

const ctxFor = (locale: Locale, path: string): PageContext => ({ t: messages(locale), locale, path });

/**
 * The page an invitation link opens. It consumes nothing (mail scanners fetch links): the
 * buttons start a sign-in that carries the invitation, and accepting happens once the person's
 * address is verified.
 */
export function InvitePage(props: {
  locale: Locale;
  path: string;
  token: string;
  workspaceName: string;
  role: Role;
  email: string;
  expiresAt: number;
  csrf: string;
}) {
  const text = TEXT[props.locale];
  const invite = encodeURIComponent(props.token);
  return (
    <Layout ctx={ctxFor(props.locale, props.path)} title={text.title}>
      <section class="card narrow" aria-labelledby="invite-title">
        <h1 id="invite-title">{text.heading(props.workspaceName)}</h1>
        <p class="lead">{text.lead(text.roles[props.role], props.email, new Date(props.expiresAt).toISOString().slice(0, 16).replace('T', ' '))}</p>
        <p>{text.how}</p>
        <p class="stack">
          <a class="button" href={`/auth/google/start?invite=${invite}`}>
            {text.google}
          </a>
          <a class="button" href={`/auth/microsoft/start?invite=${invite}`}>
            {text.microsoft}
          </a>
        </p>
        <form method="post" action="/auth/email" class="stack">
          <input type="hidden" name="_csrf" value={props.csrf} />
          <input type="hidden" name="invite" value={props.token} />
          <label for="invite-email">{text.emailLabel}</label>
          <input id="invite-email" name="email" type="email" autocomplete="email" required value={props.email} />
          <button type="submit">{text.emailMe}</button>
        </form>
      </section>
    </Layout>
  );
}

/** An invitation link that cannot be used (invalid, expired, used, revoked), said plainly. */
export function InviteProblemPage(props: { locale: Locale; path: string; code: string }) {
  const text = TEXT[props.locale];
  const [title, message] = text.problems[props.code] ?? text.problems['invitation.invalid']!;
  return (
    <Layout ctx={ctxFor(props.locale, props.path)} title={title}>
      <section class="card narrow">
        <h1>{title}</h1>
        <p data-code={props.code}>{message}</p>
      </section>
    </Layout>
  );
}
