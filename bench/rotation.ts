/**
 * `npm run bench:rotation`: the rotation heuristic against the exact leximin optimum (HiGHS,
 * sequential MILP, `src/domain/rotation-exact.ts`) on generated instances (mixed teams,
 * globe-spanning teams across DST changes, heavy carried histories), then the exact solver's
 * production budget on the largest size the issue names (40 people × 52 occurrences × 30-minute
 * grid).
 *
 * Part 1, per instance and for each of the first three leximin levels (the largest, second and
 * third largest burden):
 *   gap k      = (heuristic's k-th largest − optimum's k-th largest) / optimum's k-th largest,
 *                against the optimum HiGHS proved with a large budget (or its proven bound, marked
 *                "≤", when even that budget did not prove the level);
 *   nights     = night-count spread (max − min per person, carried nights included), heuristic / exact;
 *   heur ms    = the heuristic (`solveRotation`, local search, no exhaustive shortcut);
 *   exact ms   = HiGHS over the first three levels, warm-started from the heuristic.
 * Part 2: the production budget (`ROTATION_WORKER_DEFAULTS`: 3 burden levels, N nodes each) on
 * BENCH_LARGE instances of 40 × 52 × 30 min: how often it proves all three levels, and its time.
 *
 * Env: BENCH_INSTANCES (default 30), BENCH_LARGE (default 10), BENCH_NODES (part 1's budget per
 * level, default 5000).
 */
import { performance } from 'node:perf_hooks';
import loadHighs from 'highs';
import { prepareRotation } from '../src/domain/rotation';
import { exactLeximin, type ExactResult } from '../src/domain/rotation-exact';
import { occurrenceTypes, sortedDescending } from '../src/domain/rotation-objective';
import type { RotationProblem } from '../src/domain/rotation-problem';
import { solveRotation } from '../src/domain/rotation-solver';
import { ROTATION_WORKER_DEFAULTS } from '../src/entry/rotation-exact-worker';
import { highsLpSolver, type HighsModule } from '../src/services/rotation-highs';
import { benchmarkInstances, generateGlobe, generateInstance } from './rotation-instances';

const COUNT = Number(process.env.BENCH_INSTANCES ?? 30);
const LARGE = Number(process.env.BENCH_LARGE ?? 10);
const NODES = Number(process.env.BENCH_NODES ?? 5000);
const UNITS = 30;
const pad = (s: string | number, n: number) => String(s).padStart(n);
const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);
const pct = (x: number) => `${(x * 100).toFixed(2)}%`;

/** Sorted burden vector (points) and night spread of a plan given as counts per (type, entry). */
function measure(problem: RotationProblem, counts: number[][]) {
  const types = occurrenceTypes(problem);
  const burden = problem.classes.map((c) => c.history);
  const nights = problem.classes.map((c) => c.historyNights);
  types.forEach((type, t) =>
    type.entries.forEach((entry, e) => {
      const n = counts[t]?.[e] ?? 0;
      problem.classes.forEach((_, c) => {
        burden[c]! += n * entry.pain[c]!;
        nights[c]! += n * entry.night[c]!;
      });
    }),
  );
  return { sorted: Array.from(sortedDescending(burden), (u) => u / UNITS), nightSpread: Math.max(...nights) - Math.min(...nights) };
}

