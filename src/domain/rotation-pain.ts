/**
 * The pain model of fair rotation (DESIGN.md, "Rotation"; README, "Fair rotation across time
 * zones"): how much it costs one participant to attend a meeting at a given UTC instant.
 *
 * Pain is 0 inside the participant's working hours and rises steeply with every half hour
 * further from them; 23:00–08:00 local and non-working days are hard limits unless the
 * participant opted in (then they are allowed but heavy). Pain is proportional to duration: it
 * is summed minute by minute, each minute weighing 1/30 of its half-hour weight. Internally pain
 * is kept in integer *units* (1 point = 30 units) so that ties between plans are exact.
 *
 * The local time of every minute comes from the zone's offset at that very instant (luxon), so
 * each occurrence of a series gets its own DST-correct local time. A participant's weekly
 * pattern is precomputed once as per-minute weights over a local week with prefix sums, so a
 * candidate costs O(1) per participant.
 */
import { IANAZone } from 'luxon';
import type { Interval, Weekday, WorkingHours } from './types';
import { WEEKDAYS } from './types';
import { parseLocalTime } from './working-hours';

/**
 * The weights, all in pain points per 30 minutes of meeting. This table is the single source of
 * truth; the README shows the same numbers.
 *
 * - `outsideHours[k]`: the k-th half hour away from the nearest edge of the participant's
 *   working hours (k = 1 is the first half hour before the start or after the end); beyond the
 *   table the last value applies. 0 inside working hours.
 * - `night`: added for every half hour inside local 23:00–08:00 (outside working hours), which
 *   is only possible with an opt-in or when no slot passes the hard limits.
 * - `nonWorkingDay`: a half hour on one of the participant's non-working days (replaces the
 *   `outsideHours` curve, which is measured from working hours).
 * - `busyOptional`: a half hour overlapping busy calendar time of a participant marked optional
 *   (for everyone else busy time is a hard limit).
 * - `hardLimitBreak`: added for every half hour that breaks a hard limit, charged only when no
 *   candidate of that occurrence passes every participant's hard limits (the fallback).
 * - `hardLimitOccurrence`: added per half hour of the meeting's length to a person whose hard
 *   limit the occurrence breaks (fallback only). It exceeds the heaviest half hour that breaks
 *   nothing (outsideHours maximum + night + busyOptional = 100), so one night or non-working-day
 *   meeting costs more than any amount of edge-of-hours pain in one occurrence.
 */
export const PAIN_WEIGHTS = Object.freeze({
  outsideHours: Object.freeze([0, 1, 2, 4, 6, 9, 12, 16, 20, 25, 30, 35, 40, 45, 50, 55, 60]),
  night: 20,
  nonWorkingDay: 40,
  busyOptional: 20,
  hardLimitBreak: 100,
  hardLimitOccurrence: 120,
});

/** Pain units per pain point: one minute at weight w costs w units, 30 minutes cost w points. */
export const UNITS_PER_POINT = 30;
/** Local hard limit: no meeting minute in [NIGHT_START, NIGHT_END) local unless opted in. */
export const NIGHT_START_MINUTES = 23 * 60;
export const NIGHT_END_MINUTES = 8 * 60;

const MINUTES_PER_DAY = 1440;
const MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY;
const MINUTE_MS = 60_000;

/** What a participant accepts beyond the defaults. */
export interface OptIn {
  /** Earliest local start accepted, `HH:MM` (widens the default 08:00). */
  earliest?: string | undefined;
  /** Latest local end accepted, `HH:MM` (widens the default 23:00; a time before `earliest` wraps past midnight). */
  latest?: string | undefined;
  /** Meetings on non-working days are acceptable (still heavy). */
  nonWorkingDays?: boolean | undefined;
}

/** A participant of a rotating series, normalised. */
export interface RotationParticipant {
  email: string;
  timeZone: string;
  workingHours: WorkingHours;
  optIn?: OptIn | undefined;
  /** Burden carried over from earlier series (ledger), in pain points. */
  history?: number | undefined;
  /** Night occurrences carried over from earlier series (ledger); balanced with this series' nights. */
  historyNights?: number | undefined;
  /** Busy time (UTC intervals) from connected calendars. */
  busy?: readonly Interval[] | undefined;
  /** Optional attendee: busy time costs instead of forbidding. */
  optional?: boolean | undefined;
}

