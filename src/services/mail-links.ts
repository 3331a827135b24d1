/**
 * The links in outgoing mail, and what they do when opened.
 *
 * Stored messages never hold a live link. A message is stored with placeholders
 * (`…/v1/mail/action?t={{link:keep}}`, `…/v1/mail/confirm/{{link:confirm}}`); the live tokens are
 * made when the message leaves (`renderForSending`): action links are signed with their issue
 * time then (so they expire 30 days after the mail was sent, not after it was queued), and a
 * confirmation link is created then, stored only as its SHA-256. What the outbox API shows is
 * therefore harmless, and `redactLinks` also blanks any token in rows stored before this.
 */
import { mailErrors } from '../domain/error-codes/mail';
import { buildMimeMessage } from '../domain/suggestion-email';
import { createConfirmLinkRepository } from '../db/confirm-links.repository';
import { randomToken } from '../db/ids';
import type { OutboxRow } from '../db/outbox.repository';
import type { MailDeps } from '../providers/mail/mail-transport';
import { linkExpired, type LinkPayload } from '../providers/mail/signed-links';
import type { Deps } from './deps';
import { decideSeries } from './flags';
import { hashApiKey } from './workspaces';

type Action = LinkPayload['a'];

/** How long a confirmation link works: as long as no second confirmation mail may be sent (7 days). */
export const CONFIRM_LINK_TTL_MS = 7 * 86_400_000;

const base = (publicUrl: string) => publicUrl.replace(/\/$/, '');
/** The stored stand-in for a link's token. */
const placeholder = (name: Action | 'confirm') => `{{link:${name}}}`;

/** The stored form of an action link (no token). */
export const actionPlaceholderUrl = (publicUrl: string, action: Action) => `${base(publicUrl)}/v1/mail/action?t=${placeholder(action)}`;
/** The stored form of a confirmation link (no token). */
export const confirmPlaceholderUrl = (publicUrl: string) => `${base(publicUrl)}/v1/mail/confirm/${placeholder('confirm')}`;

