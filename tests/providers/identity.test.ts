import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { UnmeetError } from '../../src/domain/errors';
import { createIdentityClient, type IdentityClient, type IdentityProvider } from '../../src/providers/identity/identity-client';
import { createPkcePair, randomToken } from '../../src/providers/identity/oidc';
import { startFakeGoogle, type FakeGoogle } from '../fakes/google/server';
import { CONSUMER_TENANT_ID, startFakeGraph, type FakeGraph } from '../fakes/graph/server';
import type { IdTokenFault } from '../fakes/local-server';

/**
 * OpenID Connect sign-in: the real identity client against the Google and Microsoft fakes over
 * HTTP on 127.0.0.1, driven as a browser would (the consent URL, the redirect with the code),
 * on the app's fixed clock.
 */

const NOW = Date.parse('2026-11-28T12:00:00Z');
const REDIRECT = 'http://127.0.0.1/signin/callback';
const OTHER_TENANT = '0f0f0f0f-1111-4222-8333-444455556666';

/** Every way an ID token can be bent, and the reason the client must give for refusing it. */
const tokenFaults: Array<[IdTokenFault['kind'], string]> = [
  ['audience', 'audience'],
  ['issuer', 'issuer'],
  ['expired', 'expired'],
  ['notYetValid', 'not_yet_valid'],
  ['foreignKey', 'unknown_key'],
  ['tampered', 'signature'],
  ['algorithm', 'algorithm'],
  ['nonce', 'nonce'],
  ['noNonce', 'nonce'],
  ['malformed', 'malformed'],
];

/** The browser's part: open the consent URL, take the code from the redirect, hand it to `complete`. */
async function signIn(client: IdentityClient, provider: IdentityProvider, options: { loginHint?: string; wrongVerifier?: boolean } = {}) {
  const pkce = await createPkcePair();
  const state = randomToken();
  const nonce = randomToken();
  const url = client.authorizeUrl(provider, { state, nonce, codeChallenge: pkce.challenge, redirectUri: REDIRECT, ...(options.loginHint ? { loginHint: options.loginHint } : {}) });
  const consent = await fetch(url, { redirect: 'manual' });
  expect(consent.status).toBe(302);
  const back = new URL(consent.headers.get('location')!);
  expect(back.origin + back.pathname).toBe(REDIRECT);
  expect(back.searchParams.get('state')).toBe(state);
  const code = back.searchParams.get('code')!;
  const codeVerifier = options.wrongVerifier ? (await createPkcePair()).verifier : pkce.verifier;
  /** The server's part, which a test may repeat (a replayed code). */
  return { complete: () => client.complete(provider, { code, codeVerifier, redirectUri: REDIRECT, nonce }, NOW) };
}

const complete = async (client: IdentityClient, provider: IdentityProvider, options: { loginHint?: string; wrongVerifier?: boolean } = {}) =>
  (await signIn(client, provider, options)).complete();

const refused = (code: string, reason?: string) => ({ name: 'UnmeetError', code, ...(reason ? { details: expect.objectContaining({ reason }) } : {}) });

