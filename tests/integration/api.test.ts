import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, newWorkspace } from '../helpers/app';

type T = Awaited<ReturnType<typeof createTestApp>>;

const ics = (events: string) =>
  [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//test//EN',
    'X-WR-CALNAME:Work',
    events.trim().replaceAll('\n', '\r\n'),
    'END:VCALENDAR',
    '',
  ].join('\r\n');

/** A Monday 10:00–11:00 UTC weekly meeting with Bob, plus a one-off Tuesday 14:00–16:00 UTC. */
const aliceCalendar = ics(`
BEGIN:VEVENT
UID:weekly-sync@test
DTSTAMP:20261101T000000Z
DTSTART:20261102T100000Z
DTEND:20261102T110000Z
RRULE:FREQ=WEEKLY;COUNT=4
SUMMARY:Weekly sync
ORGANIZER:mailto:alice@example.com
ATTENDEE;PARTSTAT=ACCEPTED:mailto:alice@example.com
ATTENDEE;PARTSTAT=ACCEPTED:mailto:bob@example.com
END:VEVENT
BEGIN:VEVENT
UID:one-off@test
DTSTAMP:20261101T000000Z
DTSTART:20261103T140000Z
DTEND:20261103T160000Z
SUMMARY:Review
ORGANIZER:mailto:bob@example.com
ATTENDEE;PARTSTAT=ACCEPTED:mailto:alice@example.com
ATTENDEE;PARTSTAT=ACCEPTED:mailto:bob@example.com
END:VEVENT`);

const member = { email: 'alice@example.com', name: 'Alice', timeZone: 'UTC' };

let t: T;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(() => t.close());

async function withMember() {
  const { apiKey } = await newWorkspace(t.api);
  const created = await t.api('POST', '/v1/members', { key: apiKey, json: member });
  expect(created.status).toBe(201);
  return { key: apiKey, memberId: created.json.id as string };
}

describe('workspaces and auth', () => {
  it('when a workspace is created, then its key works once shown and is stored only hashed', async () => {
    const { apiKey, workspace } = await newWorkspace(t.api);
    expect(apiKey).toMatch(/^um_/);
    const me = await t.api('GET', '/v1/workspace', { key: apiKey });
    expect(me.status).toBe(200);
    expect(me.json).toMatchObject({ id: workspace.id, name: 'Acme', hourlyRate: 80 });
    const raw = (t.deps.db as any).$client.prepare('select hash from api_keys').all();
    expect(JSON.stringify(raw)).not.toContain(apiKey);
  });

  it('when the key is missing or wrong, then 401 problem+json', async () => {
    await newWorkspace(t.api);
    const missing = await t.api('GET', '/v1/members');
    expect(missing.status).toBe(401);
    expect(missing.headers.get('content-type')).toContain('application/problem+json');
    expect(missing.json).toMatchObject({ status: 401, code: 'auth.missing_key' });
    const wrong = await t.api('GET', '/v1/members', { key: 'um_nope' });
    expect(wrong.json.code).toBe('auth.invalid_key');
  });

  it('when anyone tries to create a workspace without the admin token, then it is refused and nothing is created', async () => {
    const closed = await createTestApp({ adminToken: undefined });
    try {
      const anonymous = await closed.api('POST', '/v1/workspaces', { json: { name: 'X' } });
      expect(anonymous.status).toBe(403);
      expect(anonymous.json.code).toBe('workspace.creation_closed');
      expect(await closed.deps.repos.workspaces.count()).toBe(0);
    } finally {
      closed.close();
    }
  });

  it('when an admin token is configured, then creating a workspace needs it', async () => {
    const guarded = await createTestApp({ adminToken: 'admin-token-0123456789' });
    try {
      const denied = await guarded.api('POST', '/v1/workspaces', { json: { name: 'X' } });
      expect(denied.status).toBe(403);
      const wrong = await guarded.api('POST', '/v1/workspaces', { json: { name: 'X' }, key: 'admin-token-wrong-wrong' });
      expect(wrong.status).toBe(403);
      const ok = await guarded.api('POST', '/v1/workspaces', { json: { name: 'X' }, key: 'admin-token-0123456789' });
      expect(ok.status).toBe(201);
    } finally {
      guarded.close();
    }
  });

  it('when /healthz, /openapi.json and /docs are fetched without a key, then they answer', async () => {
    expect((await t.api('GET', '/healthz')).status).toBe(200);
    const doc = await t.api('GET', '/openapi.json');
    expect(doc.status).toBe(200);
    expect(Object.keys(doc.json.paths)).toEqual(expect.arrayContaining(['/v1/members', '/v1/audit', '/v1/connections/ics']));
    expect((await t.api('GET', '/docs')).text).toContain('/openapi.json');
  });
});

