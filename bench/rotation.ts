/**
 * `npm run bench:rotation`: the rotation solver against the exact optimum of its min-max
 * objective (HiGHS MILP via the `highs` dev dependency) on generated instances (5–40
 * participants, 3–12 zones, 8–52 occurrences), then the solver's time on the largest size the
 * issue names (40 participants × 52 occurrences × 30-minute grid, 12 zones).
 *   solver ms  = planRotation end to end (candidate grid, pain matrix, search, report)
 *   optimum ms = HiGHS on the same pools and pain matrix (model building excluded)
 *   gap        = (solver max burden − optimal max burden) / optimal max burden
 */
import { performance } from 'node:perf_hooks';
import { planRotation, UNITS_PER_POINT } from '../src/domain/rotation';
import { solveRotation } from '../src/domain/rotation-solver';
import { benchmarkInstances, exactMinMax, generateInstance, problemOf } from './rotation-instances';

const COUNT = Number(process.env.BENCH_INSTANCES ?? 24);
const pad = (s: string | number, n: number) => String(s).padStart(n);

async function main() {
  await exactMinMax(problemOf(generateInstance(1, 5, 3, 8))); // load the WASM once, outside the timings
  planRotation(generateInstance(2, 5, 3, 8)); // and warm the JIT a little, as a running server is
  console.log(`rotation solver vs exact min-max optimum (HiGHS), ${COUNT} generated instances\n`);
  console.log(`${'instance'.padEnd(26)} ${pad('solver ms', 10)} ${pad('optimum ms', 11)} ${pad('solver max', 11)} ${pad('optimum', 9)} ${pad('gap', 7)}`);
  const gaps: number[] = [];
  const solverTimes: number[] = [];
  const optimumTimes: number[] = [];
  for (const { name, input } of benchmarkInstances(COUNT)) {
    let t = performance.now();
    planRotation(input);
    const solverMs = performance.now() - t;
    const problem = problemOf(input);
    const max = Math.max(...solveRotation(problem).burden);
    t = performance.now();
    const exact = await exactMinMax(problem);
    const optimumMs = performance.now() - t;
    if (exact.status !== 'Optimal') console.log(`  (HiGHS status ${exact.status})`);
    const raw = exact.optimum > 0 ? (max - exact.optimum) / exact.optimum : max > 0 ? Infinity : 0;
    const gap = Math.abs(raw) < 1e-9 ? 0 : raw;
    gaps.push(gap);
    solverTimes.push(solverMs);
    optimumTimes.push(optimumMs);
    console.log(
      `${name.padEnd(26)} ${pad(solverMs.toFixed(0), 10)} ${pad(optimumMs.toFixed(0), 11)} ${pad((max / UNITS_PER_POINT).toFixed(1), 11)} ${pad((exact.optimum / UNITS_PER_POINT).toFixed(1), 9)} ${pad(`${(gap * 100).toFixed(2)}%`, 7)}`,
    );
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  console.log(
    `\ngap on max burden: mean ${(mean(gaps) * 100).toFixed(2)}%, worst ${(Math.max(...gaps) * 100).toFixed(2)}% (targets ≤ 2%, ≤ 5%)`,
  );
  console.log(
    `time: solver mean ${mean(solverTimes).toFixed(0)} ms (max ${Math.max(...solverTimes).toFixed(0)}), optimum mean ${mean(optimumTimes).toFixed(0)} ms (max ${Math.max(...optimumTimes).toFixed(0)})`,
  );

  const big = generateInstance(4052, 40, 12, 52, 30);
  const runs: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    planRotation(big);
    runs.push(performance.now() - t);
  }
  const first = runs[0]!;
  runs.sort((a, b) => a - b);
  console.log(
    `40 participants × 52 occurrences × 30-min grid, 12 zones: first run ${first.toFixed(0)} ms, median of 5 ${runs[2]!.toFixed(0)} ms, worst ${runs[4]!.toFixed(0)} ms (target < 1000 ms)`,
  );
}

await main();
