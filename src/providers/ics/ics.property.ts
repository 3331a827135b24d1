/**
 * The ICS reader's one property shape — name, parameters, value, line — and how a content line
 * becomes one. A small RFC 5545 reader handles the plain shapes exporters write (parameters,
 * quoting, RFC 6868 and TEXT escapes) in place, without intermediate arrays; it reads exactly what
 * ical.js's `parse.property` would (see the equivalence test) and hands everything else — RRULE,
 * RDATE, unusual value types or parameters, malformed lines, all of VTIMEZONE — to ical.js, whose
 * answer is brought to the same shape (its jCal form is kept only for VTIMEZONE definitions).
 */
import ICAL from 'ical.js';
import type { Attendee } from '../../domain/types';
import { parseError } from './ics.errors';

export type JCalProp = [string, Record<string, unknown>, string, ...unknown[]];

/** The parameters this mapper reads (lower-case, as ical.js names them). */
export type ParamName = 'tzid' | 'role' | 'cutype' | 'partstat' | 'cn' | 'range';

/** Values of the parameters in {@link ParamName}, as ical.js reads them (RFC 6868 unescaped). */
export interface Params {
  tzid: string | null;
  role: string | null;
  cutype: string | null;
  partstat: string | null;
  cn: string | null;
  range: string | null;
}

const noParams = (): Params => ({ tzid: null, role: null, cutype: null, partstat: null, cn: null, range: null });

/** One property line, whichever reader read it. */
export interface RawProp {
  /** Upper-case property name. */
  name: string;
  /** The parameters this reader uses (RFC 6868 unescaped); null when the line has none of them. */
  params: Params | null;
  /** The value as written, after the first unquoted colon (see {@link textValue} for it decoded). */
  raw: string;
  line: number;
  /** ical.js value type (the property's default type, or VALUE=): how `raw` decodes. */
  type: string;
  /** Multi-valued property (EXDATE): the decoded value is the first comma-separated item. */
  multi: boolean;
  /** The decoded value when ical.js read the line (it decodes as it parses); undefined: decoded from `raw` on demand. */
  decoded?: string | null;
}

