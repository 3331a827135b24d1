import { UnmeetError } from '../domain/errors';
import type { ConnectionRow } from '../db/connections.repository';
import { newId, randomToken } from '../db/ids';
import type { ProviderName } from '../db/schema';
import { isProviderError } from '../providers/calendar-provider';
import type { Deps } from './deps';
import { calendarSyncJobKey, scheduleCalendarSync, watchJobKey } from './provider-sync';
import { providerFor, storeTokens } from './providers';
import { constantTimeEqual, hashApiKey } from './workspaces';

/**
 * What Google and Microsoft connections share: the PKCE + signed single-use state dance, creating
 * the connection, push channels (open, renew, verify, stop) and release on disconnect. The
 * vendor services (google.ts, microsoft.ts) supply only what differs.
 */
type OAuthProvider = Exclude<ProviderName, 'ics'>;

const STATE_TTL_MS = 10 * 60_000;
/** Channel lifetimes: Google keeps a channel 7 days; Graph event subscriptions at most 10,080 minutes. */
const CHANNEL_TTL_MS: Record<OAuthProvider, number> = { google: 7 * 86_400_000, microsoft: 7 * 86_400_000 - 3_600_000 };
/** The renewal job runs a day before either lifetime ends. */
const CHANNEL_RENEW_MS = 6 * 86_400_000;
/** Push notifications in a burst collapse into one sync this long after the first. */
export const PUSH_DEBOUNCE_MS = 2_000;

const vendor: Record<OAuthProvider, string> = { google: 'Google', microsoft: 'Microsoft' };

const base64Url = (bytes: ArrayBuffer | Uint8Array) =>
  btoa(String.fromCharCode(...new Uint8Array(bytes))).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');

/**
 * Starts a consent for a member: a PKCE verifier (kept sealed server-side) and a signed,
 * single-use state that expires in 10 minutes. Returns the state and the S256 challenge.
 */
export async function beginOAuth(deps: Deps, workspaceId: string, memberId: string, provider: OAuthProvider): Promise<{ state: string; challenge: string }> {
  if (!(await deps.repos.members.get(workspaceId, memberId))) throw new UnmeetError('member.not_found', `No member ${memberId} in this workspace.`);
  const verifier = base64Url(crypto.getRandomValues(new Uint8Array(32)));
  const challenge = base64Url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
  const id = randomToken(32);
  const now = deps.clock();
  await deps.repos.oauth.purgeExpiredStates(now);
  await deps.repos.oauth.createState({ id, workspaceId, memberId, provider, verifier: await deps.vault.seal(verifier, id), expiresAt: now + STATE_TTL_MS });
  return { state: `${id}.${await deps.vault.sign(id)}`, challenge };
}

/**
 * Checks a callback's state (signature, existence, expiry, provider; it is consumed so a replay
 * fails) and returns the member it was issued for with the PKCE verifier and the code.
 */
export async function takeOAuthState(
  deps: Deps,
  provider: OAuthProvider,
  query: { code?: string | undefined; state?: string | undefined; error?: string | undefined },
): Promise<{ workspaceId: string; memberId: string; verifier: string; code: string }> {
  const invalid = () => new UnmeetError('oauth.invalid_state', 'This sign-in link is invalid, expired or already used. Start the connection again.');
  const [id, signature] = (query.state ?? '').split('.');
  if (!id || !signature || !(await deps.vault.verify(id, signature))) throw invalid();
  const pending = await deps.repos.oauth.takeState(id, deps.clock());
  if (!pending || pending.provider !== provider) throw invalid();
  if (query.error || !query.code) throw new UnmeetError('oauth.denied', `${vendor[provider]} did not grant access to the calendar.`);
  return { workspaceId: pending.workspaceId, memberId: pending.memberId, verifier: await deps.vault.open(pending.verifier, id), code: query.code };
}

/** Exchanges the code; a refusal becomes a clear error asking to start again. */
export async function exchangeOrFail<T>(provider: OAuthProvider, exchange: () => Promise<T>): Promise<T> {
  try {
    return await exchange();
  } catch {
    throw new UnmeetError('oauth.exchange_failed', `${vendor[provider]} refused the authorization code. Start the connection again.`);
  }
}

/**
 * Creates the connection with its tokens sealed and its primary calendar, schedules the first
 * sync and, with a public HTTPS address, push notifications (otherwise polling alone).
 */
