import { connectionErrors } from '../domain/error-codes/connection';
import { googleErrors, microsoftErrors } from '../domain/error-codes/vendors';
import type { ConnectionRow } from '../db/connections.repository';
import type { CalendarProvider } from '../providers/calendar-provider';
import type { GoogleConfig, GoogleTokens } from '../providers/google/google.oauth';
import type { MicrosoftConfig, MicrosoftTokens } from '../providers/microsoft/microsoft.oauth';
import { defaultRetryPolicy, withinLease, type RetryPolicy } from '../providers/retry';
import type { Deps } from './deps';

/** The Google app settings, or a clear error when none is configured. */
export function googleConfig(deps: Deps, options: { sendMail?: boolean } = {}): GoogleConfig {
  if (!deps.google) {
    throw googleErrors.not_configured('Google Calendar is not configured: set GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET.');
  }
  return { ...deps.google, redirectUri: `${deps.publicUrl}/oauth/google/callback`, ...(options.sendMail ? { sendMail: true } : {}) };
}

/** The Microsoft (Entra ID) app settings, or a clear error when none is configured. */
export function microsoftConfig(deps: Deps, options: { sendMail?: boolean } = {}): MicrosoftConfig {
  if (!deps.microsoft) {
    throw microsoftErrors.not_configured('Outlook / Microsoft 365 is not configured: set MICROSOFT_CLIENT_ID and MICROSOFT_CLIENT_SECRET.');
  }
  return { ...deps.microsoft, redirectUri: `${deps.publicUrl}/oauth/microsoft/callback`, ...(options.sendMail ? { sendMail: true } : {}) };
}

/** Seals a connection's OAuth tokens (bound to the connection id) and stores them. */
export async function storeTokens(deps: Deps, connection: Pick<ConnectionRow, 'id' | 'workspaceId'>, tokens: unknown): Promise<void> {
  await deps.repos.connections.setCredentials(connection.workspaceId, connection.id, await deps.vault.seal(JSON.stringify(tokens), connection.id));
}

/** Whether the workspace sends suggestions through this provider's connections (adds the send scope). */
export async function sendsMailThrough(deps: Pick<Deps, 'repos'>, workspaceId: string, provider: 'google' | 'microsoft'): Promise<boolean> {
  const setting = (await deps.repos.workspaces.get(workspaceId))?.mailTransport;
  return setting === (provider === 'google' ? 'gmail' : 'microsoft');
}

/** The job lease when none is configured (the job runner's default). */
const DEFAULT_JOB_LEASE_MS = 5 * 60_000;

/** Provider calls run inside a leased job: their waits (Retry-After, backoff) end within it. */
const retryPolicy = (deps: Deps): RetryPolicy => withinLease(deps.retry ?? defaultRetryPolicy, deps.jobLeaseMs ?? DEFAULT_JOB_LEASE_MS);

/** The provider client for an OAuth connection, with its tokens opened and refreshes persisted. */
export async function providerFor(deps: Deps, connection: ConnectionRow): Promise<CalendarProvider> {
  if (!connection.credentials) throw connectionErrors.no_credentials(`Connection ${connection.id} holds no credentials.`);
  const tokens = JSON.parse(await deps.vault.open(connection.credentials, connection.id)) as GoogleTokens & MicrosoftTokens;
  if (connection.provider === 'google') {
    // Loaded on first use: the Google client is large, and only Google connections need it.
    const { createGoogleProvider } = await import('../providers/google/google.provider');
    return createGoogleProvider({
      config: googleConfig(deps),
      tokens,
      onTokens: (fresh) => storeTokens(deps, connection, fresh),
      retry: retryPolicy(deps),
    });
  }
  if (connection.provider === 'microsoft') {
    // Loaded on first use, like Google's: only Outlook connections need the Graph client.
    const { createMicrosoftProvider } = await import('../providers/microsoft/microsoft.provider');
    return createMicrosoftProvider({
      config: microsoftConfig(deps),
      tokens,
      onTokens: (fresh) => storeTokens(deps, connection, fresh),
      retry: retryPolicy(deps),
      now: deps.clock,
    });
  }
  throw connectionErrors.unsupported(`No provider client for ${connection.provider}.`);
}
