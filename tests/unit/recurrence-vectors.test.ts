/**
 * Runs every recurrence test vector under tests/fixtures/recurrence/ (each file names its source,
 * licence and the producer of its expected lists) through the engine. Times are floating
 * wall-clock times, so the zone is the identity; a vector file's `semantics` says whether
 * DTSTART counts as the first occurrence (RFC 5545) or only the rule's own occurrences count
 * (python-dateutil, rrule.js).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { expandRule } from '../../src/domain/recurrence/expand';
import { parseRRule } from '../../src/domain/recurrence/rule';

interface Vector {
  name: string;
  dtstart: string;
  rrule: string;
  expected: string[];
  /** Only the first `limit` occurrences are compared (rules without an end). */
  limit?: number;
  /** DTSTART is the first instance and counts towards COUNT even when the rule does not produce it (added as the ICS reader adds it). */
  dtstartIncluded?: boolean;
}
interface VectorFile {
  source: string;
  licence: string;
  producer: string;
  semantics: string;
  dtstartCounts?: boolean;
  /** IANA zone of the wall-clock times (UNTIL in UTC is compared in it); floating when absent. */
  zone?: string;
  vectors: Vector[];
}

const dir = join(import.meta.dirname, '../fixtures/recurrence');
const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();

const toMs = (text: string): number =>
  Date.UTC(+text.slice(0, 4), +text.slice(4, 6) - 1, +text.slice(6, 8), +(text.slice(9, 11) || 0), +(text.slice(11, 13) || 0), +(text.slice(13, 15) || 0));
const fromMs = (ms: number, isDate: boolean): string => {
  const iso = new Date(ms).toISOString().replace(/[-:]/g, '');
  return isDate ? iso.slice(0, 8) : iso.slice(0, 15);
};

/** Wall-clock ms (as if UTC) in `zone` → the instant; a nonexistent time moves forward by the gap. */
const zoneToUtc = (zone: string) => (local: number): number => {
  const d = new Date(local);
  const fields = { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours(), minute: d.getUTCMinutes(), second: d.getUTCSeconds() };
  return DateTime.fromObject(fields, { zone }).toMillis();
};

/** The engine's occurrences of a vector, as the vector writes them. */
function expandVector(vector: Vector, dtstartCounts: boolean, zone?: string): string[] {
  const parsed = parseRRule(vector.rrule);
  if (!parsed.ok) throw parsed.error;
  const isDate = vector.dtstart.length === 8;
  const start = toMs(vector.dtstart);
  const limit = vector.limit ?? 1_000;
  const out: string[] = vector.dtstartIncluded ? [vector.dtstart] : [];
  expandRule(
    parsed.rule,
    { local: start, isDate },
    { toUtc: zone ? zoneToUtc(zone) : (local) => local, skipBefore: start, stopAfter: Date.UTC(9999, 11, 31), budget: { steps: 5_000_000 }, dtstartCounts: dtstartCounts || vector.dtstartIncluded === true },
    (local) => {
      if (local !== start || !vector.dtstartIncluded) out.push(fromMs(local, isDate));
      return out.length < limit;
    },
  );
  return out;
}

describe.each(files)('recurrence vectors in %s', (file) => {
  const data = JSON.parse(readFileSync(join(dir, file), 'utf8')) as VectorFile;

  it('when the file is read, then it records its source, licence and producer', () => {
    expect(data.source).toMatch(/^https:\/\//);
    expect(data.licence).not.toBe('');
    expect(data.producer).not.toBe('');
    expect(data.vectors.length).toBeGreaterThan(0);
  });

  it.each(data.vectors.map((v) => [v.name, v] as const))('when %s is expanded, then the engine gives the expected occurrences', (_name, vector) => {
    expect(expandVector(vector, data.dtstartCounts ?? false, data.zone)).toEqual(vector.expected);
  });
});
