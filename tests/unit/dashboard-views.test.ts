import { describe, expect, it } from 'vitest';
import {
  heatLevel,
  layoutHeatmap,
  layoutHorizontalBars,
  layoutStackedBars,
  layoutTimeline,
  niceMax,
  painLevel,
  sparkline,
  trend,
  chartWidth,
  yOf,
} from '../../src/http/views/charts';
import { sortFlags, type FlagRow } from '../../src/http/views/flags';
import { fromAcceptLanguage, messages, pickLocale } from '../../src/http/views/i18n';
import { resolveWeeks } from '../../src/services/dashboard';
import { memberVisibility } from '../../src/domain/privacy';
import { navFor } from '../../src/http/views/layout';
import { invitableRoles } from '../../src/http/views/people';

describe('chart geometry', () => {
  it.each([
    [0, 1],
    [-3, 1],
    [0.7, 1],
    [1, 1],
    [1.2, 2],
    [2.2, 2.5],
    [4.9, 5],
    [37, 50],
    [41.5, 50],
    [120, 200],
  ])('when the tallest value is %s, then the axis tops out at %s', (value, expected) => {
    expect(niceMax(value)).toBe(expected);
  });

  it('when bars stack segments, then their heights are proportional and they sit on the baseline', () => {
    const layout = layoutStackedBars(
      [
        { label: 'Ayu', bars: [{ label: 'w1', segments: [{ key: 'meeting', value: 10 }, { key: 'after', value: 0 }, { key: 'focus', value: 30 }] }] },
        { label: 'Sam', bars: [{ label: 'w1', segments: [{ key: 'meeting', value: 20 }, { key: 'focus', value: 5 }] }] },
      ],
      { width: 400, height: 240, left: 40, bottom: 40, top: 0 },
    );
    expect(layout.max).toBe(50);
    const baseline = layout.plot.y + layout.plot.height;
    const [ayuMeeting, ayuFocus, samMeeting] = layout.rects;
    expect(layout.rects).toHaveLength(4); // the zero segment draws nothing
    expect(ayuMeeting!.y + ayuMeeting!.height).toBeCloseTo(baseline, 1);
    expect(ayuFocus!.y + ayuFocus!.height).toBeCloseTo(ayuMeeting!.y, 1);
    expect(ayuFocus!.height / ayuMeeting!.height).toBeCloseTo(3, 1);
    expect(samMeeting!.height / ayuMeeting!.height).toBeCloseTo(2, 1);
    expect(samMeeting!.x).toBeGreaterThan(ayuMeeting!.x + ayuMeeting!.width);
    expect(layout.bars.map((b) => b.total)).toEqual([40, 25]);
    expect(layout.ticks.map((t) => t.value)).toEqual([0, 12.5, 25, 37.5, 50]);
  });

  it('when there is nothing to draw, then the layout is empty but valid', () => {
    const layout = layoutStackedBars([]);
    expect(layout.rects).toEqual([]);
    expect(layout.max).toBe(1);
  });

  it.each([
    [[10, 10, 10], 'flat'],
    [[10, 10, 12], 'up'],
    [[10, 10, 8], 'down'],
    [[10, 10, 10.2], 'flat'],
    [[0, 0, 1], 'up'],
    [[5], 'flat'],
  ] as const)('when the weeks are %j, then the trend is %s', (values, direction) => {
    expect(trend(values).direction).toBe(direction);
  });

  it('when the last week is 20 % above the average before it, then the trend says +20 %', () => {
    expect(trend([10, 10, 12])).toEqual({ direction: 'up', delta: 2, percent: 20 });
  });

  it('when a sparkline is drawn, then the highest value is at the top and points span the width', () => {
    expect(sparkline([0, 5, 10], 100, 20)).toBe('0,18 50,10 100,2');
    expect(sparkline([])).toBe('');
  });

  it.each([
    [0, 0],
    [5, 1],
    [10, 1],
    [15, 2],
    [30, 3],
    [40, 4],
    [60, 5],
  ])('when an hour holds %s meeting minutes a week, then its heat level is %s', (minutes, level) => {
    expect(heatLevel(minutes)).toBe(level);
  });

  it('when a member works 09:00–12:00 and 13:00–17:30 on Monday, then two outlines span exactly those hours', () => {
    const minutes = Array.from({ length: 7 }, () => new Array<number>(24).fill(0));
    minutes[0]![10] = 45;
    const layout = layoutHeatmap(minutes, [[[540, 720], [780, 1050]], [], [], [], [], [], []], { cellWidth: 10, cellHeight: 10, left: 0, top: 0 });
    expect(layout.cells).toHaveLength(168);
    expect(layout.cells.find((c) => c.day === 0 && c.hour === 10)).toMatchObject({ x: 100, y: 0, level: 4 });
    expect(layout.outlines).toEqual([
      { day: 0, x: 90, y: 0, width: 30, height: 10 },
      { day: 0, x: 130, y: 0, width: 45, height: 10 },
    ]);
  });

  it.each([
    [0, 0],
    [3, 1],
    [12, 2],
    [40, 3],
    [100, 4],
  ])('when an occurrence costs a participant %s pain points, then its colour level is %s', (pain, level) => {
    expect(painLevel(pain)).toBe(level);
  });

  it('when ledger rows are laid out, then parts follow each other on one shared scale', () => {
    const layout = layoutHorizontalBars(
      [
        { label: 'a', parts: [{ key: 'history', value: 10 }, { key: 'series', value: 30 }] },
        { label: 'b', parts: [{ key: 'history', value: 0 }, { key: 'series', value: 20 }] },
      ],
      { width: 300, labelWidth: 100 },
    );
    const [a, b] = layout.rows;
    expect(a!.parts).toHaveLength(2);
    expect(a!.parts[1]!.x).toBeCloseTo(a!.parts[0]!.x + a!.parts[0]!.width, 1);
    expect(b!.parts).toHaveLength(1);
    expect(b!.parts[0]!.width / a!.parts[1]!.width).toBeCloseTo(2 / 3, 2);
  });

  it('when blocks are placed on a day window, then they are clipped to it and scaled', () => {
    const spans = [
      { start: 0, end: 50, kind: 'a' },
      { start: 90, end: 150, kind: 'b' },
      { start: 200, end: 300, kind: 'c' },
    ];
    expect(layoutTimeline(spans, { start: 0, end: 100 }, { x0: 10, width: 200 })).toEqual([
      { start: 0, end: 50, kind: 'a', x: 10, width: 100 },
      { start: 90, end: 150, kind: 'b', x: 190, width: 20 },
    ]);
  });
});

