/**
 * The OpenID Connect side of the Google fake, as Google documents it
 * (developers.google.com/identity/openid-connect/openid-connect and /reference): the discovery
 * document and the claims of an ID token. Pure: the server signs and serves them.
 */
import { accessTokenHash } from '../local-server';

/** The Google account that consents on the fake's consent screen. */
export interface FakeGoogleAccount {
  sub: string;
  email: string;
  emailVerified: boolean;
  /** The Workspace domain; absent for consumer (Gmail) accounts. */
  hd?: string;
  name?: string;
  locale?: string;
}

const has = (scopes: Set<string>, name: 'email' | 'profile') => scopes.has(name) || scopes.has(`https://www.googleapis.com/auth/userinfo.${name}`);

/**
 * An ID token's claims: iss, azp, aud, sub, iat, exp always; `email` and `email_verified` with
 * the email scope; `hd` for Workspace accounts; `name` and `locale` with the profile scope;
 * `nonce` when the consent carried one; `at_hash` when an access token comes with it.
 */
export function googleIdTokenClaims(input: {
  account: FakeGoogleAccount;
  scope: string;
  issuer: string;
  clientId: string;
  nonce: string | null;
  accessToken: string | null;
  now: number;
  lifetimeSeconds: number;
}): Record<string, unknown> {
  const { account } = input;
  const scopes = new Set(input.scope.split(' '));
  const iat = Math.floor(input.now / 1000);
  return {
    iss: input.issuer,
    azp: input.clientId,
    aud: input.clientId,
    sub: account.sub,
    ...(has(scopes, 'email') ? { email: account.email, email_verified: account.emailVerified } : {}),
    ...(account.hd ? { hd: account.hd } : {}),
    ...(input.accessToken ? { at_hash: accessTokenHash(input.accessToken) } : {}),
    ...(has(scopes, 'profile') && account.name ? { name: account.name } : {}),
    ...(has(scopes, 'profile') && account.locale ? { locale: account.locale } : {}),
    ...(input.nonce ? { nonce: input.nonce } : {}),
    iat,
    exp: iat + input.lifetimeSeconds,
  };
}

/** Google's discovery document with the fake's own endpoint URLs (the issuer stays Google's). */
export function googleDiscovery(url: string) {
  return {
    issuer: 'https://accounts.google.com',
    authorization_endpoint: `${url}/o/oauth2/v2/auth`,
    token_endpoint: `${url}/token`,
    revocation_endpoint: `${url}/revoke`,
    jwks_uri: `${url}/oauth2/v3/certs`,
    response_types_supported: ['code', 'token', 'id_token', 'code token', 'code id_token', 'token id_token', 'code token id_token', 'none'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['RS256'],
    scopes_supported: ['openid', 'email', 'profile'],
    token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic'],
    claims_supported: ['aud', 'email', 'email_verified', 'exp', 'family_name', 'given_name', 'iat', 'iss', 'name', 'picture', 'sub'],
    code_challenge_methods_supported: ['plain', 'S256'],
    grant_types_supported: ['authorization_code', 'refresh_token'],
  };
}
