import { personErrors } from '../domain/error-codes/person';
import { createPersonalDataReads } from '../db/invitations.repository';
import type { Deps } from './deps';
import { lastOwnerError, removeFromWorkspace, type OffboardReport } from './people-admin';

/**
 * A person's own data: everything stored about them, as one JSON document (export), and its
 * deletion. Both cover every workspace the person belongs to, not only the one they signed in
 * to. Nothing secret is exported: no identity-provider subjects, tokens, credentials or ICS
 * addresses; connections appear by label.
 */

const iso = (ms: number | null | undefined) => (ms === null || ms === undefined ? null : new Date(ms).toISOString());

/** Everything stored about the person, per workspace; throws `person.not_found` if they are gone. */
export async function exportPersonalData(deps: Deps, personId: string) {
  const person = await deps.repos.people.get(personId);
  if (!person) throw personErrors.not_found('This person no longer exists.');
  const reads = createPersonalDataReads({ db: deps.db });
  const workspaces = [];
  for (const { workspaceId, name, role } of await deps.repos.people.workspacesOf(personId)) {
    const membership = (await deps.repos.people.membership(workspaceId, personId))!;
    const member = membership.memberId ? await deps.repos.members.get(workspaceId, membership.memberId) : undefined;
    workspaces.push({
      workspaceId,
      name,
      role,
      shareNumbers: membership.shareNumbers,
      digestOptIn: membership.digestOptIn,
      digestWeeks: (await deps.repos.digests.sendsOf(workspaceId, personId)).map((d) => ({ week: d.week, outboxId: d.outboxId, createdAt: iso(d.createdAt) })),
      joinedAt: iso(membership.createdAt),
      member: member ? await memberData(deps, workspaceId, member) : null,
      suggestionsReceived: (await reads.suggestionsTo(workspaceId, person.email)).map((s) => ({ ...s, createdAt: iso(s.createdAt) })),
      mailsReceived: (await reads.mailsTo(workspaceId, person.email)).map((m) => ({ ...m, sentAt: iso(m.sentAt), createdAt: iso(m.createdAt) })),
      rotationBurdens: (await deps.repos.rotations.ledger(workspaceId))
        .filter((b) => b.email.toLowerCase() === person.email)
        .map((b) => ({ rotationId: b.rotationId, timeZone: b.timeZone, burden: b.burden, outsideHoursCount: b.outsideHoursCount, nightCount: b.nightCount, at: iso(b.at) })),
    });
  }
  const mailAddress = await deps.repos.mailAddresses.get(person.email);
  return {
    exportedAt: iso(deps.clock()),
    person: { id: person.id, email: person.email, name: person.name, locale: person.locale, verifiedBy: person.verifiedBy, createdAt: iso(person.createdAt) },
    identities: (await reads.identities(personId)).map((i) => ({ provider: i.provider, email: i.email, createdAt: iso(i.createdAt) })),
    mailAddress: mailAddress ? { email: mailAddress.email, verifiedAt: iso(mailAddress.verifiedAt), verifiedBy: mailAddress.verifiedBy, confirmationSentAt: iso(mailAddress.confirmationSentAt) } : null,
    sessions: (await reads.sessions(personId)).map((s) => ({ workspaceId: s.workspaceId, createdAt: iso(s.createdAt), lastSeenAt: iso(s.lastSeenAt), expiresAt: iso(s.expiresAt) })),
    workspaces,
  };
}

type MemberRow = NonNullable<Awaited<ReturnType<Deps['repos']['members']['get']>>>;

/** The person's member row: profile, connections (labels only), their events, focus settings and blocks. */
async function memberData(deps: Deps, workspaceId: string, member: MemberRow) {
  const connections = [];
  for (const c of await deps.repos.connections.list(workspaceId, member.id)) {
    const calendars = [];
    for (const cal of await deps.repos.connections.calendars(workspaceId, c.id)) {
      calendars.push({ name: cal.name, timeZone: cal.timeZone, isPrimary: cal.isPrimary, events: await deps.repos.events.listForCalendar(workspaceId, cal.id) });
    }
    connections.push({ id: c.id, provider: c.provider, label: c.label, status: c.status, accountEmail: c.accountEmail, lastSyncAt: iso(c.lastSyncAt), createdAt: iso(c.createdAt), calendars });
  }
  const focus = await deps.repos.focus.member(workspaceId, member.id);
  return {
    id: member.id,
    email: member.email,
    name: member.name,
    timeZone: member.timeZone,
    locale: member.locale,
    workingHours: member.workingHours,
    followsCalendarSettings: !member.profileOverridden,
    connections,
    focus: focus ? { enabled: focus.enabled, policy: focus.policy } : null,
    focusBlocks: (await deps.repos.focus.blocks(workspaceId, member.id)).map((b) => ({ date: b.date, start: iso(b.start), end: iso(b.end), status: b.status })),
  };
}

/** What deleting a person's data removed. */
export interface DeletionReport {
  personId: string;
  email: string;
  workspaces: OffboardReport[];
  mailAddressRemoved: boolean;
  personRemoved: true;
}

/**
 * Deletes a person's data: refused (`role.last_owner`, nothing touched) while they are the last
 * owner of any workspace. Otherwise they are offboarded from every workspace (connections
 * disconnected with their grants revoked, events purged, member rows removed), then their
 * mail-address record and the person go, with their identities and sessions.
 */
export async function deletePersonalData(deps: Deps, personId: string): Promise<DeletionReport> {
  const person = await deps.repos.people.get(personId);
  if (!person) throw personErrors.not_found('This person no longer exists.');
  const memberships = await deps.repos.people.workspacesOf(personId);
  for (const m of memberships) {
    if (m.role === 'owner' && (await deps.repos.people.countOwners(m.workspaceId)) <= 1) throw lastOwnerError(m.workspaceId);
  }
  const reports: OffboardReport[] = [];
  for (const m of memberships) {
    const membership = await deps.repos.people.membership(m.workspaceId, personId);
    if (!membership) continue;
    const report = await removeFromWorkspace(deps, m.workspaceId, personId, membership.memberId);
    reports.push(report);
    await deps.repos.auditLog.record(m.workspaceId, { actor: `person:${personId}`, action: 'person.delete_data', target: personId, detail: { role: m.role, eventsPurged: report.eventsPurged, connectionsRemoved: report.connectionsRemoved }, at: deps.clock() });
  }
  const hadAddress = (await deps.repos.mailAddresses.get(person.email)) !== undefined;
  await deps.repos.mailAddresses.delete(person.email);
  await deps.repos.people.delete(personId);
  return { personId, email: person.email, workspaces: reports, mailAddressRemoved: hadAddress, personRemoved: true };
}
