/**
 * The rotation heuristic's plan representation, split from `rotation-solver.ts` so the search
 * there reads on its own: a plan is a count per (occurrence type, entry) with its burden,
 * nights and slot use kept incrementally, scored under the full key (`rotation-objective.ts`);
 * plus the two steps that turn a found plan into a schedule without searching: merging
 * equivalent slots (fewest distinct slots) and laying the counts out in time as blocks.
 */
import type { RotationProblem } from './rotation-problem';
import { compareKeys, EPS, keyOf, type Entry, type Key, type OccurrenceType } from './rotation-objective';

export type Move = readonly [number, number, number];

/** The search state: counts per (type, entry), burden and nights per class, uses per slot name. */
export class Plan {
  readonly counts: number[][];
  readonly burden: Float64Array;
  readonly nights: Float64Array;
  readonly slotUse = new Map<number, number>();
  private readonly scratchB: Float64Array;
  private readonly scratchN: Float64Array;
  private readonly classInfo: Array<{ history: number; historyNights: number; zone: number; members: number }>;

  constructor(
    private readonly types: OccurrenceType[],
    private readonly problem: RotationProblem,
    private readonly sizes: number[],
  ) {
    this.counts = types.map((t) => t.entries.map(() => 0));
    this.burden = Float64Array.from(problem.classes.map((c) => c.history));
    this.nights = Float64Array.from(problem.classes.map((c) => c.historyNights));
    this.scratchB = new Float64Array(problem.classes.length);
    this.scratchN = new Float64Array(problem.classes.length);
    this.classInfo = problem.classes.map((c) => ({ history: c.history, historyNights: c.historyNights, zone: c.zone, members: c.members.length }));
  }

  clone(): Plan {
    const copy = new Plan(this.types, this.problem, this.sizes);
    this.counts.forEach((row, t) => row.forEach((n, e) => ((copy.counts[t] as number[])[e] = n)));
    copy.burden.set(this.burden);
    copy.nights.set(this.nights);
    for (const [slot, n] of this.slotUse) copy.slotUse.set(slot, n);
    return copy;
  }

  add(t: number, e: number, times = 1): void {
    const entry = (this.types[t] as OccurrenceType).entries[e] as Entry;
    (this.counts[t] as number[])[e] = ((this.counts[t] as number[])[e] as number) + times;
    for (let c = 0; c < this.burden.length; c++) {
      (this.burden[c] as number) += times * (entry.pain[c] as number);
      (this.nights[c] as number) += times * (entry.night[c] as number);
    }
    const use = (this.slotUse.get(entry.slot) ?? 0) + times;
    if (use === 0) this.slotUse.delete(entry.slot);
    else this.slotUse.set(entry.slot, use);
  }

  keyOf(burden: ArrayLike<number>, nights: ArrayLike<number>, distinct: number, occurrences = this.problem.occurrences.length): Key {
    return keyOf(burden, nights, this.classInfo, this.sizes, distinct, occurrences);
  }

  key(): Key {
    return this.keyOf(this.burden, this.nights, this.slotUse.size);
  }

  /**
   * The key after applying `moves` (each moves one occurrence of type t from entry a to entry
   * b), if it beats `bound`; otherwise undefined. Rejects early on the maximum burden, which is
   * how most moves fail.
   */
  evaluate(moves: ReadonlyArray<Move>, bound: Key): Key | undefined {
    const { scratchB, scratchN } = this;
    scratchB.set(this.burden);
    scratchN.set(this.nights);
    for (const [t, a, b] of moves) {
      const type = this.types[t] as OccurrenceType;
      const ea = type.entries[a] as Entry;
      const eb = type.entries[b] as Entry;
      for (let c = 0; c < scratchB.length; c++) {
        (scratchB[c] as number) += (eb.pain[c] as number) - (ea.pain[c] as number);
        (scratchN[c] as number) += (eb.night[c] as number) - (ea.night[c] as number);
      }
    }
    const N = this.problem.occurrences.length;
    let allNight = 0;
    if (N >= 2) for (let c = 0; c < scratchN.length; c++) if ((scratchN[c] as number) - (this.classInfo[c] as { historyNights: number }).historyNights >= N) allNight++;
    if (allNight > bound.allNight) return undefined;
    let max = -Infinity;
    for (let c = 0; c < scratchB.length; c++) if ((scratchB[c] as number) > max) max = scratchB[c] as number;
    if (allNight === bound.allNight && max > (bound.burden[0] as number) + EPS) return undefined;
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
    const key = this.keyOf(scratchB, scratchN, distinct);
    return compareKeys(key, bound) < 0 ? key : undefined;
  }
}

/** Among equivalent entries, the slot names covering the most occurrences, so equal plans use few distinct slots. */
export function mergeEquivalentSlots(plan: Plan, types: OccurrenceType[]): void {
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
    const [slot] = [...cover.entries()].sort((a, b) => b[1] - a[1] || Number(used.has(b[0])) - Number(used.has(a[0])) || a[0] - b[0])[0] as [number, number];
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
 * its type has some left (blocks, not a new time every week); a new block starts with the slot
 * that leaves the running key lowest (relief for whoever carries the most history first).
 */
export function sequence(problem: RotationProblem, types: OccurrenceType[], plan: Plan, scorer: Plan): number[] {
  const remaining = plan.counts.map((row) => [...row]);
  const typeOf = new Map<number, number>();
  types.forEach((type, t) => type.occurrences.forEach((k) => typeOf.set(k, t)));
  const running = Float64Array.from(problem.classes.map((c) => c.history));
  const runningNights = Float64Array.from(problem.classes.map((c) => c.historyNights));
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
        const entry = type.entries[i] as Entry;
        const next = Float64Array.from(running, (b, c) => b + (entry.pain[c] as number));
        const nextNights = Float64Array.from(runningNights, (b, c) => b + (entry.night[c] as number));
        const key = scorer.keyOf(next, nextNights, 0, 0);
        if (!best || compareKeys(key, best) < 0) {
          best = key;
          e = i;
        }
      });
    }
    row[e] = (row[e] as number) - 1;
    const entry = type.entries[e] as Entry;
    for (let c = 0; c < running.length; c++) {
      (running[c] as number) += entry.pain[c] as number;
      (runningNights[c] as number) += entry.night[c] as number;
    }
    choice.push(entry.candidateOf[position] as number);
    previousSlot = entry.slot;
  }
  return choice;
}
