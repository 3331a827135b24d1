/**
 * Recurrence expansion for the ICS reader: an RRULE line read into a {@link Rule}, and its
 * occurrences fed in order by {@link iterateRule}, within the per-series and per-file work limits
 * declared here. Simple DAILY/WEEKLY/MONTHLY/YEARLY shapes go through a small arithmetic
 * expander; everything else through ical.js's `RecurIterator` on floating wall-clock time, its
 * internal steps counted against the budgets.
 *
 * Moved verbatim out of ics.mapper.ts so that the engine can be replaced behind this interface
 * (readRule, iterateRule, the budget and its constants); the mapper only calls it.
 */
import ICAL from 'ical.js';
import { parseError } from './ics.errors';

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

/** At most this many instances of one series are produced for a window. */
export const MAX_INSTANCES_PER_SERIES = 5_000;
/** At most this many rule occurrences are generated for one series (before and inside the window). */
export const MAX_RULE_ITERATIONS = 50_000;
/**
 * Work limits for rules handed to ical.js, counted in its internal candidate steps (about
 * 10-20 µs each): per series and per file. They bound unsatisfiable or adversarial rules
 * (e.g. FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30, which ical.js would search forever).
 */
export const MAX_ICAL_STEPS_PER_SERIES = 20_000;
export const MAX_ICAL_STEPS_PER_FILE = 100_000;
/**
 * At most this many events and instances are kept from one file, whatever path produced them.
 * Series are kept or dropped whole, in file order: the first series that would cross the cap is
 * dropped with an `instance_cap` warning, and so is every later one that does not fit. Without
 * it, 4,000 FREQ=DAILY series (0.5 MB) expand to 1.46 million rows in a year's window.
 */
export const MAX_INSTANCES_PER_FILE = 100_000;

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

