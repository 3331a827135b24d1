import { DateTime } from 'luxon';
import { findWindows } from 'windows-iana';
import { z } from 'zod';
import { describeText, hasConferencingLink } from '../../domain/event-facts';
import { normalizeWorkingHours } from '../../domain/working-hours';
import type { Attendee, CalendarEvent, ResponseStatus } from '../../domain/types';
import type { EventChange, OwnedEventDraft, ProviderProfile } from '../calendar-provider';
import { ianaFromTzid } from '../time-zones/tzid';

/**
 * Microsoft Graph event and mailboxSettings JSON → domain values, and the bodies of the events
 * unmeet writes. Pure: validated with zod, vendor shapes stop here. Events unmeet created carry
 * a single-value extended property in our own namespace (`UNMEET_TAG_ID`, value: the block's
 * client id); Graph returns it only when asked with `$expand`, which delta forbids, so sync
 * also recognises our events by the ids remembered in the focus blocks table.
 */
export const UNMEET_TAG_ID = 'String {9dab2a89-a6ad-4c2e-88ef-1c1f603e875d} Name unmeetTag';
/** The Outlook category our focus blocks carry (shown to the member; not proof of ownership). */
export const FOCUS_CATEGORY = 'Focus time';
/** `$expand` that returns our tag, and only it, with an event. */
export const EXPAND_TAG = `singleValueExtendedProperties($filter=id eq '${UNMEET_TAG_ID}')`;

const dateTimeTimeZone = z.object({ dateTime: z.string(), timeZone: z.string().optional() });
const emailAddress = z.object({ address: z.string().optional(), name: z.string().optional() }).optional();

export const graphEvent = z.object({
  id: z.string().min(1),
  subject: z.string().nullish(),
  body: z.object({ contentType: z.string().optional(), content: z.string().optional() }).nullish(),
  bodyPreview: z.string().nullish(),
  start: dateTimeTimeZone.nullish(),
  end: dateTimeTimeZone.nullish(),
  isAllDay: z.boolean().nullish(),
  isCancelled: z.boolean().nullish(),
  showAs: z.string().nullish(),
  type: z.enum(['singleInstance', 'occurrence', 'exception', 'seriesMaster']).nullish(),
  seriesMasterId: z.string().nullish(),
  originalStart: z.string().nullish(),
  iCalUId: z.string().nullish(),
  organizer: z.object({ emailAddress }).nullish(),
  attendees: z
    .array(
      z.object({
        type: z.string().optional(),
        status: z.object({ response: z.string().optional() }).nullish(),
        emailAddress,
      }),
    )
    .nullish(),
  responseStatus: z.object({ response: z.string().optional() }).nullish(),
  isOnlineMeeting: z.boolean().nullish(),
  onlineMeeting: z.object({ joinUrl: z.string().nullish() }).nullish(),
  onlineMeetingUrl: z.string().nullish(),
  location: z.object({ displayName: z.string().nullish() }).nullish(),
  categories: z.array(z.string()).nullish(),
  singleValueExtendedProperties: z.array(z.object({ id: z.string(), value: z.string().nullish() })).nullish(),
});
export type GraphEvent = z.infer<typeof graphEvent>;

const responses: Record<string, ResponseStatus> = {
  accepted: 'accepted',
  organizer: 'accepted',
  declined: 'declined',
  tentativelyAccepted: 'tentative',
  none: 'needsAction',
  notResponded: 'needsAction',
};

/** `{ dateTime, timeZone }` → an instant: UTC (what `Prefer: outlook.timezone="UTC"` asks for) or a Windows/IANA zone. */
function instant(value: z.infer<typeof dateTimeTimeZone>, fallbackZone: string): number | null {
  const zone = value.timeZone ? (ianaFromTzid(value.timeZone) ?? fallbackZone) : 'UTC';
  const parsed = DateTime.fromISO(value.dateTime, { zone });
  return parsed.isValid ? parsed.toMillis() : null;
}

/** An all-day date (midnight in whatever zone Graph reports) is that local date's midnight in the calendar's zone. */
function localDate(value: z.infer<typeof dateTimeTimeZone>, calendarZone: string): number | null {
  const parsed = DateTime.fromISO(value.dateTime.slice(0, 10), { zone: calendarZone });
  return parsed.isValid ? parsed.toMillis() : null;
}

