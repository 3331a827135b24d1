import { UnmeetError } from '../domain/errors';
import { memberErrors } from '../domain/error-codes/member';
import { oauthErrors } from '../domain/error-codes/oauth';
import { webhookErrors } from '../domain/error-codes/webhook';
import type { ConnectionRow } from '../db/connections.repository';
import { newId, randomToken } from '../db/ids';
import type { ProviderName } from '../db/schema';
import { isProviderError } from '../providers/calendar-provider';
import type { Deps } from './deps';
import { calendarSyncJobKey, scheduleCalendarSync, watchJobKey } from './provider-sync';
import { createIdentityClient, type IdentityClient } from '../providers/identity/identity-client';
import { providerFor } from './providers';
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

/** Identity clients built here for deps that came without one, one per deps object (their key caches live inside). */
const localIdentity = new WeakMap<Deps, IdentityClient>();

/**
 * The identity client that verifies ID tokens: the one the entry point built, or one built from
 * the configured Google and Microsoft apps and kept for these deps.
 */
export function identityOf(deps: Deps): IdentityClient {
  const given = (deps as { identity?: IdentityClient | undefined }).identity;
  if (given) return given;
  let client = localIdentity.get(deps);
  if (!client) {
    const { google, microsoft } = deps;
    client = createIdentityClient({
      google: google ? { clientId: google.clientId, clientSecret: google.clientSecret, oauthRoot: google.oauthRoot } : null,
      microsoft: microsoft ? { clientId: microsoft.clientId, clientSecret: microsoft.clientSecret, tenant: microsoft.tenant, oauthRoot: microsoft.oauthRoot } : null,
    });
    localIdentity.set(deps, client);
  }
  return client;
}

const base64Url = (bytes: ArrayBuffer | Uint8Array) =>
  btoa(String.fromCharCode(...new Uint8Array(bytes))).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');

/** Who starts a consent: a person for their own member may confirm another account of theirs. */
export type OAuthStarter = {
  /** The signed-in person starting the connection for their own member; absent for an admin or API key. */
  personId?: string | null | undefined;
  /** The address the granting account must have; default the member's own. Only the member's own person may set it. */
  expectedAccount?: string | null | undefined;
};

/** A consent on its way: what the consent URL carries and whose account it expects. */
export type OAuthBegun = { state: string; challenge: string; nonce: string; expectedAccount: string };

/**
 * The ID token's nonce for a state, derived from the state id by the vault's signing key: it
 * needs no column of its own, and cannot be guessed from the id by anyone without the secret.
 */
const nonceOf = (deps: Deps, stateId: string) => deps.vault.sign(`nonce.${stateId}`);

/**
 * Starts a consent for a member: a PKCE verifier (kept sealed server-side), a signed single-use
 * state that expires in 10 minutes, the nonce for the ID token, and the account the grant must
 * come from (the member's email, or another address the member's own person confirmed).
 */
export async function beginOAuth(deps: Deps, workspaceId: string, memberId: string, provider: OAuthProvider, starter: OAuthStarter = {}): Promise<OAuthBegun> {
  const member = await deps.repos.members.get(workspaceId, memberId);
  if (!member) throw memberErrors.not_found(`No member ${memberId} in this workspace.`);
  const expectedAccount = (starter.expectedAccount ?? member.email).trim().toLowerCase();
  if (expectedAccount !== member.email.toLowerCase()) await requireOwnPerson(deps, workspaceId, memberId, starter.personId);
  const verifier = base64Url(crypto.getRandomValues(new Uint8Array(32)));
  const challenge = base64Url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
  const id = randomToken(32);
  const now = deps.clock();
  await deps.repos.oauth.purgeExpiredStates(now);
  await deps.repos.oauth.createState({
    id,
    workspaceId,
    memberId,
    provider,
    verifier: await deps.vault.seal(verifier, id),
    expectedAccount,
    personId: starter.personId ?? null,
    expiresAt: now + STATE_TTL_MS,
  });
  return { state: `${id}.${await deps.vault.sign(id)}`, challenge, nonce: await nonceOf(deps, id), expectedAccount };
}

export const OTHER_ACCOUNT_RULE = 'Only the member, signed in as themselves, may connect their calendar through another account; anyone else connects it with the member\'s own address.';

