/**
 * Late non-delivery reports. Exchange files a message in Sent Items at submission, and a report
 * that it could not be delivered ("Undeliverable: …") lands in the sender's Inbox seconds to
 * minutes later, when routing gives up: later than the send's short watch (graph-outcome.ts).
 * So a message sent through a transport that can look for reports (`findBounce`: Outlook) is
 * checked again about 2 minutes, 15 minutes and 2 hours after it was sent, and a report moves it
 * from `sent` to `failed` with the report's subject in the reason.
 *
 * Each check is a one-off job for one message (key: message and check number), scheduled when
 * the message is recorded as sent and by the check before it, so what was checked is kept by the
 * job queue (no outbox column). Bounded work: a run checks one message (at most three mailbox
 * lookups) and the runner leases at most its limit of due jobs per tick, earliest first; nothing
 * is checked more than 48 hours after sending (a runner that was down that long skips the rest).
 */
import { bounceReason } from '../providers/mail/graph-outcome';
import type { MailTransport } from '../providers/mail/mail-transport';
import type { Deps } from './deps';
import { transportByName } from './mail-transports';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

export const BOUNCE_POLICY = {
  /** When each check runs, after the message was recorded as sent. */
  checksAfterMs: [2 * MINUTE, 15 * MINUTE, 2 * HOUR],
  /** No check runs later than this after sending. */
  windowMs: 48 * HOUR,
} as const;

export const BOUNCE_JOB_KIND = 'outbox.bounce-check';

const jobKey = (id: string, check: number) => `${BOUNCE_JOB_KIND}:${id}:${check}`;

async function scheduleCheck(deps: Pick<Deps, 'repos'>, workspaceId: string, id: string, sentAt: number, check: number) {
  const runAt = sentAt + BOUNCE_POLICY.checksAfterMs[check]!;
  await deps.repos.jobs.schedule({ key: jobKey(id, check), kind: BOUNCE_JOB_KIND, workspaceId, payload: { messageId: id, check }, runAt, everyMs: null });
}

/** After a message was recorded as `sent` through `transport`: its first later check, when the transport can look for reports. */
export async function scheduleBounceChecks(deps: Pick<Deps, 'repos'>, transport: MailTransport, workspaceId: string, id: string, sentAt: number) {
  if (transport.findBounce) await scheduleCheck(deps, workspaceId, id, sentAt, 0);
}

export type BounceCheck = 'bounced' | 'none' | 'skipped';

/**
 * Check number `check` of message `id`: asks the transport that sent it for a report. A report:
 * `failed` with its subject (compare-and-set from `sent`, so a person's decision made meanwhile
 * stands). None: the next check is scheduled, if any. Skipped: the message is no longer `sent`,
 * is older than the window, or its connection is gone (nothing can be looked up). A failed
 * lookup throws, and the job runner tries again with its backoff.
 */
export async function checkForBounce(deps: Deps, workspaceId: string, id: string, check: number, now: number): Promise<BounceCheck> {
  const row = await deps.repos.outbox.get(workspaceId, id);
  if (!row || row.status !== 'sent' || row.sentAt === null || now - row.sentAt > BOUNCE_POLICY.windowMs) return 'skipped';
  const transport = await transportByName(deps, workspaceId, row.transport, row.recipient);
  if (!transport?.findBounce) return 'skipped';
  const report = await transport.findBounce({ from: deps.mail?.from.email ?? row.recipient, messageId: row.messageId });
  if (report) {
    await deps.repos.outbox.transition(workspaceId, id, ['sent'], 'failed', { lastError: bounceReason(report.subject) });
    deps.logger.warn('mail bounced after sending', { messageId: id, transport: row.transport, check });
    return 'bounced';
  }
  if (check + 1 < BOUNCE_POLICY.checksAfterMs.length) await scheduleCheck(deps, workspaceId, id, row.sentAt, check + 1);
  return 'none';
}