const plainText = (e: GraphEvent): string | null => {
  const content = e.body?.content;
  if (content === undefined || content === null) return e.bodyPreview ?? null;
  return content;
};

/**
 * Maps one item of a calendarView delta page. `@removed` entries and cancelled occurrences
 * become removals; series masters (calendarView lists occurrences, never masters) and items
 * without usable times are skipped rather than failing the page.
 */
export function mapGraphItem(raw: unknown, calendarZone: string): EventChange | null {
  const removed = raw as { '@removed'?: unknown; id?: unknown } | null;
  if (removed && typeof removed === 'object' && removed['@removed'] && typeof removed.id === 'string') return { kind: 'remove', externalId: removed.id };
  const parsed = graphEvent.safeParse(raw);
  if (!parsed.success) return null;
  const e = parsed.data;
  if (e.isCancelled) return { kind: 'remove', externalId: e.id };
  if (e.type === 'seriesMaster' || !e.start || !e.end) return null;
  const allDay = e.isAllDay === true;
  const start = allDay ? localDate(e.start, calendarZone) : instant(e.start, calendarZone);
  const end = allDay ? localDate(e.end, calendarZone) : instant(e.end, calendarZone);
  if (start === null || end === null) return null;
  const attendees: Attendee[] = (e.attendees ?? [])
    .filter((a) => a.emailAddress?.address)
    .map((a) => ({
      email: a.emailAddress!.address!.toLowerCase(),
      ...(a.emailAddress?.name ? { name: a.emailAddress.name } : {}),
      response: responses[a.status?.response ?? ''] ?? 'needsAction',
      optional: a.type === 'optional',
      ...(a.type === 'resource' ? { resource: true } : {}),
    }));
  const text = plainText(e);
  const recurring = e.type === 'occurrence' || e.type === 'exception';
  const originalStart = e.originalStart ? Date.parse(e.originalStart) : NaN;
  const event: CalendarEvent = {
    externalId: e.id,
    seriesKey: recurring ? (e.seriesMasterId ?? null) : null,
    originalStart: recurring && !Number.isNaN(originalStart) ? originalStart : recurring ? start : null,
    title: e.subject ?? '',
    start,
    end: Math.max(start, end),
    allDay,
    status: e.showAs === 'tentative' ? 'tentative' : 'confirmed',
    transparency: e.showAs === 'free' || e.showAs === 'workingElsewhere' ? 'transparent' : 'opaque',
    organizer: e.organizer?.emailAddress?.address?.toLowerCase() ?? null,
    attendees,
    description: describeText(text),
    hasConferencing:
      Boolean(e.isOnlineMeeting || e.onlineMeeting?.joinUrl || e.onlineMeetingUrl) ||
      hasConferencingLink(`${e.location?.displayName ?? ''}\n${text ?? ''}`),
    createdByUnmeet: ourTag(e) !== null,
    // "Show as: Away" (freeBusyStatus oof): the audit and the planner take it out of working time.
    ...(e.showAs === 'oof' ? { away: true } : {}),
  };
  return { kind: 'upsert', event };
}

/** Our tag's value on an event read with `EXPAND_TAG` (Graph may change the GUID's case), else null. */
function ourTag(e: GraphEvent): string | null {
  const wanted = UNMEET_TAG_ID.toLowerCase();
  return e.singleValueExtendedProperties?.find((p) => p.id.toLowerCase() === wanted)?.value ?? null;
}

/**
 * `{ dateTime, timeZone }` for Graph: local time in the Windows zone of `timeZone` (so Outlook
 * shows the block in the member's zone), or UTC where the IANA zone has no Windows name —
 * Graph rejects IANA names outside its own list.
 */
export function toGraphDateTime(ms: number, timeZone: string): { dateTime: string; timeZone: string } {
  const windows = findWindows(timeZone)[0];
  const zone = windows ? timeZone : 'UTC';
  const local = DateTime.fromMillis(ms, { zone }).toFormat("yyyy-LL-dd'T'HH:mm:ss");
  return { dateTime: local, timeZone: windows ?? 'UTC' };
}

