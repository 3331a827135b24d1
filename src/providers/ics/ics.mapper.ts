/**
 * iCalendar (RFC 5545) text → domain `CalendarEvent`s. Pure: no I/O, no clock. The reader is
 * split by job: content lines and the component tree (ics.lines.ts, ics.property.ts), time zones
 * (ics.zones.ts, with names shared with the Microsoft mapper in ../time-zones/tzid.ts), date
 * values (ics.dates.ts), event facts (ics.facts.ts), recurrence (ics.recurrence.ts) and series
 * assembly (ics.series.ts, ics.expand.ts); this module ties them together.
 *
 * Liberal in what it accepts, precise in what it reports: whatever is sound is imported, and each
 * component or property skipped or repaired yields a warning with its line (codes and their
 * phrasing in English and Indonesian: src/domain/ics-warnings.ts). Only a text without a readable
 * calendar is refused.
 */
import type { IcsWarningCode } from '../../domain/ics-warnings';
import { phraseIcsWarning } from '../../domain/ics-warnings';
import type { CalendarEvent } from '../../domain/types';
import { ianaFromTzid } from '../time-zones/tzid';
import type { Warn } from './ics.errors';
import { readCalendars } from './ics.lines';
import { first, type RawComponent, textValue } from './ics.property';
import { MAX_STEPS_PER_FILE, MAX_INSTANCES_PER_FILE } from './ics.recurrence';
import { assembleCalendar } from './ics.series';
import { createZoneRegistry, ianaZone, UTC_ZONE } from './ics.zones';

export type { IcsWarningCode } from '../../domain/ics-warnings';
export { ianaFromTzid } from '../time-zones/tzid';
export { readContentLineForTest } from './ics.property';
export {
  MAX_STEPS_PER_FILE,
  MAX_STEPS_PER_SERIES,
  MAX_INSTANCES_PER_FILE,
  MAX_INSTANCES_PER_SERIES,
  MAX_RULE_ITERATIONS,
} from './ics.recurrence';

export interface IcsWindow {
  /** Inclusive start, UTC epoch ms. */
  start: number;
  /** Exclusive end, UTC epoch ms. */
  end: number;
}

export interface ParseIcsOptions {
  /**
   * Zone for floating times and all-day dates when the file declares no X-WR-TIMEZONE (Outlook
   * exports never do), and for TZIDs nobody defines: pass the calendar owner's zone. Default UTC.
   */
  defaultTimeZone?: string;
}

export interface ParsedIcs {
  /** X-WR-CALNAME, if any. */
  name: string | null;
  /** The calendar's own zone (X-WR-TIMEZONE) as an IANA name, if it names one. */
  timeZone: string | null;
  /** Events and recurring instances overlapping the window, sorted by start. */
  events: CalendarEvent[];
  /** What was left out or repaired, in file order; at most {@link MAX_WARNINGS}. */
  warnings: IcsWarning[];
  /** How many warnings of each code there were, including those past {@link MAX_WARNINGS}. */
  warningCounts: Partial<Record<IcsWarningCode, number>>;
}

/** One problem: facts to store (`code`, `line`, `uid`, `detail`) and the English sentence. */
export interface IcsWarning {
  code: IcsWarningCode;
  /** The line of the VEVENT (BEGIN:VEVENT) or of the property concerned. */
  line: number;
  uid: string | null;
  /**
   * The fact the sentence needs (a value, a zone, a number; '' when none): see `phraseIcsWarning`.
   * Always set by `parseIcs`; optional so that warnings rebuilt from older stored lists fit.
   */
  detail?: string;
  /** `phraseIcsWarning` in English, e.g. 'line 120: RRULE has no value'. */
  message: string;
}

/** At most this many warnings are listed (all are counted in `warningCounts`). */
export const MAX_WARNINGS = 100;

/**
 * Parse an iCalendar file and return the events overlapping `window` (UTC ms, `[start, end)`),
 * with recurring series expanded into instances and no end past the window's, and what was
 * skipped or repaired. Descriptions
 * are reduced to facts and dropped.
 *
 * @throws UnmeetError `ics.parse_error` (details `{ line }`) when the text holds no calendar.
 */
