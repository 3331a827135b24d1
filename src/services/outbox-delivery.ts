/**
 * The outbox, from a stored message to a delivered one: the job sends due messages at most once
 * (attempt and Message-ID recorded before the transport is called; an attempt without an
 * outcome is never resent blindly), only inside the recipient's working hours, and only to an
 * address that confirmed it wants the mail: a suggestion to an unconfirmed address is `held`
 * (see mail-verification.ts) instead of sent. Links are made live as the message leaves
 * (mail-links.ts), so the stored row never holds one.
 */
import { outboxErrors } from '../domain/error-codes/outbox';
import { suggestionErrors } from '../domain/error-codes/suggestion';
import { nextDeliveryInstant } from '../domain/delivery-window';
import { toMember } from '../db/members.repository';
import type { MessageStatus, OutboxRow } from '../db/outbox.repository';
import { MailTransportError, type MailTransport } from '../providers/mail/mail-transport';
import type { Deps } from './deps';
import { digestStopReason, renderDigestForSending } from './digest-links';
import { isConfirmationMessage, renderForSending } from './mail-links';
import { scheduleBounceChecks } from './outbox-bounces';
import { transportByName, transportForMessage } from './mail-transports';

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

/** Why a suggestion to `email` is held: shown in the outbox and the flags answers. */
export const heldReason = (email: string) => `waiting for ${email} to confirm they want these emails`;

const jobKey = (messageId: string, runAt: number) => `${OUTBOX_JOB_KIND}:${messageId}:${runAt}`;

/** Schedules the outbox job for one message at `runAt` (one job per message and instant). */
export async function scheduleDelivery(deps: Pick<Deps, 'repos'>, workspaceId: string, id: string, runAt: number) {
  await deps.repos.jobs.schedule({ key: jobKey(id, runAt), kind: OUTBOX_JOB_KIND, workspaceId, payload: { messageId: id }, runAt, everyMs: null });
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
  /** Suggestions held because their address has not confirmed it wants them (nothing was sent). */
  unconfirmed: number;
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
      if (await deps.repos.outbox.transition(workspaceId, row.id, ['sending'], 'sent', { sentAt: now, lastError: null })) await scheduleBounceChecks(deps, transport!, workspaceId, row.id, now);
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
  raw: string,
) {
  const mail = deps.mail!;
  try {
    await transport.send({ from: mail.from.email, to: row.recipient, messageId: row.messageId, raw });
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
  // Outlook: a non-delivery report may still come; later checks look for it (outbox-bounces.ts).
  if (await deps.repos.outbox.transition(workspaceId, row.id, ['sending'], 'sent', { sentAt: now, lastError: null })) await scheduleBounceChecks(deps, transport, workspaceId, row.id, now);
  result.sent++;
}

/**
 * The send-time check of an address (the queue-time one is in suggestions.ts): a suggestion to an
 * address that is not (or no longer) verified is held until it confirms; a confirmation request
 * to an address that got verified meanwhile is cancelled. Undefined: the message may go.
 */
async function confirmationGate(deps: Pick<Deps, 'repos'>, workspaceId: string, row: OutboxRow): Promise<'unconfirmed' | 'cancelled' | undefined> {
  const verified = await deps.repos.mailAddresses.isVerified(row.recipient);
  if (isConfirmationMessage(row)) {
    if (!verified) return undefined;
    await deps.repos.outbox.transition(workspaceId, row.id, ['queued'], 'cancelled', { lastError: 'the address was confirmed before this request was sent' });
    return 'cancelled';
  }
  if (verified) return undefined;
  await deps.repos.outbox.transition(workspaceId, row.id, ['queued'], 'held', { lastError: heldReason(row.recipient) });
  return 'unconfirmed';
}

/**
 * Delivers the workspace's due messages through the configured transport (nothing in
 * outbox-only mode). Before each send: the recipient must still be a member and not opted out
 * (else `cancelled`), a suggestion's address must be verified (else `held` until it confirms),
 * and `now` must be inside their delivery window (else deferred to the next one, e.g. when the
 * runner was down all afternoon).
 */
export async function deliverDueMessages(deps: Deps, workspaceId: string, now: number): Promise<DeliveryResult> {
  const started = deps.clock();
  const result: DeliveryResult = { sent: 0, failed: 0, unknown: 0, retried: 0, cancelled: 0, deferred: 0, held: 0, unconfirmed: 0 };
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
    // A digest was asked for (its own off switch decides); a suggestion obeys the suggestion opt-out.
    const stop = row.kind === 'digest' ? await digestStopReason(deps, row) : (await deps.repos.flags.isOptedOut(workspaceId, row.recipient)) ? 'recipient opted out' : undefined;
    if (stop) {
      await deps.repos.outbox.transition(workspaceId, row.id, ['queued'], 'cancelled', { lastError: stop });
      result.cancelled++;
      continue;
    }
    const gate = await confirmationGate(deps, workspaceId, row);
    if (gate) {
      result[gate]++;
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
    // Links are made live here, before the claim: a failure to render costs no attempt.
    const raw = row.kind === 'digest' ? await renderDigestForSending(deps, row, at, member.name) : await renderForSending(deps, row, at, member.name);
    const claimed = await deps.repos.outbox.claim(workspaceId, row.id, choice.transport.name, at);
    if (!claimed) continue;
    await sendClaimed(deps, choice.transport, workspaceId, claimed, at, result, recipient, raw);
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
    if (row?.status === 'sending') throw outboxErrors.attempt_in_progress('An attempt is in progress; checking again later.');
  }
  return result;
}

/**
 * A person's decision about a message whose outcome is `unknown` (or `failed`): `sent` (it
 * arrived), `resend` (it did not; queue it again in the next delivery window) or `cancel`.
 */
export async function resolveMessage(deps: Pick<Deps, 'repos' | 'clock'>, workspaceId: string, id: string, outcome: 'sent' | 'resend' | 'cancel') {
  const row = await deps.repos.outbox.get(workspaceId, id);
  if (!row) throw outboxErrors.not_found(`No message ${id} in this workspace.`);
  const from: MessageStatus[] = ['unknown', 'failed'];
  if (!from.includes(row.status) && !(outcome === 'cancel' && (row.status === 'queued' || row.status === 'held'))) {
    throw outboxErrors.invalid_state(`The message is ${row.status}; only unknown or failed messages can be resolved.`);
  }
  const now = deps.clock();
  if (outcome === 'sent') await deps.repos.outbox.transition(workspaceId, id, [...from], 'sent', { sentAt: now });
  else if (outcome === 'cancel') await deps.repos.outbox.transition(workspaceId, id, [...from, 'queued', 'held'], 'cancelled', { lastError: 'cancelled by an admin' });
  else {
    const member = await deps.repos.members.getByEmail(workspaceId, row.recipient);
    if (!member) throw suggestionErrors.recipient_not_member('The recipient is no longer a member of the workspace.');
    const next = nextDeliveryInstant(now, toMember(member));
    await deps.repos.outbox.transition(workspaceId, id, [...from], 'queued', { deliverAfter: next, lastError: null });
    await scheduleDelivery(deps, workspaceId, id, next);
  }
  return (await deps.repos.outbox.get(workspaceId, id))!;
}

