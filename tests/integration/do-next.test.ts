import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { normalizeWorkingHours } from '../../src/domain/working-hours';
import type { CalendarEvent } from '../../src/domain/types';
import { createLinkSigner } from '../../src/providers/mail/signed-links';
import { createTokenVault } from '../../src/providers/token-vault';
import { createWorkspace } from '../../src/services/workspaces';
import { createTestApp } from '../helpers/app';
import { dashboardBrowser } from '../helpers/dashboard-browser';
import { attendee, calendarEvent } from '../helpers/events';
import { sessionHeaders, signedInPerson } from '../helpers/people';

type T = Awaited<ReturnType<typeof createTestApp>>;

const DAY = 86_400_000;
const HOUR = 3_600_000;
// The clock stands on Saturday 2026-11-28: the last complete week is 2026-11-16 to 2026-11-23.
const MONDAYS = ['2026-10-26', '2026-11-02', '2026-11-09', '2026-11-16'].map((d) => Date.parse(`${d}T00:00:00Z`));
const PEOPLE = [
  ['ana', 'Ana'],
  ['budi', 'Budi'],
  ['citra', 'Citra'],
  ['dewi', 'Dewi'],
  ['eko', 'Eko'],
  ['fajar', 'Fajar'],
] as const;
const email = (id: string) => `${id}@acme.test`;
const everyone = PEOPLE.map(([id]) => attendee(email(id)));

/**
 * Everyone's Monday status meeting (a series Ana organizes, an hour, six people, no agenda), and
 * for Ana, Budi and Citra three meetings a day spaced so that no free gap reaches two hours: no
 * focus time at all, under their 10 h/week target.
 */
function calendarOf(id: string): CalendarEvent[] {
  const events: CalendarEvent[] = [];
  for (const monday of MONDAYS) {
    events.push(
      calendarEvent({
        externalId: `status-${monday}`,
        seriesKey: 'weekly-status@acme.test',
        originalStart: monday + 9 * HOUR,
        title: 'Weekly status update',
        start: monday + 9 * HOUR,
        end: monday + 10 * HOUR,
        organizer: email('ana'),
        attendees: everyone,
      }),
    );
    if (!['ana', 'budi', 'citra'].includes(id)) continue;
    for (let day = 0; day < 5; day++) {
      for (const [h, m] of [[10, 30], [13, 0], [15, 30]] as const) {
        const start = monday + day * DAY + h * HOUR + m * 60_000;
        events.push(calendarEvent({ externalId: `busy-${id}-${start}`, title: 'Pairing', start, end: start + HOUR, organizer: email(id), attendees: [attendee(email(id)), attendee(email('fajar'))] }));
      }
    }
  }
  return events;
}

let t: T;
let workspaceId: string;
let apiKey: string;
const memberIds: Record<string, string> = {};

beforeEach(async () => {
  t = await createTestApp({
    mail: { transport: null, from: { email: 'unmeet@unmeet.test', name: 'unmeet' }, links: createLinkSigner(await createTokenVault('test-secret-test-secret-test-secret!')) },
  });
  const created = await createWorkspace(t.deps, { name: 'Acme', hourlyRate: 80 });
  workspaceId = created.workspace.id;
  apiKey = created.apiKey;
  for (const [id, name] of PEOPLE) {
    const member = await t.deps.repos.members.create(workspaceId, { email: email(id), name, timeZone: 'UTC', locale: 'en', workingHours: normalizeWorkingHours(undefined) }, t.clock.now);
    memberIds[id] = member.id;
    const connection = await t.deps.repos.connections.create(workspaceId, { memberId: member.id, provider: 'ics', label: `${id}.ics`, credentials: null });
    const calendar = await t.deps.repos.connections.ensureCalendar(workspaceId, connection.id, { externalId: 'ics', name: id, timeZone: null, isPrimary: true });
    await t.deps.repos.events.replaceCalendar(workspaceId, calendar.id, calendarOf(id), { start: MONDAYS[0]! - 7 * DAY, end: t.clock.now + 28 * DAY }, t.clock.now, { fresh: true });
  }
  // A committed weekly sync where the one far-away participant carried 90 % of the pain.
  const participants = [{ email: email('dewi') }, { email: email('eko') }, { email: 'kenji@partner.test', timeZone: 'Asia/Tokyo' }];
  const input = { title: 'Platform sync', durationMinutes: 60, cadence: { every: 1, unit: 'week' }, occurrences: 4, startDate: '2026-11-02', participants };
  await t.deps.repos.rotations.create(workspaceId, { id: 'rot_sync', title: 'Platform sync', status: 'preview', input, plan: {}, createdAt: t.clock.now - 30 * DAY });
  const burden = (who: string, timeZone: string, points: number) => ({ email: who, timeZone, burden: points, outsideHoursCount: points > 10 ? 4 : 0, nightCount: 0, at: t.clock.now - 7 * DAY });
  await t.deps.repos.rotations.commit(workspaceId, 'rot_sync', [burden(email('dewi'), 'UTC', 5), burden(email('eko'), 'UTC', 5), burden('kenji@partner.test', 'Asia/Tokyo', 90)], t.clock.now - 7 * DAY);
});
afterEach(() => t.close());

