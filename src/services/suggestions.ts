/**
 * Suggestion emails, from a flag to a delivered message:
 *   prepare  → the organizer (a workspace member) gets a suggestion in their locale, with
 *              signed links, timed for their working hours (`deliverAfter`);
 *   queue    → unless they opted out, the series was decided, one was already sent this
 *              period or they reached the weekly cap: stored in the outbox with a job;
 *   deliver  → the job sends due messages at most once (attempt and Message-ID recorded
 *              before the transport is called; an attempt without an outcome is never
 *              resent blindly);
 *   links    → "we'll try async", "keep it", "stop these emails" without a login.
 */
import { UnmeetError } from '../domain/errors';
import { addWorkingDays, nextDeliveryInstant } from '../domain/delivery-window';
import type { SeriesFlag } from '../domain/meeting-flags';
import { buildMimeMessage, composeSuggestionEmail, type ComposedEmail } from '../domain/suggestion-email';
import { newId, randomToken } from '../db/ids';
import { toMember, type MemberRow } from '../db/members.repository';
import type { OutboxRow } from '../db/outbox.repository';
import type { OutboxStatus } from '../db/schema';
import { MailTransportError, type MailDeps, type MailTransport } from '../providers/mail/mail-transport';
import type { LinkPayload } from '../providers/mail/signed-links';
import type { Deps } from './deps';
import { computeWorkspaceFlags, decideSeries, defaultFlagRange, type FlagRange } from './flags';
import { transportByName, transportForMessage } from './mail-transports';

const DAY = 86_400_000;
const MINUTE = 60_000;

export const SUGGESTION_POLICY = {
  /** One suggestion per series per this many days. */
  dedupePeriodDays: 30,
  /** At most this many suggestions to one organizer per 7 days. */
  weeklyCapPerRecipient: 2,
  /** Decisions in the written-update template are due this many working days after delivery. */
  replyByWorkingDays: 3,
  /** Attempts before a message that keeps failing (certainly unsent) is marked `failed`. */
  maxAttempts: 5,
  /** Backoff after the n-th certainly-unsent failure: 5, 15, 45, 135 minutes (then the next delivery window). */
  backoffMs: (attempts: number) => 5 * MINUTE * 3 ** Math.max(0, attempts - 1),
  /**
   * An attempt older than this without an outcome belongs to a runner that died: the job lease
   * (`deps.jobLeaseMs`, `UNMEET_JOB_LEASE_MS`), this by default (the default lease).
   */
  staleAttemptMs: 5 * MINUTE,
  /** A message held for its organizer's connection (Gmail/Outlook delivery) is looked at again after this long. */
  heldRecheckMs: 60 * MINUTE,
} as const;

export const OUTBOX_JOB_KIND = 'outbox.deliver';

