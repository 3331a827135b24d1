/**
 * Builders for the iCalendar text tests feed to the service (uploads, subscription servers),
 * so each test states only what matters to it. Lines come out in one fixed order (UID, DTSTAMP,
 * DTSTART, DTEND, RRULE, SUMMARY, DESCRIPTION, ORGANIZER, ATTENDEE…, then extra lines) and are
 * joined with CRLF, as RFC 5545 asks. Tests of the parser itself keep their hand-written text.
 */

/** The DTSTAMP tests use unless they say otherwise: before any test clock. */
export const TEST_DTSTAMP = '20261101T000000Z';

/** An instant as an iCalendar UTC DATE-TIME (`20261102T090000Z`), from epoch ms or an ISO string. */
export function icsDateTime(instant: number | string): string {
  return new Date(instant).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

export interface IcsAttendee {
  email: string;
  /** PARTSTAT; `null` leaves the parameter out. Default `ACCEPTED`. */
  partstat?: string | null;
}

export interface IcsEventSpec {
  uid: string;
  /** Epoch ms, an ISO instant, or a value already in iCalendar form (used as is). */
  start: number | string;
  /** As `start`; or give `minutes`. */
  end?: number | string;
  minutes?: number;
  title?: string;
  description?: string;
  rrule?: string;
  organizer?: string;
  attendees?: Array<string | IcsAttendee>;
  /** DTSTAMP value; `null` leaves it out. Default {@link TEST_DTSTAMP}. */
  dtstamp?: string | null;
  /** Further property lines, placed before END:VEVENT. */
  lines?: string[];
}

const isIcsForm = (value: number | string) => typeof value === 'string' && /^\d{8}(T\d{6}Z?)?$/.test(value);
const asIcs = (value: number | string) => (isIcsForm(value) ? String(value) : icsDateTime(value));

/** One VEVENT as lines, BEGIN to END. */
export function icsEvent(spec: IcsEventSpec): string[] {
  const end =
    spec.end !== undefined
      ? asIcs(spec.end)
      : spec.minutes !== undefined
        ? icsDateTime(new Date(isIcsForm(spec.start) ? fromIcs(String(spec.start)) : spec.start).getTime() + spec.minutes * 60_000)
        : undefined;
  const attendee = (a: string | IcsAttendee) => {
    const { email, partstat = 'ACCEPTED' } = typeof a === 'string' ? { email: a } : a;
    return `ATTENDEE${partstat === null ? '' : `;PARTSTAT=${partstat}`}:mailto:${email}`;
  };
  return [
    'BEGIN:VEVENT',
    `UID:${spec.uid}`,
    ...(spec.dtstamp === null ? [] : [`DTSTAMP:${spec.dtstamp ?? TEST_DTSTAMP}`]),
    `DTSTART:${asIcs(spec.start)}`,
    ...(end === undefined ? [] : [`DTEND:${end}`]),
    ...(spec.rrule ? [`RRULE:${spec.rrule}`] : []),
    ...(spec.title !== undefined ? [`SUMMARY:${spec.title}`] : []),
    ...(spec.description ? [`DESCRIPTION:${spec.description}`] : []),
    ...(spec.organizer ? [`ORGANIZER:mailto:${spec.organizer}`] : []),
    ...(spec.attendees ?? []).map(attendee),
    ...(spec.lines ?? []),
    'END:VEVENT',
  ];
}

/** `20261102T090000Z` back to epoch ms. */
function fromIcs(value: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2}))?/.exec(value)!;
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0));
}

export interface IcsCalendarOptions {
  /** Default `-//test//EN`. */
  prodId?: string;
  /** Calendar properties after PRODID (X-WR-CALNAME, …). */
  headers?: string[];
}

/**
 * A whole VCALENDAR: each event as lines (from {@link icsEvent}) or as ready text, CRLF line
 * ends and a final CRLF.
 */
export function icsCalendar(events: ReadonlyArray<string[] | string>, options: IcsCalendarOptions = {}): string {
  return [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    `PRODID:${options.prodId ?? '-//test//EN'}`,
    ...(options.headers ?? []),
    ...events.flatMap((e) => (typeof e === 'string' ? [e] : e)),
    'END:VCALENDAR',
    '',
  ].join('\r\n');
}
