/**
 * Inside the exact rotation solver's worker thread: loads HiGHS (WebAssembly) once and plans
 * each rotation it is sent with `planRotationExact`, so the CPU-heavy search never blocks the
 * server's request thread. Answers `{ id, plan }`, or `{ id, error }` for the caller to fall back.
 */
import { parentPort } from 'node:worker_threads';
import loadHighs from 'highs';
import { planRotationExact, type RotationInput } from '../domain/rotation';
import { highsLpSolver, type HighsModule } from '../services/rotation-highs';

const port = parentPort;
if (!port) throw new Error('rotation-exact-thread runs only as a worker thread');
const solve = highsLpSolver((await loadHighs()) as unknown as HighsModule);

port.on('message', (message: { id: number; input: RotationInput; nodesPerLevel?: number; maxBurdenLevels?: number }) => {
  try {
    const plan = planRotationExact(message.input, solve, { nodesPerLevel: message.nodesPerLevel, maxBurdenLevels: message.maxBurdenLevels });
    port.postMessage({ id: message.id, plan });
  } catch (error) {
    port.postMessage({ id: message.id, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
  }
});
port.postMessage({ ready: true });
