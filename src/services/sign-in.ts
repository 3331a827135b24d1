import type { SignupPolicy } from '../config';
import { signinErrors } from '../domain/error-codes/signin';
import type { Person } from '../db/people.repository';
import { createPkcePair, randomToken } from '../providers/identity/oidc';
import type { IdentityProvider, VerifiedIdentity } from '../providers/identity/identity-client';
import { CONSUMER_TENANT_ID } from '../providers/identity/microsoft.identity';
import type { Deps } from './deps';
import { acceptInvitation } from './invitations';
import { consumeLink, linkIdOf, openLinkIntent, peekLink, tidy, type LinkIntent } from './one-time-links';
import { createWorkspace } from './workspaces';
import { addressVerified } from './mail-verification';

/**
 * Signing a person in, the story end to end: a pending sign-in is stored (sealed PKCE verifier,
 * nonce, what it is for) and the browser goes to Google or Microsoft; on the way back the state
 * is taken (once), the code exchanged, the ID token verified, and the person found or created
 * from what the provider vouches for. Or: a one-time link mailed to the address proves it. Then
 * what the sign-in was for happens (accept an invitation, finish the first-start setup), and
 * the caller starts a session in the workspace this returns.
 */

/** A pending OpenID sign-in lives 10 minutes and works once. */
export const SIGN_IN_STATE_MS = 10 * 60_000;

export type SignInIntent = LinkIntent;

/** What a completed sign-in leads to: a workspace to open, or none yet (choose, or create one). */
export interface SignInOutcome {
  person: Person;
  workspaceId: string | null;
  /** The provider vouched for an organisation listed in UNMEET_SIGNUP=domains:… (may create a workspace). */
  domainSignup: boolean;
}

export const callbackUrl = (deps: Pick<Deps, 'publicUrl'>, provider: IdentityProvider) => `${deps.publicUrl}/auth/${provider}/callback`;

const stateContext = (id: string) => `signin-state:${id}`;

/** Whether the instance configured sign-in with this provider. */
export const providerConfigured = (deps: Pick<Deps, 'identity' | 'google' | 'microsoft'>, provider: IdentityProvider) =>
  deps.identity !== undefined && Boolean(provider === 'google' ? deps.google : deps.microsoft);

/**
 * Starts an OpenID sign-in: stores the pending state (the PKCE verifier and the intent's token
 * sealed under the state's id) and returns the consent URL. A setup link is checked here, so a
 * dead one fails before the detour through the provider.
 */
export async function startOidcSignIn(deps: Deps, provider: IdentityProvider, intent: SignInIntent): Promise<string> {
  if (!deps.identity || !providerConfigured(deps, provider)) {
    throw signinErrors.not_configured(`Sign-in with ${provider === 'google' ? 'Google' : 'Microsoft'} is not configured on this server.`);
  }
  if (intent.kind === 'setup') await peekLink(deps, intent.token, 'setup');
  await tidy(deps);
  const id = randomToken();
  const nonce = randomToken();
  const pkce = await createPkcePair();
  const url = deps.identity.authorizeUrl(provider, { state: id, nonce, codeChallenge: pkce.challenge, redirectUri: callbackUrl(deps, provider) });
  const sealedIntent = intent.kind === 'sign-in' ? { kind: 'sign-in' } : { kind: intent.kind, sealed: await deps.vault.seal(JSON.stringify(intent), stateContext(id)) };
  await deps.repos.links.createState({
    id,
    provider,
    verifier: await deps.vault.seal(pkce.verifier, stateContext(id)),
    nonce,
    intent: sealedIntent,
    expiresAt: deps.clock() + SIGN_IN_STATE_MS,
  });
  return url;
}

const invalidState = () => signinErrors.invalid_state('This sign-in has expired or was already completed. Please sign in again.');

/**
 * Completes an OpenID sign-in from the provider's redirect. The state is taken first (a replay
 * finds nothing), then the code is exchanged and the ID token verified; refusals change no
 * person, membership or session.
 */
export async function completeOidcSignIn(deps: Deps, provider: IdentityProvider, query: { state?: string; code?: string; error?: string }): Promise<SignInOutcome> {
  if (!deps.identity) throw signinErrors.not_configured('Sign-in with an identity provider is not configured on this server.');
  if (!query.state || query.state.length > 100) throw invalidState();
  const state = await deps.repos.links.takeState(query.state, deps.clock());
  if (!state || state.provider !== provider) throw invalidState();
  if (query.error || !query.code) throw signinErrors.cancelled('The sign-in was cancelled or refused at the provider.');
  const verifier = await deps.vault.open(state.verifier, stateContext(state.id));
  const stored = state.intent as { kind: string; sealed?: string };
  const intent: SignInIntent = stored.sealed ? (JSON.parse(await deps.vault.open(stored.sealed, stateContext(state.id))) as SignInIntent) : { kind: 'sign-in' };
  const identity = await deps.identity.complete(provider, { code: query.code, codeVerifier: verifier, redirectUri: callbackUrl(deps, provider), nonce: state.nonce }, deps.clock());
  const known = await deps.repos.people.findByIdentity(identity.provider, identity.subject);
  // An address the provider does not vouch for proves nothing, except for the account that was
  // linked earlier (when the address was verified): otherwise anyone could claim any address.
  if (!known && !identity.emailVerified) {
    throw signinErrors.email_unverified(
      `${provider === 'google' ? 'Google' : 'Microsoft'} does not confirm that this account owns ${identity.email}. Sign in with a one-time email link instead.`,
    );
  }
  if (intent.kind === 'setup') await consumeLink(deps, intent.token, 'setup');
  const person = known ?? (await deps.repos.people.upsertVerified({ email: identity.email, name: identity.name ?? '', locale: localeOf(identity.locale), verifiedBy: provider }));
  await deps.repos.people.linkIdentity(person.id, { provider, subject: identity.subject, email: identity.email });
  if (identity.emailVerified) await addressVerified(deps, identity.email, provider);
  return { person, workspaceId: await fulfil(deps, person, intent), domainSignup: domainSignupAllowed(deps.signup, identity) };
}

