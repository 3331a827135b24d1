import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Role } from '../../src/domain/roles';
import { startSession } from '../../src/services/sessions';
import { createTestApp, newWorkspace } from '../helpers/app';
import { icsCalendar, icsEvent } from '../helpers/ics';

type T = Awaited<ReturnType<typeof createTestApp>>;

// A team of seven member rows in November 2026: five belong to signed-in people (Ana, Ben, Cai,
// Dev, Eve), two are operator-mode rows (ICS an operator audits: op1, op2). Ben shares his numbers.
const range = { from: '2026-11-02', to: '2026-11-30' };
const q = `from=${range.from}&to=${range.to}`;

/** A weekly meeting (four Mondays from 2 November) that `organizer` holds with `attendees`, `minutes` long at `hourUtc`. */
function vevent(organizer: string, title: string, minutes: number, hourUtc: number, attendees: string[]) {
  return icsEvent({
    uid: `${title.replaceAll(' ', '-')}@test`,
    start: Date.UTC(2026, 10, 2, hourUtc),
    minutes,
    rrule: 'FREQ=WEEKLY;COUNT=4',
    title,
    organizer,
    attendees: [organizer, ...attendees],
  });
}
const calendar = (...events: string[][]) => icsCalendar(events);

const everyone = ['ana', 'ben', 'cai', 'dev', 'eve', 'op1', 'op2'];
const email = (n: string) => `${n}@acme.example`;
const PEOPLE: Array<{ name: string; role: Role; share?: boolean }> = [
  { name: 'ana', role: 'member' },
  { name: 'ben', role: 'member', share: true },
  { name: 'cai', role: 'manager' },
  { name: 'dev', role: 'admin' },
  { name: 'eve', role: 'member' },
];

interface Team {
  key: string;
  workspaceId: string;
  memberIds: Record<string, string>;
  personIds: Record<string, string>;
  cookie: Record<string, string>;
}

async function setupTeam(t: T): Promise<Team> {
  const { apiKey: key, workspace } = await newWorkspace(t.api);
  const memberIds: Record<string, string> = {};
  for (const [i, n] of everyone.entries()) {
    const res = await t.api('POST', '/v1/members', { key, json: { email: email(n), name: n.toUpperCase(), timeZone: 'UTC', locale: 'en' } });
    expect(res.status).toBe(201);
    memberIds[n] = res.json.id;
    // Each organizes a weekly meeting of a different length (30 min for ana … 210 min for op2).
    const own = vevent(email(n), `${n} weekly`, 30 * (i + 1), 9, [email(everyone[(i + 1) % everyone.length]!)]);
    // op1's calendar also holds a planning meeting Ana organizes: Ana's series, seen through an operator row.
    const ics = n === 'op1' ? calendar(own, vevent(email('ana'), 'ana planning', 60, 14, [email('op1'), email('op2'), email('ben')])) : calendar(own);
    const up = await t.api('POST', '/v1/connections/ics', { key, json: { memberId: memberIds[n], ics, name: `${n}.ics` } });
    expect(up.status).toBe(201);
  }
  const personIds: Record<string, string> = {};
  const cookie: Record<string, string> = {};
  for (const p of [...PEOPLE, { name: 'new', role: 'member' as Role }]) {
    const person = await t.deps.repos.people.upsertVerified({ email: email(p.name), name: p.name.toUpperCase(), locale: 'en', verifiedBy: 'link' });
    await t.deps.repos.people.join(workspace.id, person.id, p.role, memberIds[p.name] ?? null);
    if (p.share) await t.deps.repos.people.setShare(workspace.id, person.id, true);
    personIds[p.name] = person.id;
    const { token } = await startSession(t.deps, { workspaceId: workspace.id, personId: person.id });
    cookie[p.name] = `um_session=${token}`;
  }
  return { key, workspaceId: workspace.id, memberIds, personIds, cookie };
}

let t: T;
let team: Team;
const as = (who: string) => (who === 'key' ? { key: team.key } : { headers: { cookie: team.cookie[who]! } });
const emailsIn = (body: unknown) => everyone.filter((n) => JSON.stringify(body).includes(email(n)));

beforeEach(async () => {
  t = await createTestApp();
  team = await setupTeam(t);
});
afterEach(() => t.close());

