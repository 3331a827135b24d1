/**
 * Hostile input to the liberal ICS reader: each gives a clear error (no calendar at all) or a
 * bounded result, stated as counts of events and warnings — never a crash, never unbounded work.
 */
import { describe, expect, it } from 'vitest';
import { UnmeetError } from '../../src/domain/errors';
import { MAX_INSTANCES_PER_SERIES, MAX_WARNINGS, parseIcs } from '../../src/providers/ics/ics.mapper';

const utc = (iso: string): number => Date.parse(iso);
const window = { start: utc('2026-10-19T00:00:00Z'), end: utc('2026-12-01T00:00:00Z') };
const wrap = (lines: string[]): string => ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//unmeet tests//EN', ...lines, 'END:VCALENDAR', ''].join('\r\n');

function refusal(text: string): UnmeetError {
  try {
    parseIcs(text, window);
  } catch (error) {
    expect(error).toBeInstanceOf(UnmeetError);
    return error as UnmeetError;
  }
  throw new Error('expected the text to be refused');
}

/** Deterministic bytes (a linear congruential generator), as a string of code units 0-255. */
function garbage(length: number, seed: number): string {
  let x = seed;
  let out = '';
  for (let i = 0; i < length; i++) {
    x = (Math.imul(x, 1_103_515_245) + 12_345) >>> 0;
    out += String.fromCharCode(x >>> 24);
  }
  return out;
}

describe('hostile input to parseIcs', () => {
  it('when the text is binary garbage, then it is refused as holding no calendar', () => {
    const error = refusal(garbage(200_000, 7));
    expect(error.code).toBe('ics.parse_error');
    expect(error.details).toMatchObject({ line: expect.any(Number) });
  });

  it('when a UTF-16 file is read as if it were UTF-8, then it is refused as holding no calendar', () => {
    const utf16 = wrap(['BEGIN:VEVENT', 'UID:a', 'DTSTART:20261102T090000Z', 'END:VEVENT']).split('').join('\u0000');
    expect(refusal(`\u00ff\u00fe${utf16}`).code).toBe('ics.parse_error');
  });

  it('when components nest 100,000 deep and never close, then each is closed and counted, and the event around them is kept', () => {
    const depth = 100_000;
    const text = wrap(['BEGIN:VEVENT', 'UID:deep', 'DTSTART:20261102T090000Z', ...Array.from({ length: depth }, () => 'BEGIN:X-NEST')]);
    const parsed = parseIcs(text, window);
    expect(parsed.events.map((e) => e.externalId)).toEqual(['deep']);
    // Every nested component, and the VEVENT itself, was closed by END:VCALENDAR.
    expect(parsed.warningCounts.structure_repaired).toBe(depth + 1);
    expect(parsed.warnings).toHaveLength(MAX_WARNINGS);
  });

  it('when a VTIMEZONE nests 20,000 deep, then the zone cannot be evaluated and the event falls back to the calendar zone', () => {
    const nested = ['BEGIN:VTIMEZONE', 'TZID:Deep', ...Array.from({ length: 20_000 }, () => 'BEGIN:X-NEST'), ...Array.from({ length: 20_000 }, () => 'END:X-NEST'), 'END:VTIMEZONE'];
    const text = wrap([...nested, 'BEGIN:VEVENT', 'UID:z', 'DTSTART;TZID=Deep:20261102T090000', 'END:VEVENT']);
    const parsed = parseIcs(text, window);
    expect(parsed.events.map((e) => e.start)).toEqual([utc('2026-11-02T09:00:00Z')]);
    expect(parsed.warningCounts).toEqual({ zone_fallback: 1 });
  });

  it('when a line is 1 MB long, then it is read whole, and a 1 MB line that is no content line is skipped with a clipped detail', () => {
    const title = 'x'.repeat(1_000_000);
    const text = wrap(['BEGIN:VEVENT', 'UID:long', 'DTSTART:20261102T090000Z', `SUMMARY:${title}`, `${'y'.repeat(1_000_000)}`, 'END:VEVENT']);
    const parsed = parseIcs(text, window);
    expect(parsed.events.map((e) => e.title.length)).toEqual([1_000_000]);
    expect(parsed.warnings.map((w) => [w.code, w.line, w.detail?.length])).toEqual([['line_malformed', 8, 60]]);
  });

  it('when 10,000 lines are malformed, then all are counted and at most the listed maximum are listed', () => {
    const text = wrap(['BEGIN:VEVENT', 'UID:a', 'DTSTART:20261102T090000Z', ...Array.from({ length: 10_000 }, (_, i) => `not a line ${i}`), 'END:VEVENT']);
    const parsed = parseIcs(text, window);
    expect(parsed.events).toHaveLength(1);
    expect(parsed.warningCounts).toEqual({ line_malformed: 10_000 });
    expect(parsed.warnings).toHaveLength(MAX_WARNINGS);
  });

  it('when a VTIMEZONE has 1,000 transitions, then events in it are read at the offset in force', () => {
    const transitions = Array.from({ length: 500 }, (_, i) => {
      const year = 1600 + i;
      return [
        'BEGIN:DAYLIGHT', `DTSTART:${year}0329T020000`, 'TZOFFSETFROM:+0100', 'TZOFFSETTO:+0200', 'END:DAYLIGHT',
        'BEGIN:STANDARD', `DTSTART:${year}1025T030000`, 'TZOFFSETFROM:+0200', 'TZOFFSETTO:+0100', 'END:STANDARD',
      ];
    }).flat();
    const text = wrap([
      'BEGIN:VTIMEZONE', 'TZID:Many', ...transitions, 'END:VTIMEZONE',
      'BEGIN:VEVENT', 'UID:m', 'DTSTART;TZID=Many:20261102T090000', 'RRULE:FREQ=DAILY;COUNT=3', 'END:VEVENT',
    ]);
    const parsed = parseIcs(text, window);
    // The last transition (2099-10-25) left +01:00 in force.
    expect(parsed.events.map((e) => e.start)).toEqual([0, 1, 2].map((d) => utc('2026-11-02T08:00:00Z') + d * 86_400_000));
    expect(parsed.warnings).toEqual([]);
  });

  it('when a series has COUNT=10⁹ and 100,000 EXDATEs, then its instances are bounded by the window and the per-series cap', () => {
    const exdates = Array.from({ length: 100_000 }, (_, i) => new Date(utc('2026-11-10T09:00:00Z') + i * 86_400_000).toISOString().replace(/[-:]|\.000/g, ''));
    const text = wrap(['BEGIN:VEVENT', 'UID:storm', 'DTSTART:20261019T090000Z', 'RRULE:FREQ=DAILY;COUNT=1000000000', `EXDATE:${exdates.join(',')}`, 'END:VEVENT']);
    const parsed = parseIcs(text, window);
    // At most 19 Oct – 9 Nov are left (22 days): every later day is excluded, and nothing runs away.
    expect(parsed.events.length).toBeGreaterThanOrEqual(1);
    expect(parsed.events.length).toBeLessThanOrEqual(Math.min(22, MAX_INSTANCES_PER_SERIES));
    expect(parsed.events.every((e) => e.start < utc('2026-11-10T09:00:00Z'))).toBe(true);
  });
});
