/**
 * parseIcs with the one recurrence engine: the issue #17 shapes through a whole feed, and the
 * feeds that used to run out of the per-file budget or stall (bounds as instances and warnings).
 */
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { parseIcs } from '../../src/providers/ics/ics.mapper';

const utc = (iso: string): number => Date.parse(iso);
const calendar = (events: string[]): string => ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//unmeet tests//EN', ...events, 'END:VCALENDAR', ''].join('\r\n');
const vevent = (uid: string, dtstart: string, rrule: string): string =>
  ['BEGIN:VEVENT', `UID:${uid}`, `DTSTART;TZID=Europe/Berlin:${dtstart}`, 'DURATION:PT30M', `RRULE:${rrule}`, 'END:VEVENT'].join('\r\n');
const berlin = (ms: number): string => DateTime.fromMillis(ms, { zone: 'Europe/Berlin' }).toFormat("yyyy-MM-dd'T'HH:mm");
const wide = { start: utc('2020-01-01T00:00:00Z'), end: utc('2031-01-01T00:00:00Z') };
const year = { start: utc('2025-12-01T00:00:00Z'), end: utc('2026-12-01T00:00:00Z') };

describe('parseIcs expands every rule with the one engine', () => {
  it.each([
    ['FREQ=YEARLY;COUNT=2;BYHOUR=9', '20240229T090000', ['2024-02-29T09:00', '2028-02-29T09:00']],
    ['FREQ=YEARLY;BYWEEKNO=20;BYDAY=MO;COUNT=3', '20260511T090000', ['2026-05-11T09:00', '2027-05-17T09:00', '2028-05-15T09:00']],
    ['FREQ=YEARLY;BYDAY=20TH;COUNT=2', '20260514T090000', ['2026-05-14T09:00', '2027-05-20T09:00']],
    ['FREQ=HOURLY;INTERVAL=5;BYHOUR=9,14,19;COUNT=4', '20260105T090000', ['2026-01-05T09:00', '2026-01-05T14:00', '2026-01-05T19:00', '2026-01-10T09:00']],
    ['FREQ=MONTHLY;INTERVAL=2;BYMONTH=1,3,5;BYHOUR=10;COUNT=4', '20260115T100000', ['2026-01-15T10:00', '2026-03-15T10:00', '2026-05-15T10:00', '2027-01-15T10:00']],
    ['FREQ=MONTHLY;BYMONTHDAY=30;COUNT=3', '20260130T090000', ['2026-01-30T09:00', '2026-03-30T09:00', '2026-04-30T09:00']],
  ])('when a feed has %s from %s, then its instances are the RFC 5545 ones in Berlin time', (rule, start, expected) => {
    const { events } = parseIcs(calendar([vevent('r', start, rule)]), wide);
    expect(events.map((e) => berlin(e.start))).toEqual(expected);
  });

  it('when a series uses INTERVAL=0, then that rule is not expanded and the feed is not silently wrong', () => {
    let starts: string[] = [];
    try {
      starts = parseIcs(calendar([vevent('zero', '20260105T090000', 'FREQ=DAILY;INTERVAL=0;COUNT=5')]), wide).events.map((e) => berlin(e.start));
    } catch (error) {
      expect((error as { code?: string }).code).toBe('ics.parse_error');
    }
    expect(starts.length).toBeLessThanOrEqual(1); // DTSTART at most, never five daily instances
  });

  it('when 400 monthly and yearly series began decades ago, then every one has its instances in the window and none runs out of budget', () => {
    const rules = ['FREQ=MONTHLY;BYDAY=-1FR', 'FREQ=YEARLY;BYWEEKNO=20;BYDAY=MO', 'FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1', 'FREQ=YEARLY;BYMONTH=11;BYDAY=4TH'];
    const events = Array.from({ length: 400 }, (_, i) => vevent(`old-${i}`, '19900105T090000', rules[i % rules.length]!));
    const parsed = parseIcs(calendar(events), year);
    expect(new Set(parsed.events.map((e) => e.seriesKey)).size).toBe(400);
    expect(parsed.warningCounts.step_budget ?? 0).toBe(0);
  });

  it('when FREQ=SECONDLY;COUNT=999999999;BYMINUTE=0 starts in 1990, then the feed parses with no instance in the window and the rule is reported', () => {
    const parsed = parseIcs(calendar([vevent('sec', '19900101T000000', 'FREQ=SECONDLY;COUNT=999999999;BYMINUTE=0')]), year);
    expect(parsed.events).toEqual([]);
    expect((parsed.warningCounts.step_budget ?? 0) + (parsed.warningCounts.series_cap ?? 0)).toBe(1);
  });
});