export async function createOAuthConnection(
  deps: Deps,
  input: { workspaceId: string; memberId: string; provider: OAuthProvider; label: string; tokens: unknown },
): Promise<ConnectionRow> {
  const { workspaceId, memberId, provider } = input;
  const now = deps.clock();
  const connectionId = newId('con');
  await deps.repos.connections.create(workspaceId, { id: connectionId, memberId, provider, label: input.label, credentials: null });
  await storeTokens(deps, { id: connectionId, workspaceId }, input.tokens);
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

/**
 * Keeps a calendar's push channel alive. A channel the vendor can extend in place (Graph) is
 * renewed, keeping its id and secret; otherwise (Google, or a subscription Graph removed) a new
 * one is opened with a fresh secret, stored hashed, and the ones it replaces are stopped.
 */
export async function renewChannel(deps: Deps, workspaceId: string, connectionId: string, calendarId: string): Promise<void> {
  const connection = await deps.repos.connections.get(workspaceId, connectionId);
  const calendar = connection && (await deps.repos.connections.calendars(workspaceId, connectionId)).find((c) => c.id === calendarId);
  if (!connection || !calendar || connection.provider === 'ics') return;
  const provider = await providerFor(deps, connection);
  const old = (await deps.repos.oauth.channelsOf(workspaceId, connectionId)).filter((c) => c.calendarId === calendarId);
  const now = deps.clock();
  const expiresAt = now + CHANNEL_TTL_MS[connection.provider];
  if (provider.renewWatch && old.length === 1 && old[0]!.expiresAt > now) {
    try {
      const renewed = await provider.renewWatch(old[0]!, expiresAt);
      await deps.repos.oauth.extendChannel(workspaceId, old[0]!.id, renewed.expiresAt);
      return;
    } catch (error) {
      if (!isProviderError(error) || error.kind !== 'not_found') throw error;
    }
  }
  const token = randomToken(40);
  const channel = await provider.watch!(calendar.externalId, { id: crypto.randomUUID(), token, address: `${deps.publicUrl}/webhooks/${connection.provider}`, expiresAt });
  await deps.repos.oauth.saveChannel({
    id: channel.id,
    workspaceId,
    connectionId,
    calendarId,
    provider: connection.provider,
    resourceId: channel.resourceId,
    tokenHash: await hashApiKey(token),
    expiresAt: channel.expiresAt,
  });
  for (const c of old) {
    await provider.stopWatch!({ id: c.id, resourceId: c.resourceId }).catch(() => undefined);
    await deps.repos.oauth.removeChannel(workspaceId, c.id);
  }
}

/** The live channel a notification names, if its secret matches; stable errors otherwise. */
export async function verifyChannel(deps: Deps, provider: OAuthProvider, channelId: string | undefined, secret: string | undefined, now: number) {
  const channel = channelId ? await deps.repos.oauth.findChannel(channelId, provider, now) : undefined;
  if (!channel) throw new UnmeetError('webhook.unknown_channel', 'No such notification channel.');
  if (!constantTimeEqual(await hashApiKey(secret ?? ''), channel.tokenHash)) {
    throw new UnmeetError('webhook.forbidden', 'The channel secret does not match.');
  }
  return channel;
}

/**
 * Brings a job forward instead of working inline (vendors want a fast answer), and hands it to
 * the queue where there is one (Workers). Returns whether such a job exists.
 */
export async function expediteJob(deps: Deps, key: string, now: number): Promise<boolean> {
  const jobId = await deps.repos.jobs.expedite(key, now + (deps.enqueueJob ? 0 : PUSH_DEBOUNCE_MS));
  if (jobId && deps.enqueueJob) await deps.enqueueJob(jobId, PUSH_DEBOUNCE_MS);
  return Boolean(jobId);
}

/** Disconnect: stop the channels and revoke the grant where the vendor can (best effort: local removal always happens). */
export async function releaseOAuthConnection(deps: Deps, connection: ConnectionRow): Promise<void> {
  const channels = await deps.repos.oauth.channelsOf(connection.workspaceId, connection.id);
  try {
    const provider = await providerFor(deps, connection);
    for (const c of channels) await provider.stopWatch!({ id: c.id, resourceId: c.resourceId }).catch(() => undefined);
    await provider.revoke?.();
  } catch (error) {
    deps.logger.warn(`could not release a ${connection.provider} grant on disconnect`, { connectionId: connection.id, error: String(error) });
  }
  for (const calendar of await deps.repos.connections.calendars(connection.workspaceId, connection.id)) {
    await deps.repos.jobs.removeByKey(calendarSyncJobKey(calendar.id));
    await deps.repos.jobs.removeByKey(watchJobKey(calendar.id));
  }
}
