import type { ConnectionRow } from '../db/connections.repository';
import type { Deps } from './deps';
import { beginOAuth, createOAuthConnection, exchangeOrFail, expediteJob, takeOAuthState, verifyChannel } from './oauth-connections';
import { calendarSyncJobKey } from './provider-sync';
import { googleConfig, sendsMailThrough } from './providers';

/**
 * Starts "Connect Google Calendar" for a member: a PKCE verifier (kept sealed server-side) and
 * a signed, single-use state that expires in 10 minutes. Returns the consent URL.
 */
export async function startGoogleConnect(deps: Deps, workspaceId: string, memberId: string): Promise<string> {
  const config = googleConfig(deps, { sendMail: await sendsMailThrough(deps, workspaceId, 'google') });
  const { state, challenge } = await beginOAuth(deps, workspaceId, memberId, 'google');
  const { googleAuthorizeUrl } = await import('../providers/google/google.oauth');
  return googleAuthorizeUrl(config, state, challenge);
}

/**
 * Finishes the consent: checks the state (signature, existence, expiry; it is consumed so a
 * replay fails), exchanges the code with the PKCE verifier, stores the tokens sealed, and
 * schedules the first sync and, with a public HTTPS address, push notifications.
 */
export async function completeGoogleConnect(
  deps: Deps,
  query: { code?: string | undefined; state?: string | undefined; error?: string | undefined },
): Promise<ConnectionRow> {
  const config = googleConfig(deps);
  const { workspaceId, memberId, verifier, code } = await takeOAuthState(deps, 'google', query);
  const { exchangeGoogleCode } = await import('../providers/google/google.oauth');
  const tokens = await exchangeOrFail('google', () => exchangeGoogleCode(config, code, verifier));
  return createOAuthConnection(deps, { workspaceId, memberId, provider: 'google', label: 'Google Calendar', tokens });
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
  return (await expediteJob(deps, calendarSyncJobKey(channel.calendarId), now)) ? 'scheduled' : 'ignored';
}
