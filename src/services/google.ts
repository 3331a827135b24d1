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
import { calendarSyncJobKey } from './provider-sync';
import { googleConfig, sendsMailThrough } from './providers';

/**
 * Starts "Connect Google Calendar" for a member: a PKCE verifier (kept sealed server-side), a
 * signed single-use state that expires in 10 minutes, and the account the grant must come from
 * (the member's email unless their own person confirmed another, see `OAuthStarter`). Returns
 * the consent URL, which hints Google's account chooser at that account.
 */
export async function startGoogleConnect(deps: Deps, workspaceId: string, memberId: string, starter: OAuthStarter = {}): Promise<string> {
  const config = googleConfig(deps, { sendMail: await sendsMailThrough(deps, workspaceId, 'google') });
  const { state, challenge, nonce, expectedAccount } = await beginOAuth(deps, workspaceId, memberId, 'google', starter);
  const { googleAuthorizeUrl } = await import('../providers/google/google.oauth');
  return googleAuthorizeUrl(config, state, challenge, { nonce, loginHint: expectedAccount });
}

/**
 * Finishes the consent: checks the state (signature, existence, expiry; it is consumed so a
 * replay fails), exchanges the code with the PKCE verifier, and checks the ID token: a grant
 * from another account than the expected one is revoked at Google and refused
 * (`oauth.account_mismatch`). A grant for the member's existing connection to the same account
 * replaces its credentials and syncs it again; otherwise a new connection gets its first sync
 * and, with a public HTTPS address, push notifications.
 */
export async function completeGoogleConnect(
  deps: Deps,
  query: { code?: string | undefined; state?: string | undefined; error?: string | undefined },
): Promise<ConnectOutcome> {
  const config = googleConfig(deps);
  const pending = await takeOAuthState(deps, 'google', query);
  const { exchangeGoogleCode, revokeGoogleGrant } = await import('../providers/google/google.oauth');
  const { tokens, idToken } = await exchangeOrFail('google', () => exchangeGoogleCode(config, pending.code, pending.verifier));
  const account = await checkGrantAccount(deps, 'google', pending, idToken, () => revokeGoogleGrant(config, tokens));
  return saveOAuthConnection(deps, { workspaceId: pending.workspaceId, memberId: pending.memberId, provider: 'google', label: 'Google Calendar', tokens, account });
}

/**
 * A Google push notification: only a live channel with its secret token is accepted. It does
 * not sync inline (Google wants a fast answer): it brings the calendar's sync job forward, and
 * hands it to the queue where there is one (Workers).
 */
export async function handleGooglePush(
  deps: Deps,
  headers: { channelId?: string | undefined; token?: string | undefined; state?: string | undefined },
): Promise<'scheduled' | 'ignored'> {
  const now = deps.clock();
  const channel = await verifyChannel(deps, 'google', headers.channelId, headers.token, now);
  if (headers.state === 'sync') return 'ignored';
  await deps.repos.connections.notePush(channel.workspaceId, channel.connectionId, now);
  return (await expediteJob(deps, calendarSyncJobKey(channel.calendarId), now)) ? 'scheduled' : 'ignored';
}
