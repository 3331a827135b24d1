/**
 * Fair rotation across time zones (DESIGN.md, "Rotation — unmeet rotate"): given a recurring
 * series and its participants, choose one start per occurrence so the early/late pain is shared
 * fairly, and report who carries what. Pure: the pain model is in `rotation-pain.ts`, the
 * solver in `rotation-solver.ts`; this module validates the input and runs them, and
 * `rotation-report.ts` builds the result (occurrences with every participant's local time and
 * pain, the burden ledger, the fairness metrics and a plain-language explanation).
 */
import { DateTime } from 'luxon';
import { rotationErrors } from './error-codes/rotation';
import { exactLeximin, type ExactResult, type LpSolver } from './rotation-exact';
import { occurrenceTypes, rotationModel, type OccurrenceType, type RotationModel } from './rotation-objective';
import type { RotationParticipant } from './rotation-pain';
import { buildRotationProblem, type RotationProblem, type SeriesSpec } from './rotation-problem';
import { reportRotation, type RotationPlan } from './rotation-report';
import { solveRotation } from './rotation-solver';
import { assertTimeZone, parseLocalTime } from './working-hours';

export { PAIN_WEIGHTS, UNITS_PER_POINT, participantPain, type OptIn, type RotationParticipant } from './rotation-pain';
export type { SeriesSpec } from './rotation-problem';
export {
  gini,
  type RotationFairness,
  type RotationLedgerEntry,
  type RotationOccurrence,
  type RotationPlan,
  type RotationSolverReport,
} from './rotation-report';

/** A series to rotate, normalised (zones checked by `planRotation`, hours already normalised). */
export interface RotationInput extends Omit<SeriesSpec, 'timeZone'> {
  title: string;
  /** Zone naming the slots and dating the occurrences; default UTC. */
  timeZone?: string | undefined;
  participants: RotationParticipant[];
}

const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;
/** Input bounds; the heuristic stays under a second at the largest (the exact solver is bounded by its node budget). */
export const ROTATION_LIMITS = { participants: 200, occurrences: 104, minDuration: 5, maxDuration: 480, maxEvery: 52 };

const invalid = (message: string, details: Record<string, unknown> = {}) => rotationErrors.invalid_input(message, details);
const round2 = (n: number) => Math.round(n * 100) / 100;

function validate(input: RotationInput): SeriesSpec {
  const { durationMinutes, occurrences, gridMinutes, cadence } = input;
  if (!Number.isInteger(durationMinutes) || durationMinutes < ROTATION_LIMITS.minDuration || durationMinutes > ROTATION_LIMITS.maxDuration) {
    throw invalid(`durationMinutes must be a whole number of minutes from ${ROTATION_LIMITS.minDuration} to ${ROTATION_LIMITS.maxDuration}.`, { durationMinutes });
  }
  if (!Number.isInteger(occurrences) || occurrences < 1 || occurrences > ROTATION_LIMITS.occurrences) {
    throw invalid(`occurrences must be from 1 to ${ROTATION_LIMITS.occurrences}.`, { occurrences });
  }
  if (![15, 30, 60].includes(gridMinutes)) throw invalid('gridMinutes must be 15, 30 or 60.', { gridMinutes });
  if (!Number.isInteger(cadence.every) || cadence.every < 1 || cadence.every > ROTATION_LIMITS.maxEvery || !['day', 'week'].includes(cadence.unit)) {
    throw invalid(`cadence must be { every: 1..${ROTATION_LIMITS.maxEvery}, unit: "day" | "week" }.`, { cadence });
  }
  if (!DATE_PATTERN.test(input.startDate) || !DateTime.fromISO(input.startDate, { zone: 'utc' }).isValid) {
    throw invalid(`startDate ${JSON.stringify(input.startDate)} is not a calendar date YYYY-MM-DD.`, { startDate: input.startDate });
  }
  const timeZone = input.timeZone ?? 'UTC';
  assertTimeZone(timeZone);
  for (const w of input.allowedUtcWindows ?? []) {
    parseLocalTime(w.start);
    parseLocalTime(w.end);
  }
  if (input.participants.length === 0 || input.participants.length > ROTATION_LIMITS.participants) {
    throw invalid(`A rotation needs 1 to ${ROTATION_LIMITS.participants} participants.`);
  }
  const seen = new Set<string>();
  for (const p of input.participants) {
    assertTimeZone(p.timeZone);
    if (seen.has(p.email)) throw invalid(`Participant ${p.email} is listed twice.`, { email: p.email });
    seen.add(p.email);
    if (p.history !== undefined && !(Number.isFinite(p.history) && p.history >= 0)) {
      throw invalid(`history of ${p.email} must be a number ≥ 0.`, { email: p.email });
    }
    if (p.historyNights !== undefined && !(Number.isInteger(p.historyNights) && p.historyNights >= 0)) {
      throw invalid(`historyNights of ${p.email} must be a whole number ≥ 0.`, { email: p.email });
    }
    if (p.optIn?.earliest !== undefined) parseLocalTime(p.optIn.earliest);
    if (p.optIn?.latest !== undefined) parseLocalTime(p.optIn.latest);
  }
  return {
    durationMinutes,
    cadence,
    occurrences,
    startDate: input.startDate,
    gridMinutes,
    timeZone,
    allowedUtcWindows: input.allowedUtcWindows,
  };
}

