/**
 * The rotation problem (README and docs/features.md, "Fair rotation across time zones"): the
 * occurrence dates of a series, each date's candidate starts (DST-correct per date), and every
 * participant class's cost for each candidate. Pure; the solvers (`rotation-solver.ts`, the
 * heuristic, and `rotation-exact.ts`, integer programming) only read what this builds.
 *
 * Participants who are interchangeable (same zone, working hours, opt-ins, history, carried
 * nights, busy time and optional flag) form one class and count as one entry of the objective,
 * so headcount never decides who suffers.
 *
 * Hard limits (local night without opt-in, non-working days, busy time) are never broken on an
 * occurrence where some candidate passes everyone's. Where none does, every candidate stays in
 * the pool and each break is charged as heavy burden to whoever takes it (`hardLimitOccurrence`
 * per half hour of the meeting plus `hardLimitBreak` per broken half hour), so an occurrence
 * that breaks a limit always costs that person more than any meeting that does not, and the
 * breaks are shared by the same leximin as any other burden.
 */
import { DateTime, IANAZone } from 'luxon';
import { rotationErrors } from './error-codes/rotation';
import {
  buildPainProfile,
  overlapMinutes,
  painOfMeeting,
  PAIN_WEIGHTS,
  UNITS_PER_POINT,
  type PainProfile,
  type RotationParticipant,
} from './rotation-pain';
import { parseLocalTime } from './working-hours';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/** The series to place: what the solver needs besides the participants. */
export interface SeriesSpec {
  durationMinutes: number;
  cadence: { every: number; unit: 'day' | 'week' };
  occurrences: number;
  /** Local date (in `timeZone`) of the first occurrence, `YYYY-MM-DD`. */
  startDate: string;
  /** Candidate starts every this many minutes (15 or 30). */
  gridMinutes: number;
  /** Zone whose wall clock names the slots and dates the occurrences (default UTC). */
  timeZone: string;
  /** Optional UTC time-of-day windows (`HH:MM`, end may wrap past midnight) the meeting must fit in. */
  allowedUtcWindows?: ReadonlyArray<{ start: string; end: string }> | undefined;
}

/** One candidate start of one occurrence, with its cost for every participant class. */
export interface Candidate {
  start: number;
  /** Minutes after local midnight in the series zone: the slot's name ("21:00"). */
  slot: number;
  /** Pain per class, units; includes the hard-limit surcharge when the occurrence is a fallback. */
  pain: Float64Array;
  /** Minutes breaking a hard limit, per class. */
  hard: Int32Array;
  /** Minutes in local night (23:00–08:00), per class. */
  night: Int32Array;
}

export interface OccurrenceCandidates {
  index: number;
  /** Local date in the series zone. */
  date: string;
  candidates: Candidate[];
  /** Indices into `candidates` the solver may choose from. */
  pool: number[];
  /** No candidate passes every hard limit: the pool holds the least-bad ones. */
  fallback: boolean;
}

/** Interchangeable participants (see the module comment): one entry of the objective. */
export interface ParticipantClass {
  zone: number;
  members: number[];
  /** Carried-over burden, units. */
  history: number;
  /** Night occurrences carried over from earlier series (the ledger's nightCount). */
  historyNights: number;
}

export interface RotationProblem {
  spec: SeriesSpec;
  participants: readonly RotationParticipant[];
  classes: ParticipantClass[];
  /** Distinct IANA zones; classes point into this list. */
  zones: string[];
  /** Index of each participant's class. */
  classOf: number[];
  occurrences: OccurrenceCandidates[];
}

/**
 * The extra burden, in units, of one occurrence that breaks `hardMinutes` minutes of a
 * person's hard limits: `hardLimitOccurrence` per half hour of the meeting, so it outweighs any
 * meeting that breaks nothing (at most 100 points per half hour), plus `hardLimitBreak` per
 * broken half hour, so a longer break costs more.
 */
export function hardLimitSurcharge(durationMinutes: number, hardMinutes: number): number {
  if (hardMinutes <= 0) return 0;
  return PAIN_WEIGHTS.hardLimitOccurrence * durationMinutes + PAIN_WEIGHTS.hardLimitBreak * hardMinutes;
}

