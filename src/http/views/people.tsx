/**
 * The People page (admins): invite, pending invitations, people and roles, the audit log; and the
 * confirm step before someone is removed. Role choices offered are exactly those `canAssignRole`
 * allows this viewer; the service checks again.
 */
import type { AuditEntry } from '../../db/audit-log.repository';
import type { Invitation } from '../../db/invitations.repository';
import type { MembershipWithPerson } from '../../db/people.repository';
import { canAssignRole, ROLES, type Role } from '../../domain/roles';
import type { InviteOutcome } from '../../services/invitations';
import { invitationStatus } from '../../services/invitations';
import type { OffboardReport } from '../../services/people-admin';
import { Csrf, Layout, type PageContext } from './layout';

export interface PeopleView {
  people: MembershipWithPerson[];
  invitations: Invitation[];
  audit: AuditEntry[];
  /** What the last invite or resend did, address by address (links shown this once). */
  outcomes: InviteOutcome[];
  removed?: OffboardReport | undefined;
  now: number;
  viewer: { role: Role; personId: string | null };
}

const when = (ctx: PageContext, ms: number) =>
  new Intl.DateTimeFormat(ctx.locale === 'id' ? 'id-ID' : 'en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' }).format(ms) + ' UTC';

/** The roles this viewer may invite with (an invitation makes a new member of that role). */
export const invitableRoles = (viewer: PeopleView['viewer']) => ROLES.filter((r) => canAssignRole({ role: viewer.role, self: false }, 'member', r));

function RoleSelect(props: { ctx: PageContext; name: string; id: string; roles: readonly Role[]; selected: Role }) {
  return (
    <select name={props.name} id={props.id}>
      {props.roles.map((r) => (
        <option value={r} selected={r === props.selected}>
          {props.ctx.t[`role_${r}`]}
        </option>
      ))}
    </select>
  );
}

function InviteForm(props: { ctx: PageContext; viewer: PeopleView['viewer'] }) {
  const { t } = props.ctx;
  return (
    <section class="card" aria-labelledby="invite-title">
      <h2 id="invite-title">{t.inviteTitle}</h2>
      <form method="post" action="/people/invite" class="stack">
        <Csrf token={props.ctx.session!.csrf} />
        <label for="invite-emails">{t.inviteEmails}</label>
        <textarea id="invite-emails" name="emails" rows={3} required spellcheck={false} placeholder="dana@example.com, sam@example.com"></textarea>
        <label for="invite-role">{t.inviteRole}</label>
        <RoleSelect ctx={props.ctx} name="role" id="invite-role" roles={invitableRoles(props.viewer)} selected="member" />
        <button type="submit">{t.inviteSubmit}</button>
      </form>
    </section>
  );
}

function Outcomes(props: { ctx: PageContext; outcomes: InviteOutcome[] }) {
  const { t } = props.ctx;
  if (props.outcomes.length === 0) return null;
  return (
    <section class="card" aria-labelledby="outcomes-title" data-testid="invite-outcomes">
      <h2 id="outcomes-title">{t.inviteOutcomes}</h2>
      <ul class="plain">
        {props.outcomes.map((o) => (
          <li data-email={o.email} data-status={o.status}>
            <strong>{o.email}</strong>
            {`: ${t[`outcome_${o.status}`]}`}
            {o.delivery ? ` · ${t[`delivery_${o.delivery}`]}` : ''}
            {o.link ? (
              <>
                <span class="small-text">{t.inviteLinkOnce}</span>
                <input class="copy" type="text" readonly value={o.link} aria-label={`${t.inviteLink} ${o.email}`} data-testid="invite-link" />
              </>
            ) : null}
          </li>
        ))}
      </ul>
    </section>
  );
}

