/**
 * The objective of fair rotation (docs/features.md, "Fair rotation across time zones"), shared
 * by the heuristic (`rotation-solver.ts`) and the exact solver (`rotation-exact.ts`).
 *
 * A plan is scored by a key compared level by level (smaller is better):
 *   0. how many entries are at night in every occurrence of this series (series of two or more
 *      occurrences): nobody takes every night whenever some plan achieves it;
 *   1. leximin over each entry's cumulative burden (carried history + this series, hard-limit
 *      breaks included as heavy burden): the burden vector sorted descending, compared
 *      position by position — the largest first, then the second largest, and so on;
 *   2. leximin over each entry's night count (carried nights + this series' occurrences that
 *      touch local 23:00–08:00), sorted descending the same way;
 *   3. zone-weighted total pain of this series: each zone weighs as one person (the mean over
 *      its members), so a crowded zone does not outvote a lone one;
 *   4. the number of distinct slots (predictability); slot changes are minimised by laying
 *      the chosen slots out in blocks (`sequence` in the solver).
 * An entry is a participant class (`rotation-problem.ts`): identical people count once.
 *
 * Occurrences whose pools offer the same slots at the same cost are interchangeable, so a plan
 * is a count per (occurrence type, slot). `RotationModel` is that compact form as plain data,
 * which is what the exact solver receives (on Node, in a worker thread).
 */
import type { Candidate, RotationProblem } from './rotation-problem';

export const EPS = 1e-7;

/** One slot choice shared by every occurrence of a type. */
export interface Entry {
  slot: number;
  /** Pain per class, units. */
  pain: Float64Array;
  /** 1 when the slot touches the class's local night, per class. */
  night: Uint8Array;
  /** Candidate index of this slot in each occurrence of the type. */
  candidateOf: number[];
}

export interface OccurrenceType {
  occurrences: number[];
  entries: Entry[];
  /** Entries worth choosing: not dominated, first of each group of identical ones. */
  kept: number[];
  /** For each entry, the entries with identical pain and nights (itself included). */
  equivalent: number[][];
}

/** The plan space as plain, transferable data: what the exact solver needs. */
export interface RotationModel {
  /** Per class: carried burden (units), carried nights, zone, members. */
  classes: Array<{ history: number; historyNights: number; zone: number; members: number }>;
  zoneSizes: number[];
  /** Occurrences in the series. */
  occurrences: number;
  /** Per type: how many occurrences, and the kept entries' pains and nights (per class). */
  types: Array<{ count: number; entries: Array<{ entry: number; slot: number; pain: number[]; night: number[] }> }>;
}

/** The lexicographic objective of a plan. */
export interface Key {
  /** Entries at night in every occurrence of this series (series of 2 or more): kept at 0 whenever some plan can. */
  allNight: number;
  /** Burdens, units, sorted descending. */
  burden: Float64Array;
  /** Night counts, sorted descending. */
  nights: Float64Array;
  total: number;
  distinct: number;
}

function dominates(b: Entry, a: Entry): 'equal' | 'better' | null {
  let strict = false;
  for (let c = 0; c < a.pain.length; c++) {
    const pb = b.pain[c] as number;
    const pa = a.pain[c] as number;
    const nb = b.night[c] as number;
    const na = a.night[c] as number;
    if (pb > pa || nb > na) return null;
    if (pb < pa || nb < na) strict = true;
  }
  return strict ? 'better' : 'equal';
}

