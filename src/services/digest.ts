/**
 * The weekly digest, from a person's choice to a queued message:
 *   choose   → a person opts in per workspace (off by default; API, "My week", or the
 *              unsubscribe link turns it off without a session: digest-links.ts);
 *   due      → a system-wide job (every 30 minutes) finds each subscriber whose first delivery
 *              window of the week has opened in their zone (delivery-window.ts);
 *   build    → their own numbers only, from the services the dashboard uses: the audit of last
 *              week and of the week ahead, focus blocks unmeet held and the focus plan, and the
 *              flagged series they organize (domain/digest.ts composes it in their language);
 *   queue    → the `digest_sends` row and the outbox message are written together, keyed by
 *              workspace, person and week: a re-run or a concurrent run queues nothing more;
 *   deliver  → outbox-delivery.ts, inside working hours, to a verified address only, and not
 *              after the person turned the digest off.
 * The bodies are sealed in the message's `mime` column: the outbox lists a digest (status,
 * recipient, subject) but an admin never reads a person's numbers there.
 */
import { DateTime } from 'luxon';
import { composeDigestEmail, digestWeek, hoursWithin, localDateStart, type DigestContent, type DigestWeek } from '../domain/digest';
import { nextDeliveryInstant } from '../domain/delivery-window';
import { authErrors } from '../domain/error-codes/auth';
import type { DigestSubscriber } from '../db/digests.repository';
import { newId, randomToken } from '../db/ids';
import { toMember, type MemberRow } from '../db/members.repository';
import type { Workspace } from '../db/workspaces.repository';
import { auditWorkspace } from './audit';
import type { Deps } from './deps';
import { digestUnsubscribePlaceholderUrl, sealDigestBodies, verifyUnsubscribeToken } from './digest-links';
import { listFlags } from './flags';
import { planMemberFocus } from './focus';
import { scheduleDelivery } from './outbox-delivery';

export const DIGEST_JOB_KIND = 'digest.weekly';
/** How often the digest job looks for people whose week has started: a digest leaves within this of their window opening. */
export const DIGEST_JOB_EVERY_MS = 30 * 60_000;
/** At most this many flagged series in one digest (highest score first). */
const MAX_FLAGS = 5;

/** What an admin sees of a digest in the outbox instead of its content (the bodies are sealed). */
export const DIGEST_OUTBOX_NOTE = "A weekly digest: the recipient's own numbers, sealed until it is sent; only they read it.";

/**
 * Schedules the digest job unless it exists: once per install, whichever runtime starts first
 * (Node at start, Workers on each cron tick, and any opt-in). Re-running it changes nothing.
 */
export async function ensureDigestJob(deps: Pick<Deps, 'repos'>, now: number): Promise<void> {
  if (await deps.repos.jobs.getByKey(DIGEST_JOB_KIND)) return;
  // First run one period on: a fresh install has no subscriber yet, and a cron tick is not crowded by it.
  await deps.repos.jobs.schedule({ key: DIGEST_JOB_KIND, kind: DIGEST_JOB_KIND, workspaceId: null, payload: {}, runAt: now + DIGEST_JOB_EVERY_MS, everyMs: DIGEST_JOB_EVERY_MS });
}

/** Why a subscriber gets no digest right now (nothing recorded, so a later run tries again), or null. */
export type DigestBlock = 'mail_not_configured' | 'outbox_only' | 'address_unverified' | null;

async function deliveryBlock(deps: Pick<Deps, 'repos' | 'mail'>, workspace: Workspace, email: string | null): Promise<DigestBlock> {
  if (!deps.mail) return 'mail_not_configured';
  // Mail kept in the outbox is sent by hand from an .eml; a digest's content is for its recipient alone.
  if (workspace.mailTransport === 'outbox' || (workspace.mailTransport === 'smtp' && !deps.mail.transport)) return 'outbox_only';
  if (email && !(await deps.repos.mailAddresses.isVerified(email))) return 'address_unverified';
  return null;
}

