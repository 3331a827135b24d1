/**
 * The rotation's output side, split from `rotation.ts` (which validates, prepares and runs the
 * solvers): the result types, and assembling a solved plan into what callers see — occurrences
 * with every participant's local time and pain, the burden ledger, the fairness metrics, which
 * solver decided, and the facts the plain-language explanation (`rotation-explain.ts`) is built from.
 */
import { DateTime, IANAZone } from 'luxon';
import type { ExactResult } from './rotation-exact';
import { explainRotation, type AlternativeFact, type EntryFact, type ExplanationFacts } from './rotation-explain';
import { compareKeys, keyOf, zoneSizes } from './rotation-objective';
import { UNITS_PER_POINT, type RotationParticipant } from './rotation-pain';
import type { Candidate, RotationProblem, SeriesSpec } from './rotation-problem';
import type { RotationSolution } from './rotation-solver';

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
const round2 = (n: number) => Math.round(n * 100) / 100;
const hhmm = (minutes: number) => `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

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

/** Per occurrence, the chosen start with every participant's local time and pain, and per-participant tallies. */
function buildOccurrences(problem: RotationProblem, solution: RotationSolution, durationMinutes: number) {
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
      end: new Date(cand.start + durationMinutes * MINUTE_MS).toISOString().replace('.000Z', 'Z'),
      slot: hhmm(cand.slot),
      local,
      pain,
      hardLimitBreaks,
    };
  });
  return { occurrences, chosen, seriesUnits, outside, nights, breaks };
}

/** Burden spread (max over mean, Gini), slot use and night spread of the final plan. */
function fairnessOf(problem: RotationProblem, ledger: RotationLedgerEntry[], chosen: Candidate[]): RotationFairness {
  const burdens = ledger.map((l) => l.burden);
  const maxBurden = Math.max(...burdens);
  const mean = burdens.reduce((a, b) => a + b, 0) / burdens.length;
  const maxOverMean = mean > 0 ? Math.round((maxBurden / mean) * 1000) / 1000 : 1;
  const totalNights = ledger.map((l) => l.nightCount + l.historyNights);
  let slotChanges = 0;
  for (let k = 1; k < chosen.length; k++) if ((chosen[k] as Candidate).slot !== (chosen[k - 1] as Candidate).slot) slotChanges++;
  return {
    maxBurden: round2(maxBurden),
    maxOverMean,
    gini: Math.round(gini(burdens) * 1000) / 1000,
    distinctSlots: new Set(chosen.map((c) => c.slot)).size,
    slotChanges,
    fallbackOccurrences: problem.occurrences.filter((o) => o.fallback).length,
    alert: alertFor(maxOverMean),
    nightSpread: Math.max(...totalNights) - Math.min(...totalNights),
  };
}

/**
 * Assembles a solved rotation into the plan callers see (`exact`: the exact solver's answer the
 * heuristic started from, if any): occurrences, ledger, fairness, solver report, explanations.
 */
export function reportRotation(title: string, spec: SeriesSpec, problem: RotationProblem, solution: RotationSolution, exact?: ExactResult): RotationPlan {
  const { participants } = problem;
  const { occurrences, chosen, seriesUnits, outside, nights, breaks } = buildOccurrences(problem, solution, spec.durationMinutes);
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
  const fairness = fairnessOf(problem, ledger, chosen);
  const solver: RotationSolverReport = solution.stats.exhaustive
    ? { name: 'exhaustive', levels: [], nodesPerLevel: null }
    : exact && solution.stats.usedStart
      ? { name: 'exact', levels: finalLevels(exact.levels, solution), nodesPerLevel: exact.budget.nodesPerLevel }
      : { name: 'heuristic', levels: exact ? finalLevels(exact.levels, solution) : [], nodesPerLevel: exact?.budget.nodesPerLevel ?? null };
  const plan = { title, timeZone: spec.timeZone, durationMinutes: spec.durationMinutes, occurrences, ledger, fairness, solver };
  const explanations = explainRotation(explanationFacts(problem, plan, chosen, solution));
  return { ...plan, explanation: explanations.en, explanations };
}
