/**
 * Suggestion emails, from a flag to a queued message:
 *   prepare  → the organizer (a workspace member) gets a suggestion in their locale, timed for
 *              their working hours (`deliverAfter`); its links are placeholders, made live only
 *              when the message leaves (mail-links.ts);
 *   queue    → unless they opted out, the series was decided, one was already sent this
 *              period or they reached the weekly cap: stored in the outbox with a job; when the
 *              organizer's address is not verified, stored `held` instead and the address is
 *              asked to confirm (mail-verification.ts);
 *   deliver  → outbox-delivery.ts (at most once, inside working hours, verified addresses only);
 *   links    → mail-links.ts ("we'll try async", "keep it", "stop these emails", no login).
 */
import { UnmeetError } from '../domain/errors';
import { mailErrors } from '../domain/error-codes/mail';
import { seriesErrors } from '../domain/error-codes/series';
import { suggestionErrors } from '../domain/error-codes/suggestion';
import { addWorkingDays, nextDeliveryInstant } from '../domain/delivery-window';
import type { SeriesFlag } from '../domain/meeting-flags';
import { buildMimeMessage, composeSuggestionEmail, type ComposedEmail } from '../domain/suggestion-email';
import { newId, randomToken } from '../db/ids';
import { toMember, type MemberRow } from '../db/members.repository';
import type { MailDeps } from '../providers/mail/mail-transport';
import type { Deps } from './deps';
import { computeWorkspaceFlags, defaultFlagRange, type FlagRange } from './flags';
import { actionPlaceholderUrl } from './mail-links';
import { releaseHeldMail, requestConfirmation } from './mail-verification';
import { heldReason, scheduleDelivery, SUGGESTION_POLICY } from './outbox-delivery';

export { deliverDueMessages, OUTBOX_JOB_KIND, resolveMessage, runOutboxJob, SUGGESTION_POLICY, type DeliveryResult } from './outbox-delivery';
export { applyLink, checkLink, inspectLink } from './mail-links';

const DAY = 86_400_000;

function requireMail(deps: Pick<Deps, 'mail'>): MailDeps {
  if (!deps.mail) throw mailErrors.not_configured('Suggestion emails are not configured on this server (UNMEET_SECRET is needed to sign links).');
  return deps.mail;
}

export interface PreparedSuggestion {
  suggestionId: string;
  flag: SeriesFlag;
  recipient: MemberRow;
  email: ComposedEmail;
  deliverAfter: number;
  replyBy: string;
  messageId: string;
  mime: string;
}

/**
 * Builds the suggestion for one series (nothing is stored; links are placeholders): the flag must say `consider-async`
 * or `async`, and its organizer must be a member of the workspace; addresses outside the
 * workspace never get mail.
 */
export async function prepareSuggestion(
  deps: Pick<Deps, 'repos' | 'clock' | 'mail' | 'publicUrl'>,
  workspaceId: string,
  seriesKey: string,
  range?: Partial<FlagRange>,
): Promise<PreparedSuggestion> {
  const mail = requireMail(deps);
  const now = deps.clock();
  const { workspace, members, flags } = await computeWorkspaceFlags(deps, workspaceId, defaultFlagRange(now, range));
  const flag = flags.find((f) => f.seriesKey === seriesKey);
  if (!flag) throw seriesErrors.not_found(`No meeting series ${seriesKey} in this workspace and range.`);
  if (flag.verdict === 'keep') throw suggestionErrors.not_flagged(`"${flag.title}" scores ${flag.score}: below the threshold for a suggestion.`);
  const recipient = members.find((m) => m.email === flag.organizer);
  if (!recipient) {
    throw suggestionErrors.recipient_not_member('The organizer of this series is not a member of the workspace; unmeet only writes to members.');
  }
  const member = toMember(recipient);
  const deliverAfter = nextDeliveryInstant(now, member);
  const replyBy = addWorkingDays(deliverAfter, member, SUGGESTION_POLICY.replyByWorkingDays);
  const suggestionId = newId('sug');
  // Placeholders: the live, signed links are made when the message leaves (and never stored).
  const links = {
    tryAsync: actionPlaceholderUrl(deps.publicUrl, 'try-async'),
    keep: actionPlaceholderUrl(deps.publicUrl, 'keep'),
    optOut: actionPlaceholderUrl(deps.publicUrl, 'opt-out'),
  };
  const email = composeSuggestionEmail({ locale: recipient.locale, recipientName: recipient.name, flag, currency: workspace.currency, replyBy, links });
  const domain = mail.from.email.slice(mail.from.email.lastIndexOf('@') + 1) || 'localhost';
  const messageId = `<${suggestionId}.${randomToken(12)}@${domain}>`;
  const mime = buildMimeMessage({
    from: mail.from,
    to: { email: recipient.email, name: recipient.name },
    subject: email.subject,
    text: email.text,
    html: email.html,
    messageId,
    date: deliverAfter,
    unsubscribeUrl: links.optOut,
  });
  return { suggestionId, flag, recipient, email, deliverAfter, replyBy, messageId, mime };
}

/** Why a series gets no suggestion now, or undefined when it may get one. */
async function blockedReason(deps: Pick<Deps, 'repos'>, workspaceId: string, seriesKey: string, recipient: string, now: number): Promise<UnmeetError | undefined> {
  const repo = deps.repos.flags;
  if (await repo.isOptedOut(workspaceId, recipient)) return suggestionErrors.opted_out(`${recipient} asked not to receive suggestions.`);
  const decided = (await repo.activeDecisions(workspaceId, now)).find((d) => d.seriesKey === seriesKey);
  if (decided) return suggestionErrors.decided(`This series is marked "${decided.decision}".`);
  if (await repo.latestSuggestion(workspaceId, seriesKey, now - SUGGESTION_POLICY.dedupePeriodDays * DAY)) {
    return suggestionErrors.duplicate(`A suggestion about this series was already made in the last ${SUGGESTION_POLICY.dedupePeriodDays} days.`);
  }
  if ((await repo.countForRecipient(workspaceId, recipient, now - 7 * DAY)) >= SUGGESTION_POLICY.weeklyCapPerRecipient) {
    return suggestionErrors.weekly_cap(`${recipient} already has ${SUGGESTION_POLICY.weeklyCapPerRecipient} suggestions this week.`);
  }
  return undefined;
}

