import { describe, expect, it } from 'vitest';
import type { AuditMetrics } from '../../src/domain/audit';
import {
  aggregateTeam,
  distribution,
  effectiveMinGroupSize,
  privateMemberIds,
  quantile,
  weekContaining,
  type GroupInput,
  type PersonNumbers,
} from '../../src/domain/privacy';

const ZERO: AuditMetrics = {
  meetingHours: 0,
  meetingCount: 0,
  afterHoursMeetingHours: 0,
  nonWorkingDayMeetingHours: 0,
  workingTimeHours: 40,
  awayHours: 0,
  meetingInWorkingHours: 0,
  otherBusyHours: 0,
  meetingShare: 0,
  focusHours: 0,
  fragmentedHours: 0,
  backToBackChains: 0,
  recurringMeetingHours: 0,
  crossZoneMeetingHours: 0,
  crossZoneOutsideHoursHours: 0,
};

/** A person with one week of numbers: meeting hours inside 40 working hours, after-hours and focus as given. */
function person(id: string, week: { meeting: number; afterHours?: number; focus?: number }, shares = false): PersonNumbers {
  const m: AuditMetrics = {
    ...ZERO,
    meetingHours: week.meeting + (week.afterHours ?? 0),
    meetingInWorkingHours: week.meeting,
    meetingShare: Math.round((week.meeting / 40) * 1000) / 1000,
    afterHoursMeetingHours: week.afterHours ?? 0,
    focusHours: week.focus ?? 0,
  };
  return { memberId: id, email: `${id}@example.com`, name: id.toUpperCase(), shares, metrics: m, perWeek: m };
}

const peopleMap = (...people: PersonNumbers[]) => new Map(people.map((p) => [p.memberId, p]));
const group = (id: string, ...memberIds: string[]): GroupInput => ({ id, name: id, memberIds });

describe('effectiveMinGroupSize', () => {
  it.each([
    [undefined, 5],
    [null, 5],
    [5, 5],
    [8, 8],
    [3, 3],
    [2, 3],
    [0, 3],
    [-4, 3],
    [Number.NaN, 5],
  ])('when the setting is %s, then the minimum in force is %s (never below 3)', (setting, expected) => {
    expect(effectiveMinGroupSize(setting)).toBe(expected);
  });
});

describe('quantile and distribution', () => {
  it.each([
    [[1, 2, 3, 4, 5], 0.5, 3],
    [[5, 1, 4, 2, 3], 0.75, 4],
    [[1, 2, 3, 4], 0.5, 2.5],
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9, 9.1],
    [[7], 0.9, 7],
  ])('when the values are %j, then the %s quantile interpolates to %s', (values, q, expected) => {
    expect(quantile(values, q)).toBeCloseTo(expected, 10);
  });

  it.each([
    [[1, 2, 3], { median: 2, p75: null, p90: null }],
    [[1, 2, 3, 4], { median: 2.5, p75: 3.25, p90: null }],
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], { median: 5.5, p75: 7.75, p90: 9.1 }],
  ])('when a group has %j, then p75 needs 4 people and p90 needs 10', (values, expected) => {
    expect(distribution(values)).toEqual(expected);
  });
});