const ACTION_TOKEN = /(\/v1\/mail\/action\?t=)([^\s"'<>&]+)/g;
const CONFIRM_TOKEN = /(\/v1\/mail\/confirm\/)([^\s"'<>&/?]+)/g;
const PLACEHOLDER = /^\{\{link:[a-z-]+\}\}$/;

/** Blanks every live token in a stored text (placeholders stay): what the outbox API shows. */
export function redactLinks(text: string): string {
  const blank = (_: string, prefix: string, token: string) => `${prefix}${PLACEHOLDER.test(token) ? token : placeholder('redacted' as Action)}`;
  return text.replace(ACTION_TOKEN, blank).replace(CONFIRM_TOKEN, blank);
}

/** A confirmation message (to an address not yet verified) rather than a suggestion. */
export const isConfirmationMessage = (row: Pick<OutboxRow, 'suggestionId' | 'messageId'>) => row.suggestionId === null && row.messageId.startsWith('<confirm.');

/** Hex SHA-256 of a one-time token: what is stored of it. */
export const tokenHash = (token: string) => hashApiKey(token);

function requireMail(deps: Pick<Deps, 'mail'>): MailDeps {
  if (!deps.mail) throw mailErrors.not_configured('Mail is not configured on this server (UNMEET_SECRET is needed to sign links).');
  return deps.mail;
}

/**
 * Replaces each action link token (a placeholder, or a live token of an older row) with a fresh
 * one signed at `now`; also returns the fresh tokens by action (for the unsubscribe header).
 */
async function signActionLinks(mail: MailDeps, row: OutboxRow, texts: [string, string], now: number) {
  const fresh = new Map<Action, string>();
  const tokenFor = async (action: Action) => {
    if (!fresh.has(action)) fresh.set(action, encodeURIComponent(await mail.links.sign({ w: row.workspaceId, s: row.suggestionId!, e: row.recipient, a: action, t: now })));
    return fresh.get(action)!;
  };
  const replacements = new Map<string, string>();
  for (const text of texts) {
    for (const [, , token] of text.matchAll(ACTION_TOKEN)) {
      if (replacements.has(token!)) continue;
      const action = PLACEHOLDER.test(token!) ? token!.slice(7, -2) : (await mail.links.verify(decodeURIComponent(token!)))?.a;
      if (action === 'try-async' || action === 'keep' || action === 'opt-out') replacements.set(token!, await tokenFor(action));
    }
  }
  const render = (text: string) => text.replace(ACTION_TOKEN, (whole, prefix: string, token: string) => (replacements.has(token) ? `${prefix}${replacements.get(token)}` : whole));
  const rendered: [string, string] = [render(texts[0]), render(texts[1])];
  return { rendered, tokens: fresh };
}

/** Creates a confirmation link for the row's address and puts its token in the texts. */
async function createConfirmLink(deps: Pick<Deps, 'db'>, row: OutboxRow, texts: [string, string], now: number): Promise<[string, string]> {
  const token = randomToken(40);
  await createConfirmLinkRepository({ db: deps.db }).create({ hash: await tokenHash(token), email: row.recipient, createdAt: now, expiresAt: now + CONFIRM_LINK_TTL_MS });
  return [texts[0].replaceAll(placeholder('confirm'), token), texts[1].replaceAll(placeholder('confirm'), token)];
}

/**
 * The message exactly as it leaves at `now`: the stored subject and bodies with live links, a
 * Date header of `now`, and (for suggestions) a one-click unsubscribe header. The To name is
 * the member's for suggestions and absent for confirmations (whose text is fixed).
 */
export async function renderForSending(deps: Pick<Deps, 'db' | 'mail' | 'publicUrl'>, row: OutboxRow, now: number, recipientName?: string): Promise<string> {
  const mail = requireMail(deps);
  const confirmation = isConfirmationMessage(row);
  let [text, html]: [string, string] = [row.text, row.html];
  let unsubscribeUrl: string | undefined;
  if (confirmation) {
    [text, html] = await createConfirmLink(deps, row, [text, html], now);
  } else if (row.suggestionId) {
    const { rendered, tokens } = await signActionLinks(mail, row, [text, html], now);
    [text, html] = rendered;
    const optOut = tokens.get('opt-out');
    if (optOut) unsubscribeUrl = `${base(deps.publicUrl)}/v1/mail/action?t=${optOut}`;
  }
  return buildMimeMessage({
    from: mail.from,
    to: { email: row.recipient, ...(recipientName && !confirmation ? { name: recipientName } : {}) },
    subject: row.subject,
    text,
    html,
    messageId: row.messageId,
    date: now,
    ...(unsubscribeUrl ? { unsubscribeUrl } : {}),
  });
}

// ---------------------------------------------------------------------------------------------
// Opening an action link.

export type LinkCheck = { ok: true; payload: LinkPayload } | { ok: false; code: 'mail.invalid_link' | 'mail.link_expired' };

/**
 * What a signed link would do at the server's `now`: invalid when it is not ours (forged,
 * altered, malformed, or its suggestion is gone), expired when issued over 30 days ago or
 * without an issue time (links signed before issue times existed).
 */
export async function checkLink(deps: Pick<Deps, 'mail' | 'repos' | 'clock'>, token: string): Promise<LinkCheck> {
  const payload = await deps.mail?.links.verify(token);
  if (!payload || !(await deps.repos.flags.getSuggestion(payload.w, payload.s))) return { ok: false, code: 'mail.invalid_link' };
  if (linkExpired(payload, deps.clock())) return { ok: false, code: 'mail.link_expired' };
  return { ok: true, payload };
}

/** The payload of a valid, unexpired link; undefined otherwise (kept for callers of the older name). */
export async function inspectLink(deps: Pick<Deps, 'mail' | 'repos' | 'clock'>, token: string): Promise<LinkPayload | undefined> {
  const check = await checkLink(deps, token);
  return check.ok ? check.payload : undefined;
}

/**
 * Carries out a signed link: `opt-out` adds the address to the opt-out list (for good),
 * `try-async` records the series as converted, `keep` records it as kept for the default
 * period. Idempotent. Throws `mail.invalid_link` or `mail.link_expired` (and changes nothing).
 */
export async function applyLink(deps: Pick<Deps, 'mail' | 'repos' | 'clock'>, token: string): Promise<LinkPayload> {
  const check = await checkLink(deps, token);
  if (!check.ok) {
    throw check.code === 'mail.link_expired'
      ? mailErrors.link_expired('This link has expired (links in emails work for 30 days).')
      : mailErrors.invalid_link('This link is not valid.');
  }
  const payload = check.payload;
  const now = deps.clock();
  const suggestion = (await deps.repos.flags.getSuggestion(payload.w, payload.s))!;
  if (payload.a === 'opt-out') {
    await deps.repos.flags.optOut(payload.w, payload.e, now);
  } else {
    await decideSeries(deps, payload.w, {
      seriesKey: suggestion.seriesKey,
      decision: payload.a === 'try-async' ? 'converted' : 'keep',
      decidedBy: `link:${payload.e}`,
    });
    await deps.repos.flags.setResponse(payload.w, payload.s, payload.a);
  }
  return payload;
}
