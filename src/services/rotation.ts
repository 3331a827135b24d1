/**
 * Fair rotation, the use case: resolve the participants (workspace members or plain
 * addresses), load their carried-over burden from the workspace ledger and their busy time from
 * the free/busy sources, let the domain plan the series, keep the preview; on commit record each
 * person's burden in the ledger. The ICS export lets anyone import the series today.
 *
 * Free/busy is a port (`FreeBusySource`), asked in order: members with a Google or Outlook
 * connection are answered by their provider's free/busy (`connectedCalendarsFreeBusy`), everyone
 * else (ICS feeds, or a provider that failed) by the events already synced
 * (`storedEventsFreeBusy`). A commit can also write the series into the organizer's connected
 * calendar (`rotation-calendar.ts`); the ledger is recorded only once that write is complete.
 */
import { UnmeetError } from '../domain/errors';
import { rotationErrors } from '../domain/error-codes/rotation';
import { normalize } from '../domain/intervals';
import { decayedBurden, planRotation, type RotationInput, type RotationParticipant, type RotationPlan } from '../domain/rotation';
import { rotationToIcs } from '../domain/rotation-ics';
import type { CalendarEvent, Interval } from '../domain/types';
import { assertTimeZone, normalizeWorkingHours } from '../domain/working-hours';
import { newId } from '../db/ids';
import type { RotationRow } from '../db/rotations.repository';
import { isProviderError } from '../providers/calendar-provider';
import type { Deps } from './deps';
import { providerFor } from './providers';
import { writeRotationEvents, type RotationCalendarWrite } from './rotation-calendar';
import type { RotationRequest } from './rotation-input';

const DAY = 86_400_000;

/**
 * Busy time of some workspace members over a UTC window, keyed by lower-cased email. A source
 * answers for the members it has a key for (an empty list means "free throughout"); members it
 * leaves out are asked of the next source.
 */
export interface FreeBusySource {
  readonly name: string;
  /** Answers for every member it is asked about (no entry = free), so asking it is using it. */
  readonly answersEveryone?: boolean;
  busy(workspaceId: string, members: ReadonlyArray<{ id: string; email: string }>, window: Interval): Promise<Map<string, Interval[]>>;
}

/** An event blocks time when it is confirmed or tentative, opaque, timed and not declined by the member. */
export function isBusyFor(event: CalendarEvent, email: string): boolean {
  if (event.status === 'cancelled' || event.transparency === 'transparent' || event.allDay) return false;
  return !event.attendees.some((a) => a.email === email && a.response === 'declined');
}

/** Free/busy from events already stored by calendar sync (ICS connections today). */
export function storedEventsFreeBusy(deps: Pick<Deps, 'repos'>): FreeBusySource {
  return {
    name: 'synced-calendars',
    answersEveryone: true,
    async busy(workspaceId, members, window) {
      const emailOf = new Map(members.map((m) => [m.id, m.email]));
      const out = new Map<string, Interval[]>();
      if (members.length === 0) return out;
      for (const { memberId, event } of await deps.repos.events.listInWindow(workspaceId, window)) {
        const email = emailOf.get(memberId);
        if (email === undefined || !isBusyFor(event, email)) continue;
        out.set(email, [...(out.get(email) ?? []), { start: event.start, end: event.end }]);
      }
      return out;
    },
  };
}

/**
 * Free/busy from the members' connected Google and Outlook calendars (Google freebusy.query,
 * Graph calendarView, through the port's `freeBusy`), over every calendar of each live
 * connection. A member whose provider fails (revoked grant, outage) is left to the next source
 * (stored events), and the failure is logged.
 */
export function connectedCalendarsFreeBusy(deps: Deps): FreeBusySource {
  return {
    name: 'connected-calendars',
    async busy(workspaceId, members, window) {
      const out = new Map<string, Interval[]>();
      for (const member of members) {
        const connections = (await deps.repos.connections.list(workspaceId, member.id)).filter(
          (c) => (c.provider === 'google' || c.provider === 'microsoft') && c.status !== 'needs_reauth',
        );
        if (connections.length === 0) continue;
        try {
          const intervals: Interval[] = [];
          for (const connection of connections) {
            const calendarIds = (await deps.repos.connections.calendars(workspaceId, connection.id)).map((c) => c.externalId);
            const provider = await providerFor(deps, connection);
            if (calendarIds.length === 0 || !provider.freeBusy) throw rotationErrors.freebusy_unsupported(`no free/busy for ${connection.id}`);
            for (const busy of Object.values(await provider.freeBusy(calendarIds, window))) intervals.push(...busy);
          }
          out.set(member.email, intervals);
        } catch (error) {
          deps.logger.warn('free/busy failed, using synced events', {
            workspaceId,
            memberId: member.id,
            error: isProviderError(error) ? `provider.${error.kind}` : error instanceof UnmeetError ? error.code : String(error),
          });
        }
      }
      return out;
    },
  };
}

/** The free/busy sources of the service, in the order they are asked. */
export const rotationFreeBusySources = (deps: Deps): FreeBusySource[] => [connectedCalendarsFreeBusy(deps), storedEventsFreeBusy(deps)];