/** The digest's numbers for one person and week, from the same services as "My week" and the focus page. */
export async function buildDigestContent(deps: Deps, workspace: Workspace, subscriber: DigestSubscriber, member: MemberRow, week: DigestWeek): Promise<DigestContent> {
  const zone = member.timeZone;
  const metricsOf = async (range: { from: string; to: string }) => (await auditWorkspace(deps, workspace.id, { ...range, member: member.id })).members[0]!.metrics;
  const [review, ahead] = [await metricsOf(week.review), await metricsOf(week.ahead)];
  const reviewWindow = { start: localDateStart(week.review.from, zone), end: localDateStart(week.review.to, zone) };
  const aheadWindow = { start: localDateStart(week.ahead.from, zone), end: localDateStart(week.ahead.to, zone) };
  const held = (await deps.repos.focus.blocks(workspace.id, member.id, reviewWindow.start)).filter((b) => b.status === 'active' || b.status === 'member_moved');
  const plan = await planMemberFocus(deps, workspace.id, member);
  const flagFrom = DateTime.fromISO(week.review.to, { zone: 'utc' }).minus({ weeks: 4 }).toISODate()!;
  const flags = await listFlags(deps, workspace.id, { from: flagFrom, to: week.review.to, organizer: member.email });
  return {
    locale: subscriber.locale,
    recipientName: subscriber.name,
    workspaceName: workspace.name,
    timeZone: zone,
    currency: flags.currency,
    review: {
      ...week.review,
      meetingHours: review.meetingHours,
      meetingCount: review.meetingCount,
      meetingShare: review.meetingShare,
      outsideHoursMeetingHours: Math.round((review.afterHoursMeetingHours + review.nonWorkingDayMeetingHours) * 100) / 100,
      focusProtectedHours: hoursWithin(held, reviewWindow),
      focusLeftHours: review.focusHours,
    },
    ahead: {
      ...week.ahead,
      meetingHours: ahead.meetingHours,
      meetingCount: ahead.meetingCount,
      focusOnCalendarHours: hoursWithin(plan.plan.blocks.filter((b) => b.existingId !== null), aheadWindow),
      focusToAddHours: hoursWithin(plan.plan.blocks.filter((b) => b.existingId === null), aheadWindow),
      focusEnabled: plan.enabled && plan.target !== null,
    },
    flags: flags.series
      .filter((f) => f.verdict !== 'keep')
      .slice(0, MAX_FLAGS)
      .map((f) => ({ title: f.title, verdict: f.verdict as 'consider-async' | 'async', suggestedFormat: f.suggestedFormat, personHoursPerYear: f.cost.personHoursPerYear, moneyPerYear: f.cost.moneyPerYear })),
  };
}

export type DigestOutcome = 'queued' | 'already' | 'not_yet' | 'no_calendar' | Exclude<DigestBlock, null>;

/**
 * One subscriber's digest at `now`: nothing when this week's is recorded or their first delivery
 * window of the week has not opened; recorded without a message when they have no calendar
 * here (nothing measured to report); otherwise built, recorded and queued for delivery now
 * (inside their hours).
 */
export async function digestForPerson(deps: Deps, workspace: Workspace, subscriber: DigestSubscriber, now: number): Promise<DigestOutcome> {
  const member = subscriber.memberId ? await deps.repos.members.get(workspace.id, subscriber.memberId) : undefined;
  const week = digestWeek(now, member?.timeZone ?? 'UTC');
  if (await deps.repos.digests.sent(workspace.id, subscriber.personId, week.week)) return 'already';
  const send = { personId: subscriber.personId, week: week.week, createdAt: now };
  if (!member) return (await deps.repos.digests.record(workspace.id, send, null)) ? 'no_calendar' : 'already';
  const recipient = toMember(member);
  if (now < nextDeliveryInstant(localDateStart(week.week, member.timeZone), recipient)) return 'not_yet';
  const deliverAfter = nextDeliveryInstant(now, recipient);
  // Past the week's last window (opted in late on Friday): next week's digest is the one to send.
  if (deliverAfter >= localDateStart(week.ahead.to, member.timeZone)) return 'not_yet';
  const block = await deliveryBlock(deps, workspace, member.email);
  if (block) return block;

  const mail = deps.mail!;
  const content = await buildDigestContent(deps, workspace, subscriber, member, week);
  const unsubscribe = digestUnsubscribePlaceholderUrl(deps.publicUrl);
  const email = composeDigestEmail(content, { settings: `${deps.publicUrl.replace(/\/$/, '')}/me`, unsubscribe });
  const id = newId('msg');
  const domain = mail.from.email.slice(mail.from.email.lastIndexOf('@') + 1) || 'localhost';
  const message = {
    id,
    suggestionId: null,
    recipient: member.email.toLowerCase(),
    subject: email.subject,
    mime: await sealDigestBodies(deps, id, email),
    text: DIGEST_OUTBOX_NOTE,
    html: DIGEST_OUTBOX_NOTE,
    messageId: `<digest.${randomToken(16)}@${domain}>`,
    deliverAfter,
    createdAt: now,
  };
  if (!(await deps.repos.digests.record(workspace.id, send, message))) return 'already';
  await scheduleDelivery(deps, workspace.id, id, deliverAfter);
  return 'queued';
}

export type DigestRunResult = Record<DigestOutcome | 'failed', number>;

/**
 * The digest job: every subscriber in every workspace, each on their own (one person's failure
 * is logged and does not hold back the others; the run then fails so it is retried, and the
 * weeks already recorded are not sent twice).
 */
