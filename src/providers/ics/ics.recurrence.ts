/**
 * Recurrence for the ICS reader: an RRULE line read into a {@link Rule} and its occurrences fed
 * in order by {@link iterateRule}. Both are thin: every rule, whatever its shape, is parsed and
 * expanded by the one engine in src/domain/recurrence (no fast path, no second expander that
 * could disagree), within the per-series and per-file limits declared there and re-exported
 * here. What this file adds is the reader's side: line-numbered errors, the series' zone as
 * the engine's local→UTC mapping, and the RFC 5545 rule that DTSTART counts towards COUNT.
 */
import { expandRule, untilInstant } from '../../domain/recurrence/expand';
import { parseRRule, type RecurrenceRule, type RuleWarning } from '../../domain/recurrence/rule';
import { parseError } from './ics.errors';

export {
  MAX_INSTANCES_PER_FILE,
  MAX_INSTANCES_PER_SERIES,
  MAX_RULE_ITERATIONS,
  MAX_STEPS_PER_FILE,
  MAX_STEPS_PER_SERIES,
} from '../../domain/recurrence/limits';

/** The DTSTART a rule expands from: wall-clock ms (as if UTC) and the zone that maps it to UTC. */
export interface RuleStart {
  local: number;
  isDate: boolean;
  zone: { toUtc(localMs: number): number };
}

/** The RRULE property: its value and the line it came from (for errors). */
export interface RuleLine {
  raw: string;
  line: number;
}

/** What a file may still spend: expansion steps (every rule spends them) and kept instances. */
export interface FileBudget {
  steps: number;
  instances: number;
}

export interface Rule {
  rule: RecurrenceRule;
  /** UNTIL as an instant, or null. */
  untilUtc: number | null;
  count: number | null;
  /** Repairs made while reading the value (spaces, unknown parts, values out of range, …). */
  warnings: RuleWarning[];
}

/** Why a rule stopped before its end, if it did: the caller reports it. */
export interface RuleOutcome {
  stoppedBy: null | 'iterations' | 'file_steps' | 'series_steps';
}

/**
 * Read an RRULE value. A rule that cannot mean anything (no value, no FREQ, INTERVAL=0, …)
 * throws `ics.parse_error` naming the line and the engine's reason; repairable ones come back
 * with warnings.
 */
export function readRule(prop: RuleLine, start: RuleStart): Rule {
  const parsed = parseRRule(prop.raw);
  if (!parsed.ok) throw parseError(prop.line, `invalid RRULE: ${parsed.error.message}`);
  const { rule, warnings } = parsed;
  return { rule, untilUtc: untilInstant(rule, start, (local) => start.zone.toUtc(local)), count: rule.count, warnings };
}

/**
 * Feed each occurrence of the rule, in order, as local wall-clock ms and its instant in the
 * start's zone (the engine maps it already: the caller need not again) to `emit` until it returns
 * false. Occurrences before `skipBefore` (local ms) are not needed, so rules without COUNT jump
 * ahead over whole periods; nothing after `stopAfter` (local ms) is generated. DTSTART itself
 * is the caller's first instance and counts towards COUNT (RFC 5545 §3.8.5.3).
 */
export function iterateRule(
  rule: Rule,
  start: RuleStart,
  bounds: { skipBefore: number; stopAfter: number },
  budget: FileBudget,
  outcome: RuleOutcome,
  emit: (local: number, utc: number) => boolean,
): void {
  const result = expandRule(
    rule.rule,
    { local: start.local, isDate: start.isDate },
    { toUtc: (local) => start.zone.toUtc(local), skipBefore: bounds.skipBefore, stopAfter: bounds.stopAfter, budget, dtstartCounts: true },
    emit,
  );
  outcome.stoppedBy = result.stoppedBy;
}
