import { UnmeetError } from '../domain/errors';
import { linkErrors } from '../domain/error-codes/link';
import { signinErrors } from '../domain/error-codes/signin';
import { buildMimeMessage, emailLocale, escapeHtml, type EmailLocale } from '../domain/suggestion-email';
import { randomToken } from '../db/ids';
import type { LinkPurpose } from '../db/people.schema';
import type { OneTimeLink } from '../db/links.repository';
import type { Deps } from './deps';
import { SESSION_IDLE_MS } from './sessions';
import { hashApiKey } from './workspaces';

/**
 * One-time links: sign-in by email and the first-start setup link. A link is 40 random
 * characters (200 bits); only its SHA-256 is stored. Opening it (GET) shows a button and changes
 * nothing, because mail scanners fetch links; the POST behind the button uses it up.
 */
export const SIGN_IN_LINK_MS = 15 * 60_000;
export const SETUP_LINK_MS = 7 * 86_400_000;

/**
 * Caps on sign-in mails to one address: 3 per 15 minutes and 10 per day. Past a cap the request
 * is answered like any other and nothing is sent: a distinct refusal would tell a stranger that
 * the address has an account here.
 */
export const LINK_CAPS = [
  { count: 3, windowMs: 15 * 60_000 },
  { count: 10, windowMs: 86_400_000 },
] as const;

const TOKEN_PREFIX = 'uml_';
const TOKEN_SHAPE = /^uml_[0-9a-z]{40}$/;

/** The stored id of a link token (its SHA-256), or undefined for anything not shaped like one. */
export async function linkIdOf(token: string): Promise<string | undefined> {
  return TOKEN_SHAPE.test(token) ? hashApiKey(token) : undefined;
}

/** Creates a link and returns its token: the only time the token exists outside the mail or terminal it goes to. */
export async function issueLink(deps: Pick<Deps, 'repos' | 'clock'>, purpose: LinkPurpose, email: string | null, ttlMs: number): Promise<{ token: string; id: string; expiresAt: number }> {
  const token = `${TOKEN_PREFIX}${randomToken(40)}`;
  const id = await hashApiKey(token);
  const now = deps.clock();
  await deps.repos.links.createLink({ id, purpose, email: email?.toLowerCase() ?? null, createdAt: now, expiresAt: now + ttlMs });
  return { token, id, expiresAt: now + ttlMs };
}

/** Why a link does not work, as the error the person sees (never which of them exists). */
function linkRefusal(link: OneTimeLink | undefined, now: number): UnmeetError {
  if (link?.usedAt != null) return linkErrors.used('This link has already been used. Ask for a new one.');
  if (link && link.expiresAt <= now) return linkErrors.expired('This link has expired. Ask for a new one.');
  return linkErrors.invalid('This link is not valid. Check that it was copied completely, or ask for a new one.');
}

/** The live link a token names, without using it (the GET page); throws link.invalid / link.expired / link.used. */
export async function peekLink(deps: Pick<Deps, 'repos' | 'clock'>, token: string, purpose: LinkPurpose): Promise<OneTimeLink> {
  const id = await linkIdOf(token);
  const link = id ? await deps.repos.links.findLink(id) : undefined;
  const now = deps.clock();
  if (!link || link.purpose !== purpose || link.usedAt != null || link.expiresAt <= now) throw linkRefusal(link?.purpose === purpose ? link : undefined, now);
  return link;
}

/** Uses a link up (once: a second POST, even a concurrent one, gets link.used). */
export async function consumeLink(deps: Pick<Deps, 'repos' | 'clock'>, token: string, purpose: LinkPurpose): Promise<OneTimeLink> {
  const id = await linkIdOf(token);
  const now = deps.clock();
  const used = id ? await deps.repos.links.consumeLink(id, purpose, now) : undefined;
  if (used) return used;
  const link = id ? await deps.repos.links.findLink(id) : undefined;
  throw linkRefusal(link?.purpose === purpose ? link : undefined, now);
}

/**
 * Housekeeping while a sign-in starts (there is no job for it): links a day past their end,
 * pending sign-ins past theirs, and sessions past their absolute or idle end go.
 */
export async function tidy(deps: Pick<Deps, 'repos' | 'clock'>): Promise<void> {
  const now = deps.clock();
  await deps.repos.links.purgeExpiredLinks(now);
  await deps.repos.sessions.purgeExpired(now, SESSION_IDLE_MS);
}

// --- setup links ------------------------------------------------------------------------------

/** A setup link (7 days, single use): whoever signs in through it creates a workspace and owns it. */
export async function issueSetupLink(deps: Pick<Deps, 'repos' | 'clock' | 'publicUrl'>): Promise<{ url: string; expiresAt: number }> {
  const link = await issueLink(deps, 'setup', null, SETUP_LINK_MS);
  return { url: setupUrl(deps.publicUrl, link.token), expiresAt: link.expiresAt };
}

export const setupUrl = (publicUrl: string, token: string) => `${publicUrl}/auth/setup/${token}`;

/**
 * A setup link for a database this process cannot reach (D1 behind Workers): the token, its URL
 * and the one INSERT an operator runs with `wrangler d1 execute <db> --remote --command "…"`.
 * Only values we generated go into the statement (hex digest, integers).
 */
export async function setupLinkStatement(publicUrl: string, now: number): Promise<{ url: string; sql: string; expiresAt: number }> {
  const token = `${TOKEN_PREFIX}${randomToken(40)}`;
  const id = await hashApiKey(token);
  const expiresAt = now + SETUP_LINK_MS;
  const sql = `INSERT INTO one_time_links (id, purpose, email, created_at, expires_at, used_at) VALUES ('${id}', 'setup', NULL, ${now}, ${expiresAt}, NULL);`;
  return { url: setupUrl(publicUrl, token), sql, expiresAt };
}

