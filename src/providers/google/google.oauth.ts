import { auth } from '@googleapis/calendar';

/**
 * Google OAuth 2.0 web-server flow with PKCE, through Google's own OAuth2 client. Endpoints are
 * configurable so tests and local demos point at a fake (GOOGLE_OAUTH_ROOT).
 */
export interface GoogleConfig {
  clientId: string;
  clientSecret: string;
  /** Calendar API root, e.g. https://www.googleapis.com */
  apiRoot: string;
  /** OAuth root: `${root}/o/oauth2/v2/auth`, `${root}/token`, `${root}/revoke`. */
  oauthRoot: string | null;
  redirectUri: string;
  /** Adds gmail.send when the workspace sends suggestions through Gmail. */
  sendMail?: boolean;
}

export interface GoogleTokens {
  access_token?: string | null;
  refresh_token?: string | null;
  expiry_date?: number | null;
  scope?: string;
}

/** Least privilege: write only events (focus blocks, rotated series); read free/busy. */
export const googleScopes = (config: Pick<GoogleConfig, 'sendMail'>): string[] => [
  'https://www.googleapis.com/auth/calendar.events',
  'https://www.googleapis.com/auth/calendar.readonly',
  ...(config.sendMail ? ['https://www.googleapis.com/auth/gmail.send'] : []),
];

export function createGoogleOAuthClient(config: GoogleConfig) {
  const root = config.oauthRoot?.replace(/\/$/, '');
  return new auth.OAuth2({
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    redirectUri: config.redirectUri,
    ...(root
      ? { endpoints: { oauth2AuthBaseUrl: `${root}/o/oauth2/v2/auth`, oauth2TokenUrl: `${root}/token`, oauth2RevokeUrl: `${root}/revoke` } }
      : {}),
  });
}

/**
 * An OAuth client holding a connection's tokens that hands every refreshed set to `onTokens`.
 * Google does not rotate refresh tokens, so a refresh that omits one keeps ours. Callers await
 * `saved()` after each call, so a refreshed token is stored before the call's answer is used.
 */
export function googleTokenClient(config: GoogleConfig, tokens: GoogleTokens, onTokens: (tokens: GoogleTokens) => Promise<void>) {
  const client = createGoogleOAuthClient(config);
  client.setCredentials(tokens);
  let current: GoogleTokens = { ...tokens };
  const saving: Array<Promise<void>> = [];
  client.on('tokens', (fresh) => {
    current = { ...current, ...fresh, refresh_token: fresh.refresh_token ?? current.refresh_token ?? null };
    saving.push(onTokens(current));
  });
  return {
    client,
    /** The tokens as they stand now (after any refresh). */
    current: () => current,
    saved: async () => {
      await Promise.all(saving.splice(0));
    },
  };
}

/**
 * Identity only, beside the calendar scopes: the code exchange then answers an ID token naming
 * the account that granted access (`sub`, `email`, `email_verified`), which the connect flow
 * checks against the member. No `profile`: the name and picture are not needed.
 */
export const GOOGLE_ACCOUNT_SCOPES = ['openid', 'email'];

/**
 * The consent URL for a calendar connection: offline access (a refresh token), PKCE S256, the
 * state, and the ID token's `nonce`; `loginHint` preselects the expected account in Google's
 * account chooser (a hint only: the ID token is what is checked).
 */
export function googleAuthorizeUrl(config: GoogleConfig, state: string, codeChallenge: string, account: { nonce: string; loginHint?: string }): string {
  return createGoogleOAuthClient(config).generateAuthUrl({
    access_type: 'offline',
    prompt: 'consent',
    include_granted_scopes: true,
    scope: [...GOOGLE_ACCOUNT_SCOPES, ...googleScopes(config)],
    state,
    code_challenge: codeChallenge,
    code_challenge_method: 'S256' as never,
    nonce: account.nonce,
    ...(account.loginHint ? { login_hint: account.loginHint } : {}),
  });
}

/**
 * Exchanges the code (PKCE). The ID token comes back apart from the tokens kept for the calendar:
 * it is checked once and never stored.
 */
export async function exchangeGoogleCode(config: GoogleConfig, code: string, codeVerifier: string): Promise<{ tokens: GoogleTokens; idToken: string | null }> {
  const { tokens } = await createGoogleOAuthClient(config).getToken({ code, codeVerifier, redirect_uri: config.redirectUri });
  const { id_token: idToken, ...kept } = tokens;
  return { tokens: kept, idToken: idToken ?? null };
}

/**
 * Revokes a grant just issued (the refresh token, else the access token), best effort: used when
 * the granting account is refused, so the tokens we will not keep stop working at Google too.
 * Returns whether Google confirmed the revocation.
 */
export async function revokeGoogleGrant(config: GoogleConfig, tokens: GoogleTokens): Promise<boolean> {
  const token = tokens.refresh_token ?? tokens.access_token;
  if (!token) return false;
  try {
    await createGoogleOAuthClient(config).revokeToken(token);
    return true;
  } catch {
    return false;
  }
}
