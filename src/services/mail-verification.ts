/**
 * Mail goes only to addresses that proved they want it: verified by signing in, or by a
 * confirmation link the recipient clicked. The story:
 *   hold     → a suggestion to an address that is not verified is stored `held` (never sent);
 *   ask      → the address gets one confirmation mail, fixed text with no workspace's words in
 *              it, at most once per 7 days however many workspaces ask (`claimConfirmation`),
 *              through the workspace's transport, inside the recipient's working hours;
 *   confirm  → opening the link shows a page (mail scanners fetch GETs); its POST consumes the
 *              link, marks the address verified and releases what was held, each message into
 *              the recipient's next delivery window;
 *   decline  → "don't send me these": the existing opt-out, in every workspace that asked, and
 *              what they held is cancelled.
 */
import { nextDeliveryInstant } from '../domain/delivery-window';
import { composeConfirmationEmail } from '../domain/confirmation-email';
import { buildMimeMessage } from '../domain/suggestion-email';
import { createConfirmLinkRepository } from '../db/confirm-links.repository';
import { newId, randomToken } from '../db/ids';
import { toMember, type MemberRow } from '../db/members.repository';
import type { VerifiedBy } from '../db/people.schema';
import { mailErrors } from '../domain/error-codes/mail';
import type { Deps } from './deps';
import { confirmPlaceholderUrl, tokenHash } from './mail-links';
import { scheduleDelivery } from './outbox-delivery';

/** One confirmation mail per address per this period. */
export const CONFIRMATION_PERIOD_MS = 7 * 86_400_000;

/**
 * Asks `member`'s address to confirm it wants suggestion emails, unless it was asked in the last
 * 7 days (by any workspace) or is already verified: stores the fixed confirmation mail in the
 * workspace's outbox, due in the member's next delivery window. True when a mail was queued.
 */
export async function requestConfirmation(deps: Pick<Deps, 'repos' | 'clock' | 'mail' | 'publicUrl'>, workspaceId: string, member: MemberRow): Promise<boolean> {
  const mail = deps.mail;
  if (!mail) throw mailErrors.not_configured('Mail is not configured on this server (UNMEET_SECRET is needed to sign links).');
  const now = deps.clock();
  if (!(await deps.repos.mailAddresses.claimConfirmation(member.email, now, CONFIRMATION_PERIOD_MS))) return false;
  const email = composeConfirmationEmail({ locale: member.locale, address: member.email, link: confirmPlaceholderUrl(deps.publicUrl) });
  const id = newId('msg');
  const domain = mail.from.email.slice(mail.from.email.lastIndexOf('@') + 1) || 'localhost';
  const messageId = `<confirm.${randomToken(16)}@${domain}>`;
  const deliverAfter = nextDeliveryInstant(now, toMember(member));
  const mime = buildMimeMessage({ from: mail.from, to: { email: member.email }, subject: email.subject, text: email.text, html: email.html, messageId, date: deliverAfter });
  await deps.repos.outbox.enqueueMessage(workspaceId, {
    id,
    suggestionId: null,
    recipient: member.email.toLowerCase(),
    subject: email.subject,
    mime,
    text: email.text,
    html: email.html,
    messageId,
    deliverAfter,
    createdAt: now,
  });
  await scheduleDelivery(deps, workspaceId, id, deliverAfter);
  return true;
}

/**
 * Moves every message held for `email` (in every workspace) back to the queue, due in the
 * recipient's next delivery window there; a message whose recipient left that workspace is
 * cancelled. Returns how many were released.
 */
