/**
 * The digest's unsubscribe link (RFC 8058 one-click): a token signed with the vault's HMAC and
 * bound to one person in one workspace, so it works without a session and can do exactly one
 * thing: turn that person's digest off. It does not expire (an old digest's link should still
 * stop the next one, and turning a digest off is harmless); rotating UNMEET_SECRET past the
 * previous secrets ends old links.
 *
 * As with suggestions, stored messages hold a placeholder; the live link is made as the message
 * leaves (`renderDigestForSending`, called by outbox-delivery.ts), so no stored row holds one.
 */
import { buildMimeMessage } from '../domain/suggestion-email';
import type { OutboxRow } from '../db/outbox.repository';
import { createDigestRepository } from '../db/digests.repository';
import type { Deps } from './deps';

/** The stored stand-in for the unsubscribe token. */
export const DIGEST_TOKEN_PLACEHOLDER = '{{digest:unsubscribe}}';
/** Where the one-click POST goes (public; the token authenticates). */
export const DIGEST_UNSUBSCRIBE_PATH = '/v1/mail/digest/unsubscribe';

const base = (publicUrl: string) => publicUrl.replace(/\/$/, '');
const ID = /^[0-9a-z_]{1,64}$/;
const signed = (workspaceId: string, personId: string) => `digest-unsubscribe:${workspaceId}:${personId}`;

/** The stored form of the unsubscribe URL (no token). */
export const digestUnsubscribePlaceholderUrl = (publicUrl: string) => `${base(publicUrl)}${DIGEST_UNSUBSCRIBE_PATH}?token=${DIGEST_TOKEN_PLACEHOLDER}`;

export async function signUnsubscribeToken(deps: Pick<Deps, 'vault'>, workspaceId: string, personId: string): Promise<string> {
  return `${workspaceId}.${personId}.${await deps.vault.sign(signed(workspaceId, personId))}`;
}

/** Whom an authentic token names; undefined for anything forged, altered or malformed. */
export async function verifyUnsubscribeToken(deps: Pick<Deps, 'vault'>, token: string): Promise<{ workspaceId: string; personId: string } | undefined> {
  if (typeof token !== 'string' || token.length > 300) return undefined;
  const [workspaceId, personId, mac, extra] = token.split('.');
  if (!workspaceId || !personId || !mac || extra !== undefined || !ID.test(workspaceId) || !ID.test(personId) || !/^[A-Za-z0-9_-]+$/.test(mac)) return undefined;
  try {
    return (await deps.vault.verify(signed(workspaceId, personId), mac)) ? { workspaceId, personId } : undefined;
  } catch {
    return undefined;
  }
}

const sealContext = (outboxId: string) => `digest:${outboxId}`;

/** A digest's bodies sealed for its outbox row (the `mime` column): only the sender opens them. */
export const sealDigestBodies = (deps: Pick<Deps, 'vault'>, outboxId: string, bodies: { text: string; html: string }) =>
  deps.vault.seal(JSON.stringify({ text: bodies.text, html: bodies.html }), sealContext(outboxId));

const openBodies = async (deps: Pick<Deps, 'vault'>, row: Pick<OutboxRow, 'id' | 'mime'>) =>
  JSON.parse(await deps.vault.open(row.mime, sealContext(row.id))) as { text: string; html: string };

/**
 * The digest exactly as it leaves at `now`: its sealed bodies with the live unsubscribe link,
 * and the RFC 8058 headers (List-Unsubscribe with that link, List-Unsubscribe-Post). The person
 * comes from the send the message records, not from anything in the stored text.
 */
export async function renderDigestForSending(deps: Pick<Deps, 'db' | 'vault' | 'mail' | 'publicUrl'>, row: OutboxRow, now: number, recipientName: string): Promise<string> {
  const send = await createDigestRepository({ db: deps.db }).byOutboxId(row.workspaceId, row.id);
  if (!send || !deps.mail) throw new Error(`digest message ${row.id} cannot be rendered (no recorded send, or mail is off)`);
  const bodies = await openBodies(deps, row);
  const token = encodeURIComponent(await signUnsubscribeToken(deps, row.workspaceId, send.personId));
  const live = (text: string) => text.replaceAll(DIGEST_TOKEN_PLACEHOLDER, token);
  return buildMimeMessage({
    from: deps.mail.from,
    to: { email: row.recipient, name: recipientName },
    subject: row.subject,
    text: live(bodies.text),
    html: live(bodies.html),
    messageId: row.messageId,
    date: now,
    unsubscribeUrl: `${base(deps.publicUrl)}${DIGEST_UNSUBSCRIBE_PATH}?token=${token}`,
  });
}

/**
 * The send-time check of a digest: why it must not leave any more (the person turned the digest
 * off or left the workspace since it was queued, or its bodies no longer open), or undefined
 * when it may.
 */
export async function digestStopReason(deps: Pick<Deps, 'db' | 'vault'>, row: OutboxRow): Promise<string | undefined> {
  const repo = createDigestRepository({ db: deps.db });
  const send = await repo.byOutboxId(row.workspaceId, row.id);
  if (!send || !(await repo.isOptedIn(row.workspaceId, send.personId))) return 'recipient turned the weekly digest off';
  try {
    await openBodies(deps, row);
  } catch {
    // Sealed under a secret the server no longer holds (UNMEET_SECRET_PREVIOUS no longer lists it): next week's digest will do.
    return 'the digest was sealed under a secret this server no longer has';
  }
  return undefined;
}
