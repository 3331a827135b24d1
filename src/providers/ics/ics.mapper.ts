/**
 * iCalendar (RFC 5545) text → domain `CalendarEvent`s. Pure: no I/O, no clock. ical.js's global
 * TimezoneService is deliberately not used (each parse keeps its own registry of the file's
 * VTIMEZONE blocks); the only module state is two bounded memos of pure zone lookups.
 *
 * Content lines are read here, in place and without intermediate arrays, by a small RFC 5545
 * reader for the plain shapes exporters write (parameters, quoting, RFC 6868 and TEXT escapes);
 * it reads exactly what ical.js's `parse.property` would (see the equivalence test) and hands
 * everything else — RRULE, RDATE, unusual value types or parameters, malformed lines, all of
 * VTIMEZONE — to ical.js, so errors are ical.js's as before. ical.js also evaluates the fallback
 * time-zone definitions (`ICAL.Timezone`). Lines are tracked here so that every error names the
 * line it comes from. Recurrence rules are expanded by ics.recurrence.ts.
 *
 * Past the size guideline on purpose, for now: splitting it into the content-line reader, zone
 * resolution, event facts and series assembly is the work of the calendar-feeds issue.
 */
import ICAL from 'ical.js';
import { IANAZone } from 'luxon';
import { findIana } from 'windows-iana';
import { describeText, hasConferencingLink } from '../../domain/event-facts';
import type { Attendee, CalendarEvent, DescriptionFacts, EventStatus, ResponseStatus } from '../../domain/types';
import { parseError, unknownZone } from './ics.errors';
import {
  type FileBudget,
  iterateRule,
  MAX_ICAL_STEPS_PER_FILE,
  MAX_ICAL_STEPS_PER_SERIES,
  MAX_INSTANCES_PER_FILE,
  MAX_INSTANCES_PER_SERIES,
  MAX_RULE_ITERATIONS,
  readRule,
  type RuleOutcome,
} from './ics.recurrence';

export { MAX_ICAL_STEPS_PER_FILE, MAX_ICAL_STEPS_PER_SERIES, MAX_INSTANCES_PER_FILE, MAX_INSTANCES_PER_SERIES, MAX_RULE_ITERATIONS };

export interface IcsWindow {
  /** Inclusive start, UTC epoch ms. */
  start: number;
  /** Exclusive end, UTC epoch ms. */
  end: number;
}

export interface ParseIcsOptions {
  /**
   * Zone for floating times and all-day dates when the file declares no X-WR-TIMEZONE (Outlook
   * exports never do): pass the calendar owner's zone. Default UTC.
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
  /** What was left out or kept despite a problem, in file order; at most {@link MAX_WARNINGS}. */
  warnings: IcsWarning[];
  /** How many warnings of each code there were, including those past {@link MAX_WARNINGS}. */
  warningCounts: Partial<Record<IcsWarningCode, number>>;
}

/**
 * - `instance_cap`: a whole series (or event) dropped because the file reached {@link MAX_INSTANCES_PER_FILE};
 * - `step_budget`: a series whose rule ran out of ical.js steps (its own or the file's); it has fewer or no instances;
 * - `series_cap`: a series cut at {@link MAX_INSTANCES_PER_SERIES} instances or {@link MAX_RULE_ITERATIONS} occurrences;
 * - `duplicate_uid`: a second VEVENT with the same UID and SEQUENCE and no RECURRENCE-ID, kept as its own event;
 * - `superseded`: a VEVENT with the same UID but a lower SEQUENCE than another, dropped (an older version of it);
 * - `out_of_range`: an event whose end lies past the JavaScript Date range (e.g. `DURATION:P999999999999999999W`), refused.
 */
export type IcsWarningCode = 'instance_cap' | 'step_budget' | 'series_cap' | 'duplicate_uid' | 'superseded' | 'out_of_range';

export interface IcsWarning {
  code: IcsWarningCode;
  /** The line of the VEVENT (BEGIN:VEVENT) or of the property concerned. */
  line: number;
  uid: string | null;
  /** English sentence naming the line, e.g. 'line 120: series "x" dropped: …'. */
  message: string;
}

/** At most this many warnings are listed (all are counted in `warningCounts`). */
export const MAX_WARNINGS = 100;
/** The largest time a JavaScript Date can hold (ECMA-262 §21.4.1.1), ms either side of 1970. */
const MAX_DATE_MS = 8.64e15;

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const OFFSET_BUCKET = 6 * HOUR;

// ---------------------------------------------------------------------------------------------
// Content lines and components

type JCalProp = [string, Record<string, unknown>, string, ...unknown[]];

/** The parameters this mapper reads (lower-case, as ical.js names them). */
type ParamName = 'tzid' | 'role' | 'cutype' | 'partstat' | 'cn';

/** Values of the parameters in {@link ParamName}, as ical.js reads them (RFC 6868 unescaped). */
interface Params {
  tzid: string | null;
  role: string | null;
  cutype: string | null;
  partstat: string | null;
  cn: string | null;
}

interface RawProp {
  /** Upper-case property name. */
  name: string;
  /** The raw (unparsed) value text after the first unquoted colon. */
  raw: string;
  line: number;
  /**
   * ical.js jCal form ([name, params, type, ...values]) when the line went through ical.js;
   * null when the content-line reader below parsed it (then `type`, `multi` and `params` hold it).
   */
  jcal: JCalProp | null;
  /** ical.js value type (the property's default type, or VALUE=). */
  type: string;
  /** Multi-valued property (EXDATE): the jCal value is the first comma-separated item. */
  multi: boolean;
  /** Parameters read by the fast reader; null when there were none (or `jcal` holds them). */
  params: Params | null;
}

interface RawComponent {
  name: string;
  line: number;
  /** The properties this mapper reads, in file order; ATTENDEE and ORGANIZER lines are read into the next two. */
  props: RawProp[];
  /** The ATTENDEE lines, read (null for an empty address), in file order. */
  attendees: Array<Attendee | null>;
  /** The address of the first ORGANIZER line ('' when it names none). */
  organizer: string | undefined;
  /** jCal properties in order; kept only inside VTIMEZONE, for ICAL.Timezone. */
  jcalProps: JCalProp[] | null;
  children: RawComponent[];
}

const EVENT_PROPS = new Set([
  'UID',
  'SUMMARY',
  'DTSTART',
  'DTEND',
  'DURATION',
  'RRULE',
  'RDATE',
  'EXDATE',
  'RECURRENCE-ID',
  'STATUS',
  'TRANSP',
  'SEQUENCE',
  'ORGANIZER',
  'ATTENDEE',
  'DESCRIPTION',
  'X-ALT-DESC',
  'LOCATION',
  'URL',
  'X-GOOGLE-CONFERENCE',
  'X-MICROSOFT-SKYPETEAMSMEETINGURL',
  'X-MICROSOFT-CDO-BUSYSTATUS',
  'X-UNMEET-OWNED',
]);
const CALENDAR_PROPS = new Set(['X-WR-CALNAME', 'X-WR-TIMEZONE']);
const ICAL_DESIGN = ICAL.design.icalendar;

/**
 * Value types whose ical.js parsing cannot fail and is reproduced by {@link fastText}. Lines
 * of other types (RRULE's recur, RDATE's period detection, VALUE=PERIOD, ...) go to ical.js.
 */
const FAST_TYPES = new Set(['text', 'unknown', 'cal-address', 'uri', 'integer', 'duration', 'date', 'date-time']);

interface PropShape {
  defaultType: string;
  multi: boolean;
}

/**
 * How ical.js reads each wanted property, taken from its design set: null for properties the
 * fast reader leaves to ical.js (structured values, type detection, types outside FAST_TYPES).
 */