async function main() {
  const solve = highsLpSolver((await loadHighs()) as unknown as HighsModule);
  console.log(`rotation heuristic vs exact leximin (HiGHS), ${COUNT} generated instances, exact budget ${NODES} nodes per level\n`);
  console.log(`${'instance'.padEnd(34)} ${pad('gap 1', 8)} ${pad('gap 2', 8)} ${pad('gap 3', 8)} ${pad('nights h/x', 11)} ${pad('heur ms', 8)} ${pad('exact ms', 9)}`);
  const gaps: number[][] = [[], [], []];
  const heurTimes: number[] = [];
  const exactTimes: number[] = [];
  const spreads: Array<[number, number]> = [];
  let unproven = 0;
  for (const { name, input } of benchmarkInstances(COUNT)) {
    const prepared = prepareRotation(input);
    let t = performance.now();
    const heuristic = solveRotation(prepared.problem, { noExhaustive: true });
    const heurMs = performance.now() - t;
    t = performance.now();
    const exact = exactLeximin(prepared.model, prepared.typeSizes, solve, { nodesPerLevel: NODES, maxBurdenLevels: 3, start: heuristic.counts }) as ExactResult;
    const exactMs = performance.now() - t;
    const h = measure(prepared.problem, heuristic.counts);
    const x = measure(prepared.problem, exact.counts);
    const cells = [0, 1, 2].map((k) => {
      const level = exact.levels[k];
      if (!level || h.sorted[k] === undefined) return '—';
      // The optimum's k-th largest; when not proven, its proven bound (the gap is then an upper bound).
      const optimum = level.proven ? (x.sorted[k] as number) : level.bound;
      if (!level.proven) unproven++;
      const gap = optimum > 0 ? Math.max(0, ((h.sorted[k] as number) - optimum) / optimum) : 0;
      gaps[k]!.push(gap);
      return `${level.proven ? '' : '≤'}${pct(gap)}`;
    });
    heurTimes.push(heurMs);
    exactTimes.push(exactMs);
    spreads.push([h.nightSpread, x.nightSpread]);
    console.log(
      `${name.padEnd(34)} ${cells.map((c) => pad(c, 8)).join(' ')} ${pad(`${h.nightSpread}/${x.nightSpread}`, 11)} ${pad(heurMs.toFixed(0), 8)} ${pad(exactMs.toFixed(0), 9)}`,
    );
  }
  console.log('');
  gaps.forEach((g, k) => console.log(`level ${k + 1}: heuristic mean gap ${pct(mean(g))}, worst ${pct(Math.max(0, ...g))} (target mean ≤ 2%)`));
  console.log(`levels not proven within ${NODES} nodes (gap measured against the proven bound): ${unproven}`);
  console.log(`night spread (max − min per person): heuristic mean ${mean(spreads.map((s) => s[0])).toFixed(2)}, exact mean ${mean(spreads.map((s) => s[1])).toFixed(2)}`);
  console.log(`time: heuristic mean ${mean(heurTimes).toFixed(0)} ms (max ${Math.max(...heurTimes).toFixed(0)}), exact 3 levels mean ${mean(exactTimes).toFixed(0)} ms (max ${Math.max(...exactTimes).toFixed(0)})`);

  // Part 2: the production budget at 40 people × 52 occurrences × 30 minutes.
  const { nodesPerLevel, maxBurdenLevels } = ROTATION_WORKER_DEFAULTS;
  console.log(`\nproduction budget (${maxBurdenLevels} burden levels × ${nodesPerLevel} nodes) on ${LARGE} instances of 40 people × 52 occurrences × 30-minute grid`);
  let proven = 0;
  const times: number[] = [];
  for (let i = 0; i < LARGE; i++) {
    const input = i % 2 === 0 ? generateGlobe(4052 + i, 40, 5 + (i % 4), 52, i % 4 === 0) : generateInstance(4052 + i, 40, 3 + (i % 6), 52, 30);
    const prepared = prepareRotation(input);
    const t = performance.now();
    const heuristic = solveRotation(prepared.problem);
    const exact = exactLeximin(prepared.model, prepared.typeSizes, solve, { nodesPerLevel, maxBurdenLevels, start: heuristic.counts });
    const ms = performance.now() - t;
    times.push(ms);
    const levels = exact?.levels.slice(0, 3) ?? [];
    const all = levels.length > 0 && levels.every((l) => l.proven) && (levels.length === 3 || levels.at(-1)!.value === 0);
    if (all) proven++;
    console.log(`  ${input.title.padEnd(14)} ${pad(ms.toFixed(0), 7)} ms  ${levels.map((l) => `${l.level} ${l.proven ? 'proven' : `gap ${pct(l.gap)}`} (${l.nodes} nodes)`).join(', ')}`);
  }
  const sorted = [...times].sort((a, b) => a - b);
  console.log(
    `proved the first three levels on ${proven}/${LARGE} (${pct(proven / LARGE)}; target ≥ 90%); heuristic + exact time median ${sorted[Math.floor(sorted.length / 2)]!.toFixed(0)} ms, worst ${sorted.at(-1)!.toFixed(0)} ms`,
  );
}

await main();