/** The cost of one candidate for one participant. */
export interface CandidatePain {
  /** Pain in units (points × 30), excluding the hard-limit fallback surcharge. */
  units: number;
  /** Minutes that break a hard limit (night without opt-in, non-working day, busy). */
  hardMinutes: number;
  /** Minutes in local 23:00–08:00 outside working hours. */
  nightMinutes: number;
}

/**
 * A participant's weekly pain pattern, precomputed: per local minute of the week (Monday 00:00
 * = 0) the weight, whether the minute breaks a hard limit and whether it is night, as prefix
 * sums over two weeks (so a meeting that wraps from Sunday to Monday is one subtraction).
 */
export interface PainProfile {
  timeZone: string;
  weight: Float64Array;
  hard: Int32Array;
  night: Int32Array;
}

/** Half-hour step k (1-based) → weight, the table extended by its last value. */
export function outsideHoursWeight(k: number): number {
  const table = PAIN_WEIGHTS.outsideHours;
  if (k <= 0) return 0;
  return (k < table.length ? table[k] : table[table.length - 1]) as number;
}

function rangesByDay(wh: WorkingHours): Array<Array<[number, number]>> {
  return WEEKDAYS.map((day: Weekday) => (wh[day] ?? []).map(([s, e]) => [parseLocalTime(s), parseLocalTime(e)] as [number, number]));
}

function inWindow(minute: number, from: number, to: number): boolean {
  if (from === to) return true;
  return from < to ? minute >= from && minute < to : minute >= from || minute < to;
}

/**
 * Builds the weekly pain pattern of a participant (zone, working hours, opt-in). Pure and
 * cached by the caller: participants with the same pattern share one profile.
 */
export function buildPainProfile(p: Pick<RotationParticipant, 'timeZone' | 'workingHours' | 'optIn'>): PainProfile {
  const byDay = rangesByDay(p.workingHours);
  const earliest = p.optIn?.earliest !== undefined ? parseLocalTime(p.optIn.earliest) : NIGHT_END_MINUTES;
  const latest = p.optIn?.latest !== undefined ? parseLocalTime(p.optIn.latest) % MINUTES_PER_DAY : NIGHT_START_MINUTES;
  const optInNonWorking = p.optIn?.nonWorkingDays === true;
  const weight = new Float64Array(2 * MINUTES_PER_WEEK + 1);
  const hard = new Int32Array(2 * MINUTES_PER_WEEK + 1);
  const night = new Int32Array(2 * MINUTES_PER_WEEK + 1);
  const w = new Float64Array(MINUTES_PER_WEEK);
  const h = new Uint8Array(MINUTES_PER_WEEK);
  const n = new Uint8Array(MINUTES_PER_WEEK);
  // Working minutes of the week, then for every minute the distance to the nearest working
  // minute (two sweeps over three weeks, so edges across midnight and weekends are seen).
  const working = new Uint8Array(MINUTES_PER_WEEK);
  byDay.forEach((ranges, day) => {
    for (const [s, e] of ranges) working.fill(1, day * MINUTES_PER_DAY + s, day * MINUTES_PER_DAY + e);
  });
  const span = 3 * MINUTES_PER_WEEK;
  const distance = new Float64Array(span).fill(Infinity);
  for (let i = 0, last = -Infinity; i < span; i++) {
    if (working[i % MINUTES_PER_WEEK] === 1) last = i;
    distance[i] = i - last;
  }
  for (let i = span - 1, next = Infinity; i >= 0; i--) {
    if (working[i % MINUTES_PER_WEEK] === 1) next = i;
    if (next - i < (distance[i] as number)) distance[i] = next - i;
  }
  for (let day = 0; day < 7; day++) {
    const workingDay = (byDay[day] as Array<[number, number]>).length > 0;
    for (let m = 0; m < MINUTES_PER_DAY; m++) {
      const i = day * MINUTES_PER_DAY + m;
      if (working[i] === 1) continue;
      const isNight = m >= NIGHT_START_MINUTES || m < NIGHT_END_MINUTES;
      let value: number;
      if (!workingDay) {
        value = PAIN_WEIGHTS.nonWorkingDay;
        if (!optInNonWorking) h[i] = 1;
      } else {
        // A minute just before the start is 1 away, as is the first minute after the end.
        value = outsideHoursWeight(Math.ceil((distance[i + MINUTES_PER_WEEK] as number) / 30));
      }
      if (isNight) {
        value += PAIN_WEIGHTS.night;
        n[i] = 1;
        if (!inWindow(m, earliest, latest)) h[i] = 1;
      }
      w[i] = value;
    }
  }
  for (let i = 0; i < 2 * MINUTES_PER_WEEK; i++) {
    const j = i % MINUTES_PER_WEEK;
    weight[i + 1] = (weight[i] as number) + (w[j] as number);
    hard[i + 1] = (hard[i] as number) + (h[j] as number);
    night[i + 1] = (night[i] as number) + (n[j] as number);
  }
  return { timeZone: p.timeZone, weight, hard, night };
}

