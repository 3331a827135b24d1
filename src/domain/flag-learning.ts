/**
 * Learning from organizers' decisions, within one workspace (never across: callers pass one
 * workspace's series and decisions). Two uses:
 * - similar series: a series with the same title pattern and the same organizer or mostly the
 *   same people as series that organizers kept or converted is scored with that evidence
 *   (`history.similar_kept`, `history.similar_converted`);
 * - thresholds: when organizers keep most of what was flagged, the workspace's thresholds rise;
 *   when they convert meetings that were not flagged, the first one falls — always within
 *   `CALIBRATION_BOUNDS`, and never so that shape alone could flag (purpose.none still holds).
 * Pure.
 */
import { wordsOf } from './lexicons';
import { VERDICT_THRESHOLDS, type SeriesFacts, type SimilarDecisions, type VerdictThresholds } from './meeting-flags';

export type Decision = 'keep' | 'converted';

export interface DecidedSeries {
  facts: SeriesFacts;
  decision: Decision;
  /** The series' score under the default thresholds, for calibration. */
  score: number;
}

/** Documented bounds of calibration (docs/features.md). */
export const CALIBRATION_BOUNDS = {
  /** Fewer decisions than this leave the defaults alone. */
  minDecisions: 5,
  considerAsync: { min: 40, max: 55 },
  async: { min: 70, max: 85 },
  /** The strong verdict stays at least this far above the first one. */
  minGap: 15,
} as const;

/** Shared people above this share (Jaccard) make two series "the same team". */
const SAME_TEAM = 0.5;

/**
 * A title's pattern: its words, lower-cased and without accents, numbers, dates or anything with
 * a digit ("Sprint 14 review", "Sprint 15 review" → "sprint review"; "Q3 readout" → "readout").
 */
export function titlePattern(title: string): string {
  return wordsOf(title)
    .filter((w) => !/\d/.test(w))
    .join(' ');
}

function jaccard(a: readonly string[], b: readonly string[]): number {
  if (a.length === 0 || b.length === 0) return 0;
  const setB = new Set(b);
  const shared = a.filter((x) => setB.has(x)).length;
  return shared / (a.length + b.length - shared);
}

/** Whether two series are alike: the same title pattern, and the same organizer or mostly the same people. */
export function areSimilar(a: SeriesFacts, b: SeriesFacts): boolean {
  if (a.seriesKey === b.seriesKey) return false;
  const pattern = titlePattern(a.title);
  if (pattern === '' || pattern !== titlePattern(b.title)) return false;
  if (a.organizer !== null && a.organizer === b.organizer) return true;
  return jaccard(a.people ?? [], b.people ?? []) >= SAME_TEAM;
}

/** How many similar series (of the same workspace) organizers kept and converted. */
export function similarDecisions(target: SeriesFacts, decided: readonly DecidedSeries[]): SimilarDecisions | undefined {
  let kept = 0;
  let converted = 0;
  for (const d of decided) {
    if (!areSimilar(target, d.facts)) continue;
    if (d.decision === 'keep') kept++;
    else converted++;
  }
  return kept + converted > 0 ? { kept, converted } : undefined;
}

const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));

export interface Calibration {
  thresholds: VerdictThresholds;
  /** The counts behind the thresholds, for the API and the docs' explanation. */
  basis: { decisions: number; keptFlagged: number; convertedFlagged: number; convertedUnflagged: number };
}

/**
 * A workspace's thresholds from its decisions. With at least 5 decisions: if organizers kept more
 * than half of the flagged series they decided on, both thresholds rise by up to 10 points
 * (20 × the share above one half); if they converted at least 2 series that were not flagged, and
 * more than they kept flagged ones, the first threshold falls by 5. Bounded by `CALIBRATION_BOUNDS`.
 */
export function calibrateThresholds(decided: readonly Pick<DecidedSeries, 'decision' | 'score'>[]): Calibration {
  const base = VERDICT_THRESHOLDS;
  const flagged = decided.filter((d) => d.score >= base.considerAsync);
  const keptFlagged = flagged.filter((d) => d.decision === 'keep').length;
  const convertedFlagged = flagged.length - keptFlagged;
  const convertedUnflagged = decided.filter((d) => d.score < base.considerAsync && d.decision === 'converted').length;
  const basis = { decisions: decided.length, keptFlagged, convertedFlagged, convertedUnflagged };
  if (decided.length < CALIBRATION_BOUNDS.minDecisions) return { thresholds: { ...base }, basis };
  const disagreement = flagged.length > 0 ? keptFlagged / flagged.length : 0;
  const raise = disagreement > 0.5 ? Math.round((disagreement - 0.5) * 20) : 0;
  const lower = convertedUnflagged >= 2 && convertedUnflagged > keptFlagged ? 5 : 0;
  const b = CALIBRATION_BOUNDS;
  const considerAsync = clamp(base.considerAsync + raise - lower, b.considerAsync.min, b.considerAsync.max);
  const asyncAt = clamp(Math.max(base.async + raise, considerAsync + b.minGap), b.async.min, b.async.max);
  return { thresholds: { considerAsync, async: asyncAt }, basis };
}
