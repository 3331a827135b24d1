/**
 * iCalendar text → the component tree the ICS reader works on: unfolding (RFC 5545 §3.1) with
 * physical line numbers kept, BEGIN/END nesting, and each wanted property read into the one
 * property shape (ics.property.ts). Liberal: a malformed or misplaced line is skipped and a
 * component never closed is closed where its parent (or the file) ends, each with a warning
 * naming its line; only a text with no VCALENDAR at all is refused.
 */
import type { Attendee } from '../../domain/types';
import { parseError, type Warn } from './ics.errors';
import { address, readAttendee } from './ics.facts';
import {
  CALENDAR_PROPS,
  clip,
  EVENT_PROPS,
  fastProperty,
  findValueStart,
  icalProperty,
  isNameChar,
  type KnownName,
  knownNameAt,
  type RawComponent,
  textValue,
  valueOnly,
} from './ics.property';

/** Thrown inside the reader for a line it skips: reported as a warning, not an error. */
class SkippedLine extends Error {
  constructor(readonly code: 'line_malformed' | 'line_misplaced' | 'property_skipped', readonly detail: string) {
    super(detail);
  }
}

/** Builds the component tree from logical lines, in file order. */
class TreeReader {
  readonly calendars: RawComponent[] = [];
  private readonly stack: RawComponent[] = [];
  private timezoneDepth = 0;
  private firstContentLine = 0;
  // People meet the same people again and again: an ATTENDEE or ORGANIZER line is read once per
  // file (a line read before is known to be well formed).
  private readonly attendeeLines = new Map<string, Attendee | null>();
  private readonly organizerLines = new Map<string, string>();

  // The logical line being read: `src[start, end)`, its name ending at `nameEnd`.
  private current = { src: '', start: 0, end: 0, nameEnd: 0, lineNo: 0 };

  constructor(private readonly warn: Warn) {}

  /** One logical line: `src[start, end)`, starting at physical line `lineNo`. */
  line(src: string, start: number, end: number, lineNo: number): void {
    if (this.firstContentLine === 0) this.firstContentLine = lineNo;
    try {
      this.read(src, start, end, lineNo);
    } catch (error) {
      if (!(error instanceof SkippedLine)) throw error;
      this.warn(error.code, lineNo, null, error.detail);
    }
  }

  private read(src: string, start: number, end: number, lineNo: number): void {
    const known = knownNameAt(src, start, end);
    const nameEnd = known !== null ? start + known.name.length : nameEndOf(src, start, end);
    if (nameEnd === start || nameEnd >= end) throw new SkippedLine('line_malformed', clip(src.slice(start, end)));
    const name = known !== null ? known.name : src.slice(start, nameEnd).toUpperCase();
    const top = this.stack[this.stack.length - 1];
    if (!top && name !== 'BEGIN') throw new SkippedLine('line_misplaced', clip(src.slice(start, end)));
    const current = this.current;
    current.src = src;
    current.start = start;
    current.end = end;
    current.nameEnd = nameEnd;
    current.lineNo = lineNo;
    const personKey = (name === 'ATTENDEE' || name === 'ORGANIZER') && top?.name === 'VEVENT' && this.timezoneDepth === 0 ? src.slice(nameEnd, end) : null;
    if (personKey !== null && this.fromPersonCache(name, personKey, top as RawComponent)) return;

    const valueStart = src.charCodeAt(nameEnd) === 58 /* : */ ? nameEnd + 1 : findValueStart(src, nameEnd, end);
    if (valueStart < 0) throw new SkippedLine('line_malformed', clip(src.slice(start, end)));
    if (name === 'BEGIN' || name === 'END') {
      const compName = end - valueStart === 6 && spellsAt(src, valueStart, 'VEVENT') ? 'VEVENT' : src.slice(valueStart, end).trim().toUpperCase();
      if (compName !== 'VEVENT' && !/^[A-Z0-9-]+$/.test(compName)) throw new SkippedLine('line_malformed', clip(src.slice(start, end)));
      if (name === 'BEGIN') this.begin(compName, lineNo);
      else this.end(compName);
      return;
    }
    if (top) this.property(known, name, valueStart, top, personKey);
  }

  /** An ATTENDEE or ORGANIZER line of a VEVENT seen before (`key`: all after the name): taken from the cache. */
  private fromPersonCache(name: string, key: string, top: RawComponent): boolean {
    if (name === 'ATTENDEE') {
      const read = this.attendeeLines.get(key);
      if (read === undefined) return false;
      top.attendees.push(read);
    } else {
      const read = this.organizerLines.get(key);
      if (read === undefined) return false;
      top.organizer ??= read;
    }
    return true;
  }