export async function releaseHeldMail(deps: Pick<Deps, 'repos' | 'clock'>, email: string): Promise<number> {
  const now = deps.clock();
  let released = 0;
  for (const row of await deps.repos.outbox.listHeldFor(email)) {
    const member = await deps.repos.members.getByEmail(row.workspaceId, row.recipient);
    if (!member) {
      await deps.repos.outbox.transition(row.workspaceId, row.id, ['held'], 'cancelled', { lastError: 'recipient is not a member of the workspace' });
      continue;
    }
    const next = nextDeliveryInstant(now, toMember(member));
    if (await deps.repos.outbox.transition(row.workspaceId, row.id, ['held'], 'queued', { deliverAfter: next, lastError: null })) {
      await scheduleDelivery(deps, row.workspaceId, row.id, next);
      released++;
    }
  }
  return released;
}

/**
 * Records that `email` is verified (by a sign-in or a confirmation link) and releases what was
 * held for it. Sign-in code should call this rather than `mailAddresses.markVerified` alone.
 */
export async function addressVerified(deps: Pick<Deps, 'repos' | 'clock'>, email: string, by: VerifiedBy): Promise<{ released: number }> {
  await deps.repos.mailAddresses.markVerified(email, by, deps.clock());
  return { released: await releaseHeldMail(deps, email) };
}

// ---------------------------------------------------------------------------------------------
// The confirmation link.

export type ConfirmCheck = { ok: true; email: string } | { ok: false; code: 'mail.invalid_link' | 'mail.link_expired' | 'mail.link_used' };

/** What a confirmation token is: valid (for which address), unknown, expired or already used. Changes nothing. */
export async function inspectConfirmation(deps: Pick<Deps, 'db' | 'clock'>, token: string): Promise<ConfirmCheck> {
  if (!/^[0-9a-z]{20,64}$/.test(token)) return { ok: false, code: 'mail.invalid_link' };
  const link = await createConfirmLinkRepository({ db: deps.db }).get(await tokenHash(token));
  if (!link?.email) return { ok: false, code: 'mail.invalid_link' };
  if (link.usedAt !== null) return { ok: false, code: 'mail.link_used' };
  if (link.expiresAt <= deps.clock()) return { ok: false, code: 'mail.link_expired' };
  return { ok: true, email: link.email };
}

const refusal = (code: Exclude<ConfirmCheck, { ok: true }>['code']) =>
  code === 'mail.link_used'
    ? mailErrors.link_used('This confirmation link was already used.')
    : code === 'mail.link_expired'
      ? mailErrors.link_expired('This confirmation link has expired (it works for 7 days).')
      : mailErrors.invalid_link('This link is not valid.');

/** Consumes a confirmation token (once) and returns its address; throws the refusal otherwise. */
async function consume(deps: Pick<Deps, 'db' | 'clock'>, token: string): Promise<string> {
  const check = await inspectConfirmation(deps, token);
  if (!check.ok) throw refusal(check.code);
  if (!(await createConfirmLinkRepository({ db: deps.db }).consume(await tokenHash(token), deps.clock()))) throw refusal('mail.link_used');
  return check.email;
}

/** "Yes, send me these": the address becomes verified (`link`) and its held suggestions go out in its working hours. */
export async function confirmAddress(deps: Pick<Deps, 'db' | 'repos' | 'clock'>, token: string): Promise<{ email: string; released: number }> {
  const email = await consume(deps, token);
  return { email, ...(await addressVerified(deps, email, 'link')) };
}

/**
 * "Don't send me these": the address is opted out of every workspace that held mail for it
 * (the existing opt-out, for good), and that mail is cancelled. The address stays unverified.
 */
export async function declineAddress(deps: Pick<Deps, 'db' | 'repos' | 'clock'>, token: string): Promise<{ email: string; workspaces: number }> {
  const email = await consume(deps, token);
  const now = deps.clock();
  const workspaces = new Set<string>();
  for (const row of await deps.repos.outbox.listHeldFor(email)) {
    workspaces.add(row.workspaceId);
    await deps.repos.outbox.transition(row.workspaceId, row.id, ['held'], 'cancelled', { lastError: 'recipient declined these emails' });
  }
  for (const workspaceId of workspaces) await deps.repos.flags.optOut(workspaceId, email, now);
  return { email, workspaces: workspaces.size };
}
