import { ProviderError } from '../calendar-provider';
import { parseRetryAfter } from '../retry';

/**
 * Microsoft identity platform v2: authorization-code flow with PKCE (S256) against
 * `${oauthRoot}/${tenant}/oauth2/v2.0/{authorize,token}`. Every refresh returns a new refresh
 * token, which replaces the old one (callers store it every time). Endpoints come from config
 * (MICROSOFT_OAUTH_ROOT), so tests and local demos point at a fake. Plain `fetch`: runs on Node
 * and Workers alike.
 */
export interface MicrosoftConfig {
  clientId: string;
  clientSecret: string;
  /** `common` (any work, school or personal account), `organizations`, `consumers`, or a tenant id/domain. */
  tenant: string;
  /** Graph root including the version, e.g. https://graph.microsoft.com/v1.0 */
  apiRoot: string;
  /** e.g. https://login.microsoftonline.com */
  oauthRoot: string;
  redirectUri: string;
  /** Adds Mail.Send when the workspace sends suggestions through Outlook. */
  sendMail?: boolean;
}

export interface MicrosoftTokens {
  access_token?: string | null;
  refresh_token?: string | null;
  /** When the access token expires, epoch ms. */
  expires_at?: number | null;
  scope?: string;
}

/** Least privilege: read/write events (focus blocks, rotated series), read the mailbox settings. */
export const microsoftScopes = (config: Pick<MicrosoftConfig, 'sendMail'>): string[] => [
  'offline_access',
  'Calendars.ReadWrite',
  'MailboxSettings.Read',
  // Mail.ReadBasic (no bodies) lets the at-most-once check find a message in Sent Items.
  ...(config.sendMail ? ['Mail.Send', 'Mail.ReadBasic'] : []),
];

/**
 * Identity beside the calendar scopes: the code exchange then answers an ID token naming the
 * account that granted access. `profile` is what brings `oid` (the account's stable id in its
 * tenant); `email` brings the address and, when the app registration asks for it, `xms_edov`.
 */
export const MICROSOFT_ACCOUNT_SCOPES = ['openid', 'email', 'profile'];

/** What a calendar connection asks for: identity, then the calendar (and mail) scopes. */
const connectScopes = (config: Pick<MicrosoftConfig, 'sendMail'>) => [...MICROSOFT_ACCOUNT_SCOPES, ...microsoftScopes(config)];

const endpoint = (config: MicrosoftConfig, name: 'authorize' | 'token') =>
  `${config.oauthRoot.replace(/\/$/, '')}/${encodeURIComponent(config.tenant)}/oauth2/v2.0/${name}`;

/**
 * The consent URL for a calendar connection: PKCE S256, the state and the ID token's `nonce`;
 * `loginHint` preselects the expected account (a hint only: the ID token is what is checked).
 */
export function microsoftAuthorizeUrl(config: MicrosoftConfig, state: string, codeChallenge: string, account: { nonce: string; loginHint?: string }): string {
  const url = new URL(endpoint(config, 'authorize'));
  url.search = new URLSearchParams({
    client_id: config.clientId,
    response_type: 'code',
    redirect_uri: config.redirectUri,
    response_mode: 'query',
    scope: connectScopes(config).join(' '),
    state,
    code_challenge: codeChallenge,
    code_challenge_method: 'S256',
    nonce: account.nonce,
    ...(account.loginHint ? { login_hint: account.loginHint } : {}),
  }).toString();
  return url.toString();
}

const retryAfter = (res: Response): number | undefined => parseRetryAfter(res.headers.get('retry-after'), Date.now());

/** One call to the token endpoint; failures become ProviderErrors (`invalid_grant` → auth). */
async function tokenRequest(config: MicrosoftConfig, params: Record<string, string>, now: () => number): Promise<{ tokens: MicrosoftTokens; idToken: string | null }> {
  let res: Response;
  try {
    res = await fetch(endpoint(config, 'token'), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams({ client_id: config.clientId, client_secret: config.clientSecret, ...params }).toString(),
    });
  } catch (error) {
    throw new ProviderError('microsoft', 'unavailable', `network error talking to the Microsoft token endpoint (${String(error)})`);
  }
  const body = (await res.json().catch(() => ({}))) as { error?: string; access_token?: string; refresh_token?: string; expires_in?: number; scope?: string; id_token?: unknown };
  if (!res.ok || !body.access_token) {
    const reason = body.error;
    if (reason === 'invalid_grant' || reason === 'interaction_required' || reason === 'invalid_client') {
      throw new ProviderError('microsoft', 'auth', 'the Microsoft grant was revoked or expired', undefined, reason);
    }
    if (res.status === 429) throw new ProviderError('microsoft', 'rate_limited', 'the token endpoint asked us to slow down', retryAfter(res), reason);
    if (res.status >= 500) throw new ProviderError('microsoft', 'unavailable', `the token endpoint answered ${res.status}`, retryAfter(res), reason);
    throw new ProviderError('microsoft', 'invalid', `the token endpoint refused the request (${res.status})`, undefined, reason);
  }
  return {
    tokens: {
      access_token: body.access_token,
      refresh_token: body.refresh_token ?? null,
      expires_at: now() + (body.expires_in ?? 3600) * 1000,
      ...(body.scope ? { scope: body.scope } : {}),
    },
    idToken: typeof body.id_token === 'string' ? body.id_token : null,
  };
}

/**
 * Exchanges the code (PKCE). The ID token comes back apart from the tokens kept for the calendar:
 * it is checked once and never stored.
 */
export function exchangeMicrosoftCode(
  config: MicrosoftConfig,
  code: string,
  codeVerifier: string,
  now: () => number = Date.now,
): Promise<{ tokens: MicrosoftTokens; idToken: string | null }> {
  return tokenRequest(
    config,
    { grant_type: 'authorization_code', code, code_verifier: codeVerifier, redirect_uri: config.redirectUri, scope: connectScopes(config).join(' ') },
    now,
  );
}

/** Scope strings joined without repeats, in first-seen order. */
const scopeUnion = (...sets: Array<string | undefined>): string =>
  [...new Set(sets.flatMap((set) => (set ?? '').split(/\s+/)).filter(Boolean))].join(' ');

/**
 * A fresh access token and the rotated refresh token that replaces `refreshToken`. The answer
 * covers only the scopes the refresh asks for, so it asks for the whole consented set
 * (`consented`, stored at connect) rather than what this caller needs: a calendar refresh must
 * not drop the mail scopes the mail transport relies on (and asking for a scope never consented
 * would fail). The stored set is the union of the consented and the answered scopes: it never
 * narrows; only a reconnect changes it.
 */
export async function refreshMicrosoftTokens(
  config: MicrosoftConfig,
  refreshToken: string,
  now: () => number = Date.now,
  consented?: string,
): Promise<MicrosoftTokens> {
  // offline_access keeps the refresh token coming even if the stored answer did not list it.
  const scope = consented ? scopeUnion('offline_access', consented) : microsoftScopes(config).join(' ');
  const { tokens } = await tokenRequest(config, { grant_type: 'refresh_token', refresh_token: refreshToken, scope }, now);
  return { ...tokens, scope: scopeUnion(consented, tokens.scope) };
}