export interface RotationView extends RotationPlan {
  id: string;
  status: 'preview' | 'committed';
  createdAt: string;
  committedAt: string | null;
  /** The free/busy sources that answered for at least one participant (in the order asked), and how many participants had busy time. */
  freeBusy: { sources: string[]; participantsWithBusyTime: number };
  /** What the last commit with `writeEvents` wrote into the organizer's calendar; null when none was asked. */
  calendar: RotationCalendarWrite | null;
}

export interface LedgerView {
  halfLifeDays: number | null;
  people: Array<{ email: string; timeZone: string; burden: number; series: number; outsideHoursCount: number; nightCount: number }>;
}

const view = (row: RotationRow): RotationView => {
  const stored = row.plan as unknown as RotationPlan & { freeBusy: RotationView['freeBusy']; calendar?: RotationCalendarWrite };
  return {
    id: row.id,
    status: row.status,
    createdAt: new Date(row.createdAt).toISOString(),
    committedAt: row.committedAt === null ? null : new Date(row.committedAt).toISOString(),
    ...stored,
    // Previews stored before the solver report and the Indonesian text keep their shape.
    solver: stored.solver ?? { name: 'heuristic', levels: [], nodesPerLevel: null },
    explanations: stored.explanations ?? { en: stored.explanation, id: stored.explanation },
    calendar: stored.calendar ?? null,
  };
};

/** Each person's carried-over burden (points, decayed to `now`) and night occurrences (not decayed: a night is a night). */
async function ledgerByEmail(deps: Pick<Deps, 'repos'>, workspaceId: string, now: number, halfLifeDays?: number) {
  const byEmail = new Map<string, Array<{ burden: number; at: number }>>();
  const nights = new Map<string, number>();
  for (const row of await deps.repos.rotations.ledger(workspaceId)) {
    byEmail.set(row.email, [...(byEmail.get(row.email) ?? []), { burden: row.burden, at: row.at }]);
    nights.set(row.email, (nights.get(row.email) ?? 0) + row.nightCount);
  }
  return new Map([...byEmail].map(([email, entries]) => [email, { burden: decayedBurden(entries, now, halfLifeDays), nights: nights.get(email) ?? 0 }]));
}

/**
 * Plans a rotating series for a workspace and stores it as a preview. Participants who are
 * members take their zone and working hours from the workspace unless given; everyone's history
 * comes from the ledger unless given; members' busy time comes from `sources`. Throws
 * `rotation.invalid_input` (and the domain's zone/hours codes) for bad input.
 */
export async function previewRotation(
  deps: Pick<Deps, 'repos' | 'clock' | 'rotationPlanner'>,
  workspaceId: string,
  request: RotationRequest,
  sources: FreeBusySource[] = [storedEventsFreeBusy(deps)],
): Promise<RotationView> {
  const now = deps.clock();
  const members = new Map((await deps.repos.members.list(workspaceId)).map((m) => [m.email, m]));
  const history = await ledgerByEmail(deps, workspaceId, now, request.historyHalfLifeDays);

  const step = request.cadence.every * (request.cadence.unit === 'week' ? 7 : 1);
  const first = Date.parse(`${request.startDate}T00:00:00Z`);
  if (Number.isNaN(first)) throw rotationErrors.invalid_input(`startDate ${request.startDate} is not a calendar date.`);
  // Local dates span UTC-12..+14 and a meeting may run past midnight: two days of slack either side.
  const window = { start: first - 2 * DAY, end: first + ((request.occurrences - 1) * step + 3) * DAY };
  const known = request.participants.map((p) => members.get(p.email)).filter((m) => m !== undefined);
  const busy = new Map<string, Interval[]>();
  const used: string[] = [];
  for (const source of sources) {
    // The first source that answers for a member is theirs (a connected provider before stored events).
    const unanswered = known.filter((m) => !busy.has(m.email)).map((m) => ({ id: m.id, email: m.email }));
    if (unanswered.length === 0) break;
    const answers = await source.busy(workspaceId, unanswered, window);
    // A source counts as used only when it answered for someone: a live free/busy that failed
    // for everyone (and fell back to synced events) is not named.
    if (answers.size > 0 || source.answersEveryone) used.push(source.name);
    for (const [email, intervals] of answers) {
      busy.set(email, [...(busy.get(email) ?? []), ...intervals]);
    }
  }

  const participants: RotationParticipant[] = request.participants.map((p, i) => {
    const member = members.get(p.email);
    const timeZone = p.timeZone ?? member?.timeZone;
    if (timeZone === undefined) {
      throw rotationErrors.invalid_input(`participants.${i} (${p.email}) is not a member of this workspace: give its timeZone.`, { email: p.email });
    }
    assertTimeZone(timeZone);
    const extra = (p.busy ?? []).map((b) => ({ start: Date.parse(b.start), end: Date.parse(b.end) }));
    return {
      email: p.email,
      timeZone,
      workingHours: p.workingHours ? normalizeWorkingHours(p.workingHours) : (member?.workingHours ?? normalizeWorkingHours(undefined)),
      optIn: p.optIn,
      history: p.history ?? history.get(p.email)?.burden ?? 0,
      historyNights: p.historyNights ?? history.get(p.email)?.nights ?? 0,
      optional: p.optional,
      busy: normalize([...(busy.get(p.email) ?? []), ...extra]),
    };
  });

  const input: RotationInput = {
    title: request.title,
    durationMinutes: request.durationMinutes,
    cadence: request.cadence,
    occurrences: request.occurrences,
    startDate: request.startDate,
    gridMinutes: request.gridMinutes,
    timeZone: request.timeZone,
    allowedUtcWindows: request.allowedUtcWindows,
    participants,
  };
  // Off the request thread with the exact solver where the runtime has one (Node).
  const plan = deps.rotationPlanner ? await deps.rotationPlanner(input) : planRotation(input);
  const freeBusy = { sources: used, participantsWithBusyTime: participants.filter((p) => (p.busy?.length ?? 0) > 0).length };
  const row = await deps.repos.rotations.create(workspaceId, {
    id: newId('rot'),
    title: request.title,
    status: 'preview',
    input: request as unknown as Record<string, unknown>,
    plan: { ...plan, freeBusy } as unknown as Record<string, unknown>,
    createdAt: now,
  });
  return view(row);
}