function requireMail(deps: Pick<Deps, 'mail'>): MailDeps {
  if (!deps.mail) throw new UnmeetError('mail.not_configured', 'Suggestion emails are not configured on this server (UNMEET_SECRET is needed to sign links).');
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

const linkUrl = (publicUrl: string, token: string) => `${publicUrl.replace(/\/$/, '')}/v1/mail/action?t=${encodeURIComponent(token)}`;

/**
 * Builds the suggestion for one series (nothing is stored): the flag must say `consider-async`
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
  if (!flag) throw new UnmeetError('series.not_found', `No meeting series ${seriesKey} in this workspace and range.`);
  if (flag.verdict === 'keep') throw new UnmeetError('suggestion.not_flagged', `"${flag.title}" scores ${flag.score}: below the threshold for a suggestion.`);
  const recipient = members.find((m) => m.email === flag.organizer);
  if (!recipient) {
    throw new UnmeetError('suggestion.recipient_not_member', 'The organizer of this series is not a member of the workspace; unmeet only writes to members.');
  }
  const member = toMember(recipient);
  const deliverAfter = nextDeliveryInstant(now, member);
  const replyBy = addWorkingDays(deliverAfter, member, SUGGESTION_POLICY.replyByWorkingDays);
  const suggestionId = newId('sug');
  const sign = (a: LinkPayload['a']) => mail.links.sign({ w: workspaceId, s: suggestionId, e: recipient.email, a });
  const [tryAsync, keep, optOut] = await Promise.all([sign('try-async'), sign('keep'), sign('opt-out')]);
  const links = { tryAsync: linkUrl(deps.publicUrl, tryAsync), keep: linkUrl(deps.publicUrl, keep), optOut: linkUrl(deps.publicUrl, optOut) };
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
  if (await repo.isOptedOut(workspaceId, recipient)) return new UnmeetError('suggestion.opted_out', `${recipient} asked not to receive suggestions.`);
  const decided = (await repo.activeDecisions(workspaceId, now)).find((d) => d.seriesKey === seriesKey);
  if (decided) return new UnmeetError('suggestion.decided', `This series is marked "${decided.decision}".`);
  if (await repo.latestSuggestion(workspaceId, seriesKey, now - SUGGESTION_POLICY.dedupePeriodDays * DAY)) {
    return new UnmeetError('suggestion.duplicate', `A suggestion about this series was already made in the last ${SUGGESTION_POLICY.dedupePeriodDays} days.`);
  }
  if ((await repo.countForRecipient(workspaceId, recipient, now - 7 * DAY)) >= SUGGESTION_POLICY.weeklyCapPerRecipient) {
    return new UnmeetError('suggestion.weekly_cap', `${recipient} already has ${SUGGESTION_POLICY.weeklyCapPerRecipient} suggestions this week.`);
  }
  return undefined;
}

const jobKey = (messageId: string, runAt: number) => `${OUTBOX_JOB_KIND}:${messageId}:${runAt}`;

async function scheduleDelivery(deps: Pick<Deps, 'repos'>, workspaceId: string, id: string, runAt: number) {
  await deps.repos.jobs.schedule({ key: jobKey(id, runAt), kind: OUTBOX_JOB_KIND, workspaceId, payload: { messageId: id }, runAt, everyMs: null });
}

export interface QueuedSuggestion {
  outboxId: string;
  seriesKey: string;
  recipient: string;
  deliverAfter: number;
  messageId: string;
}

/** Queues the suggestion for one series, or throws the stable reason it may not be sent. */
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
      },
    );
  } catch (error) {
    if (/UNIQUE/i.test(String((error as Error).message ?? error))) {
      throw new UnmeetError('suggestion.duplicate', 'A suggestion about this series was already made in this period.');
    }
    throw error;
  }
  await scheduleDelivery(deps, workspaceId, outboxId, prepared.deliverAfter);
  return { outboxId, seriesKey, recipient: prepared.recipient.email, deliverAfter: prepared.deliverAfter, messageId: prepared.messageId };
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

// ---------------------------------------------------------------------------------------------
// Delivery.

export interface DeliveryResult {
  sent: number;
  failed: number;
  unknown: number;
  retried: number;
  cancelled: number;
  deferred: number;
  /** Waiting for the organizer's Google/Outlook connection (Gmail/Outlook delivery). */
  held: number;
}

/**
 * Settles attempts whose runner died between "attempt recorded" and "outcome recorded": a
 * transport that can look into Sent items (Gmail, Graph) decides; otherwise (SMTP) the
 * message becomes `unknown` for a person to resolve. Never resent blindly.
 */
async function settleStaleAttempts(deps: Deps, workspaceId: string, now: number, result: DeliveryResult) {
  const staleAfterMs = deps.jobLeaseMs ?? SUGGESTION_POLICY.staleAttemptMs;
  for (const row of await deps.repos.outbox.listStaleSending(workspaceId, now - staleAfterMs)) {
    let found: boolean | undefined;
    const transport = await transportByName(deps, workspaceId, row.transport, row.recipient);
    if (transport?.findSent) {
      try {
        found = await transport.findSent({ from: deps.mail?.from.email ?? row.recipient, messageId: row.messageId });
      } catch (error) {
        // Sent items could not be read right now (rate limit, outage): ask again on the next run.
        deps.logger.warn('mail sent-items lookup failed', { messageId: row.id, transport: row.transport, error: String((error as Error)?.message ?? error).slice(0, 200) });
        continue;
      }
    }
    if (found === true) {
      await deps.repos.outbox.transition(workspaceId, row.id, ['sending'], 'sent', { sentAt: now, lastError: null });
      result.sent++;
    } else if (found === false) {
      await deps.repos.outbox.transition(workspaceId, row.id, ['sending'], 'queued', { lastError: 'previous attempt not found in Sent items; retrying' });
      result.retried++;
    } else {
      await deps.repos.outbox.transition(workspaceId, row.id, ['sending'], 'unknown', {
        lastError: 'the attempt never recorded an outcome (the sender stopped mid-send); check whether it arrived, then resolve it',
      });
      result.unknown++;
    }
  }
}

