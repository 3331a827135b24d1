import { describe, expect, it } from 'vitest';
import type { AuditMetrics } from '../../src/domain/audit-types';
import { DO_NEXT_LIMIT, focusItem, rankDoNext, rotationItem, seriesItems, type DoNextItem } from '../../src/domain/do-next';
import { HEALTH_THRESHOLDS, isPast, meetingShareLineHours, pastThresholds, teamHealth } from '../../src/domain/team-health';

/** A person's week: 40 working hours, 12 h of meetings (30 %), 14 h of focus, nothing after hours, one chain. */
function week(overrides: Partial<AuditMetrics> = {}): AuditMetrics {
  return {
    meetingHours: 12,
    meetingCount: 10,
    afterHoursMeetingHours: 0,
    nonWorkingDayMeetingHours: 0,
    workingTimeHours: 40,
    meetingInWorkingHours: 12,
    otherBusyHours: 2,
    meetingShare: 0.3,
    focusHours: 14,
    fragmentedHours: 12,
    backToBackChains: 1,
    recurringMeetingHours: 6,
    crossZoneMeetingHours: 0,
    crossZoneOutsideHoursHours: 0,
    ...overrides,
  } as AuditMetrics;
}

const threshold = (code: string) => HEALTH_THRESHOLDS.find((t) => t.code === code)!;

describe('health thresholds', () => {
  it.each([
    ['focus_under_10h_week', { focusHours: 9.99 }, true],
    ['focus_under_10h_week', { focusHours: 10 }, false],
    ['after_hours_over_1h_week', { afterHoursMeetingHours: 1 }, false],
    ['after_hours_over_1h_week', { afterHoursMeetingHours: 0.5, nonWorkingDayMeetingHours: 0.75 }, true],
    ['meeting_share_over_50', { meetingShare: 0.5 }, false],
    ['meeting_share_over_50', { meetingShare: 0.501 }, true],
    ['back_to_back_3_per_week', { backToBackChains: 2 }, false],
    ['back_to_back_3_per_week', { backToBackChains: 3 }, true],
  ] as const)('when %s meets %j, then past is %s', (code, overrides, past) => {
    expect(isPast(threshold(code), week(overrides))).toBe(past);
  });

  it('when a week has no working time (away all week), then it is past no line, however empty it looks', () => {
    expect(pastThresholds(week({ workingTimeHours: 0, focusHours: 0, meetingShare: 0 }))).toEqual([]);
    expect(pastThresholds(week({ focusHours: 4, backToBackChains: 5 }))).toEqual(['focus_under_10h_week', 'back_to_back_3_per_week']);
  });
});

describe('teamHealth', () => {
  it('when a quarter of the team is past the focus line in the first week and three quarters in the last, then the trend is worse by 50 points', () => {
    const lines = teamHealth([
      { from: '2026-11-02', people: [week({ focusHours: 5 }), week(), week(), week()] },
      { from: '2026-11-09', people: [week({ focusHours: 5 }), week({ focusHours: 8 }), week({ focusHours: 9 }), week()] },
    ]);
    const focus = lines.find((l) => l.code === 'focus_under_10h_week')!;
    expect(focus.weeks).toEqual([
      { from: '2026-11-02', past: 1, of: 4, share: 0.25 },
      { from: '2026-11-09', past: 3, of: 4, share: 0.75 },
    ]);
    expect(focus).toMatchObject({ changePoints: 50, direction: 'worse' });
    expect(lines.find((l) => l.code === 'meeting_share_over_50')).toMatchObject({ changePoints: 0, direction: 'same' });
  });

  it('when fewer people are past in the last week, then the trend is better; a change under 5 points reads as the same', () => {
    const better = teamHealth([
      { from: 'a', people: [week({ backToBackChains: 4 }), week({ backToBackChains: 3 })] },
      { from: 'b', people: [week({ backToBackChains: 4 }), week()] },
    ]).find((l) => l.code === 'back_to_back_3_per_week')!;
    expect(better).toMatchObject({ changePoints: -50, direction: 'better' });
    const many = Array.from({ length: 30 }, () => week());
    const same = teamHealth([
      { from: 'a', people: many },
      { from: 'b', people: [week({ meetingShare: 0.6 }), ...many.slice(1)] },
    ]).find((l) => l.code === 'meeting_share_over_50')!;
    expect(same).toMatchObject({ changePoints: 3, direction: 'same' });
  });

  it('when someone was away all week, then they are left out of that week’s count, not counted as past the focus line', () => {
    const [focus] = teamHealth([{ from: 'a', people: [week({ workingTimeHours: 0, focusHours: 0 }), week({ focusHours: 2 })] }]);
    expect(focus!.weeks[0]).toEqual({ from: 'a', past: 1, of: 1, share: 1 });
    expect(focus!.changePoints).toBeNull();
  });

  it('when nobody worked in a week, then its share is 0 of 0', () => {
    const [focus] = teamHealth([{ from: 'a', people: [] }]);
    expect(focus!.weeks[0]).toEqual({ from: 'a', past: 0, of: 0, share: 0 });
  });
});

describe('meetingShareLineHours', () => {
  it.each([
    [[40, 40, 32], 20],
    [[40, 30], 17.5],
    [[0, 0], null],
    [[], null],
  ] as const)('when weekly working hours are %j, then the line sits at %s h/week', (hours, expected) => {
    expect(meetingShareLineHours(hours)).toBe(expected);
  });
});