export async function getRotation(deps: Pick<Deps, 'repos'>, workspaceId: string, id: string): Promise<RotationView> {
  const row = await deps.repos.rotations.get(workspaceId, id);
  if (!row) throw rotationErrors.not_found(`No rotation ${id} in this workspace.`);
  return view(row);
}

/**
 * Commits a preview: records each participant's pain of this series in the ledger (dated at the
 * series' last occurrence, so decay starts once the series is over), all or nothing. With
 * `writeEvents`, first creates every occurrence in the `organizer`'s connected calendar (see
 * `writeRotationEvents`, whose checks fail with 422 codes before anything is written); the
 * outcome is stored on the rotation (`calendar`), and when some occurrence could not be
 * written the rotation stays a preview with no ledger entry: committing again resumes, finding
 * the events already written by their deterministic ids.
 */
export async function commitRotation(
  deps: Deps,
  workspaceId: string,
  id: string,
  options: { writeEvents?: boolean | undefined; organizer?: string | undefined } = {},
): Promise<RotationView> {
  const current = await getRotation(deps, workspaceId, id);
  if (current.status === 'committed') throw rotationErrors.conflict(`Rotation ${id} is already committed.`);
  if (options.writeEvents) {
    const calendar = await writeRotationEvents(deps, workspaceId, current, options.organizer);
    const row = (await deps.repos.rotations.get(workspaceId, id))!;
    await deps.repos.rotations.updatePlan(workspaceId, id, { ...row.plan, calendar });
    if (!calendar.complete) return getRotation(deps, workspaceId, id);
  }
  const lastEnd = Math.max(...current.occurrences.map((o) => Date.parse(o.end)));
  const committed = await deps.repos.rotations.commit(
    workspaceId,
    id,
    current.ledger.map((l) => ({ email: l.email, timeZone: l.timeZone, burden: l.seriesPain, outsideHoursCount: l.outsideHoursCount, nightCount: l.nightCount, at: lastEnd })),
    deps.clock(),
  );
  if (!committed) throw rotationErrors.conflict(`Rotation ${id} is already committed.`);
  return getRotation(deps, workspaceId, id);
}

/** The workspace's burden ledger per person, decayed to now when a half-life is given; ordered by email. */
export async function rotationLedger(deps: Pick<Deps, 'repos' | 'clock'>, workspaceId: string, halfLifeDays?: number): Promise<LedgerView> {
  const now = deps.clock();
  const people = new Map<string, LedgerView['people'][number] & { entries: Array<{ burden: number; at: number }> }>();
  for (const row of await deps.repos.rotations.ledger(workspaceId)) {
    const person = people.get(row.email) ?? { email: row.email, timeZone: row.timeZone, burden: 0, series: 0, outsideHoursCount: 0, nightCount: 0, entries: [] };
    person.timeZone = row.timeZone;
    person.series++;
    person.outsideHoursCount += row.outsideHoursCount;
    person.nightCount += row.nightCount;
    person.entries.push({ burden: row.burden, at: row.at });
    people.set(row.email, person);
  }
  return {
    halfLifeDays: halfLifeDays ?? null,
    people: [...people.values()]
      .sort((a, b) => a.email.localeCompare(b.email))
      .map(({ entries, ...p }) => ({ ...p, burden: decayedBurden(entries, now, halfLifeDays) })),
  };
}

/** The series as an ICS file (each occurrence its own event, tagged as ours). */
export async function rotationIcs(deps: Pick<Deps, 'repos' | 'clock'>, workspaceId: string, id: string): Promise<string> {
  const rotation = await getRotation(deps, workspaceId, id);
  return rotationToIcs({ id: rotation.id, plan: rotation, now: deps.clock() });
}