/** Sends one claimed message and records its outcome. */
async function sendClaimed(
  deps: Pick<Deps, 'repos' | 'mail' | 'logger'>,
  transport: MailTransport,
  workspaceId: string,
  row: OutboxRow,
  now: number,
  result: DeliveryResult,
  recipientTz: Parameters<typeof nextDeliveryInstant>[1],
) {
  const mail = deps.mail!;
  try {
    await transport.send({ from: mail.from.email, to: row.recipient, messageId: row.messageId, raw: row.mime });
  } catch (error) {
    const known = error instanceof MailTransportError;
    const reason = (error instanceof Error ? error.message : String(error)).slice(0, 300);
    deps.logger.warn('mail send failed', { messageId: row.id, transport: transport.name, notSent: known && error.notSent });
    if ((!known || !error.notSent) && transport.findSent) {
      // Gmail/Graph: the attempt stays open; once stale, Sent items tell whether it left.
      await deps.repos.outbox.transition(workspaceId, row.id, ['sending'], 'sending', { lastError: `outcome uncertain: ${reason}; Sent items will be checked` });
      result.unknown++;
    } else if (!known || !error.notSent) {
      await deps.repos.outbox.transition(workspaceId, row.id, ['sending'], 'unknown', { lastError: `outcome uncertain: ${reason}` });
      result.unknown++;
    } else if (error.retryable && row.attempts < SUGGESTION_POLICY.maxAttempts) {
      const next = nextDeliveryInstant(now + SUGGESTION_POLICY.backoffMs(row.attempts), recipientTz);
      await deps.repos.outbox.transition(workspaceId, row.id, ['sending'], 'queued', { lastError: reason, deliverAfter: next });
      await scheduleDelivery(deps, workspaceId, row.id, next);
      result.retried++;
    } else {
      await deps.repos.outbox.transition(workspaceId, row.id, ['sending'], 'failed', { lastError: reason });
      result.failed++;
    }
    return;
  }
  await deps.repos.outbox.transition(workspaceId, row.id, ['sending'], 'sent', { sentAt: now, lastError: null });
  result.sent++;
}

/**
 * Delivers the workspace's due messages through the configured transport (nothing in
 * outbox-only mode). Before each send: the recipient must still be a member and not opted out
 * (else `cancelled`), and `now` must be inside their delivery window (else deferred to the
 * next one, e.g. when the runner was down all afternoon).
 */
export async function deliverDueMessages(deps: Deps, workspaceId: string, now: number): Promise<DeliveryResult> {
  const started = deps.clock();
  const result: DeliveryResult = { sent: 0, failed: 0, unknown: 0, retried: 0, cancelled: 0, deferred: 0, held: 0 };
  await settleStaleAttempts(deps, workspaceId, now, result);
  const setting = (await deps.repos.workspaces.get(workspaceId))?.mailTransport ?? 'smtp';
  if (!deps.mail || setting === 'outbox' || (setting === 'smtp' && !deps.mail.transport)) return result;
  for (const row of await deps.repos.outbox.listDue(workspaceId, now, 50)) {
    // Each message is judged and claimed at its own time (`now` plus the time the batch has
    // taken so far): sends before it may have been slow, and a claim that looks older than it
    // is could be settled as dead by another runner.
    const at = now + Math.max(0, deps.clock() - started);
    const member = await deps.repos.members.getByEmail(workspaceId, row.recipient);
    if (!member) {
      await deps.repos.outbox.transition(workspaceId, row.id, ['queued'], 'cancelled', { lastError: 'recipient is not a member of the workspace' });
      result.cancelled++;
      continue;
    }
    if (await deps.repos.flags.isOptedOut(workspaceId, row.recipient)) {
      await deps.repos.outbox.transition(workspaceId, row.id, ['queued'], 'cancelled', { lastError: 'recipient opted out' });
      result.cancelled++;
      continue;
    }
    const recipient = toMember(member);
    const window = nextDeliveryInstant(at, recipient);
    if (window > at) {
      await deps.repos.outbox.transition(workspaceId, row.id, ['queued'], 'queued', { deliverAfter: window });
      await scheduleDelivery(deps, workspaceId, row.id, window);
      result.deferred++;
      continue;
    }
    const choice = await transportForMessage(deps, workspaceId, setting, row.recipient);
    if (!choice.transport) {
      if (choice.held) {
        const next = nextDeliveryInstant(at + SUGGESTION_POLICY.heldRecheckMs, recipient);
        await deps.repos.outbox.transition(workspaceId, row.id, ['queued'], 'queued', { lastError: choice.held, deliverAfter: next });
        await scheduleDelivery(deps, workspaceId, row.id, next);
        result.held++;
      }
      continue;
    }
    const claimed = await deps.repos.outbox.claim(workspaceId, row.id, choice.transport.name, at);
    if (!claimed) continue;
    await sendClaimed(deps, choice.transport, workspaceId, claimed, at, result, recipient);
  }
  return result;
}