const flag = (seriesKey: string, title: string, score: number, verdict: FlagRow['verdict'], perYear: number, organizer: string | null = null): FlagRow => ({
  seriesKey,
  title,
  organizer,
  recurring: true,
  occurrences: 4,
  attendeeCount: 5,
  durationMinutes: 30,
  score,
  verdict,
  reasons: [],
  suggestedFormat: null,
  cost: { personHoursPerOccurrence: 1, personHoursPerYear: perYear, moneyPerYear: null },
  decision: null,
});

describe('meeting-hours chart scale', () => {
  it('when every bar is far below the threshold line, then the scale still reaches the line, and the line sits at the top', () => {
    const layout = layoutStackedBars([{ label: 'Ayu', bars: [{ label: 'w1', segments: [{ key: 'meeting', value: 7 }] }] }], { scaleAtLeast: 20, top: 22 });
    expect(layout.max).toBe(20);
    expect(yOf(layout, 20)).toBe(layout.plot.y);
    expect(yOf(layout, 0)).toBe(layout.plot.y + layout.plot.height);
    expect(yOf(layout, 99)).toBe(layout.plot.y);
  });
  it.each([
    [7, 4, 1188],
    [1, 1, 640],
    [40, 4, 44 + 40 * 148 + 39 * 18],
  ])('when %i people have %i weeks each, then the chart is %i units wide (it scrolls in its box rather than squeezing)', (groups, bars, width) => {
    expect(chartWidth(groups, bars)).toBe(width);
  });
});

describe('sortFlags', () => {
  const rows = [flag('a', 'Weekly status', 80, 'async', 100, 'z@x'), flag('b', 'Design review', 30, 'keep', 300, 'a@x'), flag('c', 'Stand-up', 55, 'consider-async', 200, 'm@x')];
  it.each([
    ['score', 'desc', ['a', 'c', 'b']],
    ['score', 'asc', ['b', 'c', 'a']],
    ['cost', 'desc', ['b', 'c', 'a']],
    ['title', 'asc', ['b', 'c', 'a']],
    ['organizer', 'asc', ['b', 'c', 'a']],
    ['verdict', 'desc', ['a', 'c', 'b']],
  ] as const)('when sorted by %s %s, then the order is %j', (key, dir, expected) => {
    expect(sortFlags(rows, key, dir).map((r) => r.seriesKey)).toEqual(expected);
  });

  it('when values tie, then the higher score comes first whatever the direction', () => {
    const tied = [flag('x', 'B', 10, 'keep', 5), flag('y', 'A', 20, 'keep', 5)];
    expect(sortFlags(tied, 'cost', 'asc').map((r) => r.seriesKey)).toEqual(['y', 'x']);
  });
});

