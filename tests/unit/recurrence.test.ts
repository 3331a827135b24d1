/**
 * The recurrence engine on the shapes issue #17 found wrong in the previous expanders (each
 * expected list checked against python-dateutil 2.8.2 and RFC 5545 §3.3.10), its parsing of
 * real-world RRULE values, and its bounds, stated as steps and instances.
 */
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { expandRule, type ExpandOptions, type ExpandOutcome } from '../../src/domain/recurrence/expand';
import { MAX_RULE_ITERATIONS, MAX_STEPS_PER_FILE, MAX_STEPS_PER_SERIES } from '../../src/domain/recurrence/limits';
import { parseRRule, type RecurrenceRule } from '../../src/domain/recurrence/rule';

const ms = (iso: string): number => Date.parse(`${iso}Z`);
const iso = (local: number): string => new Date(local).toISOString().slice(0, 16);

function rule(text: string): RecurrenceRule {
  const parsed = parseRRule(text);
  if (!parsed.ok) throw parsed.error;
  return parsed.rule;
}

/** Local occurrences (ISO minutes) of `text` from `start`, floating time, at most `limit`. */
function expand(text: string, start: string, options: Partial<ExpandOptions> & { limit?: number } = {}): { dates: string[]; outcome: ExpandOutcome } {
  const dates: string[] = [];
  const limit = options.limit ?? 50;
  const outcome = expandRule(
    rule(text),
    { local: ms(start), isDate: false },
    { toUtc: (l) => l, skipBefore: ms(start), stopAfter: ms('2100-01-01T00:00'), budget: { steps: MAX_STEPS_PER_FILE }, dtstartCounts: true, ...options },
    (local) => {
      dates.push(iso(local));
      return dates.length < limit;
    },
  );
  return { dates, outcome };
}

describe('recurrence engine: the shapes the previous expanders got wrong', () => {
  it.each([
    ['FREQ=YEARLY;BYWEEKNO=20;BYDAY=MO;COUNT=3', '2026-05-11T09:00', ['2026-05-11T09:00', '2027-05-17T09:00', '2028-05-15T09:00']],
    ['FREQ=YEARLY;BYWEEKNO=1;BYDAY=MO;WKST=SU;COUNT=3', '2026-01-05T09:00', ['2026-01-05T09:00', '2027-01-04T09:00', '2028-01-03T09:00']],
    ['FREQ=YEARLY;BYDAY=20TH;COUNT=3', '2026-05-14T09:00', ['2026-05-14T09:00', '2027-05-20T09:00', '2028-05-18T09:00']],
    ['FREQ=HOURLY;INTERVAL=5;BYHOUR=9,14,19;COUNT=6', '2026-01-05T09:00', ['2026-01-05T09:00', '2026-01-05T14:00', '2026-01-05T19:00', '2026-01-10T09:00', '2026-01-10T14:00', '2026-01-10T19:00']],
    ['FREQ=MONTHLY;INTERVAL=2;BYMONTH=1,2,3,4,5,6;BYHOUR=9;COUNT=6', '2026-01-15T09:00', ['2026-01-15T09:00', '2026-03-15T09:00', '2026-05-15T09:00', '2027-01-15T09:00', '2027-03-15T09:00', '2027-05-15T09:00']],
    ['FREQ=MONTHLY;BYMONTHDAY=30;COUNT=4', '2026-01-30T09:00', ['2026-01-30T09:00', '2026-03-30T09:00', '2026-04-30T09:00', '2026-05-30T09:00']],
    ['FREQ=YEARLY;COUNT=2', '2024-02-29T09:00', ['2024-02-29T09:00', '2028-02-29T09:00']],
    ['FREQ=YEARLY;COUNT=2;BYHOUR=9', '2024-02-29T09:00', ['2024-02-29T09:00', '2028-02-29T09:00']],
  ])('when %s expands from %s, then it gives RFC 5545 instances', (text, start, expected) => {
    expect(expand(text, start).dates).toEqual(expected);
  });

  it('when BYMONTHDAY=30 meets February, then no instance rolls over into March', () => {
    const { dates } = expand('FREQ=MONTHLY;BYMONTHDAY=29,30,31', '2026-01-29T09:00', { limit: 8 });
    expect(dates.filter((d) => d.startsWith('2026-02') || d.startsWith('2026-03-0'))).toEqual([]);
    expect(dates.slice(0, 4)).toEqual(['2026-01-29T09:00', '2026-01-30T09:00', '2026-01-31T09:00', '2026-03-29T09:00']);
  });

  it('when DTSTART does not match the rule, then it still counts as the first of COUNT (RFC 5545)', () => {
    expect(expand('FREQ=MONTHLY;BYDAY=1FR;COUNT=3', '2026-01-07T09:00').dates).toEqual(['2026-02-06T09:00', '2026-03-06T09:00']);
    expect(expand('FREQ=MONTHLY;BYDAY=1FR;COUNT=3', '2026-01-07T09:00', { dtstartCounts: false }).dates).toHaveLength(3);
  });

  it('when a local time falls into a spring-forward gap, then the zone moves it forward by the gap and the next day keeps 02:30', () => {
    const toUtc = (local: number): number => {
      const d = new Date(local);
      return DateTime.fromObject({ year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours(), minute: d.getUTCMinutes() }, { zone: 'Europe/Berlin' }).toMillis();
    };
    const utcs: number[] = [];
    expandRule(rule('FREQ=DAILY;COUNT=3'), { local: ms('2027-03-27T02:30'), isDate: false }, { toUtc, skipBefore: 0, stopAfter: ms('2028-01-01T00:00'), budget: { steps: 1_000 }, dtstartCounts: true }, (_l, utc) => {
      utcs.push(utc);
      return true;
    });
    expect(utcs.map((u) => DateTime.fromMillis(u, { zone: 'Europe/Berlin' }).toFormat('MM-dd HH:mm'))).toEqual(['03-27 02:30', '03-28 03:30', '03-29 02:30']);
  });
});

