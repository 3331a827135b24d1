/**
 * The one recurrence engine: every RRULE shape RFC 5545 §3.3.10 allows, expanded in local
 * wall-clock time (ms as if UTC) and mapped to instants by the caller's zone (`toUtc`, which
 * resolves DST gaps and overlaps per §3.3.5). Pure and bounded: every period, candidate day and
 * candidate instant spends a step from the series' and the file's budgets (limits.ts).
 *
 * The rule is walked period by period (a year, month, week, day, hour, minute or second, every
 * INTERVAL); in each period the days the BY… parts select (days.ts) are combined with the times
 * BYHOUR/BYMINUTE/BYSECOND select, BYSETPOS picks from that set, and the result is offered in
 * order. Without COUNT, periods before `skipBefore` are jumped over in O(1), so a series that
 * began decades ago costs what its window costs. EXDATE, RDATE and the DTSTART instance itself
 * are the caller's (they are instants of the event, not of the rule); by RFC 5545 DTSTART counts
 * as the first occurrence towards COUNT, which `dtstartCounts` asks for.
 */
import { civil, DAY_MS, dayNumber, HOUR_MS as HOUR, MINUTE_MS as MINUTE, SECOND_MS as SECOND, weekdayOf } from './calendar';
import { candidateDays, dayMatches, needsCivilDate, type OrdinalScope } from './days';
import { MAX_RULE_ITERATIONS, MAX_STEPS_PER_SERIES } from './limits';
import { FREQUENCIES, type Frequency, type RecurrenceRule } from './rule';

/** Where expansion starts: DTSTART as wall-clock ms (as if UTC), and whether it is a DATE. */
export interface RuleStart {
  local: number;
  isDate: boolean;
}

/** What a file may still spend, shared by all its series. */
export interface StepBudget {
  steps: number;
}

export interface ExpandOptions {
  /** Local wall-clock ms → UTC instant in the series' zone. */
  toUtc(local: number): number;
  /** Occurrences before this local time are not needed (rules without COUNT may jump past them). */
  skipBefore: number;
  /** Nothing after this local time is generated. */
  stopAfter: number;
  budget: StepBudget;
  /** DTSTART counts as the first occurrence towards COUNT even when the rule does not produce it. */
  dtstartCounts: boolean;
}

/** Why expansion stopped before the rule's end, if it did. */
export interface ExpandOutcome {
  stoppedBy: null | 'iterations' | 'file_steps' | 'series_steps';
  /** Steps this series spent. */
  steps: number;
}

/**
 * Offer each occurrence of `rule` from `start` to `emit(local, utc)`, in order, until the rule
 * ends (COUNT, UNTIL), `stopAfter` is passed, a budget runs out, or `emit` returns false.
 */
export function expandRule(rule: RecurrenceRule, start: RuleStart, options: ExpandOptions, emit: (local: number, utc: number) => boolean): ExpandOutcome {
  const r = withDefaults(rule, start);
  const outcome: ExpandOutcome = { stoppedBy: null, steps: 0 };
  const spend = (n: number): boolean => {
    outcome.steps += n;
    options.budget.steps -= n;
    if (options.budget.steps < 0) outcome.stoppedBy = 'file_steps';
    else if (outcome.steps > MAX_STEPS_PER_SERIES) outcome.stoppedBy = 'series_steps';
    return outcome.stoppedBy === null;
  };
  const untilUtc = untilInstant(r, start, options.toUtc);
  let produced = 0;
  let generated = 0;
  const offer = (local: number): boolean => {
    if (local < start.local) return true;
    if (local > options.stopAfter) return false;
    const utc = options.toUtc(local);
    if (untilUtc !== null && utc > untilUtc) return false;
    if (produced === 0 && options.dtstartCounts && local !== start.local) produced = 1;
    if (r.count !== null && produced >= r.count) return false;
    if (++generated > MAX_RULE_ITERATIONS) {
      outcome.stoppedBy = 'iterations';
      return false;
    }
    produced += 1;
    return emit(local, utc) && (r.count === null || produced < r.count);
  };
  const walk = FREQUENCIES.indexOf(r.freq) >= FREQUENCIES.indexOf('DAILY') ? walkDayPeriods : walkTimePeriods;
  walk(r, start, options, spend, offer);
  return outcome;
}

type Spend = (steps: number) => boolean;
type Offer = (local: number) => boolean;

