/**
 * People for tests: a verified person with a membership of a given role in a workspace, and a
 * server-side session for them, made through the same repositories and session service that
 * signing in uses (no sign-in round trip, so a test about roles does not depend on the identity
 * providers). Requests then carry the cookie exactly as a browser would.
 */
import type { Role } from '../../src/domain/roles';
import { SESSION_COOKIE } from '../../src/http/middleware/session';
import type { Deps } from '../../src/services/deps';
import { startSession } from '../../src/services/sessions';

type PeopleDeps = Pick<Deps, 'repos' | 'clock'>;

export interface TestPerson {
  personId: string;
  email: string;
  role: Role;
}

export interface SignedInPerson extends TestPerson {
  /** The raw session token (what the cookie carries; the database keeps only its hash). */
  token: string;
  /** `um_session=<token>`, the value of a `cookie` request header. */
  cookie: string;
}

let counter = 0;

/**
 * A person verified by a one-time link, belonging to the workspace with `role`; `memberId` links
 * them to the member row whose calendar is theirs. Each call without an `email` makes a new person.
 */
export async function addPerson(
  deps: PeopleDeps,
  workspaceId: string,
  role: Role,
  options: { email?: string; name?: string; memberId?: string | null } = {},
): Promise<TestPerson> {
  const email = options.email ?? `${role}.${++counter}@people.example`;
  const person = await deps.repos.people.upsertVerified({ email, name: options.name ?? `Test ${role}`, locale: 'en', verifiedBy: 'link' });
  const membership = await deps.repos.people.join(workspaceId, person.id, role, options.memberId ?? null);
  return { personId: person.id, email: person.email, role: membership.role };
}

/** A new session for a person in a workspace, as signing in leaves one; returns the cookie to send. */
export async function signIn(deps: PeopleDeps, workspaceId: string, personId: string): Promise<{ token: string; cookie: string }> {
  const { token } = await startSession(deps, { workspaceId, personId });
  return { token, cookie: sessionCookie(token) };
}

/** A person with a membership of `role` and a live session: {@link addPerson}, then {@link signIn}. */
export async function signedInPerson(
  deps: PeopleDeps,
  workspaceId: string,
  role: Role,
  options: { email?: string; name?: string; memberId?: string | null } = {},
): Promise<SignedInPerson> {
  const person = await addPerson(deps, workspaceId, role, options);
  return { ...person, ...(await signIn(deps, workspaceId, person.personId)) };
}

/** The `cookie` header value that carries a session token. */
export const sessionCookie = (token: string) => `${SESSION_COOKIE}=${token}`;

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Request headers for a session: the cookie, plus, for a write, the fetch metadata a browser
 * sends on a same-origin request (`site` overrides it, e.g. `cross-site` to play a forged post).
 */
export function sessionHeaders(cookie: string, method = 'GET', site?: 'same-origin' | 'same-site' | 'cross-site' | 'none'): Record<string, string> {
  const fetchSite = site ?? (UNSAFE.has(method.toUpperCase()) ? 'same-origin' : undefined);
  return { cookie, ...(fetchSite ? { 'sec-fetch-site': fetchSite } : {}) };
}
