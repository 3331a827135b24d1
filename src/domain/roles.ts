/**
 * Roles in a workspace, from least to most: `member` (their own views), `manager` (team views
 * of the groups assigned to them), `admin` (members, connections, settings, keys) and `owner`
 * (an admin who also manages admins and owners). A role includes every role below it.
 */
export const ROLES = ['member', 'manager', 'admin', 'owner'] as const;
export type Role = (typeof ROLES)[number];

export const isRole = (value: unknown): value is Role => typeof value === 'string' && (ROLES as readonly string[]).includes(value);

/** Whether `role` may do what `needed` may (roles are ordered; each includes the ones below). */
export const roleAtLeast = (role: Role, needed: Role): boolean => ROLES.indexOf(role) >= ROLES.indexOf(needed);

/**
 * Whether `actor` may give `target` the role `next` (or take the target's role away when `next`
 * is null). Admins manage members and managers; only owners manage admins and owners; nobody
 * changes their own role (an owner steps down by handing ownership on, through another owner).
 */
export function canAssignRole(actor: { role: Role; self: boolean }, target: Role, next: Role | null): boolean {
  if (actor.self) return false;
  if (!roleAtLeast(actor.role, 'admin')) return false;
  const touchesAdmins = roleAtLeast(target, 'admin') || (next !== null && roleAtLeast(next, 'admin'));
  return actor.role === 'owner' || !touchesAdmins;
}

/** The roles an API key may carry: a key is never an owner, and a member key would have no person. */
export const KEY_ROLES = ['admin', 'manager'] as const;
export type KeyRole = (typeof KEY_ROLES)[number];