describe('recurrence engine: reading RRULE values', () => {
  it.each([
    ['FREQ=DAILY;INTERVAL=0', 'recurrence.invalid_interval'],
    ['FREQ=DAILY;INTERVAL=-1', 'recurrence.invalid_interval'],
    ['', 'recurrence.empty_rule'],
    ['  ', 'recurrence.empty_rule'],
    ['INTERVAL=2', 'recurrence.invalid_freq'],
    ['FREQ=FORTNIGHTLY', 'recurrence.invalid_freq'],
    ['FREQ=DAILY;COUNT=0', 'recurrence.invalid_count'],
    ['FREQ=DAILY;UNTIL=tomorrow', 'recurrence.invalid_until'],
    ['FREQ=MONTHLY;BYMONTHDAY=32', 'recurrence.invalid_part'],
    ['FREQ=WEEKLY;BYDAY=XX', 'recurrence.invalid_part'],
  ])('when the value is "%s", then it is refused as %s', (text, code) => {
    const parsed = parseRRule(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error.code).toBe(code);
  });

  it('when BYDAY has spaces after commas (Exchange CDO), then it reads as the plain list without a warning', () => {
    const parsed = parseRRule('FREQ=WEEKLY;BYDAY=MO, TU, WE');
    expect(parsed).toMatchObject({ ok: true, warnings: [] });
    if (parsed.ok) expect(parsed.rule.byday).toEqual([0, 1, 2].map((weekday) => ({ weekday, ordinal: 0 })));
  });

  it.each([
    ['FREQ=WEEKLY;BYDAY=1MO,TU', 'ordinal_ignored', [{ weekday: 0, ordinal: 0 }, { weekday: 1, ordinal: 0 }]],
    ['FREQ=MONTHLY;BYMONTHDAY=1,40', 'value_dropped', null],
    ['FREQ=DAILY;X-NAME=1', 'unknown_part', null],
    ['FREQ=DAILY;FREQ=WEEKLY', 'duplicate_part', null],
    ['FREQ=DAILY;COUNT=3;UNTIL=20270101', 'count_and_until', null],
  ])('when the value is %s, then it is kept with a %s warning', (text, code, byday) => {
    const parsed = parseRRule(text);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.warnings.map((w) => w.code)).toEqual([code]);
    if (byday) expect(parsed.rule.byday).toEqual(byday);
  });

  it('when the value is lower case with an RRULE: prefix, then it reads as the upper-case rule', () => {
    expect(parseRRule('rrule:freq=weekly;byday=mo;wkst=su')).toEqual(parseRRule('FREQ=WEEKLY;BYDAY=MO;WKST=SU'));
  });
});

