/**
 * The rotation heuristic: which start to use for each occurrence of a recurring series so that
 * the pain is shared fairly. The objective is `rotation-objective.ts` (leximin over burden, then
 * over nights, then zone-weighted total, then distinct slots); the problem is
 * `rotation-problem.ts`. On Node the exact solver (`rotation-exact.ts`, HiGHS) runs first and
 * its plan is passed in as a start; this search then only polishes the levels it left open, and
 * on Workers it is the solver.
 *
 * Method: a plan is a count per (occurrence type, kept slot). When the plan space is small
 * (≤ `EXHAUSTIVE_LIMIT` count vectors) every plan is scored, which is exact. Otherwise starts
 * (the exact plan if given, the best single fixed slot, a greedy rolling choice) are improved by
 * steepest-descent local search with 1-slot moves and targeted 2-slot moves under the full
 * key; equivalent slots are merged to minimise distinct slots, and the counts are laid out in
 * time as blocks, most-relieving first. Deterministic: no randomness, no clocks, fixed orders.
 * The plan state and the merge/layout steps are in `rotation-search-plan.ts`; the search is here.
 */
import { mergeEquivalentSlots, Plan, sequence, type Move } from './rotation-search-plan';
import type { RotationProblem } from './rotation-problem';
import { compareKeys, EPS, occurrenceTypes, zoneSizes, type Entry, type Key, type OccurrenceType } from './rotation-objective';

export { buildRotationProblem, type Candidate, type OccurrenceCandidates, type ParticipantClass, type RotationProblem, type SeriesSpec } from './rotation-problem';

/** Plans scored one by one below this many count vectors (tiny series), which is exact. */
export const EXHAUSTIVE_LIMIT = 300_000;

export interface RotationSolution {
  /** Per occurrence, the index into its `candidates`. */
  choice: number[];
  /** Final burden per class, units. */
  burden: number[];
  /** Final night count per class (carried included). */
  nights: number[];
  /** The plan as counts per (type, entry), in `occurrenceTypes` order (a start for the exact solver). */
  counts: number[][];
  /** Solver statistics. */
  stats: { types: number; keptSlots: number; iterations: number; exhaustive: boolean; usedStart: boolean };
}

/** Every count vector of every type, scored; `undefined` when there are more than `EXHAUSTIVE_LIMIT`. */
function exhaustive(types: OccurrenceType[], makePlan: () => Plan): Plan | undefined {
  const compositions = (n: number, k: number): number => {
    let r = 1;
    for (let i = 1; i < k; i++) r = (r * (n + i)) / i;
    return Math.round(r);
  };
  let space = 1;
  for (const t of types) {
    space *= compositions(t.occurrences.length, t.kept.length);
    if (space > EXHAUSTIVE_LIMIT) return undefined;
  }
  const plan = makePlan();
  let best: { key: Key; plan: Plan } | undefined;
  const visit = (t: number, i: number, left: number): void => {
    if (t === types.length) {
      const key = plan.key();
      if (!best || compareKeys(key, best.key) < 0) best = { key, plan: plan.clone() };
      return;
    }
    const type = types[t] as OccurrenceType;
    const e = type.kept[i] as number;
    if (i === type.kept.length - 1) {
      plan.add(t, e, left);
      visit(t + 1, 0, types[t + 1]?.occurrences.length ?? 0);
      plan.add(t, e, -left);
      return;
    }
    for (let n = left; n >= 0; n--) {
      if (n > 0) plan.add(t, e, n);
      visit(t, i + 1, left - n);
      if (n > 0) plan.add(t, e, -n);
    }
  };
  visit(0, 0, (types[0] as OccurrenceType).occurrences.length);
  return best?.plan;
}

