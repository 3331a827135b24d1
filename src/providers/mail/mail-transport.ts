/**
 * The port every mail transport implements: SMTP today (`smtp.transport.ts`, Node only), Gmail
 * API `users.messages.send` and Graph `sendMail` through a member's connection once the
 * Google/Outlook connections exist. A transport receives the finished RFC 5322 message (the
 * same bytes the `.eml` export shows) and either resolves (accepted) or throws a
 * `MailTransportError` saying whether the message certainly did not leave.
 */
import type { LinkSigner } from './signed-links';

export interface OutgoingMail {
  /** Envelope sender and recipient (plain addresses). */
  from: string;
  to: string;
  /** The Message-ID in the message, recorded before `send` is called. */
  messageId: string;
  /** The complete message, CRLF line endings. */
  raw: string;
}

export interface MailTransport {
  /** Recorded on the message: `smtp`, later `gmail` or `graph`. */
  readonly name: string;
  send(mail: OutgoingMail): Promise<void>;
  /**
   * Optional capability (Gmail, Graph): whether a message with this Message-ID is in the
   * sender's Sent items. Used to settle an attempt whose outcome was never recorded; `undefined`
   * when the transport cannot tell. SMTP has no such capability: those attempts become `unknown`.
   */
  findSent?(mail: Pick<OutgoingMail, 'from' | 'messageId'>): Promise<boolean | undefined>;
  /**
   * Optional capability (Graph): a non-delivery report about a message already sent, found in
   * the sender's mailbox (its `subject`), or null (none yet, or the mailbox cannot be read).
   * Reports arrive minutes after the send, so the outbox asks again later
   * (services/outbox-bounces.ts). Throws a `MailTransportError` when the look itself failed.
   */
  findBounce?(mail: Pick<OutgoingMail, 'from' | 'messageId'>): Promise<{ subject: string } | null>;
}

/**
 * A failed send. `notSent`: the transport is sure the message did not leave (connection
 * refused, a 4xx/5xx reply to the envelope or data); only then may it be retried. `retryable`:
 * worth trying again later (temporary failures), as opposed to permanent rejections.
 */
export class MailTransportError extends Error {
  constructor(
    message: string,
    readonly notSent: boolean,
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = 'MailTransportError';
  }
}

/** Mail settings an entry point passes down in `Deps.mail`. */
export interface MailDeps {
  /** Null: outbox-only mode (messages are kept, viewable and exportable as `.eml`, never sent). */
  transport: MailTransport | null;
  from: { email: string; name: string };
  /** Signs the action and opt-out links in suggestions. */
  links: LinkSigner;
}
