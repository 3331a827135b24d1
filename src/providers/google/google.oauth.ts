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

export function googleAuthorizeUrl(config: GoogleConfig, state: string, codeChallenge: string): string {
  return createGoogleOAuthClient(config).generateAuthUrl({
    access_type: 'offline',
    prompt: 'consent',
    include_granted_scopes: true,
    scope: googleScopes(config),
    state,
    code_challenge: codeChallenge,
    code_challenge_method: 'S256' as never,
  });
}

export async function exchangeGoogleCode(config: GoogleConfig, code: string, codeVerifier: string): Promise<GoogleTokens> {
  const { tokens } = await createGoogleOAuthClient(config).getToken({ code, codeVerifier, redirect_uri: config.redirectUri });
  return tokens;
}