export interface RawComponent {
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

export const EVENT_PROPS = new Set([
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
export const CALENDAR_PROPS = new Set(['X-WR-CALNAME', 'X-WR-TIMEZONE']);
const ICAL_DESIGN = ICAL.design.icalendar;

/**
 * Value types whose ical.js parsing cannot fail and is reproduced by {@link fastText}. Lines
 * of other types (RRULE's recur, RDATE's period detection, VALUE=PERIOD, ...) go to ical.js.
 */
const FAST_TYPES = new Set(['text', 'unknown', 'cal-address', 'uri', 'integer', 'duration', 'date', 'date-time']);

export interface PropShape {
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

export const isNameChar = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 45;

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
export function fastProperty(src: string, start: number, end: number, nameEnd: number, name: string, line: number, shape = FAST_PROPS.get(name)): RawProp | null {
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
      case 'range':
        params ??= noParams();
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
  return { name, params, raw: src.slice(i + 1, end), line, type, multi: shape.multi };
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

/**
 * A property line parsed by ical.js (inside VTIMEZONE, and whatever the fast reader declines),
 * brought to the one shape; its jCal form is appended to `keep` when given (VTIMEZONE needs it).
 */
export function icalProperty(line: string, name: string, raw: string, lineNo: number, keep: JCalProp[] | null = null): RawProp {
  let jcal: JCalProp;
  try {
    jcal = ICAL.parse.property(line, ICAL_DESIGN) as JCalProp;
  } catch (error) {
    throw parseError(lineNo, `cannot parse ${name}: ${(error as Error).message}`);
  }
  keep?.push(jcal);
  let params: Params | null = null;
  for (const key of PARAM_KEYS) {
    const value = jcal[1][key];
    if (value == null) continue;
    params ??= noParams();
    params[key] = Array.isArray(value) ? String(value[0] ?? '') : String(value);
  }
  return { name, params, raw, line: lineNo, type: jcal[2], multi: false, decoded: jcalText(jcal) };
}

const PARAM_KEYS = Object.keys(noParams()) as ParamName[];

/** The value of a jCal property as text; ical.js leaves values of unknown (X-) properties escaped, and they are TEXT in practice. */
function jcalText(jcal: JCalProp): string | null {
  const value = jcal[3];
  // Structured values (RRULE's recur) are read from `raw`, never as text.
  if (value == null || (typeof value === 'object' && !Array.isArray(value))) return null;
  const text = Array.isArray(value) ? value.join(',') : String(value);
  return jcal[2] === 'unknown' ? text.replace(/\\([\\;,nN])/g, (_, c: string) => (c === 'n' || c === 'N' ? '\n' : c)) : text;
}

/** A property whose value is read from its text by its own reader (RRULE): no parameters, no decoding. */
export function valueOnly(name: string, raw: string, line: number): RawProp {
  return { name, params: null, raw, line, type: 'unknown', multi: false, decoded: null };
}

/** Parameters the fast reader reads or must leave to ical.js (lower case), by length and first character. */
const PARAM_NAMES = new Map<number, string[]>();
for (const name of ['tzid', 'role', 'cutype', 'partstat', 'cn', 'range', 'value', ...SPECIAL_PARAMS]) {
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
export interface KnownName {
  name: string;
  /** Its last character's code. */
  last: number;
  /** Read inside VEVENT / VCALENDAR. */
  inEvent: boolean;
  inCalendar: boolean;
  /** Its shape for {@link fastProperty} (looked up once here, not per line). */
  fast: PropShape | null;
}

/** The known names by their first character's code. */
const KNOWN_NAMES: Array<KnownName[] | undefined> = [];
for (const name of [...EVENT_PROPS, ...CALENDAR_PROPS, 'BEGIN', 'END', 'DTSTAMP', 'VERSION', 'PRODID', 'CREATED', 'LAST-MODIFIED', 'CLASS']) {
  (KNOWN_NAMES[name.charCodeAt(0)] ??= []).push({
    name,
    last: name.charCodeAt(name.length - 1),
    inEvent: EVENT_PROPS.has(name),
    inCalendar: CALENDAR_PROPS.has(name),
    fast: FAST_PROPS.get(name) ?? null,
  });
}

/**
 * The known name the content line `src[start, end)` starts with, when a parameter or the value
 * follows it: a direct comparison, without scanning the name character by character.
 */
export function knownNameAt(src: string, start: number, end: number): KnownName | null {
  const candidates = KNOWN_NAMES[src.charCodeAt(start)];
  if (candidates === undefined) return null;
  for (let k = 0; k < candidates.length; k++) {
    const known = candidates[k] as KnownName;
    const at = start + known.name.length;
    if (at >= end) continue;
    const c = src.charCodeAt(at);
    if ((c !== 58 /* : */ && c !== 59) /* ; */ || src.charCodeAt(at - 1) !== known.last) continue;
    // The first character chose the candidates and the last one is checked: compare the rest.
    const name = known.name;
    const last = name.length - 1;
    let i = 1;
    while (i < last && src.charCodeAt(start + i) === name.charCodeAt(i)) i++;
    if (i >= last) return known;
  }
  return null;
}

/** Index of the first character of the value: after the first colon not inside a quoted parameter. */
export function findValueStart(line: string, from: number, end: number): number {
  let quoted = false;
  for (let i = from; i < end; i++) {
    const c = line.charCodeAt(i);
    if (c === 34 /* " */) quoted = !quoted;
    else if (c === 58 /* : */ && !quoted) return i + 1;
  }
  return -1;
}

export function clip(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

export function first(comp: RawComponent, name: string): RawProp | undefined {
  const props = comp.props;
  for (let i = 0; i < props.length; i++) if ((props[i] as RawProp).name === name) return props[i];
  return undefined;
}

export const NONE: readonly RawProp[] = Object.freeze([]);

export function all(comp: RawComponent, name: string): readonly RawProp[] {
  let found: RawProp[] | null = null;
  for (const prop of comp.props) if (prop.name === name) (found ??= []).push(prop);
  return found ?? NONE;
}

/** The decoded value of a property, as ical.js would give it. */
export function textValue(prop: RawProp | undefined): string | null {
  if (!prop) return null;
  return prop.decoded !== undefined ? prop.decoded : fastText(prop);
}

export function param(prop: RawProp, name: ParamName): string | null {
  return prop.params ? prop.params[name] : null;
}

/**
 * A content line read as the mapper reads it: by the fast reader (`fast: true`, null when it
 * leaves the line to ical.js) or by ical.js. Exported for the equivalence test only.
 * @internal
 */
export function readContentLineForTest(
  line: string,
  fast: boolean,
): { raw: string; text: string | null; params: Params } | null {
  let nameEnd = 0;
  while (nameEnd < line.length && isNameChar(line.charCodeAt(nameEnd))) nameEnd++;
  const name = line.slice(0, nameEnd).toUpperCase();
  const valueStart = findValueStart(line, nameEnd, line.length);
  const prop = fast ? fastProperty(line, 0, line.length, nameEnd, name, 1) : icalProperty(line, name, line.slice(valueStart), 1);
  if (!prop) return null;
  const params = noParams();
  for (const key of PARAM_KEYS) params[key] = param(prop, key);
  return { raw: prop.raw, text: textValue(prop), params };
}