  /** The current line's text, for a warning (sliced only then: BEGIN and END lines are many). */
  private currentText(): string {
    return clip(this.current.src.slice(this.current.start, this.current.end));
  }

  private begin(compName: string, lineNo: number): void {
    const top = this.stack[this.stack.length - 1];
    if (!top && compName !== 'VCALENDAR') throw new SkippedLine('line_misplaced', this.currentText());
    const inTimezone = this.timezoneDepth > 0 || compName === 'VTIMEZONE';
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
    else this.calendars.push(comp);
    this.stack.push(comp);
    if (inTimezone) this.timezoneDepth += 1;
  }

  /** END closes its BEGIN; components left open inside it are closed with it (reported). */
  private end(compName: string): void {
    let depth = this.stack.length - 1;
    while (depth >= 0 && (this.stack[depth] as RawComponent).name !== compName) depth--;
    if (depth < 0) throw new SkippedLine('line_misplaced', this.currentText());
    while (this.stack.length > depth + 1) this.close(true);
    this.close(false);
  }

  private close(unclosed: boolean): void {
    const comp = this.stack.pop() as RawComponent;
    if (this.timezoneDepth > 0) this.timezoneDepth -= 1;
    if (unclosed) this.warn('structure_repaired', comp.line, null, comp.name);
  }

  /** A property line of `top` (the current line, its value from `valueStart`); `personKey` for ATTENDEE and ORGANIZER lines of a VEVENT. */
  private property(known: KnownName | null, name: string, valueStart: number, top: RawComponent, personKey: string | null): void {
    const { src, start, end, nameEnd, lineNo } = this.current;
    const inTimezone = this.timezoneDepth > 0;
    const wanted =
      inTimezone ||
      (top.name === 'VEVENT' && (known ? known.inEvent : EVENT_PROPS.has(name))) ||
      (top.name === 'VCALENDAR' && (known ? known.inCalendar : CALENDAR_PROPS.has(name)));
    if (!wanted) return;
    // RRULE values are read by the rule reader from the text alone, which is more forgiving than
    // ical.js's property parser (`BYDAY=MO, TU`, as Exchange CDO writes it).
    let prop =
      inTimezone ? null : name === 'RRULE' ? valueOnly(name, src.slice(valueStart, end), lineNo) : fastProperty(src, start, end, nameEnd, name, lineNo, known?.fast);
    if (!prop) {
      try {
        prop = icalProperty(src.slice(start, end), name, src.slice(valueStart, end), lineNo, top.jcalProps);
      } catch {
        throw new SkippedLine('property_skipped', name);
      }
    }
    if (personKey !== null) {
      if (name === 'ATTENDEE') {
        const attendee = readAttendee(prop);
        this.attendeeLines.set(personKey, attendee);
        top.attendees.push(attendee);
      } else {
        const organizer = address(textValue(prop));
        this.organizerLines.set(personKey, organizer);
        top.organizer ??= organizer;
      }
      return;
    }
    top.props.push(prop);
  }

  /** At the end of the text: close what is open, or refuse a text without a calendar. */
  finish(): RawComponent[] {
    while (this.stack.length > 0) this.close(true);
    if (this.calendars.length === 0) throw parseError(this.firstContentLine || 1, 'expected BEGIN:VCALENDAR');
    return this.calendars;
  }
}

/** Whether `src` holds `word` at `at` (the caller checks that it fits): a loop over the codes costs less than `startsWith` here. */
function spellsAt(src: string, at: number, word: string): boolean {
  for (let i = 0; i < word.length; i++) if (src.charCodeAt(at + i) !== word.charCodeAt(i)) return false;
  return true;
}

/** End of the property name starting at `start`, or `end` when the line has no valid name. */
function nameEndOf(src: string, start: number, end: number): number {
  for (let i = start; i < end; i++) {
    const c = src.charCodeAt(i);
    if (c === 58 /* : */ || c === 59 /* ; */) return i;
    if (!isNameChar(c)) return end;
  }
  return end;
}

/**
 * Split the text into unfolded content lines and build the component tree (see the header).
 * @throws UnmeetError `ics.parse_error` (line of the first content line) when it holds no VCALENDAR.
 */
export function readCalendars(text: string, warn: Warn): RawComponent[] {
  const tree = new TreeReader(warn);
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
    if (folded !== null) tree.line(folded, 0, folded.length, currentLine);
    else if (currentStart >= 0) tree.line(text, currentStart, currentEnd, currentLine);
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
      if (currentStart >= 0 || folded !== null) folded = (folded ?? text.slice(currentStart, currentEnd)) + text.slice(pos + 1, end);
      else if (text.slice(pos, end).trim() !== '') warn('line_misplaced', lineNo, null, clip(text.slice(pos, end).trim()));
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
  return tree.finish();
}
