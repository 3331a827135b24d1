import { createRemoteJWKSet, customFetch, jwtVerify, type FetchImplementation, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { UnmeetError } from '../../domain/errors';
import { signinErrors } from '../../domain/error-codes/signin';
import type { IdentityProvider, VerifiedIdentity } from './identity-client';

/**
 * What OpenID Connect sign-in shares between Google and Microsoft: the token request (plain
 * `fetch`, so it runs on Node and Workers alike), PKCE, the cached JWKS key sets, and ID token
 * verification with jose under one fixed policy (RS256 only, audience = our client id, the
 * service's injected clock, 60 s of skew). Every failure becomes an `UnmeetError` whose message
 * never carries a token: `signin.invalid_token`, `signin.exchange_failed`,
 * `signin.not_configured`, or `signin.provider_unavailable` when the vendor could not be reached
 * (retrying may help, unlike the others).
 */

/** Sign-in asks for identity only: no calendar or mail access, and no refresh token. */
export const SIGN_IN_SCOPES = 'openid email profile';

/** Skew allowed between our clock and the vendor's for `exp` and `nbf`, in seconds. */
export const CLOCK_TOLERANCE_SECONDS = 60;

/** What a consent URL is built from (the caller keeps state, nonce and the PKCE verifier). */
export interface AuthorizeInput {
  state: string;
  nonce: string;
  codeChallenge: string;
  redirectUri: string;
  loginHint?: string;
}

export interface CompleteInput {
  code: string;
  codeVerifier: string;
  redirectUri: string;
  nonce: string;
}

/** One vendor's side of sign-in; `createIdentityClient` dispatches to these. */
export interface VendorIdentity {
  authorizeUrl(input: AuthorizeInput): string;
  /** Exchanges the code (PKCE) at the token endpoint and returns the ID token it answered. */
  exchange(input: CompleteInput): Promise<string>;
  verify(idToken: string, options: { nonce?: string; now: number }): Promise<VerifiedIdentity>;
}

const vendorName: Record<IdentityProvider, string> = { google: 'Google', microsoft: 'Microsoft' };

/** Why a token was refused; kept in `details.reason` for logs and tests, never shown with the token. */
export type InvalidTokenReason =
  | 'malformed'
  | 'algorithm'
  | 'signature'
  | 'unknown_key'
  | 'expired'
  | 'not_yet_valid'
  | 'audience'
  | 'issuer'
  | 'tenant'
  | 'nonce'
  | 'missing_claim'
  | 'no_email';

export function invalidToken(provider: IdentityProvider, reason: InvalidTokenReason, extra: Record<string, unknown> = {}): UnmeetError {
  const name = vendorName[provider];
  const message =
    reason === 'expired'
      ? `The ${name} sign-in has expired. Please sign in again.`
      : reason === 'tenant'
        ? `This ${name} account's organisation is not allowed to sign in here.`
        : reason === 'no_email'
          ? `The ${name} account did not share an email address, which sign-in needs.`
          : `The ${name} sign-in could not be verified. Please sign in again.`;
  return signinErrors.invalid_token(message, { provider, reason, ...extra });
}

export const notConfigured = (provider: IdentityProvider, what = 'app') =>
  signinErrors.not_configured(`Sign-in with ${vendorName[provider]} is not configured on this server (${what}).`, { provider });

export const unavailable = (provider: IdentityProvider, what: string) =>
  signinErrors.provider_unavailable(`${vendorName[provider]} could not be reached to complete the sign-in. Please try again in a moment.`, { provider, what });

const base64Url = (bytes: ArrayBuffer | Uint8Array) => {
  let binary = '';
  for (const byte of new Uint8Array(bytes)) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
};

/** A random URL-safe value for `state` and `nonce` (32 bytes of entropy). */
export const randomToken = (): string => base64Url(crypto.getRandomValues(new Uint8Array(32)));

/** A PKCE pair (RFC 7636, S256): the verifier stays with us, the challenge goes in the consent URL. */
export async function createPkcePair(): Promise<{ verifier: string; challenge: string }> {
  const verifier = randomToken();
  const challenge = base64Url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
  return { verifier, challenge };
}

/**
 * The sign-in consent URL both vendors share: the code flow with PKCE (S256), state, nonce and
 * an optional login hint; `extra` adds what one vendor needs (Microsoft's `response_mode`).
 */
export function authorizeUrl(endpoint: string, clientId: string, input: AuthorizeInput, extra: Record<string, string> = {}): string {
  const url = new URL(endpoint);
  url.search = new URLSearchParams({
    client_id: clientId,
    response_type: 'code',
    redirect_uri: input.redirectUri,
    ...extra,
    scope: SIGN_IN_SCOPES,
    state: input.state,
    nonce: input.nonce,
    code_challenge: input.codeChallenge,
    code_challenge_method: 'S256',
    ...(input.loginHint ? { login_hint: input.loginHint } : {}),
  }).toString();
  return url.toString();
}

/** The code exchange's parameters both vendors share (the client authenticates with its secret). */
export const exchangeParams = (client: { clientId: string; clientSecret: string }, input: CompleteInput) => ({
  code: input.code,
  code_verifier: input.codeVerifier,
  redirect_uri: input.redirectUri,
  client_id: client.clientId,
  client_secret: client.clientSecret,
});

/**
 * The authorization-code request (client secret in the body, as both vendors accept). A refusal
 * (4xx: a used, expired or foreign code, a wrong verifier) is `signin.exchange_failed`; no answer,
 * 429 or 5xx is `signin.provider_unavailable`. Only the vendor's `error` code is kept.
 */
export async function exchangeCode(
  provider: IdentityProvider,
  fetchImpl: typeof fetch,
  tokenUrl: string,
  params: Record<string, string>,
): Promise<string> {
  let res: Response;
  try {
    res = await fetchImpl(tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams({ grant_type: 'authorization_code', ...params }).toString(),
      signal: AbortSignal.timeout(10_000),
    });
  } catch {
    throw unavailable(provider, 'token endpoint');
  }
  const body = (await res.json().catch(() => ({}))) as { error?: unknown; id_token?: unknown };
  if (res.status === 429 || res.status >= 500) throw unavailable(provider, 'token endpoint');
  const vendorError = typeof body.error === 'string' ? body.error : undefined;
  if (!res.ok) {
    throw signinErrors.exchange_failed(`${vendorName[provider]} refused the sign-in code. Please sign in again.`, { provider, status: res.status, vendorError });
  }
  if (typeof body.id_token !== 'string') {
    throw signinErrors.exchange_failed(`${vendorName[provider]} answered without an ID token. Please sign in again.`, { provider, status: res.status });
  }
  return body.id_token;
}