export function parseIcs(text: string, window: IcsWindow, options: ParseIcsOptions = {}): ParsedIcs {
  const warnings: IcsWarning[] = [];
  const warningCounts: Partial<Record<IcsWarningCode, number>> = {};
  const warn: Warn = (code, line, uid, detail) => {
    warningCounts[code] = (warningCounts[code] ?? 0) + 1;
    if (warnings.length < MAX_WARNINGS) warnings.push({ code, line, uid, detail, message: phraseIcsWarning({ code, line, uid, detail }) });
  };
  const calendars = readCalendars(text, warn);
  const zones = createZoneRegistry(timezoneDefinitions(calendars), warn);
  const fallbackIana = options.defaultTimeZone ? ianaFromTzid(options.defaultTimeZone) : null;
  const fallback = fallbackIana && fallbackIana !== 'UTC' ? ianaZone(fallbackIana) : UTC_ZONE;
  const budget = { steps: MAX_STEPS_PER_FILE, instances: MAX_INSTANCES_PER_FILE };
  const events: CalendarEvent[] = [];

  for (const calendar of calendars) {
    const wrZone = textValue(first(calendar, 'X-WR-TIMEZONE'))?.trim() || null;
    // An unknown calendar-level zone only affects floating times: the member's zone serves.
    const floating = (wrZone && zones.lookup(wrZone)) || fallback;
    assembleCalendar(calendar, { zones, floating, warn, window, budget }, events);
  }

  // What is stored describes the window and nothing past it: an event running past its end (a
  // long DURATION, a multi-day block, an RDATE period) ends there. Only an end no Date can hold
  // is worth a warning (`end_clamped`, at reading); the rest is the window's edge.
  for (const event of events) if (event.end > window.end) event.end = Math.max(event.start, window.end);
  const head = calendars[0] as RawComponent;
  const wrZone = textValue(first(head, 'X-WR-TIMEZONE'))?.trim() || null;
  sortEvents(events);
  return { name: textValue(first(head, 'X-WR-CALNAME')), timeZone: wrZone ? ianaFromTzid(wrZone) : null, events, warnings, warningCounts };
}

const byStartThenId = (a: CalendarEvent, b: CalendarEvent): number =>
  a.start - b.start || (a.externalId < b.externalId ? -1 : a.externalId > b.externalId ? 1 : 0);
const byId = (a: CalendarEvent, b: CalendarEvent): number => (a.externalId < b.externalId ? -1 : a.externalId > b.externalId ? 1 : 0);

/**
 * Sort in place by start, then external id, stably: the order `byStartThenId` gives. Calling a
 * comparator for every comparison cost a tenth of the parse, so starts are sorted as numbers
 * instead — `(start - min) * n + index`, exact while it stays a safe integer — and only events
 * sharing a start are then ordered by id (a stable sort of each such run). Other files (starts
 * too far apart, or not integers) take the comparator sort.
 */
function sortEvents(events: CalendarEvent[]): void {
  const n = events.length;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    const start = (events[i] as CalendarEvent).start;
    if (!Number.isInteger(start)) return void events.sort(byStartThenId);
    if (start < min) min = start;
    if (start > max) max = start;
  }
  if (n < 2) return;
  if (!((max - min + 1) * n <= Number.MAX_SAFE_INTEGER)) return void events.sort(byStartThenId);
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i++) keys[i] = ((events[i] as CalendarEvent).start - min) * n + i;
  keys.sort();
  const unsorted = events.slice();
  for (let i = 0; i < n; i++) events[i] = unsorted[(keys[i] as number) % n] as CalendarEvent;
  for (let i = 0; i < n; ) {
    const start = (events[i] as CalendarEvent).start;
    let j = i + 1;
    while (j < n && (events[j] as CalendarEvent).start === start) j++;
    if (j - i > 1) sortRun(events, i, j);
    i = j;
  }
}

/** Sort `events[from, to)` by id, stably: insertion for the usual few, the built-in stable sort for more. */
function sortRun(events: CalendarEvent[], from: number, to: number): void {
  if (to - from > 8) {
    const run = events.slice(from, to).sort(byId);
    for (let k = from; k < to; k++) events[k] = run[k - from] as CalendarEvent;
    return;
  }
  for (let k = from + 1; k < to; k++) {
    const event = events[k] as CalendarEvent;
    let m = k - 1;
    while (m >= from && byId(events[m] as CalendarEvent, event) > 0) {
      events[m + 1] = events[m] as CalendarEvent;
      m--;
    }
    events[m + 1] = event;
  }
}

/** VTIMEZONE definitions from every calendar in the file, by TZID (the first definition wins). */
function timezoneDefinitions(calendars: readonly RawComponent[]): Map<string, RawComponent> {
  const definitions = new Map<string, RawComponent>();
  for (const calendar of calendars) {
    for (const child of calendar.children) {
      if (child.name !== 'VTIMEZONE') continue;
      const tzid = textValue(first(child, 'TZID'))?.trim();
      if (tzid && !definitions.has(tzid)) definitions.set(tzid, child);
    }
  }
  return definitions;
}
