/**
 * Builders for domain calendar events (`CalendarEvent`) in unit tests of the pure domain. The
 * defaults describe a plain confirmed, opaque, timed event with no one else in it and no
 * description; each test file wraps `calendarEvent` with the defaults its story needs (a meeting
 * with a colleague, a personal block…), so only what differs is written at the call.
 */
import type { SeriesFacts } from '../../src/domain/meeting-flags';
import type { Attendee, CalendarEvent } from '../../src/domain/types';

/** An attendee who accepted and is required, unless `overrides` say otherwise. */
export function attendee(email: string, overrides: Partial<Omit<Attendee, 'email'>> = {}): Attendee {
  return { email, response: 'accepted', optional: false, ...overrides };
}

let sequence = 0;

/** A calendar event from `start` to `end` (UTC epoch ms); every other field has a plain default. */
export function calendarEvent(fields: Pick<CalendarEvent, 'start' | 'end'> & Partial<CalendarEvent>): CalendarEvent {
  return {
    externalId: `evt-${++sequence}`,
    seriesKey: null,
    originalStart: null,
    title: 'Sync',
    allDay: false,
    status: 'confirmed',
    transparency: 'opaque',
    organizer: null,
    attendees: [],
    description: { present: false, length: 0, hasAgenda: false, hasDocLink: false },
    hasConferencing: false,
    createdByUnmeet: false,
    ...fields,
  };
}

/**
 * The facts of a plain recurring series for flag scoring: weekly, half an hour, six people, no
 * description, nobody outside their hours. Tests pass only what their story changes.
 */
export function seriesFacts(overrides: Partial<SeriesFacts> = {}): SeriesFacts {
  return {
    seriesKey: 'k',
    title: '',
    organizer: 'org@example.com',
    recurring: true,
    occurrences: 4,
    attendeeCount: 6,
    optionalCount: 0,
    durationMinutes: 30,
    description: { present: false, length: 0, hasAgenda: false, hasDocLink: false },
    externalCount: 0,
    zoneSpreadHours: 0,
    outsideHoursAttendees: [],
    declineRate: 0,
    noResponseRate: null,
    occurrencesPerYear: 52,
    ...overrides,
  };
}
