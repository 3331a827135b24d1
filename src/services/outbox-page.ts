/**
 * What the dashboard says about mail before and after a click: whether a queued suggestion would
 * leave by itself (the workspace's transport setting and what this server has configured), and
 * the Outbox page's data: every message, newest first, in the state a person reads (see
 * domain/outbox-state.ts), with the recipient's zone for its times. Bodies are never loaded: the
 * page shows the same summary the outbox API lists, so no link (placeholder or live) appears.
 */
import { outboxState, type DeliveryMode, type OutboxState } from '../domain/outbox-state';
import { outboxMessageView } from './outbox-view';
import type { Deps } from './deps';
import { heldReason } from './outbox-delivery';

/**
 * How suggestion mail leaves this workspace. `unavailable`: the server has no mail at all (no
 * signing secret), nothing can be queued. `outbox`: queued messages stay in the outbox (setting
 * `outbox`, or `smtp` without SMTP_URL). `smtp`: sent by the server. `organizer`: sent from each
 * organizer's own Google / Outlook account; `ready` holds the organizers (lower-case emails) who
 * have a usable connection for it, anyone else's suggestion is held.
 */
export type MailReadiness =
  | { mode: 'unavailable' }
  | { mode: 'outbox' }
  | { mode: 'smtp' }
  | { mode: 'organizer'; provider: 'google' | 'microsoft'; ready: ReadonlySet<string> };

/** How suggestion mail leaves `workspaceId` now: the facts behind "before you click" notices. */
export async function mailReadiness(deps: Pick<Deps, 'repos' | 'mail' | 'google' | 'microsoft'>, workspaceId: string): Promise<MailReadiness> {
  if (!deps.mail) return { mode: 'unavailable' };
  const setting = (await deps.repos.workspaces.get(workspaceId))?.mailTransport ?? 'smtp';
  if (setting === 'outbox') return { mode: 'outbox' };
  if (setting === 'smtp') return deps.mail.transport ? { mode: 'smtp' } : { mode: 'outbox' };
  const provider = setting === 'gmail' ? 'google' : 'microsoft';
  const ready = new Set<string>();
  // An app the server lacks can send for nobody (mail-transports.ts holds every such message).
  if (provider === 'google' ? deps.google : deps.microsoft) {
    const [members, connections] = await Promise.all([deps.repos.members.list(workspaceId), deps.repos.connections.list(workspaceId)]);
    const live = new Set(connections.filter((c) => c.provider === provider && c.credentials && c.status !== 'needs_reauth').map((c) => c.memberId));
    for (const m of members) if (live.has(m.id)) ready.add(m.email.toLowerCase());
  }
  return { mode: 'organizer', provider, ready };
}

/** Whether a suggestion to `organizer` leaves by itself under `readiness`. */
export function sendsAutomatically(readiness: MailReadiness, organizer: string | null): boolean {
  if (readiness.mode === 'smtp') return true;
  if (readiness.mode === 'organizer') return !!organizer && readiness.ready.has(organizer.toLowerCase());
  return false;
}

export const OUTBOX_PAGE_SIZE = 25;

/** One message as the Outbox page shows it: the API's summary, its state and the zone its times are read in. */
export type OutboxPageMessage = ReturnType<typeof outboxMessageView> & {
  state: OutboxState;
  /** The recipient's zone (a member's), else UTC. */
  timeZone: string;
  /** Held because the address has not confirmed it wants these emails (the reason is then ours, not a transport's). */
  unconfirmed: boolean;
  /** Whether the message can be downloaded as .eml and sent by hand (GET /v1/outbox/{id}/eml). */
  exportable: boolean;
};

export interface OutboxPageView {
  /** 1-based page number. */
  page: number;
  hasNext: boolean;
  readiness: MailReadiness['mode'];
  /** Under `organizer`: whose accounts send. */
  provider?: 'google' | 'microsoft' | undefined;
  messages: OutboxPageMessage[];
}

/** Page `page` (1-based) of the workspace's outbox, newest first. */
export async function loadOutboxPage(deps: Pick<Deps, 'repos' | 'mail' | 'google' | 'microsoft' | 'clock'>, workspaceId: string, page: number): Promise<OutboxPageView> {
  const [readiness, rows, members] = await Promise.all([
    mailReadiness(deps, workspaceId),
    deps.repos.outbox.listNewest(workspaceId, { offset: (page - 1) * OUTBOX_PAGE_SIZE, limit: OUTBOX_PAGE_SIZE + 1 }),
    deps.repos.members.list(workspaceId),
  ]);
  const zones = new Map(members.map((m) => [m.email.toLowerCase(), m.timeZone]));
  const now = deps.clock();
  const mode: DeliveryMode = readiness.mode === 'smtp' || readiness.mode === 'organizer' ? 'auto' : 'manual';
  const messages = rows.slice(0, OUTBOX_PAGE_SIZE).map((row): OutboxPageMessage => {
    const summary = outboxMessageView(row);
    const state = outboxState(row, now, mode);
    return {
      ...summary,
      state,
      timeZone: zones.get(row.recipient.toLowerCase()) ?? 'UTC',
      unconfirmed: row.status === 'held' && row.lastError === heldReason(row.recipient),
      // Exporting signs live links, which needs the server's mail setup (absent under `unavailable`).
      exportable: state === 'stuck' && summary.kind !== 'confirmation' && readiness.mode === 'outbox',
    };
  });
  return { page, hasNext: rows.length > OUTBOX_PAGE_SIZE, readiness: readiness.mode, provider: readiness.mode === 'organizer' ? readiness.provider : undefined, messages };
}