/** Another account may be named only by the member's own person (checked here too, not only by the route). */
async function requireOwnPerson(deps: Deps, workspaceId: string, memberId: string, personId: string | null | undefined): Promise<void> {
  const membership = personId ? await deps.repos.people.membership(workspaceId, personId) : undefined;
  if (!membership || membership.memberId !== memberId) throw oauthErrors.not_own_member(OTHER_ACCOUNT_RULE);
}

/** A callback's checked state: the member, the PKCE verifier, the code, and what the ID token must show. */
export type OAuthPending = { workspaceId: string; memberId: string; verifier: string; code: string; nonce: string; expectedAccount: string; personId: string | null };

/**
 * Checks a callback's state (signature, existence, expiry, provider; it is consumed so a replay
 * fails) and returns the member it was issued for, the PKCE verifier, the code, and the nonce
 * and account the ID token must carry.
 */
export async function takeOAuthState(
  deps: Deps,
  provider: OAuthProvider,
  query: { code?: string | undefined; state?: string | undefined; error?: string | undefined },
): Promise<OAuthPending> {
  const invalid = () => oauthErrors.invalid_state('This sign-in link is invalid, expired or already used. Start the connection again.');
  const [id, signature] = (query.state ?? '').split('.');
  if (!id || !signature || !(await deps.vault.verify(id, signature))) throw invalid();
  const pending = await deps.repos.oauth.takeState(id, deps.clock());
  if (!pending || pending.provider !== provider) throw invalid();
  if (query.error || !query.code) throw oauthErrors.denied(`${vendor[provider]} did not grant access to the calendar.`);
  // A state from before accounts were recorded expects the member's own address.
  const expectedAccount = pending.expectedAccount ?? (await deps.repos.members.get(pending.workspaceId, pending.memberId))?.email.toLowerCase();
  if (!expectedAccount) throw invalid();
  return {
    workspaceId: pending.workspaceId,
    memberId: pending.memberId,
    verifier: await deps.vault.open(pending.verifier, id),
    code: query.code,
    nonce: await nonceOf(deps, id),
    expectedAccount,
    personId: pending.personId,
  };
}

/** Exchanges the code; a refusal becomes a clear error asking to start again. */
export async function exchangeOrFail<T>(provider: OAuthProvider, exchange: () => Promise<T>): Promise<T> {
  try {
    return await exchange();
  } catch {
    throw oauthErrors.exchange_failed(`${vendor[provider]} refused the authorization code. Start the connection again.`);
  }
}

/** The provider account a grant came from, as its verified ID token names it. */
export type GrantAccount = { subject: string; email: string };

/**
 * Checks whose account granted access, from the ID token the code exchange answered (verified
 * by the identity client: signature, issuer, audience, expiry, and this consent's nonce). The
 * account's email must be the one the consent expected (case-insensitively), and the vendor must
 * vouch for it. A refused grant is revoked at the vendor (best effort: `revoke` says whether it
 * was) and nothing of it is kept: the caller stores nothing after a throw.
 */
export async function checkGrantAccount(
  deps: Deps,
  provider: OAuthProvider,
  pending: Pick<OAuthPending, 'workspaceId' | 'memberId' | 'nonce' | 'expectedAccount'>,
  idToken: string | null,
  revoke: () => Promise<boolean>,
): Promise<GrantAccount> {
  try {
    if (!idToken) {
      throw oauthErrors.account_unknown(`${vendor[provider]} did not say which account granted access, so it cannot be checked. Start the connection again.`);
    }
    const identity = await identityOf(deps).verifyIdToken(provider, idToken, { nonce: pending.nonce, now: deps.clock() });
    if (identity.email !== pending.expectedAccount) {
      throw oauthErrors.account_mismatch(
        `This connection is for ${pending.expectedAccount}, but access was granted by the ${vendor[provider]} account ${identity.email}. Nothing was connected; sign in to ${vendor[provider]} as ${pending.expectedAccount} and start again.`,
      );
    }
    if (!identity.emailVerified) {
      throw oauthErrors.account_unverified(
        `${vendor[provider]} does not vouch that ${identity.email} belongs to the account that granted access, so it cannot be told apart from someone else's. Nothing was connected.`,
      );
    }
    return { subject: identity.subject, email: identity.email };
  } catch (error) {
    const revoked = await revoke().catch(() => false);
    const code = error instanceof UnmeetError ? error.code : 'unexpected';
    deps.logger.warn(`refused a ${provider} grant`, { workspaceId: pending.workspaceId, memberId: pending.memberId, code, revoked });
    throw error;
  }
}