type Item = { kind: string; key: string; hoursPerMonth: number; [k: string]: unknown };
const doNext = async (headers: Record<string, string> = { authorization: `Bearer ${apiKey}` }) => {
  const res = await t.app.request('/v1/do-next', { headers });
  expect(res.status).toBe(200);
  return (await res.json()) as { week: { from: string; to: string }; items: Item[]; hoursPerMonth: number; hidden: number };
};
const hide = (key: string, how: 'dismiss' | 'snooze', headers: Record<string, string> = { authorization: `Bearer ${apiKey}` }) =>
  t.app.request(`/v1/do-next/${encodeURIComponent(key)}/${how}`, { method: 'POST', headers });

describe('Do next through the API', () => {
  it('when a manager asks, then the status series, the people below their focus target and the lopsided rotation are listed, and the total adds their hours back', async () => {
    const list = await doNext();
    expect(list.week).toEqual({ from: '2026-11-16', to: '2026-11-23' });
    expect(list.items.map((i) => i.key)).toEqual(['focus:below-target', 'series:weekly-status@acme.test', 'rotation:rot_sync']);
    const [focus, series, rotation] = list.items as [Item, Item, Item];
    // Three people at 0 h of a 10 h/week target: 30 h/week, 130 h a month.
    expect(focus).toMatchObject({ named: [{ name: 'Ana' }, { name: 'Budi' }, { name: 'Citra' }], unnamed: 0, hoursPerMonth: 130 });
    expect(series).toMatchObject({ title: 'Weekly status update' });
    expect(series.hoursPerYear as number).toBeGreaterThan(0);
    expect(Math.abs(series.hoursPerMonth - (series.hoursPerYear as number) / 12)).toBeLessThanOrEqual(0.05 + 1e-9);
    // The money is the flag's own (unrounded hours × 80 USD/h); the hours shown are rounded to 0.1 h.
    expect(Math.abs((series.moneyPerYear as number) - (series.hoursPerYear as number) * 80)).toBeLessThanOrEqual(0.05 * 80 + 1);
    expect(rotation).toMatchObject({ zone: 'Asia/Tokyo', burdenShare: 0.9, peopleShare: 0.33, hoursPerMonth: 0 });
    expect(list.hoursPerMonth).toBeCloseTo(focus.hoursPerMonth + series.hoursPerMonth, 1);
  });

  it('when one viewer snoozes an item, then it is hidden from them only, and back for them after seven days', async () => {
    const key = 'series:weekly-status@acme.test';
    const snoozed = await hide(key, 'snooze');
    expect(snoozed.status).toBe(200);
    expect(await snoozed.json()).toEqual({ itemKey: key, until: new Date(t.clock.now + 7 * DAY).toISOString() });
    const mine = await doNext();
    expect(mine.items.map((i) => i.key)).toEqual(['focus:below-target', 'rotation:rot_sync']);
    expect(mine).toMatchObject({ hidden: 1, hoursPerMonth: 130 });

    const admin = await signedInPerson(t.deps, workspaceId, 'admin', { email: 'ada@acme.test', name: 'Ada' });
    expect((await doNext(sessionHeaders(admin.cookie))).items.map((i) => i.key)).toContain(key);

    t.clock.now += 6 * DAY;
    expect((await doNext()).items.map((i) => i.key)).not.toContain(key);
    t.clock.now += DAY;
    expect((await doNext()).items.map((i) => i.key)).toContain(key);
  });

  it('when an item is dismissed, then it stays hidden weeks later; a key that names no item is not found', async () => {
    expect((await hide('series:weekly-status@acme.test', 'dismiss')).status).toBe(200);
    t.clock.now += 60 * DAY;
    expect((await doNext()).items.map((i) => i.key)).not.toContain('series:weekly-status@acme.test');
    const refused = await hide('everything', 'dismiss');
    expect(refused.status).toBe(404);
    expect(await refused.json()).toMatchObject({ code: 'do_next.not_found' });
  });

  it('when a member asks, then the answer is 403: Do next is for managers and up', async () => {
    const member = await signedInPerson(t.deps, workspaceId, 'member', { email: 'mia@acme.test', name: 'Mia', memberId: memberIds.dewi! });
    expect((await t.app.request('/v1/do-next', { headers: sessionHeaders(member.cookie) })).status).toBe(403);
  });

  it('when a person below target does not share, then another viewer gets neither their name nor, in a group this small, a count that would single them out', async () => {
    await signedInPerson(t.deps, workspaceId, 'member', { email: 'ana.person@acme.test', name: 'Ana Private', memberId: memberIds.ana! });
    const admin = await signedInPerson(t.deps, workspaceId, 'admin', { email: 'ada@acme.test', name: 'Ada' });
    const list = await doNext(sessionHeaders(admin.cookie));
    const focus = list.items.find((i) => i.kind === 'focus')!;
    expect(focus).toMatchObject({ named: [{ name: 'Budi' }, { name: 'Citra' }], unnamed: 0, hoursPerMonth: 86.7 });
    expect(JSON.stringify(list)).not.toContain('Ana');
  });
});