/**
 * The outbox job: delivers the workspace's due messages. While the message it was scheduled
 * for is mid-attempt (another runner is sending it), it fails so the runner retries later; a
 * dead attempt is settled once it is stale.
 */
export async function runOutboxJob(deps: Deps, workspaceId: string, messageId: string | undefined, now: number) {
  const result = await deliverDueMessages(deps, workspaceId, now);
  if (messageId) {
    const row = await deps.repos.outbox.get(workspaceId, messageId);
    if (row?.status === 'sending') throw new UnmeetError('outbox.attempt_in_progress', 'An attempt is in progress; checking again later.');
  }
  return result;
}

/**
 * A person's decision about a message whose outcome is `unknown` (or `failed`): `sent` (it
 * arrived), `resend` (it did not; queue it again in the next delivery window) or `cancel`.
 */
export async function resolveMessage(deps: Pick<Deps, 'repos' | 'clock'>, workspaceId: string, id: string, outcome: 'sent' | 'resend' | 'cancel') {
  const row = await deps.repos.outbox.get(workspaceId, id);
  if (!row) throw new UnmeetError('outbox.not_found', `No message ${id} in this workspace.`);
  const from: OutboxStatus[] = ['unknown', 'failed'];
  if (!from.includes(row.status) && !(outcome === 'cancel' && row.status === 'queued')) {
    throw new UnmeetError('outbox.invalid_state', `The message is ${row.status}; only unknown or failed messages can be resolved.`);
  }
  const now = deps.clock();
  if (outcome === 'sent') await deps.repos.outbox.transition(workspaceId, id, [...from], 'sent', { sentAt: now });
  else if (outcome === 'cancel') await deps.repos.outbox.transition(workspaceId, id, [...from, 'queued'], 'cancelled', { lastError: 'cancelled by an admin' });
  else {
    const member = await deps.repos.members.getByEmail(workspaceId, row.recipient);
    if (!member) throw new UnmeetError('suggestion.recipient_not_member', 'The recipient is no longer a member of the workspace.');
    const next = nextDeliveryInstant(now, toMember(member));
    await deps.repos.outbox.transition(workspaceId, id, [...from], 'queued', { deliverAfter: next, lastError: null });
    await scheduleDelivery(deps, workspaceId, id, next);
  }
  return (await deps.repos.outbox.get(workspaceId, id))!;
}

// ---------------------------------------------------------------------------------------------
// Signed links.

/** What a signed link would do, for the confirmation page; undefined for an invalid link. */
export async function inspectLink(deps: Pick<Deps, 'mail' | 'repos'>, token: string): Promise<LinkPayload | undefined> {
  const payload = await deps.mail?.links.verify(token);
  if (!payload) return undefined;
  return (await deps.repos.flags.getSuggestion(payload.w, payload.s)) ? payload : undefined;
}

/**
 * Carries out a signed link: `opt-out` adds the address to the opt-out list (for good),
 * `try-async` records the series as converted, `keep` records it as kept for the default
 * period. Idempotent. Throws `mail.invalid_link` for anything not signed by this server.
 */
export async function applyLink(deps: Pick<Deps, 'mail' | 'repos' | 'clock'>, token: string): Promise<LinkPayload> {
  const payload = await inspectLink(deps, token);
  if (!payload) throw new UnmeetError('mail.invalid_link', 'This link is not valid.');
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
