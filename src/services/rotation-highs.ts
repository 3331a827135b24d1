/**
 * The exact rotation solver's MILP port (`LpSolver`) over HiGHS compiled to WebAssembly (the
 * `highs` package). The caller loads HiGHS once (`await loadHighs()`) and passes it in, so this
 * file holds no I/O: on Node the worker thread (`src/entry/rotation-exact-thread.ts`) and the
 * benchmark use it; Workers do not (see docs/features.md for why).
 *
 * The budget is HiGHS's `mip_max_nodes` (branch-and-bound nodes), never a time limit, so a
 * solve is reproducible. HiGHS runs single-threaded in WebAssembly, so the node count reached is
 * the same on every machine.
 */
import type { LpResult, LpSolver } from '../domain/rotation-exact';

/** The part of a loaded `highs` module this adapter uses. */
export interface HighsModule {
  createModel(source: { format: 'lp'; data: string }): {
    options: { set(name: string, value: number | boolean | string): unknown };
    info: { get(name: string): number | bigint };
    run(): unknown;
    getModelStatus(): number;
    getObjectiveValue(): number;
    getSolution(): { colValue: ArrayLike<number> };
    getColName(index: number): string;
    getDimensions(): { numCols: number };
    setSolution(solution: { colValue: Float64Array }): unknown;
    dispose(): void;
  };
}

// HiGHS model status codes (highs.constants.modelStatus).
const OPTIMAL = 7;
const INFEASIBLE = 8;
const LIMITS = new Set([11, 12, 13, 14, 16, 17]);

/** An `LpSolver` over a loaded HiGHS: relative and absolute MIP gaps 0, at most `maxNodes` nodes. */
export function highsLpSolver(highs: HighsModule): LpSolver {
  return (lp: string, maxNodes: number, start?: Map<string, number>, absGap = 1e-6): LpResult => {
    const model = highs.createModel({ format: 'lp', data: lp });
    try {
      model.options.set('output_flag', false);
      model.options.set('mip_rel_gap', 0);
      model.options.set('mip_abs_gap', absGap);
      model.options.set('mip_max_nodes', maxNodes);
      const { numCols } = model.getDimensions();
      const names = Array.from({ length: numCols }, (_, i) => model.getColName(i));
      if (start) {
        // A known plan as the incumbent: the search only has to prove it or beat it.
        model.setSolution({ colValue: Float64Array.from(names, (name) => start.get(name) ?? 0) });
      }
      model.run();
      const code = model.getModelStatus();
      const status: LpResult['status'] = code === OPTIMAL ? 'optimal' : code === INFEASIBLE ? 'infeasible' : LIMITS.has(code) ? 'limit' : 'error';
      const nodes = Number(model.info.get('mip_node_count'));
      if (status === 'infeasible' || status === 'error') return { status, objective: Number.NaN, bound: Number.NaN, values: new Map(), nodes };
      const objective = model.getObjectiveValue();
      const dual = Number(model.info.get('mip_dual_bound'));
      const colValue = model.getSolution().colValue;
      const values = new Map<string, number>();
      names.forEach((name, i) => values.set(name, colValue[i] as number));
      // A limit reached before any plan was found leaves no usable answer.
      const feasible = Number.isFinite(objective) && Math.abs(objective) < 1e30 && values.size > 0;
      return {
        status: feasible ? status : 'error',
        objective: feasible ? objective : Number.NaN,
        bound: status === 'optimal' ? objective : Number.isFinite(dual) ? dual : Number.NEGATIVE_INFINITY,
        values,
        nodes,
      };
    } finally {
      model.dispose();
    }
  };
}