/** Steepest-descent local search with 1-moves, then targeted 2-moves when stuck. */
function improve(plan: Plan, types: OccurrenceType[], maxIterations: number): number {
  let current = plan.key();
  let iterations = 0;
  while (iterations < maxIterations) {
    iterations++;
    const moves: Move[] = [];
    types.forEach((type, t) => {
      (plan.counts[t] as number[]).forEach((n, a) => {
        if (n === 0) return;
        for (const b of type.kept) if (b !== a) moves.push([t, a, b]);
      });
    });
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
      // 2-moves: the first lowers one of the three heaviest entries (the levels the benchmark
      // watches), the most relief first; the second is any move. Bounded so a stuck search
      // stays fast.
      const top = current.burden[Math.min(2, current.burden.length - 1)] as number;
      const relief = (m: Move) => {
        const type = types[m[0]] as OccurrenceType;
        const pa = (type.entries[m[1]] as Entry).pain;
        const pb = (type.entries[m[2]] as Entry).pain;
        let r = 0;
        for (let c = 0; c < pa.length; c++) if ((plan.burden[c] as number) >= top - EPS) r = Math.max(r, (pa[c] as number) - (pb[c] as number));
        return r;
      };
      const firsts = moves
        .map((m) => ({ m, r: relief(m) }))
        .filter((x) => x.r > EPS)
        .sort((x, y) => y.r - x.r)
        .slice(0, 40)
        .map((x) => x.m);
      for (const first of firsts) {
        for (const second of moves) {
          const [t1, a1, b1] = first;
          const [t2, a2] = second;
          if (t1 === t2 && a1 === a2 && ((plan.counts[t1] as number[])[a1] as number) < 2) continue;
          if (t1 === t2 && b1 === a2) continue;
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

/**
 * Steepest descent on a smooth stand-in for leximin, Σ_c (B_c / scale)^64, with 1-moves. The
 * leximin key has wide plateaus (only the top entries move it) where local search stalls; the
 * power sum sees every entry at once, so its optimum is a good start for the leximin search.
 */
function improvePower(plan: Plan, types: OccurrenceType[], maxIterations: number): void {
  const C = plan.burden.length;
  const scale = Math.max(1, ...plan.burden);
  const power = (x: number) => {
    const y = x / scale;
    const y2 = y * y;
    const y4 = y2 * y2;
    const y8 = y4 * y4;
    const y16 = y8 * y8;
    const y32 = y16 * y16;
    return y32 * y32;
  };
  for (let iteration = 0; iteration < maxIterations; iteration++) {
    let best = -1e-12;
    let move: Move | undefined;
    types.forEach((type, t) => {
      (plan.counts[t] as number[]).forEach((n, a) => {
        if (n === 0) return;
        const pa = (type.entries[a] as Entry).pain;
        for (const b of type.kept) {
          if (b === a) continue;
          const pb = (type.entries[b] as Entry).pain;
          let delta = 0;
          for (let c = 0; c < C; c++) {
            const d = (pb[c] as number) - (pa[c] as number);
            if (d !== 0) delta += power((plan.burden[c] as number) + d) - power(plan.burden[c] as number);
          }
          if (delta < best) {
            best = delta;
            move = [t, a, b];
          }
        }
      });
    });
    if (!move) return;
    plan.add(move[0], move[1], -1);
    plan.add(move[0], move[2], 1);
  }
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


export interface SolveOptions {
  /**
   * A plan to start from, as counts per (type, entry) in `occurrenceTypes` order (the exact
   * solver's answer). The result is never worse than it under the full key.
   */
  start?: number[][] | undefined;
  /** Skip the exhaustive search of tiny plan spaces (benchmarks measure the local search alone). */
  noExhaustive?: boolean | undefined;
}

/**
 * Solves a rotation problem (see the module comment for the objective and the method). Returns
 * the chosen candidate per occurrence and the final burden and nights per class.
 */
export function solveRotation(problem: RotationProblem, options: SolveOptions = {}): RotationSolution {
  const types = occurrenceTypes(problem);
  const sizes = zoneSizes(problem);
  const makePlan = () => new Plan(types, problem, sizes);
  const budget = 20 * problem.occurrences.length + 200;
  let iterations = 0;
  const exact = options.noExhaustive ? undefined : exhaustive(types, makePlan);
  const starts: Plan[] = [];
  const fixed = bestFixedSlot(types, makePlan);
  if (exact) {
    // On a tie the fixed slot wins: the centre of the shared window, one slot all series long.
    if (fixed) starts.push(fixed);
    starts.push(exact);
  } else {
    if (options.start) {
      const plan = makePlan();
      options.start.forEach((row, t) => row.forEach((n, e) => n > 0 && plan.add(t, e, n)));
      starts.push(plan);
    }
    if (fixed) starts.push(fixed);
    starts.push(greedy(problem, types, makePlan));
    const smooth = greedy(problem, types, makePlan);
    improvePower(smooth, types, 4 * problem.occurrences.length + 50);
    starts.push(smooth);
  }
  let best: Plan | undefined;
  let bestKey: Key | undefined;
  let bestStart = -1;
  for (const [index, start] of starts.entries()) {
    if (!exact) iterations += improve(start, types, budget);
    const merged = start.clone();
    mergeEquivalentSlots(merged, types);
    const candidate = compareKeys(merged.key(), start.key()) <= 0 ? merged : start;
    const key = candidate.key();
    if (!bestKey || compareKeys(key, bestKey) < 0) {
      best = candidate;
      bestKey = key;
      bestStart = index;
    }
  }
  const plan = best as Plan;
  return {
    choice: sequence(problem, types, plan, makePlan()),
    burden: Array.from(plan.burden),
    nights: Array.from(plan.nights),
    counts: plan.counts.map((row) => [...row]),
    stats: {
      types: types.length,
      keptSlots: types.reduce((n, t) => n + t.kept.length, 0),
      iterations,
      exhaustive: exact !== undefined,
      usedStart: options.start !== undefined && !exact && bestStart === 0,
    },
  };
}

