/**
 * RRULE values (RFC 5545 §3.3.10) read into a typed {@link RecurrenceRule}. Liberal in what it
 * accepts — spaces around values (`BYDAY=MO, TU`, as Exchange CDO writes), lower case, a stray
 * `RRULE:` prefix, empty list items, unknown or repeated parts, values out of range — each
 * repair reported as a warning; a rule that cannot mean anything (no value, no FREQ,
 * INTERVAL=0, COUNT=0, UNTIL that is no date, a BY… part with no usable value) is a failure
 * value with a stable `recurrence.*` code, never a throw.
 */
import type { UnmeetError } from '../errors';
import { recurrenceErrors } from '../error-codes/recurrence';

export type Frequency = 'SECONDLY' | 'MINUTELY' | 'HOURLY' | 'DAILY' | 'WEEKLY' | 'MONTHLY' | 'YEARLY';

/** Frequencies from the finest up: a frequency is "finer" than another when its index is lower. */
export const FREQUENCIES: readonly Frequency[] = ['SECONDLY', 'MINUTELY', 'HOURLY', 'DAILY', 'WEEKLY', 'MONTHLY', 'YEARLY'];

/** A BYDAY entry: weekday (0 = Monday) and its ordinal within the month or year (0 = every). */
export interface WeekdayNum {
  weekday: number;
  ordinal: number;
}

/** UNTIL as written: wall-clock ms (as if UTC); `utc` when it ended in Z; `isDate` for a DATE. */
export interface RuleUntil {
  local: number;
  utc: boolean;
  isDate: boolean;
}

export interface RecurrenceRule {
  freq: Frequency;
  interval: number;
  count: number | null;
  until: RuleUntil | null;
  /** Week start, 0 = Monday (the default). */
  wkst: number;
  bysecond: number[] | null;
  byminute: number[] | null;
  byhour: number[] | null;
  byday: WeekdayNum[] | null;
  bymonthday: number[] | null;
  byyearday: number[] | null;
  byweekno: number[] | null;
  bymonth: number[] | null;
  bysetpos: number[] | null;
}

/** A repair made while reading the rule; the rule is still used. */
export interface RuleWarning {
  code: 'unknown_part' | 'duplicate_part' | 'value_dropped' | 'ordinal_ignored' | 'count_and_until';
  message: string;
}

export type RuleParse = { ok: true; rule: RecurrenceRule; warnings: RuleWarning[] } | { ok: false; error: UnmeetError };

export const DAY_CODES = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'] as const;

type ListPart = 'BYSECOND' | 'BYMINUTE' | 'BYHOUR' | 'BYMONTHDAY' | 'BYYEARDAY' | 'BYWEEKNO' | 'BYMONTH' | 'BYSETPOS';

/** Allowed values of the numeric BY… parts: [min, max, negatives allowed]. */
const RANGES: Record<ListPart, [number, number, boolean]> = {
  BYSECOND: [0, 59, false], // 60 (a leap second) has no instant in POSIX time: dropped with a warning
  BYMINUTE: [0, 59, false],
  BYHOUR: [0, 23, false],
  BYMONTHDAY: [1, 31, true],
  BYYEARDAY: [1, 366, true],
  BYWEEKNO: [1, 53, true],
  BYMONTH: [1, 12, false],
  BYSETPOS: [1, 366, true],
};

const INTEGER = /^[+-]?\d{1,9}$/;
const WEEKDAY_NUM = /^([+-]?\d{1,3})?\s*(MO|TU|WE|TH|FR|SA|SU)$/;
const DATE_VALUE = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})(Z?))?$/;