/** New start and end of a block we own, for `PATCH /me/events/{id}`. */
export const toGraphTimes = (times: { start: number; end: number; timeZone: string }) => ({
  start: toGraphDateTime(times.start, times.timeZone),
  end: toGraphDateTime(times.end, times.timeZone),
});

/**
 * The Graph event body for a block we own: busy, category "Focus time", no reminder, tagged as
 * ours, and `transactionId` = the block's deterministic client id, so a repeated POST (a retry
 * after a lost answer, a concurrent run) returns the event already created instead of a second.
 */
export function toGraphOwnedEvent(draft: OwnedEventDraft): Record<string, unknown> {
  const meeting = (draft.kind ?? 'focus') !== 'focus';
  return {
    subject: draft.title,
    body: { contentType: 'text', content: draft.description },
    ...toGraphTimes(draft),
    showAs: 'busy',
    // A meeting we own (a rotation occurrence) invites its attendees (Graph sends the invitations) and keeps reminders.
    ...(meeting
      ? { isReminderOn: true, attendees: (draft.attendees ?? []).map((a) => ({ type: 'required', emailAddress: { address: a.email, ...(a.name ? { name: a.name } : {}) } })) }
      : { categories: [FOCUS_CATEGORY], isReminderOn: false }),
    transactionId: draft.clientId,
    singleValueExtendedProperties: [{ id: UNMEET_TAG_ID, value: draft.clientId }],
  };
}

/** What the write path needs to know of an event read with `EXPAND_TAG` (UTC times): deleted, ours, times. */
export function graphOwnedState(raw: unknown): { id: string | null; cancelled: boolean; ours: boolean; start: number | null; end: number | null } {
  const parsed = graphEvent.safeParse(raw);
  if (!parsed.success) return { id: null, cancelled: false, ours: false, start: null, end: null };
  const e = parsed.data;
  const at = (v: z.infer<typeof dateTimeTimeZone> | null | undefined) => (v ? instant(v, 'UTC') : null);
  return { id: e.id, cancelled: e.isCancelled === true, ours: ourTag(e) !== null, start: at(e.start), end: at(e.end) };
}

export const graphMailboxSettings = z.object({
  timeZone: z.string().nullish(),
  workingHours: z
    .object({
      daysOfWeek: z.array(z.string()).nullish(),
      startTime: z.string().nullish(),
      endTime: z.string().nullish(),
      timeZone: z.object({ name: z.string().nullish() }).nullish(),
    })
    .nullish(),
});

/** "08:30:00.0000000" → "08:30"; midnight as an end is "24:00". */
const hhmm = (value: string, isEnd: boolean): string => {
  const local = value.slice(0, 5);
  return isEnd && local === '00:00' ? '24:00' : local;
};

/**
 * `GET /me/mailboxSettings` → the member's zone and working hours. Working hours are local
 * times in `workingHours.timeZone` (a Windows name such as "Pacific Standard Time", or a
 * custom zone), so that zone becomes the member's zone when it maps to IANA, keeping hours and
 * zone together across DST; otherwise the mailbox's own zone. Unusable parts come back null.
 */
export function mapMailboxSettings(raw: unknown): ProviderProfile {
  const parsed = graphMailboxSettings.safeParse(raw);
  if (!parsed.success) return { timeZone: null, workingHours: null };
  const { timeZone, workingHours: wh } = parsed.data;
  const hoursZone = wh?.timeZone?.name ? ianaFromTzid(wh.timeZone.name) : null;
  const mailboxZone = timeZone ? ianaFromTzid(timeZone) : null;
  let workingHours = null;
  if (wh?.daysOfWeek?.length && wh.startTime && wh.endTime) {
    try {
      workingHours = normalizeWorkingHours({ days: wh.daysOfWeek, start: hhmm(wh.startTime, false), end: hhmm(wh.endTime, true) });
    } catch {
      workingHours = null;
    }
  }
  // Hours without a zone we can read would be misplaced: keep neither rather than guess.
  if (workingHours && !hoursZone && wh?.timeZone?.name && wh.timeZone.name !== timeZone) workingHours = null;
  return { timeZone: (workingHours ? hoursZone : null) ?? mailboxZone, workingHours };
}
