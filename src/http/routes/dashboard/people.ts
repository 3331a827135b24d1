/**
 * The People page (admins): invite one address or a pasted list with a role, the pending
 * invitations (resend, revoke, approve the different address someone signed in with), the people
 * of the workspace with the role changes `canAssignRole` allows and removal (offboarding, after a
 * confirm step), and the admin audit log. The services decide and record; this page says what
 * actually happened, including an invitation link shown once when it could not be mailed.
 *
 * The router runs past the usual 80 lines only because it lists its pages' routes, each with
 * the role it needs; the handlers are short and leave the work to services.
 */
import { Hono } from 'hono';
import { isUnmeetError } from '../../../domain/errors';
import { invitationErrors } from '../../../domain/error-codes/invitation';
import { personErrors } from '../../../domain/error-codes/person';
import { requestErrors } from '../../../domain/error-codes/request';
import { isRole, type Role } from '../../../domain/roles';
import type { Deps } from '../../../services/deps';
import { approveInvitationEmail, inviteMany, parseEmailList, resendInvitation, revokeInvitation, type InviteOutcome } from '../../../services/invitations';
import { changeRole, offboardPerson, type OffboardReport } from '../../../services/people-admin';
import type { Flash } from '../../views/outcomes';
import { PeoplePage, RemovePersonPage } from '../../views/people';
import { first, type Ctx, type DashEnv, type Kit, type Notice } from './kit';

const AUDIT_ROWS = 50;

export function peopleRoutes(deps: Deps, kit: Kit) {
  const app = new Hono<DashEnv>();
  const { page, render, failure } = kit;
  const admin = page('admin');

  const actor = (c: Ctx) => ({ principal: c.get('principal'), role: c.get('session').role, personId: c.get('session').personId });

  async function peoplePage(c: Ctx, extra: { notice?: Notice; outcomes?: InviteOutcome[]; removed?: OffboardReport; status?: 200 | 201 | 403 | 409 | 422 | 429 } = {}) {
    const session = c.get('session');
    const [people, invitations, audit] = await Promise.all([
      deps.repos.people.listMemberships(session.workspaceId),
      deps.repos.invitations.list(session.workspaceId),
      deps.repos.auditLog.list(session.workspaceId, { limit: AUDIT_ROWS }),
    ]);
    const view = { people, invitations, audit, outcomes: extra.outcomes ?? [], removed: extra.removed, now: deps.clock(), viewer: { role: session.role, personId: session.personId } };
    return c.html(await render(c, session, (ctx) => PeoplePage({ ctx, ...view }), undefined, extra.notice), extra.status ?? 200);
  }

  /** Runs an admin action; an expected refusal re-renders the page with its message and status. */
  const act = (action: (c: Ctx) => Promise<Response>) => async (c: Ctx) => {
    try {
      return await action(c);
    } catch (error) {
      if (!isUnmeetError(error) || error.status === 404) return failure(c, error);
      const status = error.status;
      return peoplePage(c, { notice: { kind: 'error', text: error.message, code: error.code }, status: status === 403 || status === 409 || status === 429 ? status : 422 });
    }
  };

  const roleOf = (value: string): Role => {
    if (!isRole(value)) throw requestErrors.invalid('Choose a role: member, manager, admin or owner.');
    return value;
  };

  // Outcomes of a post (invitations, a removal) arrive by redirect as a one-time flash.
  app.get('/people', admin, async (c) => {
    const flash = await kit.readFlash<Flash>(c);
    if (flash?.kind === 'invites') return peoplePage(c, { outcomes: flash.outcomes as InviteOutcome[] });
    if (flash?.kind === 'removed') return peoplePage(c, { removed: flash.report as OffboardReport });
    return peoplePage(c);
  });

  app.post(
    '/people/invite',
    admin,
    act(async (c) => {
      const form = c.get('form');
      const emails = parseEmailList(first(form.emails).slice(0, 20_000));
      if (emails.length === 0) throw requestErrors.invalid('Give at least one address.');
      const outcomes = await inviteMany(deps, c.get('session').workspaceId, actor(c), emails, roleOf(first(form.role)));
      const flash: Flash = { kind: 'invites', outcomes };
      return kit.redirectWithFlash(c, '/people', flash);
    }),
  );

  app.post(
    '/people/invitations/:id/resend',
    admin,
    act(async (c) => {
      const outcome = await resendInvitation(deps, c.get('session').workspaceId, actor(c), c.req.param('id') ?? '');
      const flash: Flash = { kind: 'invites', outcomes: [outcome] };
      return kit.redirectWithFlash(c, '/people', flash);
    }),
  );

  app.post(
    '/people/invitations/:id/revoke',
    admin,
    act(async (c) => {
      await revokeInvitation(deps, c.get('session').workspaceId, actor(c), c.req.param('id') ?? '');
      return c.redirect('/people?ok=revoked', 303);
    }),
  );

  // Approving accepts exactly the address that tried (the form carries it, and it must still match).
  app.post(
    '/people/invitations/:id/approve',
    admin,
    act(async (c) => {
      const { workspaceId } = c.get('session');
      const id = c.req.param('id') ?? '';
      const invitation = await deps.repos.invitations.get(workspaceId, id);
      if (!invitation) throw invitationErrors.not_found(`No invitation ${id} in this workspace.`);
      const email = first(c.get('form').email).trim().toLowerCase();
      if (!invitation.attemptedEmail || email !== invitation.attemptedEmail.toLowerCase()) {
        throw invitationErrors.nothing_to_approve('Only the address that tried to accept this invitation can be approved.');
      }
      await approveInvitationEmail(deps, workspaceId, actor(c), id, email);
      return c.redirect('/people?ok=approved', 303);
    }),
  );

  app.post(
    '/people/:personId/role',
    admin,
    act(async (c) => {
      await changeRole(deps, c.get('session').workspaceId, actor(c), c.req.param('personId') ?? '', roleOf(first(c.get('form').role)));
      return c.redirect('/people?ok=role', 303);
    }),
  );

  // Removing is two steps: a page that says what will go, then the post that does it.
  app.get('/people/:personId/remove', admin, async (c) => {
    const session = c.get('session');
    const membership = (await deps.repos.people.listMemberships(session.workspaceId)).find((m) => m.personId === c.req.param('personId'));
    if (!membership) return failure(c, personErrors.not_found('No such person in this workspace.'));
    return c.html(await render(c, session, (ctx) => RemovePersonPage({ ctx, person: membership })));
  });

  app.post(
    '/people/:personId/remove',
    admin,
    act(async (c) => {
      const personId = c.req.param('personId') ?? '';
      if (first(c.get('form').confirm) !== 'yes') return c.redirect(`/people/${encodeURIComponent(personId)}/remove`, 303);
      const removed = await offboardPerson(deps, c.get('session').workspaceId, actor(c), personId);
      const flash: Flash = { kind: 'removed', report: removed };
      return kit.redirectWithFlash(c, '/people', flash);
    }),
  );

  return app;
}