/** Read an RRULE value (the text after `RRULE:`). */
export function parseRRule(value: string): RuleParse {
  const warnings: RuleWarning[] = [];
  const fail = (factory: (message: string) => UnmeetError, message: string): RuleParse => ({ ok: false, error: factory(message) });
  const text = value.trim().replace(/^RRULE:/i, '');
  if (text.trim() === '') return fail(recurrenceErrors.empty_rule, 'RRULE has no value');

  const parts = new Map<string, string[]>();
  for (const piece of text.split(';')) {
    if (piece.trim() === '') continue;
    const eq = piece.indexOf('=');
    const name = (eq < 0 ? piece : piece.slice(0, eq)).trim().toUpperCase();
    const items = eq < 0 ? [] : piece.slice(eq + 1).split(',').map((s) => s.trim().toUpperCase()).filter((s) => s !== '');
    if (parts.has(name)) {
      warnings.push({ code: 'duplicate_part', message: `${name} appears twice; the first is used` });
      continue;
    }
    parts.set(name, items);
  }

  const freq = parts.get('FREQ')?.[0] as Frequency | undefined;
  if (!freq) return fail(recurrenceErrors.invalid_freq, 'RRULE has no FREQ');
  if (!FREQUENCIES.includes(freq)) return fail(recurrenceErrors.invalid_freq, `FREQ=${freq} is not a frequency RFC 5545 defines`);

  const single = (name: string): string | null => parts.get(name)?.join(',') ?? null;
  const intervalText = single('INTERVAL');
  const interval = intervalText === null ? 1 : INTEGER.test(intervalText) ? Number(intervalText) : NaN;
  if (!(interval >= 1)) return fail(recurrenceErrors.invalid_interval, `INTERVAL=${intervalText} must be a whole number of at least 1`);

  const countText = single('COUNT');
  const count = countText === null ? null : INTEGER.test(countText) ? Number(countText) : NaN;
  if (count !== null && !(count >= 1)) return fail(recurrenceErrors.invalid_count, `COUNT=${countText} must be a whole number of at least 1`);

  const untilText = single('UNTIL');
  let until: RuleUntil | null = null;
  if (untilText !== null) {
    until = readUntil(untilText);
    if (!until) return fail(recurrenceErrors.invalid_until, `UNTIL=${untilText} is not a DATE or DATE-TIME`);
    if (count !== null) warnings.push({ code: 'count_and_until', message: 'COUNT and UNTIL both given; the rule ends at whichever comes first' });
  }

  let wkst = 0;
  const wkstText = single('WKST');
  if (wkstText !== null) {
    const index = DAY_CODES.indexOf(wkstText as (typeof DAY_CODES)[number]);
    if (index >= 0) wkst = index;
    else warnings.push({ code: 'value_dropped', message: `WKST=${wkstText} is no weekday; weeks start on Monday` });
  }

  const rule: RecurrenceRule = {
    freq, interval, count, until, wkst,
    bysecond: null, byminute: null, byhour: null, byday: null, bymonthday: null, byyearday: null, byweekno: null, bymonth: null, bysetpos: null,
  };
  for (const name of Object.keys(RANGES) as ListPart[]) {
    const items = parts.get(name);
    if (!items) continue;
    const numbers = readNumbers(name, items, warnings);
    if (!numbers) return fail(recurrenceErrors.invalid_part, `${name}=${items.join(',')} has no usable value`);
    rule[name.toLowerCase() as Lowercase<ListPart>] = numbers;
  }
  const byday = parts.get('BYDAY');
  if (byday) {
    rule.byday = readWeekdays(byday, rule, warnings);
    if (!rule.byday) return fail(recurrenceErrors.invalid_part, `BYDAY=${byday.join(',')} has no usable value`);
  }
  for (const name of parts.keys()) {
    if (!KNOWN_PARTS.has(name)) warnings.push({ code: 'unknown_part', message: `${name} is not an RRULE part; ignored` });
  }
  return { ok: true, rule, warnings };
}

const KNOWN_PARTS = new Set(['FREQ', 'INTERVAL', 'COUNT', 'UNTIL', 'WKST', 'BYDAY', ...Object.keys(RANGES)]);

function readUntil(text: string): RuleUntil | null {
  const m = DATE_VALUE.exec(text);
  if (!m) return null;
  const [year, month, day, hour = 0, minute = 0, second = 0] = m.slice(1, 7).map((v) => (v === undefined ? undefined : Number(v))) as number[];
  if (month! < 1 || month! > 12 || day! < 1 || day! > 31 || hour > 23 || minute > 59 || second > 60) return null;
  return { local: Date.UTC(year!, month! - 1, day!, hour, minute, Math.min(second, 59)), utc: m[7] === 'Z', isDate: m[4] === undefined };
}

/** Distinct numbers in range, in order of appearance; null when none is usable. */
function readNumbers(name: ListPart, items: string[], warnings: RuleWarning[]): number[] | null {
  const [min, max, negatives] = RANGES[name];
  const out: number[] = [];
  for (const item of items) {
    const n = INTEGER.test(item) ? Number(item) : NaN;
    const size = Math.abs(n);
    if (!(size >= min && size <= max) || (n < 0 && !negatives) || (negatives && n === 0)) {
      warnings.push({ code: 'value_dropped', message: `${name} value "${item}" is out of range; dropped` });
      continue;
    }
    if (!out.includes(n)) out.push(n);
  }
  return out.length > 0 ? out : null;
}

/**
 * BYDAY entries. An ordinal means "nth in the month or year" only for MONTHLY and YEARLY rules
 * (and not with BYWEEKNO, RFC 5545 §3.3.10); elsewhere it is ignored, as python-dateutil does.
 * An ordinal past what a month holds (`BYMONTH=1;BYDAY=20TH`) is kept and simply never matches.
 */
function readWeekdays(items: string[], rule: RecurrenceRule, warnings: RuleWarning[]): WeekdayNum[] | null {
  const ordinalsAllowed = rule.freq === 'MONTHLY' || (rule.freq === 'YEARLY' && !rule.byweekno);
  const out: WeekdayNum[] = [];
  for (const item of items) {
    const m = WEEKDAY_NUM.exec(item);
    if (!m) {
      warnings.push({ code: 'value_dropped', message: `BYDAY value "${item}" is no weekday; dropped` });
      continue;
    }
    let ordinal = m[1] ? Number(m[1]) : 0;
    if (ordinal !== 0 && !ordinalsAllowed) {
      warnings.push({ code: 'ordinal_ignored', message: `BYDAY "${item}": an ordinal means nothing in a ${rule.freq} rule${rule.byweekno ? ' with BYWEEKNO' : ''}; every ${m[2]} is used` });
      ordinal = 0;
    } else if (Math.abs(ordinal) > 53) {
      warnings.push({ code: 'value_dropped', message: `BYDAY value "${item}" is out of range; dropped` });
      continue;
    }
    const weekday = DAY_CODES.indexOf(m[2] as (typeof DAY_CODES)[number]);
    if (!out.some((e) => e.weekday === weekday && e.ordinal === ordinal)) out.push({ weekday, ordinal });
  }
  return out.length > 0 ? out : null;
}
