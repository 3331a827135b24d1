import { DateTime } from 'luxon';
import { z } from 'zod';
import { describeText, hasConferencingLink } from '../../domain/event-facts';
import type { Attendee, CalendarEvent, ResponseStatus } from '../../domain/types';
import type { EventChange, OwnedEventDraft } from '../calendar-provider';

/**
 * Google Calendar v3 event JSON → domain changes. Pure: validated with zod, vendor shapes stop
 * here. Events unmeet created carry `extendedProperties.private.unmeet = "1"`; Google forbids
 * filtering on it during incremental sync, so they are recognised here, on the client side.
 */
export const UNMEET_TAG = 'unmeet';

const when = z.object({ dateTime: z.string().optional(), date: z.string().optional(), timeZone: z.string().optional() });

export const googleEvent = z.object({
  id: z.string().min(1),
  status: z.enum(['confirmed', 'tentative', 'cancelled']).optional(),
  summary: z.string().optional(),
  description: z.string().optional(),
  location: z.string().optional(),
  start: when.optional(),
  end: when.optional(),
  iCalUID: z.string().optional(),
  recurringEventId: z.string().optional(),
  originalStartTime: when.optional(),
  transparency: z.enum(['opaque', 'transparent']).optional(),
  eventType: z.string().optional(),
  organizer: z.object({ email: z.string().optional() }).optional(),
  attendees: z
    .array(
      z.object({
        email: z.string().optional(),
        displayName: z.string().optional(),
        responseStatus: z.string().optional(),
        optional: z.boolean().optional(),
        resource: z.boolean().optional(),
      }),
    )
    .optional(),
  hangoutLink: z.string().optional(),
  conferenceData: z.unknown().optional(),
  extendedProperties: z.object({ private: z.record(z.string(), z.string()).optional() }).optional(),
});
export type GoogleEvent = z.infer<typeof googleEvent>;

const responses: Record<string, ResponseStatus> = {
  accepted: 'accepted',
  declined: 'declined',
  tentative: 'tentative',
  needsAction: 'needsAction',
};

/** An instant of a `start`/`end`: dateTime carries its offset; an all-day date is midnight in the calendar's zone. */
function instant(value: z.infer<typeof when>, calendarZone: string): number | null {
  if (value.dateTime) {
    const ms = Date.parse(value.dateTime);
    return Number.isNaN(ms) ? null : ms;
  }
  if (value.date) {
    const day = DateTime.fromISO(value.date, { zone: value.timeZone ?? calendarZone });
    return day.isValid ? day.toMillis() : null;
  }
  return null;
}

/**
 * Maps one item of an `events.list` page. Cancelled items (which may carry nothing but `id`,
 * `recurringEventId` and `originalStartTime`) become removals; items that fail validation or
 * have no usable times are skipped rather than failing the page.
 */
export function mapGoogleItem(raw: unknown, calendarZone: string): EventChange | null {
  const parsed = googleEvent.safeParse(raw);
  if (!parsed.success) return null;
  const e = parsed.data;
  if (e.status === 'cancelled') return { kind: 'remove', externalId: e.id };
  if (!e.start || !e.end) return null;
  const start = instant(e.start, calendarZone);
  const end = instant(e.end, calendarZone);
  if (start === null || end === null) return null;
  const attendees: Attendee[] = (e.attendees ?? [])
    .filter((a) => a.email)
    .map((a) => ({
      email: a.email!.toLowerCase(),
      ...(a.displayName ? { name: a.displayName } : {}),
      response: responses[a.responseStatus ?? ''] ?? 'needsAction',
      optional: a.optional === true,
      ...(a.resource ? { resource: true } : {}),
    }));
  const event: CalendarEvent = {
    externalId: e.id,
    seriesKey: e.recurringEventId ? (e.iCalUID ?? e.recurringEventId) : null,
    originalStart: e.originalStartTime ? instant(e.originalStartTime, calendarZone) : null,
    title: e.summary ?? '',
    start,
    end: Math.max(start, end),
    allDay: !e.start.dateTime,
    status: e.status ?? 'confirmed',
    // A working-location entry says where, not that the time is taken; the member's own focus
    // time (eventType focusTime) stays an opaque personal block, like any other.
    transparency: e.transparency === 'transparent' || e.eventType === 'workingLocation' ? 'transparent' : 'opaque',
    organizer: e.organizer?.email?.toLowerCase() ?? null,
    attendees,
    description: describeText(e.description),
    hasConferencing: Boolean(e.hangoutLink || e.conferenceData) || hasConferencingLink(`${e.location ?? ''}\n${e.description ?? ''}`),
    createdByUnmeet: e.extendedProperties?.private?.[UNMEET_TAG] === '1',
    // Google's own out-of-office entry (guides/event-types): the audit and the planner take it out of working time.
    ...(e.eventType === 'outOfOffice' ? { away: true } : {}),
  };
  return { kind: 'upsert', event };
}

