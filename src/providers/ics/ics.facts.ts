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
function uniqueAttendees(lines: Array<Attendee | null>): Attendee[] {
  // Most lists have no empty address and no repeat: such a list is used as it is, not copied.
  if (lines.length <= SCAN_DEDUPE_LIMIT && allDistinct(lines)) return lines as Attendee[];
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

/** No null and no address twice (a scan: the list is short). */
function allDistinct(lines: ReadonlyArray<Attendee | null>): boolean {
  for (let i = 0; i < lines.length; i++) {
    const attendee = lines[i];
    if (attendee == null) return false;
    for (let j = 0; j < i; j++) if ((lines[j] as Attendee).email === attendee.email) return false;
  }
  return true;
}

/** What busy or free and out-of-office come to: one shared object per answer, none made per event. */
const FREE: Pick<Facts, 'transparency' | 'away'> = { transparency: 'transparent', away: undefined };
const BUSY: Pick<Facts, 'transparency' | 'away'> = { transparency: 'opaque', away: undefined };
const AWAY: Pick<Facts, 'transparency' | 'away'> = { transparency: 'opaque', away: true };
const UNSTATED: Pick<Facts, 'transparency' | 'away'> = { transparency: undefined, away: undefined };

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
      return FREE;
    case 'OOF':
      return AWAY;
    case 'BUSY':
    case 'TENTATIVE':
      return BUSY;
    default:
      return transp === 'TRANSPARENT' ? FREE : transp !== undefined || busy !== undefined ? BUSY : UNSTATED;
  }
}

/** The first line of each property the facts come from (a switch on the name: this runs for every VEVENT). */
interface FactLines {
  summary: RawProp | undefined;
  status: RawProp | undefined;
  transp: RawProp | undefined;
  busy: RawProp | undefined;
  description: RawProp | undefined;
  altDescription: RawProp | undefined;
  owned: RawProp | undefined;
  url: RawProp | undefined;
  location: RawProp | undefined;
  google: RawProp | undefined;
  teams: RawProp | undefined;
}

function factLines(comp: RawComponent): FactLines {
  // Every field set up front: one object shape for all VEVENTs.
  const lines: FactLines = {
    summary: undefined,
    status: undefined,
    transp: undefined,
    busy: undefined,
    description: undefined,
    altDescription: undefined,
    owned: undefined,
    url: undefined,
    location: undefined,
    google: undefined,
    teams: undefined,
  };
  for (const prop of comp.props) {
    switch (prop.name) {
      case 'SUMMARY':
        lines.summary ??= prop;
        break;
      case 'STATUS':
        lines.status ??= prop;
        break;
      case 'TRANSP':
        lines.transp ??= prop;
        break;
      case 'X-MICROSOFT-CDO-BUSYSTATUS':
        lines.busy ??= prop;
        break;
      case 'DESCRIPTION':
        lines.description ??= prop;
        break;
      case 'X-ALT-DESC':
        lines.altDescription ??= prop;
        break;
      case 'X-UNMEET-OWNED':
        lines.owned ??= prop;
        break;
      case 'URL':
        lines.url ??= prop;
        break;
      case 'LOCATION':
        lines.location ??= prop;
        break;
      case 'X-GOOGLE-CONFERENCE':
        lines.google ??= prop;
        break;
      case 'X-MICROSOFT-SKYPETEAMSMEETINGURL':
        lines.teams ??= prop;
        break;
      default:
    }
  }
  return lines;
}

/**
 * The event's facts except time, read in one pass over its properties. Computed once per
 * VEVENT: every instance of a series shares its master's facts (and attendee list).
 */
export function readFacts(comp: RawComponent): Facts {
  const picked = factLines(comp);
  const { summary, description: descriptionProp, altDescription: altDescriptionProp, google, teams, url, location } = picked;
  const statusRaw = upperText(picked.status);
  const owned = textValue(picked.owned);
  const descriptionText = textValue(descriptionProp);
  const altDescriptionText = textValue(altDescriptionProp);

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
  const { transparency, away } = availability(upperText(picked.transp), upperText(picked.busy));

  return {
    title: summary ? (textValue(summary) ?? '') : undefined,
    status:
      statusRaw === 'CANCELLED' ? 'cancelled' : statusRaw === 'TENTATIVE' ? 'tentative' : statusRaw ? 'confirmed' : undefined,
    transparency,
    away,
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
