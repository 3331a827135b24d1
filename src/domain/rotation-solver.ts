/**
 * The rotation solver: which start to use for each occurrence of a recurring series so that the
 * early/late pain is shared fairly (README, "Fair rotation across time zones").
 *
 * Objective, lexicographic (smaller is better):
 *   1. the largest cumulative burden (history + pain of this series) of any participant;
 *   2. the rest of the burden vector sorted descending (leximin) — over *time zones*, each zone
 *      counted once with the burden of its worst-off member, so ten people in one zone do not
 *      outvote one person in another (IETF draft-nottingham-scheduling-online-meetings);
 *   3. total pain, each zone weighing as one person (the mean of its members);
 *   4. the number of distinct slots (predictability), then slot changes along the series.
 * Hard limits (local night, non-working days, busy time) are never broken when some candidate
 * of that occurrence passes them; when none does, the occurrence's pool is the candidates that
 * break the limits of the fewest zones, with a heavy surcharge so the breaks rotate.
 *
 * Method: occurrences with identical candidate pools are grouped into types, so a plan is a
 * count per (type, slot); dominated slots are pruned; two starts (the best single fixed slot and
 * a greedy rolling choice) are improved by steepest-descent local search with 1- and 2-slot
 * moves under the full lexicographic key; equivalent slots are then merged to minimise distinct
 * slots and the counts are laid out in time as blocks, most-relieving first. Deterministic: no
 * randomness, no clocks, fixed iteration orders.
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
const EPS = 1e-7;

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

/** Participants who cost the same everywhere (same zone, hours, opt-in, history, no own busy time). */
export interface ParticipantClass {
  zone: number;
  members: number[];
  /** Carried-over burden, units. */
  history: number;
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

export interface RotationSolution {
  /** Per occurrence, the index into its `candidates`. */
  choice: number[];
  /** Final burden per class, units. */
  burden: number[];
  /** Solver statistics. */
  stats: { types: number; keptSlots: number; iterations: number };
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

/**
 * Builds the candidate grid of a series: the occurrence dates (every `cadence` from
 * `startDate`), each date's starts every `gridMinutes` in the series zone (DST-correct per
 * date), and every participant class's pain, hard-limit and night minutes for each. Then the
 * pools: the candidates passing everyone's hard limits, or, when none does, those breaking the
 * limits of the fewest zones (with `hardLimitBreak` added to the pain of those breaks).
 */
export function buildRotationProblem(spec: SeriesSpec, participants: readonly RotationParticipant[]): RotationProblem {
  const zones: string[] = [];
  const zoneIndex = new Map<string, number>();
  const profiles = new Map<string, PainProfile>();
  const classes: Array<ParticipantClass & { key: string; rep: RotationParticipant; profile: PainProfile }> = [];
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
    const ownBusy = p.busy !== undefined && p.busy.length > 0;
    const history = Math.round((p.history ?? 0) * UNITS_PER_POINT * 1e6) / 1e6;
    const key = ownBusy ? `busy:${i}` : `${profileKey}|${history}`;
    let c = classByKey.get(key);
    if (c === undefined) {
      c = classes.length;
      classByKey.set(key, c);
      classes.push({ key, zone: zoneIndex.get(p.timeZone) as number, members: [], history, rep: p, profile });
    }
    (classes[c] as ParticipantClass).members.push(i);
    classOf.push(c);
  });

