/**
 * The exact rotation solver: sequential leximin by mixed-integer programming over the compact
 * model (`RotationModel`: an integer count per occurrence type and kept slot). The MILP solver
 * itself is injected (`LpSolver`; HiGHS compiled to WebAssembly, loaded by the Node entry in a
 * worker thread), so this module stays pure: it writes CPLEX-LP text and reads values back.
 *
 * Levels, in the objective's order (`rotation-objective.ts`):
 *   - level 0 as constraints: a class that is not at night in some slot of some occurrence is
 *     not at night in all of them (dropped when they cannot all hold together);
 *   - burden level k = 1..C minimises the sum of the k largest burdens, S_k, with the levels
 *     before it held at their optimum (Ogryczak's ordered-outcome formulation: S_k = min
 *     k·r + Σ_c max(0, B_c − r)). The k-th largest burden of the leximin optimum is
 *     S_k − S_{k−1}. When it reaches 0 every later one is 0 and the burden levels stop;
 *   - night level k likewise over night counts, with every burden level held;
 *   - the zone-weighted total, with everything above held.
 * The budget is counted in branch-and-bound nodes per level, never in time, so the same input
 * always gives the same plan. A level the budget does not prove ends the sequence: its best
 * plan is returned with its proven gap, and the heuristic polishes the levels below it.
 */
import type { RotationModel } from './rotation-objective';

/** What the injected MILP solver answers for one model. */
export interface LpResult {
  status: 'optimal' | 'limit' | 'infeasible' | 'error';
  /** Objective of the best plan found (NaN when none). */
  objective: number;
  /** Proven lower bound on the objective. */
  bound: number;
  /** Column values by name (the best plan found). */
  values: Map<string, number>;
  /** Branch-and-bound nodes used. */
  nodes: number;
}

/**
 * Solves CPLEX-LP text with at most `maxNodes` branch-and-bound nodes, starting from `start`
 * (a feasible value for every column, by name) when given; `absGap` is the absolute gap at
 * which a plan counts as proven (just under 1 when every objective value is an integer).
 */
export type LpSolver = (lp: string, maxNodes: number, start?: Map<string, number>, absGap?: number) => LpResult;

export interface ExactLevel {
  /** `burden-1` (the largest burden), `burden-2`, …, `nights-1`, …, `total`. */
  level: string;
  /** The level's value in the plan: the k-th largest burden (points), night count, or total (points). */
  value: number;
  /** Proven lower bound on that value. */
  bound: number;
  /** (value − bound) / value, 0 when proven. */
  gap: number;
  proven: boolean;
  nodes: number;
}

export interface ExactResult {
  /** Counts per (type, entry index in the full type), for `solveRotation`'s `start`. */
  counts: number[][];
  levels: ExactLevel[];
  /** Every level proven within the budget. */
  complete: boolean;
  budget: { nodesPerLevel: number };
}

/** Default: per level at most this many branch-and-bound nodes. */
export const EXACT_NODES_PER_LEVEL = 2000;
const UNITS_PER_POINT = 30;

interface Bounds {
  burden: number[];
  nights: number[];
}