describe('members', () => {
  it('when members are created, listed, updated and deleted, then each step is reflected', async () => {
    const { key, memberId } = await withMember();
    const list = await t.api('GET', '/v1/members', { key });
    expect(list.json.members).toHaveLength(1);
    expect(list.json.members[0].workingHours.mon).toEqual([['09:00', '17:00']]);
    const patched = await t.api('PATCH', `/v1/members/${memberId}`, {
      key,
      json: { timeZone: 'Asia/Jakarta', workingHours: { mon: [['08:00', '12:00'], ['13:00', '16:00']] } },
    });
    expect(patched.status).toBe(200);
    expect(patched.json).toMatchObject({ timeZone: 'Asia/Jakarta', workingHours: { mon: [['08:00', '12:00'], ['13:00', '16:00']] } });
    expect((await t.api('DELETE', `/v1/members/${memberId}`, { key })).status).toBe(204);
    expect((await t.api('GET', `/v1/members/${memberId}`, { key })).status).toBe(404);
  });

  it('when the time zone is unknown or working hours are invalid, then 422 with a stable code', async () => {
    const { apiKey: key } = await newWorkspace(t.api);
    const zone = await t.api('POST', '/v1/members', { key, json: { ...member, timeZone: 'Mars/Olympus' } });
    expect(zone.status).toBe(422);
    expect(zone.json.code).toBe('member.invalid_time_zone');
    const hours = await t.api('POST', '/v1/members', { key, json: { ...member, workingHours: { days: ['mon'], start: '17:00', end: '09:00' } } });
    expect(hours.status).toBe(422);
    expect(hours.json.code).toBe('member.invalid_working_hours');
    const email = await t.api('POST', '/v1/members', { key, json: { ...member, email: 'not-an-email' } });
    expect(email.json.code).toBe('request.invalid');
  });

  it('when a member edits zone or hours, then calendar settings stop replacing them until they choose to follow them again', async () => {
    const { key, memberId } = await withMember();
    const workspaceId = (await t.api('GET', '/v1/workspace', { key })).json.id as string;
    const fromCalendar = () => t.deps.repos.members.applyCalendarProfile(workspaceId, memberId, { timeZone: 'Asia/Jakarta' }, t.clock.now);
    expect((await t.api('GET', `/v1/members/${memberId}`, { key })).json.followsCalendarSettings).toBe(true);

    const edited = await t.api('PATCH', `/v1/members/${memberId}`, { key, json: { timeZone: 'Europe/Berlin' } });
    expect([edited.json.timeZone, edited.json.followsCalendarSettings]).toEqual(['Europe/Berlin', false]);
    expect(await fromCalendar()).toBe(false);
    expect((await t.api('PATCH', `/v1/members/${memberId}`, { key, json: { name: 'Alice B.' } })).json.followsCalendarSettings).toBe(false);

    const both = await t.api('PATCH', `/v1/members/${memberId}`, { key, json: { timeZone: 'UTC', followCalendarSettings: true } });
    expect([both.status, both.json.code]).toEqual([422, 'member.conflicting_profile']);

    const follow = await t.api('PATCH', `/v1/members/${memberId}`, { key, json: { followCalendarSettings: true } });
    expect([follow.json.timeZone, follow.json.followsCalendarSettings]).toEqual(['Europe/Berlin', true]);
    expect(await fromCalendar()).toBe(true);
    expect((await t.api('GET', `/v1/members/${memberId}`, { key })).json.timeZone).toBe('Asia/Jakarta');
  });

  it('when the same email is added twice, then 409', async () => {
    const { key } = await withMember();
    const again = await t.api('POST', '/v1/members', { key, json: { ...member, email: 'ALICE@example.com' } });
    expect(again.status).toBe(409);
    expect(again.json.code).toBe('member.already_exists');
  });

  it("when workspace A uses B's ids, then 404 and no data", async () => {
    const a = await withMember();
    const b = await newWorkspace(t.api, 'Other');
    for (const [method, path] of [
      ['GET', `/v1/members/${a.memberId}`],
      ['PATCH', `/v1/members/${a.memberId}`],
      ['DELETE', `/v1/members/${a.memberId}`],
    ] as const) {
      const res = await t.api(method, path, { key: b.apiKey, json: method === 'PATCH' ? { name: 'x' } : undefined });
      expect(res.status, `${method} ${path}`).toBe(404);
    }
    const upload = await t.api('POST', `/v1/connections/ics?memberId=${a.memberId}`, {
      key: b.apiKey,
      body: aliceCalendar,
      headers: { 'content-type': 'text/calendar' },
    });
    expect(upload.status).toBe(404);
    expect((await t.api('GET', '/v1/members', { key: a.key })).json.members[0].name).toBe('Alice');
  });
});