  const C = classes.length;
  const step = spec.cadence.every * (spec.cadence.unit === 'week' ? 7 : 1);
  const durationMs = spec.durationMinutes * MINUTE_MS;
  const zoneObjects = zones.map((z) => IANAZone.create(z));
  const occurrences: OccurrenceCandidates[] = [];
  for (let k = 0; k < spec.occurrences; k++) {
    const date = addDays(spec.startDate, k * step);
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
    const candidates: Candidate[] = starts.map(({ slot, start }) => {
      const pain = new Float64Array(C);
      const hard = new Int32Array(C);
      const night = new Int32Array(C);
      for (let c = 0; c < C; c++) {
        const cls = classes[c] as (typeof classes)[number];
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
    });
    const pool: number[] = [];
    candidates.forEach((cand, j) => {
      if (cand.hard.every((h) => h === 0)) pool.push(j);
    });
    let fallback = false;
    if (pool.length === 0) {
      fallback = true;
      const brokenZones = candidates.map((cand) => {
        const broken = new Set<number>();
        for (let c = 0; c < C; c++) if ((cand.hard[c] as number) > 0) broken.add((classes[c] as ParticipantClass).zone);
        return broken.size;
      });
      const least = Math.min(...brokenZones);
      candidates.forEach((cand, j) => {
        if (brokenZones[j] !== least) return;
        pool.push(j);
        for (let c = 0; c < C; c++) (cand.pain[c] as number) += (cand.hard[c] as number) * PAIN_WEIGHTS.hardLimitBreak;
      });
    }
    occurrences.push({ index: k, date, candidates, pool, fallback });
  }
  return {
    spec,
    participants,
    classes: classes.map(({ zone, members, history }) => ({ zone, members, history })),
    zones,
    classOf,
    occurrences,
  };
}

/** One slot choice shared by every occurrence of a type. */
interface Entry {
  slot: number;
  pain: Float64Array;
  /** Candidate index of this slot in each occurrence of the type. */
  candidateOf: number[];
}

interface OccurrenceType {
  occurrences: number[];
  entries: Entry[];
  /** Entries moves may go to: not dominated, first of each group of identical ones. */
  kept: number[];
  /** For each entry, the entries with identical pain (itself included). */
  equivalent: number[][];
}

/** Groups occurrences whose pools have the same slots with the same pains. */
function occurrenceTypes(problem: RotationProblem): OccurrenceType[] {
  const bySignature = new Map<string, OccurrenceType>();
  const types: OccurrenceType[] = [];
  for (const occ of problem.occurrences) {
    const parts: string[] = [];
    for (const j of occ.pool) {
      const cand = occ.candidates[j] as Candidate;
      parts.push(`${cand.slot}:${Array.prototype.join.call(cand.pain, ',')}`);
    }
    const signature = parts.join(';');
    let type = bySignature.get(signature);
    if (!type) {
      type = {
        occurrences: [],
        entries: occ.pool.map((j) => {
          const cand = occ.candidates[j] as Candidate;
          return { slot: cand.slot, pain: cand.pain, candidateOf: [] };
        }),
        kept: [],
        equivalent: [],
      };
      bySignature.set(signature, type);
      types.push(type);
    }
    type.occurrences.push(occ.index);
    occ.pool.forEach((j, e) => (type.entries[e] as Entry).candidateOf.push(j));
  }
  for (const type of types) {
    const n = type.entries.length;
    type.equivalent = type.entries.map(() => []);
    for (let a = 0; a < n; a++) {
      const pa = (type.entries[a] as Entry).pain;
      let dominated = false;
      for (let b = 0; b < n && !dominated; b++) {
        if (a === b) continue;
        const pb = (type.entries[b] as Entry).pain;
        let le = true;
        let lt = false;
        for (let c = 0; c < pa.length; c++) {
          if ((pb[c] as number) > (pa[c] as number)) {
            le = false;
            break;
          }
          if ((pb[c] as number) < (pa[c] as number)) lt = true;
        }
        if (!le) continue;
        if (!lt) (type.equivalent[a] as number[]).push(b);
        if (lt || b < a) dominated = true;
      }
      (type.equivalent[a] as number[]).push(a);
      if (!dominated) type.kept.push(a);
    }
    for (const list of type.equivalent) list.sort((x, y) => x - y);
  }
  return types;
}

type Move = readonly [number, number, number];

/** The lexicographic objective of a plan. */
interface Key {
  zones: Float64Array;
  total: number;
  distinct: number;
}

function compareKeys(a: Key, b: Key): number {
  for (let i = 0; i < a.zones.length; i++) {
    const d = (a.zones[i] as number) - (b.zones[i] as number);
    if (d > EPS) return 1;
    if (d < -EPS) return -1;
  }
  if (a.total - b.total > EPS) return 1;
  if (a.total - b.total < -EPS) return -1;
  return a.distinct - b.distinct;
}

/**
 * The search state: counts per (type, entry), burden per class, how many occurrences use each
 * slot name. `evaluate` scores a tentative change of burdens without applying it.
 */
class Plan {
  readonly counts: number[][];
  readonly burden: Float64Array;
  readonly slotUse = new Map<number, number>();
  private readonly scratch: Float64Array;
  private readonly zoneMax: Float64Array;
  private readonly zoneSum: Float64Array;
  private readonly sorted: Float64Array;

