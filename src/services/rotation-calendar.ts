/**
 * Writing a committed rotation into the organizer's connected calendar: each occurrence its own
 * event, tagged as ours, the other participants invited.
 *
 * The story: find the organizer (a participant who is a member with a Google or Outlook
 * calendar), then create every occurrence through the provider port with a client id derived
 * from the rotation and the occurrence index, so a retried or repeated commit finds the events
 * an earlier try created instead of duplicating them. Every write is recorded in
 * `provider_writes`. A failure on one occurrence does not stop the others (except a revoked
 * grant, which would fail them all); the result lists each occurrence's outcome, and the caller
 * records the ledger only when the whole series is in the calendar.
 */
import { rotationErrors } from '../domain/error-codes/rotation';
import { ownedEventId } from '../providers/owned-event-id';
import type { ConnectionRow } from '../db/connections.repository';
import { isProviderError, type OwnedEventDraft } from '../providers/calendar-provider';
import type { Deps } from './deps';
import { providerFor } from './providers';
import type { RotationView } from './rotation';

export type OccurrenceWriteOutcome = 'created' | 'exists' | 'updated' | 'moved_by_organizer' | 'deleted_by_organizer' | 'failed' | 'not_attempted';

export interface RotationCalendarWrite {
  organizer: string;
  provider: 'google' | 'microsoft';
  connectionId: string;
  /** Every occurrence is in the calendar (or was moved or deleted there by the organizer after we wrote it). */
  complete: boolean;
  events: Array<{ index: number; start: string; clientId: string; externalId: string | null; outcome: OccurrenceWriteOutcome; error?: string }>;
}

/**
 * The provider client id of one occurrence: `unmeetr` + 26 base32hex characters of SHA-256 over
 * the workspace, the rotation and the occurrence index. A valid Google event id and Graph
 * transactionId; the same occurrence always gets the same id, so writes never duplicate.
 */
export async function rotationClientId(workspaceId: string, rotationId: string, index: number): Promise<string> {
  return ownedEventId('unmeetr', `${workspaceId}|rotation|${rotationId}|${index}`);
}

/** The organizer's calendar to write to: the first live Google or Outlook connection, its primary calendar. */
async function organizerCalendar(deps: Deps, workspaceId: string, memberId: string): Promise<{ connection: ConnectionRow; calendarExternalId: string } | null> {
  for (const connection of await deps.repos.connections.list(workspaceId, memberId)) {
    if ((connection.provider !== 'google' && connection.provider !== 'microsoft') || connection.status === 'needs_reauth') continue;
    const calendars = await deps.repos.connections.calendars(workspaceId, connection.id);
    const calendar = calendars.find((c) => c.isPrimary) ?? calendars[0];
    if (calendar) return { connection, calendarExternalId: calendar.externalId };
  }
  return null;
}

export const ROTATION_DESCRIPTION =
  'Scheduled by unmeet: this series rotates its time so that early and late hours are shared fairly across time zones.';

/**
 * Checks the organizer and creates (or finds) every occurrence in their calendar. Throws, before
 * any write, `rotation.organizer_required`, `rotation.organizer_not_participant`,
 * `rotation.organizer_not_member`, `rotation.organizer_not_connected` (no Google/Outlook
 * calendar) or `rotation.calendar_write_unsupported`.
 */
export async function writeRotationEvents(deps: Deps, workspaceId: string, rotation: RotationView, organizerEmail: string | undefined): Promise<RotationCalendarWrite> {
  if (!organizerEmail) {
    throw rotationErrors.organizer_required('writeEvents needs `organizer`: the email of the participant whose calendar holds the series.');
  }
  const organizer = organizerEmail.trim().toLowerCase();
  const participants = rotation.ledger.map((l) => l.email);
  if (!participants.includes(organizer)) {
    throw rotationErrors.organizer_not_participant(`${organizer} is not a participant of rotation ${rotation.id}.`, { email: organizer });
  }
  const members = await deps.repos.members.list(workspaceId);
  const member = members.find((m) => m.email === organizer);
  if (!member) {
    throw rotationErrors.organizer_not_member(`${organizer} is not a member of this workspace, so unmeet has no calendar of theirs to write to. Import the ICS from GET /v1/rotations/{id}/ics instead.`, { email: organizer });
  }
  const target = await organizerCalendar(deps, workspaceId, member.id);
  if (!target) {
    throw rotationErrors.organizer_not_connected(`${organizer} has no connected Google or Outlook calendar (ICS feeds are read-only). Connect one, or import the ICS from GET /v1/rotations/{id}/ics.`, { email: organizer });
  }
  const provider = await providerFor(deps, target.connection);
  if (!provider.upsertOwnedEvent) {
    throw rotationErrors.calendar_write_unsupported(`unmeet cannot write events to ${target.connection.provider} calendars yet.`);
  }

  const names = new Map(members.map((m) => [m.email, m.name]));
  const attendees = participants.filter((e) => e !== organizer).map((email) => ({ email, name: names.get(email) ?? undefined }));
  const { connection, calendarExternalId: calendarId } = target;
  const result: RotationCalendarWrite = { organizer, provider: connection.provider as 'google' | 'microsoft', connectionId: connection.id, complete: false, events: [] };
  let stopped: string | null = null;
  for (const occurrence of rotation.occurrences) {
    const clientId = await rotationClientId(workspaceId, rotation.id, occurrence.index);
    const entry: RotationCalendarWrite['events'][number] = { index: occurrence.index, start: occurrence.start, clientId, externalId: null, outcome: 'not_attempted' };
    result.events.push(entry);
    if (stopped) {
      entry.error = stopped;
      continue;
    }
    const draft: OwnedEventDraft = {
      clientId,
      kind: 'rotation',
      title: rotation.title,
      description: ROTATION_DESCRIPTION,
      start: Date.parse(occurrence.start),
      end: Date.parse(occurrence.end),
      timeZone: member.timeZone,
      attendees,
      // Found at other times on a resumed commit: the organizer moved it, and their move stands.
      ifMoved: 'keep',
      focus: { asFocusTime: false, autoDeclineMode: 'declineNone' },
    };
    const log = (id: string, outcome: string) =>
      deps.repos.focus.recordWrite(workspaceId, { connectionId: connection.id, action: 'rotation.create', target: `${calendarId}/${id}`, outcome, at: deps.clock() });
    try {
      const written = await provider.upsertOwnedEvent(calendarId, draft);
      entry.externalId = written.externalId;
      entry.outcome = written.outcome === 'moved' ? 'moved_by_organizer' : written.outcome;
      await log(written.externalId, written.outcome);
    } catch (error) {
      if (isProviderError(error) && error.kind === 'gone') {
        // Written by an earlier try, then deleted by the organizer: their choice stands.
        entry.outcome = 'deleted_by_organizer';
        await log(clientId, 'gone');
        continue;
      }
      const kind = isProviderError(error) ? (error.reason === 'not_owned' ? 'not_owned' : error.kind) : 'error';
      entry.outcome = 'failed';
      entry.error = kind;
      await log(clientId, `error:${kind}`);
      // A revoked grant fails every write alike: stop, the organizer must reconnect first.
      if (isProviderError(error) && error.kind === 'auth') stopped = 'auth';
      if (!isProviderError(error)) deps.logger.warn('rotation write failed', { workspaceId, rotationId: rotation.id, error: String(error) });
    }
  }
  result.complete = result.events.every((e) => e.outcome !== 'failed' && e.outcome !== 'not_attempted');
  return result;
}
