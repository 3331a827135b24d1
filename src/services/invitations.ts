import { UnmeetError } from '../domain/errors';
import { authErrors } from '../domain/error-codes/auth';
import { invitationErrors } from '../domain/error-codes/invitation';
import { canAssignRole, type Role } from '../domain/roles';
import { buildMimeMessage, emailLocale, escapeHtml, sanitizeHeaderText, type EmailLocale } from '../domain/suggestion-email';
import { normalizeWorkingHours } from '../domain/working-hours';
import { newId, randomToken } from '../db/ids';
import type { Invitation } from '../db/invitations.repository';
import type { Person } from '../db/people.repository';
import type { Principal } from '../http/middleware/auth';
import { actorOf, recordAdminAction } from './audit-log';
import type { Deps } from './deps';
import { hashApiKey } from './workspaces';

/**
 * Invitations: an admin invites an address with a role; the link (`/invite/{token}`) is random,
 * stored only as its SHA-256, expires after 7 days, works once, and can be revoked, resent (a
 * new link; the old one stops working) or approved for a different verified address. Sends are
 * capped per workspace per day, resends included, because an invitation is mail to an address
 * nobody has verified yet.
 */
export const INVITATION_TTL_MS = 7 * 86_400_000;
export const INVITATION_SENDS_PER_DAY = 50;
const DAY_MS = 86_400_000;
const TOKEN_PREFIX = 'umi_';
const TOKEN_LENGTH = TOKEN_PREFIX.length + 43;

/** Who is inviting: an API request's principal with its role, or the operator's command line. */
export interface Inviter {
  principal: Principal | 'cli';
  role: Role;
  /** Answer the link to hand over even when mail could be sent (the operator's command line prints it). */
  handOver?: boolean;
}

export type InviteStatus = 'invited' | 'duplicate' | 'already_member' | 'invalid';
export type Delivery = 'mailed' | 'link' | 'mail_failed';

/** What happened to one address. `link` is present only when it was not mailed: shown this once. */
export interface InviteOutcome {
  email: string;
  status: InviteStatus;
  invitationId?: string;
  expiresAt?: number;
  delivery?: Delivery;
  link?: string;
}