/** Groups occurrences whose pools have the same slots with the same pains and nights; prunes dominated slots. */
export function occurrenceTypes(problem: RotationProblem): OccurrenceType[] {
  const bySignature = new Map<string, OccurrenceType>();
  const types: OccurrenceType[] = [];
  for (const occ of problem.occurrences) {
    const parts: string[] = [];
    for (const j of occ.pool) {
      const cand = occ.candidates[j] as Candidate;
      parts.push(`${cand.slot}:${Array.prototype.join.call(cand.pain, ',')}:${Array.prototype.map.call(cand.night, (n: number) => (n > 0 ? 1 : 0)).join('')}`);
    }
    const signature = parts.join(';');
    let type = bySignature.get(signature);
    if (!type) {
      type = {
        occurrences: [],
        entries: occ.pool.map((j) => {
          const cand = occ.candidates[j] as Candidate;
          return { slot: cand.slot, pain: cand.pain, night: Uint8Array.from(cand.night, (n) => (n > 0 ? 1 : 0)), candidateOf: [] };
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
      let dominated = false;
      for (let b = 0; b < n; b++) {
        if (a === b) continue;
        const d = dominates(type.entries[b] as Entry, type.entries[a] as Entry);
        if (d === 'equal') (type.equivalent[a] as number[]).push(b);
        if (d === 'better' || (d === 'equal' && b < a)) dominated = true;
      }
      (type.equivalent[a] as number[]).push(a);
      if (!dominated) type.kept.push(a);
    }
    for (const list of type.equivalent) list.sort((x, y) => x - y);
  }
  return types;
}

export function zoneSizes(problem: RotationProblem): number[] {
  const sizes = problem.zones.map(() => 0);
  for (const c of problem.classes) sizes[c.zone] = (sizes[c.zone] as number) + c.members.length;
  return sizes;
}

/** The compact model of a problem (kept entries only), for the exact solver. */
export function rotationModel(problem: RotationProblem, types: OccurrenceType[] = occurrenceTypes(problem)): RotationModel {
  return {
    classes: problem.classes.map((c) => ({ history: c.history, historyNights: c.historyNights, zone: c.zone, members: c.members.length })),
    zoneSizes: zoneSizes(problem),
    occurrences: problem.occurrences.length,
    types: types.map((t) => ({
      count: t.occurrences.length,
      entries: t.kept.map((e) => {
        const entry = t.entries[e] as Entry;
        return { entry: e, slot: entry.slot, pain: Array.from(entry.pain), night: Array.from(entry.night) };
      }),
    })),
  };
}

/** Compares two sorted-descending vectors lexicographically, with a tolerance. */
export function compareVectors(a: ArrayLike<number>, b: ArrayLike<number>): number {
  for (let i = 0; i < a.length; i++) {
    const d = (a[i] as number) - (b[i] as number);
    if (d > EPS) return 1;
    if (d < -EPS) return -1;
  }
  return 0;
}

export function compareKeys(a: Key, b: Key): number {
  return (
    a.allNight - b.allNight ||
    compareVectors(a.burden, b.burden) ||
    compareVectors(a.nights, b.nights) ||
    (a.total - b.total > EPS ? 1 : a.total - b.total < -EPS ? -1 : 0) ||
    a.distinct - b.distinct
  );
}

/** A copy of `values` sorted descending. */
export function sortedDescending(values: ArrayLike<number>): Float64Array {
  return Float64Array.from(values as ArrayLike<number>)
    .sort()
    .reverse();
}

/**
 * The key of per-class burdens (units, history included) and nights (carried included):
 * `history` per class to take the series' own pain for the zone-weighted total.
 */
export function keyOf(
  burden: ArrayLike<number>,
  nights: ArrayLike<number>,
  classes: ReadonlyArray<{ history: number; historyNights: number; zone: number; members: number }>,
  sizes: readonly number[],
  distinct: number,
  occurrences = 0,
): Key {
  let total = 0;
  let allNight = 0;
  for (let c = 0; c < classes.length; c++) {
    const cls = classes[c] as { history: number; historyNights: number; zone: number; members: number };
    total += (((burden[c] as number) - cls.history) * cls.members) / (sizes[cls.zone] as number);
    if (occurrences >= 2 && (nights[c] as number) - cls.historyNights >= occurrences) allNight++;
  }
  return { allNight, burden: sortedDescending(burden), nights: sortedDescending(nights), total, distinct };
}