// --- sign-in by email -------------------------------------------------------------------------

/** What an emailed link is for besides signing in (sealed into its URL, bound to the link). */
export type LinkIntent = { kind: 'sign-in' } | { kind: 'invite'; token: string } | { kind: 'setup'; token: string; workspaceName: string };

const intentContext = (linkId: string) => `signin-link:${linkId}`;

/** Opens the intent sealed into a link's URL; a missing one is a plain sign-in, a forged or foreign one link.invalid. */
export async function openLinkIntent(deps: Pick<Deps, 'vault'>, linkId: string, sealed: string | undefined): Promise<LinkIntent> {
  if (!sealed) return { kind: 'sign-in' };
  try {
    return JSON.parse(await deps.vault.open(sealed, intentContext(linkId))) as LinkIntent;
  } catch {
    throw linkErrors.invalid('This link is not valid. Check that it was copied completely, or ask for a new one.');
  }
}

/**
 * Mails a sign-in link to `email` if it may receive one: an existing person, someone with a
 * pending invitation, or (with a live setup link in hand) whoever the setup names. Answers what
 * happened for logs and tests; callers answer every outcome alike, so nobody learns from the
 * answer whether an address has an account. `delivered` settles when the transport took the mail
 * (a failure is logged, never thrown): a caller that answers before it does takes as long for an
 * unknown address as for a known one. Throws only for a missing transport or a dead setup link.
 */
export async function requestEmailLink(
  deps: Deps,
  input: { email: string; intent: LinkIntent },
): Promise<{ outcome: 'sent' | 'not_eligible' | 'capped'; delivered: Promise<void> }> {
  const settled = Promise.resolve();
  const transport = deps.mail?.transport;
  if (!deps.mail || !transport) throw signinErrors.mail_unavailable('Sign-in by email needs a mail transport (SMTP_URL); sign in with Google or Microsoft instead.');
  const email = input.email.toLowerCase();
  const now = deps.clock();
  // The setup link is checked first: a dead one is an error about the link, not about the address.
  if (input.intent.kind === 'setup') await peekLink(deps, input.intent.token, 'setup');
  const person = await deps.repos.people.findByEmail(email);
  const eligible = person !== undefined || input.intent.kind === 'setup' || (await deps.repos.links.hasPendingInvitation(email, now));
  if (!eligible) return { outcome: 'not_eligible', delivered: settled };
  for (const cap of LINK_CAPS) {
    if ((await deps.repos.links.countSince('sign-in', email, now - cap.windowMs)) >= cap.count) return { outcome: 'capped', delivered: settled };
  }
  await tidy(deps);
  const link = await issueLink(deps, 'sign-in', email, SIGN_IN_LINK_MS);
  const sealed = input.intent.kind === 'sign-in' ? undefined : await deps.vault.seal(JSON.stringify(input.intent), intentContext(link.id));
  const url = `${deps.publicUrl}/auth/link/${link.token}${sealed ? `?i=${encodeURIComponent(sealed)}` : ''}`;
  const mail = composeSignInMail({ url, locale: emailLocale(person?.locale), minutes: SIGN_IN_LINK_MS / 60_000 });
  const host = new URL(deps.publicUrl).hostname || 'unmeet.local';
  const messageId = `<signin.${randomToken(16)}@${host}>`;
  const raw = buildMimeMessage({ from: deps.mail.from, to: { email }, subject: mail.subject, text: mail.text, html: mail.html, messageId, date: now });
  const delivered = transport.send({ from: deps.mail.from.email, to: email, messageId, raw }).catch((error: unknown) => {
    deps.logger.warn('sign-in link mail failed', { error: error instanceof Error ? error.message : String(error) });
  });
  return { outcome: 'sent', delivered };
}

const SIGN_IN_MAIL: Record<EmailLocale, { subject: string; intro: string; button: string; expiry: (m: number) => string; ignore: string }> = {
  en: {
    subject: 'Your unmeet sign-in link',
    intro: 'Someone (hopefully you) asked to sign in to unmeet with this address. Open the link and press the button to sign in:',
    button: 'Sign in to unmeet',
    expiry: (m) => `The link works once, within ${m} minutes.`,
    ignore: 'If you did not ask for it, ignore this mail: nothing happens without the button.',
  },
  id: {
    subject: 'Tautan masuk unmeet Anda',
    intro: 'Seseorang (semoga Anda) meminta masuk ke unmeet dengan alamat ini. Buka tautan lalu tekan tombolnya untuk masuk:',
    button: 'Masuk ke unmeet',
    expiry: (m) => `Tautan ini hanya berlaku sekali, dalam ${m} menit.`,
    ignore: 'Jika Anda tidak memintanya, abaikan email ini: tidak ada yang terjadi tanpa tombol itu.',
  },
};

/** The sign-in mail: a fixed template whose only variable parts are our own link and the expiry. */
export function composeSignInMail(input: { url: string; locale: EmailLocale; minutes: number }): { subject: string; text: string; html: string } {
  const t = SIGN_IN_MAIL[input.locale];
  const text = [t.intro, '', input.url, '', t.expiry(input.minutes), t.ignore, ''].join('\n');
  const html = [
    `<p>${escapeHtml(t.intro)}</p>`,
    `<p><a href="${escapeHtml(input.url)}">${escapeHtml(t.button)}</a></p>`,
    `<p>${escapeHtml(t.expiry(input.minutes))}<br>${escapeHtml(t.ignore)}</p>`,
  ].join('\n');
  return { subject: t.subject, text, html };
}
