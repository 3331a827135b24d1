/**
 * Fair rotation across time zones (DESIGN.md, "Rotation — unmeet rotate"): given a recurring
 * series and its participants, choose one start per occurrence so the early/late pain is shared
 * fairly, and report who carries what. Pure: the pain model is in `rotation-pain.ts`, the
 * solver in `rotation-solver.ts`; this module validates the input, runs them and builds the
 * result (occurrences with every participant's local time and pain, the burden ledger, the
 * fairness metrics and a plain-language explanation).
 */
import { DateTime, IANAZone } from 'luxon';
import { rotationErrors } from './error-codes/rotation';
import { exactLeximin, type ExactResult, type LpSolver } from './rotation-exact';
import { explainRotation, type AlternativeFact, type EntryFact, type ExplanationFacts } from './rotation-explain';
import { compareKeys, keyOf, occurrenceTypes, rotationModel, zoneSizes, type OccurrenceType, type RotationModel } from './rotation-objective';
import { UNITS_PER_POINT, type RotationParticipant } from './rotation-pain';
import { buildRotationProblem, type Candidate, type RotationProblem, type SeriesSpec } from './rotation-problem';
import { solveRotation, type RotationSolution } from './rotation-solver';
import { assertTimeZone, parseLocalTime } from './working-hours';

export { PAIN_WEIGHTS, UNITS_PER_POINT, participantPain, type OptIn, type RotationParticipant } from './rotation-pain';
export type { SeriesSpec } from './rotation-problem';

/** A series to rotate, normalised (zones checked by `planRotation`, hours already normalised). */
export interface RotationInput extends Omit<SeriesSpec, 'timeZone'> {
  title: string;
  /** Zone naming the slots and dating the occurrences; default UTC. */
  timeZone?: string | undefined;
  participants: RotationParticipant[];
}

export interface RotationOccurrence {
  index: number;
  /** Local date in the series zone. */
  date: string;
  /** UTC ISO start and end. */
  start: string;
  end: string;
  /** The slot's name: local start `HH:MM` in the series zone. */
  slot: string;
  /** Each participant's local start, ISO with offset. */
  local: Record<string, string>;
  /** Each participant's pain for this occurrence, points. */
  pain: Record<string, number>;
  /** Participants for whom this occurrence breaks a hard limit (only when no start passes everyone's). */
  hardLimitBreaks: string[];
}

export interface RotationLedgerEntry {
  email: string;
  timeZone: string;
  /** Burden carried in from earlier series, points. */
  history: number;
  /** Pain of this series, points. */
  seriesPain: number;
  /** history + seriesPain. */
  burden: number;
  /** Occurrences with any pain (outside working hours or on a non-working day). */
  outsideHoursCount: number;
  /** Occurrences of this series touching local 23:00–08:00. */
  nightCount: number;
  /** Night occurrences carried over from earlier series (balanced together with `nightCount`). */
  historyNights: number;
  /** Occurrences of this series that break one of this person's hard limits (only when no start passes everyone's). */
  hardLimitBreakCount: number;
}

export interface RotationFairness {
  maxBurden: number;
  /** Largest burden over the mean (1 when everyone is equal); flag above 1.3 / 2 / 3. */
  maxOverMean: number;
  /** Gini coefficient of the burdens, 0 (equal) to 1. */
  gini: number;
  distinctSlots: number;
  slotChanges: number;
  /** Occurrences where no start passed every hard limit. */
  fallbackOccurrences: number;
  alert: 'ok' | 'watch' | 'high' | 'severe';
  /** Largest minus smallest night count per person (carried nights included). */
  nightSpread: number;
}

/** Which solver produced the plan, and how far each level is proven from its optimum. */
export interface RotationSolverReport {
  /**
   * `exact`: HiGHS proved the levels listed (the heuristic polished the rest); `exhaustive`:
   * every plan was scored (tiny series, exact at every level); `heuristic`: local search only
   * (Workers, or the exact solver unavailable or over its budget without a plan).
   */
  name: 'exact' | 'exhaustive' | 'heuristic';
  /** Per level: value, proven lower bound and relative gap (exact solver only). */
  levels: ExactResult['levels'];
  /** Branch-and-bound nodes allowed per level (exact solver only). */
  nodesPerLevel: number | null;
}