/**
 * Burden carried over from ledger entries recorded at `at` (UTC ms), halved every
 * `halfLifeDays` days before `now` (no decay when `halfLifeDays` is absent). Points in, points out.
 */
export function decayedBurden(entries: ReadonlyArray<{ burden: number; at: number }>, now: number, halfLifeDays?: number): number {
  let total = 0;
  for (const e of entries) {
    const ageDays = Math.max(0, (now - e.at) / 86_400_000);
    total += halfLifeDays ? e.burden * 0.5 ** (ageDays / halfLifeDays) : e.burden;
  }
  return round2(total);
}

/** A validated rotation with its candidate grid and compact model, ready for a solver. */
export interface PreparedRotation {
  input: RotationInput;
  spec: SeriesSpec;
  problem: RotationProblem;
  types: OccurrenceType[];
  /** What the exact solver needs (plain data, transferable to a worker thread). */
  model: RotationModel;
  /** Entries per type before pruning (the length of each row of an exact plan's counts). */
  typeSizes: number[];
}

/**
 * Validates the input (`rotation.invalid_input`, `member.invalid_time_zone`,
 * `member.invalid_working_hours`) and builds the candidate grid and pain matrix per occurrence
 * date (DST-correct), and the compact model the exact solver reads.
 */
export function prepareRotation(input: RotationInput): PreparedRotation {
  const spec = validate(input);
  const problem = buildRotationProblem(spec, input.participants);
  const types = occurrenceTypes(problem);
  return { input, spec, problem, types, model: rotationModel(problem, types), typeSizes: types.map((t) => t.entries.length) };
}

/**
 * Solves a prepared rotation and reports it: with `exact` (the exact solver's answer for
 * `prepared.model`), the heuristic starts from that plan and only polishes the levels it left
 * open; without, the heuristic (or exhaustive search on tiny series) decides alone.
 */
export function finishRotation(prepared: PreparedRotation, exact?: ExactResult): RotationPlan {
  const { input, spec, problem } = prepared;
  const solution = solveRotation(problem, { start: exact?.counts });
  return reportRotation(input.title, spec, problem, solution, exact);
}

/**
 * Plans a rotating series with the heuristic alone (pure and synchronous; see `prepareRotation`
 * and `finishRotation` to add the exact solver): occurrences, ledger, fairness metrics, which
 * solver decided, and an explanation in English and Indonesian. Pain and burden are in points
 * (docs/features.md: pain model); the same input always gives the same plan.
 */
export function planRotation(input: RotationInput): RotationPlan {
  return finishRotation(prepareRotation(input));
}

/**
 * Plans a rotating series with the exact solver (`rotation-exact.ts`) over the MILP port
 * `solve`: the heuristic's plan is the incumbent the exact solver starts from, its proven levels
 * are kept, and the heuristic polishes the levels below them. Synchronous and CPU-bound: on Node
 * it runs in a worker thread (`src/entry/rotation-exact-thread.ts`), never on the request thread.
 */
export function planRotationExact(input: RotationInput, solve: LpSolver, options: { nodesPerLevel?: number; maxBurdenLevels?: number } = {}): RotationPlan {
  const prepared = prepareRotation(input);
  const heuristic = solveRotation(prepared.problem);
  if (heuristic.stats.exhaustive) return finishRotation(prepared);
  const exact = exactLeximin(prepared.model, prepared.typeSizes, solve, { ...options, start: heuristic.counts });
  return finishRotation(prepared, exact);
}