describe('my views', () => {
  it('when a member asks for their week, then they get their own numbers only, with explanations', async () => {
    const res = await t.api('GET', `/v1/my/week?${q}`, as('ana'));
    expect(res.status).toBe(200);
    expect(res.json.member.email).toBe(email('ana'));
    // Ana's calendar holds her own 30-minute weekly meeting, four weeks.
    expect(res.json.metrics.meetingHours).toBe(2);
    expect(res.json.explanations.meetingShare).toMatch(/share of your working time/);
    expect(res.json.sharing).toBe(false);
    expect(emailsIn(res.json)).toEqual(['ana']);
  });

  it('when no range is given, then it is this week in their zone', async () => {
    const res = await t.api('GET', '/v1/my/week', as('ana'));
    expect(res.json.range).toMatchObject({ from: '2026-11-23', to: '2026-11-30' });
  });

  it('when a person has no calendar yet, then every my view is empty and says why', async () => {
    for (const path of [`/v1/my/week?${q}`, '/v1/my/focus']) {
      const res = await t.api('GET', path, as('new'));
      expect(res.status).toBe(200);
      expect(res.json.empty.code).toBe('no_calendar');
    }
    const rotation = await t.api('GET', '/v1/my/rotation', as('new'));
    expect(rotation.json).toMatchObject({ entries: [], empty: { code: 'no_rotation' } });
  });

  it('when a member asks for their flags and focus plan, then they see only their own series and plan', async () => {
    const flags = await t.api('GET', `/v1/my/flags?${q}`, as('eve'));
    expect(flags.status).toBe(200);
    expect(flags.json.series.length).toBeGreaterThan(0);
    expect(flags.json.series.every((s: { organizer: string }) => s.organizer === email('eve'))).toBe(true);
    const focus = await t.api('GET', '/v1/my/focus', as('eve'));
    expect(focus.json.plan.email).toBe(email('eve'));
  });

  it('when an API key asks for my views, then it is refused: a key has no person', async () => {
    const res = await t.api('GET', `/v1/my/week?${q}`, as('key'));
    expect(res.status).toBe(403);
    expect(res.json.code).toBe('auth.person_required');
  });

  it('when a member asks for the workspace audit or the team view, then it is refused', async () => {
    expect((await t.api('GET', `/v1/audit?${q}`, as('ana'))).status).toBe(403);
    expect((await t.api('GET', `/v1/team/audit?${q}`, as('ana'))).status).toBe(403);
    expect((await t.api('GET', '/v1/rotations/ledger', as('ana'))).status).toBe(403);
  });

  it('when a member turns sharing on or sends a bad body, then the answer says what is stored and a bad body changes nothing', async () => {
    const bad = await t.api('PATCH', '/v1/my/sharing', { ...as('ana'), json: { share: 'yes' } });
    expect(bad.status).toBe(422);
    expect((await t.deps.repos.people.membership(team.workspaceId, team.personIds.ana!))!.shareNumbers).toBe(false);
    const on = await t.api('PATCH', '/v1/my/sharing', { ...as('ana'), json: { share: true } });
    expect(on.json).toEqual({ share: true });
    expect((await t.api('GET', `/v1/my/week?${q}`, as('ana'))).json.sharing).toBe(true);
  });
});

