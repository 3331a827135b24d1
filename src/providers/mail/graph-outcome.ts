/**
 * What happens to a message after Graph's `202` (concepts/outlook-things-to-know-about-send-mail):
 * Exchange puts it in Drafts, its transport takes it (a failure there puts a non-delivery report,
 * NDR, in the sender's Inbox) and moves it to Sent Items; routing to the recipients may bounce
 * later. Pure header work and the polling loop live here, the HTTP in graph.transport.ts.
 */
import type { OutgoingMail } from './mail-transport';

/** A read scope on the mailbox: Mail.ReadBasic (no bodies) is enough to see subjects and senders. */
export const canReadMail = (scope: string | undefined): boolean =>
  /(^|\s)(https:\/\/graph\.microsoft\.com\/)?Mail\.(ReadBasic|Read|ReadWrite)(\s|$)/i.test(scope ?? '');

/**
 * The stored message as its mailbox's owner sends it: the From field names `mailbox` (keeping
 * the display name, so the organizer still sees it came from unmeet), or is dropped for Graph to
 * fill in when the owner's address is unknown; a Sender field is dropped (Exchange sets it).
 * Everything else, the Message-ID included, stays byte for byte.
 */
export function asMailboxOwner(raw: string, mailbox: string | null | undefined): string {
  const end = raw.indexOf('\r\n\r\n');
  const head = end < 0 ? raw : raw.slice(0, end);
  const fields: string[] = [];
  for (const line of head.split('\r\n')) {
    // A line starting with white space continues the field above (RFC 5322 folding).
    if (/^[ \t]/.test(line) && fields.length > 0) fields[fields.length - 1] += `\r\n${line}`;
    else fields.push(line);
  }
  const kept: string[] = [];
  for (const field of fields) {
    const name = field.slice(0, field.indexOf(':')).trim().toLowerCase();
    if (name === 'sender') continue;
    if (name !== 'from') {
      kept.push(field);
      continue;
    }
    if (!mailbox) continue;
    const display = /^from:\s*([\s\S]*?)\s*<[^>]*>\s*$/i.exec(field)?.[1];
    kept.push(`From: ${display ? `${display} ` : ''}<${mailbox}>`);
  }
  return kept.join('\r\n') + (end < 0 ? '' : raw.slice(end));
}

export interface SettleOptions {
  /** How long to watch the mailbox after the 202 (ms). */
  waitMs: number;
  /** Between looks (ms). */
  pollMs: number;
  sleep: (ms: number) => Promise<void>;
  /** The clock the deadline is measured on (tests pass theirs, with a `sleep` that advances it). */
  now: () => number;
}

/**
 * Five seconds: a refused submission (no Send As right) bounces within seconds, and a message
 * normally reaches Sent Items in one or two. The outbox job sends messages one by one inside its
 * lease, so the wait stays short; a report that comes later is found by the later checks
 * (services/outbox-bounces.ts, through `findReport`).
 */
const DEFAULT_SETTLE: SettleOptions = { waitMs: 5_000, pollMs: 1_000, sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)), now: Date.now };

/** Exchange's system senders of delivery reports. */
const REPORT_SENDER = /^(postmaster|mailer-daemon|microsoftexchange[0-9a-f]{32})@/i;

/** Whether an Inbox message in the conversation is a delivery report about ours (not our own copy). */
function isReport(message: Record<string, unknown>, messageId: string): boolean {
  if (message.internetMessageId === messageId) return false;
  const from = (message.from as { emailAddress?: { address?: string } } | undefined)?.emailAddress?.address ?? '';
  return REPORT_SENDER.test(from) || /^undeliverable:/i.test(String(message.subject ?? ''));
}

const quoted = (value: string) => `'${value.replaceAll("'", "''")}'`;

/** What the outbox records when Outlook reported a message undeliverable, at send or later. */
export const bounceReason = (subject: string) => `Outlook returned a non-delivery report: ${subject}`;

export interface MailboxReader {
  list: (path: string) => Promise<Array<Record<string, unknown>>>;
  found: (mail: OutgoingMail) => Promise<boolean | undefined>;
}

/**
 * One look for a non-delivery report about `mail`: the message is looked up by its Message-ID
 * wherever it is (Drafts while transport holds it, then Sent Items), and the Inbox searched in
 * its conversation(s). Null: no report (yet). Lookup failures are thrown to the caller.
 */
export async function findReport(mailbox: Pick<MailboxReader, 'list'>, mail: Pick<OutgoingMail, 'messageId'>): Promise<{ subject: string } | null> {
  const copies = await mailbox.list(`/me/messages?$filter=${encodeURIComponent(`internetMessageId eq ${quoted(mail.messageId)}`)}&$select=id,conversationId`);
  for (const conversationId of new Set(copies.map((c) => c.conversationId).filter((c): c is string => typeof c === 'string'))) {
    const inbox = await mailbox.list(
      `/me/mailFolders/Inbox/messages?$filter=${encodeURIComponent(`conversationId eq ${quoted(conversationId)}`)}&$select=id,subject,from,internetMessageId`,
    );
    const report = inbox.find((m) => isReport(m, mail.messageId));
    if (report) return { subject: String(report.subject ?? 'Undeliverable') };
  }
  return null;
}

/**
 * Watches the sender's mailbox after a send until the message is in Sent Items (null: it left)
 * or a non-delivery report for it is in the Inbox (the report), for at most `waitMs`. Once the
 * message is in Sent Items the Inbox is searched once more: a report that landed between the
 * Inbox look and the Sent Items look (Exchange files both within moments) is not missed. Lookup
 * failures end the watch with null: Graph accepted the message, and a failed look is no
 * evidence that it bounced.
 */
export async function awaitOutcome(mailbox: MailboxReader, mail: OutgoingMail, options: Partial<SettleOptions> = {}): Promise<{ subject: string } | null> {
  const { waitMs, pollMs, sleep, now } = { ...DEFAULT_SETTLE, ...options };
  const deadline = now() + waitMs;
  try {
    for (;;) {
      const report = await findReport(mailbox, mail);
      if (report) return report;
      if ((await mailbox.found(mail)) === true) return await findReport(mailbox, mail);
      if (now() + pollMs > deadline) return null;
      await sleep(pollMs);
    }
  } catch {
    return null;
  }
}