describe('recurrence engine: bounded work, stated in steps and instances', () => {
  it('when FREQ=SECONDLY;COUNT=999999999;BYMINUTE=0 starts in 1990, then it stops at a per-series bound long before 2026', () => {
    const { dates, outcome } = expand('FREQ=SECONDLY;COUNT=999999999;BYMINUTE=0', '1990-01-01T00:00', { limit: 10_000_000, stopAfter: ms('2026-12-01T00:00') });
    expect(['iterations', 'series_steps']).toContain(outcome.stoppedBy);
    expect(outcome.steps).toBeLessThanOrEqual(MAX_STEPS_PER_SERIES + 1);
    expect(dates.length).toBeLessThanOrEqual(MAX_RULE_ITERATIONS);
    expect(dates.at(-1)! < '1991').toBe(true);
  });

  it('when a rule with COUNT can never match (Feb 30 daily, from 1800), then it ends at the per-series step budget with no instance', () => {
    const { dates, outcome } = expand('FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30;COUNT=10', '1800-01-01T09:00');
    expect(dates).toEqual([]);
    expect(outcome).toMatchObject({ stoppedBy: 'series_steps' });
    expect(outcome.steps).toBeLessThanOrEqual(MAX_STEPS_PER_SERIES + 1);
  });

  it('when a rule without an end runs to the window, then at most MAX_RULE_ITERATIONS occurrences are generated', () => {
    const { dates, outcome } = expand('FREQ=MINUTELY', '2026-01-01T00:00', { limit: 10_000_000 });
    expect(dates).toHaveLength(MAX_RULE_ITERATIONS);
    expect(outcome.stoppedBy).toBe('iterations');
  });

  it('when many series share one file budget, then every one spends from it and those past it stop with file_steps', () => {
    const budget = { steps: 10_000 };
    const outcomes = Array.from({ length: 20 }, () => expand('FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30;COUNT=10', '2000-01-01T09:00', { budget }).outcome);
    const spent = outcomes.reduce((sum, o) => sum + o.steps, 0);
    expect(spent).toBeLessThanOrEqual(10_000 + 20);
    expect(outcomes.filter((o) => o.stoppedBy === 'file_steps').length).toBeGreaterThan(0);
    expect(outcomes.at(-1)?.stoppedBy).toBe('file_steps');
  });

  it('when 500 monthly and yearly series began in 1950, then jumping to a year-long window costs each under 100 steps', () => {
    const budget = { steps: MAX_STEPS_PER_FILE };
    const window = { skipBefore: ms('2026-01-01T00:00'), stopAfter: ms('2027-01-01T00:00') };
    const rules = ['FREQ=MONTHLY;BYDAY=-1FR', 'FREQ=YEARLY;BYMONTH=11;BYDAY=4TH', 'FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1', 'FREQ=YEARLY;BYWEEKNO=20;BYDAY=MO', 'FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=15'];
    let instances = 0;
    for (let i = 0; i < 500; i++) {
      const { dates, outcome } = expand(rules[i % rules.length]!, '1950-01-02T09:00', { ...window, budget, limit: 1_000 });
      expect(outcome.stoppedBy).toBeNull();
      expect(outcome.steps).toBeLessThan(100 * (rules[i % rules.length]!.includes('BYSETPOS') ? 5 : 1));
      instances += dates.length;
    }
    expect(instances).toBeGreaterThan(500 * 3);
    expect(MAX_STEPS_PER_FILE - budget.steps).toBeLessThan(500 * 500);
  });
});

describe('recurrence engine: jumping to the window equals walking from DTSTART', () => {
  const parts = fc.record({
    freq: fc.constantFrom('YEARLY', 'MONTHLY', 'WEEKLY', 'DAILY', 'HOURLY'),
    interval: fc.integer({ min: 1, max: 4 }),
    bymonth: fc.option(fc.uniqueArray(fc.integer({ min: 1, max: 12 }), { minLength: 1, maxLength: 4 }), { nil: undefined }),
    bymonthday: fc.option(fc.uniqueArray(fc.integer({ min: -31, max: 31 }).filter((n) => n !== 0), { minLength: 1, maxLength: 3 }), { nil: undefined }),
    byday: fc.option(fc.uniqueArray(fc.constantFrom('MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU', '1MO', '-1FR', '2TU', '3WE'), { minLength: 1, maxLength: 3 }), { nil: undefined }),
    byhour: fc.option(fc.uniqueArray(fc.integer({ min: 0, max: 23 }), { minLength: 1, maxLength: 3 }), { nil: undefined }),
    bysetpos: fc.option(fc.uniqueArray(fc.constantFrom(1, 2, -1), { minLength: 1, maxLength: 2 }), { nil: undefined }),
    wkst: fc.constantFrom('MO', 'SU'),
    startDay: fc.integer({ min: 0, max: 3_000 }),
    skipDays: fc.integer({ min: 0, max: 2_000 }),
  });

  it('when a rule without COUNT skips ahead, then it yields exactly the walked occurrences from that point', () => {
    fc.assert(
      fc.property(parts, (p) => {
        const text = [`FREQ=${p.freq}`, `INTERVAL=${p.interval}`, `WKST=${p.wkst}`]
          .concat(p.bymonth ? [`BYMONTH=${p.bymonth.join(',')}`] : [])
          .concat(p.bymonthday ? [`BYMONTHDAY=${p.bymonthday.join(',')}`] : [])
          .concat(p.byday ? [`BYDAY=${p.byday.join(',')}`] : [])
          .concat(p.byhour ? [`BYHOUR=${p.byhour.join(',')}`] : [])
          .concat(p.bysetpos ? [`BYSETPOS=${p.bysetpos.join(',')}`] : [])
          .join(';');
        const parsed = parseRRule(text);
        if (!parsed.ok) return;
        const start = ms('2015-01-01T09:30') + p.startDay * 86_400_000;
        const skip = start + p.skipDays * 86_400_000;
        const stop = skip + 400 * 86_400_000;
        const run = (skipBefore: number): number[] => {
          const out: number[] = [];
          expandRule(parsed.rule, { local: start, isDate: false }, { toUtc: (l) => l, skipBefore, stopAfter: stop, budget: { steps: 10_000_000 }, dtstartCounts: true }, (local) => {
            if (local >= skip) out.push(local);
            return true;
          });
          return out;
        };
        expect(run(skip)).toEqual(run(start));
      }),
      { numRuns: 300, seed: 17 },
    );
  });
});
