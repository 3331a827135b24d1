/**
 * The Node side of the exact rotation solver: one worker thread (started on first use, started
 * again after a crash) that plans rotations with HiGHS, requests served one at a time in order.
 * `planner(input)` resolves to the plan; when the thread fails it resolves to the heuristic's
 * plan, computed in-line (which also raises the domain's input errors), and logs why.
 */
import { Worker } from 'node:worker_threads';
import { planRotation, type RotationInput, type RotationPlan } from '../domain/rotation';
import type { Logger } from '../logger';

export interface RotationWorkerOptions {
  /** Branch-and-bound nodes per leximin level (the budget; never a time limit). */
  nodesPerLevel?: number | undefined;
  /** Burden levels the exact solver proves; the heuristic polishes the rest. */
  maxBurdenLevels?: number | undefined;
}

/** Default budget: 3 burden levels (what the benchmark checks) at up to 1000 nodes each. */
export const ROTATION_WORKER_DEFAULTS = { nodesPerLevel: 1000, maxBurdenLevels: 3 };

export function createRotationWorker(logger: Logger, options: RotationWorkerOptions = {}) {
  const settings = { ...ROTATION_WORKER_DEFAULTS, ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) };
  let worker: Worker | null = null;
  let nextId = 1;
  const pending = new Map<number, { resolve: (plan: RotationPlan) => void; reject: (error: Error) => void }>();

  const start = (): Worker => {
    const w = new Worker(new URL('./rotation-exact-bootstrap.mjs', import.meta.url));
    w.unref(); // an idle solver never keeps the process alive
    w.on('message', (m: { id?: number; plan?: RotationPlan; error?: string }) => {
      if (m.id === undefined) return;
      const waiting = pending.get(m.id);
      pending.delete(m.id);
      if (pending.size === 0) w.unref();
      if (!waiting) return;
      if (m.plan) waiting.resolve(m.plan);
      else waiting.reject(new Error(m.error ?? 'no plan'));
    });
    const fail = (error: Error) => {
      if (worker === w) worker = null;
      for (const [id, waiting] of pending) {
        pending.delete(id);
        waiting.reject(error);
      }
    };
    w.on('error', fail);
    w.on('exit', (code) => fail(new Error(`rotation worker exited (${code})`)));
    return w;
  };

  const planner = async (input: RotationInput): Promise<RotationPlan> => {
    try {
      worker ??= start();
      const id = nextId++;
      const target = worker;
      return await new Promise<RotationPlan>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        target.ref(); // a pending plan keeps the process alive (the CLI waits for it)
        target.postMessage({ id, input, ...settings });
      });
    } catch (error) {
      logger.warn('exact rotation solver failed, using the heuristic', { error: String(error) });
      return planRotation(input);
    }
  };
  const close = async () => {
    const w = worker;
    worker = null;
    if (w) await w.terminate();
  };
  return { planner, close };
}
