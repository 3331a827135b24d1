/**
 * Groups a team's event instances into the series the flag rubric scores (moved out of
 * meeting-flags.ts so each file stays readable; meeting-flags re-exports it). Pure.
 */
import { DateTime } from 'luxon';
import { isAwayBlock } from './away';
import type { SeriesFacts } from './meeting-flags';
import type { CalendarEvent, Member } from './types';
import { workingIntervals } from './working-hours';

/** One-off meetings are scored only when at least this long (minutes)… */
export const ONE_OFF_MIN_MINUTES = 60;
/** …or at least this large (attendees). */
export const ONE_OFF_MIN_ATTENDEES = 8;

const MINUTE_MS = 60_000;

export interface CollectSeriesInput {
  /** Workspace members: their zones and hours decide the time-zone signals; their domains who is external. */
  members: readonly Member[];
  /** Every member's event instances; the same meeting in several calendars is counted once. */
  events: readonly CalendarEvent[];
  /** Local range (`to` exclusive), used to count occurrences and extrapolate to a year. */
  range: { from: string; to: string };
}

const domainOf = (email: string) => email.slice(email.lastIndexOf('@') + 1).toLowerCase();

const humans = (event: CalendarEvent) => event.attendees.filter((a) => !a.resource);

/** People in a meeting: attendees that are not resources, plus the organizer if not listed. */
function peopleOf(event: CalendarEvent): string[] {
  const set = new Set(humans(event).map((a) => a.email));
  if (event.organizer) set.add(event.organizer);
  return [...set];
}

/** Away blocks (an "OOO" sent to the team) are never meetings, whoever's calendar holds them. */
function isCandidate(event: CalendarEvent): boolean {
  return !event.allDay && event.status !== 'cancelled' && !event.createdByUnmeet && event.transparency === 'opaque' && peopleOf(event).length >= 2 && !isAwayBlock(event);
}

/** The most frequent value (ties → the larger), for a series' typical duration. */
function mode(values: readonly number[]): number {
  const counts = new Map<number, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best = values[0] ?? 0;
  let bestCount = 0;
  for (const [v, c] of counts) {
    if (c > bestCount || (c === bestCount && v > best)) {
      best = v;
      bestCount = c;
    }
  }
  return best;
}

function outsideHours(event: CalendarEvent, member: Member): boolean {
  const local = DateTime.fromMillis(event.start, { zone: member.timeZone });
  const from = local.minus({ days: 1 }).toISODate()!;
  const to = local.plus({ days: 2 }).toISODate()!;
  const working = workingIntervals(member.workingHours, member.timeZone, from, to);
  return !working.some((w) => w.start <= event.start && w.end >= event.end);
}

/**
 * Groups event instances into the series the rubric scores: every recurring series (by its
 * `seriesKey`) and every one-off meeting at least 60 minutes long or with at least 8 people.
 * Instances outside the range, cancelled, all-day, free/transparent, away blocks, created by unmeet or with
 * nobody but the owner are ignored. The same instance seen in several members' calendars is
 * counted once (by its external id). Facts come from the latest instance in the range (title,
 * attendees, description), durations from the most common instance length, responses from all
 * instances. Sorted by series key.
 */
export function collectSeries(input: CollectSeriesInput): SeriesFacts[] {
  const rangeStart = DateTime.fromISO(input.range.from, { zone: 'utc' }).minus({ hours: 14 }).toMillis();
  const rangeEnd = DateTime.fromISO(input.range.to, { zone: 'utc' }).plus({ hours: 12 }).toMillis();
  const rangeDays = Math.max(1, Math.round((Date.parse(`${input.range.to}T00:00:00Z`) - Date.parse(`${input.range.from}T00:00:00Z`)) / 86_400_000));
  const membersByEmail = new Map(input.members.map((m) => [m.email.toLowerCase(), m]));
  const workspaceDomains = new Set(input.members.map((m) => domainOf(m.email)));

  const groups = new Map<string, Map<string, CalendarEvent>>();
  for (const event of input.events) {
    if (event.start >= rangeEnd || event.end <= rangeStart || !isCandidate(event)) continue;
    const key = event.seriesKey ?? event.externalId;
    let instances = groups.get(key);
    if (!instances) groups.set(key, (instances = new Map()));
    const instanceKey = event.originalStart !== null ? `${event.seriesKey}::${event.originalStart}` : event.externalId;
    const seen = instances.get(instanceKey);
    // Prefer the organizer's copy (it has everyone's responses), else the first seen.
    if (!seen || (event.organizer && peopleOf(event).length > peopleOf(seen).length)) instances.set(instanceKey, event);
  }

  const out: SeriesFacts[] = [];
  for (const [key, instanceMap] of groups) {
    const instances = [...instanceMap.values()].sort((a, b) => a.start - b.start);
    const latest = instances[instances.length - 1]!;
    const recurring = latest.seriesKey !== null;
    const people = peopleOf(latest);
    const durationMinutes = Math.round(mode(instances.map((e) => e.end - e.start)) / MINUTE_MS);
    if (!recurring && durationMinutes < ONE_OFF_MIN_MINUTES && people.length < ONE_OFF_MIN_ATTENDEES) continue;

    const attendees = humans(latest);
    const optionalCount = attendees.filter((a) => a.optional).length;
    const externalCount = people.filter((p) => !workspaceDomains.has(domainOf(p))).length;

    const memberAttendees = people.map((p) => membersByEmail.get(p)).filter((m): m is Member => m !== undefined);
    const offsets = memberAttendees.map((m) => DateTime.fromMillis(latest.start, { zone: m.timeZone }).offset / 60);
    const zoneSpreadHours = offsets.length >= 2 ? Math.max(...offsets) - Math.min(...offsets) : 0;
    const required = new Set(
      attendees.filter((a) => !a.optional && a.response !== 'declined').map((a) => a.email).concat(latest.organizer ? [latest.organizer] : []),
    );
    const outsideHoursAttendees = memberAttendees
      .filter((m) => required.has(m.email) && outsideHours(latest, m))
      .map((m) => m.email)
      .sort();

    let responses = 0;
    let declines = 0;
    let pending = 0;
    let answered = 0;
    for (const e of instances) {
      for (const a of humans(e)) {
        if (a.email === e.organizer) continue;
        responses++;
        if (a.response === 'declined') declines++;
        if (a.response === 'needsAction') pending++;
        else answered++;
      }
    }

    out.push({
      seriesKey: key,
      title: latest.title,
      organizer: latest.organizer,
      recurring,
      occurrences: instances.length,
      attendeeCount: people.length,
      optionalCount,
      durationMinutes,
      description: latest.description,
      externalCount,
      zoneSpreadHours,
      outsideHoursAttendees,
      declineRate: responses > 0 ? declines / responses : 0,
      noResponseRate: answered > 0 && responses > 0 ? pending / responses : null,
      occurrencesPerYear: recurring ? (instances.length * 365) / rangeDays : 1,
      people: [...people].sort(),
    });
  }
  return out.sort((a, b) => (a.seriesKey < b.seriesKey ? -1 : a.seriesKey > b.seriesKey ? 1 : 0));
}