/** The LP text of one level: minimise `objective` under the base rows and the held levels. */
function lpText(model: RotationModel, objective: string[], extraRows: string[], extraBounds: string[], held: Bounds, caps: number[]): string {
  const rows: string[] = [];
  const vars: string[] = [];
  const burdenTerms = model.classes.map(() => [] as string[]);
  const nightTerms = model.classes.map(() => [] as string[]);
  model.types.forEach((type, t) => {
    const names = type.entries.map((_, i) => `n_${t}_${i}`);
    vars.push(...names);
    rows.push(` occ_${t}: ${names.join(' + ')} = ${type.count}`);
    type.entries.forEach((entry, i) => {
      model.classes.forEach((_, c) => {
        if ((entry.pain[c] as number) !== 0) (burdenTerms[c] as string[]).push(`${entry.pain[c]} n_${t}_${i}`);
        if ((entry.night[c] as number) !== 0) (nightTerms[c] as string[]).push(`${entry.night[c]} n_${t}_${i}`);
      });
    });
  });
  // Level 0: the capped classes are not at night in every occurrence.
  for (const c of caps) rows.push(` nightcap_${c}: ${(nightTerms[c] as string[]).join(' + ')} <= ${model.occurrences - 1}`);
  // Held levels: for level k (1-based), k·r + Σ d ≥ B − r … ≤ S_k.
  const holdRows = (kind: 'b' | 'h', values: number[], terms: string[][], base: (c: number) => number) => {
    values.forEach((s, k) => {
      const level = k + 1;
      const r = `r${kind}${level}`;
      const ds = model.classes.map((_, c) => `d${kind}${level}_${c}`);
      model.classes.forEach((_, c) => {
        const t = terms[c] as string[];
        rows.push(` ${kind}def${level}_${c}: ${ds[c]} + ${r}${t.length ? ` - ${t.join(' - ')}` : ''} >= ${base(c)}`);
      });
      rows.push(` ${kind}hold${level}: ${level} ${r} + ${ds.join(' + ')} <= ${s + 1e-6 * Math.max(1, Math.abs(s))}`);
      extraBounds.push(` ${r} free`);
    });
  };
  holdRows('b', held.burden, burdenTerms, (c) => (model.classes[c] as { history: number }).history);
  holdRows('h', held.nights, nightTerms, (c) => (model.classes[c] as { historyNights: number }).historyNights);
  return [
    'Minimize',
    ` obj: ${objective.join(' + ') || '0'}`,
    'Subject To',
    ...rows,
    ...extraRows,
    'Bounds',
    ...vars.map((v) => ` 0 <= ${v} <= ${(model.types[Number(v.split('_')[1])] as { count: number }).count}`),
    ...extraBounds,
    'General',
    ` ${vars.join(' ')}`,
    'End',
  ].join('\n');
}

/** Rows and objective of "minimise the sum of the k largest" over per-class terms. */
function sumOfLargest(model: RotationModel, kind: 'B' | 'N', k: number, terms: string[][], base: (c: number) => number) {
  // The level being solved: names start with q, unlike the held levels' (rb1, dh2_0, …).
  const r = `q${kind}r`;
  const ds = model.classes.map((_, c) => `q${kind}d_${c}`);
  const rows = model.classes.map((_, c) => {
    const t = terms[c] as string[];
    return ` q${kind}def_${c}: ${ds[c]} + ${r}${t.length ? ` - ${t.join(' - ')}` : ''} >= ${base(c)}`;
  });
  return { objective: [`${k} ${r}`, ...ds], rows, bounds: [` ${r} free`] };
}

function termsOf(model: RotationModel, field: 'pain' | 'night'): string[][] {
  const terms = model.classes.map(() => [] as string[]);
  model.types.forEach((type, t) =>
    type.entries.forEach((entry, i) =>
      model.classes.forEach((_, c) => {
        const v = entry[field][c] as number;
        if (v !== 0) (terms[c] as string[]).push(`${v} n_${t}_${i}`);
      }),
    ),
  );
  return terms;
}

/** k-th largest (1-based) of `values`. */
const kthLargest = (values: number[], k: number) => [...values].sort((a, b) => b - a)[k - 1] as number;

/**
 * Every column's value for the plan `counts`: the counts, and for each sum-of-largest block
 * (held or being solved) its threshold r = the k-th largest and d_c = max(0, value_c − r), which
 * is optimal for that block, so the start is feasible whenever the plan meets the held levels.
 */
function startValues(model: RotationModel, counts: number[][], held: Bounds, level: { kind: 'B' | 'N' | 'T'; k: number }): Map<string, number> {
  const values = new Map<string, number>();
  const burden = model.classes.map((c) => c.history);
  const nights = model.classes.map((c) => c.historyNights);
  model.types.forEach((type, t) =>
    type.entries.forEach((entry, i) => {
      const n = (counts[t] as number[])[entry.entry] ?? 0;
      values.set(`n_${t}_${i}`, n);
      model.classes.forEach((_, c) => {
        burden[c] = (burden[c] as number) + n * (entry.pain[c] as number);
        nights[c] = (nights[c] as number) + n * (entry.night[c] as number);
      });
    }),
  );
  const block = (r: string, d: (c: number) => string, of: number[], k: number) => {
    const threshold = kthLargest(of, k);
    values.set(r, threshold);
    of.forEach((v, c) => values.set(d(c), Math.max(0, v - threshold)));
  };
  held.burden.forEach((_, j) => block(`rb${j + 1}`, (c) => `db${j + 1}_${c}`, burden, j + 1));
  held.nights.forEach((_, j) => block(`rh${j + 1}`, (c) => `dh${j + 1}_${c}`, nights, j + 1));
  if (level.kind !== 'T') block(`q${level.kind}r`, (c) => `q${level.kind}d_${c}`, level.kind === 'B' ? burden : nights, level.k);
  return values;
}

