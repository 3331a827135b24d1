import { isRole } from '../domain/roles';
import type { Deps } from '../services/deps';
import { inviteOne } from '../services/invitations';
import { InputError } from './team-file';

const USAGE = 'usage: unmeet invite EMAIL [--workspace ID] [--role member|manager|admin|owner] [--db PATH] [--json]';

/**
 * `unmeet invite EMAIL`: the operator invites someone straight on the database and gets the
 * link to hand over; no mail transport or OAuth app is needed (the invited person then signs
 * in through the link, by email link or with Google/Microsoft if configured). With one
 * workspace in the database it is the default. The operator acts as owner (they hold the
 * database), and the invitation is recorded in the audit log as `cli`.
 */
export async function inviteCommand(
  args: { email: string | undefined; workspace: string | undefined; role: string | undefined; json: boolean | undefined },
  withDeps: <T>(fn: (deps: Deps) => Promise<T>) => Promise<T>,
): Promise<string> {
  const role = args.role ?? 'member';
  if (!args.email) throw new InputError(USAGE);
  if (!isRole(role)) throw new InputError(`--role must be member, manager, admin or owner (not "${role}")\n${USAGE}`);
  return withDeps(async (deps) => {
    const workspace = await pickWorkspace(deps, args.workspace);
    const outcome = await inviteOne(deps, workspace.id, { principal: 'cli', role: 'owner', handOver: true }, args.email!, role);
    const expires = new Date(outcome.expiresAt!).toISOString();
    if (args.json) return JSON.stringify({ workspaceId: workspace.id, invitationId: outcome.invitationId, email: outcome.email, role, expiresAt: expires, link: outcome.link }, null, 2);
    return [
      `Invited ${outcome.email} to "${workspace.name}" (${workspace.id}) as ${role}.`,
      `Hand over this link (it works once, until ${expires}; it is not shown again):`,
      outcome.link,
    ].join('\n');
  });
}

async function pickWorkspace(deps: Deps, id: string | undefined): Promise<{ id: string; name: string }> {
  if (id) {
    const workspace = await deps.repos.workspaces.get(id);
    if (!workspace) throw new InputError(`no workspace ${id}`);
    return workspace;
  }
  const only = await deps.repos.invitations.onlyWorkspace();
  if (only === 'none') throw new InputError('there is no workspace yet: create one with `unmeet workspace create --name NAME`');
  if (only === 'several') throw new InputError(`there are several workspaces: name one with --workspace ID\n${USAGE}`);
  return only;
}