function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

function slotStarts(date: string, zoneName: string, grid: number): Array<{ slot: number; start: number }> {
  const out: Array<{ slot: number; start: number }> = [];
  if (zoneName === 'UTC' || zoneName === 'Etc/UTC') {
    const base = Date.parse(`${date}T00:00:00Z`);
    for (let m = 0; m < 1440; m += grid) out.push({ slot: m, start: base + m * MINUTE_MS });
    return out;
  }
  const day = DateTime.fromISO(date, { zone: zoneName }).startOf('day');
  const next = day.plus({ days: 1 });
  const base = day.toMillis();
  const regular = next.toMillis() - base === DAY_MS && day.offset === next.offset;
  const seen = new Set<number>();
  for (let m = 0; m < 1440; m += grid) {
    const start = regular
      ? base + m * MINUTE_MS
      : DateTime.fromObject({ year: day.year, month: day.month, day: day.day, hour: Math.floor(m / 60), minute: m % 60 }, { zone: zoneName }).toMillis();
    if (seen.has(start)) continue; // a wall time in a spring-forward gap lands on the next slot
    seen.add(start);
    out.push({ slot: m, start });
  }
  return out;
}

function fitsUtcWindows(spec: SeriesSpec, start: number): boolean {
  const windows = spec.allowedUtcWindows;
  if (!windows || windows.length === 0) return true;
  const from = Math.floor((((start % DAY_MS) + DAY_MS) % DAY_MS) / MINUTE_MS);
  const to = from + spec.durationMinutes;
  return windows.some(({ start: a, end: b }) => {
    const s = parseLocalTime(a);
    let e = parseLocalTime(b);
    if (e <= s) e += 1440;
    return (from >= s && to <= e) || (from + 1440 >= s && to + 1440 <= e);
  });
}


/** A class while the problem is built: also the member whose limits stand for all, and their pain profile. */
type BuildingClass = ParticipantClass & { key: string; rep: RotationParticipant; profile: PainProfile };

/** Groups the participants into interchangeable classes (see the module comment). */
function classifyParticipants(participants: readonly RotationParticipant[]): { zones: string[]; classes: BuildingClass[]; classOf: number[] } {
  const zones: string[] = [];
  const zoneIndex = new Map<string, number>();
  const profiles = new Map<string, PainProfile>();
  const classes: BuildingClass[] = [];
  const classByKey = new Map<string, number>();
  const classOf: number[] = [];
  participants.forEach((p, i) => {
    if (!zoneIndex.has(p.timeZone)) {
      zoneIndex.set(p.timeZone, zones.length);
      zones.push(p.timeZone);
    }
    const profileKey = JSON.stringify([p.timeZone, p.workingHours, p.optIn ?? null]);
    let profile = profiles.get(profileKey);
    if (!profile) profiles.set(profileKey, (profile = buildPainProfile(p)));
    const history = Math.round((p.history ?? 0) * UNITS_PER_POINT * 1e6) / 1e6;
    const historyNights = p.historyNights ?? 0;
    const busyKey = p.busy && p.busy.length > 0 ? JSON.stringify(p.busy.map((b) => [b.start, b.end])) : '';
    const key = JSON.stringify([profileKey, history, historyNights, busyKey, p.optional === true]);
    let c = classByKey.get(key);
    if (c === undefined) {
      c = classes.length;
      classByKey.set(key, c);
      classes.push({ key, zone: zoneIndex.get(p.timeZone) as number, members: [], history, historyNights, rep: p, profile });
    }
    (classes[c] as ParticipantClass).members.push(i);
    classOf.push(c);
  });
  return { zones, classes, classOf };
}

/**
 * Every class's cost for the meeting starting at `start`. `constant` holds each zone's offset
 * for the whole date when it does not switch inside it (undefined where it does).
 */