describe('sign-in with Google', () => {
  let fake: FakeGoogle;
  let client: IdentityClient;
  const googleClient = (overrides: { clientSecret?: string } = {}) =>
    createIdentityClient({ google: { clientId: fake.clientId, clientSecret: overrides.clientSecret ?? fake.clientSecret, oauthRoot: fake.url } });

  beforeAll(async () => {
    fake = await startFakeGoogle();
  });
  afterAll(() => fake.stop());
  beforeEach(() => {
    fake.now = () => NOW;
    fake.account = { sub: '104726013921180245675', email: 'Alice@Example.com', emailVerified: true, hd: 'example.com', name: 'Alice Example', locale: 'en' };
    fake.accounts.clear();
    fake.idTokenFault = null;
    fake.idTokenIssuer = 'https://accounts.google.com';
    fake.requests.length = 0;
    client = googleClient();
  });

  it('when a Workspace account signs in, then the identity is its sub, lower-cased verified email, hd, name and locale', async () => {
    expect(await complete(client, 'google')).toEqual({
      provider: 'google',
      subject: '104726013921180245675',
      email: 'alice@example.com',
      emailVerified: true,
      name: 'Alice Example',
      locale: 'en',
      hostedDomain: 'example.com',
      tenantId: null,
    });
  });

  it('when the consent URL is opened, then it asks for openid email profile with PKCE S256, state, nonce and the login hint, and no offline access', async () => {
    await complete(client, 'google', { loginHint: 'alice@example.com' });
    const authorize = fake.requests.find((r) => r.path === '/o/oauth2/v2/auth')!;
    expect(authorize.query).toMatchObject({ scope: 'openid email profile', response_type: 'code', code_challenge_method: 'S256', login_hint: 'alice@example.com', redirect_uri: REDIRECT });
    expect(authorize.query.nonce).toMatch(/^[\w-]{43}$/);
    expect(authorize.query.access_type).toBeUndefined();
  });

  it('when Google is not pointed at a fake, then the consent URL is Google’s own', () => {
    const real = createIdentityClient({ google: { clientId: 'id', clientSecret: 'secret', oauthRoot: null } });
    const url = new URL(real.authorizeUrl('google', { state: 's', nonce: 'n', codeChallenge: 'c', redirectUri: REDIRECT }));
    expect(url.origin + url.pathname).toBe('https://accounts.google.com/o/oauth2/v2/auth');
  });

  it('when a Gmail account with a verified address signs in, then the address is verified and there is no hosted domain', async () => {
    fake.account = { sub: '1', email: 'alice@gmail.com', emailVerified: true, name: 'Alice' };
    expect(await complete(client, 'google')).toMatchObject({ email: 'alice@gmail.com', emailVerified: true, hostedDomain: null, locale: null });
  });

  it('when a consumer account on its own domain signs in (no hd), then Google is not authoritative and the address is unverified', async () => {
    fake.account = { sub: '2', email: 'alice@example.org', emailVerified: true };
    expect(await complete(client, 'google')).toMatchObject({ email: 'alice@example.org', emailVerified: false, hostedDomain: null });
  });

  it('when email_verified is false, then even a Workspace or Gmail address is unverified', async () => {
    fake.account = { sub: '3', email: 'bob@example.com', emailVerified: false, hd: 'example.com' };
    expect(await complete(client, 'google')).toMatchObject({ emailVerified: false, hostedDomain: 'example.com' });
    fake.account = { sub: '4', email: 'bob@gmail.com', emailVerified: false };
    expect(await complete(client, 'google')).toMatchObject({ emailVerified: false });
  });

  it('when the login hint names a known account, then that account consents', async () => {
    fake.accounts.set('bob@example.com', { sub: '5', email: 'bob@example.com', emailVerified: true, hd: 'example.com' });
    expect(await complete(client, 'google', { loginHint: 'Bob@example.com' })).toMatchObject({ subject: '5', email: 'bob@example.com' });
  });

  it('when the token carries the legacy issuer accounts.google.com, then it is accepted', async () => {
    fake.idTokenIssuer = 'accounts.google.com';
    expect(await complete(client, 'google')).toMatchObject({ subject: '104726013921180245675' });
  });

  it.each(tokenFaults)('when the ID token is bent (%s), then sign-in is refused as signin.invalid_token (%s)', async (kind, reason) => {
    fake.idTokenFault = { kind } as IdTokenFault;
    await expect(complete(client, 'google')).rejects.toMatchObject(refused('signin.invalid_token', reason));
  });

  it('when the token expired less than the 60 s tolerance ago, then it is accepted; two minutes ago, then refused', async () => {
    fake.now = () => NOW - 3_600_000 - 30_000;
    await expect(complete(client, 'google')).resolves.toMatchObject({ provider: 'google' });
    fake.now = () => NOW - 3_600_000 - 120_000;
    await expect(complete(client, 'google')).rejects.toMatchObject(refused('signin.invalid_token', 'expired'));
  });

  it('when the PKCE verifier does not match, the code is used twice, or the client secret is wrong, then signin.exchange_failed', async () => {
    await expect(complete(client, 'google', { wrongVerifier: true })).rejects.toMatchObject(refused('signin.exchange_failed'));
    const once = await signIn(client, 'google');
    await once.complete();
    await expect(once.complete()).rejects.toMatchObject(refused('signin.exchange_failed'));
    await expect(complete(googleClient({ clientSecret: 'wrong' }), 'google')).rejects.toMatchObject(refused('signin.exchange_failed'));
  });

  it('when the token endpoint or the key set answers 503, then signin.provider_unavailable (not the token’s fault)', async () => {
    fake.faults.push({ kind: 'status', status: 503, path: /^\/token$/ });
    await expect(complete(client, 'google')).rejects.toMatchObject(refused('signin.provider_unavailable'));
    fake.faults.push({ kind: 'status', status: 503, path: /^\/oauth2\/v3\/certs$/ });
    await expect(complete(client, 'google')).rejects.toMatchObject(refused('signin.provider_unavailable'));
    expect(fake.faults).toHaveLength(0);
  });

  it('when several people sign in, then the key set is fetched once and cached', async () => {
    await complete(client, 'google');
    await complete(client, 'google');
    expect(fake.requests.filter((r) => r.path === '/oauth2/v3/certs')).toHaveLength(1);
  });

  it('when a token is already in hand, then it verifies without a nonce, and with a nonce only if it matches', async () => {
    const token = fake.issueIdToken({ nonce: 'n-1' });
    await expect(client.verifyIdToken('google', token, { now: NOW })).resolves.toMatchObject({ subject: '104726013921180245675' });
    await expect(client.verifyIdToken('google', token, { nonce: 'n-1', now: NOW })).resolves.toMatchObject({ emailVerified: true });
    await expect(client.verifyIdToken('google', token, { nonce: 'n-2', now: NOW })).rejects.toMatchObject(refused('signin.invalid_token', 'nonce'));
    await expect(client.verifyIdToken('google', fake.issueIdToken(), { nonce: 'n-1', now: NOW })).rejects.toMatchObject(refused('signin.invalid_token', 'nonce'));
  });

  it('when a token is refused, then neither the message nor the details carry the token', async () => {
    const token = fake.issueIdToken({ claims: { aud: 'another-app' } });
    const error = await client.verifyIdToken('google', token, { now: NOW }).then(
      () => expect.fail('the token should be refused'),
      (e: unknown) => e as UnmeetError,
    );
    expect(error).toMatchObject(refused('signin.invalid_token', 'audience'));
    for (const part of token.split('.')) expect(`${error.message} ${JSON.stringify(error.details)}`).not.toContain(part);
  });

  it('when the token has no email (no email scope), then it is refused: sign-in needs an address', async () => {
    await expect(client.verifyIdToken('google', fake.issueIdToken({ scope: 'openid profile' }), { now: NOW })).rejects.toMatchObject(refused('signin.invalid_token', 'no_email'));
  });

  it('when Google has no app configured, then signin.not_configured', async () => {
    const none = createIdentityClient({ google: null });
    expect(() => none.authorizeUrl('google', { state: 's', nonce: 'n', codeChallenge: 'c', redirectUri: REDIRECT })).toThrow(expect.objectContaining({ code: 'signin.not_configured' }));
    await expect(none.complete('microsoft', { code: 'c', codeVerifier: 'v', redirectUri: REDIRECT, nonce: 'n' }, NOW)).rejects.toMatchObject(refused('signin.not_configured'));
  });
});