describe('ICS connections and the audit', () => {
  it('when an ICS file is uploaded, then the audit counts its meetings per member', async () => {
    const { key, memberId } = await withMember();
    const up = await t.api('POST', `/v1/connections/ics?memberId=${memberId}&name=alice.ics`, {
      key,
      body: aliceCalendar,
      headers: { 'content-type': 'text/calendar' },
    });
    expect(up.status).toBe(201);
    expect(up.json).toMatchObject({ provider: 'ics', status: 'ok', label: 'alice.ics', subscription: false });

    const audit = await t.api('GET', '/v1/audit?from=2026-11-02&to=2026-11-09', { key });
    expect(audit.status).toBe(200);
    const m = audit.json.members[0];
    expect(m.email).toBe('alice@example.com');
    expect(m.metrics.meetingHours).toBe(3);
    expect(m.metrics.workingTimeHours).toBe(40);
    expect(m.metrics.recurringMeetingHours).toBe(1);
    expect(audit.json.team.topSeries[0]).toMatchObject({ seriesKey: 'weekly-sync@test', title: 'Weekly sync', personHours: 1 });

    const one = await t.api('GET', `/v1/audit?from=2026-11-02&to=2026-11-30&member=${memberId}`, { key });
    expect(one.json.members).toHaveLength(1);
    expect(one.json.members[0].metrics.meetingHours).toBe(6);
  });

  it('when an uploaded connection is asked to sync without a new file, then it is refused and the connection keeps its status', async () => {
    const { key, memberId } = await withMember();
    const up = await t.api('POST', `/v1/connections/ics?memberId=${memberId}&name=alice.ics`, { key, body: aliceCalendar, headers: { 'content-type': 'text/calendar' } });
    const sync = await t.api('POST', `/v1/connections/${up.json.id}/sync`, { key });
    expect(sync.status).toBe(422);
    expect(sync.json.code).toBe('ics.body_required');
    const after = await t.api('GET', `/v1/connections/${up.json.id}`, { key });
    expect(after.json).toMatchObject({ status: 'ok', lastError: null });
  });

  it('when a re-upload drops and changes events, then no duplicates or ghosts remain', async () => {
    const { key, memberId } = await withMember();
    const up = await t.api('POST', '/v1/connections/ics', { key, json: { memberId, ics: aliceCalendar, name: 'a.ics' } });
    const onlyWeekly = aliceCalendar.replace(/BEGIN:VEVENT\r?\nUID:one-off@test[\s\S]*?END:VEVENT\r?\n/, '');
    const again = await t.api('POST', `/v1/connections/${up.json.id}/sync`, { key, body: onlyWeekly, headers: { 'content-type': 'text/calendar' } });
    expect(again.status).toBe(200);
    expect(again.json.events).toBe(4);
    const twice = await t.api('POST', `/v1/connections/${up.json.id}/sync`, { key, json: { ics: onlyWeekly } });
    expect(twice.json.events).toBe(4);
    const audit = await t.api('GET', '/v1/audit?from=2026-11-02&to=2026-11-30', { key });
    expect(audit.json.members[0].metrics.meetingHours).toBe(4);
  });

  it('when a feed lists one id twice, then the first import and a re-import both keep the later entry', async () => {
    const { key, memberId } = await withMember();
    const start = Date.parse('2026-11-03T09:00:00Z');
    const ics = [
      'BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//unmeet tests//EN',
      'BEGIN:VEVENT', 'UID:weekly@test', 'DTSTART:20261103T090000Z', 'DTEND:20261103T100000Z', 'RRULE:FREQ=WEEKLY;COUNT=2', 'SUMMARY:Series', 'END:VEVENT',
      // A UID that spells the series' first instance id.
      'BEGIN:VEVENT', `UID:weekly@test::${start}`, 'DTSTART:20261103T090000Z', 'DTEND:20261103T093000Z', 'SUMMARY:Standalone', 'END:VEVENT',
      'END:VCALENDAR', '',
    ].join('\r\n');
    const workspaceId = (await t.api('GET', '/v1/workspace', { key })).json.id as string;
    const stored = async () =>
      (await t.deps.repos.events.listInWindow(workspaceId, { start: 0, end: Date.parse('2027-01-01') }))
        .map(({ event: e }) => `${e.externalId} ${(e.end - e.start) / 60_000}m ${e.title}`)
        .sort();
    const expected = [`weekly@test::${start} 30m Standalone`, `weekly@test::${start + 7 * 86_400_000} 60m Series`];
    const up = await t.api('POST', '/v1/connections/ics', { key, json: { memberId, ics } });
    expect(up.status).toBe(201);
    expect(await stored()).toEqual(expected);
    const again = await t.api('POST', `/v1/connections/${up.json.id}/sync`, { key, json: { ics } });
    expect(again.status).toBe(200);
    expect(await stored()).toEqual(expected);
  });

  it('when a re-upload renames, moves and adds events, then the stored rows are exactly the new feed', async () => {
    const { key, memberId } = await withMember();
    const up = await t.api('POST', '/v1/connections/ics', { key, json: { memberId, ics: aliceCalendar } });
    const edited = aliceCalendar
      .replace('SUMMARY:Weekly sync', 'SUMMARY:Weekly planning')
      .replace('DTSTART:20261103T140000Z\r\nDTEND:20261103T160000Z', 'DTSTART:20261104T140000Z\r\nDTEND:20261104T150000Z')
      .replace('END:VCALENDAR', 'BEGIN:VEVENT\r\nUID:new@test\r\nDTSTAMP:20261101T000000Z\r\nDTSTART:20261105T090000Z\r\nDTEND:20261105T093000Z\r\nSUMMARY:Added\r\nEND:VEVENT\r\nEND:VCALENDAR');
    const workspaceId = (await t.api('GET', '/v1/workspace', { key })).json.id as string;
    const stored = async () =>
      (await t.deps.repos.events.listInWindow(workspaceId, { start: 0, end: Date.parse('2027-01-01') }))
        .map(({ event: e }) => `${new Date(e.start).toISOString().slice(0, 16)} ${(e.end - e.start) / 60_000}m ${e.title}`)
        .sort();
    for (let i = 0; i < 2; i++) {
      const res = await t.api('POST', `/v1/connections/${up.json.id}/sync`, { key, json: { ics: edited } });
      expect(res.json.events).toBe(6);
      expect(await stored()).toEqual([
        '2026-11-02T10:00 60m Weekly planning',
        '2026-11-04T14:00 60m Review',
        '2026-11-05T09:00 30m Added',
        '2026-11-09T10:00 60m Weekly planning',
        '2026-11-16T10:00 60m Weekly planning',
        '2026-11-23T10:00 60m Weekly planning',
      ]);
    }
  });

  it('when a malformed file is uploaded, then 422 names the line and earlier data stays intact', async () => {
    const { key, memberId } = await withMember();
    const up = await t.api('POST', '/v1/connections/ics', { key, json: { memberId, ics: aliceCalendar } });
    const broken = aliceCalendar.replaceAll('VCALENDAR', 'VCARD'); // only a file without a calendar is refused
    const res = await t.api('POST', `/v1/connections/${up.json.id}/sync`, { key, json: { ics: broken } });
    expect(res.status).toBe(422);
    expect(res.json.code).toBe('ics.parse_error');
    expect(res.json.line).toBe(1);
    const audit = await t.api('GET', '/v1/audit?from=2026-11-02&to=2026-11-30', { key });
    expect(audit.json.members[0].metrics.meetingHours).toBe(6);
    const conn = await t.api('GET', `/v1/connections/${up.json.id}`, { key });
    expect(conn.json).toMatchObject({ status: 'error', lastError: 'ics.parse_error' });
  });

  it('when a feed would expand past the per-file instance cap, then at most the cap is stored and the import answer and the connection health report it', async () => {
    const { key, memberId } = await withMember();
    const daily = Array.from({ length: 1_000 }, (_, i) =>
      ['BEGIN:VEVENT', `UID:daily-${i}`, 'DTSTART:20260101T090000Z', 'DURATION:PT30M', 'RRULE:FREQ=DAILY', 'END:VEVENT'].join('\n'),
    );
    const forever = ['BEGIN:VEVENT', 'UID:forever', 'DTSTART:20261201T090000Z', 'DURATION:P999999999999999999W', 'END:VEVENT'].join('\n');
    const up = await t.api('POST', '/v1/connections/ics', { key, json: { memberId, ics: ics(`${forever}\n${daily.join('\n')}`), name: 'storm.ics' } });
    expect(up.status).toBe(201);
    expect(up.json.warningCounts).toMatchObject({ end_clamped: 1 });
    expect(up.json.warningCounts.instance_cap).toBeGreaterThan(0);
    expect(up.json.warnings[0]).toMatchObject({ code: 'end_clamped', uid: 'forever', line: 8 });
    const again = await t.api('POST', `/v1/connections/${up.json.id}/sync`, { key, json: { ics: ics(daily.join('\n')) } });
    expect(again.status).toBe(200);
    expect(again.json.events).toBeLessThanOrEqual(100_000);
    expect(again.json.events).toBeGreaterThan(99_000);
    expect(again.json.warningCounts.instance_cap).toBeGreaterThanOrEqual(700); // about 274 series of ~365 fit
    const conn = await t.api('GET', `/v1/connections/${up.json.id}`, { key });
    expect(conn.json.health.notice).toMatch(/instance_cap \d+ \(lines \d+, /);
    const clean = await t.api('POST', `/v1/connections/${up.json.id}/sync`, { key, json: { ics: aliceCalendar } });
    expect(clean.json.warnings).toEqual([]);
    expect((await t.api('GET', `/v1/connections/${up.json.id}`, { key })).json.health.notice).toBeNull();
  });

  it('when a new connection fails to parse, then nothing is created', async () => {
    const { key, memberId } = await withMember();
    const res = await t.api('POST', '/v1/connections/ics', { key, json: { memberId, ics: 'hello' } });
    expect(res.status).toBe(422);
    expect((await t.api('GET', '/v1/connections', { key })).json.connections).toEqual([]);
  });

  it('when the body is larger than the limit, then 413', async () => {
    const { key, memberId } = await withMember();
    const huge = 'X'.repeat(11 * 1024 * 1024);
    const res = await t.api('POST', `/v1/connections/ics?memberId=${memberId}`, { key, body: huge, headers: { 'content-type': 'text/calendar' } });
    expect(res.status).toBe(413);
    expect(res.json.code).toBe('request.too_large');
    const json = await t.api('POST', '/v1/members', { key, body: JSON.stringify({ ...member, name: 'x'.repeat(300_000) }), headers: { 'content-type': 'application/json' } });
    expect(json.status).toBe(413);
  });

  it('when the audit range is invalid or the member unknown, then 422/404 with codes', async () => {
    const { key } = await withMember();
    expect((await t.api('GET', '/v1/audit?from=2026-11-30&to=2026-11-02', { key })).json.code).toBe('audit.invalid_range');
    expect((await t.api('GET', '/v1/audit?from=2026-13-01&to=2026-12-02', { key })).json.code).toBe('audit.invalid_range');
    expect((await t.api('GET', '/v1/audit?from=nope&to=2026-11-02', { key })).json.code).toBe('request.invalid');
    const unknown = await t.api('GET', '/v1/audit?from=2026-11-02&to=2026-11-09&member=nobody@example.com', { key });
    expect(unknown.status).toBe(404);
    expect(unknown.json.code).toBe('member.not_found');
  });
});

describe('ICS subscriptions', () => {
  let server: Server;
  let base: string;
  let feed = aliceCalendar;
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url?.startsWith('/cal.ics')) {
        res.writeHead(200, { 'content-type': 'text/calendar' });
        res.end(feed);
      } else if (req.url === '/page') {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end('<html>not a calendar</html>');
      } else {
        res.writeHead(404);
        res.end();
      }
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((done) => server.close(() => done())));

  it('when a subscription URL is connected, then it imports, hides the URL, encrypts it and refreshes on schedule', async () => {
    const { key, memberId } = await withMember();
    const res = await t.api('POST', '/v1/connections/ics', { key, json: { memberId, url: `${base}/cal.ics?secret=abc` } });
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({ subscription: true, label: base.replace('http://', '') });
    expect(res.text).not.toContain('secret=abc');
    const stored = (t.deps.db as any).$client.prepare('select credentials from connections').get();
    expect(stored.credentials).toMatch(/^v2\./);
    expect(stored.credentials).not.toContain('secret=abc');

    feed = aliceCalendar.replace(/BEGIN:VEVENT\r?\nUID:one-off@test[\s\S]*?END:VEVENT\r?\n/, '');
    const { runDueJobs } = await import('../../src/jobs/run-due-jobs');
    expect(await runDueJobs(t.deps, t.clock.now, { owner: 'test' })).toEqual({ ran: 0, failed: 0 });
    t.clock.now += 61 * 60_000;
    expect(await runDueJobs(t.deps, t.clock.now, { owner: 'test' })).toEqual({ ran: 1, failed: 0 });
    const audit = await t.api('GET', '/v1/audit?from=2026-11-02&to=2026-11-30', { key });
    expect(audit.json.members[0].metrics.meetingHours).toBe(4);
    feed = aliceCalendar;
  });

  it('when the URL is not a calendar or not found, then a clear error and nothing stored', async () => {
    const { key, memberId } = await withMember();
    const page = await t.api('POST', '/v1/connections/ics', { key, json: { memberId, url: `${base}/page` } });
    expect(page.json.code).toBe('ics.not_calendar');
    const missing = await t.api('POST', '/v1/connections/ics', { key, json: { memberId, url: `${base}/missing.ics` } });
    expect(missing.status).toBe(502);
    expect(missing.json.code).toBe('ics.url_unreachable');
    expect((await t.api('GET', '/v1/connections', { key })).json.connections).toEqual([]);
  });

  it('when private addresses are not allowed, then a loopback URL is refused', async () => {
    const strict = await createTestApp({
      ics: { fetch: globalThis.fetch, resolveHost: async () => ['127.0.0.1'], allowPrivate: false, refreshMinutes: 60 },
    });
    try {
      const { apiKey } = await newWorkspace(strict.api);
      const m = await strict.api('POST', '/v1/members', { key: apiKey, json: member });
      const res = await strict.api('POST', '/v1/connections/ics', { key: apiKey, json: { memberId: m.json.id, url: `${base}/cal.ics` } });
      expect(res.status).toBe(422);
      expect(res.json.code).toBe('ics.url_forbidden');
    } finally {
      strict.close();
    }
  });
});