/** Whether the plan `counts` keeps every capped class out of the night in some occurrence. */
function meetsCaps(model: RotationModel, counts: number[][], caps: number[]): boolean {
  return caps.every((c) => {
    let nights = 0;
    model.types.forEach((type, t) => type.entries.forEach((entry) => (nights += ((counts[t] as number[])[entry.entry] ?? 0) * (entry.night[c] as number))));
    return nights <= model.occurrences - 1;
  });
}

function countsOf(model: RotationModel, values: Map<string, number>, fullSizes: number[]): number[][] {
  return model.types.map((type, t) => {
    const row = new Array<number>(fullSizes[t] as number).fill(0);
    type.entries.forEach((entry, i) => (row[entry.entry] = Math.round(values.get(`n_${t}_${i}`) ?? 0)));
    return row;
  });
}

/** What one run of the levels carries from level to level. */
interface LeximinState {
  model: RotationModel;
  fullSizes: number[];
  solve: LpSolver;
  nodesPerLevel: number;
  /** Per-class LP terms of burden and of nights. */
  pain: string[][];
  night: string[][];
  /** Every burden and night level's value is an integer (see `isIntegral`). */
  integral: boolean;
  held: Bounds;
  levels: ExactLevel[];
  /** The best plan so far: the start of the next level. */
  counts: number[][] | undefined;
  /** Level 0's capped classes; emptied when they cannot all hold together. */
  caps: number[];
}

/**
 * Level 0 as constraints: every class that could avoid the night in some occurrence must
 * (series of two or more).
 */
function nightCaps(model: RotationModel, night: string[][]): number[] {
  return model.occurrences >= 2
    ? model.classes.map((_, c) => c).filter((c) => model.types.some((t) => t.entries.some((e) => (e.night[c] as number) === 0)) && (night[c] as string[]).length > 0)
    : [];
}

/**
 * Pains are whole units and nights whole numbers; with whole histories every level's value is
 * an integer, so a gap below 1 proves the optimum. The total is weighted: no such shortcut.
 */
function isIntegral(model: RotationModel): boolean {
  return model.classes.every((c) => Number.isInteger(c.history) && Number.isInteger(c.historyNights)) &&
    model.types.every((t) => t.entries.every((e) => e.pain.every(Number.isInteger)));
}

/** Objective, rows and bounds of one level: sum of the k largest burdens or nights, or the zone-weighted total. */
function levelObjective(s: LeximinState, kind: 'B' | 'N' | 'T', k: number): { objective: string[]; rows: string[]; bounds: string[] } {
  const { model } = s;
  if (kind === 'T') {
    const coefficient = new Map<string, number>();
    model.classes.forEach((cls, c) => {
      const w = cls.members / (model.zoneSizes[cls.zone] as number);
      for (const term of s.pain[c] as string[]) {
        const [coef, name] = term.split(' ') as [string, string];
        coefficient.set(name, (coefficient.get(name) ?? 0) + Number(coef) * w);
      }
    });
    return { objective: [...coefficient].map(([name, v]) => `${v} ${name}`), rows: [], bounds: [] };
  }
  const base = kind === 'B' ? (c: number) => (model.classes[c] as { history: number }).history : (c: number) => (model.classes[c] as { historyNights: number }).historyNights;
  return sumOfLargest(model, kind, k, kind === 'B' ? s.pain : s.night, base);
}

/**
 * Solves one level from the best plan so far. The caps are dropped, and the level solved again,
 * only on the first burden level: every later level starts from a plan that met them.
 */