function Pending(props: { ctx: PageContext; view: PeopleView }) {
  const { ctx, view } = props;
  const { t } = ctx;
  const csrf = ctx.session!.csrf;
  const open = view.invitations.filter((i) => i.acceptedAt === null && i.revokedAt === null);
  return (
    <section class="card" aria-labelledby="pending-title">
      <h2 id="pending-title">{t.pendingTitle}</h2>
      {open.length === 0 ? (
        <p class="empty">{t.pendingNone}</p>
      ) : (
        <ul class="plain rows" data-testid="pending">
          {open.map((inv) => {
            const status = invitationStatus(inv, view.now);
            return (
              <li data-invitation={inv.id} data-email={inv.email}>
                <strong>{inv.email}</strong> <span class="badge">{t[`role_${inv.role}`]}</span> <span class={`badge inv-${status}`}>{t[`inv_${status}`]}</span>
                <span class="muted small-text">{`${t.invExpires} ${when(ctx, inv.expiresAt)} · ${t.invSent} ${inv.sentCount}`}</span>
                {inv.attemptedEmail && !inv.approvedEmail ? (
                  <form method="post" action={`/people/invitations/${encodeURIComponent(inv.id)}/approve`} class="inline" data-confirm={t.confirmApprove.replace('{email}', inv.attemptedEmail)}>
                    <Csrf token={csrf} />
                    <input type="hidden" name="email" value={inv.attemptedEmail} />
                    <span class="small-text">{t.invAttempted.replace('{email}', inv.attemptedEmail)}</span>
                    <button type="submit" class="small">
                      {t.invApprove}
                    </button>
                  </form>
                ) : null}
                {inv.approvedEmail ? <span class="small-text">{t.invApproved.replace('{email}', inv.approvedEmail)}</span> : null}
                <span class="actions">
                  <form method="post" action={`/people/invitations/${encodeURIComponent(inv.id)}/resend`} class="inline">
                    <Csrf token={csrf} />
                    <button type="submit" class="small secondary">
                      {t.invResend}
                      <span class="sr-only">{` ${inv.email}`}</span>
                    </button>
                  </form>{' '}
                  <form method="post" action={`/people/invitations/${encodeURIComponent(inv.id)}/revoke`} class="inline" data-confirm={t.confirmRevokeInvite}>
                    <Csrf token={csrf} />
                    <button type="submit" class="small secondary">
                      {t.invRevoke}
                      <span class="sr-only">{` ${inv.email}`}</span>
                    </button>
                  </form>
                </span>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}

function PeopleList(props: { ctx: PageContext; view: PeopleView }) {
  const { ctx, view } = props;
  const { t } = ctx;
  const csrf = ctx.session!.csrf;
  return (
    <section class="card" aria-labelledby="people-title">
      <h2 id="people-title">{t.peopleListTitle}</h2>
      <ul class="plain rows" data-testid="people">
        {view.people.map((p) => {
          const self = p.personId === view.viewer.personId;
          const roles = ROLES.filter((r) => r === p.role || canAssignRole({ role: view.viewer.role, self }, p.role, r));
          const mayRemove = canAssignRole({ role: view.viewer.role, self }, p.role, null);
          return (
            <li data-person={p.email}>
              <strong>{p.name}</strong> <span class="muted">{p.email}</span> <span class="badge" data-testid="role">{t[`role_${p.role}`]}</span>
              {p.shareNumbers ? <span class="badge">{t.personShares}</span> : null}
              {self ? <span class="muted small-text">{t.personYou}</span> : null}
              <span class="actions">
                {roles.length > 1 ? (
                  <form method="post" action={`/people/${encodeURIComponent(p.personId)}/role`} class="inline">
                    <Csrf token={csrf} />
                    <label class="sr-only" for={`role-${p.personId}`}>{`${t.changeRole} ${p.email}`}</label>
                    <RoleSelect ctx={ctx} name="role" id={`role-${p.personId}`} roles={roles} selected={p.role} />{' '}
                    <button type="submit" class="small secondary">
                      {t.changeRole}
                    </button>
                  </form>
                ) : null}{' '}
                {mayRemove ? (
                  <a class="button small secondary" href={`/people/${encodeURIComponent(p.personId)}/remove`}>
                    {t.removePerson}
                    <span class="sr-only">{` ${p.email}`}</span>
                  </a>
                ) : null}
              </span>
            </li>
          );
        })}
      </ul>
    </section>
  );
}

/** Who did it, readably: a person by address, an API key or the command line (the raw id stays in the title). */
function actorLabel(ctx: PageContext, actor: string, emails: ReadonlyMap<string, string>): string {
  const [kind, id = ''] = actor.split(':');
  if (kind === 'person') return emails.get(id) ?? ctx.t.auditFormerPerson;
  if (kind === 'key') return ctx.t.auditApiKey;
  return actor === 'cli' ? ctx.t.auditCli : actor;
}

/** The facts of an entry as "key: value" pairs (ids stay in the title, not on screen). */
const detailText = (detail: Record<string, unknown> | null) =>
  detail ? Object.entries(detail).map(([k, v]) => `${k}: ${typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : JSON.stringify(v)}`).join(', ') : '';

function AuditLog(props: { ctx: PageContext; entries: AuditEntry[]; people: MembershipWithPerson[] }) {
  const { ctx } = props;
  const { t } = ctx;
  const emails = new Map(props.people.map((p) => [p.personId, p.email]));
  return (
    <section class="card" aria-labelledby="audit-title">
      <h2 id="audit-title">{t.auditTitle}</h2>
      {props.entries.length === 0 ? (
        <p class="empty">{t.auditNone}</p>
      ) : (
        <div class="table-scroll" role="region" aria-label={t.auditTitle} tabindex={0}>
          <table class="data" data-testid="audit-log">
            <thead>
              <tr>
                <th scope="col">{t.auditWhen}</th>
                <th scope="col">{t.auditWho}</th>
                <th scope="col">{t.auditAction}</th>
                <th scope="col">{t.auditDetail}</th>
              </tr>
            </thead>
            <tbody>
              {props.entries.map((e) => (
                <tr data-action={e.action}>
                  <td>{when(ctx, e.at)}</td>
                  <td class="wrap" title={e.actor}>{actorLabel(ctx, e.actor, emails)}</td>
                  <td>{e.action}</td>
                  <td class="wrap" title={e.target ?? undefined}>{detailText(e.detail)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

export function PeoplePage(props: { ctx: PageContext } & PeopleView) {
  const { ctx } = props;
  const { t } = ctx;
  const r = props.removed;
  return (
    <Layout ctx={ctx} title={t.navPeople}>
      <h1>{t.peopleTitle}</h1>
      <p class="lead">{t.peopleLead}</p>
      {r ? (
        <p class="notice ok" role="status" data-testid="removed">
          {t.removedSummary
            .replace('{connections}', String(r.connectionsRemoved))
            .replace('{grants}', String(r.grantsReleased))
            .replace('{events}', String(r.eventsPurged))}
        </p>
      ) : null}
      <Outcomes ctx={ctx} outcomes={props.outcomes} />
      <InviteForm ctx={ctx} viewer={props.viewer} />
      <Pending ctx={ctx} view={props} />
      <PeopleList ctx={ctx} view={props} />
      <AuditLog ctx={ctx} entries={props.audit} people={props.people} />
    </Layout>
  );
}

/** The confirm step before offboarding: says what goes, and posts only with the box ticked. */
export function RemovePersonPage(props: { ctx: PageContext; person: MembershipWithPerson }) {
  const { ctx, person } = props;
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t.removeTitle}>
      <section class="card narrow" aria-labelledby="remove-title">
        <h1 id="remove-title">{t.removeTitle}</h1>
        <p>
          <strong>{person.name}</strong> <span class="muted">{person.email}</span>
        </p>
        <p>{t.removeLead}</p>
        <form method="post" action={`/people/${encodeURIComponent(person.personId)}/remove`} class="stack">
          <Csrf token={ctx.session!.csrf} />
          <label class="check">
            <input type="checkbox" name="confirm" value="yes" required /> {t.removeConfirm}
          </label>
          <button type="submit">{t.removeButton}</button>
        </form>
        <p>
          <a href="/people">{t.back}</a>
        </p>
      </section>
    </Layout>
  );
}
