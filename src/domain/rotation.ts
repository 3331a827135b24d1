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
import { UNITS_PER_POINT, type RotationParticipant } from './rotation-pain';
import { buildRotationProblem, solveRotation, type Candidate, type RotationProblem, type SeriesSpec } from './rotation-solver';
import { assertTimeZone, parseLocalTime } from './working-hours';

export { PAIN_WEIGHTS, UNITS_PER_POINT, participantPain, type OptIn, type RotationParticipant } from './rotation-pain';
export type { SeriesSpec } from './rotation-solver';

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
  /** Occurrences touching local 23:00–08:00. */
  nightCount: number;
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
}

export interface RotationPlan {
  title: string;
  timeZone: string;
  durationMinutes: number;
  occurrences: RotationOccurrence[];
  ledger: RotationLedgerEntry[];
  fairness: RotationFairness;
  explanation: string;
}

const MINUTE_MS = 60_000;
const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;
/** Input bounds; the solver stays well under a second at the largest. */
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

function explain(problem: RotationProblem, plan: Omit<RotationPlan, 'explanation'>, chosen: Candidate[]): string {
  const { zones, classes, participants } = problem;
  const f = plan.fairness;
  const zoneLabel = (z: number) => zones[z] as string;
  const bySlot = new Map<number, Candidate[]>();
  for (const cand of chosen) bySlot.set(cand.slot, [...(bySlot.get(cand.slot) ?? []), cand]);
  const tz = plan.timeZone;
  const maxPain = Math.max(0, ...plan.ledger.map((l) => l.seriesPain));
  const parts: string[] = [];
  const zoneCount = zones.length;
  if (maxPain === 0) {
    const [slot] = [...bySlot.keys()];
    parts.push(
      `Every occurrence is at ${hhmm(slot as number)} ${tz}: inside everyone's working hours in all ${zoneCount} time zone${zoneCount === 1 ? '' : 's'}, so nobody pays and nobody needs to rotate.`,
    );
  } else {
    const describeSlot = (slot: number, cands: Candidate[]) => {
      const first = cands[0] as Candidate;
      const hurt = new Map<number, { pain: number; local: string }>();
      classes.forEach((cls, c) => {
        const pain = cands.reduce((s, cand) => s + (cand.pain[c] as number), 0);
        if (pain <= 0) return;
        const prior = hurt.get(cls.zone);
        const local = DateTime.fromMillis(first.start, { zone: zoneLabel(cls.zone) }).toFormat('HH:mm');
        if (!prior || pain > prior.pain) hurt.set(cls.zone, { pain, local });
      });
      const who = [...hurt.entries()].map(([z, h]) => `${zoneLabel(z)} at ${h.local}`).join(', ');
      return `${hhmm(slot)} ${tz} ×${cands.length} (${who ? `outside hours for ${who}` : 'inside everyone\'s hours'})`;
    };
    const slots = [...bySlot.entries()].sort((a, b) => b[1].length - a[1].length || a[0] - b[0]);
    if (slots.length === 1) {
      parts.push(`One slot is the fairest choice for all ${plan.occurrences.length} occurrences: ${describeSlot(...(slots[0] as [number, Candidate[]]))}.`);
    } else {
      parts.push(
        `No single start keeps everyone inside working hours, so the series rotates among ${slots.length} slots in blocks: ${slots.map(([s, c]) => describeSlot(s, c)).join('; ')}.`,
      );
    }
    const top = [...plan.ledger].sort((a, b) => b.burden - a.burden || a.email.localeCompare(b.email))[0] as RotationLedgerEntry;
    const carried = top.history > 0 ? ` (${top.history} carried over from earlier series, ${top.seriesPain} from this one)` : '';
    parts.push(
      `Heaviest burden: ${top.email} (${top.timeZone}) with ${top.burden} points${carried}; max/mean ${f.maxOverMean}, Gini ${f.gini}.`,
    );
    const carriers = plan.ledger
      .filter((l) => l.history > 0)
      .sort((a, b) => b.history - a.history || a.email.localeCompare(b.email))
      .slice(0, 3);
    if (carriers.length > 0) {
      parts.push(
        `Burden carried over from earlier series counts, so those who paid before pay less now: ${carriers.map((l) => `${l.email} carried ${l.history}, takes ${l.seriesPain}`).join('; ')}.`,
      );
    }
  }
  if (f.fallbackOccurrences > 0) {
    parts.push(
      `${f.fallbackOccurrences} occurrence${f.fallbackOccurrences === 1 ? '' : 's'} had no start passing everyone's hard limits (local 23:00–08:00, non-working days, busy time); they use the starts that break the limits of the fewest time zones, rotated so the break moves.`,
    );
  }
  if (zoneCount > 1 && participants.length > zoneCount) {
    parts.push('Each time zone counts once, whatever its headcount.');
  }
  return parts.join(' ');
}

/**
 * Plans a rotating series: validates the input (`rotation.invalid_input`,
 * `member.invalid_time_zone`, `member.invalid_working_hours`), builds the candidate grid and
 * pain matrix per occurrence date (DST-correct), solves for the fairest assignment and returns
 * occurrences, ledger, fairness metrics and an explanation. Pain and burden are in points
 * (README: pain model); the same input always gives the same plan.
 */
export function planRotation(input: RotationInput): RotationPlan {
  const spec = validate(input);
  const problem = buildRotationProblem(spec, input.participants);
  const solution = solveRotation(problem);
  const { participants, classOf } = problem;
  const zones = new Map(participants.map((p) => [p.email, IANAZone.create(p.timeZone)]));
  const seriesUnits = participants.map(() => 0);
  const outside = participants.map(() => 0);
  const nights = participants.map(() => 0);
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
      if ((cand.hard[c] as number) > 0) hardLimitBreaks.push(p.email);
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
    };
  });
  const burdens = ledger.map((l) => l.burden);
  const maxBurden = Math.max(...burdens);
  const mean = burdens.reduce((a, b) => a + b, 0) / burdens.length;
  const maxOverMean = mean > 0 ? Math.round((maxBurden / mean) * 1000) / 1000 : 1;
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
  };
  const plan = { title: input.title, timeZone: spec.timeZone, durationMinutes: spec.durationMinutes, occurrences, ledger, fairness };
  return { ...plan, explanation: explain(problem, plan, chosen) };
}

