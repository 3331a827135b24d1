/**
 * Which transport carries a workspace's suggestion emails (workspace setting `mailTransport`):
 * `smtp` (the server's SMTP_URL; outbox only without one), `outbox` (never sent), or `gmail` /
 * `microsoft`: through the *organizer's* own connection (suggestions go to the organizer, so
 * they arrive from their own mailbox). That needs the organizer to be a member with a live
 * Google / Outlook connection holding the send permission; otherwise the message is held in
 * the outbox with the reason.
 */
import type { ConnectionRow } from '../db/connections.repository';
import type { MailTransportSetting } from '../db/schema';
import type { GoogleTokens } from '../providers/google/google.oauth';
import type { MailTransport } from '../providers/mail/mail-transport';
import type { MicrosoftTokens } from '../providers/microsoft/microsoft.oauth';
import type { Deps } from './deps';
import { googleConfig, microsoftConfig, storeTokens } from './providers';

export type TransportChoice = { transport: MailTransport } | { transport: null; held?: string };

/** Transport names recorded on attempts, per connection-backed setting. */
export const CONNECTION_TRANSPORTS = { gmail: 'google', graph: 'microsoft' } as const;
const NAME_FOR: Record<'gmail' | 'microsoft', 'gmail' | 'graph'> = { gmail: 'gmail', microsoft: 'graph' };

const GMAIL_SEND = /(^|\s)https:\/\/(www\.googleapis\.com\/auth\/gmail\.(send|compose|modify)|mail\.google\.com\/)(\s|$)/;
const GRAPH_SEND = /(^|\s)(https:\/\/graph\.microsoft\.com\/)?Mail\.Send(\s|$)/i;

/** The organizer's usable connection for a provider, or why there is none. */
async function connectionFor(deps: Deps, workspaceId: string, email: string, provider: 'google' | 'microsoft'): Promise<ConnectionRow | string> {
  const label = provider === 'google' ? 'Google' : 'Outlook';
  const member = await deps.repos.members.getByEmail(workspaceId, email);
  if (!member) return `${email} is not a member of the workspace`;
  const connections = (await deps.repos.connections.list(workspaceId, member.id)).filter((c) => c.provider === provider && c.credentials);
  const live = connections.find((c) => c.status !== 'needs_reauth');
  if (!live) {
    return connections.length
      ? `held: ${email} must reconnect ${label} (the grant expired); this workspace sends through the organizer's own ${label} account`
      : `held: ${email} has no connected ${label} calendar; this workspace sends through the organizer's own ${label} account`;
  }
  return live;
}

/** The transport for one connection (tokens opened; refreshed tokens sealed and stored). */
async function connectionTransport(deps: Deps, connection: ConnectionRow, name: 'gmail' | 'graph'): Promise<TransportChoice> {
  const tokens = JSON.parse(await deps.vault.open(connection.credentials!, connection.id)) as GoogleTokens & MicrosoftTokens;
  const granted = tokens.scope;
  const label = name === 'gmail' ? 'Google' : 'Outlook';
  if (granted !== undefined && !(name === 'gmail' ? GMAIL_SEND : GRAPH_SEND).test(granted)) {
    return { transport: null, held: `held: the ${label} connection was made without the send permission; the organizer must reconnect ${label}` };
  }
  const onTokens = (fresh: unknown) => storeTokens(deps, connection, fresh);
  if (name === 'gmail') {
    if (!deps.google) return { transport: null, held: 'held: Google is not configured on this server' };
    const { createGmailTransport } = await import('../providers/mail/gmail.transport');
    return {
      transport: createGmailTransport({
        config: googleConfig(deps, { sendMail: true }),
        gmailRoot: deps.google.gmailRoot ?? 'https://gmail.googleapis.com',
        tokens,
        onTokens,
      }),
    };
  }
  if (!deps.microsoft) return { transport: null, held: 'held: Outlook is not configured on this server' };
  const { createGraphTransport } = await import('../providers/mail/graph.transport');
  // Sent as the mailbox's owner (the account the grant's ID token named), never as the server's address.
  return { transport: createGraphTransport({ config: microsoftConfig(deps, { sendMail: true }), tokens, onTokens, now: deps.clock, mailbox: connection.accountEmail }) };
}

/** The transport for a message to `recipient` under the workspace's setting. */
export async function transportForMessage(deps: Deps, workspaceId: string, setting: MailTransportSetting, recipient: string): Promise<TransportChoice> {
  if (setting === 'outbox') return { transport: null };
  if (setting === 'smtp') return { transport: deps.mail?.transport ?? null };
  const provider = setting === 'gmail' ? 'google' : 'microsoft';
  const connection = await connectionFor(deps, workspaceId, recipient, provider);
  if (typeof connection === 'string') return { transport: null, held: connection };
  return connectionTransport(deps, connection, NAME_FOR[setting]);
}

/**
 * The transport that made an earlier attempt (by its recorded name), to settle it: the server's
 * transport when the names match, else the recipient's Gmail / Graph connection; null when it
 * cannot be rebuilt.
 */
export async function transportByName(deps: Deps, workspaceId: string, name: string | null, recipient: string): Promise<MailTransport | null> {
  if (!name) return null;
  if (deps.mail?.transport?.name === name) return deps.mail.transport;
  if (name !== 'gmail' && name !== 'graph') return null;
  const connection = await connectionFor(deps, workspaceId, recipient, CONNECTION_TRANSPORTS[name]);
  if (typeof connection === 'string') return null;
  const choice = await connectionTransport(deps, connection, name);
  return choice.transport;
}