/** What a file may still spend: ical.js iterator steps and kept instances. */
export interface FileBudget {
  steps: number;
  instances: number;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

export interface Rule {
  recur: InstanceType<typeof ICAL.Recur>;
  untilUtc: number | null;
  count: number | null;
  /** The rule in a shape the arithmetic expander handles, or null to use ical.js. */
  fast: FastRule | null;
}

interface FastRule {
  freq: 'DAILY' | 'WEEKLY' | 'MONTHLY' | 'YEARLY';
  /** BYDAY entries: weekday (0 = Monday) and ordinal within the month (0 = every). */
  byday: Array<{ weekday: number; ordinal: number }> | null;
  bymonthday: number[] | null;
  bymonth: Set<number> | null;
  bysetpos: number[] | null;
}

const DAY_CODES = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'];
const FAST_PARTS = new Set(['BYDAY', 'BYMONTHDAY', 'BYMONTH', 'BYSETPOS']);

export function readRule(prop: RuleLine, start: RuleStart): Rule {
  let recur: InstanceType<typeof ICAL.Recur>;
  try {
    recur = ICAL.Recur.fromString(prop.raw.trim());
  } catch (error) {
    throw parseError(prop.line, `invalid RRULE: ${(error as Error).message}`);
  }
  if (!recur.freq) throw parseError(prop.line, 'invalid RRULE: FREQ is missing');
  if (!(recur.interval >= 1)) throw parseError(prop.line, 'invalid RRULE: INTERVAL must be at least 1');

  let untilUtc: number | null = null;
  if (recur.until) {
    const u = recur.until;
    if (![u.year, u.month, u.day, u.hour, u.minute, u.second].every(Number.isFinite)) {
      throw parseError(prop.line, 'invalid RRULE: bad UNTIL');
    }
    const local = Date.UTC(u.year, u.month - 1, u.day, u.hour, u.minute, u.second);
    if (u.isDate) untilUtc = start.zone.toUtc(local + (start.isDate ? 0 : DAY - 1000));
    else if (u.zone === ICAL.Timezone.utcTimezone) untilUtc = local;
    else untilUtc = start.zone.toUtc(local);
    recur.until = null; // compared against UTC starts here, not by ical.js
  }
  return { recur, untilUtc, count: recur.count ?? null, fast: fastShape(recur) };
}

/**
 * The rule as a {@link FastRule} when it is one of the shapes calendar clients write: DAILY
 * and WEEKLY with plain weekdays, MONTHLY by month day or (nth) weekday, YEARLY on a date or
 * an nth weekday of given months, each optionally limited by BYMONTH and BYSETPOS.
 */
function fastShape(recur: InstanceType<typeof ICAL.Recur>): FastRule | null {
  const freq = recur.freq;
  if (freq !== 'DAILY' && freq !== 'WEEKLY' && freq !== 'MONTHLY' && freq !== 'YEARLY') return null;
  const parts = recur.parts as Record<string, unknown[] | undefined>;
  if (!Object.keys(parts).every((p) => FAST_PARTS.has(p))) return null;

  let byday: FastRule['byday'] = null;
  if (parts.BYDAY) {
    byday = [];
    for (const code of parts.BYDAY) {
      const m = /^([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)$/i.exec(String(code));
      if (!m) return null;
      const ordinal = m[1] ? Number(m[1]) : 0;
      if (ordinal !== 0 && (freq === 'DAILY' || freq === 'WEEKLY' || Math.abs(ordinal) > 5)) return null;
      byday.push({ weekday: DAY_CODES.indexOf((m[2] as string).toUpperCase()), ordinal });
    }
  }
  const numbers = (values: unknown[] | undefined, min: number, max: number): number[] | null | undefined => {
    if (!values) return null;
    const out = values.map(Number);
    return out.every((n) => Number.isInteger(n) && n !== 0 && Math.abs(n) >= min && Math.abs(n) <= max) ? out : undefined;
  };
  const bymonthday = numbers(parts.BYMONTHDAY, 1, 31);
  const bymonth = numbers(parts.BYMONTH, 1, 12);
  const bysetpos = numbers(parts.BYSETPOS, 1, 366);
  if (bymonthday === undefined || bymonth === undefined || bysetpos === undefined) return null;
  if (bymonth?.some((n) => n < 0)) return null;
  if (bysetpos && (freq === 'DAILY' || freq === 'WEEKLY')) return null;
  if (bymonthday && freq === 'WEEKLY') return null;
  // YEARLY: weekdays only relative to given months.
  if (freq === 'YEARLY' && byday && !bymonth) return null;
  return { freq, byday, bymonthday, bymonth: bymonth ? new Set(bymonth) : null, bysetpos };
}

/** Monday-based weekday (0 = Monday) of a day number (days since 1970-01-01, a Thursday). */
const weekday = (dayNumber: number): number => (((dayNumber + 3) % 7) + 7) % 7;

const dayNumberOf = (year: number, month: number, day: number): number => Date.UTC(year, month - 1, day) / DAY;

/** Days (1-based, ascending) of one month selected by BYMONTHDAY/BYDAY, or `defaultDay`. */
function daysInMonthSelected(year: number, month: number, rule: FastRule, defaultDay: number): number[] {
  const dim = daysInMonth(year, month);
  if (!rule.byday && !rule.bymonthday) return defaultDay <= dim ? [defaultDay] : [];
  let days: number[] | null = null;
  if (rule.bymonthday) {
    days = rule.bymonthday.map((d) => (d > 0 ? d : dim + 1 + d)).filter((d) => d >= 1 && d <= dim);
  }
  if (rule.byday) {
    const firstWeekday = weekday(dayNumberOf(year, month, 1));
    const matching = new Set<number>();
    for (const { weekday: wd, ordinal } of rule.byday) {
      const firstOfKind = 1 + ((wd - firstWeekday + 7) % 7);
      if (ordinal === 0) {
        for (let d = firstOfKind; d <= dim; d += 7) matching.add(d);
      } else if (ordinal > 0) {
        const d = firstOfKind + (ordinal - 1) * 7;
        if (d <= dim) matching.add(d);
      } else {
        const last = firstOfKind + Math.floor((dim - firstOfKind) / 7) * 7;
        const d = last + (ordinal + 1) * 7;
        if (d >= 1) matching.add(d);
      }
    }
    days = days ? days.filter((d) => matching.has(d)) : [...matching];
  }
  return [...new Set(days)].sort((a, b) => a - b);
}

function applySetPos<T>(set: T[], bysetpos: number[] | null): T[] {
  if (!bysetpos) return set;
  const picked = new Set<T>();
  for (const pos of bysetpos) {
    const item = pos > 0 ? set[pos - 1] : set[set.length + pos];
    if (item !== undefined) picked.add(item);
  }
  return set.filter((item) => picked.has(item));
}

/**
 * Feed each occurrence of the rule, in order, as local wall-clock ms to `emit` until it returns
 * false. Occurrences before `skipBefore` (local ms) are not needed, so rules without COUNT jump
 * ahead over whole periods; nothing after `stopAfter` (local ms) is generated.
 */
export function iterateRule(
  rule: Rule,
  start: RuleStart,
  bounds: { skipBefore: number; stopAfter: number },
  budget: FileBudget,
  outcome: RuleOutcome,
  emit: (local: number) => boolean,
): void {
  const { skipBefore, stopAfter } = bounds;
  const interval = rule.recur.interval;
  const startDay = Math.floor(start.local / DAY);
  const timeOfDay = start.local - startDay * DAY;
  const skipDay = Math.floor(skipBefore / DAY);
  const stopDay = Math.floor(stopAfter / DAY);
  const canSkip = rule.count === null;
  let iterations = 0;
  let produced = 0;
  /** One period (or candidate day) examined; false when the iteration cap is reached. */
  const step = (): boolean => {
    if (++iterations <= MAX_RULE_ITERATIONS) return true;
    outcome.stoppedBy = 'iterations';
    return false;
  };
  const next = (day: number): boolean => {
    if (day < startDay) return true;
    // DTSTART counts as the first occurrence even when the rule does not produce it (RFC 5545).
    if (produced === 0 && day !== startDay) produced = 1;
    produced += 1;
    if (!emit(day * DAY + timeOfDay)) return false;
    return rule.count === null || produced < rule.count;
  };

  const fast = rule.fast;
  if (fast) {
    const s = new Date(startDay * DAY);
    const startYear = s.getUTCFullYear();
    const startMonth = s.getUTCMonth() + 1;
    const startDom = s.getUTCDate();

    if (fast.freq === 'DAILY') {
      const weekdays = fast.byday ? new Set(fast.byday.map((b) => b.weekday)) : null;
      let k = canSkip && skipDay > startDay ? Math.floor((skipDay - startDay) / interval) : 0;
      for (; step(); k++) {
        const day = startDay + k * interval;
        if (day > stopDay) return;
        if (weekdays && !weekdays.has(weekday(day))) continue;
        if (fast.bymonth || fast.bymonthday) {
          const d = new Date(day * DAY);
          const month = d.getUTCMonth() + 1;
          if (fast.bymonth && !fast.bymonth.has(month)) continue;
          if (fast.bymonthday) {
            const dom = d.getUTCDate();
            const dim = daysInMonth(d.getUTCFullYear(), month);
            if (!fast.bymonthday.some((n) => (n > 0 ? n : dim + 1 + n) === dom)) continue;
          }
        }
        if (!next(day)) return;
      }
      return;
    }

    if (fast.freq === 'WEEKLY') {
      const wkst = ((((rule.recur.wkst ?? 2) + 5) % 7) + 7) % 7; // ical.js numbers SU=1 … SA=7
      const days = fast.byday ? fast.byday.map((b) => b.weekday) : [weekday(startDay)];
      const offsets = [...new Set(days.map((d) => (d - wkst + 7) % 7))].sort((a, b) => a - b);
      const weekStart = startDay - ((weekday(startDay) - wkst + 7) % 7);
      const period = 7 * interval;
      let k = canSkip && skipDay > weekStart ? Math.floor((skipDay - weekStart) / period) : 0;
      for (; step(); k++) {
        const base = weekStart + k * period;
        if (base > stopDay) return;
        for (const offset of offsets) {
          const day = base + offset;
          if (fast.bymonth && !fast.bymonth.has(new Date(day * DAY).getUTCMonth() + 1)) continue;
          if (!next(day)) return;
        }
      }
      return;
    }

    if (fast.freq === 'MONTHLY') {
      const firstMonth = startYear * 12 + (startMonth - 1);
      const skipMonth = (() => {
        const d = new Date(skipDay * DAY);
        return d.getUTCFullYear() * 12 + d.getUTCMonth();
      })();
      let k = canSkip && skipMonth > firstMonth ? Math.floor((skipMonth - firstMonth) / interval) : 0;
      for (; step(); k++) {
        const index = firstMonth + k * interval;
        const year = Math.floor(index / 12);
        const month = (index % 12) + 1;
        if (dayNumberOf(year, month, 1) > stopDay) return;
        if (fast.bymonth && !fast.bymonth.has(month)) continue;
        const days = applySetPos(daysInMonthSelected(year, month, fast, startDom), fast.bysetpos);
        for (const dom of days) if (!next(dayNumberOf(year, month, dom))) return;
      }
      return;
    }

    // YEARLY
    const skipYear = new Date(skipDay * DAY).getUTCFullYear();
    let k = canSkip && skipYear > startYear ? Math.floor((skipYear - startYear) / interval) : 0;
    const months = fast.bymonth
      ? [...fast.bymonth].sort((a, b) => a - b)
      : fast.bymonthday
        ? [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]
        : [startMonth];
    for (; step(); k++) {
      const year = startYear + k * interval;
      if (dayNumberOf(year, 1, 1) > stopDay) return;
      const days: number[] = [];
      for (const month of months) {
        for (const dom of daysInMonthSelected(year, month, fast, startDom)) days.push(dayNumberOf(year, month, dom));
      }
      for (const day of applySetPos(days, fast.bysetpos)) if (!next(day)) return;
    }
    return;
  }

  // Everything else: ical.js's iterator on floating wall-clock time.
  let origin = start.local;
  const unit: Record<string, number> = { SECONDLY: 1000, MINUTELY: MINUTE, HOURLY: HOUR, DAILY: DAY, WEEKLY: 7 * DAY };
  const unitMs = unit[rule.recur.freq];
  if (canSkip && unitMs !== undefined && skipBefore > origin) {
    origin += Math.floor((skipBefore - origin) / (unitMs * interval)) * unitMs * interval;
  }
  // A floating UNTIL just past the window bounds ical.js's own searches (UNTIL proper is
  // compared in UTC by the caller).
  rule.recur.until = floatingTime(stopAfter, start.isDate);
  let iterator: InstanceType<typeof ICAL.RecurIterator>;
  try {
    iterator = rule.recur.iterator(floatingTime(origin, start.isDate));
  } catch {
    return; // a rule that can never produce an occurrence
  }
  // Count ical.js's internal candidate steps, on this iterator instance only.
  const guarded = iterator as unknown as { check_contracting_rules?: () => boolean };
  const check = guarded.check_contracting_rules?.bind(iterator);
  let steps = 0;
  if (check) {
    guarded.check_contracting_rules = () => {
      steps += 1;
      budget.steps -= 1;
      if (budget.steps < 0) throw new StepBudgetExceeded('file_steps');
      if (steps > MAX_ICAL_STEPS_PER_SERIES) throw new StepBudgetExceeded('series_steps');
      return check();
    };
  }
  while (step()) {
    let t: InstanceType<typeof ICAL.Time> | null;
    try {
      t = iterator.next();
    } catch (error) {
      // step budget exhausted (reported by the caller), or a rule ical.js cannot iterate
      if (error instanceof StepBudgetExceeded) outcome.stoppedBy = error.reason;
      return;
    }
    if (!t) return;
    const local = Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, t.second);
    produced += 1;
    if (!emit(local)) return;
    if (rule.count !== null && produced >= rule.count) return;
  }
}

class StepBudgetExceeded extends Error {
  constructor(readonly reason: 'file_steps' | 'series_steps') {
    super(reason);
  }
}

/** Why a rule stopped before its end, if it did: the caller reports it. */
export interface RuleOutcome {
  stoppedBy: null | 'iterations' | 'file_steps' | 'series_steps';
}

function floatingTime(local: number, isDate: boolean): InstanceType<typeof ICAL.Time> {
  const d = new Date(local);
  return ICAL.Time.fromData({
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: isDate ? 0 : d.getUTCHours(),
    minute: isDate ? 0 : d.getUTCMinutes(),
    second: isDate ? 0 : d.getUTCSeconds(),
    isDate,
  });
}