describe('sign-in with Microsoft', () => {
  let fake: FakeGraph;
  let client: IdentityClient;
  const microsoftClient = (tenant: string = fake.tenant) =>
    createIdentityClient({ microsoft: { clientId: fake.clientId, clientSecret: fake.clientSecret, tenant, oauthRoot: fake.url } });
  const workAccount = () => ({ oid: '6c1e0f3a-1b2c-4d5e-8f90-a1b2c3d4e5f6', tid: fake.tenantId, email: 'Alice@Example.com', xmsEdov: true, name: 'Alice Example', locale: 'en-us' });
  const personalAccount = { oid: '00000000-0000-0000-1234-56789abcdef0', tid: CONSUMER_TENANT_ID, email: 'alice@outlook.com', xmsEdov: true, name: 'Alice' };

  beforeAll(async () => {
    fake = await startFakeGraph();
  });
  afterAll(() => fake.stop());
  beforeEach(() => {
    fake.now = () => NOW;
    fake.account = workAccount();
    fake.accounts.clear();
    fake.idTokenFault = null;
    fake.requests.length = 0;
    client = microsoftClient();
  });

  it('when a work account signs in, then the identity is tid:oid with the verified lower-cased email, name, language and tenant', async () => {
    expect(await complete(client, 'microsoft')).toEqual({
      provider: 'microsoft',
      subject: `${fake.tenantId}:6c1e0f3a-1b2c-4d5e-8f90-a1b2c3d4e5f6`,
      email: 'alice@example.com',
      emailVerified: true,
      name: 'Alice Example',
      locale: 'en-us',
      hostedDomain: null,
      tenantId: fake.tenantId,
    });
  });

  it('when the consent URL is opened, then it asks for openid email profile (no offline_access) with PKCE, nonce and hint, and no refresh token is issued', async () => {
    const refreshTokensBefore = fake.refreshTokens.size;
    await complete(client, 'microsoft', { loginHint: 'alice@example.com' });
    const authorize = fake.requests.find((r) => r.path.endsWith('/oauth2/v2.0/authorize'))!;
    expect(authorize.tenant).toBe(fake.tenant);
    expect(authorize.query).toMatchObject({ scope: 'openid email profile', response_type: 'code', response_mode: 'query', code_challenge_method: 'S256', login_hint: 'alice@example.com' });
    expect(authorize.query.nonce).toMatch(/^[\w-]{43}$/);
    expect(fake.refreshTokens.size).toBe(refreshTokensBefore);
  });

  it.each([
    ['xms_edov true', true, true],
    ['xms_edov "true" (a string)', 'true', true],
    ['xms_edov 1', 1, true],
    ['xms_edov false', false, false],
    ['no xms_edov', undefined, false],
  ])('when the token carries %s, then emailVerified is %s', async (_label, xmsEdov, verified) => {
    fake.account = { ...workAccount(), xmsEdov };
    expect(await complete(client, 'microsoft')).toMatchObject({ email: 'alice@example.com', emailVerified: verified });
  });

  it('when there is no email claim, then preferred_username stands in as an unverified address; a phone number is refused', async () => {
    fake.account = { ...workAccount(), email: undefined, preferredUsername: 'Alice@Contoso.com' };
    expect(await complete(client, 'microsoft')).toMatchObject({ email: 'alice@contoso.com', emailVerified: false });
    fake.account = { ...workAccount(), email: undefined, preferredUsername: '+44 20 7946 0000' };
    await expect(complete(client, 'microsoft')).rejects.toMatchObject(refused('signin.invalid_token', 'no_email'));
  });

  it('when the token lacks oid (no profile scope), then it is refused', async () => {
    await expect(client.verifyIdToken('microsoft', fake.issueIdToken({ scope: 'openid email' }), { now: NOW })).rejects.toMatchObject(
      refused('signin.invalid_token', 'missing_claim'),
    );
  });

  it('when the issuer names another tenant than tid, then it is refused even for common', async () => {
    const token = fake.issueIdToken({ claims: { iss: `${fake.url}/${OTHER_TENANT}/v2.0` } });
    await expect(microsoftClient('common').verifyIdToken('microsoft', token, { now: NOW })).rejects.toMatchObject(refused('signin.invalid_token', 'issuer'));
  });

  it.each([
    ['common', 'a work account', true, 'work'],
    ['common', 'a personal account', true, 'personal'],
    ['organizations', 'a work account', true, 'work'],
    ['organizations', 'a personal account', false, 'personal'],
    ['consumers', 'a personal account', true, 'personal'],
    ['consumers', 'a work account', false, 'work'],
    ['the tenant’s id', 'its own member', true, 'work'],
    ['the tenant’s id', 'a member of another tenant', false, 'other'],
    ['the tenant’s domain', 'its own member', true, 'work'],
    ['the tenant’s domain', 'a member of another tenant', false, 'other'],
  ])('when the app is for %s and %s signs in, then accepted = %s', async (tenantLabel, _who, accepted, kind) => {
    const tenant = { common: 'common', organizations: 'organizations', consumers: 'consumers', 'the tenant’s id': fake.tenantId, 'the tenant’s domain': fake.tenant }[tenantLabel]!;
    fake.account = kind === 'personal' ? personalAccount : kind === 'other' ? { ...workAccount(), tid: OTHER_TENANT } : workAccount();
    const attempt = complete(microsoftClient(tenant), 'microsoft');
    if (accepted) await expect(attempt).resolves.toMatchObject({ tenantId: fake.account.tid, subject: `${fake.account.tid}:${fake.account.oid}` });
    else await expect(attempt).rejects.toMatchObject(refused('signin.invalid_token', 'tenant'));
  });

  it('when the tenant is a domain, then its discovery document is read once, and an unknown domain is signin.not_configured', async () => {
    await complete(client, 'microsoft');
    await complete(client, 'microsoft');
    expect(fake.requests.filter((r) => r.path === `/${fake.tenant}/v2.0/.well-known/openid-configuration`)).toHaveLength(1);
    expect(fake.requests.filter((r) => r.path === `/${fake.tenant}/discovery/v2.0/keys`)).toHaveLength(1);
    await expect(complete(microsoftClient('unknown.example.com'), 'microsoft')).rejects.toMatchObject(refused('signin.not_configured'));
  });

  it.each(tokenFaults)('when the ID token is bent (%s), then sign-in is refused as signin.invalid_token (%s)', async (kind, reason) => {
    fake.idTokenFault = { kind } as IdTokenFault;
    await expect(complete(client, 'microsoft')).rejects.toMatchObject(refused('signin.invalid_token', reason));
  });

  it('when the PKCE verifier does not match or the code is used twice, then signin.exchange_failed', async () => {
    await expect(complete(client, 'microsoft', { wrongVerifier: true })).rejects.toMatchObject(refused('signin.exchange_failed'));
    const once = await signIn(client, 'microsoft');
    await once.complete();
    await expect(once.complete()).rejects.toMatchObject(refused('signin.exchange_failed'));
  });

  it('when the key set cannot be fetched, then signin.provider_unavailable, and the next sign-in fetches it again', async () => {
    fake.faults.push({ kind: 'drop', path: /\/discovery\/v2\.0\/keys$/ });
    await expect(complete(client, 'microsoft')).rejects.toMatchObject(refused('signin.provider_unavailable'));
    await expect(complete(client, 'microsoft')).resolves.toMatchObject({ provider: 'microsoft' });
  });

  it('when Microsoft has no app configured, then signin.not_configured', async () => {
    await expect(createIdentityClient({}).verifyIdToken('microsoft', fake.issueIdToken(), { now: NOW })).rejects.toMatchObject(refused('signin.not_configured'));
  });
});