const EMAIL = /^[^\s@<>"(),;:\\[\]]+@[^\s@<>"(),;:\\[\]]+\.[^\s@<>"(),;:\\[\]]+$/;

/** Whether a string is a plain mail address we can invite (no display name, at most 254 characters). */
export const isInvitableEmail = (email: string): boolean => email.length <= 254 && EMAIL.test(email);

/** A pasted list (newlines, commas or semicolons; or an array of such) as trimmed, lower-cased addresses in order. */
export function parseEmailList(input: string | string[]): string[] {
  const parts = (Array.isArray(input) ? input : [input]).flatMap((s) => s.split(/[\n\r,;]+/));
  return parts.map((s) => s.trim().toLowerCase()).filter((s) => s.length > 0);
}

const linkFor = (deps: Pick<Deps, 'publicUrl'>, token: string) => `${deps.publicUrl}/invite/${token}`;
const newToken = () => `${TOKEN_PREFIX}${randomToken(43)}`;

function assertMayAssign(inviter: Inviter, role: Role): void {
  if (!canAssignRole({ role: inviter.role, self: false }, 'member', role)) {
    throw authErrors.forbidden(`Your role (${inviter.role}) cannot invite people as ${role}; only owners invite admins and owners.`);
  }
}

/** Sorts addresses into what can be invited and what cannot, before anything is stored. */
async function classify(deps: Pick<Deps, 'repos' | 'clock'>, workspaceId: string, emails: string[]): Promise<InviteOutcome[]> {
  const seen = new Set<string>();
  const now = deps.clock();
  const outcomes: InviteOutcome[] = [];
  for (const email of emails) {
    let status: InviteStatus = 'invited';
    if (!isInvitableEmail(email)) status = 'invalid';
    else if (seen.has(email) || (await deps.repos.invitations.pendingFor(workspaceId, email, now))) status = 'duplicate';
    else {
      const person = await deps.repos.people.findByEmail(email);
      if (person && (await deps.repos.people.membership(workspaceId, person.id))) status = 'already_member';
    }
    seen.add(email);
    outcomes.push({ email, status });
  }
  return outcomes;
}

/** Refuses (429 `invitation.limit_reached`) when `count` more sends would pass the daily cap. */
async function assertUnderCap(deps: Pick<Deps, 'repos' | 'clock'>, workspaceId: string, count: number): Promise<void> {
  if (count === 0) return;
  const sent = await deps.repos.invitations.sendsSince(workspaceId, deps.clock() - DAY_MS);
  if (sent + count > INVITATION_SENDS_PER_DAY) {
    const left = Math.max(0, INVITATION_SENDS_PER_DAY - sent);
    throw invitationErrors.limit_reached(`A workspace sends at most ${INVITATION_SENDS_PER_DAY} invitations a day (resends included); ${left} left now, ${count} asked. Nothing was sent.`);
  }
}

/**
 * Invites a pasted list: each address is invited, or reported as a duplicate (a pending
 * invitation exists, or it appears twice), already a member, or invalid. When the invitable
 * ones would pass the daily cap, nothing is invited at all.
 */
export async function inviteMany(deps: Deps, workspaceId: string, inviter: Inviter, emails: string[], role: Role): Promise<InviteOutcome[]> {
  assertMayAssign(inviter, role);
  const outcomes = await classify(deps, workspaceId, emails);
  await assertUnderCap(deps, workspaceId, outcomes.filter((o) => o.status === 'invited').length);
  for (const outcome of outcomes) if (outcome.status === 'invited') Object.assign(outcome, await createAndSend(deps, workspaceId, inviter, outcome.email, role));
  return outcomes;
}

/** Invites one address; a duplicate, a member or an invalid address is an error (409, 409, 422). */
export async function inviteOne(deps: Deps, workspaceId: string, inviter: Inviter, email: string, role: Role): Promise<InviteOutcome> {
  assertMayAssign(inviter, role);
  const [outcome] = await classify(deps, workspaceId, [email.trim().toLowerCase()]);
  if (outcome!.status === 'invalid') throw invitationErrors.invalid_email(`"${sanitizeHeaderText(email, 100)}" is not a mail address.`);
  if (outcome!.status === 'duplicate') throw invitationErrors.duplicate(`${outcome!.email} already has a pending invitation; resend or revoke it.`);
  if (outcome!.status === 'already_member') throw invitationErrors.already_member(`${outcome!.email} is already a member of this workspace.`);
  await assertUnderCap(deps, workspaceId, 1);
  return { ...outcome!, ...(await createAndSend(deps, workspaceId, inviter, outcome!.email, role)) };
}

async function createAndSend(deps: Deps, workspaceId: string, inviter: Inviter, email: string, role: Role): Promise<Partial<InviteOutcome>> {
  const now = deps.clock();
  const token = newToken();
  const invitation = await deps.repos.invitations.create({
    id: newId('inv'),
    workspaceId,
    email,
    role,
    tokenHash: await hashApiKey(token),
    invitedBy: actorOf(inviter.principal),
    createdAt: now,
    expiresAt: now + INVITATION_TTL_MS,
  });
  await recordAdminAction(deps, workspaceId, inviter.principal, 'invitation.create', invitation.id, { email, role });
  return { invitationId: invitation.id, expiresAt: invitation.expiresAt, ...(await deliver(deps, invitation, inviter, token)) };
}

/**
 * A new link for a pending (or expired, not revoked or accepted) invitation: the old link stops
 * working and the expiry starts again. Counts against the daily cap.
 */
export async function resendInvitation(deps: Deps, workspaceId: string, inviter: Inviter, id: string): Promise<InviteOutcome> {
  const invitation = await manageable(deps, workspaceId, inviter, id);
  await assertUnderCap(deps, workspaceId, 1);
  const token = newToken();
  const expiresAt = deps.clock() + INVITATION_TTL_MS;
  if (!(await deps.repos.invitations.replaceToken(workspaceId, id, await hashApiKey(token), expiresAt, deps.clock()))) throw stateError(invitation, deps.clock());
  await recordAdminAction(deps, workspaceId, inviter.principal, 'invitation.resend', id, { email: invitation.email, role: invitation.role });
  const sent = await deliver(deps, { ...invitation, expiresAt }, inviter, token, false);
  return { email: invitation.email, status: 'invited', invitationId: id, expiresAt, ...sent };
}

/** Revokes a pending invitation: its link stops working. Revoking it again changes nothing. */
export async function revokeInvitation(deps: Deps, workspaceId: string, inviter: Inviter, id: string): Promise<{ invitation: Invitation; revoked: boolean }> {
  const invitation = await manageable(deps, workspaceId, inviter, id, { allowRevoked: true });
  if (invitation.revokedAt !== null) return { invitation, revoked: false };
  if (!(await deps.repos.invitations.revoke(workspaceId, id, deps.clock()))) throw stateError(invitation, deps.clock());
  await recordAdminAction(deps, workspaceId, inviter.principal, 'invitation.revoke', id, { email: invitation.email });
  return { invitation: (await deps.repos.invitations.get(workspaceId, id))!, revoked: true };
}

/** Lets a different verified address accept the invitation (the person signed in with another account). */
export async function approveInvitationEmail(deps: Deps, workspaceId: string, inviter: Inviter, id: string, email: string): Promise<Invitation> {
  const invitation = await manageable(deps, workspaceId, inviter, id);
  const address = email.trim().toLowerCase();
  if (!isInvitableEmail(address)) throw invitationErrors.invalid_email(`"${sanitizeHeaderText(email, 100)}" is not a mail address.`);
  if (!(await deps.repos.invitations.approve(workspaceId, id, address))) throw stateError(invitation, deps.clock());
  await recordAdminAction(deps, workspaceId, inviter.principal, 'invitation.approve', id, { email: invitation.email, approvedEmail: address });
  return (await deps.repos.invitations.get(workspaceId, id))!;
}

/** The invitation, if this inviter may act on it (its role is one they may give) and it is still open. */
async function manageable(deps: Pick<Deps, 'repos' | 'clock'>, workspaceId: string, inviter: Inviter, id: string, options: { allowRevoked?: boolean } = {}) {
  const invitation = await deps.repos.invitations.get(workspaceId, id);
  if (!invitation) throw invitationErrors.not_found(`No invitation ${id} in this workspace.`);
  assertMayAssign(inviter, invitation.role);
  if (invitation.acceptedAt !== null || (invitation.revokedAt !== null && !options.allowRevoked)) throw stateError(invitation, deps.clock());
  return invitation;
}

/** Where an invitation stands at `now`. */
export function invitationStatus(invitation: Invitation, now: number): 'pending' | 'accepted' | 'revoked' | 'expired' {
  if (invitation.acceptedAt !== null) return 'accepted';
  if (invitation.revokedAt !== null) return 'revoked';
  return invitation.expiresAt <= now ? 'expired' : 'pending';
}

function stateError(invitation: Invitation, now: number): UnmeetError {
  switch (invitationStatus(invitation, now)) {
    case 'accepted':
      return invitationErrors.used('This invitation has already been accepted; each link works once.');
    case 'revoked':
      return invitationErrors.revoked('This invitation was revoked; ask the workspace admin for a new one.');
    case 'expired':
      return invitationErrors.expired('This invitation has expired; ask the workspace admin to resend it.');
    default:
      return invitationErrors.invalid('This invitation link is not valid (it may have been replaced by a newer one).');
  }
}

/** The pending invitation a link names; throws `invitation.invalid|expired|used|revoked`. */
async function resolveToken(deps: Pick<Deps, 'repos' | 'clock'>, token: string): Promise<{ invitation: Invitation; tokenHash: string }> {
  if (typeof token !== 'string' || !token.startsWith(TOKEN_PREFIX) || token.length !== TOKEN_LENGTH || !/^[0-9a-z_]+$/.test(token)) {
    throw invitationErrors.invalid('This invitation link is not valid.');
  }
  const tokenHash = await hashApiKey(token);
  const invitation = await deps.repos.invitations.findByTokenHash(tokenHash);
  if (!invitation) throw invitationErrors.invalid('This invitation link is not valid (it may have been replaced by a newer one).');
  if (invitationStatus(invitation, deps.clock()) !== 'pending') throw stateError(invitation, deps.clock());
  return { invitation, tokenHash };
}

/**
 * What an invitation link offers, without using it (a GET, or a mail scanner, may call this
 * any number of times). Throws `invitation.invalid|expired|used|revoked`.
 */
export async function peekInvitation(
  deps: Pick<Deps, 'repos' | 'clock'>,
  token: string,
): Promise<{ invitationId: string; workspaceId: string; workspaceName: string; email: string; role: Role; expiresAt: number }> {
  const { invitation } = await resolveToken(deps, token);
  const workspace = await deps.repos.workspaces.get(invitation.workspaceId);
  return { invitationId: invitation.id, workspaceId: invitation.workspaceId, workspaceName: workspace?.name ?? '', email: invitation.email, role: invitation.role, expiresAt: invitation.expiresAt };
}

/**
 * Accepts an invitation for a signed-in person: their verified address must be the invited one
 * (or one an admin approved), case-insensitively; otherwise the address is noted on the
 * invitation for an admin to approve and `invitation.email_mismatch` is thrown. The link is used
 * once; the person joins with the invited role (an existing membership keeps its role), linked
 * to the workspace's member row for their address or a new one (UTC, default hours, following
 * the calendar settings so a connected calendar fills them in). Recorded in the audit log.
 */
export async function acceptInvitation(deps: Deps, token: string, person: Person): Promise<{ workspaceId: string }> {
  const { invitation, tokenHash } = await resolveToken(deps, token);
  const { workspaceId } = invitation;
  const email = person.email.toLowerCase();
  if (email !== invitation.email && email !== invitation.approvedEmail) {
    await deps.repos.invitations.recordAttempt(workspaceId, invitation.id, email);
    throw invitationErrors.email_mismatch(`This invitation is for another address than ${email}; ask the workspace admin to approve ${email}, or sign in with the invited address.`);
  }
  const now = deps.clock();
  if (!(await deps.repos.invitations.claim(workspaceId, invitation.id, tokenHash, person.id, now))) {
    const current = await deps.repos.invitations.get(workspaceId, invitation.id);
    throw stateError(current ?? invitation, now);
  }
  try {
    const { memberId, created } = await memberFor(deps, workspaceId, person);
    const membership = await deps.repos.people.join(workspaceId, person.id, invitation.role, memberId);
    await deps.repos.auditLog.record(workspaceId, {
      actor: `person:${person.id}`,
      action: 'invitation.accept',
      target: invitation.id,
      detail: { email, role: membership.role, memberId, memberCreated: created },
      at: now,
    });
  } catch (error) {
    await deps.repos.invitations.unclaim(workspaceId, invitation.id);
    throw error;
  }
  return { workspaceId };
}

/** The member row for the person's address in the workspace, created when the workspace has none. */
async function memberFor(deps: Deps, workspaceId: string, person: Person): Promise<{ memberId: string; created: boolean }> {
  const existing = await deps.repos.people.memberForEmail(workspaceId, person.email);
  if (existing) return { memberId: existing, created: false };
  const member = { email: person.email.toLowerCase(), name: person.name, timeZone: 'UTC', locale: person.locale, workingHours: normalizeWorkingHours(undefined) };
  try {
    return { memberId: (await deps.repos.members.create(workspaceId, member, deps.clock())).id, created: true };
  } catch (error) {
    // Two acceptances racing for one address: the other made the row; use it.
    const raced = await deps.repos.people.memberForEmail(workspaceId, person.email);
    if (raced) return { memberId: raced, created: false };
    throw error;
  }
}

// --- delivery -----------------------------------------------------------------------------------

/** Mails the link when a transport is configured; otherwise (or when sending fails) answers it to hand over. */
async function deliver(deps: Deps, invitation: Invitation, inviter: Inviter, token: string, countSend = true): Promise<{ delivery: Delivery; link?: string }> {
  const link = linkFor(deps, token);
  const mail = deps.mail;
  if (!mail?.transport || inviter.handOver) {
    if (countSend) await deps.repos.invitations.markSent(invitation.workspaceId, invitation.id, deps.clock());
    return { delivery: 'link', link };
  }
  const workspace = await deps.repos.workspaces.get(invitation.workspaceId);
  const inviterPerson = inviter.principal !== 'cli' && inviter.principal.kind === 'session' && inviter.principal.personId ? await deps.repos.people.get(inviter.principal.personId) : undefined;
  const composed = composeInvitationEmail({
    locale: inviterPerson?.locale,
    workspaceName: workspace?.name ?? '',
    inviterName: inviterPerson?.name ?? null,
    role: invitation.role,
    link,
    expiresAt: invitation.expiresAt,
  });
  const domain = mail.from.email.slice(mail.from.email.lastIndexOf('@') + 1) || 'localhost';
  const messageId = `<${invitation.id}.${randomToken(12)}@${domain}>`;
  const raw = buildMimeMessage({ from: mail.from, to: { email: invitation.email }, subject: composed.subject, text: composed.text, html: composed.html, messageId, date: deps.clock() });
  try {
    await mail.transport.send({ from: mail.from.email, to: invitation.email, messageId, raw });
  } catch (error) {
    deps.logger.warn('invitation mail failed', { invitationId: invitation.id, error: error instanceof Error ? error.message : String(error) });
    return { delivery: 'mail_failed', link };
  }
  if (countSend) await deps.repos.invitations.markSent(invitation.workspaceId, invitation.id, deps.clock());
  return { delivery: 'mailed' };
}

const ROLE_NAMES: Record<EmailLocale, Record<Role, string>> = {
  en: { member: 'a member', manager: 'a manager', admin: 'an admin', owner: 'an owner' },
  id: { member: 'anggota', manager: 'manajer', admin: 'admin', owner: 'pemilik' },
};

/**
 * The invitation mail, from a fixed template: the workspace name and the inviter's name are the
 * only variable text (flattened to one line, escaped in HTML), so the mail cannot carry anyone's
 * message. English or Indonesian. Pure.
 */
export function composeInvitationEmail(input: { locale: string | null | undefined; workspaceName: string; inviterName: string | null; role: Role; link: string; expiresAt: number }) {
  const locale = emailLocale(input.locale);
  const workspace = sanitizeHeaderText(input.workspaceName, 80) || 'unmeet';
  const inviter = input.inviterName ? sanitizeHeaderText(input.inviterName, 80) : null;
  const date = new Date(input.expiresAt).toISOString().slice(0, 10);
  const role = ROLE_NAMES[locale][input.role];
  const lines =
    locale === 'id'
      ? {
          subject: `Undangan ke ${workspace} di unmeet`,
          intro: `${inviter ?? 'Admin ruang kerja'} mengundang Anda bergabung dengan ${workspace} di unmeet sebagai ${role}.`,
          action: `Buka tautan ini untuk menerima (berlaku sekali, sampai ${date} UTC):`,
          ignore: 'Jika Anda tidak mengharapkan undangan ini, abaikan pesan ini.',
        }
      : {
          subject: `You're invited to ${workspace} on unmeet`,
          intro: `${inviter ?? 'The workspace admin'} invited you to join ${workspace} on unmeet as ${role}.`,
          action: `Open this link to accept (it works once, until ${date} UTC):`,
          ignore: "If you did not expect this invitation, ignore this message.",
        };
  const text = [lines.intro, '', lines.action, input.link, '', lines.ignore, ''].join('\n');
  const html = `<!doctype html><html lang="${locale}"><body><p>${escapeHtml(lines.intro)}</p><p>${escapeHtml(lines.action)}<br><a href="${escapeHtml(input.link)}">${escapeHtml(input.link)}</a></p><p>${escapeHtml(lines.ignore)}</p></body></html>`;
  return { locale, subject: lines.subject, text, html };
}