function costsOfStart(
  spec: SeriesSpec,
  classes: readonly BuildingClass[],
  zoneObjects: readonly IANAZone[],
  constant: ReadonlyArray<number | undefined>,
  slot: number,
  start: number,
): Candidate {
  const C = classes.length;
  const durationMs = spec.durationMinutes * MINUTE_MS;
  const pain = new Float64Array(C);
  const hard = new Int32Array(C);
  const night = new Int32Array(C);
  for (let c = 0; c < C; c++) {
    const cls = classes[c] as BuildingClass;
    const p = painOfMeeting(cls.profile, zoneObjects[cls.zone] as IANAZone, start, spec.durationMinutes, constant[cls.zone]);
    let units = p.units;
    let hardMinutes = p.hardMinutes;
    const busy = cls.rep.busy;
    if (busy && busy.length > 0) {
      const overlap = overlapMinutes(busy, start, start + durationMs);
      if (overlap > 0) {
        if (cls.rep.optional) units += overlap * PAIN_WEIGHTS.busyOptional;
        else hardMinutes += overlap;
      }
    }
    pain[c] = units;
    hard[c] = hardMinutes;
    night[c] = p.nightMinutes;
  }
  return { start, slot, pain, hard, night };
}

/** Occurrence `k` on `date`: its candidates inside the allowed windows, costed, and its pool. */
function occurrenceCandidates(spec: SeriesSpec, classes: readonly BuildingClass[], zoneObjects: readonly IANAZone[], k: number, date: string): OccurrenceCandidates {
  const durationMs = spec.durationMinutes * MINUTE_MS;
  const starts = slotStarts(date, spec.timeZone, spec.gridMinutes).filter((s) => fitsUtcWindows(spec, s.start));
  if (starts.length === 0) {
    throw rotationErrors.no_candidates(`Occurrence ${k + 1} (${date}) has no candidate start inside the allowed UTC windows.`, { date });
  }
  const firstStart = (starts[0] as { start: number }).start;
  const lastEnd = (starts[starts.length - 1] as { start: number }).start + durationMs;
  // One offset per zone for the whole date when the zone does not switch inside it.
  const constant = zoneObjects.map((z) => {
    const a = z.offset(firstStart);
    return a === z.offset(lastEnd - MINUTE_MS) ? a : undefined;
  });
  const candidates = starts.map(({ slot, start }) => costsOfStart(spec, classes, zoneObjects, constant, slot, start));
  return { index: k, date, candidates, ...poolOf(spec, candidates, classes.length) };
}

/**
 * The candidates passing every class's hard limits; when none does, all of them, each break
 * charged to whoever takes it (mutates the candidates' pain).
 */
function poolOf(spec: SeriesSpec, candidates: Candidate[], C: number): { pool: number[]; fallback: boolean } {
  const pool: number[] = [];
  candidates.forEach((cand, j) => {
    if (cand.hard.every((h) => h === 0)) pool.push(j);
  });
  if (pool.length > 0) return { pool, fallback: false };
  candidates.forEach((cand, j) => {
    pool.push(j);
    for (let c = 0; c < C; c++) (cand.pain[c] as number) += hardLimitSurcharge(spec.durationMinutes, cand.hard[c] as number);
  });
  return { pool, fallback: true };
}

/**
 * Builds the candidate grid of a series: the occurrence dates (every `cadence` from
 * `startDate`), each date's starts every `gridMinutes` in the series zone (DST-correct per
 * date), and every participant class's pain, hard-limit and night minutes for each. Then the
 * pools: the candidates passing everyone's hard limits, or, when none does, every candidate
 * with each break charged to whoever takes it (`hardLimitSurcharge`).
 */
export function buildRotationProblem(spec: SeriesSpec, participants: readonly RotationParticipant[]): RotationProblem {
  const { zones, classes, classOf } = classifyParticipants(participants);
  const step = spec.cadence.every * (spec.cadence.unit === 'week' ? 7 : 1);
  const zoneObjects = zones.map((z) => IANAZone.create(z));
  const occurrences: OccurrenceCandidates[] = [];
  for (let k = 0; k < spec.occurrences; k++) {
    occurrences.push(occurrenceCandidates(spec, classes, zoneObjects, k, addDays(spec.startDate, k * step)));
  }
  return {
    spec,
    participants,
    classes: classes.map(({ zone, members, history, historyNights }) => ({ zone, members, history, historyNights })),
    zones,
    classOf,
    occurrences,
  };
}