/** Marks a JWKS fetch that failed, so it is told apart from a token that failed verification. */
class KeysUnavailable extends Error {}

/**
 * A vendor's signing keys, fetched on first use and cached by jose (10 minutes; a token with an
 * unknown `kid` refetches at most every 30 s, which is how key rotation is picked up). Create
 * one per process or isolate and keep it: the cache lives inside.
 */
export function createKeySet(url: string, fetchImpl: typeof fetch): JWTVerifyGetKey {
  const fetchKeys: FetchImplementation = async (href, init) => {
    let res: Response;
    try {
      res = await fetchImpl(href, init);
    } catch {
      throw new KeysUnavailable('no answer');
    }
    if (res.status !== 200) throw new KeysUnavailable(`status ${res.status}`);
    return res;
  };
  return createRemoteJWKSet(new URL(url), { [customFetch]: fetchKeys });
}

/** jose's error codes → our reasons; fetch problems with the key set are not the token's fault. */
function refusal(provider: IdentityProvider, error: unknown): UnmeetError {
  if (error instanceof KeysUnavailable) return unavailable(provider, 'signing keys');
  const { code, claim } = (error ?? {}) as { code?: unknown; claim?: unknown };
  switch (code) {
    case 'ERR_JWKS_TIMEOUT':
    case 'ERR_JWKS_INVALID':
    case 'ERR_JOSE_GENERIC':
      return unavailable(provider, 'signing keys');
    case 'ERR_JWT_EXPIRED':
      return invalidToken(provider, 'expired');
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
      return invalidToken(provider, 'algorithm');
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
      return invalidToken(provider, 'signature');
    case 'ERR_JWKS_NO_MATCHING_KEY':
    case 'ERR_JWKS_MULTIPLE_MATCHING_KEYS':
      return invalidToken(provider, 'unknown_key');
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED':
      if (claim === 'aud') return invalidToken(provider, 'audience');
      if (claim === 'iss') return invalidToken(provider, 'issuer');
      if (claim === 'nbf') return invalidToken(provider, 'not_yet_valid');
      return invalidToken(provider, 'missing_claim', { claim });
    default:
      return invalidToken(provider, 'malformed');
  }
}

/**
 * Verifies signature, algorithm, audience, `exp`/`nbf` (with skew) and, when given, the issuer
 * and the nonce; returns the claims. `exp`, `iat` and `sub` are required because jose only checks
 * `exp` when it is present. Vendor-specific rules (issuer by tenant, email trust) are the
 * caller's.
 */
export async function verifySignedToken(
  provider: IdentityProvider,
  idToken: string,
  keys: JWTVerifyGetKey,
  options: { audience: string; issuer?: string[]; nonce?: string; now: number },
): Promise<JWTPayload> {
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(idToken, keys, {
      algorithms: ['RS256'],
      audience: options.audience,
      ...(options.issuer ? { issuer: options.issuer } : {}),
      currentDate: new Date(options.now),
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
      requiredClaims: ['exp', 'iat', 'sub'],
    }));
  } catch (error) {
    throw refusal(provider, error);
  }
  // The nonce ties the token to the browser session that started this sign-in (replay defence).
  if (options.nonce !== undefined && payload.nonce !== options.nonce) throw invalidToken(provider, 'nonce');
  return payload;
}

export const stringClaim = (payload: JWTPayload, name: string): string | null => {
  const value = payload[name];
  return typeof value === 'string' && value.length > 0 ? value : null;
};

/** Trims a root URL so endpoint paths can be appended to it. */
export const trimRoot = (root: string) => root.replace(/\/+$/, '');