describe('per-member reports: operator rows, sharers and the viewer', () => {
  it('when an admin key audits, then it sees operator-mode rows and sharers, and withholds the rest; team totals only over enough unnamed people', async () => {
    const res = await t.api('GET', `/v1/audit?${q}`, as('key'));
    expect(res.status).toBe(200);
    expect(res.json.members.map((m: { email: string }) => m.email)).toEqual(['ben', 'op1', 'op2'].map(email));
    expect(res.json.withheld).toBe(4);
    // Four unnamed people are fewer than 5: the totals minus the named rows would be their numbers.
    expect(res.json.team).toBeNull();
    expect(res.json.teamWithheld).toContain('4 people');
    expect((await t.api('PATCH', '/v1/workspace', { key: team.key, json: { minGroupSize: 3 } })).status).toBe(200);
    const enough = await t.api('GET', `/v1/audit?${q}`, as('key'));
    expect(enough.json.teamWithheld).toBeNull();
    // Totals cover all seven calendars: 30 + 60 + … + 210 minutes a week, plus op1's hour with Ana, four weeks.
    const minutes = everyone.reduce((sum, _n, i) => sum + 30 * (i + 1), 0) + 60;
    expect(enough.json.team.metrics.meetingHours).toBe((4 * minutes) / 60);
    expect((await t.api('PATCH', '/v1/workspace', { key: team.key, json: { minGroupSize: 5 } })).status).toBe(200);
  });

  it('when an admin person audits, then they also see their own row, and asking for a private member is refused', async () => {
    const res = await t.api('GET', `/v1/audit?${q}`, as('dev'));
    expect(res.json.members.map((m: { email: string }) => m.email)).toEqual(['ben', 'dev', 'op1', 'op2'].map(email));
    const ana = await t.api('GET', `/v1/audit?${q}&member=${team.memberIds.ana}`, as('dev'));
    expect(ana.status).toBe(403);
    expect(ana.json.code).toBe('privacy.not_shared');
    const op = await t.api('GET', `/v1/audit?${q}&member=${email('op1')}`, as('key'));
    expect(op.json.members.map((m: { email: string }) => m.email)).toEqual([email('op1')]);
  });

  it('when the same audit is asked by two viewers, then each gets their own view from the cache, and a share shows at once', async () => {
    const key1 = await t.api('GET', `/v1/audit?${q}`, as('key'));
    const dev = await t.api('GET', `/v1/audit?${q}`, as('dev'));
    const key2 = await t.api('GET', `/v1/audit?${q}`, as('key'));
    expect(emailsIn(key2.json)).toEqual(emailsIn(key1.json));
    expect(emailsIn(dev.json)).toContain('dev');
    expect(emailsIn(key2.json)).not.toContain('dev');
    expect(dev.headers.get('etag')).not.toBe(key2.headers.get('etag'));
    // The key's ETag does not open the admin person's view.
    const revalidate = await t.api('GET', `/v1/audit?${q}`, { ...as('dev'), headers: { ...as('dev').headers, 'if-none-match': key1.headers.get('etag')! } });
    expect(revalidate.status).toBe(200);
    expect((await t.api('PATCH', '/v1/my/sharing', { ...as('eve'), json: { share: true } })).status).toBe(200);
    expect(emailsIn((await t.api('GET', `/v1/audit?${q}`, as('key'))).json)).toContain('eve');
  });

  it('when an admin lists flags and focus plans, then series organized by, and plans of, people who do not share are withheld', async () => {
    for (const viewer of ['key', 'dev']) {
      const flags = await t.api('GET', `/v1/flags?${q}`, as(viewer));
      expect(flags.status).toBe(200);
      const organizers = flags.json.series.map((s: { organizer: string }) => s.organizer);
      expect(organizers).not.toContain(email('ana'));
      expect(organizers).toContain(email('op1'));
      expect(flags.json.withheld).toBe(1);
      const plan = await t.api('GET', '/v1/focus/plan', as(viewer));
      const planned = plan.json.members.map((m: { email: string }) => m.email);
      expect(planned).not.toContain(email('ana'));
      expect(planned).toContain(email('op2'));
      expect(planned.includes(email('dev'))).toBe(viewer === 'dev');
    }
    expect((await t.api('GET', `/v1/focus/plan?member=${email('ana')}`, as('key'))).json.code).toBe('privacy.not_shared');
    // Ana sees her own series, the one seen through op1's calendar included.
    const mine = await t.api('GET', `/v1/my/flags?${q}`, as('ana'));
    expect(mine.json.series.map((s: { title: string }) => s.title).sort()).toEqual(['ana planning', 'ana weekly']);
  });
});

describe('rotation burden', () => {
  it('when a rotation is committed, then each person sees their own burden, and the ledger shows others only when operator rows or sharers', async () => {
    const participant = (n: string, timeZone: string) => ({ email: email(n), timeZone });
    const input = {
      title: 'Cross-zone sync',
      durationMinutes: 60,
      cadence: { every: 1, unit: 'week' },
      occurrences: 4,
      startDate: '2027-01-04',
      gridMinutes: 60,
      participants: [participant('ana', 'Asia/Tokyo'), participant('ben', 'Europe/Berlin'), participant('op1', 'America/Los_Angeles')],
    };
    const preview = await t.api('POST', '/v1/rotations', { key: team.key, json: input });
    expect(preview.status).toBe(201);
    expect((await t.api('POST', `/v1/rotations/${preview.json.id}/commit`, { key: team.key })).status).toBe(200);
    const ledger = await t.api('GET', '/v1/rotations/ledger', as('cai'));
    expect(ledger.json.people.map((p: { email: string }) => p.email)).toEqual(['ben', 'op1'].map(email));
    expect(ledger.json.withheld).toBe(1);
    const mine = await t.api('GET', '/v1/my/rotation', as('ana'));
    expect(mine.json.entries.map((p: { email: string }) => p.email)).toEqual([email('ana')]);
    expect(mine.json.empty).toBeNull();
  });
});