describe('aggregateTeam', () => {
  const five = ['a', 'b', 'c', 'd', 'e'];
  const numbers = peopleMap(
    person('a', { meeting: 10, focus: 20 }),
    person('b', { meeting: 25, afterHours: 3, focus: 5 }, true),
    person('c', { meeting: 30, focus: 4 }),
    person('d', { meeting: 12, afterHours: 1, focus: 15 }),
    person('e', { meeting: 22, focus: 9 }, true),
    person('f', { meeting: 5 }),
    person('g', { meeting: 6 }),
    person('h', { meeting: 7 }),
    person('i', { meeting: 8 }),
  );

  it('when a group has 5 people and the minimum is 5, then it gets totals, distributions and threshold counts', () => {
    const view = aggregateTeam({ groups: [group('eng', ...five)], people: numbers, minGroupSize: 5 });
    expect(view.others).toBeNull();
    const [eng] = view.groups;
    expect(eng!.size).toBe(5);
    expect(eng!.totals.perWeek.meetingInWorkingHours).toBe(99);
    expect(eng!.totals.perWeek.workingTimeHours).toBe(200);
    expect(eng!.totals.perWeek.meetingShare).toBe(0.495);
    expect(eng!.distributions.meetingHours).toEqual({ median: 22, p75: 28, p90: null });
    expect(eng!.distributions.meetingShare.median).toBe(0.55);
    expect(Object.fromEntries(eng!.thresholds.map((t) => [t.code, t.count]))).toEqual({
      meeting_share_over_50: 3,
      after_hours_over_1h_week: 1, // b's 3 h; d's 1 h is not over the line
      focus_under_10h_week: 3,
      back_to_back_3_per_week: 0,
    });
    expect(eng!.thresholds.every((t) => t.of === 5)).toBe(true);
  });

  it('when some people share, then only they are named, in address order, never ranked', () => {
    const view = aggregateTeam({ groups: [group('eng', 'e', 'd', 'c', 'b', 'a')], people: numbers, minGroupSize: 5 });
    expect(view.groups[0]!.shared.map((s) => s.email)).toEqual(['b@example.com', 'e@example.com']);
    expect(JSON.stringify(view)).not.toContain('a@example.com');
    expect(JSON.stringify(view)).not.toContain('c@example.com');
  });

  it('when a group of 4 meets a minimum of 5, then it merges into others, and others of 4 alone is suppressed with a reason', () => {
    const view = aggregateTeam({ groups: [group('eng', ...five), group('ops', 'f', 'g', 'h', 'i')], people: numbers, minGroupSize: 5 });
    expect(view.groups.map((g) => g.id)).toEqual(['eng']);
    expect(view.others).toMatchObject({ id: 'others', suppressed: true, merged: ['ops'] });
    expect(view.others!.suppressed && view.others!.reason).toMatch(/fewer than 5 people/);
    expect(JSON.stringify(view.others)).not.toMatch(/meetingHours|f@example/);
  });

  it('when two small groups together reach the minimum, then others shows their merged figures, each person once', () => {
    const view = aggregateTeam({
      groups: [group('ops', 'f', 'g', 'h'), group('sales', 'h', 'i', 'a')],
      people: numbers,
      minGroupSize: 5,
    });
    expect(view.groups).toEqual([]);
    expect(view.others).toMatchObject({ suppressed: false, merged: ['ops', 'sales'], size: 5 });
    if (view.others && !view.others.suppressed) expect(view.others.totals.perWeek.meetingInWorkingHours).toBe(5 + 6 + 7 + 8 + 10);
  });

  it('when two small groups are still too small together, then the reason says so', () => {
    const view = aggregateTeam({ groups: [group('ops', 'f', 'g'), group('sales', 'h')], people: numbers, minGroupSize: 5 });
    expect(view.others).toMatchObject({ suppressed: true });
    expect(view.others!.suppressed && view.others!.reason).toMatch(/even together \(3\)/);
  });

  it('when the setting is below 3, then a group of 2 is still merged and suppressed', () => {
    const view = aggregateTeam({ groups: [group('pair', 'a', 'b')], people: numbers, minGroupSize: 1 });
    expect(view.minGroupSize).toBe(3);
    expect(view.groups).toEqual([]);
    expect(view.others?.suppressed).toBe(true);
  });

  it('when the minimum is 3, then a group of 3 is shown without p75 or p90', () => {
    const view = aggregateTeam({ groups: [group('trio', 'a', 'b', 'c')], people: numbers, minGroupSize: 3 });
    expect(view.groups[0]!.distributions.focusHours).toEqual({ median: 5, p75: null, p90: null });
  });

  it('when a group lists unknown or repeated ids, then each known person counts once', () => {
    const view = aggregateTeam({ groups: [group('eng', ...five, 'a', 'ghost')], people: numbers, minGroupSize: 5 });
    expect(view.groups[0]!.size).toBe(5);
  });
});

describe('privateMemberIds', () => {
  const owners = [
    { memberId: 'm1', personId: 'p1', email: 'p1@x', shares: false },
    { memberId: 'm2', personId: 'p2', email: 'p2@x', shares: true },
    { memberId: 'm3', personId: 'p3', email: 'p3@x', shares: false },
  ];
  it.each([
    [null, ['m1', 'm3']],
    [undefined, ['m1', 'm3']],
    ['p1', ['m3']],
    ['p2', ['m1', 'm3']],
  ])('when the viewer is %s, then the rows of others who do not share are private: %j', (viewer, expected) => {
    expect([...privateMemberIds(owners, viewer)].sort()).toEqual(expected);
  });
});

describe('weekContaining', () => {
  it.each([
    ['2026-11-28T12:00:00Z', 'UTC', { from: '2026-11-23', to: '2026-11-30' }],
    // Sunday 23:30 in UTC is already Monday in Tokyo.
    ['2026-11-29T23:30:00Z', 'Asia/Tokyo', { from: '2026-11-30', to: '2026-12-07' }],
    ['2026-11-30T03:00:00Z', 'America/Los_Angeles', { from: '2026-11-23', to: '2026-11-30' }],
  ])('when it is %s in %s, then the week is %j', (now, zone, expected) => {
    expect(weekContaining(Date.parse(now), zone)).toEqual(expected);
  });
});
