import { authErrors } from '../domain/error-codes/auth';
import { personErrors } from '../domain/error-codes/person';
import { roleErrors } from '../domain/error-codes/role';
import { canAssignRole, type Role } from '../domain/roles';
import type { Principal } from '../http/middleware/auth';
import { recordAdminAction } from './audit-log';
import { disconnect } from './connections';
import type { Deps } from './deps';

/**
 * People admin: who belongs to the workspace, changing roles, and offboarding. Roles follow
 * `canAssignRole`: nobody changes their own role, admins manage members and managers, only
 * owners manage admins and owners, and a workspace always keeps an owner.
 */

/** The caller, as far as role rules go: their principal and role, and the person they are (null for an API key). */
export interface Actor {
  principal: Principal | 'cli';
  role: Role;
  personId: string | null;
}

/** Who offboarding touched and what it removed, so the answer says what actually happened. */
export interface OffboardReport {
  personId: string;
  workspaceId: string;
  memberId: string | null;
  memberRemoved: boolean;
  connectionsRemoved: number;
  /** OAuth grants handed back to Google or Microsoft (best effort at the vendor; always removed here). */
  grantsReleased: number;
  eventsPurged: number;
}

export const lastOwnerError = (workspaceId: string) =>
  roleErrors.last_owner(`This would leave workspace ${workspaceId} without an owner; make someone else an owner first.`);

async function targetMembership(deps: Pick<Deps, 'repos'>, workspaceId: string, personId: string) {
  const membership = await deps.repos.people.membership(workspaceId, personId);
  if (!membership) throw personErrors.not_found(`No person ${personId} in this workspace.`);
  return membership;
}

function assertMay(actor: Actor, targetPersonId: string, targetRole: Role, next: Role | null): void {
  const self = actor.personId !== null && actor.personId === targetPersonId;
  if (!canAssignRole({ role: actor.role, self }, targetRole, next)) {
    const why = self
      ? 'Nobody changes their own role or removes themselves here.'
      : `Your role (${actor.role}) cannot ${next === null ? 'remove' : 'change the role of'} someone who is ${targetRole}${next ? ` to ${next}` : ''}; only owners manage admins and owners.`;
    throw authErrors.forbidden(why);
  }
}

/**
 * Changes a person's role in the workspace. Their sessions there end, so the new role applies
 * from their next sign-in. Throws `auth.forbidden`, `person.not_found`, `role.last_owner`.
 */
export async function changeRole(deps: Deps, workspaceId: string, actor: Actor, personId: string, role: Role): Promise<{ personId: string; role: Role; previousRole: Role; changed: boolean }> {
  const membership = await targetMembership(deps, workspaceId, personId);
  assertMay(actor, personId, membership.role, role);
  if (membership.role === role) return { personId, role, previousRole: role, changed: false };
  const result = await deps.repos.people.setRole(workspaceId, personId, role);
  if (result === 'last_owner') throw lastOwnerError(workspaceId);
  if (result === 'not_found') throw personErrors.not_found(`No person ${personId} in this workspace.`);
  await recordAdminAction(deps, workspaceId, actor.principal, 'person.role', personId, { from: membership.role, to: role });
  return { personId, role, previousRole: membership.role, changed: true };
}

/**
 * Offboards a person from the workspace: the membership goes first (refused for the last owner,
 * before anything else moves), which ends their sessions there; then their member's Google and
 * Outlook connections are disconnected (the grant is revoked at the vendor, push channels
 * stopped), which purges the calendars and events; then the member row goes, unless
 * `keepMember` keeps it (name, zone, hours) for the workspace's history.
 */
export async function offboardPerson(deps: Deps, workspaceId: string, actor: Actor, personId: string, options: { keepMember?: boolean } = {}): Promise<OffboardReport> {
  const membership = await targetMembership(deps, workspaceId, personId);
  assertMay(actor, personId, membership.role, null);
  const report = await removeFromWorkspace(deps, workspaceId, personId, membership.memberId, options);
  await recordAdminAction(deps, workspaceId, actor.principal, 'person.remove', personId, { role: membership.role, ...summary(report) });
  return report;
}

const summary = (r: OffboardReport) => ({ memberId: r.memberId, memberRemoved: r.memberRemoved, connectionsRemoved: r.connectionsRemoved, grantsReleased: r.grantsReleased, eventsPurged: r.eventsPurged });

/** The steps of offboarding, with no role check: shared with a person deleting their own data. */
export async function removeFromWorkspace(deps: Deps, workspaceId: string, personId: string, memberId: string | null, options: { keepMember?: boolean } = {}): Promise<OffboardReport> {
  const left = await deps.repos.people.leave(workspaceId, personId);
  if (left === 'last_owner') throw lastOwnerError(workspaceId);
  if (left === 'not_found') throw personErrors.not_found(`No person ${personId} in this workspace.`);
  const report: OffboardReport = { personId, workspaceId, memberId, memberRemoved: false, connectionsRemoved: 0, grantsReleased: 0, eventsPurged: 0 };
  if (!memberId) return report;
  // Another person linked to the same member row (an approved address) keeps the calendar.
  if (await deps.repos.people.membershipOfMember(workspaceId, memberId)) return report;
  for (const connection of await deps.repos.connections.list(workspaceId, memberId)) {
    for (const calendar of await deps.repos.connections.calendars(workspaceId, connection.id)) {
      report.eventsPurged += await deps.repos.events.countForCalendar(workspaceId, calendar.id);
    }
    await disconnect(deps, workspaceId, connection.id);
    report.connectionsRemoved++;
    if (connection.provider !== 'ics') report.grantsReleased++;
  }
  if (!options.keepMember) report.memberRemoved = await deps.repos.members.remove(workspaceId, memberId);
  return report;
}

/** The workspace's people (with their role, member and sharing choice), and its pending invitations. */
export async function listPeople(deps: Pick<Deps, 'repos' | 'clock'>, workspaceId: string) {
  const [people, invitations] = await Promise.all([deps.repos.people.listMemberships(workspaceId), deps.repos.invitations.listPending(workspaceId, deps.clock())]);
  return {
    people: people.map((p) => ({ personId: p.personId, email: p.email, name: p.name, role: p.role, memberId: p.memberId, shareNumbers: p.shareNumbers, joinedAt: p.createdAt })),
    invitations,
  };
}