/** What the callback did: a new connection, or a new grant for the member's existing connection to the same account. */
export type ConnectOutcome = { connection: ConnectionRow; reconnected: boolean };

/**
 * Keeps a checked grant. The member's connection to the same provider account (or a connection
 * from before accounts were recorded that has lost its grant, when it is the only one) gets the
 * new credentials in place and syncs everything again onto its own rows: reconnecting after
 * `needs_reauth` never makes a second copy of the calendar. Otherwise a new connection is made.
 */
export async function saveOAuthConnection(
  deps: Deps,
  input: { workspaceId: string; memberId: string; provider: OAuthProvider; label: string; tokens: unknown; account: GrantAccount },
): Promise<ConnectOutcome> {
  const { workspaceId, provider, account } = input;
  const existing = await connectionForAccount(deps, input);
  if (!existing) return { connection: await createOAuthConnection(deps, input), reconnected: false };
  const now = deps.clock();
  // The old refresh token is not revoked: at Google that would revoke the new grant with it.
  const credentials = await deps.vault.seal(JSON.stringify(input.tokens), existing.id);
  await deps.repos.connections.replaceGrant(workspaceId, existing.id, { credentials, accountSubject: account.subject, accountEmail: account.email }, now);
  for (const calendar of await deps.repos.connections.calendars(workspaceId, existing.id)) {
    await scheduleConnectionJobs(deps, workspaceId, existing.id, calendar.id, now);
  }
  deps.logger.info(`reconnected a ${provider} calendar`, { workspaceId, connectionId: existing.id });
  return { connection: (await deps.repos.connections.get(workspaceId, existing.id))!, reconnected: true };
}

async function connectionForAccount(
  deps: Deps,
  input: { workspaceId: string; memberId: string; provider: OAuthProvider; account: GrantAccount },
): Promise<ConnectionRow | undefined> {
  const { workspaceId, memberId, provider } = input;
  const same = await deps.repos.connections.findByAccount(workspaceId, memberId, provider, input.account.subject);
  if (same) return same;
  const legacy = (await deps.repos.connections.list(workspaceId, memberId)).filter(
    (c) => c.provider === provider && c.accountSubject === null && c.status === 'needs_reauth',
  );
  return legacy.length === 1 ? legacy[0] : undefined;
}

/**
 * Creates the connection with its tokens sealed, its account and its primary calendar, schedules
 * the first sync and, with a public HTTPS address, push notifications (otherwise polling alone).
 */
async function createOAuthConnection(
  deps: Deps,
  input: { workspaceId: string; memberId: string; provider: OAuthProvider; label: string; tokens: unknown; account: GrantAccount },
): Promise<ConnectionRow> {
  const { workspaceId, memberId, provider } = input;
  const now = deps.clock();
  const connectionId = newId('con');
  const credentials = await deps.vault.seal(JSON.stringify(input.tokens), connectionId);
  await deps.repos.connections.create(workspaceId, {
    id: connectionId,
    memberId,
    provider,
    label: input.label,
    credentials,
    accountSubject: input.account.subject,
    accountEmail: input.account.email,
  });
  const calendar = await deps.repos.connections.ensureCalendar(workspaceId, connectionId, { externalId: 'primary', name: 'Primary calendar', timeZone: null, isPrimary: true });
  await deps.repos.connections.setStatus(workspaceId, connectionId, 'syncing');
  await scheduleConnectionJobs(deps, workspaceId, connectionId, calendar.id, now);
  return (await deps.repos.connections.get(workspaceId, connectionId))!;
}

/** The sync job, due now, and with a public HTTPS address the push channel's renewal job. */
async function scheduleConnectionJobs(deps: Deps, workspaceId: string, connectionId: string, calendarId: string, now: number): Promise<void> {
  await scheduleCalendarSync(deps, workspaceId, connectionId, calendarId, now);
  if (deps.publicUrl.startsWith('https://')) {
    await deps.repos.jobs.schedule({
      key: watchJobKey(calendarId),
      kind: 'calendar.watch',
      workspaceId,
      payload: { connectionId, calendarId },
      runAt: now,
      everyMs: CHANNEL_RENEW_MS,
    });
  }
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
  if (!channel) throw webhookErrors.unknown_channel('No such notification channel.');
  if (!constantTimeEqual(await hashApiKey(secret ?? ''), channel.tokenHash)) {
    throw webhookErrors.forbidden('The channel secret does not match.');
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