/** RFC 3339 with offset 0 and no milliseconds, as Google writes instants. */
const googleInstant = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

/**
 * The Google event body for a block we own: tagged as ours, opaque and timed; as focus time
 * (`eventType: 'focusTime'` with `focusTimeProperties`) when `asFocusTime`, else a normal busy
 * event (where Google refuses focus time, e.g. consumer accounts).
 */
export function toGoogleOwnedEvent(draft: OwnedEventDraft, asFocusTime: boolean): Record<string, unknown> {
  const body: Record<string, unknown> = {
    id: draft.clientId,
    summary: draft.title,
    description: draft.description,
    start: { dateTime: googleInstant(draft.start), timeZone: draft.timeZone },
    end: { dateTime: googleInstant(draft.end), timeZone: draft.timeZone },
    transparency: 'opaque',
    // A meeting keeps the member's usual reminders; a focus block needs none.
    reminders: { useDefault: draft.kind === 'rotation' },
    extendedProperties: { private: { [UNMEET_TAG]: '1', [`${UNMEET_TAG}Kind`]: draft.kind ?? 'focus' } },
  };
  if (draft.attendees?.length) {
    body.attendees = draft.attendees.map((a) => ({ email: a.email, ...(a.name ? { displayName: a.name } : {}) }));
    body.guestsCanModify = false;
  }
  if (asFocusTime) {
    body.eventType = 'focusTime';
    body.focusTimeProperties = {
      autoDeclineMode: draft.focus.autoDeclineMode,
      chatStatus: 'doNotDisturb',
      ...(draft.focus.autoDeclineMode !== 'declineNone' && draft.focus.declineMessage ? { declineMessage: draft.focus.declineMessage } : {}),
    };
  }
  return body;
}

/** New start and end of a block we own, for `events.patch`. */
export const toGoogleTimes = (times: { start: number; end: number; timeZone: string }) => ({
  start: { dateTime: googleInstant(times.start), timeZone: times.timeZone },
  end: { dateTime: googleInstant(times.end), timeZone: times.timeZone },
});

/** What the write path needs to know of a fetched event: deleted, ours, and its times. */
export function ownedEventState(raw: unknown): { cancelled: boolean; ours: boolean; start: number | null; end: number | null; focusTime: boolean } {
  const parsed = googleEvent.safeParse(raw);
  if (!parsed.success) return { cancelled: false, ours: false, start: null, end: null, focusTime: false };
  const e = parsed.data;
  const at = (w: z.infer<typeof when> | undefined) => (w?.dateTime ? Date.parse(w.dateTime) : null);
  return {
    cancelled: e.status === 'cancelled',
    ours: e.extendedProperties?.private?.[UNMEET_TAG] === '1',
    start: at(e.start),
    end: at(e.end),
    focusTime: e.eventType === 'focusTime',
  };
}