/**
 * Completes a sign-in by one-time email link: the click proves the address. The intent sealed
 * into the link is opened before the link is used, so a forged one uses nothing up.
 */
export async function completeLinkSignIn(deps: Deps, token: string, sealedIntent: string | undefined): Promise<SignInOutcome> {
  const linkId = await linkIdOf(token);
  const link = await peekLink(deps, token, 'sign-in');
  const intent = await openLinkIntent(deps, linkId!, sealedIntent);
  if (intent.kind === 'setup') await peekLink(deps, intent.token, 'setup');
  await consumeLink(deps, token, 'sign-in');
  if (intent.kind === 'setup') await consumeLink(deps, intent.token, 'setup');
  const email = link.email!;
  const person = await deps.repos.people.upsertVerified({ email, name: '', locale: 'en', verifiedBy: 'link' });
  await addressVerified(deps, email, 'link');
  return { person, workspaceId: await fulfil(deps, person, intent), domainSignup: false };
}

/** What the sign-in was for: the invitation's workspace, a new one from the setup link, or the person's only workspace. */
async function fulfil(deps: Deps, person: Person, intent: SignInIntent): Promise<string | null> {
  if (intent.kind === 'invite') return (await acceptInvitation(deps, intent.token, person)).workspaceId;
  if (intent.kind === 'setup') return createOwnedWorkspace(deps, person, intent.workspaceName, 'setup');
  const workspaces = await deps.repos.people.workspacesOf(person.id);
  return workspaces.length === 1 ? workspaces[0]!.workspaceId : null;
}

/**
 * Creates a workspace owned by the person (through the setup link, or self-service when
 * UNMEET_SIGNUP allows them). Its first API key is made and not shown: the owner creates keys
 * they can see from the dashboard or the API.
 */
export async function createOwnedWorkspace(deps: Pick<Deps, 'repos' | 'clock'>, person: Person, name: string, via: 'setup' | 'signup'): Promise<string> {
  const { workspace } = await createWorkspace(deps, { name: cleanWorkspaceName(name) });
  const memberId = await deps.repos.people.memberForEmail(workspace.id, person.email);
  await deps.repos.people.join(workspace.id, person.id, 'owner', memberId ?? null);
  await deps.repos.auditLog.record(workspace.id, { actor: `person:${person.id}`, action: 'workspace.created', target: workspace.id, detail: { via }, at: deps.clock() });
  return workspace.id;
}

/** A workspace name from a form: trimmed, one line, at most 80 characters; empty = "My workspace". */
export function cleanWorkspaceName(name: string | undefined): string {
  const clean = (name ?? '').replace(/[\u0000-\u001f\u007f]+/g, ' ').trim().slice(0, 80);
  return clean || 'My workspace';
}

/**
 * Whether UNMEET_SIGNUP=domains:… lets this identity create a workspace: Google's `hd` (the
 * Workspace organisation) is listed; or Microsoft vouched for the address (`xms_edov`) in a work
 * tenant and its domain is listed. The address suffix alone never counts.
 */
export function domainSignupAllowed(policy: SignupPolicy | undefined, identity: VerifiedIdentity): boolean {
  if (policy?.mode !== 'domains' || !identity.emailVerified) return false;
  if (identity.provider === 'google') return identity.hostedDomain !== null && policy.domains.includes(identity.hostedDomain.toLowerCase());
  const domain = identity.email.split('@')[1] ?? '';
  return identity.tenantId !== null && identity.tenantId !== CONSUMER_TENANT_ID && policy.domains.includes(domain);
}

/** Whether the person may create a workspace now: by the domain proof of this sign-in, or (invite mode) as someone who already belongs to one. */
export async function mayCreateWorkspace(deps: Pick<Deps, 'repos' | 'signup'>, personId: string, domainProof: boolean): Promise<boolean> {
  if (deps.signup?.mode === 'domains') return domainProof;
  if (deps.signup?.mode === 'invite') return (await deps.repos.people.workspacesOf(personId)).length > 0;
  return false;
}

const localeOf = (locale: string | null) => ((locale ?? '').toLowerCase().startsWith('id') ? 'id' : 'en');
