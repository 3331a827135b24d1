/**
 * Date values of the ICS reader: DATE and DATE-TIME values read into wall-clock and UTC times in
 * their zone, DURATIONs, and an event's timing (start and span) with the end that follows.
 * Liberal: an unreadable DTEND or DURATION is left out (the event keeps its start), and a span
 * past what a date can hold (`P999999999999999999W`) ends at the window's end; both reported.
 */
import ICAL from 'ical.js';
import { dayNumber } from '../../domain/recurrence/calendar';
import { parseError, type Warn } from './ics.errors';
import { clip, first, param, type RawComponent, type RawProp } from './ics.property';
import { UTC_ZONE, type Zone, type ZoneRegistry } from './ics.zones';

/** The largest time a JavaScript Date can hold (ECMA-262 §21.4.1.1), ms either side of 1970. */
const MAX_DATE_MS = 8.64e15;
const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

/** Where a value's zone comes from: its TZID, else the calendar's zone for floating times. */
export interface ZoneContext {
  zones: ZoneRegistry;
  /** Zone of floating times and all-day dates, and of TZIDs nobody defines: X-WR-TIMEZONE, else the member's, else UTC. */
  floating: Zone;
  warn: Warn;
}

export interface WallTime {
  /** Local wall-clock time as if it were UTC (ms), in `zone`. */
  local: number;
  utc: number;
  zone: Zone;
  isDate: boolean;
}

/** Days in `month` (1-12) of a four-digit `year` as `Date.UTC` reads it (0-99 mean 1900-1999). */
function monthLength(year: number, month: number): number {
  if (month !== 2) return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
  const y = year <= 99 ? 1900 + year : year;
  return y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28;
}

