import { createGoogleIdentity } from './google.identity';
import { createMicrosoftIdentity } from './microsoft.identity';
import { notConfigured, type VendorIdentity } from './oidc';

/**
 * Sign-in with OpenID Connect: the consent URL, the code exchange and ID token verification for
 * Google and Microsoft, behind one small client. Build it once per process or isolate (the
 * vendors' signing keys are cached inside) from the configured apps; a vendor without an app
 * answers `signin.not_configured`. Every refusal is an `UnmeetError` (`signin.invalid_token`,
 * `signin.exchange_failed`, `signin.provider_unavailable`) with the reason in `details`.
 */

export type IdentityProvider = 'google' | 'microsoft';

export interface VerifiedIdentity {
  provider: IdentityProvider;
  /** Stable id of the person: Google `sub`; Microsoft `${tid}:${oid}` (Microsoft's `sub` is pairwise per app). */
  subject: string;
  /** Lower-cased. */
  email: string;
  /** Whether the vendor vouches for the address (Google: Gmail or Workspace and `email_verified`; Microsoft: `xms_edov`). */
  emailVerified: boolean;
  name: string | null;
  locale: string | null;
  /** Google `hd`: the Workspace domain of the account, null for consumer accounts. */
  hostedDomain: string | null;
  /** Microsoft `tid`. */
  tenantId: string | null;
}

export interface IdentityConfig {
  /** `oauthRoot` null = Google's real endpoints. */
  google?: { clientId: string; clientSecret: string; oauthRoot: string | null } | null;
  /** `oauthRoot` e.g. https://login.microsoftonline.com; `tenant` common, organizations, consumers, a tenant id or domain. */
  microsoft?: { clientId: string; clientSecret: string; tenant: string; oauthRoot: string } | null;
}

export interface IdentityClient {
  /** The consent URL for sign-in (scopes `openid email profile`, PKCE S256, state, nonce, optional login_hint). */
  authorizeUrl(provider: IdentityProvider, input: { state: string; nonce: string; codeChallenge: string; redirectUri: string; loginHint?: string }): string;
  /** Exchanges the code (PKCE) and verifies the ID token; throws UnmeetError on any failure. */
  complete(provider: IdentityProvider, input: { code: string; codeVerifier: string; redirectUri: string; nonce: string }, now: number): Promise<VerifiedIdentity>;
  /** Verifies an ID token already in hand (e.g. the one returned by a calendar-connect token exchange), nonce optional. */
  verifyIdToken(provider: IdentityProvider, idToken: string, options: { nonce?: string; now: number }): Promise<VerifiedIdentity>;
}

export function createIdentityClient(config: IdentityConfig, fetchImpl: typeof fetch = (input, init) => fetch(input, init)): IdentityClient {
  // Built eagerly so each vendor's key cache lives as long as the client.
  const vendors: Partial<Record<IdentityProvider, VendorIdentity>> = {
    ...(config.google ? { google: createGoogleIdentity(config.google, fetchImpl) } : {}),
    ...(config.microsoft ? { microsoft: createMicrosoftIdentity(config.microsoft, fetchImpl) } : {}),
  };
  const vendor = (provider: IdentityProvider): VendorIdentity => {
    const found = vendors[provider];
    if (!found) throw notConfigured(provider);
    return found;
  };

  return {
    authorizeUrl: (provider, input) => vendor(provider).authorizeUrl(input),
    async complete(provider, input, now) {
      const identity = vendor(provider);
      const idToken = await identity.exchange(input);
      return identity.verify(idToken, { nonce: input.nonce, now });
    },
    async verifyIdToken(provider, idToken, options) {
      return vendor(provider).verify(idToken, options);
    },
  };
}