/**
 * RFC 5545's implied parts: without any day part, YEARLY repeats DTSTART's month and day,
 * MONTHLY its day, WEEKLY its weekday; each time part coarser than the frequency repeats
 * DTSTART's. A DATE start has no time of day.
 */
function withDefaults(rule: RecurrenceRule, start: RuleStart): RecurrenceRule {
  const r = { ...rule };
  const day = Math.floor(start.local / DAY_MS);
  const { month, day: dom } = civil(day);
  if (!r.byweekno && !r.byyearday && !r.bymonthday && !r.byday) {
    if (r.freq === 'YEARLY') {
      r.bymonth ??= [month];
      r.bymonthday = [dom];
    } else if (r.freq === 'MONTHLY') r.bymonthday = [dom];
    else if (r.freq === 'WEEKLY') r.byday = [{ weekday: weekdayOf(day), ordinal: 0 }];
  }
  const rank = FREQUENCIES.indexOf(r.freq);
  const time = start.local - day * DAY_MS;
  const fixed = (freq: Frequency, part: number[] | null, value: number): number[] | null =>
    start.isDate ? [0] : rank > FREQUENCIES.indexOf(freq) ? (part ?? [value]) : part;
  r.byhour = fixed('HOURLY', r.byhour, Math.floor(time / HOUR));
  r.byminute = fixed('MINUTELY', r.byminute, Math.floor(time / MINUTE) % 60);
  r.bysecond = fixed('SECONDLY', r.bysecond, Math.floor(time / SECOND) % 60);
  for (const key of ['byhour', 'byminute', 'bysecond', 'bymonth'] as const) r[key] = r[key] ? [...r[key]].sort((a, b) => a - b) : null;
  return r;
}

/**
 * UNTIL as an instant: a UTC DATE-TIME as it is, a local one in the series' zone; a DATE
 * includes its whole day for a timed series (RFC 5545 wants the types to match; real feeds mix).
 */
export function untilInstant(r: RecurrenceRule, start: RuleStart, toUtc: (local: number) => number): number | null {
  const until = r.until;
  if (!until) return null;
  if (until.utc) return until.local;
  if (until.isDate && !start.isDate) return toUtc(until.local + DAY_MS - SECOND);
  return toUtc(until.local);
}

/** Offer one period's set: `days` × `times` (ms into the day), or the BYSETPOS picks of it. */
function offerSet(r: RecurrenceRule, days: number[], times: number[], spend: Spend, offer: Offer): boolean {
  const perDay = times.length;
  const size = days.length * perDay;
  if (r.bysetpos) {
    if (!spend(r.bysetpos.length)) return false;
    const picks = [...new Set(r.bysetpos.map((p) => (p > 0 ? p - 1 : size + p)).filter((i) => i >= 0 && i < size))].sort((a, b) => a - b);
    for (const i of picks) if (!offer(days[Math.floor(i / perDay)]! * DAY_MS + times[i % perDay]!)) return false;
    return true;
  }
  // Plain loops, no closures: this runs once per period of every series.
  for (let d = 0; d < days.length; d++) {
    const base = days[d]! * DAY_MS;
    for (let t = 0; t < perDay; t++) if (!spend(1) || !offer(base + times[t]!)) return false;
  }
  return true;
}

/** Times of day (ms) selected by BYHOUR × BYMINUTE × BYSECOND, ascending. */
function timesOfDay(r: RecurrenceRule): number[] {
  const out: number[] = [];
  for (const h of r.byhour!) for (const m of r.byminute!) for (const s of r.bysecond!) out.push(h * HOUR + m * MINUTE + s * SECOND);
  return out;
}