function solveLevel(s: LeximinState, kind: 'B' | 'N' | 'T', k: number): LpResult {
  const { model, counts, held, solve } = s;
  const { objective, rows, bounds } = levelObjective(s, kind, k);
  const startOk = counts !== undefined && meetsCaps(model, counts, s.caps);
  const start = counts && startOk ? startValues(model, counts, held, { kind, k }) : undefined;
  const absGap = s.integral && kind !== 'T' ? 0.999 : 1e-6;
  let result = solve(lpText(model, objective, rows, bounds, held, s.caps), s.nodesPerLevel, start, absGap);
  if (result.status === 'infeasible' && s.caps.length > 0 && kind === 'B' && k === 1) {
    s.caps = [];
    result = solve(lpText(model, objective, rows, bounds, held, s.caps), s.nodesPerLevel, counts ? startValues(model, counts, held, { kind, k }) : undefined, absGap);
  }
  return result;
}

/** Runs one level: records its value and bound, and holds it for the levels after when proven. */
function runLevel(s: LeximinState, kind: 'B' | 'N' | 'T', k: number): { ok: boolean; stop: boolean } {
  const result = solveLevel(s, kind, k);
  if (result.status === 'infeasible' || result.status === 'error' || !Number.isFinite(result.objective)) return { ok: false, stop: true };
  s.counts = countsOf(s.model, result.values, s.fullSizes);
  const { held } = s;
  const previous = kind === 'B' ? (held.burden.at(-1) ?? 0) : kind === 'N' ? (held.nights.at(-1) ?? 0) : 0;
  const scale = kind === 'N' ? 1 : UNITS_PER_POINT;
  const value = (result.objective - previous) / scale;
  const bound = Math.min(value, (Math.max(result.bound, previous) - previous) / scale);
  const proven = result.status === 'optimal';
  const gap = proven || value <= 0 ? 0 : (value - bound) / value;
  s.levels.push({ level: kind === 'B' ? `burden-${k}` : kind === 'N' ? `nights-${k}` : 'total', value: round(value), bound: round(bound), gap: round(gap, 6), proven, nodes: result.nodes });
  if (!proven) return { ok: true, stop: true };
  if (kind === 'B') held.burden.push(result.objective);
  if (kind === 'N') held.nights.push(result.objective);
  // The k-th largest is 0: every later one is 0 too.
  return { ok: true, stop: value <= 1e-9 };
}

/**
 * Runs the levels (see the module comment) with `solve`, at most `nodesPerLevel` nodes each.
 * `fullSizes[t]` is the number of entries of type t before pruning (the counts' row length).
 * Returns undefined when the solver fails outright (the caller keeps the heuristic).
 */
export function exactLeximin(
  model: RotationModel,
  fullSizes: number[],
  solve: LpSolver,
  options: { nodesPerLevel?: number | undefined; start?: number[][] | undefined; maxBurdenLevels?: number | undefined } = {},
): ExactResult | undefined {
  const nodesPerLevel = options.nodesPerLevel ?? EXACT_NODES_PER_LEVEL;
  const budget = { nodesPerLevel };
  const night = termsOf(model, 'night');
  const s: LeximinState = {
    model,
    fullSizes,
    solve,
    nodesPerLevel,
    pain: termsOf(model, 'pain'),
    night,
    integral: isIntegral(model),
    held: { burden: [], nights: [] },
    levels: [],
    counts: options.start,
    caps: nightCaps(model, night),
  };
  const { levels } = s;
  const C = model.classes.length;
  const burdenLevels = Math.min(C, options.maxBurdenLevels ?? C);
  for (let k = 1; k <= burdenLevels; k++) {
    const { ok, stop } = runLevel(s, 'B', k);
    if (!ok) return s.counts ? { counts: s.counts, levels, complete: false, budget } : undefined;
    if (stop) {
      if (!(levels.at(-1) as ExactLevel).proven) return { counts: s.counts as number[][], levels, complete: false, budget };
      break;
    }
  }
  // Levels below a cap are left to the heuristic: holding fewer burden levels, the night
  // levels could trade away burden the cap did not protect.
  const lastBurden = levels.at(-1) as ExactLevel;
  if (burdenLevels < C && lastBurden.value > 1e-9) return { counts: s.counts as number[][], levels, complete: false, budget };
  for (let k = 1; k <= C; k++) {
    const { ok, stop } = runLevel(s, 'N', k);
    if (!ok || (levels.at(-1) as ExactLevel).proven === false) return { counts: s.counts as number[][], levels, complete: false, budget };
    if (stop) break;
  }
  const total = runLevel(s, 'T', 0);
  const complete = total.ok && (levels.at(-1) as ExactLevel).proven;
  return { counts: s.counts as number[][], levels, complete, budget };
}

function round(n: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
