/**
 * What an outbox message is doing, as a person reads it: the stored status says `queued` for a
 * message that waits for its recipient's working hours, one that is due now, one that waits for
 * its organizer's connection, one retrying after a failed attempt, and one that will never leave
 * by itself because no transport is configured. The Outbox page tells these apart.
 */

/** A stored message's status (the outbox_messages.status column; db/schema.ts types the column with the same union). */
export type OutboxStatus = 'queued' | 'held' | 'sending' | 'sent' | 'failed' | 'unknown' | 'cancelled';

export type OutboxState =
  /** Queued, not before `deliverAfter`: the first moment inside the recipient's working hours. */
  | 'waiting'
  /** Queued and due: it leaves with the next delivery run. */
  | 'due'
  /** Queued, but nothing sends it: no transport (the workspace setting is `outbox`, or no SMTP). */
  | 'stuck'
  /** Queued again after an attempt that certainly did not send; retried at `deliverAfter`. */
  | 'retrying'
  /** Queued, waiting for the organizer's own Google / Outlook connection (see `lastError`). */
  | 'connection'
  | Exclude<OutboxStatus, 'queued'>;

/**
 * Where mail goes from this workspace: `auto` when a transport picks queued messages up by itself
 * (SMTP configured, or each organizer's own account), `manual` when they stay in the outbox.
 */
export type DeliveryMode = 'auto' | 'manual';

/** The prefix mail-transports.ts gives the reason a message waits for its organizer's connection. */
const CONNECTION_HOLD = 'held:';

/**
 * The state of one message at `now` (UTC ms). Only `queued` splits; the other statuses are their
 * own state. A `stuck` message is said so even when it is not due yet: no hour will send it.
 */
export function outboxState(message: { status: OutboxStatus; deliverAfter: number; attempts: number; lastError: string | null }, now: number, mode: DeliveryMode): OutboxState {
  if (message.status !== 'queued') return message.status;
  if (mode === 'manual') return 'stuck';
  if (message.lastError?.startsWith(CONNECTION_HOLD)) return 'connection';
  if (message.attempts > 0 && message.lastError) return 'retrying';
  return message.deliverAfter > now ? 'waiting' : 'due';
}