export interface RotationPlan {
  title: string;
  timeZone: string;
  durationMinutes: number;
  occurrences: RotationOccurrence[];
  ledger: RotationLedgerEntry[];
  fairness: RotationFairness;
  solver: RotationSolverReport;
  explanation: string;
  /** The explanation by language: `en` (the same as `explanation`) and `id` (Indonesian). */
  explanations: { en: string; id: string };
}

const MINUTE_MS = 60_000;
const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;
/** Input bounds; the heuristic stays under a second at the largest (the exact solver is bounded by its node budget). */
export const ROTATION_LIMITS = { participants: 200, occurrences: 104, minDuration: 5, maxDuration: 480, maxEvery: 52 };

const invalid = (message: string, details: Record<string, unknown> = {}) => rotationErrors.invalid_input(message, details);
const round2 = (n: number) => Math.round(n * 100) / 100;
const hhmm = (minutes: number) => `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

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

/** Gini coefficient of non-negative values (0 when all are equal or all zero). */
export function gini(values: readonly number[]): number {
  const n = values.length;
  const sum = values.reduce((a, b) => a + b, 0);
  if (n === 0 || sum <= 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  let weighted = 0;
  sorted.forEach((v, i) => (weighted += (2 * (i + 1) - n - 1) * v));
  return weighted / (n * sum);
}

function alertFor(maxOverMean: number): RotationFairness['alert'] {
  if (maxOverMean > 3) return 'severe';
  if (maxOverMean > 2) return 'high';
  if (maxOverMean > 1.3) return 'watch';
  return 'ok';
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

const labelOf = (problem: RotationProblem, c: number): string => {
  const cls = problem.classes[c] as RotationProblem['classes'][number];
  const first = (problem.participants[cls.members[0] as number] as RotationParticipant).email;
  if (cls.members.length <= 3) return cls.members.map((i) => (problem.participants[i] as RotationParticipant).email).join(' & ');
  return `${first} (+${cls.members.length - 1} identical)`;
};

/**
 * The best single change that lowers the load of `zone` (one occurrence moved to another start
 * of its pool), scored by the full objective, and who would pay for it; null when no start on
 * any date lowers that zone's load.
 */
function bestAlternative(problem: RotationProblem, solution: RotationSolution, zone: number): AlternativeFact | null {
  const classes = problem.classes;
  const info = classes.map((c) => ({ history: c.history, historyNights: c.historyNights, zone: c.zone, members: c.members.length }));
  const sizes = zoneSizes(problem);
  const inZone = classes.map((c, i) => (c.zone === zone ? i : -1)).filter((i) => i >= 0);
  const heaviest = inZone.reduce((a, b) => ((solution.burden[b] as number) > (solution.burden[a] as number) ? b : a));
  let best: { key: ReturnType<typeof keyOf>; fact: AlternativeFact } | undefined;
  problem.occurrences.forEach((occ, k) => {
    const current = occ.candidates[solution.choice[k] as number] as Candidate;
    for (const j of occ.pool) {
      const cand = occ.candidates[j] as Candidate;
      if ((cand.pain[heaviest] as number) >= (current.pain[heaviest] as number)) continue;
      const burden = solution.burden.map((b, c) => b - (current.pain[c] as number) + (cand.pain[c] as number));
      const nights = solution.nights.map((n, c) => n - Number((current.night[c] as number) > 0) + Number((cand.night[c] as number) > 0));
      const key = keyOf(burden, nights, info, sizes, 0, problem.occurrences.length);
      if (best && compareKeys(key, best.key) >= 0) continue;
      let payer = heaviest;
      let rise = 0;
      burden.forEach((b, c) => {
        const d = b - (solution.burden[c] as number);
        if (d > rise) [payer, rise] = [c, d];
      });
      const pts = (u: number) => round2(u / UNITS_PER_POINT);
      best = {
        key,
        fact: {
          occurrence: k + 1,
          date: occ.date,
          slot: hhmm(cand.slot),
          relieved: { label: labelOf(problem, heaviest), from: pts(solution.burden[heaviest] as number), to: pts(burden[heaviest] as number) },
          payer: { label: labelOf(problem, payer), from: pts(solution.burden[payer] as number), to: pts(burden[payer] as number) },
        },
      };
    }
  });
  return best?.fact ?? null;
}

function explanationFacts(problem: RotationProblem, plan: Omit<RotationPlan, 'explanation' | 'explanations'>, chosen: Candidate[], solution: RotationSolution): ExplanationFacts {
  const { zones, classes } = problem;
  const bySlot = new Map<number, Candidate[]>();
  for (const cand of chosen) bySlot.set(cand.slot, [...(bySlot.get(cand.slot) ?? []), cand]);
  const slots = [...bySlot.entries()]
    .sort((a, b) => b[1].length - a[1].length || a[0] - b[0])
    .map(([slot, cands]) => {
      const hurt = new Map<number, string>();
      classes.forEach((cls, c) => {
        const first = cands.find((cand) => (cand.pain[c] as number) > 0);
        if (first && !hurt.has(cls.zone)) hurt.set(cls.zone, DateTime.fromMillis(first.start, { zone: zones[cls.zone] as string }).toFormat('HH:mm'));
      });
      return { slot: hhmm(slot), count: cands.length, hurt: [...hurt].map(([z, local]) => ({ zone: zones[z] as string, local })) };
    });
  const byEmail = new Map(plan.ledger.map((l) => [l.email, l]));
  const entries: EntryFact[] = classes
    .map((cls, c) => {
      const l = byEmail.get((problem.participants[cls.members[0] as number] as RotationParticipant).email) as RotationLedgerEntry;
      return { label: labelOf(problem, c), burden: l.burden, history: l.history, seriesPain: l.seriesPain, nights: l.nightCount, breaks: l.hardLimitBreakCount };
    })
    .sort((a, b) => b.burden - a.burden || a.label.localeCompare(b.label));
  // Zone load: the mean series pain of its members, each zone weighing as one.
  const zoneLoad = zones.map(() => 0);
  const sizes = zoneSizes(problem);
  classes.forEach((cls, c) => {
    const series = (solution.burden[c] as number) - cls.history;
    zoneLoad[cls.zone] = (zoneLoad[cls.zone] as number) + (series * cls.members.length) / (sizes[cls.zone] as number);
  });
  const totalLoad = zoneLoad.reduce((a, b) => a + b, 0);
  let heavyZone: ExplanationFacts['heavyZone'];
  if (zones.length > 1 && totalLoad > 0) {
    const z = zoneLoad.indexOf(Math.max(...zoneLoad));
    const share = (zoneLoad[z] as number) / totalLoad;
    if (share > 0.5) heavyZone = { zone: zones[z] as string, share: Math.round(share * 100), alternative: bestAlternative(problem, solution, z) };
  }
  return {
    timeZone: plan.timeZone,
    occurrences: plan.occurrences.length,
    zoneCount: zones.length,
    headcountMerged: classes.length < problem.participants.length,
    slots,
    entries,
    maxOverMean: plan.fairness.maxOverMean,
    gini: plan.fairness.gini,
    fallbackOccurrences: plan.fairness.fallbackOccurrences,
    heavyZone,
  };
}

/**
 * The exact levels restated for the final plan: the heuristic may polish an unproven level
 * below the exact solver's incumbent, so each level's value is read from the plan, and its gap
 * measured against the bound the exact solver proved.
 */
function finalLevels(levels: ExactResult['levels'], solution: RotationSolution): ExactResult['levels'] {
  const burden = [...solution.burden].sort((a, b) => b - a);
  const nights = [...solution.nights].sort((a, b) => b - a);
  return levels.map((l) => {
    const [kind, k] = l.level.split('-') as [string, string | undefined];
    const raw = kind === 'burden' ? (burden[Number(k) - 1] as number) / UNITS_PER_POINT : kind === 'nights' ? (nights[Number(k) - 1] as number) : l.value;
    const value = round2(raw);
    const gap = l.proven || value <= 0 ? 0 : Math.round(((value - l.bound) / value) * 1e6) / 1e6;
    return { ...l, value, gap: Math.max(0, gap) };
  });
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
  const { participants, classOf } = problem;
  const zones = new Map(participants.map((p) => [p.email, IANAZone.create(p.timeZone)]));
  const seriesUnits = participants.map(() => 0);
  const outside = participants.map(() => 0);
  const nights = participants.map(() => 0);
  const breaks = participants.map(() => 0);
  const chosen: Candidate[] = [];
  const occurrences: RotationOccurrence[] = problem.occurrences.map((occ, k) => {
    const cand = occ.candidates[solution.choice[k] as number] as Candidate;
    chosen.push(cand);
    const local: Record<string, string> = {};
    const pain: Record<string, number> = {};
    const hardLimitBreaks: string[] = [];
    participants.forEach((p, i) => {
      const c = classOf[i] as number;
      const units = cand.pain[c] as number;
      seriesUnits[i] = (seriesUnits[i] as number) + units;
      if (units > 0) outside[i] = (outside[i] as number) + 1;
      if ((cand.night[c] as number) > 0) nights[i] = (nights[i] as number) + 1;
      if ((cand.hard[c] as number) > 0) {
        hardLimitBreaks.push(p.email);
        breaks[i] = (breaks[i] as number) + 1;
      }
      local[p.email] = DateTime.fromMillis(cand.start, { zone: zones.get(p.email) as IANAZone }).toISO({ suppressMilliseconds: true }) as string;
      pain[p.email] = round2(units / UNITS_PER_POINT);
    });
    return {
      index: k,
      date: occ.date,
      start: new Date(cand.start).toISOString().replace('.000Z', 'Z'),
      end: new Date(cand.start + spec.durationMinutes * MINUTE_MS).toISOString().replace('.000Z', 'Z'),
      slot: hhmm(cand.slot),
      local,
      pain,
      hardLimitBreaks,
    };
  });
  const ledger: RotationLedgerEntry[] = participants.map((p, i) => {
    const history = round2(p.history ?? 0);
    const seriesPain = round2((seriesUnits[i] as number) / UNITS_PER_POINT);
    return {
      email: p.email,
      timeZone: p.timeZone,
      history,
      seriesPain,
      burden: round2(history + seriesPain),
      outsideHoursCount: outside[i] as number,
      nightCount: nights[i] as number,
      historyNights: p.historyNights ?? 0,
      hardLimitBreakCount: breaks[i] as number,
    };
  });
  const burdens = ledger.map((l) => l.burden);
  const maxBurden = Math.max(...burdens);
  const mean = burdens.reduce((a, b) => a + b, 0) / burdens.length;
  const maxOverMean = mean > 0 ? Math.round((maxBurden / mean) * 1000) / 1000 : 1;
  const totalNights = ledger.map((l) => l.nightCount + l.historyNights);
  let slotChanges = 0;
  for (let k = 1; k < chosen.length; k++) if ((chosen[k] as Candidate).slot !== (chosen[k - 1] as Candidate).slot) slotChanges++;
  const fairness: RotationFairness = {
    maxBurden: round2(maxBurden),
    maxOverMean,
    gini: Math.round(gini(burdens) * 1000) / 1000,
    distinctSlots: new Set(chosen.map((c) => c.slot)).size,
    slotChanges,
    fallbackOccurrences: problem.occurrences.filter((o) => o.fallback).length,
    alert: alertFor(maxOverMean),
    nightSpread: Math.max(...totalNights) - Math.min(...totalNights),
  };
  const solver: RotationSolverReport = solution.stats.exhaustive
    ? { name: 'exhaustive', levels: [], nodesPerLevel: null }
    : exact && solution.stats.usedStart
      ? { name: 'exact', levels: finalLevels(exact.levels, solution), nodesPerLevel: exact.budget.nodesPerLevel }
      : { name: 'heuristic', levels: exact ? finalLevels(exact.levels, solution) : [], nodesPerLevel: exact?.budget.nodesPerLevel ?? null };
  const plan = { title: input.title, timeZone: spec.timeZone, durationMinutes: spec.durationMinutes, occurrences, ledger, fairness, solver };
  const explanations = explainRotation(explanationFacts(problem, plan, chosen, solution));
  return { ...plan, explanation: explanations.en, explanations };
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