describe('groups and team views', () => {
  async function defineGroups() {
    const ids = (...names: string[]) => names.map((n) => team.memberIds[n]!);
    const eng = await t.api('POST', '/v1/groups', { key: team.key, json: { name: 'Engineering', memberIds: ids('ana', 'ben', 'cai', 'dev', 'eve'), managerIds: [team.personIds.cai] } });
    expect(eng.status).toBe(201);
    const ops = await t.api('POST', '/v1/groups', { key: team.key, json: { name: 'Operations', memberIds: ids('op1', 'op2'), managerIds: [team.personIds.cai] } });
    const all = await t.api('POST', '/v1/groups', { key: team.key, json: { name: 'Unassigned', memberIds: ids('ana', 'ben', 'op1', 'op2', 'eve') } });
    return { eng: eng.json.id as string, ops: ops.json.id as string, other: all.json.id as string };
  }

  it('when a manager asks for the team audit, then they see only their groups, small ones merged and suppressed, and no names but sharers', async () => {
    const g = await defineGroups();
    const res = await t.api('GET', `/v1/team/audit?${q}`, as('cai'));
    expect(res.status).toBe(200);
    expect(res.json.groups.map((x: { id: string }) => x.id)).toEqual([g.eng]);
    expect(res.json.groups[0].size).toBe(5);
    expect(res.json.others).toMatchObject({ suppressed: true, merged: ['Operations'] });
    expect(res.json.others.reason).toMatch(/fewer than 5/);
    expect(emailsIn(res.json)).toEqual(['ben']);
    expect(JSON.stringify(res.json)).not.toContain('Unassigned');
    const other = await t.api('GET', `/v1/team/audit?${q}&group=${g.other}`, as('cai'));
    expect(other.status).toBe(404);
    expect(other.json.code).toBe('group.not_found');
    const listed = await t.api('GET', '/v1/groups', as('cai'));
    expect(listed.json.groups).toEqual([
      { id: g.eng, name: 'Engineering', size: 5 },
      { id: g.ops, name: 'Operations', size: 2 },
    ]);
  });

  it('when an admin asks, then every group and the whole workspace are shown; a manager key with no person sees none and is told why', async () => {
    const g = await defineGroups();
    const res = await t.api('GET', `/v1/team/audit?${q}`, as('key'));
    expect(res.json.groups.map((x: { id: string }) => x.id)).toEqual(['workspace', g.eng, g.other]);
    expect(res.json.groups[0].size).toBe(7);
    const created = await t.api('POST', '/v1/workspace/keys', { key: team.key, json: { label: 'reports', role: 'manager' } });
    expect(created.status).toBe(201);
    const manager = await t.api('GET', `/v1/team/audit?${q}`, { key: created.json.apiKey });
    expect(manager.status).toBe(200);
    expect(manager.json.groups).toEqual([]);
    expect(manager.json.note).toMatch(/not assigned any group/);
  });

  it('when the workspace minimum is raised, then the same group is merged into others', async () => {
    await defineGroups();
    expect((await t.api('PATCH', '/v1/workspace', { key: team.key, json: { minGroupSize: 6 } })).status).toBe(200);
    const res = await t.api('GET', `/v1/team/audit?${q}`, as('cai'));
    expect(res.json.minGroupSize).toBe(6);
    expect(res.json.groups).toEqual([]);
    expect(res.json.others).toMatchObject({ suppressed: false, size: 7, merged: ['Engineering', 'Operations'] });
  });

  it('when group input is bad, then the answer is a 4xx with a stable code and nothing is stored', async () => {
    await defineGroups();
    const cases: Array<[unknown, number, string]> = [
      [{ name: 'Engineering' }, 409, 'group.name_taken'],
      [{ name: 'X', memberIds: ['mem_nope'] }, 422, 'group.unknown_member'],
      [{ name: 'X', managerIds: ['per_nope'] }, 422, 'group.unknown_manager'],
      [{ name: 'X', managerIds: [team.personIds.ana] }, 422, 'group.manager_role'],
      [{ name: '' }, 422, 'request.invalid'],
    ];
    for (const [json, status, code] of cases) {
      const res = await t.api('POST', '/v1/groups', { key: team.key, json });
      expect([res.status, res.json.code]).toEqual([status, code]);
    }
    expect((await t.api('POST', '/v1/groups', { ...as('cai'), json: { name: 'Mine' } })).status).toBe(403);
    expect((await t.api('GET', '/v1/groups', as('key'))).json.groups.map((g: { name: string }) => g.name)).toEqual(['Engineering', 'Operations', 'Unassigned']);
  });

  it('when an admin renames, reassigns and deletes a group, then each answer reports what is stored and the log records it', async () => {
    const g = await defineGroups();
    const patched = await t.api('PATCH', `/v1/groups/${g.ops}`, { key: team.key, json: { name: 'Ops', memberIds: [team.memberIds.op1], managerIds: [] } });
    expect(patched.json).toMatchObject({ name: 'Ops', size: 1, memberIds: [team.memberIds.op1], managerIds: [] });
    expect((await t.api('GET', '/v1/groups', as('cai'))).json.groups.map((x: { name: string }) => x.name)).toEqual(['Engineering']);
    expect((await t.api('DELETE', `/v1/groups/${g.ops}`, { key: team.key })).status).toBe(204);
    expect((await t.api('DELETE', `/v1/groups/${g.ops}`, { key: team.key })).json.code).toBe('group.not_found');
    const log = await t.deps.repos.auditLog.list(team.workspaceId, { limit: 10 });
    expect(log.map((e) => e.action)).toEqual(expect.arrayContaining(['group.create', 'group.update', 'group.delete']));
  });
});
