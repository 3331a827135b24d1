import type { JWTPayload } from 'jose';
import type { IdentityConfig, VerifiedIdentity } from './identity-client';
import {
  SIGN_IN_SCOPES,
  createKeySet,
  exchangeCode,
  invalidToken,
  notConfigured,
  stringClaim,
  trimRoot,
  unavailable,
  verifySignedToken,
  type AuthorizeInput,
  type CompleteInput,
  type VendorIdentity,
  authorizeUrl,
  exchangeParams,
} from './oidc';

/**
 * Sign-in with the Microsoft identity platform v2.0 (learn.microsoft.com/entra/identity-platform:
 * v2-protocols-oidc, id-token-claims-reference, optional-claims-reference). A multi-tenant app
 * cannot know the issuer in advance, so the issuer is checked against the tenant the token names
 * itself (`iss` = `${oauthRoot}/${tid}/v2.0`), after the signature, and only then is the tenant
 * matched against the configured authority. The person is `tid:oid` (`oid` is stable across apps
 * within a tenant; `sub` is pairwise per app). Microsoft does not verify mailboxes: an address is
 * trusted only when the optional claim `xms_edov` says its domain's owner was verified.
 */

/** The tenant of personal Microsoft accounts (Outlook.com, Hotmail, Xbox). */
export const CONSUMER_TENANT_ID = '9188040d-6c67-4c5b-b112-36a304b66dad';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type MicrosoftIdentityConfig = NonNullable<IdentityConfig['microsoft']>;

export function microsoftEndpoints(config: Pick<MicrosoftIdentityConfig, 'oauthRoot' | 'tenant'>) {
  const authority = `${trimRoot(config.oauthRoot)}/${encodeURIComponent(config.tenant)}`;
  return {
    authorize: `${authority}/oauth2/v2.0/authorize`,
    token: `${authority}/oauth2/v2.0/token`,
    keys: `${authority}/discovery/v2.0/keys`,
    configuration: `${authority}/v2.0/.well-known/openid-configuration`,
  };
}

/** Microsoft sends `xms_edov` as a boolean, and sometimes as the string "true" or the number 1. */
const isTrue = (value: unknown) => value === true || value === 1 || value === 'true' || value === '1';

export function createMicrosoftIdentity(config: MicrosoftIdentityConfig, fetchImpl: typeof fetch): VendorIdentity {
  const endpoints = microsoftEndpoints(config);
  const keys = createKeySet(endpoints.keys, fetchImpl);
  const root = trimRoot(config.oauthRoot);
  const tenant = config.tenant.toLowerCase();
  let domainIssuer: Promise<string> | null = null;

  /** A tenant given by domain name: its GUID is only known from its discovery document (fetched once). */
  const issuerOfDomainTenant = () =>
    (domainIssuer ??= fetchIssuer(endpoints.configuration, fetchImpl).catch((error: unknown) => {
      domainIssuer = null; // a failure is retried on the next sign-in, not remembered
      throw error;
    }));

  async function tenantAllowed(tid: string, iss: string): Promise<boolean> {
    if (tenant === 'common') return true;
    if (tenant === 'organizations') return tid !== CONSUMER_TENANT_ID;
    if (tenant === 'consumers') return tid === CONSUMER_TENANT_ID;
    if (GUID.test(tenant)) return tid === tenant;
    return iss === (await issuerOfDomainTenant());
  }

  return {
    authorizeUrl: (input: AuthorizeInput) => authorizeUrl(endpoints.authorize, config.clientId, input, { response_mode: 'query' }),

    exchange: (input: CompleteInput) => exchangeCode('microsoft', fetchImpl, endpoints.token, { ...exchangeParams(config, input), scope: SIGN_IN_SCOPES }),

    async verify(idToken, options): Promise<VerifiedIdentity> {
      const payload = await verifySignedToken('microsoft', idToken, keys, { audience: config.clientId, ...options });
      const tid = stringClaim(payload, 'tid')?.toLowerCase();
      const oid = stringClaim(payload, 'oid')?.toLowerCase();
      if (!tid) throw invalidToken('microsoft', 'missing_claim', { claim: 'tid' });
      if (!oid) throw invalidToken('microsoft', 'missing_claim', { claim: 'oid' });
      if (payload.iss !== `${root}/${tid}/v2.0`) throw invalidToken('microsoft', 'issuer');
      if (!(await tenantAllowed(tid, payload.iss))) throw invalidToken('microsoft', 'tenant');
      return { provider: 'microsoft', subject: `${tid}:${oid}`, ...emailOf(payload), name: stringClaim(payload, 'name'), locale: localeOf(payload), hostedDomain: null, tenantId: tid };
    },
  };
}

/**
 * The address: the `email` claim, verified only with `xms_edov`; failing that `preferred_username`
 * when it looks like an address (it may be a phone number or a bare name), never verified.
 */
function emailOf(payload: JWTPayload): { email: string; emailVerified: boolean } {
  const email = stringClaim(payload, 'email');
  if (email) return { email: email.toLowerCase(), emailVerified: isTrue(payload.xms_edov) };
  const username = stringClaim(payload, 'preferred_username');
  if (username && /^[^\s@]+@[^\s@]+$/.test(username)) return { email: username.toLowerCase(), emailVerified: false };
  throw invalidToken('microsoft', 'no_email');
}

/** `xms_pl` (the optional claim "user preferred language", e.g. en-us), or a plain `locale`. */
const localeOf = (payload: JWTPayload) => stringClaim(payload, 'xms_pl') ?? stringClaim(payload, 'locale');

async function fetchIssuer(url: string, fetchImpl: typeof fetch): Promise<string> {
  let res: Response;
  try {
    res = await fetchImpl(url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(10_000) });
  } catch {
    throw unavailable('microsoft', 'tenant discovery');
  }
  if (res.status >= 400 && res.status < 500 && res.status !== 429) throw notConfigured('microsoft', 'the configured tenant is unknown to Microsoft');
  const body = (await res.json().catch(() => null)) as { issuer?: unknown } | null;
  if (!res.ok || typeof body?.issuer !== 'string') throw unavailable('microsoft', 'tenant discovery');
  return body.issuer;
}
