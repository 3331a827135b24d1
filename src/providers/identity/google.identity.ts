import type { IdentityConfig, VerifiedIdentity } from './identity-client';
import {
  createKeySet,
  exchangeCode,
  invalidToken,
  stringClaim,
  trimRoot,
  verifySignedToken,
  type AuthorizeInput,
  type CompleteInput,
  type VendorIdentity,
  authorizeUrl,
  exchangeParams,
} from './oidc';

/**
 * Sign-in with Google (developers.google.com/identity/openid-connect/openid-connect and
 * identity/sign-in/web/backend-auth). A token counts only when Google signed it (keys from the
 * JWKS endpoint), `aud` is our client id and `iss` is `https://accounts.google.com` or its legacy
 * form `accounts.google.com` — the issuer stays Google's even when `oauthRoot` points the
 * endpoints at a fake. Google is authoritative for the address only for Gmail addresses and for
 * Workspace accounts (`hd` present), and then only when `email_verified` is true; anything else
 * is an unconfirmed address.
 */

export const GOOGLE_ISSUERS = ['https://accounts.google.com', 'accounts.google.com'];

type GoogleIdentityConfig = NonNullable<IdentityConfig['google']>;

/** Google's endpoints, or the same paths under `oauthRoot` (tests and local demos). */
export function googleEndpoints(config: Pick<GoogleIdentityConfig, 'oauthRoot'>) {
  const root = config.oauthRoot ? trimRoot(config.oauthRoot) : null;
  return root
    ? { authorize: `${root}/o/oauth2/v2/auth`, token: `${root}/token`, keys: `${root}/oauth2/v3/certs` }
    : {
        authorize: 'https://accounts.google.com/o/oauth2/v2/auth',
        token: 'https://oauth2.googleapis.com/token',
        keys: 'https://www.googleapis.com/oauth2/v3/certs',
      };
}

export function createGoogleIdentity(config: GoogleIdentityConfig, fetchImpl: typeof fetch): VendorIdentity {
  const endpoints = googleEndpoints(config);
  const keys = createKeySet(endpoints.keys, fetchImpl);

  return {
    authorizeUrl: (input: AuthorizeInput) => authorizeUrl(endpoints.authorize, config.clientId, input),

    exchange: (input: CompleteInput) => exchangeCode('google', fetchImpl, endpoints.token, exchangeParams(config, input)),

    async verify(idToken, options): Promise<VerifiedIdentity> {
      const payload = await verifySignedToken('google', idToken, keys, { audience: config.clientId, issuer: GOOGLE_ISSUERS, ...options });
      const email = stringClaim(payload, 'email')?.toLowerCase();
      if (!email) throw invalidToken('google', 'no_email');
      const hostedDomain = stringClaim(payload, 'hd');
      return {
        provider: 'google',
        subject: payload.sub!,
        email,
        emailVerified: payload.email_verified === true && (email.endsWith('@gmail.com') || hostedDomain !== null),
        name: stringClaim(payload, 'name'),
        locale: stringClaim(payload, 'locale'),
        hostedDomain,
        tenantId: null,
      };
    },
  };
}
