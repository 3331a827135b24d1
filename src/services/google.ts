import { UnmeetError } from '../domain/errors';
import type { ConnectionRow } from '../db/connections.repository';
import { newId, randomToken } from '../db/ids';
import type { Deps } from './deps';
import { calendarSyncJobKey, scheduleCalendarSync, watchJobKey } from './provider-sync';
import { googleConfig, providerFor, storeTokens } from './providers';
import { constantTimeEqual, hashApiKey } from './workspaces';

const STATE_TTL_MS = 10 * 60_000;
/** Channels are renewed a day before the 7 days Google keeps them. */
const CHANNEL_TTL_MS = 7 * 86_400_000;
const CHANNEL_RENEW_MS = 6 * 86_400_000;
/** Push notifications in a burst collapse into one sync this long after the first. */
export const PUSH_DEBOUNCE_MS = 2_000;

const base64Url = (bytes: ArrayBuffer | Uint8Array) =>
  btoa(String.fromCharCode(...new Uint8Array(bytes))).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');

/**
 * Starts "Connect Google Calendar" for a member: a PKCE verifier (kept sealed server-side) and
 * a signed, single-use state that expires in 10 minutes. Returns the consent URL.
 */
export async function startGoogleConnect(deps: Deps, workspaceId: string, memberId: string): Promise<string> {
  const config = googleConfig(deps);
  if (!(await deps.repos.members.get(workspaceId, memberId))) throw new UnmeetError('member.not_found', `No member ${memberId} in this workspace.`);
  const verifier = base64Url(crypto.getRandomValues(new Uint8Array(32)));
  const challenge = base64Url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
  const id = randomToken(32);
  const now = deps.clock();
  await deps.repos.oauth.purgeExpiredStates(now);
  await deps.repos.oauth.createState({
    id,
    workspaceId,
    memberId,
    provider: 'google',
    verifier: await deps.vault.seal(verifier, id),
    expiresAt: now + STATE_TTL_MS,
  });
  const { googleAuthorizeUrl } = await import('../providers/google/google.oauth');
  return googleAuthorizeUrl(config, `${id}.${await deps.vault.sign(id)}`, challenge);
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
  const invalid = () => new UnmeetError('oauth.invalid_state', 'This sign-in link is invalid, expired or already used. Start the connection again.');
  const [id, signature] = (query.state ?? '').split('.');
  if (!id || !signature || !(await deps.vault.verify(id, signature))) throw invalid();
  const now = deps.clock();
  const pending = await deps.repos.oauth.takeState(id, now);
  if (!pending || pending.provider !== 'google') throw invalid();
  if (query.error || !query.code) throw new UnmeetError('oauth.denied', 'Google did not grant access to the calendar.');
  const verifier = await deps.vault.open(pending.verifier, id);
  const { exchangeGoogleCode } = await import('../providers/google/google.oauth');
  let tokens;
  try {
    tokens = await exchangeGoogleCode(config, query.code, verifier);
  } catch {
    throw new UnmeetError('oauth.exchange_failed', 'Google refused the authorization code. Start the connection again.');
  }
  const connectionId = newId('con');
  const { workspaceId, memberId } = pending;
  await deps.repos.connections.create(workspaceId, { id: connectionId, memberId, provider: 'google', label: 'Google Calendar', credentials: null });
  await storeTokens(deps, { id: connectionId, workspaceId }, tokens);
  const calendar = await deps.repos.connections.ensureCalendar(workspaceId, connectionId, { externalId: 'primary', name: 'Primary calendar', timeZone: null, isPrimary: true });
  await deps.repos.connections.setStatus(workspaceId, connectionId, 'syncing');
  await scheduleCalendarSync(deps, workspaceId, connectionId, calendar.id, now);
  if (deps.publicUrl.startsWith('https://')) {
    await deps.repos.jobs.schedule({
      key: watchJobKey(calendar.id),
      kind: 'calendar.watch',
      workspaceId,
      payload: { connectionId, calendarId: calendar.id },
      runAt: now,
      everyMs: CHANNEL_RENEW_MS,
    });
  }
  return (await deps.repos.connections.get(workspaceId, connectionId))!;
}

/** Opens a new push channel for a calendar, then stops the ones it replaces. */
export async function renewGoogleChannel(deps: Deps, workspaceId: string, connectionId: string, calendarId: string): Promise<void> {
  const connection = await deps.repos.connections.get(workspaceId, connectionId);
  const calendar = connection && (await deps.repos.connections.calendars(workspaceId, connectionId)).find((c) => c.id === calendarId);
  if (!connection || !calendar) return;
  const provider = await providerFor(deps, connection);
  const old = (await deps.repos.oauth.channelsOf(workspaceId, connectionId)).filter((c) => c.calendarId === calendarId);
  const token = randomToken(40);
  const id = crypto.randomUUID();
  const now = deps.clock();
  const channel = await provider.watch!(calendar.externalId, { id, token, address: `${deps.publicUrl}/webhooks/google`, expiresAt: now + CHANNEL_TTL_MS });
  await deps.repos.oauth.saveChannel({
    id,
    workspaceId,
    connectionId,
    calendarId,
    provider: 'google',
    resourceId: channel.resourceId,
    tokenHash: await hashApiKey(token),
    expiresAt: channel.expiresAt,
  });
  for (const c of old) {
    await provider.stopWatch!({ id: c.id, resourceId: c.resourceId }).catch(() => undefined);
    await deps.repos.oauth.removeChannel(workspaceId, c.id);
  }
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
  const channel = headers.channelId ? await deps.repos.oauth.findChannel(headers.channelId, 'google', now) : undefined;
  if (!channel) throw new UnmeetError('webhook.unknown_channel', 'No such notification channel.');
  if (!constantTimeEqual(await hashApiKey(headers.token ?? ''), channel.tokenHash)) {
    throw new UnmeetError('webhook.forbidden', 'The channel token does not match.');
  }
  if (headers.state === 'sync') return 'ignored';
  const jobId = await deps.repos.jobs.expedite(calendarSyncJobKey(channel.calendarId), now + (deps.enqueueJob ? 0 : PUSH_DEBOUNCE_MS));
  if (jobId && deps.enqueueJob) await deps.enqueueJob(jobId, PUSH_DEBOUNCE_MS);
  return jobId ? 'scheduled' : 'ignored';
}

/** Disconnect: stop the channels and revoke the grant (best effort: local removal always happens). */
export async function releaseGoogleConnection(deps: Deps, connection: ConnectionRow): Promise<void> {
  const channels = await deps.repos.oauth.channelsOf(connection.workspaceId, connection.id);
  try {
    const provider = await providerFor(deps, connection);
    for (const c of channels) await provider.stopWatch!({ id: c.id, resourceId: c.resourceId }).catch(() => undefined);
    await provider.revoke!();
  } catch (error) {
    deps.logger.warn('could not revoke a Google grant on disconnect', { connectionId: connection.id, error: String(error) });
  }
  for (const calendar of await deps.repos.connections.calendars(connection.workspaceId, connection.id)) {
    await deps.repos.jobs.removeByKey(calendarSyncJobKey(calendar.id));
    await deps.repos.jobs.removeByKey(watchJobKey(calendar.id));
  }
}
