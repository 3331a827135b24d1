import { z } from 'zod';
import { UnmeetError, isUnmeetError } from '../domain/errors';
import { webhookErrors } from '../domain/error-codes/webhook';
import type { Deps } from './deps';
import {
  beginOAuth,
  checkGrantAccount,
  exchangeOrFail,
  expediteJob,
  saveOAuthConnection,
  takeOAuthState,
  verifyChannel,
  type ConnectOutcome,
  type OAuthStarter,
} from './oauth-connections';
import { calendarSyncJobKey, watchJobKey } from './provider-sync';
import { microsoftConfig, sendsMailThrough } from './providers';

/**
 * Starts "Connect Outlook": PKCE, a signed single-use state, the ID token's nonce and the account
 * the grant must come from (see `OAuthStarter`), then Microsoft's consent URL hinted at it.
 */
export async function startMicrosoftConnect(deps: Deps, workspaceId: string, memberId: string, starter: OAuthStarter = {}): Promise<string> {
  const config = microsoftConfig(deps, { sendMail: await sendsMailThrough(deps, workspaceId, 'microsoft') });
  const { state, challenge, nonce, expectedAccount } = await beginOAuth(deps, workspaceId, memberId, 'microsoft', starter);
  const { microsoftAuthorizeUrl } = await import('../providers/microsoft/microsoft.oauth');
  return microsoftAuthorizeUrl(config, state, challenge, { nonce, loginHint: expectedAccount });
}

/**
 * Finishes the consent: the state is checked and consumed, the code exchanged with the PKCE
 * verifier, and the ID token checked: a grant from another account than the expected one is
 * refused (`oauth.account_mismatch`) and its tokens dropped. A grant for the member's existing
 * connection to the same account (`tid:oid`) replaces its credentials and syncs it again;
 * otherwise a new connection gets its first sync (which also reads the mailbox's zone and
 * working hours) and, with a public HTTPS address, the change-notification subscription.
 */
export async function completeMicrosoftConnect(
  deps: Deps,
  query: { code?: string | undefined; state?: string | undefined; error?: string | undefined },
): Promise<ConnectOutcome> {
  const pending = await takeOAuthState(deps, 'microsoft', query);
  const config = microsoftConfig(deps, { sendMail: await sendsMailThrough(deps, pending.workspaceId, 'microsoft') });
  const { exchangeMicrosoftCode } = await import('../providers/microsoft/microsoft.oauth');
  const { tokens, idToken } = await exchangeOrFail('microsoft', () => exchangeMicrosoftCode(config, pending.code, pending.verifier, deps.clock));
  // The identity platform has no endpoint that revokes one app's grant for one user (only all of
  // a user's sessions, or an admin deleting the consent): a refused grant's tokens are dropped.
  const account = await checkGrantAccount(deps, 'microsoft', pending, idToken, async () => false);
  return saveOAuthConnection(deps, { workspaceId: pending.workspaceId, memberId: pending.memberId, provider: 'microsoft', label: 'Outlook calendar', tokens, account });
}

/** A Graph change or lifecycle notification (concepts/change-notifications-delivery-webhooks.md). */
const notification = z.object({
  subscriptionId: z.string().min(1),
  clientState: z.string().nullish(),
  changeType: z.string().nullish(),
  lifecycleEvent: z.enum(['reauthorizationRequired', 'subscriptionRemoved', 'missed']).nullish(),
});
export const graphNotifications = z.object({ value: z.array(z.unknown()).max(1000) });

export type MicrosoftNotificationResult = { accepted: number; ignored: number };

/**
 * A batch of Graph notifications. Each is accepted only for a live subscription whose
 * clientState matches; work is never done inline (Graph wants a 2xx within 3 s), jobs are
 * brought forward instead:
 *  - a change, or `missed` (notifications were lost) → the delta sync;
 *  - `reauthorizationRequired` → the renewal job (which extends the subscription in place);
 *  - `subscriptionRemoved` → the subscription is forgotten, the renewal job creates a new one,
 *    and a sync catches what happened meanwhile.
 * A batch with nothing acceptable is refused (forged → `webhook.forbidden`, else unknown).
 */
export async function handleMicrosoftNotifications(deps: Deps, body: unknown): Promise<MicrosoftNotificationResult> {
  const parsed = graphNotifications.safeParse(body);
  if (!parsed.success) throw webhookErrors.invalid('Not a Microsoft Graph notification batch.');
  const now = deps.clock();
  const result: MicrosoftNotificationResult = { accepted: 0, ignored: 0 };
  let refusal: UnmeetError | undefined;
  for (const raw of parsed.data.value) {
    const item = notification.safeParse(raw);
    if (!item.success) {
      result.ignored++;
      continue;
    }
    const n = item.data;
    let channel;
    try {
      channel = await verifyChannel(deps, 'microsoft', n.subscriptionId, n.clientState ?? undefined, now);
    } catch (error) {
      if (!isUnmeetError(error)) throw error;
      if (refusal?.code !== 'webhook.forbidden') refusal = error;
      result.ignored++;
      continue;
    }
    result.accepted++;
    if (n.lifecycleEvent === 'reauthorizationRequired') {
      await expediteJob(deps, watchJobKey(channel.calendarId), now);
      continue;
    }
    if (n.lifecycleEvent === 'subscriptionRemoved') {
      await deps.repos.oauth.removeChannel(channel.workspaceId, channel.id);
      await expediteJob(deps, watchJobKey(channel.calendarId), now);
    }
    if (!n.lifecycleEvent) await deps.repos.connections.notePush(channel.workspaceId, channel.connectionId, now);
    await expediteJob(deps, calendarSyncJobKey(channel.calendarId), now);
  }
  if (result.accepted === 0 && refusal) throw refusal;
  return result;
}