  constructor(
    private readonly types: OccurrenceType[],
    private readonly classes: ParticipantClass[],
    private readonly zoneCount: number,
    private readonly zoneSize: number[],
  ) {
    this.counts = types.map((t) => t.entries.map(() => 0));
    this.burden = Float64Array.from(classes.map((c) => c.history));
    this.scratch = new Float64Array(classes.length);
    this.zoneMax = new Float64Array(zoneCount);
    this.zoneSum = new Float64Array(zoneCount);
    this.sorted = new Float64Array(zoneCount);
  }

  clone(): Plan {
    const copy = new Plan(this.types, this.classes, this.zoneCount, this.zoneSize);
    this.counts.forEach((row, t) => row.forEach((n, e) => ((copy.counts[t] as number[])[e] = n)));
    copy.burden.set(this.burden);
    for (const [slot, n] of this.slotUse) copy.slotUse.set(slot, n);
    return copy;
  }

  add(t: number, e: number, times = 1): void {
    const entry = (this.types[t] as OccurrenceType).entries[e] as Entry;
    (this.counts[t] as number[])[e] = ((this.counts[t] as number[])[e] as number) + times;
    for (let c = 0; c < this.burden.length; c++) (this.burden[c] as number) += times * (entry.pain[c] as number);
    const use = (this.slotUse.get(entry.slot) ?? 0) + times;
    if (use === 0) this.slotUse.delete(entry.slot);
    else this.slotUse.set(entry.slot, use);
  }

  /** The key of `burden` (or of the current state), with `distinct` slots. */
  keyOf(burden: Float64Array, distinct: number): Key {
    const { zoneMax, zoneSum, classes } = this;
    zoneMax.fill(-Infinity);
    zoneSum.fill(0);
    for (let c = 0; c < burden.length; c++) {
      const cls = classes[c] as ParticipantClass;
      const b = burden[c] as number;
      if (b > (zoneMax[cls.zone] as number)) zoneMax[cls.zone] = b;
      (zoneSum[cls.zone] as number) += (b - cls.history) * cls.members.length;
    }
    let total = 0;
    for (let z = 0; z < zoneSum.length; z++) total += (zoneSum[z] as number) / (this.zoneSize[z] as number);
    const zones = Float64Array.from(zoneMax).sort().reverse();
    return { zones, total, distinct };
  }

  key(): Key {
    return this.keyOf(this.burden, this.slotUse.size);
  }

