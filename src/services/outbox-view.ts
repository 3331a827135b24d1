import type { OutboxSummaryRow } from '../db/outbox.repository';
import { isConfirmationMessage } from './mail-links';

/**
 * An outbox message as the outbox API lists it and the Outbox page shows it: the summary without
 * bodies, so no link (placeholder or live) is ever part of it. `heldReason` says why a held
 * message waits.
 */
export const outboxMessageView = (r: OutboxSummaryRow) => ({
  id: r.id,
  recipient: r.recipient,
  subject: r.subject,
  messageId: r.messageId,
  deliverAfter: r.deliverAfter,
  status: r.status,
  heldReason: r.status === 'held' ? r.lastError : null,
  kind: r.kind === 'digest' ? ('digest' as const) : isConfirmationMessage(r) ? ('confirmation' as const) : ('suggestion' as const),
  attempts: r.attempts,
  transport: r.transport,
  lastError: r.lastError,
  sentAt: r.sentAt,
  createdAt: r.createdAt,
});
