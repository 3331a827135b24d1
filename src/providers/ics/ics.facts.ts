/**
 * An event's facts except its time — title, status, busy/free and out-of-office, organizer,
 * attendees, description facts, conferencing — read from its VEVENT once and shared by every
 * instance of its series, and the domain `CalendarEvent` made from facts and times.
 */
import { describeText, hasConferencingLink } from '../../domain/event-facts';
import type { Attendee, CalendarEvent, DescriptionFacts, EventStatus, ResponseStatus } from '../../domain/types';
import { param, type RawComponent, type RawProp, textValue } from './ics.property';

export interface Facts {
  title: string | undefined;
  status: EventStatus | undefined;
  transparency: 'opaque' | 'transparent' | undefined;
  /** Out of office (Outlook's OOF); undefined when nothing says so. */
  away: true | undefined;
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
export function address(value: string | null): string {
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
export function readAttendee(prop: RawProp): Attendee | null {
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

/** The properties the facts come from; the first line of each counts. */
const FACT_PROPS = new Set([
  'SUMMARY',
  'STATUS',
  'TRANSP',
  'X-MICROSOFT-CDO-BUSYSTATUS',
  'DESCRIPTION',
  'X-ALT-DESC',
  'X-UNMEET-OWNED',
  'URL',
  'LOCATION',
  'X-GOOGLE-CONFERENCE',
  'X-MICROSOFT-SKYPETEAMSMEETINGURL',
]);

/**
 * Busy or free from Outlook's X-MICROSOFT-CDO-BUSYSTATUS when it says (it is what Outlook shows;
 * TRANSP is derived from it on export, and only loosely), else from TRANSP. TENTATIVE blocks time
 * like BUSY; OOF blocks it and marks the member away; WORKINGELSEWHERE is free time, as Graph's
 * `showAs: workingElsewhere` is (docs/calendars.md, Out of office).
 */
function availability(transp: string | undefined, busy: string | undefined): Pick<Facts, 'transparency' | 'away'> {
  switch (busy) {
    case 'FREE':
    case 'WORKINGELSEWHERE':
      return { transparency: 'transparent', away: undefined };
    case 'OOF':
      return { transparency: 'opaque', away: true };
    case 'BUSY':
    case 'TENTATIVE':
      return { transparency: 'opaque', away: undefined };
    default: {
      const transparency = transp === 'TRANSPARENT' ? 'transparent' : transp !== undefined || busy !== undefined ? 'opaque' : undefined;
      return { transparency, away: undefined };
    }
  }
}

/**
 * The event's facts except time, read in one pass over its properties. Computed once per
 * VEVENT: every instance of a series shares its master's facts (and attendee list).
 */
export function readFacts(comp: RawComponent): Facts {
  const picked: Partial<Record<string, RawProp>> = {};
  for (const prop of comp.props) if (FACT_PROPS.has(prop.name)) picked[prop.name] ??= prop;
  const { SUMMARY: summary, DESCRIPTION: descriptionProp, 'X-ALT-DESC': altDescriptionProp } = picked;
  const statusRaw = upperText(picked.STATUS);
  const owned = textValue(picked['X-UNMEET-OWNED']);
  const descriptionText = textValue(descriptionProp);
  const altDescriptionText = textValue(altDescriptionProp);
  const [google, teams, url, location] = [picked['X-GOOGLE-CONFERENCE'], picked['X-MICROSOFT-SKYPETEAMSMEETINGURL'], picked.URL, picked.LOCATION];

  let hasConferencing: boolean | undefined;
  if (google || teams || url || location || descriptionProp || altDescriptionProp) {
    hasConferencing =
      (textValue(google) ?? '').trim() !== '' ||
      (textValue(teams) ?? '').trim() !== '' ||
      hasConferencingLink(textValue(url)) ||
      hasConferencingLink(textValue(location)) ||
      hasConferencingLink(descriptionText) ||
      hasConferencingLink(altDescriptionText);
  }

  return {
    title: summary ? (textValue(summary) ?? '') : undefined,
    status:
      statusRaw === 'CANCELLED' ? 'cancelled' : statusRaw === 'TENTATIVE' ? 'tentative' : statusRaw ? 'confirmed' : undefined,
    ...availability(upperText(picked.TRANSP), upperText(picked['X-MICROSOFT-CDO-BUSYSTATUS'])),
    organizer: comp.organizer || undefined,
    attendees: comp.attendees.length > 0 ? uniqueAttendees(comp.attendees) : undefined,
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
export function inherit(own: Facts, master: Facts | null): Facts {
  if (!master) return own;
  return {
    title: own.title ?? master.title,
    status: own.status ?? master.status,
    transparency: own.transparency ?? master.transparency,
    away: own.away ?? master.away,
    organizer: own.organizer ?? master.organizer,
    attendees: own.attendees ?? master.attendees,
    description: own.description ?? master.description,
    hasConferencing: own.hasConferencing ?? master.hasConferencing,
    createdByUnmeet: own.createdByUnmeet ?? master.createdByUnmeet,
  };
}

const NO_DESCRIPTION: DescriptionFacts = { present: false, length: 0, hasAgenda: false, hasDocLink: false };

export function makeEvent(
  facts: Facts,
  ids: { externalId: string; seriesKey: string | null; originalStart: number | null },
  start: number,
  end: number,
  allDay: boolean,
): CalendarEvent {
  const event: CalendarEvent = {
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
  // Only when it is true, so that events of other calendars keep their shape (and equality).
  if (facts.away) event.away = true;
  return event;
}