  /**
   * The key after applying `moves` (each moves one occurrence of type t from entry a to entry
   * b), if it beats `bound`; otherwise undefined. Rejects early on the maximum, which is how
   * most moves fail, and allocates only for a winner.
   */
  evaluate(moves: ReadonlyArray<Move>, bound: Key): Key | undefined {
    const { scratch, zoneMax, zoneSum, classes, sorted } = this;
    scratch.set(this.burden);
    for (const [t, a, b] of moves) {
      const type = this.types[t] as OccurrenceType;
      const pa = (type.entries[a] as Entry).pain;
      const pb = (type.entries[b] as Entry).pain;
      for (let c = 0; c < scratch.length; c++) (scratch[c] as number) += (pb[c] as number) - (pa[c] as number);
    }
    zoneMax.fill(-Infinity);
    zoneSum.fill(0);
    let max = -Infinity;
    for (let c = 0; c < scratch.length; c++) {
      const cls = classes[c] as ParticipantClass;
      const b = scratch[c] as number;
      if (b > (zoneMax[cls.zone] as number)) zoneMax[cls.zone] = b;
      if (b > max) max = b;
      (zoneSum[cls.zone] as number) += (b - cls.history) * cls.members.length;
    }
    if (max > (bound.zones[0] as number) + EPS) return undefined;
    // Insertion sort, descending (few zones), then compare with the bound.
    const Z = zoneMax.length;
    for (let i = 0; i < Z; i++) {
      const v = zoneMax[i] as number;
      let j = i - 1;
      while (j >= 0 && (sorted[j] as number) < v) {
        sorted[j + 1] = sorted[j] as number;
        j--;
      }
      sorted[j + 1] = v;
    }
    let cmp = 0;
    for (let i = 0; i < Z && cmp === 0; i++) {
      const d = (sorted[i] as number) - (bound.zones[i] as number);
      if (d > EPS) cmp = 1;
      else if (d < -EPS) cmp = -1;
    }
    if (cmp > 0) return undefined;
    let total = 0;
    for (let z = 0; z < Z; z++) total += (zoneSum[z] as number) / (this.zoneSize[z] as number);
    if (cmp === 0) {
      if (total - bound.total > EPS) return undefined;
      if (total - bound.total < -EPS) cmp = -1;
    }
    let distinct = this.slotUse.size;
    const use = new Map<number, number>();
    for (const [t, a, b] of moves) {
      const type = this.types[t] as OccurrenceType;
      const sa = (type.entries[a] as Entry).slot;
      const sb = (type.entries[b] as Entry).slot;
      use.set(sa, (use.get(sa) ?? 0) - 1);
      use.set(sb, (use.get(sb) ?? 0) + 1);
    }
    for (const [slot, delta] of use) {
      const before = this.slotUse.get(slot) ?? 0;
      if (before === 0 && delta > 0) distinct++;
      else if (before > 0 && before + delta === 0) distinct--;
    }
    if (cmp === 0 && distinct >= bound.distinct) return undefined;
    return { zones: Float64Array.from(sorted), total, distinct };
  }
}

/** Steepest-descent local search with 1-moves, then targeted 2-moves when stuck. */
function improve(plan: Plan, types: OccurrenceType[], classes: ParticipantClass[], maxIterations: number): number {
  let current = plan.key();
  let iterations = 0;
  const singleMoves = (): Move[] => {
    const moves: Move[] = [];
    types.forEach((type, t) => {
      (plan.counts[t] as number[]).forEach((n, a) => {
        if (n === 0) return;
        for (const b of type.kept) if (b !== a) moves.push([t, a, b]);
      });
    });
    return moves;
  };
  while (iterations < maxIterations) {
    iterations++;
    const moves = singleMoves();
    let best: Key | undefined;
    let bestMoves: Move[] | undefined;
    for (const m of moves) {
      const k = plan.evaluate([m], best ?? current);
      if (k) {
        best = k;
        bestMoves = [m];
      }
    }
    if (!bestMoves) {
      // 2-moves. No single move helps, so a better pair must lower every class at the current
      // maximum (first move) and then every class the first move lifted to that level (second).
      const maxBurden = current.zones[0] as number;
      const worst = classes.map((_, i) => i).filter((i) => (plan.burden[i] as number) >= maxBurden - EPS);
      const lowers = (m: Move, list: number[]) => {
        const type = types[m[0]] as OccurrenceType;
        const pa = (type.entries[m[1]] as Entry).pain;
        const pb = (type.entries[m[2]] as Entry).pain;
        return list.every((c) => (pb[c] as number) < (pa[c] as number) - EPS);
      };
      const firsts = moves.filter((m) => lowers(m, worst));
      for (const first of firsts) {
        const type = types[first[0]] as OccurrenceType;
        const pa = (type.entries[first[1]] as Entry).pain;
        const pb = (type.entries[first[2]] as Entry).pain;
        const lifted = classes
          .map((_, i) => i)
          .filter((c) => (plan.burden[c] as number) + (pb[c] as number) - (pa[c] as number) >= maxBurden - EPS);
        for (const second of moves) {
          const [t1, a1, b1] = first;
          const [t2, a2] = second;
          if (t1 === t2 && a1 === a2 && ((plan.counts[t1] as number[])[a1] as number) < 2) continue;
          if (t1 === t2 && b1 === a2) continue;
          if (!lowers(second, lifted)) continue;
          const k = plan.evaluate([first, second], best ?? current);
          if (k) {
            best = k;
            bestMoves = [first, second];
          }
        }
      }
    }
    if (!bestMoves || !best) break;
    for (const [t, a, b] of bestMoves) {
      plan.add(t, a, -1);
      plan.add(t, b, 1);
    }
    current = best;
  }
  return iterations;
}

/** Every occurrence of every type at the same slot name, if each type offers it. */
function bestFixedSlot(types: OccurrenceType[], makePlan: () => Plan): Plan | undefined {
  const slots = [...new Set((types[0] as OccurrenceType).entries.map((e) => e.slot))].sort((a, b) => a - b);
  const scored: Array<{ slot: number; plan: Plan; key: Key }> = [];
  for (const slot of slots) {
    const plan = makePlan();
    let ok = true;
    types.forEach((type, t) => {
      const e = type.entries.findIndex((x) => x.slot === slot);
      if (e < 0) ok = false;
      else plan.add(t, e, type.occurrences.length);
    });
    if (ok) scored.push({ slot, plan, key: plan.key() });
  }
  if (scored.length === 0) return undefined;
  const best = scored.reduce((a, b) => (compareKeys(b.key, a.key) < 0 ? b : a));
  // Among equally good fixed slots, the middle one (the centre of the shared window).
  const ties = scored.filter((s) => compareKeys(s.key, best.key) === 0);
  return (ties[Math.floor((ties.length - 1) / 2)] as (typeof ties)[number]).plan;
}

/** Occurrences in order; each takes the kept slot that leaves the best partial key. */
function greedy(problem: RotationProblem, types: OccurrenceType[], makePlan: () => Plan): Plan {
  const plan = makePlan();
  const typeOf = new Map<number, number>();
  types.forEach((type, t) => type.occurrences.forEach((k) => typeOf.set(k, t)));
  let previousSlot: number | undefined;
  for (const occ of problem.occurrences) {
    const t = typeOf.get(occ.index) as number;
    const type = types[t] as OccurrenceType;
    let best: { e: number; key: Key } | undefined;
    for (const e of type.kept) {
      plan.add(t, e, 1);
      const key = plan.key();
      plan.add(t, e, -1);
      const cmp = best ? compareKeys(key, best.key) : -1;
      if (cmp < 0 || (cmp === 0 && best && (type.entries[e] as Entry).slot === previousSlot)) best = { e, key };
    }
    const chosen = (best as { e: number }).e;
    plan.add(t, chosen, 1);
    previousSlot = (type.entries[chosen] as Entry).slot;
  }
  return plan;
}

/**
 * Chooses among equivalent entries (identical pain) the slot names that cover the most
 * occurrences, so equally good plans use as few distinct slots as possible.
 */
function mergeEquivalentSlots(plan: Plan, types: OccurrenceType[]): void {
  const groups: Array<{ t: number; e: number; n: number; options: number[] }> = [];
  types.forEach((type, t) =>
    (plan.counts[t] as number[]).forEach((n, e) => {
      if (n > 0) groups.push({ t, e, n, options: (type.equivalent[e] as number[]).map((x) => (type.entries[x] as Entry).slot) });
    }),
  );
  const used = new Set(plan.slotUse.keys());
  const assigned = new Map<number, number>();
  while (assigned.size < groups.length) {
    const cover = new Map<number, number>();
    groups.forEach((g, i) => {
      if (assigned.has(i)) return;
      for (const slot of new Set(g.options)) cover.set(slot, (cover.get(slot) ?? 0) + g.n);
    });
    const [slot] = [...cover.entries()].sort(
      (a, b) => b[1] - a[1] || Number(used.has(b[0])) - Number(used.has(a[0])) || a[0] - b[0],
    )[0] as [number, number];
    groups.forEach((g, i) => {
      if (!assigned.has(i) && g.options.includes(slot)) assigned.set(i, slot);
    });
  }
  groups.forEach((g, i) => {
    const slot = assigned.get(i) as number;
    const type = types[g.t] as OccurrenceType;
    const target = (type.equivalent[g.e] as number[]).find((x) => (type.entries[x] as Entry).slot === slot) as number;
    if (target === g.e) return;
    plan.add(g.t, g.e, -g.n);
    plan.add(g.t, target, g.n);
  });
}

/**
 * Lays the chosen counts out in time: an occurrence keeps the previous occurrence's slot while
 * its type has some left (few slot changes: blocks, not a new time every week); a new block
 * starts with the slot that leaves the running burden lowest (relief for whoever carries the
 * most history first).
 */
function sequence(problem: RotationProblem, types: OccurrenceType[], plan: Plan): number[] {
  const remaining = plan.counts.map((row) => [...row]);
  const typeOf = new Map<number, number>();
  types.forEach((type, t) => type.occurrences.forEach((k) => typeOf.set(k, t)));
  const running = Float64Array.from(problem.classes.map((c) => c.history));
  const scorer = new Plan(types, problem.classes, problem.zones.length, zoneSizes(problem));
  const choice: number[] = [];
  let previousSlot: number | undefined;
  for (const occ of problem.occurrences) {
    const t = typeOf.get(occ.index) as number;
    const type = types[t] as OccurrenceType;
    const row = remaining[t] as number[];
    const position = type.occurrences.indexOf(occ.index);
    let e = row.findIndex((n, i) => n > 0 && (type.entries[i] as Entry).slot === previousSlot);
    if (e < 0) {
      let best: Key | undefined;
      row.forEach((n, i) => {
        if (n === 0) return;
        const next = Float64Array.from(running);
        const pain = (type.entries[i] as Entry).pain;
        for (let c = 0; c < next.length; c++) (next[c] as number) += pain[c] as number;
        const key = scorer.keyOf(next, 0);
        if (!best || compareKeys(key, best) < 0) {
          best = key;
          e = i;
        }
      });
    }
    row[e] = (row[e] as number) - 1;
    const entry = type.entries[e] as Entry;
    for (let c = 0; c < running.length; c++) (running[c] as number) += entry.pain[c] as number;
    choice.push(entry.candidateOf[position] as number);
    previousSlot = entry.slot;
  }
  return choice;
}

function zoneSizes(problem: RotationProblem): number[] {
  const sizes = problem.zones.map(() => 0);
  for (const c of problem.classes) sizes[c.zone] = (sizes[c.zone] as number) + c.members.length;
  return sizes;
}

/**
 * Solves a rotation problem (see the module comment for the objective and the method). Returns
 * the chosen candidate per occurrence and the final burden per class in units.
 */
export function solveRotation(problem: RotationProblem): RotationSolution {
  const types = occurrenceTypes(problem);
  const sizes = zoneSizes(problem);
  const makePlan = () => new Plan(types, problem.classes, problem.zones.length, sizes);
  const budget = 20 * problem.occurrences.length + 200;
  const starts = [bestFixedSlot(types, makePlan), greedy(problem, types, makePlan)].filter((p): p is Plan => p !== undefined);
  let best: Plan | undefined;
  let bestKey: Key | undefined;
  let iterations = 0;
  for (const start of starts) {
    iterations += improve(start, types, problem.classes, budget);
    const merged = start.clone();
    mergeEquivalentSlots(merged, types);
    const candidate = compareKeys(merged.key(), start.key()) <= 0 ? merged : start;
    const key = candidate.key();
    if (!bestKey || compareKeys(key, bestKey) < 0) {
      best = candidate;
      bestKey = key;
    }
  }
  const plan = best as Plan;
  return {
    choice: sequence(problem, types, plan),
    burden: Array.from(plan.burden),
    stats: { types: types.length, keptSlots: types.reduce((n, t) => n + t.kept.length, 0), iterations },
  };
}