const FAST_PROPS = new Map<string, PropShape | null>();
for (const name of [...EVENT_PROPS, ...CALENDAR_PROPS]) {
  const design = (ICAL_DESIGN.property as Record<string, Record<string, unknown> | undefined>)[name.toLowerCase()];
  const defaultType = design ? String(design.defaultType) : 'unknown';
  const simple = !design || (!('detectType' in design) && !design.structuredValue);
  const multi = design?.multiValue;
  const ok = simple && FAST_TYPES.has(defaultType) && (multi === undefined || multi === false || multi === ',');
  FAST_PROPS.set(name, ok ? { defaultType, multi: multi === ',' } : null);
}

/** Parameters ical.js splits into lists or parses as other than plain text: left to ical.js. */
const SPECIAL_PARAMS = new Set(
  Object.entries(ICAL_DESIGN.param as Record<string, Record<string, unknown>>)
    .filter(([, d]) => d.multiValue || (d.valueType !== undefined && d.valueType !== 'text' && d.valueType !== 'cal-address'))
    .map(([name]) => name),
);

const isNameChar = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 45;

/** RFC 6868 parameter-value escapes, as ical.js undoes them. */
const rfc6868 = (value: string): string =>
  value.indexOf('^') === -1 ? value : value.replace(/\^['n^]/g, (x) => (x === "^'" ? '"' : x === '^n' ? '\n' : '^'));

/**
 * Read the content line `src[start, end)` (property name `name`, `nameEnd` its end) the way
 * ical.js's `parse.property` would, without it: `NAME(;PARAM=value|;PARAM="value")*:VALUE`.
 * Returns null — and the caller asks ical.js — for anything outside the plain shape whose
 * reading is pinned by the equivalence test: unusual value types, list-valued parameters,
 * backslashes or stray quotes in parameter values, malformed parameters (ical.js then
 * reports the error).
 */
function fastProperty(src: string, start: number, end: number, nameEnd: number, name: string, line: number): RawProp | null {
  const shape = FAST_PROPS.get(name);
  if (!shape) return null;
  let params: Params | null = null;
  let valueType: string | null = null;
  let i = nameEnd;
  while (i < end && src.charCodeAt(i) === 59 /* ; */) {
    const nameStart = ++i;
    while (i < end && isNameChar(src.charCodeAt(i))) i++;
    if (i === nameStart || i >= end || src.charCodeAt(i) !== 61 /* = */) return null;
    const paramName = knownParam(src, nameStart, i);
    if (paramName !== null && SPECIAL_PARAMS.has(paramName)) return null;
    i++;
    let valueStart: number;
    let valueEnd: number;
    if (src.charCodeAt(i) === 34 /* " */) {
      valueStart = ++i;
      for (; i < end; i++) {
        const c = src.charCodeAt(i);
        if (c === 34 /* " */) break;
        if (c === 92 /* \ */) return null;
      }
      if (i >= end) return null;
      valueEnd = i++;
      const after = src.charCodeAt(i);
      if (i >= end || (after !== 59 && after !== 58)) return null;
    } else {
      valueStart = i;
      for (; i < end; i++) {
        const c = src.charCodeAt(i);
        if (c === 59 /* ; */ || c === 58 /* : */) break;
        if (c === 34 /* " */ || c === 92 /* \ */) return null;
      }
      if (i >= end) return null;
      valueEnd = i;
    }
    switch (paramName) {
      case 'tzid':
      case 'role':
      case 'cutype':
      case 'partstat':
      case 'cn':
        params ??= { tzid: null, role: null, cutype: null, partstat: null, cn: null };
        params[paramName] = rfc6868(src.slice(valueStart, valueEnd));
        break;
      case 'value':
        valueType = rfc6868(src.slice(valueStart, valueEnd)).toLowerCase();
        break;
      default:
      // Other parameters are not read.
    }
  }
  if (i >= end || src.charCodeAt(i) !== 58 /* : */) return null;
  const type = valueType ?? shape.defaultType;
  if (valueType !== null && !FAST_TYPES.has(type)) return null;
  return { name, raw: src.slice(i + 1, end), line, jcal: null, type, multi: shape.multi, params };
}

/** The value of a fast-read property as ical.js's jCal holds it, as a string (see {@link textValue}). */
function fastText(prop: RawProp): string {
  let value = prop.raw;
  if (prop.multi) {
    const comma = unescapedIndexOf(value, ',');
    if (comma !== -1) value = value.slice(0, comma);
  }
  switch (prop.type) {
    case 'text':
      return value.indexOf('\\') === -1 ? value : value.replace(/\\\\|\\;|\\,|\\[Nn]/g, unescapeOne);
    case 'unknown':
      return value.indexOf('\\') === -1 ? value : value.replace(/\\([\\;,nN])/g, (_, c: string) => (c === 'n' || c === 'N' ? '\n' : c));
    case 'integer': {
      const n = parseInt(value); // no radix, as ical.js reads integers ("0x1A" is 26)
      return String(Number.isNaN(n) ? 0 : n);
    }
    case 'date':
      return !ICAL.design.strict && value.length >= 15 ? icalDateTime(value) : icalDate(value);
    case 'date-time':
      return !ICAL.design.strict && value.length === 8 ? icalDate(value) : icalDateTime(value);
    default:
      return value;
  }
}

const unescapeOne = (s: string): string => (s === '\\\\' ? '\\' : s === '\\;' ? ';' : s === '\\,' ? ',' : '\n');
const icalDate = (v: string): string => `${v.slice(0, 4)}-${v.slice(4, 6)}-${v.slice(6, 8)}`;
const icalDateTime = (v: string): string =>
  `${v.slice(0, 4)}-${v.slice(4, 6)}-${v.slice(6, 8)}T${v.slice(9, 11)}:${v.slice(11, 13)}:${v.slice(13, 15)}${v[15] === 'Z' ? 'Z' : ''}`;

/** Index of `search` in `text` not preceded by a backslash (ical.js's multi-value split). */
function unescapedIndexOf(text: string, search: string): number {
  let pos = 0;
  while ((pos = text.indexOf(search, pos)) !== -1) {
    if (pos > 0 && text[pos - 1] === '\\') pos += 1;
    else return pos;
  }
  return -1;
}

/** A property line parsed by ical.js (inside VTIMEZONE, and whatever the fast reader declines). */
function icalProperty(line: string, name: string, raw: string, lineNo: number): RawProp {
  let jcal: JCalProp;
  try {
    jcal = ICAL.parse.property(line, ICAL_DESIGN) as JCalProp;
  } catch (error) {
    throw parseError(lineNo, `cannot parse ${name}: ${(error as Error).message}`);
  }
  return { name, raw, line: lineNo, jcal, type: jcal[2], multi: false, params: null };
}

/** Parameters the fast reader reads or must leave to ical.js (lower case), by length and first character. */
const PARAM_NAMES = new Map<number, string[]>();
for (const name of ['tzid', 'role', 'cutype', 'partstat', 'cn', 'value', ...SPECIAL_PARAMS]) {
  const key = name.length * 128 + name.charCodeAt(0);
  PARAM_NAMES.set(key, [...(PARAM_NAMES.get(key) ?? []), name]);
}

/** Which of those parameters `src[start, end)` spells, ASCII case-insensitively, without slicing. */
function knownParam(src: string, start: number, end: number): string | null {
  const c = src.charCodeAt(start) | 32;
  if (c > 127) return null;
  const candidates = PARAM_NAMES.get((end - start) * 128 + c);
  if (!candidates) return null;
  for (const candidate of candidates) {
    let i = 1;
    while (i < candidate.length && (src.charCodeAt(start + i) | 32) === candidate.charCodeAt(i)) i++;
    if (i === candidate.length) return candidate;
  }
  return null;
}

/** A property name this reader meets often, spelled as exporters spell it (upper case). */
interface KnownName {
  name: string;
  /** Its last character's code. */
  last: number;
  /** Read inside VEVENT / VCALENDAR. */
  inEvent: boolean;
  inCalendar: boolean;
}

/** The known names by their first character's code. */
const KNOWN_NAMES: Array<KnownName[] | undefined> = [];
for (const name of [...EVENT_PROPS, ...CALENDAR_PROPS, 'BEGIN', 'END', 'DTSTAMP', 'VERSION', 'PRODID', 'CREATED', 'LAST-MODIFIED', 'CLASS']) {
  (KNOWN_NAMES[name.charCodeAt(0)] ??= []).push({
    name,
    last: name.charCodeAt(name.length - 1),
    inEvent: EVENT_PROPS.has(name),
    inCalendar: CALENDAR_PROPS.has(name),
  });
}

/**
 * The known name the content line `src[start, end)` starts with, when a parameter or the value
 * follows it: a direct comparison, without scanning the name character by character.
 */
function knownNameAt(src: string, start: number, end: number): KnownName | null {
  const candidates = KNOWN_NAMES[src.charCodeAt(start)];
  if (candidates === undefined) return null;
  for (let k = 0; k < candidates.length; k++) {
    const known = candidates[k] as KnownName;
    const at = start + known.name.length;
    if (at >= end) continue;
    const c = src.charCodeAt(at);
    if ((c === 58 /* : */ || c === 59) /* ; */ && src.charCodeAt(at - 1) === known.last && src.startsWith(known.name, start)) return known;
  }
  return null;
}

/**
 * Split the text into unfolded content lines, build the component tree, and parse the
 * properties this mapper reads (the plain shapes by {@link fastProperty}, the rest and all of
 * VTIMEZONE by ical.js). Structural errors name their line.
 */
function readCalendars(text: string): RawComponent[] {
  const calendars: RawComponent[] = [];
  const stack: RawComponent[] = [];
  let timezoneDepth = 0;
  let sawAnything = false;
  const attendeeLines = new Map<string, Attendee | null>();
  const organizerLines = new Map<string, string>();

  /** One logical line: `src[start, end)`, starting at physical line `lineNo`. */
  const handle = (src: string, start: number, end: number, lineNo: number): void => {
    const known = knownNameAt(src, start, end);
    let name: string;
    let nameEnd: number;
    if (known !== null) {
      name = known.name;
      nameEnd = start + name.length;
    } else {
      nameEnd = start;
      for (; nameEnd < end; nameEnd++) {
        const c = src.charCodeAt(nameEnd);
        if (c === 58 /* : */ || c === 59 /* ; */) break;
        if (!isNameChar(c)) {
          nameEnd = end;
          break;
        }
      }
      if (nameEnd === start || nameEnd >= end) {
        throw parseError(lineNo, `malformed content line (expected NAME[;PARAMS]:VALUE): "${clip(src.slice(start, end))}"`);
      }
      name = src.slice(start, nameEnd).toUpperCase();
    }
    const top = stack[stack.length - 1];

    // People meet the same people again and again: an ATTENDEE or ORGANIZER line is read once
    // per file (a line read before is known to be well formed).
    let personKey: string | null = null;
    if ((name === 'ATTENDEE' || name === 'ORGANIZER') && timezoneDepth === 0 && top?.name === 'VEVENT') {
      personKey = src.slice(nameEnd, end);
      if (name === 'ATTENDEE') {
        const read = attendeeLines.get(personKey);
        if (read !== undefined) {
          top.attendees.push(read);
          return;
        }
      } else {
        const read = organizerLines.get(personKey);
        if (read !== undefined) {
          top.organizer ??= read;
          return;
        }
      }
    }

    let valueStart: number;
    if (src.charCodeAt(nameEnd) === 58 /* : */) {
      valueStart = nameEnd + 1;
    } else {
      valueStart = findValueStart(src, nameEnd, end);
      if (valueStart < 0) throw parseError(lineNo, `property ${name} has no value (missing ":")`);
    }

    if (name === 'BEGIN' || name === 'END') {
      const compName =
        end - valueStart === 6 && src.startsWith('VEVENT', valueStart) ? 'VEVENT' : src.slice(valueStart, end).trim().toUpperCase();
      if (compName !== 'VEVENT' && !/^[A-Z0-9-]+$/.test(compName)) throw parseError(lineNo, `invalid component name "${clip(compName)}"`);
      if (name === 'BEGIN') {
        if (!top && compName !== 'VCALENDAR') {
          throw parseError(lineNo, sawAnything ? `BEGIN:${compName} outside of a VCALENDAR` : 'expected BEGIN:VCALENDAR');
        }
        const inTimezone = timezoneDepth > 0 || compName === 'VTIMEZONE';
        const comp: RawComponent = {
          name: compName,
          line: lineNo,
          props: [],
          attendees: [],
          organizer: undefined,
          jcalProps: inTimezone ? [] : null,
          children: [],
        };
        if (top) top.children.push(comp);
        else calendars.push(comp);
        stack.push(comp);
        if (inTimezone) timezoneDepth += 1;
      } else {
        if (!top) throw parseError(lineNo, `END:${compName} without a matching BEGIN`);
        if (top.name !== compName) {
          throw parseError(lineNo, `END:${compName} does not close BEGIN:${top.name} (line ${top.line})`);
        }
        stack.pop();
        if (timezoneDepth > 0) timezoneDepth -= 1;
      }
      sawAnything = true;
      return;
    }

    if (!top) throw parseError(lineNo, sawAnything ? `property ${name} outside of a VCALENDAR` : 'expected BEGIN:VCALENDAR');
    const wanted =
      timezoneDepth > 0 ||
      (top.name === 'VEVENT' && (known ? known.inEvent : EVENT_PROPS.has(name))) ||
      (top.name === 'VCALENDAR' && (known ? known.inCalendar : CALENDAR_PROPS.has(name)));
    if (!wanted) return;

    const prop =
      (timezoneDepth === 0 ? fastProperty(src, start, end, nameEnd, name, lineNo) : null) ??
      icalProperty(src.slice(start, end), name, src.slice(valueStart, end), lineNo);
    if (personKey !== null) {
      if (name === 'ATTENDEE') {
        const attendee = readAttendee(prop);
        attendeeLines.set(personKey, attendee);
        top.attendees.push(attendee);
      } else {
        const organizer = address(textValue(prop));
        organizerLines.set(personKey, organizer);
        top.organizer ??= organizer;
      }
      return;
    }
    top.props.push(prop);
    if (top.jcalProps && prop.jcal) top.jcalProps.push(prop.jcal);
  };

  // Unfold (RFC 5545 §3.1) while remembering where each logical line starts. Physical lines end
  // at CRLF, LF or a lone CR. Lone CRs are rare, so a text with any is first rewritten to LFs
  // (one break stays one break: line numbers do not move) and lines are then found by LF alone.
  // A logical line is read in place from `text` unless it is folded.
  if (/\r(?!\n)/.test(text)) text = text.replace(/\r\n?/g, '\n');
  const length = text.length;
  let pos = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let lineNo = 0;
  let currentStart = -1; // start in `text` of the pending unfolded line, -1 when none
  let currentEnd = 0;
  let folded: string | null = null; // the pending line, once a continuation was appended
  let currentLine = 0;
  const flush = (): void => {
    if (folded !== null) handle(folded, 0, folded.length, currentLine);
    else if (currentStart >= 0) handle(text, currentStart, currentEnd, currentLine);
    folded = null;
    currentStart = -1;
  };
  for (;;) {
    lineNo += 1;
    let next = text.indexOf('\n', pos);
    if (next === -1) next = length;
    const end = next > pos && text.charCodeAt(next - 1) === 13 ? next - 1 : next;
    const firstChar = pos < end ? text.charCodeAt(pos) : -1;
    if (firstChar === 32 || firstChar === 9) {
      if (currentStart < 0 && folded === null) {
        if (text.slice(pos, end).trim() !== '') throw parseError(lineNo, 'continuation line without a preceding property');
      } else {
        folded = (folded ?? text.slice(currentStart, currentEnd)) + text.slice(pos + 1, end);
      }
    } else {
      flush();
      if (end > pos) {
        currentStart = pos;
        currentEnd = end;
        currentLine = lineNo;
      }
    }
    if (next >= length) break;
    pos = next + 1;
  }
  flush();

  const open = stack[stack.length - 1];
  if (open) throw parseError(open.line, `BEGIN:${open.name} is never closed`);
  if (calendars.length === 0) throw parseError(1, 'expected BEGIN:VCALENDAR');
  return calendars;
}

/** Index of the first character of the value: after the first colon not inside a quoted parameter. */
function findValueStart(line: string, from: number, end: number): number {
  let quoted = false;
  for (let i = from; i < end; i++) {
    const c = line.charCodeAt(i);
    if (c === 34 /* " */) quoted = !quoted;
    else if (c === 58 /* : */ && !quoted) return i + 1;
  }
  return -1;
}

function clip(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function first(comp: RawComponent, name: string): RawProp | undefined {
  const props = comp.props;
  for (let i = 0; i < props.length; i++) if ((props[i] as RawProp).name === name) return props[i];
  return undefined;
}

const NONE: readonly RawProp[] = Object.freeze([]);

function all(comp: RawComponent, name: string): readonly RawProp[] {
  let found: RawProp[] | null = null;
  for (const prop of comp.props) if (prop.name === name) (found ??= []).push(prop);
  return found ?? NONE;
}

function textValue(prop: RawProp | undefined): string | null {
  if (!prop) return null;
  if (!prop.jcal) return fastText(prop);
  const value = prop.jcal[3];
  if (value == null) return null;
  const text = Array.isArray(value) ? value.join(',') : String(value);
  // ical.js leaves values of unknown (X-) properties escaped; they are TEXT in practice.
  return prop.jcal[2] === 'unknown' ? text.replace(/\\([\\;,nN])/g, (_, c: string) => (c === 'n' || c === 'N' ? '\n' : c)) : text;
}

function param(prop: RawProp, name: ParamName): string | null {
  if (!prop.jcal) return prop.params ? prop.params[name] : null;
  const value = prop.jcal[1][name];
  if (value == null) return null;
  return Array.isArray(value) ? String(value[0] ?? '') : String(value);
}

/**
 * A content line read as the mapper reads it: by the fast reader (`fast: true`, null when it
 * leaves the line to ical.js) or by ical.js. Exported for the equivalence test only.
 * @internal
 */
export function readContentLineForTest(
  line: string,
  fast: boolean,
): { raw: string; text: string | null; params: Record<ParamName, string | null> } | null {
  let nameEnd = 0;
  while (nameEnd < line.length && isNameChar(line.charCodeAt(nameEnd))) nameEnd++;
  const name = line.slice(0, nameEnd).toUpperCase();
  const valueStart = findValueStart(line, nameEnd, line.length);
  const prop = fast ? fastProperty(line, 0, line.length, nameEnd, name, 1) : icalProperty(line, name, line.slice(valueStart), 1);
  if (!prop) return null;
  const params = { tzid: null, role: null, cutype: null, partstat: null, cn: null } as Record<ParamName, string | null>;
  for (const key of Object.keys(params) as ParamName[]) params[key] = param(prop, key);
  return { raw: prop.raw, text: textValue(prop), params };
}

// ---------------------------------------------------------------------------------------------
// Time zones

/** Converts local wall-clock time (expressed as if it were UTC, in ms) to a UTC instant. */
interface Zone {
  /** IANA name, when the zone has one. */
  iana: string | null;
  toUtc(localMs: number): number;
}

const UTC_ZONE: Zone = { iana: 'UTC', toUtc: (localMs) => localMs };

/**
 * Memo of IANA zone offsets (minutes) per 6-hour UTC bucket, shared by all parses: asking Intl
 * is the expensive part of parsing, and the answers never change within a process. A bucket is
 * stored only when the offset is the same at both its ends (no zone changes offset twice within
 * six hours), so the memo is exact. Bounded: a zone's memo is dropped when it grows too large.
 */
const OFFSET_MEMO = new Map<string, Map<number, number>>();
const OFFSET_MEMO_LIMIT = 200_000;

/**
 * An IANA zone. Local→UTC follows RFC 5545 §3.3.5: an ambiguous local time means its first
 * occurrence, a skipped one is read with the offset before the gap.
 */
function ianaZone(name: string): Zone {
  const zone = IANAZone.create(name);
  let memo = OFFSET_MEMO.get(name);
  if (!memo) OFFSET_MEMO.set(name, (memo = new Map()));
  const offsetAt = (utc: number): number => {
    const bucket = Math.floor(utc / OFFSET_BUCKET);
    const hit = memo.get(bucket);
    if (hit !== undefined) return hit;
    const bucketStart = bucket * OFFSET_BUCKET;
    const a = zone.offset(bucketStart);
    const b = zone.offset(bucketStart + OFFSET_BUCKET - 1);
    if (a !== b) return zone.offset(utc);
    if (memo.size >= OFFSET_MEMO_LIMIT) memo.clear();
    memo.set(bucket, a);
    return a;
  };
  return {
    iana: name,
    toUtc(localMs) {
      const before = offsetAt(localMs - DAY);
      const after = offsetAt(localMs + DAY);
      if (before === after) return localMs - before * MINUTE;
      // A transition is near: try both offsets, earliest valid first (the first occurrence).
      const high = Math.max(before, after);
      const low = Math.min(before, after);
      const withHigh = localMs - high * MINUTE;
      if (offsetAt(withHigh) === high) return withHigh;
      const withLow = localMs - low * MINUTE;
      if (offsetAt(withLow) === low) return withLow;
      return localMs - before * MINUTE; // in the gap
    },
  };
}

/** A zone known only from the file's VTIMEZONE definition, evaluated by ical.js. */
function definedZone(component: RawComponent, tzid: string): Zone {
  const timezone = new ICAL.Timezone({ component: new ICAL.Component(toJCal(component)), tzid });
  const cache = new Map<number, number>();
  return {
    iana: null,
    toUtc(localMs) {
      const hit = cache.get(localMs);
      if (hit !== undefined) return hit;
      const d = new Date(localMs);
      const time = ICAL.Time.fromData({
        year: d.getUTCFullYear(),
        month: d.getUTCMonth() + 1,
        day: d.getUTCDate(),
        hour: d.getUTCHours(),
        minute: d.getUTCMinutes(),
        second: d.getUTCSeconds(),
        isDate: false,
      });
      const utc = localMs - timezone.utcOffset(time) * 1000;
      cache.set(localMs, utc);
      return utc;
    },
  };
}

function toJCal(component: RawComponent): unknown[] {
  return [component.name.toLowerCase(), component.jcalProps ?? [], component.children.map(toJCal)];
}

/**
 * Map a TZID to an IANA name: IANA names as they are; Windows names as Outlook and Exchange
 * export them ("W. Europe Standard Time", "tzone://Microsoft/Pacific Standard Time", quoted);
 * prefixed IANA names ("/mozilla.org/20050126_1/Europe/Berlin", "/citadel.org/.../Europe/Rome").
 */
export function ianaFromTzid(tzid: string): string | null {
  let name = tzid.trim().replace(/^"+|"+$/g, '').trim();
  if (name === '') return null;
  name = name.replace(/^tzone:\/\/microsoft\//i, '');
  if (/^(utc|gmt|z|etc\/utc|etc\/gmt)$/i.test(name)) return 'UTC';
  const direct = lookupName(name);
  if (direct) return direct;
  const segments = name.split('/').filter((s) => s !== '');
  for (let i = 1; i < segments.length; i++) {
    const found = lookupName(segments.slice(i).join('/'));
    if (found) return found;
  }
  return null;
}

/** Memo of name → IANA zone lookups (Intl validation is slow); bounded, as names come from input. */
const NAME_MEMO = new Map<string, string | null>();

function lookupName(name: string): string | null {
  const known = NAME_MEMO.get(name);
  if (known !== undefined) return known;
  let found: string | null = null;
  if (/^[A-Za-z]/.test(name) && !/\s/.test(name) && IANAZone.isValidZone(name)) found = name;
  else found = findIana(name)[0] ?? null;
  if (NAME_MEMO.size >= 1_000) NAME_MEMO.clear();
  NAME_MEMO.set(name, found);
  return found;
}

interface ZoneRegistry {
  resolve(tzid: string, line: number): Zone;
}

function createZoneRegistry(definitions: Map<string, RawComponent>): ZoneRegistry {
  const zones = new Map<string, Zone | null>();
  return {
    resolve(tzid, line) {
      let zone = zones.get(tzid);
      if (zone === undefined) {
        zone = null;
        const iana = ianaFromTzid(tzid);
        if (iana) zone = iana === 'UTC' ? UTC_ZONE : ianaZone(iana);
        else {
          const definition = definitions.get(tzid) ?? definitions.get(tzid.trim());
          if (definition) {
            try {
              zone = definedZone(definition, tzid);
              zone.toUtc(Date.UTC(2000, 0, 1));
            } catch (error) {
              throw parseError(definition.line, `invalid VTIMEZONE "${tzid}": ${(error as Error).message}`);
            }
          }
        }
        zones.set(tzid, zone);
      }
      if (!zone) throw unknownZone(line, tzid);
      return zone;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Date values

interface WallTime {
  /** Local wall-clock time as if it were UTC (ms), in `zone`. */
  local: number;
  utc: number;
  zone: Zone;
  isDate: boolean;
}

/** Days in `month` (1-12) of a four-digit `year` as `Date.UTC` reads it (0-99 mean 1900-1999). */
function monthLength(year: number, month: number): number {
  if (month !== 2) return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
  const y = year <= 99 ? 1900 + year : year;
  return y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28;
}

/** Two decimal digits at `i`, or -1. */
function digits2(text: string, i: number): number {
  const a = text.charCodeAt(i) - 48;
  const b = text.charCodeAt(i + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/**
 * A DATE (`YYYYMMDD`) or DATE-TIME (`YYYYMMDDTHHMMSS[Z]`) value, already trimmed, as local
 * wall-clock ms. Its length tells which: 8 is a DATE, 16 a UTC DATE-TIME.
 */
function parseLocal(text: string, value: string, prop: RawProp): number {
  const n = text.length;
  const isDate = n === 8;
  const shaped = isDate || ((n === 15 || (n === 16 && text.charCodeAt(15) === 90)) /* Z */ && text.charCodeAt(8) === 84); /* T */
  const century = shaped ? digits2(text, 0) : -1;
  const yy = digits2(text, 2);
  const month = digits2(text, 4);
  const day = digits2(text, 6);
  const hour = isDate ? 0 : digits2(text, 9);
  const minute = isDate ? 0 : digits2(text, 11);
  let second = isDate ? 0 : digits2(text, 13);
  if (century < 0 || yy < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0) {
    throw parseError(prop.line, `invalid date or date-time "${clip(value)}" in ${prop.name}`);
  }
  const year = century * 100 + yy;
  if (second === 60) second = 59; // leap second
  if (month < 1 || month > 12 || day < 1 || day > monthLength(year, month) || hour > 23 || minute > 59 || second > 59) {
    throw parseError(prop.line, `invalid date or date-time "${clip(value)}" in ${prop.name}`);
  }
  return Date.UTC(year, month - 1, day, hour, minute, second);
}

interface CalendarContext {
  zones: ZoneRegistry;
  /** Zone of floating times and all-day dates: X-WR-TIMEZONE, else UTC. */
  floating: Zone;
  /** Remaining ical.js iterator steps and instances for this file. */
  budget: FileBudget;
  warn: (code: IcsWarningCode, line: number, uid: string | null, message: string) => void;
}

/** An event that cannot be kept (its times are unusable); the rest of the file is. */
class SkippedEvent extends Error {
  constructor(
    readonly line: number | null,
    message: string,
  ) {
    super(message);
  }
}

function wallTime(value: string, prop: RawProp, ctx: CalendarContext): WallTime {
  const text = value.trim();
  const local = parseLocal(text, value, prop);
  if (text.length === 16) return { local, utc: local, zone: UTC_ZONE, isDate: false };
  const isDate = text.length === 8;
  const tzid = isDate ? null : param(prop, 'tzid');
  const zone = tzid ? ctx.zones.resolve(tzid, prop.line) : ctx.floating;
  return { local, utc: zone.toUtc(local), zone, isDate };
}

/** Nominal days (wall-clock) plus exact milliseconds. */
interface Span {
  days: number;
  ms: number;
}

function parseDuration(prop: RawProp): Span {
  let duration: InstanceType<typeof ICAL.Duration>;
  try {
    duration = ICAL.Duration.fromString(prop.raw.trim());
  } catch (error) {
    throw parseError(prop.line, `invalid DURATION "${clip(prop.raw)}": ${(error as Error).message}`);
  }
  const sign = duration.isNegative ? -1 : 1;
  return {
    days: sign * (duration.weeks * 7 + duration.days),
    ms: sign * ((duration.hours * 60 + duration.minutes) * MINUTE + duration.seconds * 1000),
  };
}

// ---------------------------------------------------------------------------------------------
// Event facts (everything except time)

interface Facts {
  title: string | undefined;
  status: EventStatus | undefined;
  transparency: 'opaque' | 'transparent' | undefined;
  organizer: string | undefined;
  attendees: Attendee[] | undefined;
  description: DescriptionFacts | undefined;
  hasConferencing: boolean | undefined;
  createdByUnmeet: boolean | undefined;
}

const PARTSTAT: Record<string, ResponseStatus> = {
  ACCEPTED: 'accepted',
  DECLINED: 'declined',
  TENTATIVE: 'tentative',
  'NEEDS-ACTION': 'needsAction',
};

/** Lower-cased address without `mailto:` (any case) and surrounding white space. */
function address(value: string | null): string {
  if (!value) return '';
  let text = value.trim();
  if (
    text.length >= 7 &&
    (text.charCodeAt(0) | 32) === 109 /* m */ &&
    (text.charCodeAt(1) | 32) === 97 /* a */ &&
    (text.charCodeAt(2) | 32) === 105 /* i */ &&
    (text.charCodeAt(3) | 32) === 108 /* l */ &&
    (text.charCodeAt(4) | 32) === 116 /* t */ &&
    (text.charCodeAt(5) | 32) === 111 /* o */ &&
    text.charCodeAt(6) === 58 /* : */
  ) {
    text = text.slice(7).trim();
  }
  return text.toLowerCase();
}

/** The trimmed, upper-cased text of a property, if present. */
const upperText = (prop: RawProp | undefined): string | undefined => textValue(prop)?.trim().toUpperCase();

/** Attendee lists up to this length are de-duplicated by scanning instead of with a Set. */
const SCAN_DEDUPE_LIMIT = 16;

/** An ATTENDEE line as an attendee; null when it names no address. */
function readAttendee(prop: RawProp): Attendee | null {
  const email = address(textValue(prop));
  if (email === '') return null;
  const role = param(prop, 'role')?.toUpperCase();
  const cutype = param(prop, 'cutype')?.toUpperCase();
  const attendee: Attendee = {
    email,
    response: PARTSTAT[param(prop, 'partstat')?.toUpperCase() ?? ''] ?? 'needsAction',
    optional: role === 'OPT-PARTICIPANT' || role === 'NON-PARTICIPANT',
  };
  const name = param(prop, 'cn');
  if (name) attendee.name = name;
  if (cutype === 'RESOURCE' || cutype === 'ROOM') attendee.resource = true;
  return attendee;
}

/** The attendees with an address, the first line of each address kept. */
function uniqueAttendees(lines: ReadonlyArray<Attendee | null>): Attendee[] {
  const attendees: Attendee[] = [];
  let seen: Set<string> | null = null;
  for (const attendee of lines) {
    if (attendee === null) continue;
    const email = attendee.email;
    if (seen) {
      if (seen.has(email)) continue;
      seen.add(email);
    } else {
      let duplicate = false;
      for (let i = 0; i < attendees.length && !duplicate; i++) duplicate = (attendees[i] as Attendee).email === email;
      if (duplicate) continue;
      if (attendees.length >= SCAN_DEDUPE_LIMIT) seen = new Set([...attendees.map((a) => a.email), email]);
    }
    attendees.push(attendee);
  }
  return attendees;
}

/**
 * The event's facts except time, read in one pass over its properties. Computed once per
 * VEVENT: every instance of a series shares its master's facts (and attendee list).
 */
function readFacts(comp: RawComponent): Facts {
  let summary: RawProp | undefined;
  let status: RawProp | undefined;
  let transpProp: RawProp | undefined;
  let busyProp: RawProp | undefined;
  let descriptionProp: RawProp | undefined;
  let altDescriptionProp: RawProp | undefined;
  let ownedProp: RawProp | undefined;
  let urlProp: RawProp | undefined;
  let locationProp: RawProp | undefined;
  let googleProp: RawProp | undefined;
  let teamsProp: RawProp | undefined;
  const attendees = comp.attendees.length > 0 ? uniqueAttendees(comp.attendees) : undefined;

  for (const prop of comp.props) {
    switch (prop.name) {
      case 'SUMMARY':
        summary ??= prop;
        break;
      case 'STATUS':
        status ??= prop;
        break;
      case 'TRANSP':
        transpProp ??= prop;
        break;
      case 'X-MICROSOFT-CDO-BUSYSTATUS':
        busyProp ??= prop;
        break;
      case 'DESCRIPTION':
        descriptionProp ??= prop;
        break;
      case 'X-ALT-DESC':
        altDescriptionProp ??= prop;
        break;
      case 'X-UNMEET-OWNED':
        ownedProp ??= prop;
        break;
      case 'URL':
        urlProp ??= prop;
        break;
      case 'LOCATION':
        locationProp ??= prop;
        break;
      case 'X-GOOGLE-CONFERENCE':
        googleProp ??= prop;
        break;
      case 'X-MICROSOFT-SKYPETEAMSMEETINGURL':
        teamsProp ??= prop;
        break;
      default:
    }
  }

  const statusRaw = upperText(status);
  const transp = upperText(transpProp);
  const busy = upperText(busyProp);
  const owned = textValue(ownedProp);
  const descriptionText = textValue(descriptionProp);
  const altDescriptionText = textValue(altDescriptionProp);

  let hasConferencing: boolean | undefined;
  if (googleProp || teamsProp || urlProp || locationProp || descriptionProp || altDescriptionProp) {
    hasConferencing =
      (textValue(googleProp) ?? '').trim() !== '' ||
      (textValue(teamsProp) ?? '').trim() !== '' ||
      hasConferencingLink(textValue(urlProp)) ||
      hasConferencingLink(textValue(locationProp)) ||
      hasConferencingLink(descriptionText) ||
      hasConferencingLink(altDescriptionText);
  }

  return {
    title: summary ? (textValue(summary) ?? '') : undefined,
    status:
      statusRaw === 'CANCELLED' ? 'cancelled' : statusRaw === 'TENTATIVE' ? 'tentative' : statusRaw ? 'confirmed' : undefined,
    transparency:
      transp === 'TRANSPARENT' || busy === 'FREE' ? 'transparent' : transp !== undefined || busy !== undefined ? 'opaque' : undefined,
    organizer: comp.organizer || undefined,
    attendees,
    description: descriptionProp
      ? describeText(descriptionText)
      : altDescriptionProp
        ? describeText(altDescriptionText)
        : undefined,
    hasConferencing,
    createdByUnmeet: owned === null ? undefined : /^(1|true|yes)$/i.test(owned.trim()),
  };
}

/** Fill what an override leaves out from its series' master (minimal overrides are common). */
function inherit(own: Facts, master: Facts | null): Facts {
  if (!master) return own;
  return {
    title: own.title ?? master.title,
    status: own.status ?? master.status,
    transparency: own.transparency ?? master.transparency,
    organizer: own.organizer ?? master.organizer,
    attendees: own.attendees ?? master.attendees,
    description: own.description ?? master.description,
    hasConferencing: own.hasConferencing ?? master.hasConferencing,
    createdByUnmeet: own.createdByUnmeet ?? master.createdByUnmeet,
  };
}

const NO_DESCRIPTION: DescriptionFacts = { present: false, length: 0, hasAgenda: false, hasDocLink: false };

function makeEvent(
  facts: Facts,
  ids: { externalId: string; seriesKey: string | null; originalStart: number | null },
  start: number,
  end: number,
  allDay: boolean,
): CalendarEvent {
  return {
    externalId: ids.externalId,
    seriesKey: ids.seriesKey,
    originalStart: ids.originalStart,
    title: facts.title ?? '',
    start,
    end,
    allDay,
    status: facts.status ?? 'confirmed',
    transparency: facts.transparency ?? 'opaque',
    organizer: facts.organizer ?? null,
    attendees: facts.attendees ?? [],
    description: facts.description ?? NO_DESCRIPTION,
    hasConferencing: facts.hasConferencing ?? false,
    createdByUnmeet: facts.createdByUnmeet ?? false,
  };
}

// ---------------------------------------------------------------------------------------------
// Event timing

interface Timing {
  start: WallTime;
  span: Span;
}

function readTiming(comp: RawComponent, ctx: CalendarContext, fallbackStart?: WallTime): Timing {
  const dtstart = first(comp, 'DTSTART');
  let start: WallTime;
  if (dtstart) start = wallTime(dtstart.raw, dtstart, ctx);
  else if (fallbackStart) start = fallbackStart;
  else throw parseError(comp.line, 'VEVENT without DTSTART');

  const dtend = first(comp, 'DTEND');
  const duration = first(comp, 'DURATION');
  let span: Span;
  if (dtend) {
    const end = wallTime(dtend.raw, dtend, ctx);
    if (start.isDate && end.isDate) span = { days: Math.max(0, Math.round((end.local - start.local) / DAY)), ms: 0 };
    else span = { days: 0, ms: Math.max(0, end.utc - start.utc) };
  } else if (duration) {
    span = parseDuration(duration);
    if (span.days < 0 || span.ms < 0) span = { days: 0, ms: 0 };
    if (!(span.days * DAY + span.ms <= 2 * MAX_DATE_MS)) {
      throw new SkippedEvent(duration.line, `DURATION "${clip(duration.raw)}" ends past the year 275760, the last a date can hold`);
    }
  } else {
    span = start.isDate ? { days: 1, ms: 0 } : { days: 0, ms: 0 };
  }
  return { start, span };
}

function endOf(local: number, utc: number, zone: Zone, span: Span): number {
  const end = span.days === 0 ? utc + span.ms : zone.toUtc(local + span.days * DAY) + span.ms;
  // NaN (a wall time no Date can hold) fails this test too.
  if (!(end <= MAX_DATE_MS)) throw new SkippedEvent(null, 'its end lies past the year 275760, the last a date can hold');
  return Math.max(end, utc);
}

const overlaps = (start: number, end: number, window: IcsWindow): boolean =>
  end > start ? start < window.end && end > window.start : start >= window.start && start < window.end;

// ---------------------------------------------------------------------------------------------
// Series assembly

interface EventComponent {
  comp: RawComponent;
  uid: string;
  sequence: number;
}

function uidOf(comp: RawComponent): string {
  const uid = textValue(first(comp, 'UID'))?.trim();
  if (uid) return uid;
  // RFC 5545 requires a UID; synthesise a stable one from start and title for sloppy producers.
  const key = `${first(comp, 'DTSTART')?.raw ?? ''}|${textValue(first(comp, 'SUMMARY')) ?? ''}`;
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193) >>> 0;
  return `no-uid-${hash.toString(16)}`;
}

/** Keep the newest of duplicates (highest SEQUENCE, later in the file on ties). */
function keepNewest<K>(map: Map<K, EventComponent>, key: K, candidate: EventComponent): void {
  const existing = map.get(key);
  if (!existing || candidate.sequence >= existing.sequence) map.set(key, candidate);
}

const NONE_OVERRIDES: readonly EventComponent[] = Object.freeze([]);

/**
 * A VEVENT without RECURRENCE-ID: a lower SEQUENCE than another with its UID is an older
 * version of it (dropped, reported); the same SEQUENCE is a distinct event that a producer gave
 * a clashing UID (kept under `uid#n`, reported) — silently keeping one would lose the other.
 */
function addMaster(masters: Map<string, EventComponent>, twins: Array<[string, EventComponent]>, entry: EventComponent, ctx: CalendarContext): void {
  const existing = masters.get(entry.uid);
  if (!existing) {
    masters.set(entry.uid, entry);
  } else if (existing.sequence === entry.sequence) {
    const key = `${entry.uid}#${twins.filter(([, t]) => t.uid === entry.uid).length + 2}`;
    twins.push([key, entry]);
    ctx.warn('duplicate_uid', entry.comp.line, entry.uid, `another VEVENT has UID "${entry.uid}" and no RECURRENCE-ID; kept as a separate event`);
  } else {
    const [keep, drop] = entry.sequence > existing.sequence ? [entry, existing] : [existing, entry];
    masters.set(entry.uid, keep);
    ctx.warn('superseded', drop.comp.line, entry.uid, `VEVENT "${entry.uid}" (SEQUENCE ${drop.sequence}) dropped: line ${keep.comp.line} has SEQUENCE ${keep.sequence}`);
  }
}

/**
 * {@link expandSeries} within the file's instance budget: a series that does not fit is dropped
 * whole (the budget is left for later, smaller ones), and one with an unusable time is refused;
 * both are reported.
 */
function expandCounted(
  uid: string,
  master: EventComponent | undefined,
  overrides: Map<string, EventComponent> | undefined,
  ctx: CalendarContext,
  window: IcsWindow,
  out: CalendarEvent[],
): void {
  const mark = out.length;
  const line = (master ?? overrides?.values().next().value)?.comp.line ?? 0;
  try {
    expandSeries(uid, master, overrides, ctx, window, out);
  } catch (error) {
    if (!(error instanceof SkippedEvent)) throw error;
    out.length = mark;
    ctx.warn('out_of_range', error.line ?? line, uid, `event "${uid}" refused: ${error.message}`);
    return;
  }
  const count = out.length - mark;
  if (count <= ctx.budget.instances) {
    ctx.budget.instances -= count;
    return;
  }
  out.length = mark;
  ctx.warn('instance_cap', line, uid, `${count > 1 ? 'series' : 'event'} "${uid}" dropped: the file reached its cap of ${MAX_INSTANCES_PER_FILE} instances`);
}

function expandSeries(
  uid: string,
  master: EventComponent | undefined,
  overrides: Map<string, EventComponent> | undefined,
  ctx: CalendarContext,
  window: IcsWindow,
  out: CalendarEvent[],
): void {
  const masterFacts = master ? readFacts(master.comp) : null;
  const masterTiming = master ? readTiming(master.comp, ctx) : null;
  const rrules = master ? all(master.comp, 'RRULE') : NONE;
  const rdates = master ? all(master.comp, 'RDATE') : NONE;
  const recurring = rrules.length > 0 || rdates.length > 0 || (overrides !== undefined && overrides.size > 0);

  if (master && masterFacts && masterTiming && !recurring) {
    const { start, span } = masterTiming;
    const end = endOf(start.local, start.utc, start.zone, span);
    if (overlaps(start.utc, end, window)) {
      out.push(makeEvent(masterFacts, { externalId: uid, seriesKey: null, originalStart: null }, start.utc, end, start.isDate));
    }
    return;
  }

  // Overrides, keyed by the UTC instant of the instance they replace.
  const overridden = new Map<number, { override: EventComponent; recurrenceId: WallTime }>();
  for (const override of overrides?.values() ?? NONE_OVERRIDES) {
    const prop = first(override.comp, 'RECURRENCE-ID') as RawProp;
    const recurrenceId = wallTime(prop.raw, prop, ctx);
    overridden.set(recurrenceId.utc, { override, recurrenceId });
  }

  // EXDATEs: UTC instants, plus local days for date-only exclusions of timed series.
  const excluded = new Set<number>();
  const excludedDays = new Set<number>();
  for (const prop of master ? all(master.comp, 'EXDATE') : NONE) {
    for (const value of prop.raw.split(',')) {
      if (value.trim() === '') continue;
      const time = wallTime(value, prop, ctx);
      excluded.add(time.utc);
      if (time.isDate && masterTiming && !masterTiming.start.isDate) excludedDays.add(Math.floor(time.local / DAY));
    }
  }

  if (master && masterFacts && masterTiming) {
    const { start, span } = masterTiming;
    const seen = new Set<number>();
    let emitted = 0;
    /** More instances than the file has room for: the caller drops the series, so stop generating. */
    let full = false;
    const add = (local: number, utc: number, zone: Zone, end?: number): void => {
      if (seen.has(utc)) return;
      seen.add(utc);
      if (excluded.has(utc) || overridden.has(utc)) return;
      if (excludedDays.size > 0 && zone === start.zone && excludedDays.has(Math.floor(local / DAY))) return;
      const instanceEnd = end ?? endOf(local, utc, zone, span);
      if (!overlaps(utc, instanceEnd, window)) return;
      emitted += 1;
      if (emitted > ctx.budget.instances) full = true;
      out.push(makeEvent(masterFacts, { externalId: `${uid}::${utc}`, seriesKey: uid, originalStart: utc }, utc, instanceEnd, start.isDate));
    };
    const line = master.comp.line;

    // DTSTART is always the first instance (RFC 5545 §3.8.5.3).
    add(start.local, start.utc, start.zone);

    const longest = span.days * DAY + span.ms;
    const skipBefore = window.start - longest - 2 * DAY;
    for (const prop of rrules) {
      if (full) break;
      const rule = readRule(prop, start);
      const outcome: RuleOutcome = { stoppedBy: null };
      iterateRule(rule, start, { skipBefore, stopAfter: window.end + 2 * DAY }, ctx.budget, outcome, (local) => {
        const utc = start.zone.toUtc(local);
        if (utc >= window.end) return false;
        if (rule.untilUtc !== null && utc > rule.untilUtc) return false;
        add(local, utc, start.zone);
        if (emitted < MAX_INSTANCES_PER_SERIES) return !full;
        if (!full) ctx.warn('series_cap', line, uid, `series "${uid}" cut at ${MAX_INSTANCES_PER_SERIES} instances, the cap per series`);
        return false;
      });
      if (full) break;
      if (outcome.stoppedBy === 'iterations') {
        ctx.warn('series_cap', prop.line, uid, `series "${uid}" cut after ${MAX_RULE_ITERATIONS} occurrences of its RRULE, the cap per series`);
      } else if (outcome.stoppedBy) {
        const which = outcome.stoppedBy === 'file_steps' ? `the file's ${MAX_ICAL_STEPS_PER_FILE}` : `its own ${MAX_ICAL_STEPS_PER_SERIES}`;
        ctx.warn('step_budget', prop.line, uid, `series "${uid}" ${emitted === 0 ? 'got no instances' : `stopped after ${emitted} instances`}: its RRULE used up ${which} expansion steps`);
      }
    }

    for (const prop of rdates) {
      for (const value of prop.raw.split(',')) {
        if (value.trim() === '' || emitted >= MAX_INSTANCES_PER_SERIES || full) continue;
        const [from, to] = value.split('/');
        const time = wallTime(from as string, prop, ctx);
        let end: number | undefined;
        if (to !== undefined) {
          if (/^[+-]?P/i.test(to.trim())) {
            const periodSpan = parseDuration({ ...prop, raw: to });
            end = endOf(time.local, time.utc, time.zone, periodSpan);
          } else {
            end = Math.max(time.utc, wallTime(to, prop, ctx).utc);
          }
        }
        add(time.local, time.utc, time.zone, end);
      }
    }
  }

  for (const { override, recurrenceId } of overridden.values()) {
    if (excluded.has(recurrenceId.utc)) continue; // EXDATE wins over a stale override
    const facts = inherit(readFacts(override.comp), masterFacts);
    const fallbackStart = recurrenceId;
    const timing = readTiming(override.comp, ctx, fallbackStart);
    const span =
      first(override.comp, 'DTEND') || first(override.comp, 'DURATION') || !masterTiming ? timing.span : masterTiming.span;
    const { start } = timing;
    const end = endOf(start.local, start.utc, start.zone, span);
    if (!overlaps(start.utc, end, window)) continue;
    out.push(
      makeEvent(
        facts,
        { externalId: `${uid}::${recurrenceId.utc}`, seriesKey: uid, originalStart: recurrenceId.utc },
        start.utc,
        end,
        start.isDate,
      ),
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Entry point

/**
 * Parse an iCalendar file and return the events overlapping `window` (UTC ms, `[start, end)`),
 * with recurring series expanded into instances (RRULE, RDATE, EXDATE, RECURRENCE-ID overrides;
 * at most {@link MAX_INSTANCES_PER_SERIES} per series). TZIDs resolve as IANA names, Windows
 * names (via windows-iana) or, failing both, the file's own VTIMEZONE; floating times and
 * all-day dates use X-WR-TIMEZONE, else `options.defaultTimeZone`, else UTC. Descriptions are
 * reduced to facts and dropped.
 *
 * @throws UnmeetError `ics.parse_error` (details `{ line }`) for malformed input;
 *   `ics.unknown_time_zone` (details `{ line, tzid }`) for a TZID that cannot be resolved.
 */
export function parseIcs(text: string, window: IcsWindow, options: ParseIcsOptions = {}): ParsedIcs {
  const calendars = readCalendars(text);
  const events: CalendarEvent[] = [];
  let name: string | null = null;
  let timeZone: string | null = null;

  // VTIMEZONE definitions from every calendar in the file (first definition wins).
  const definitions = new Map<string, RawComponent>();
  for (const calendar of calendars) {
    for (const child of calendar.children) {
      if (child.name !== 'VTIMEZONE') continue;
      const tzid = textValue(first(child, 'TZID'))?.trim();
      if (tzid && !definitions.has(tzid)) definitions.set(tzid, child);
    }
  }
  const zones = createZoneRegistry(definitions);
  const budget: FileBudget = { steps: MAX_ICAL_STEPS_PER_FILE, instances: MAX_INSTANCES_PER_FILE };
  const warnings: IcsWarning[] = [];
  const warningCounts: Partial<Record<IcsWarningCode, number>> = {};
  const warn = (code: IcsWarningCode, line: number, uid: string | null, message: string): void => {
    warningCounts[code] = (warningCounts[code] ?? 0) + 1;
    if (warnings.length < MAX_WARNINGS) warnings.push({ code, line, uid, message: `line ${line}: ${message}` });
  };
  const fallbackIana = options.defaultTimeZone ? ianaFromTzid(options.defaultTimeZone) : null;
  const fallbackZone = fallbackIana && fallbackIana !== 'UTC' ? ianaZone(fallbackIana) : UTC_ZONE;

  calendars.forEach((calendar, index) => {
    const calName = textValue(first(calendar, 'X-WR-CALNAME'));
    const wrZone = textValue(first(calendar, 'X-WR-TIMEZONE'))?.trim() || null;
    let floating = fallbackZone;
    if (wrZone) {
      try {
        floating = zones.resolve(wrZone, first(calendar, 'X-WR-TIMEZONE')?.line ?? calendar.line);
      } catch {
        floating = fallbackZone; // an unknown calendar-level zone only affects floating times
      }
    }
    if (index === 0) {
      name = calName;
      timeZone = wrZone ? ianaFromTzid(wrZone) : null;
    }
    const ctx: CalendarContext = { zones, floating, budget, warn };

    const masters = new Map<string, EventComponent>();
    /** Further VEVENTs with a master's UID and SEQUENCE: kept as their own events, under `uid#n`. */
    const twins: Array<[string, EventComponent]> = [];
    const overrides = new Map<string, Map<string, EventComponent>>();
    for (const comp of calendar.children) {
      if (comp.name !== 'VEVENT') continue;
      const sequence = Number.parseInt(textValue(first(comp, 'SEQUENCE')) ?? '0', 10) || 0;
      const entry: EventComponent = { comp, uid: uidOf(comp), sequence };
      const recurrenceId = first(comp, 'RECURRENCE-ID');
      if (recurrenceId) {
        let byId = overrides.get(entry.uid);
        if (!byId) overrides.set(entry.uid, (byId = new Map()));
        keepNewest(byId, recurrenceId.raw.trim(), entry);
      } else {
        addMaster(masters, twins, entry, ctx);
      }
    }
    for (const [uid, master] of masters) expandCounted(uid, master, overrides.get(uid), ctx, window, events);
    for (const [uid, twin] of twins) expandCounted(uid, twin, undefined, ctx, window, events);
    for (const [uid, byId] of overrides) if (!masters.has(uid)) expandCounted(uid, undefined, byId, ctx, window, events);
  });

  events.sort((a, b) => a.start - b.start || (a.externalId < b.externalId ? -1 : a.externalId > b.externalId ? 1 : 0));
  return { name, timeZone, events, warnings, warningCounts };
}