/** Two decimal digits at `i`, or -1. */
function digits2(text: string, i: number): number {
  const a = text.charCodeAt(i) - 48;
  const b = text.charCodeAt(i + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/**
 * A DATE (`YYYYMMDD`) or DATE-TIME (`YYYYMMDDTHHMMSS[Z]`) value, already trimmed, as local
 * wall-clock ms. Its length tells which: 8 is a DATE, 16 a UTC DATE-TIME.
 */
function parseLocal(text: string, value: string, prop: RawProp): number {
  const n = text.length;
  const isDate = n === 8;
  const shaped = isDate || ((n === 15 || (n === 16 && text.charCodeAt(15) === 90)) /* Z */ && text.charCodeAt(8) === 84); /* T */
  const century = shaped ? digits2(text, 0) : -1;
  const yy = digits2(text, 2);
  const month = digits2(text, 4);
  const day = digits2(text, 6);
  const hour = isDate ? 0 : digits2(text, 9);
  const minute = isDate ? 0 : digits2(text, 11);
  let second = isDate ? 0 : digits2(text, 13);
  if (century < 0 || yy < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0) {
    throw parseError(prop.line, `invalid date or date-time "${clip(value)}" in ${prop.name}`);
  }
  const year = century * 100 + yy;
  if (second === 60) second = 59; // leap second
  if (month < 1 || month > 12 || day < 1 || day > monthLength(year, month) || hour > 23 || minute > 59 || second > 59) {
    throw parseError(prop.line, `invalid date or date-time "${clip(value)}" in ${prop.name}`);
  }
  // Date.UTC's result by day arithmetic, without its call (it was a hot spot of the parse); as it
  // does, years 0-99 mean 1900-1999.
  return dayNumber(year <= 99 ? 1900 + year : year, month, day) * DAY + hour * HOUR + minute * MINUTE + second * 1000;
}

export function wallTime(value: string, prop: RawProp, ctx: ZoneContext): WallTime {
  const text = value.trim();
  const local = parseLocal(text, value, prop);
  if (text.length === 16) return { local, utc: local, zone: UTC_ZONE, isDate: false };
  const isDate = text.length === 8;
  const tzid = isDate ? null : param(prop, 'tzid');
  const zone = tzid ? ctx.zones.resolve(tzid, prop.line, ctx.floating) : ctx.floating;
  return { local, utc: zone.toUtc(local), zone, isDate };
}

/** Nominal days (wall-clock) plus exact milliseconds. */
export interface Span {
  days: number;
  ms: number;
}

export function parseDuration(prop: RawProp): Span {
  let duration: InstanceType<typeof ICAL.Duration>;
  try {
    duration = ICAL.Duration.fromString(prop.raw.trim());
  } catch (error) {
    throw parseError(prop.line, `invalid DURATION "${clip(prop.raw)}": ${(error as Error).message}`);
  }
  const sign = duration.isNegative ? -1 : 1;
  return {
    days: sign * (duration.weeks * 7 + duration.days),
    ms: sign * ((duration.hours * 60 + duration.minutes) * MINUTE + duration.seconds * 1000),
  };
}

export interface Timing {
  start: WallTime;
  span: Span;
}

/** The value of an optional DTEND or DURATION, or null (reported) when it cannot be read. */
function optional<T>(prop: RawProp | undefined, uid: string, ctx: ZoneContext, read: (prop: RawProp, ctx: ZoneContext) => T): T | null {
  if (!prop) return null;
  try {
    return read(prop, ctx);
  } catch {
    ctx.warn('property_skipped', prop.line, uid, prop.name);
    return null;
  }
}

/** A DTEND's time (a function made once, not a closure per event). */
const readEnd = (prop: RawProp, ctx: ZoneContext): WallTime => wallTime(prop.raw, prop, ctx);

/**
 * An event's start (its DTSTART, else `fallbackStart` — an override's RECURRENCE-ID) and span.
 * @throws UnmeetError `ics.parse_error` when it has no readable start: the caller skips the event.
 */
export function readTiming(comp: RawComponent, uid: string, ctx: ZoneContext, fallbackStart?: WallTime): Timing {
  const dtstart = first(comp, 'DTSTART');
  let start: WallTime;
  if (dtstart) start = wallTime(dtstart.raw, dtstart, ctx);
  else if (fallbackStart) start = fallbackStart;
  else throw parseError(comp.line, 'VEVENT without DTSTART');

  const end = optional(first(comp, 'DTEND'), uid, ctx, readEnd);
  const durationProp = first(comp, 'DURATION');
  const duration = end ? null : optional(durationProp, uid, ctx, parseDuration);
  let span: Span;
  if (end) {
    if (start.isDate && end.isDate) span = { days: Math.max(0, Math.round((end.local - start.local) / DAY)), ms: 0 };
    else span = { days: 0, ms: Math.max(0, end.utc - start.utc) };
  } else if (duration) {
    span = duration.days < 0 || duration.ms < 0 ? { days: 0, ms: 0 } : duration;
    if (!(start.utc + span.days * DAY + span.ms <= MAX_DATE_MS)) {
      ctx.warn('end_clamped', durationProp?.line ?? comp.line, uid, clip(durationProp?.raw.trim() ?? ''));
      span = { days: 0, ms: Number.POSITIVE_INFINITY };
    }
  } else {
    span = start.isDate ? { days: 1, ms: 0 } : { days: 0, ms: 0 };
  }
  return { start, span };
}

/** The end of an instance starting at `local`/`utc`; an end no Date can hold is `limit` (the window's end). */
export function endOf(local: number, utc: number, zone: Zone, span: Span, limit: number): number {
  const end = span.days === 0 ? utc + span.ms : zone.toUtc(local + span.days * DAY) + span.ms;
  // NaN (a wall time no Date can hold) fails this test too.
  if (!(end <= MAX_DATE_MS)) return Math.max(limit, utc);
  return Math.max(end, utc);
}

export const overlaps = (start: number, end: number, window: { start: number; end: number }): boolean =>
  end > start ? start < window.end && end > window.start : start >= window.start && start < window.end;
