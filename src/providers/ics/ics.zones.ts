/**
 * Time zones for the ICS reader: a TZID → a zone that turns local wall-clock time into UTC. Names
 * resolve through the shared vendor-name table (src/providers/time-zones/tzid.ts), else the
 * file's own VTIMEZONE (evaluated by ical.js), else the fixed offset the name states; a TZID
 * nobody defines falls back to the calendar's zone (X-WR-TIMEZONE) or the member's, reported once
 * per TZID. ical.js's global TimezoneService is deliberately not used: each parse keeps its own
 * registry; the only module state is a bounded memo of pure offset lookups.
 */
import ICAL from 'ical.js';
import { IANAZone } from 'luxon';
import { ianaFromTzid, isDisplayName, offsetFromTzid } from '../time-zones/tzid';
import type { Warn } from './ics.errors';
import type { RawComponent } from './ics.property';

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const OFFSET_BUCKET = 6 * HOUR;

/** Converts local wall-clock time (expressed as if it were UTC, in ms) to a UTC instant. */
export interface Zone {
  /** IANA name, when the zone has one. */
  iana: string | null;
  toUtc(localMs: number): number;
}

export const UTC_ZONE: Zone = { iana: 'UTC', toUtc: (localMs) => localMs };

/**
 * Memo of IANA zone offsets (minutes) per 6-hour UTC bucket, shared by all parses: asking Intl
 * is the expensive part of parsing, and the answers never change within a process. A bucket is
 * stored only when the offset is the same at both its ends (no zone changes offset twice within
 * six hours), so the memo is exact. Bounded: a zone's memo is dropped when it grows too large.
 */
const OFFSET_MEMO = new Map<string, Map<number, number>>();
const OFFSET_MEMO_LIMIT = 200_000;

/**
 * An IANA zone. Local→UTC follows RFC 5545 §3.3.5: an ambiguous local time means its first
 * occurrence, a skipped one is read with the offset before the gap.
 */
export function ianaZone(name: string): Zone {
  const zone = IANAZone.create(name);
  let memo = OFFSET_MEMO.get(name);
  if (!memo) OFFSET_MEMO.set(name, (memo = new Map()));
  const offsetAt = (utc: number): number => {
    const bucket = Math.floor(utc / OFFSET_BUCKET);
    const hit = memo.get(bucket);
    if (hit !== undefined) return hit;
    const bucketStart = bucket * OFFSET_BUCKET;
    const a = zone.offset(bucketStart);
    const b = zone.offset(bucketStart + OFFSET_BUCKET - 1);
    if (a !== b) return zone.offset(utc);
    if (memo.size >= OFFSET_MEMO_LIMIT) memo.clear();
    memo.set(bucket, a);
    return a;
  };
  return {
    iana: name,
    toUtc(localMs) {
      const before = offsetAt(localMs - DAY);
      const after = offsetAt(localMs + DAY);
      if (before === after) return localMs - before * MINUTE;
      // A transition is near: try both offsets, earliest valid first (the first occurrence).
      const high = Math.max(before, after);
      const low = Math.min(before, after);
      const withHigh = localMs - high * MINUTE;
      if (offsetAt(withHigh) === high) return withHigh;
      const withLow = localMs - low * MINUTE;
      if (offsetAt(withLow) === low) return withLow;
      return localMs - before * MINUTE; // in the gap
    },
  };
}

/** A zone known only from the file's VTIMEZONE definition, evaluated by ical.js. */
function definedZone(component: RawComponent, tzid: string): Zone {
  const timezone = new ICAL.Timezone({ component: new ICAL.Component(toJCal(component)), tzid });
  const cache = new Map<number, number>();
  return {
    iana: null,
    toUtc(localMs) {
      const hit = cache.get(localMs);
      if (hit !== undefined) return hit;
      const d = new Date(localMs);
      const time = ICAL.Time.fromData({
        year: d.getUTCFullYear(),
        month: d.getUTCMonth() + 1,
        day: d.getUTCDate(),
        hour: d.getUTCHours(),
        minute: d.getUTCMinutes(),
        second: d.getUTCSeconds(),
        isDate: false,
      });
      const utc = localMs - timezone.utcOffset(time) * 1000;
      cache.set(localMs, utc);
      return utc;
    },
  };
}

function toJCal(component: RawComponent): unknown[] {
  return [component.name.toLowerCase(), component.jcalProps ?? [], component.children.map(toJCal)];
}

/** A zone at a fixed offset from UTC (minutes east), for names that state only an offset. */
function fixedZone(offsetMinutes: number): Zone {
  return { iana: null, toUtc: (localMs) => localMs - offsetMinutes * MINUTE };
}

/** A zone defined by a VTIMEZONE, or null when ical.js cannot evaluate it. */
function tryDefinedZone(definition: RawComponent, tzid: string): Zone | null {
  try {
    const zone = definedZone(definition, tzid);
    zone.toUtc(Date.UTC(2000, 0, 1));
    return zone;
  } catch {
    return null;
  }
}

export interface ZoneRegistry {
  /** The zone a TZID names; one nobody defines is `fallback` (reported once per TZID, with `line`). */
  resolve(tzid: string, line: number, fallback: Zone): Zone;
  /** The zone a name names, or null (nothing reported): for X-WR-TIMEZONE and the member's zone. */
  lookup(tzid: string): Zone | null;
}

export function createZoneRegistry(definitions: Map<string, RawComponent>, warn: Warn): ZoneRegistry {
  const zones = new Map<string, Zone | null>();
  const lookup = (tzid: string): Zone | null => {
    let zone = zones.get(tzid);
    if (zone !== undefined) return zone;
    const iana = ianaFromTzid(tzid);
    const definition = iana ? undefined : (definitions.get(tzid) ?? definitions.get(tzid.trim()));
    const offset = iana || definition ? null : offsetFromTzid(tzid);
    if (iana) zone = iana === 'UTC' ? UTC_ZONE : ianaZone(iana);
    else if (definition) zone = tryDefinedZone(definition, tzid);
    else if (offset !== null) zone = fixedZone(offset);
    else zone = null;
    zones.set(tzid, zone);
    return zone;
  };
  const reported = new Set<string>();
  return {
    lookup,
    resolve(tzid, line, fallback) {
      const zone = lookup(tzid);
      if (zone && !(zone.iana === null && isDisplayName(tzid) && !definitions.has(tzid))) return zone;
      if (!reported.has(tzid)) {
        reported.add(tzid);
        if (zone) warn('zone_offset', line, null, tzid);
        else warn('zone_fallback', line, null, tzid);
      }
      return zone ?? fallback;
    },
  };
}
