/**
 * Zone lookups for the audit's cross-zone metrics: each zone's UTC offset as a step function
 * over the audit window, and whether a meeting includes a teammate whose offset differs.
 */
import { IANAZone } from 'luxon';
import type { CalendarEvent } from './types';
import type { LocalDay } from './working-hours';

/**
 * A zone's UTC offset (minutes) as a step function over an audit window, built once per zone
 * so per-meeting lookups are a short search instead of a luxon call. A 24-hour local day has
 * one offset throughout (its length is 24 h plus its start offset minus its end offset);
 * instants on a DST day (23 or 25 h) are asked of luxon, as are instants outside the window.
 */
export interface OffsetTimeline {
  zone: IANAZone;
  from: number;
  to: number;
  /** `offsets[i]` holds from `changes[i]` (inclusive) until `changes[i + 1]`; NaN = ask luxon. */
  changes: number[];
  offsets: number[];
}

export function buildOffsetTimeline(timeZone: string, days: readonly LocalDay[]): OffsetTimeline {
  const zone = IANAZone.create(timeZone);
  const first = days[0] as LocalDay;
  const last = days[days.length - 1] as LocalDay;
  const changes: number[] = [];
  const offsets: number[] = [];
  const step = (at: number, offset: number) => {
    if (changes[changes.length - 1] === at) offsets[offsets.length - 1] = offset;
    else {
      changes.push(at);
      offsets.push(offset);
    }
  };
  step(first.start, zone.offset(first.start));
  for (const day of days) {
    if (day.end - day.start === 86_400_000) continue;
    step(day.start, NaN);
    if (day.end < last.end) step(day.end, zone.offset(day.end));
  }
  return { zone, from: first.start, to: last.end, changes, offsets };
}

function offsetAt(timeline: OffsetTimeline, instant: number): number {
  if (instant < timeline.from || instant >= timeline.to) return timeline.zone.offset(instant);
  const { changes, offsets } = timeline;
  let i = changes.length - 1;
  while (i > 0 && (changes[i] as number) > instant) i--;
  const offset = offsets[i] as number;
  return Number.isNaN(offset) ? timeline.zone.offset(instant) : offset;
}

/** Offset lookups for the cross-zone check of one member. */
export interface CrossZoneContext {
  email: string;
  zone: string;
  ownTimeline: OffsetTimeline;
  zoneByEmail: ReadonlyMap<string, string>;
  timelines: ReadonlyMap<string, OffsetTimeline>;
}

/** Whether `other` is a teammate (not the member) whose UTC offset at `instant` differs from `ownOffset`. */
function differsFrom(context: CrossZoneContext, other: string, instant: number, ownOffset: number): boolean {
  if (other === context.email) return false;
  const otherZone = context.zoneByEmail.get(other);
  if (otherZone === undefined || otherZone === context.zone) return false;
  return offsetAt(context.timelines.get(otherZone) as OffsetTimeline, instant) !== ownOffset;
}

/**
 * Whether a meeting includes another team member (attendee or organizer, not declined) whose
 * UTC offset at the meeting's start differs from the member's.
 */
export function isCrossZone(meeting: CalendarEvent, context: CrossZoneContext): boolean {
  const ownOffset = offsetAt(context.ownTimeline, meeting.start);
  if (meeting.organizer !== null && differsFrom(context, meeting.organizer, meeting.start, ownOffset)) return true;
  for (const attendee of meeting.attendees) {
    if (attendee.response !== 'declined' && !attendee.resource && differsFrom(context, attendee.email, meeting.start, ownOffset)) {
      return true;
    }
  }
  return false;
}