export async function runDigests(deps: Deps, now: number): Promise<DigestRunResult> {
  const result: DigestRunResult = { queued: 0, already: 0, not_yet: 0, no_calendar: 0, mail_not_configured: 0, outbox_only: 0, address_unverified: 0, failed: 0 };
  if (!deps.mail) return result;
  for (const workspaceId of await deps.repos.digests.workspacesWithSubscribers()) {
    const workspace = await deps.repos.workspaces.get(workspaceId);
    if (!workspace) continue;
    for (const subscriber of await deps.repos.digests.subscribers(workspaceId)) {
      try {
        result[await digestForPerson(deps, workspace, subscriber, now)]++;
      } catch (error) {
        result.failed++;
        deps.logger.warn('digest failed', { workspaceId, personId: subscriber.personId, error: String((error as Error)?.message ?? error).slice(0, 200) });
      }
    }
  }
  if (result.failed > 0) throw new Error(`${result.failed} digests failed; they are tried again on the next run`);
  return result;
}

// ---------------------------------------------------------------------------------------------
// The person's choice.

export interface DigestChoice {
  optIn: boolean;
  /** Where it goes: the address of the person's calendar in this workspace (null without one). */
  address: string | null;
  /** Why a digest cannot go out now even when opted in (`no_calendar`, `address_unverified`, `outbox_only`, `mail_not_configured`); null when it can. */
  blockedBy: Exclude<DigestOutcome, 'queued' | 'already' | 'not_yet'> | null;
  /** The week (its Monday) of the last digest recorded for the person, and that digest's outbox status. */
  last: { week: string; status: string | null } | null;
}

async function viewerMembership(deps: Pick<Deps, 'repos'>, viewer: { workspaceId: string; personId?: string | null | undefined }) {
  if (!viewer.personId) throw authErrors.person_required('The weekly digest belongs to a signed-in person; an API key has none.');
  const membership = await deps.repos.people.membership(viewer.workspaceId, viewer.personId);
  if (!membership) throw authErrors.forbidden('You are not a member of this workspace.');
  return { personId: viewer.personId, membership };
}

/** The signed-in person's digest choice in the workspace, and whether a digest can reach them. */
export async function getDigestChoice(deps: Pick<Deps, 'repos' | 'mail' | 'clock'>, viewer: { workspaceId: string; personId?: string | null | undefined }): Promise<DigestChoice> {
  const { personId, membership } = await viewerMembership(deps, viewer);
  const member = membership.memberId ? await deps.repos.members.get(viewer.workspaceId, membership.memberId) : undefined;
  const workspace = (await deps.repos.workspaces.get(viewer.workspaceId))!;
  const blockedBy = member ? await deliveryBlock(deps, workspace, member.email) : 'no_calendar';
  const week = digestWeek(deps.clock(), member?.timeZone ?? 'UTC');
  // This week's or, before it is recorded, last week's.
  const previous = DateTime.fromISO(week.week, { zone: 'utc' }).minus({ days: 7 }).toISODate()!;
  const sent = (await deps.repos.digests.sent(viewer.workspaceId, personId, week.week)) ?? (await deps.repos.digests.sent(viewer.workspaceId, personId, previous));
  const message = sent?.outboxId ? await deps.repos.outbox.get(viewer.workspaceId, sent.outboxId) : undefined;
  return {
    optIn: membership.digestOptIn,
    address: member?.email ?? null,
    blockedBy,
    last: sent ? { week: sent.week, status: message?.status ?? null } : null,
  };
}

/** Turns the signed-in person's digest on or off in the workspace; returns what is now stored. */
export async function setDigestChoice(deps: Pick<Deps, 'repos' | 'mail' | 'clock'>, viewer: { workspaceId: string; personId?: string | null | undefined }, optIn: boolean): Promise<DigestChoice> {
  const { personId } = await viewerMembership(deps, viewer);
  await deps.repos.people.setDigestOptIn(viewer.workspaceId, personId, optIn);
  if (optIn) await ensureDigestJob(deps, deps.clock());
  return getDigestChoice(deps, viewer);
}

/**
 * What an unsubscribe link names (workspace and person, with the workspace's name and the
 * person's language for the page), or undefined for a link that is not ours. Changes nothing.
 */
export async function inspectUnsubscribe(deps: Pick<Deps, 'repos' | 'vault'>, token: string) {
  const target = await verifyUnsubscribeToken(deps, token);
  if (!target) return undefined;
  const [workspace, person] = await Promise.all([deps.repos.workspaces.get(target.workspaceId), deps.repos.people.get(target.personId)]);
  if (!workspace || !person) return undefined;
  return { ...target, workspaceName: workspace.name, locale: person.locale };
}

/** Turns the digest off for the person an unsubscribe link names (idempotent); undefined for a link that is not ours. */
export async function unsubscribeByToken(deps: Pick<Deps, 'repos' | 'vault'>, token: string) {
  const target = await inspectUnsubscribe(deps, token);
  if (target) await deps.repos.people.setDigestOptIn(target.workspaceId, target.personId, false);
  return target;
}