export interface QueuedSuggestion {
  outboxId: string;
  seriesKey: string;
  recipient: string;
  /** When it goes out; for a held suggestion, the earliest it could have (it waits for the confirmation). */
  deliverAfter: number;
  messageId: string;
  /** `queued`: will be delivered; `held`: waits until the recipient confirms they want these emails. */
  status: 'queued' | 'held';
  /** Why it is held (null when queued): "waiting for <address> to confirm they want these emails". */
  heldReason: string | null;
  /** Whether this call queued a confirmation mail to the address (at most one per address per 7 days). */
  confirmationQueued: boolean;
}

/**
 * Queues the suggestion for one series, or throws the stable reason it may not be sent. To an
 * address that is not verified, the suggestion is stored `held` and the address is asked to
 * confirm (nothing else is sent to it); once it confirms, the suggestion is released.
 */
export async function queueSuggestion(
  deps: Pick<Deps, 'repos' | 'clock' | 'mail' | 'publicUrl'>,
  workspaceId: string,
  seriesKey: string,
  range?: Partial<FlagRange>,
): Promise<QueuedSuggestion> {
  const prepared = await prepareSuggestion(deps, workspaceId, seriesKey, range);
  const now = deps.clock();
  const blocked = await blockedReason(deps, workspaceId, seriesKey, prepared.recipient.email, now);
  if (blocked) throw blocked;
  const email = prepared.recipient.email;
  const verified = await deps.repos.mailAddresses.isVerified(email);
  // A sign-in may have verified the address without releasing what was held: do it now.
  if (verified) await releaseHeldMail(deps, email);
  const outboxId = newId('msg');
  try {
    await deps.repos.outbox.enqueueSuggestion(
      workspaceId,
      {
        id: prepared.suggestionId,
        seriesKey,
        recipient: prepared.recipient.email,
        period: Math.floor(now / (SUGGESTION_POLICY.dedupePeriodDays * DAY)),
        score: prepared.flag.score,
        verdict: prepared.flag.verdict,
        createdAt: now,
      },
      {
        id: outboxId,
        suggestionId: prepared.suggestionId,
        recipient: prepared.recipient.email,
        subject: prepared.email.subject,
        mime: prepared.mime,
        text: prepared.email.text,
        html: prepared.email.html,
        messageId: prepared.messageId,
        deliverAfter: prepared.deliverAfter,
        createdAt: now,
        ...(verified ? {} : { status: 'held' as const, lastError: heldReason(email) }),
      },
    );
  } catch (error) {
    if (/UNIQUE/i.test(String((error as Error).message ?? error))) {
      throw suggestionErrors.duplicate('A suggestion about this series was already made in this period.');
    }
    throw error;
  }
  const base = { outboxId, seriesKey, recipient: email, deliverAfter: prepared.deliverAfter, messageId: prepared.messageId };
  if (!verified) {
    const confirmationQueued = await requestConfirmation(deps, workspaceId, prepared.recipient);
    return { ...base, status: 'held', heldReason: heldReason(email), confirmationQueued };
  }
  await scheduleDelivery(deps, workspaceId, outboxId, prepared.deliverAfter);
  return { ...base, status: 'queued', heldReason: null, confirmationQueued: false };
}

/**
 * Queues suggestions for every series flagged `consider-async` or `async` (highest score
 * first, so the weekly cap keeps the most valuable ones); the others are reported with the
 * reason they were skipped.
 */
export async function queueAllSuggestions(deps: Pick<Deps, 'repos' | 'clock' | 'mail' | 'publicUrl'>, workspaceId: string, range?: Partial<FlagRange>) {
  requireMail(deps);
  const { flags } = await computeWorkspaceFlags(deps, workspaceId, defaultFlagRange(deps.clock(), range));
  const queued: QueuedSuggestion[] = [];
  const skipped: Array<{ seriesKey: string; code: string }> = [];
  for (const flag of flags.filter((f) => f.verdict !== 'keep')) {
    try {
      queued.push(await queueSuggestion(deps, workspaceId, flag.seriesKey, range));
    } catch (error) {
      if (!(error instanceof UnmeetError)) throw error;
      skipped.push({ seriesKey: flag.seriesKey, code: error.code });
    }
  }
  return { queued, skipped };
}


export interface HeldSuggestion {
  seriesKey: string;
  recipient: string;
  outboxId: string;
  /** "waiting for <address> to confirm they want these emails". */
  reason: string;
}

/**
 * The workspace's suggestions that wait for their recipient to confirm, by series: what the
 * flags page shows next to a series ("held, and why").
 */
export async function heldSuggestions(deps: Pick<Deps, 'repos'>, workspaceId: string): Promise<HeldSuggestion[]> {
  const held: HeldSuggestion[] = [];
  for (const row of await deps.repos.outbox.list(workspaceId, { status: 'held', limit: 500 })) {
    const suggestion = row.suggestionId ? await deps.repos.flags.getSuggestion(workspaceId, row.suggestionId) : undefined;
    if (suggestion) held.push({ seriesKey: suggestion.seriesKey, recipient: row.recipient, outboxId: row.id, reason: row.lastError ?? heldReason(row.recipient) });
  }
  return held;
}
