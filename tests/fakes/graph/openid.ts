/**
 * The OpenID Connect side of the Microsoft identity platform fake, as Microsoft documents it
 * (learn.microsoft.com/entra/identity-platform: v2-protocols-oidc, id-token-claims-reference,
 * optional-claims-reference): the tenant-scoped discovery document and the claims of a v2.0 ID
 * token. Pure: the server signs and serves them.
 */
import { createHash, randomBytes } from 'node:crypto';

/** The tenant of personal Microsoft accounts. */
export const CONSUMER_TENANT_ID = '9188040d-6c67-4c5b-b112-36a304b66dad';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The Microsoft account that consents on the fake's sign-in page. */
export interface FakeMicrosoftAccount {
  /** The user's object id in `tid` (stable across apps). */
  oid: string;
  /** The tenant the user signs in to (`CONSUMER_TENANT_ID` for a personal account). */
  tid: string;
  /** The `email` claim (sent with the email scope); absent when the account has none. */
  email?: string;
  /** Defaults to `email`; may be a phone number or a bare name. */
  preferredUsername?: string;
  /** The optional claim `xms_edov`, sent as given (Microsoft sends booleans, sometimes "true" or 1); absent when unset. */
  xmsEdov?: boolean | string | number;
  name?: string;
  /** Sent as the optional claim `xms_pl` (user preferred language, e.g. en-us). */
  locale?: string;
}

/**
 * The issuer's tenant in a discovery document: `{tenantid}` (a placeholder, as Microsoft
 * publishes it) for the multi-tenant authorities, the consumer tenant for `consumers`, the id
 * itself, or the id behind a known domain; null for an unknown tenant.
 */
export function issuerTenant(tenant: string, domains: Map<string, string>): string | null {
  const t = tenant.toLowerCase();
  if (t === 'common' || t === 'organizations') return '{tenantid}';
  if (t === 'consumers') return CONSUMER_TENANT_ID;
  if (GUID.test(t)) return t;
  return domains.get(t) ?? null;
}

export function microsoftDiscovery(url: string, tenant: string, issuerTid: string) {
  return {
    token_endpoint: `${url}/${tenant}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
    jwks_uri: `${url}/${tenant}/discovery/v2.0/keys`,
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    issuer: `${url}/${issuerTid}/v2.0`,
    request_uri_parameter_supported: false,
    authorization_endpoint: `${url}/${tenant}/oauth2/v2.0/authorize`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${url}/${tenant}/oauth2/v2.0/logout`,
    claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'auth_time', 'acr', 'nonce', 'preferred_username', 'name', 'tid', 'ver', 'at_hash', 'c_hash', 'email'],
    tenant_region_scope: issuerTid === CONSUMER_TENANT_ID ? null : 'EU',
    cloud_instance_name: 'microsoftonline.com',
  };
}

/**
 * A v2.0 ID token's claims: ver, iss (`${root}/${tid}/v2.0`), sub (pairwise: per app), aud,
 * iat, nbf, exp, tid always; `oid`, `name` and `preferred_username` with the profile scope;
 * `email` with the email scope, and `xms_edov` only beside it; `xms_pl` when the account has a
 * language; `nonce` when the sign-in carried one.
 */
export function microsoftIdTokenClaims(input: {
  account: FakeMicrosoftAccount;
  scope: string;
  root: string;
  clientId: string;
  nonce: string | null;
  now: number;
  lifetimeSeconds: number;
}): Record<string, unknown> {
  const { account } = input;
  const scopes = new Set(input.scope.split(' '));
  const iat = Math.floor(input.now / 1000);
  const email = scopes.has('email') && account.email ? account.email : undefined;
  return {
    ver: '2.0',
    iss: `${input.root}/${account.tid}/v2.0`,
    sub: createHash('sha256').update(`${account.tid}:${account.oid}:${input.clientId}`).digest('base64url').slice(0, 43),
    aud: input.clientId,
    exp: iat + input.lifetimeSeconds,
    iat,
    nbf: iat,
    ...(scopes.has('profile') ? { name: account.name, preferred_username: account.preferredUsername ?? account.email, oid: account.oid } : {}),
    tid: account.tid,
    ...(input.nonce ? { nonce: input.nonce } : {}),
    ...(email ? { email, ...(account.xmsEdov !== undefined ? { xms_edov: account.xmsEdov } : {}) } : {}),
    ...(account.locale ? { xms_pl: account.locale } : {}),
    aio: randomBytes(24).toString('base64url'),
    rh: `0.${randomBytes(24).toString('base64url')}.`,
    uti: randomBytes(16).toString('base64url'),
  };
}