/** YEARLY, MONTHLY, WEEKLY and DAILY: periods of whole days. */
function walkDayPeriods(r: RecurrenceRule, start: RuleStart, options: ExpandOptions, spend: Spend, offer: Offer): void {
  const startDay = Math.floor(start.local / DAY_MS);
  const s = civil(startDay);
  const skip = civil(Math.floor(options.skipBefore / DAY_MS));
  const skipDay = Math.floor(options.skipBefore / DAY_MS);
  const stopDay = Math.floor(options.stopAfter / DAY_MS);
  const scope: OrdinalScope = r.freq === 'MONTHLY' || r.bymonth ? 'month' : 'year';
  const times = timesOfDay(r);
  const withCivil = needsCivilDate(r);
  const weekStart = startDay - ((weekdayOf(startDay) - r.wkst + 7) % 7);
  // Period k's first day and its distance from the start in units of the frequency.
  const periodOf: Record<string, [number, (k: number) => [number, number]]> = {
    YEARLY: [skip.year - s.year, (k) => [dayNumber(s.year + k, 1, 1), dayNumber(s.year + k, 12, 31)]],
    MONTHLY: [skip.year * 12 + skip.month - (s.year * 12 + s.month), (k) => monthSpan(s.year * 12 + s.month - 1 + k)],
    WEEKLY: [Math.floor((skipDay - weekStart) / 7), (k) => [weekStart + 7 * k, weekStart + 7 * k + 6]],
    DAILY: [skipDay - startDay, (k) => [startDay + k, startDay + k]],
  };
  const [skipUnits, span] = periodOf[r.freq]!;
  let k = r.count === null && skipUnits > 0 ? Math.floor(skipUnits / r.interval) * r.interval : 0;
  const days: number[] = []; // reused: one period's matching days
  for (; ; k += r.interval) {
    const [first, last] = span(k);
    if (first > stopDay || !spend(1)) return;
    days.length = 0;
    if (first === last) {
      // DAILY: the period is its one day, no candidate list to build.
      if (!spend(1)) return;
      const c = withCivil ? civil(first) : NO_DATE;
      if (dayMatches(r, scope, first, c.year, c.month, c.day)) days.push(first);
    } else {
      const candidates = candidateDays(r, scope, { first, last });
      if (!spend(candidates.length)) return;
      for (const n of candidates) {
        const c = withCivil ? civil(n) : NO_DATE;
        if (dayMatches(r, scope, n, c.year, c.month, c.day)) days.push(n);
      }
    }
    if (days.length > 0 && !offerSet(r, days, times, spend, offer)) return;
  }
}

const NO_DATE = { year: 0, month: 0, day: 0 };

function monthSpan(index: number): [number, number] {
  const year = Math.floor(index / 12);
  const month = index - year * 12 + 1;
  return [dayNumber(year, month, 1), dayNumber(year, month + 1, 1) - 1];
}

/**
 * HOURLY, MINUTELY and SECONDLY: periods of one unit every INTERVAL units from DTSTART's. A
 * period on a day the day parts exclude, or in an hour (minute) BYHOUR (BYMINUTE) excludes,
 * jumps to the first period of the next day (hour, minute), one step each.
 */
function walkTimePeriods(r: RecurrenceRule, start: RuleStart, options: ExpandOptions, spend: Spend, offer: Offer): void {
  const unit = r.freq === 'HOURLY' ? HOUR : r.freq === 'MINUTELY' ? MINUTE : SECOND;
  const period = unit * r.interval;
  const origin = Math.floor(start.local / unit) * unit;
  const firstAt = (t: number): number => Math.ceil((t - origin) / period); // first period starting at or after t
  let k = r.count === null && options.skipBefore > origin ? Math.floor((options.skipBefore - origin) / period) : 0;
  let dayCache = Number.NaN;
  let dayOk = false;
  const within = (values: number[] | null, v: number): boolean => values === null || values.includes(v);
  while (true) {
    const t = origin + k * period;
    if (t > options.stopAfter || !spend(1)) return;
    const day = Math.floor(t / DAY_MS);
    if (day !== dayCache) {
      const c = civil(day);
      dayCache = day;
      dayOk = dayMatches(r, 'year', day, c.year, c.month, c.day);
    }
    const ms = t - day * DAY_MS;
    const [hour, minute, second] = [Math.floor(ms / HOUR), Math.floor(ms / MINUTE) % 60, Math.floor(ms / SECOND) % 60];
    if (!dayOk) k = Math.max(k + 1, firstAt((day + 1) * DAY_MS));
    else if (!within(r.byhour, hour)) k = Math.max(k + 1, firstAt(day * DAY_MS + (hour + 1) * HOUR));
    else if (unit < HOUR && !within(r.byminute, minute)) k = Math.max(k + 1, firstAt(t - (ms % HOUR) + (minute + 1) * MINUTE));
    else if (unit < MINUTE && !within(r.bysecond, second)) k += 1;
    else {
      const times: number[] = [];
      if (unit === HOUR) for (const m of r.byminute!) for (const sec of r.bysecond!) times.push(hour * HOUR + m * MINUTE + sec * SECOND);
      else if (unit === MINUTE) for (const sec of r.bysecond!) times.push(hour * HOUR + minute * MINUTE + sec * SECOND);
      else times.push(ms - (ms % SECOND));
      if (!offerSet(r, [day], times, spend, offer)) return;
      k += 1;
    }
  }
}