describe('rate limiting', () => {
  it('when a key exceeds its budget, then 429 with Retry-After, and other keys are unaffected', async () => {
    const { createRateLimiter } = await import('../../src/services/rate-limit');
    const clock = { now: 0 };
    const limited = await createTestApp({ rateLimiter: createRateLimiter({ limit: 3, windowMs: 60_000, clock: () => clock.now }) });
    try {
      const a = await newWorkspace(limited.api, 'A');
      const b = await newWorkspace(limited.api, 'B');
      for (let i = 0; i < 3; i++) expect((await limited.api('GET', '/v1/members', { key: a.apiKey })).status).toBe(200);
      const over = await limited.api('GET', '/v1/members', { key: a.apiKey });
      expect(over.status).toBe(429);
      expect(over.json.code).toBe('rate_limited');
      expect(Number(over.headers.get('retry-after'))).toBe(20);
      expect((await limited.api('GET', '/v1/members', { key: b.apiKey })).status).toBe(200);
      clock.now += 20_000;
      expect((await limited.api('GET', '/v1/members', { key: a.apiKey })).status).toBe(200);
    } finally {
      limited.close();
    }
  });
});

describe('audit cache', () => {
  it('when events, members or settings change, then the next audit reflects them (cached results carry the data version) and an old ETag no longer matches', async () => {
    const { key, memberId } = await withMember();
    const up = await t.api('POST', '/v1/connections/ics', { key, json: { memberId, ics: aliceCalendar } });
    const audit = () => t.api('GET', '/v1/audit?from=2026-11-02&to=2026-11-09', { key });
    const first = await audit();
    expect(first.json.members[0].metrics.meetingHours).toBe(3);
    expect((await audit()).json).toEqual(first.json);

    // The same report revalidates for free; another workspace's ETag or a changed one does not.
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^"[\w-]{22}"$/);
    const revalidate = (tag: string) => t.api('GET', '/v1/audit?from=2026-11-02&to=2026-11-09', { key, headers: { 'if-none-match': tag } });
    const notModified = await revalidate(`W/"other", ${etag}`);
    expect([notModified.status, notModified.text]).toEqual([304, '']);
    expect(notModified.headers.get('etag')).toBe(etag);
    expect((await revalidate('"other"')).status).toBe(200);

    await t.api('POST', `/v1/connections/${up.json.id}/sync`, { key, json: { ics: aliceCalendar.replace(/BEGIN:VEVENT\r?\nUID:one-off@test[\s\S]*?END:VEVENT\r?\n/, '') } });
    const changed = await revalidate(etag);
    expect([changed.status, changed.json.members[0].metrics.meetingHours]).toEqual([200, 1]);
    expect(changed.headers.get('etag')).not.toBe(etag);

    await t.api('PATCH', `/v1/members/${memberId}`, { key, json: { workingHours: { days: ['mon'], start: '09:00', end: '10:30' } } });
    expect((await audit()).json.members[0].metrics.workingTimeHours).toBe(1.5);

    // Monday 09:00-12:30 around the 10:00-11:00 meeting leaves gaps of 60 and 90 minutes.
    await t.api('PATCH', `/v1/members/${memberId}`, { key, json: { workingHours: { days: ['mon'], start: '09:00', end: '12:30' } } });
    expect((await audit()).json.members[0].metrics.focusHours).toBe(0);
    await t.api('PATCH', '/v1/workspace', { key, json: { focusMinMinutes: 60 } });
    expect((await audit()).json.members[0].metrics.focusHours).toBe(2.5);

    await t.api('DELETE', `/v1/connections/${up.json.id}`, { key });
    expect((await audit()).json.members[0].metrics.meetingHours).toBe(0);
  });
});