const flag = (seriesKey: string, personHoursPerYear: number, overrides: Record<string, unknown> = {}) => ({
  seriesKey,
  title: seriesKey,
  verdict: 'async',
  suggestedFormat: 'written-update' as string | null,
  decision: null as unknown,
  cost: { personHoursPerYear, moneyPerYear: personHoursPerYear * 80 as number | null },
  ...overrides,
});

describe('Do next candidates', () => {
  it('when series are flagged, then the three taking the most person-hours that would be written updates and are undecided are proposed, largest first', () => {
    const items = seriesItems([
      flag('small', 10),
      flag('kept', 900, { verdict: 'keep' }),
      flag('decided', 800, { decision: { decision: 'keep' } }),
      flag('doc', 700, { suggestedFormat: 'decision-doc' }),
      flag('big', 312),
      flag('mid', 104),
      flag('free', 50, { cost: { personHoursPerYear: 50, moneyPerYear: null } }),
    ]);
    expect(items.map((i) => i.key)).toEqual(['series:big', 'series:mid', 'series:free']);
    expect(items[0]).toMatchObject({ hoursPerYear: 312, moneyPerYear: 24960, hoursPerMonth: 26 });
    expect(items[2]!.moneyPerYear).toBeNull();
  });

  it('when people are below their focus target, then the sharers are named, the others counted, and the shortfall is the hours back per month', () => {
    const item = focusItem([
      { memberId: 'm1', name: 'Zed', focusHours: 6, targetHours: 10 },
      { memberId: 'm2', name: null, focusHours: 8, targetHours: 12 },
      { memberId: 'm3', name: 'Ann', focusHours: 10, targetHours: 10 },
      { memberId: 'm4', name: 'Bea', focusHours: 0, targetHours: 4 },
    ])!;
    expect(item.named).toEqual([
      { memberId: 'm4', name: 'Bea' },
      { memberId: 'm1', name: 'Zed' },
    ]);
    expect(item.unnamed).toBe(1);
    // (4 + 4 + 4) h/week × 52 / 12
    expect(item.hoursPerMonth).toBe(52);
    expect(focusItem([{ memberId: 'm3', name: 'Ann', focusHours: 12, targetHours: 10 }])).toBeNull();
  });

  it.each([
    { name: 'one zone carries 90 % with a quarter of the people', burdens: [['Asia/Jakarta', 90], ['Europe/London', 4], ['Europe/London', 3], ['Europe/London', 3]], zone: 'Asia/Jakarta' },
    { name: 'the load follows the people (three quarters in one zone)', burdens: [['Asia/Jakarta', 25], ['Asia/Jakarta', 25], ['Asia/Jakarta', 25], ['Europe/London', 25]], zone: null },
    { name: 'the load is even', burdens: [['Asia/Jakarta', 10], ['Europe/London', 10]], zone: null },
    { name: 'there is one zone only', burdens: [['Asia/Jakarta', 10], ['Asia/Jakarta', 0]], zone: null },
    { name: 'nobody had any pain', burdens: [['Asia/Jakarta', 0], ['Europe/London', 0]], zone: null },
  ] as const)('when $name, then the lopsided zone is $zone', ({ burdens, zone }) => {
    const item = rotationItem({ id: 'r1', title: 'Sync', burdens: burdens.map(([timeZone, burden]) => ({ timeZone, burden })) });
    expect(item?.zone ?? null).toBe(zone);
    if (item) expect(item).toMatchObject({ key: 'rotation:r1', burdenShare: 0.9, peopleShare: 0.25, hoursPerMonth: 0 });
  });
});

describe('rankDoNext', () => {
  const now = Date.parse('2026-11-28T12:00:00Z');
  const series = (key: string, hoursPerMonth: number): DoNextItem => ({ kind: 'series', key: `series:${key}`, seriesKey: key, title: key, hoursPerYear: hoursPerMonth * 12, moneyPerYear: null, hoursPerMonth });
  const rotation = (id: string, burdenShare: number): DoNextItem => ({ kind: 'rotation', key: `rotation:${id}`, rotationId: id, title: id, zone: 'Asia/Jakarta', burdenShare, peopleShare: 0.25, hoursPerMonth: 0 });

  it('when items compete, then the most hours back per month come first, rotations after by how lopsided, and the total adds the hours shown', () => {
    const ranked = rankDoNext([rotation('r1', 0.6), series('a', 2), rotation('r2', 0.9), series('b', 8.5)], [], now);
    expect(ranked.items.map((i) => i.key)).toEqual(['series:b', 'series:a', 'rotation:r2', 'rotation:r1']);
    expect(ranked).toMatchObject({ hoursPerMonth: 10.5, hidden: 0 });
  });

  it('when the viewer dismissed one item and snoozed another, then both are hidden until the snooze ends, and the dismissal stays', () => {
    const items = [series('a', 2), series('b', 3), series('c', 4)];
    const dismissals = [
      { itemKey: 'series:a', until: null },
      { itemKey: 'series:b', until: now + 7 * 86_400_000 },
    ];
    expect(rankDoNext(items, dismissals, now)).toMatchObject({ hoursPerMonth: 4, hidden: 2 });
    const later = rankDoNext(items, dismissals, now + 7 * 86_400_000);
    expect(later.items.map((i) => i.key)).toEqual(['series:c', 'series:b']);
    expect(later.hidden).toBe(1);
  });

  it('when there are more items than fit, then the list stops at the limit and the total counts only what is shown', () => {
    const ranked = rankDoNext(Array.from({ length: DO_NEXT_LIMIT + 2 }, (_, i) => series(`s${i}`, 1)), [], now);
    expect(ranked.items).toHaveLength(DO_NEXT_LIMIT);
    expect(ranked.hoursPerMonth).toBe(DO_NEXT_LIMIT);
  });
});