describe('Do next and team health on the overview', () => {
  const signedIn = async () => {
    const b = dashboardBrowser(t.app);
    await b.signIn(apiKey);
    return b;
  };

  it('when the overview opens without a range, then it covers the four complete weeks and shows the share of the team past each threshold', async () => {
    const b = await signedIn();
    const home = await b.request('GET', '/');
    expect(home.status).toBe(200);
    expect(home.text).toContain('name="from" value="2026-10-26"');
    const tile = /data-code="focus_under_10h_week"[\s\S]*?<\/svg>/.exec(home.text)![0];
    expect(tile).toContain('data-key="share">50%');
    expect(tile).toContain('3 of 6 people');
    expect(tile).toContain('First week 50% → Last week 50%: about the same');
    const meetings = /data-code="meeting_share_over_50"[\s\S]*?<\/svg>/.exec(home.text)![0];
    expect(meetings).toContain('0 of 6 people');
    // Meeting hours on their own scale, in h/week, with the meeting-share line at half of 40 h.
    expect(home.text).toContain('>h/week</text>');
    expect(home.text).toContain('50 % of working time (20.0 h/week)');
    for (const metric of ['fragmentedHours', 'backToBackChains', 'recurringMeetingHours', 'recurringCost', 'crossZoneOutsideHoursHours', 'afterHoursMeetingHours', 'nonWorkingDayMeetingHours', 'focusHours']) {
      expect(home.text, metric).toContain(`data-metric="${metric}"`);
    }
  });

  it('when the overview is in Indonesian, then the health tiles, Do next and numbers are Indonesian', async () => {
    const b = dashboardBrowser(t.app, 'id');
    await b.signIn(apiKey);
    const home = await b.request('GET', '/');
    expect(home.text).toContain('Kesehatan tim');
    expect(home.text).toContain('3 dari 6 orang');
    expect(home.text).toContain('Langkah berikutnya');
    expect(home.text).toContain('Jam yang kembali per bulan jika semua ini dilakukan');
    expect(home.text).toContain('130,0 jam kembali per bulan');
    expect(home.text).not.toContain('Do next');
  });

  it('when an admin opens the overview, then each Do next item offers its action, and dismissing one is a POST-redirect-GET that leaves it out', async () => {
    const b = await signedIn();
    const home = await b.request('GET', '/');
    const section = /data-testid="do-next"[\s\S]*?<\/section>/.exec(home.text)![0];
    expect(section).toContain('action="/focus/apply"');
    expect(section).toContain('action="/flags/queue"');
    expect(section).toContain('value="weekly-status@acme.test"');
    expect(section).toContain('action="/rotation"');
    expect(section).toMatch(/Hours back per month if you do all of this: \d+\.\d h/);

    const dismissed = await b.request('POST', '/do-next/dismiss', { _csrf: b.csrfOf(home.text), key: 'rotation:rot_sync' });
    expect(dismissed).toMatchObject({ status: 303, location: '/#do-next' });
    const after = await b.request('GET', '/');
    expect(after.text).not.toContain('data-key="rotation:rot_sync"');
    expect(after.text).toContain('1 dismissed or snoozed.');
    // The dismissal belongs to this key's sessions: the API under the same key agrees.
    expect((await doNext()).items.map((i) => i.key)).not.toContain('rotation:rot_sync');
  });

  it('when the re-plan form of the lopsided rotation is posted, then the rotation is planned again from next Monday with the same people', async () => {
    const b = await signedIn();
    const home = await b.request('GET', '/');
    const form = /<form method="post" action="\/rotation"[\s\S]*?<\/form>/.exec(home.text)![0];
    const fields = [...form.matchAll(/name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1]!, m[2]!.replace(/&#10;|\n/g, '\n')] as [string, string]);
    const body = new URLSearchParams(fields);
    expect(body.get('startDate')).toBe('2026-11-30');
    expect(body.getAll('participant')).toEqual([email('dewi'), email('eko')]);
    expect(body.get('extra')).toBe('kenji@partner.test Asia/Tokyo');
    const res = await t.app.request('http://127.0.0.1:8787/rotation', {
      method: 'POST',
      headers: { cookie: [...b.jar].map(([k, v]) => `${k}=${v}`).join('; '), 'content-type': 'application/x-www-form-urlencoded', 'accept-language': 'en' },
      body: body.toString(),
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toMatch(/^\/rotation\/rot_/);
  });

  it('when more than 40 people are named, then the chart is the team distribution per week and the table keeps the last week, one row each', async () => {
    for (let i = 0; i < 40; i++) {
      await t.deps.repos.members.create(workspaceId, { email: `extra${i}@acme.test`, name: `Extra ${i}`, timeZone: 'UTC', locale: 'en', workingHours: normalizeWorkingHours(undefined) }, t.clock.now);
    }
    const b = await signedIn();
    const home = await b.request('GET', '/');
    expect(home.text).toContain('class="chart dist fixed"');
    expect(home.text).not.toContain('class="chart bars fixed"');
    expect(home.text).toContain('The last week of the range, one row per person.');
    expect([...home.text.matchAll(/<tr data-member="/g)]).toHaveLength(46);
    expect([...home.text.matchAll(/data-week="2026-11-16"/g)]).toHaveLength(46);
    // 46 people: the median, p75 and p90 of each of the 4 weeks (40 people without meetings: only p90 is above 0 h).
    for (const q of ['p50', 'p75', 'p90']) expect([...home.text.matchAll(new RegExp(`>${q}</text>`, 'g'))], q).toHaveLength(4);
    expect([...home.text.matchAll(/class="dist-p90"/g)]).toHaveLength(4);
    expect(home.text).not.toContain('class="dist-p50"');
  });

  it('when a manager opens the overview, then the admin-only actions say so instead of offering a button that would be refused', async () => {
    const manager = await signedInPerson(t.deps, workspaceId, 'manager', { email: 'max@acme.test', name: 'Max' });
    const b = dashboardBrowser(t.app);
    b.jar.set('um_session', manager.token);
    const home = await b.request('GET', '/');
    const section = /data-testid="do-next"[\s\S]*?<\/section>/.exec(home.text)![0];
    expect(section).not.toContain('action="/focus/apply"');
    expect(section).not.toContain('action="/flags/queue"');
    expect(section).toContain('An admin can do this.');
  });
});