describe('compressed reports', () => {
  it('when a client accepts gzip, then the cached audit comes compressed with its own ETag, and q=0 or no header gets identity', async () => {
    const { key, memberId } = await withMember();
    await t.api('POST', '/v1/connections/ics', { key, json: { memberId, ics: aliceCalendar } });
    const get = (headers: Record<string, string>) => t.app.request('/v1/audit?from=2026-11-02&to=2026-11-30', { headers: { authorization: `Bearer ${key}`, ...headers } });
    const plain = await get({});
    const plainBody = await plain.text();
    const gz = await get({ 'accept-encoding': 'br;q=1.0, gzip;q=0.8' });
    expect(gz.headers.get('content-encoding')).toBe('gzip');
    expect(gz.headers.get('vary')).toBe('Accept-Encoding');
    expect(gz.headers.get('etag')).toBe(plain.headers.get('etag')!.replace(/"$/, '.gz"'));
    const inflated = await new Response(gz.body!.pipeThrough(new DecompressionStream('gzip'))).text();
    expect(inflated).toBe(plainBody);
    expect((await get({ 'accept-encoding': 'gzip', 'if-none-match': gz.headers.get('etag')! })).status).toBe(304);
    const refused = await get({ 'accept-encoding': 'gzip;q=0, identity' });
    expect([refused.headers.get('content-encoding'), await refused.text()]).toEqual([null, plainBody]);
  });
});

describe('flags pages', () => {
  it('when flags are listed with limit and offset, then pages cut the highest-first list and total counts them all', async () => {
    const { key, memberId } = await withMember();
    await t.api('POST', '/v1/connections/ics', { key, json: { memberId, ics: aliceCalendar } });
    const all = await t.api('GET', '/v1/flags?from=2026-11-02&to=2026-11-30', { key });
    expect(all.status).toBe(200);
    expect(all.json.total).toBe(all.json.series.length);
    expect(all.json.total).toBeGreaterThanOrEqual(1);
    const first = await t.api('GET', '/v1/flags?from=2026-11-02&to=2026-11-30&limit=1', { key });
    expect(first.json.series).toEqual(all.json.series.slice(0, 1));
    const past = await t.api('GET', `/v1/flags?from=2026-11-02&to=2026-11-30&offset=${all.json.total}`, { key });
    expect(past.json).toMatchObject({ total: all.json.total, series: [] });
    expect((await t.api('GET', '/v1/flags?limit=0', { key })).status).toBe(422);
  });
});