/** Local minute of the week (Monday 00:00 = 0) of a UTC instant at a given offset (minutes). */
export function localMinuteOfWeek(utcMs: number, offsetMinutes: number): number {
  const localMinutes = Math.floor(utcMs / MINUTE_MS) + offsetMinutes;
  const dayIndex = Math.floor(localMinutes / MINUTES_PER_DAY);
  const weekday = (((dayIndex + 3) % 7) + 7) % 7; // 1970-01-01 was a Thursday
  return weekday * MINUTES_PER_DAY + (localMinutes - dayIndex * MINUTES_PER_DAY);
}

/**
 * Pain of a meeting `[start, start + minutes)` for a profile, with the zone's offset taken at
 * the start and at the last minute: when they agree (always, except across a DST switch) it is
 * two prefix-sum lookups; otherwise it is summed minute by minute with each minute's own offset.
 * `constantOffset`, when the caller knows the zone keeps one offset over the whole meeting,
 * skips the zone lookups.
 */
export function painOfMeeting(profile: PainProfile, zone: IANAZone, start: number, minutes: number, constantOffset?: number): CandidatePain {
  const first = constantOffset ?? zone.offset(start);
  const last = constantOffset ?? zone.offset(start + (minutes - 1) * MINUTE_MS);
  if (first === last) {
    const m = localMinuteOfWeek(start, first);
    return {
      units: (profile.weight[m + minutes] as number) - (profile.weight[m] as number),
      hardMinutes: (profile.hard[m + minutes] as number) - (profile.hard[m] as number),
      nightMinutes: (profile.night[m + minutes] as number) - (profile.night[m] as number),
    };
  }
  let units = 0;
  let hardMinutes = 0;
  let nightMinutes = 0;
  for (let i = 0; i < minutes; i++) {
    const t = start + i * MINUTE_MS;
    const m = localMinuteOfWeek(t, zone.offset(t));
    units += (profile.weight[m + 1] as number) - (profile.weight[m] as number);
    hardMinutes += (profile.hard[m + 1] as number) - (profile.hard[m] as number);
    nightMinutes += (profile.night[m + 1] as number) - (profile.night[m] as number);
  }
  return { units, hardMinutes, nightMinutes };
}

/** Minutes of `[start, end)` covered by a normalised (sorted, disjoint) list of intervals. */
export function overlapMinutes(busy: readonly Interval[], start: number, end: number): number {
  let lo = 0;
  let hi = busy.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((busy[mid] as Interval).end <= start) lo = mid + 1;
    else hi = mid;
  }
  let total = 0;
  for (let i = lo; i < busy.length; i++) {
    const b = busy[i] as Interval;
    if (b.start >= end) break;
    total += Math.min(end, b.end) - Math.max(start, b.start);
  }
  return Math.ceil(total / MINUTE_MS);
}

/**
 * Pain of one participant for a meeting starting at `start` (UTC ms) lasting `minutes`: the
 * weekly pattern plus their calendar's busy time (a hard limit, or `busyOptional` per half hour
 * for an optional participant). In units; see `UNITS_PER_POINT`.
 */
export function participantPain(
  participant: RotationParticipant,
  start: number,
  minutes: number,
  profile: PainProfile = buildPainProfile(participant),
): CandidatePain {
  const zone = IANAZone.create(participant.timeZone);
  const pain = painOfMeeting(profile, zone, start, minutes);
  const busy = participant.busy;
  if (busy && busy.length > 0) {
    const overlap = overlapMinutes(busy, start, start + minutes * MINUTE_MS);
    if (overlap > 0) {
      if (participant.optional) pain.units += overlap * PAIN_WEIGHTS.busyOptional;
      else pain.hardMinutes += overlap;
    }
  }
  return pain;
}