describe('locale', () => {
  it.each([
    ['id-ID,id;q=0.9,en;q=0.8', 'id'],
    ['en-US,en;q=0.9', 'en'],
    ['fr-FR,id;q=0.5,en;q=0.4', 'id'],
    ['fr-FR', undefined],
    ['en;q=0.2, id;q=0.8', 'id'],
    ['id;q=0, en', 'en'],
    ['', undefined],
  ])('when Accept-Language is %j, then the locale is %s', (header, expected) => {
    expect(fromAcceptLanguage(header)).toBe(expected);
  });

  it('when nothing is chosen and the browser asks for neither language, then the members’ majority decides', () => {
    expect(pickLocale({ acceptLanguage: 'fr', memberLocales: ['id', 'id', 'en'] })).toBe('id');
    expect(pickLocale({ acceptLanguage: 'fr', memberLocales: ['id', 'en'] })).toBe('en');
    expect(pickLocale({ chosen: 'id', acceptLanguage: 'en' })).toBe('id');
    expect(pickLocale({ chosen: 'xx', acceptLanguage: 'en' })).toBe('en');
  });

  it('when the dictionaries are compared, then Indonesian has every English message', () => {
    const en = messages('en');
    const id = messages('id');
    expect(Object.keys(id).sort()).toEqual(Object.keys(en).sort());
    for (const key of Object.keys(en) as Array<keyof typeof en>) {
      expect(typeof id[key]).toBe(typeof en[key]);
      if (Array.isArray(en[key])) expect((id[key] as readonly string[]).length).toBe((en[key] as readonly string[]).length);
    }
  });
});

describe('resolveWeeks', () => {
  const now = Date.parse('2026-11-28T06:00:00Z'); // a Saturday
  it('when no week is given, then the four complete weeks before the current one are shown', () => {
    expect(resolveWeeks(now, {})).toEqual({ from: '2026-10-26', to: '2026-11-23', weeks: ['2026-10-26', '2026-11-02', '2026-11-09', '2026-11-16'] });
  });
  it('when it is Monday morning, then the week that just ended is the last one shown', () => {
    expect(resolveWeeks(Date.parse('2026-11-30T00:30:00Z'), { weeks: '1' })).toEqual({ from: '2026-11-23', to: '2026-11-30', weeks: ['2026-11-23'] });
  });
  it('when a mid-week date and a week count are given, then the range starts on that Monday', () => {
    expect(resolveWeeks(now, { from: '2026-11-11', weeks: '2' })).toEqual({ from: '2026-11-09', to: '2026-11-23', weeks: ['2026-11-09', '2026-11-16'] });
  });
  it.each([['0', 1], ['99', 12], ['abc', 4]])('when weeks is %j, then %s weeks are shown', (weeks, count) => {
    expect(resolveWeeks(now, { weeks }).weeks).toHaveLength(count);
  });
  it('when the date is not a date, then the default range is used', () => {
    expect(resolveWeeks(now, { from: '2026-13-45' }).from).toBe('2026-10-26');
  });
});

describe('who the dashboard names, and which sections it offers', () => {
  it.each([
    { hidden: [], min: 5, named: ['a', 'b', 'c'], unnamed: 0, totals: true },
    { hidden: ['a'], min: 5, named: ['b', 'c'], unnamed: 1, totals: false },
    { hidden: ['a', 'b', 'c'], min: 3, named: [], unnamed: 3, totals: true },
    { hidden: ['a', 'b'], min: 1, named: ['c'], unnamed: 2, totals: false }, // the floor of 3 holds
  ])('when $unnamed of 3 are private (minimum $min), then team totals show: $totals', ({ hidden, min, named, unnamed, totals }) => {
    const v = memberVisibility({ memberIds: ['a', 'b', 'c'], hidden: new Set(hidden), minGroupSize: min });
    expect([...v.named]).toEqual(named);
    expect(v.unnamed).toBe(unnamed);
    expect(v.teamTotals).toBe(totals);
  });

  it.each([
    ['member', true, ['/me']],
    ['manager', true, ['/me', '/', '/team', '/heatmap', '/rotation']],
    ['admin', true, ['/me', '/', '/team', '/heatmap', '/flags', '/outbox', '/focus', '/rotation', '/connections', '/people']],
    ['admin', false, ['/', '/team', '/heatmap', '/flags', '/outbox', '/focus', '/rotation', '/connections', '/people']],
  ] as const)('when a %s (person: %s) is signed in, then the navigation offers %j', (role, person, paths) => {
    expect(navFor({ role, person: person ? { name: 'x', email: 'x@example.com' } : undefined }).map((n) => n.path)).toEqual(paths);
  });

  it('when an admin invites, then the role choice offers what canAssignRole allows; an owner may invite any role', () => {
    expect(invitableRoles({ role: 'admin', personId: 'p' })).toEqual(['member', 'manager']);
    expect(invitableRoles({ role: 'owner', personId: 'p' })).toEqual(['member', 'manager', 'admin', 'owner']);
  });

  it('when Indonesian is chosen, then every dashboard message has a translation of the same shape', () => {
    const en = messages('en');
    const id = messages('id');
    expect(Object.keys(id).sort()).toEqual(Object.keys(en).sort());
    for (const key of Object.keys(en) as Array<keyof typeof en>) {
      expect(typeof id[key], key).toBe(typeof en[key]);
      if (Array.isArray(en[key])) expect((id[key] as unknown[]).length, key).toBe((en[key] as unknown[]).length);
      if (typeof en[key] === 'string') expect((en[key] as string).match(/\{\w+\}/g) ?? [], key).toEqual((id[key] as string).match(/\{\w+\}/g) ?? []);
    }
  });
});
