/**
 * Storing a read ICS feed: the one place an import's writes are made. On Workers, in tests and
 * with an in-memory database that is the request's own code; on Node with a database file it is
 * the parse thread that read the feed (src/entry/ics-parse-thread.ts), through its own SQLite
 * connection: a feed's up to 100,000 instances then never cross to the request thread, and their
 * insert (about a second) never holds it. So this module imports only what a thread can load.
 */
import type { ConnectionRow } from '../db/connections.repository';
import type { Repositories } from '../db/repositories';
import type { StoredSyncWarnings } from '../db/schema';
import type { FeedValidators } from '../providers/ics/ics.fetch';
import type { IcsWarning, IcsWindow, ParsedIcs } from '../providers/ics/ics.mapper';

/** What an ICS import left out or kept despite a problem (see `IcsWarning` in ics.mapper.ts). */
export interface IcsImportWarnings {
  warnings: IcsWarning[];
  /** Per warning code, including those past the listed ones. */
  warningCounts: ParsedIcs['warningCounts'];
}

const NOTE_LINES = 5;

/**
 * The connection's `syncNote` after an import: `ics.warnings: ` and one summary per warning code
 * with its count and first lines, e.g. `instance_cap 3726 (lines 1643, 1649, …)`; null when there
 * was nothing to report. A note rather than a column so that it needs no migration.
 */
export function icsWarningNote(parsed: IcsImportWarnings): string | null {
  const parts = Object.entries(parsed.warningCounts).map(([code, count]) => {
    const lines = parsed.warnings.filter((w) => w.code === code).map((w) => w.line);
    const shown = lines.slice(0, NOTE_LINES).join(', ');
    return `${code} ${count} (line${lines.length === 1 ? '' : 's'} ${shown}${count > NOTE_LINES ? ', …' : ''})`;
  });
  return parts.length === 0 ? null : `ics.warnings: ${parts.join('; ')}`;
}

/**
 * What `connections.sync_warnings` keeps of an import's warnings: the counts and the listed ones
 * as facts (code, line, UID, the language-neutral `detail` the reader gives), or null for a clean
 * feed; src/domain/ics-warnings.ts phrases them in the viewer's language. Each import replaces
 * the previous list.
 */
export function storedWarnings(parsed: IcsImportWarnings, at: number): StoredSyncWarnings | null {
  const counts = Object.fromEntries(Object.entries(parsed.warningCounts).filter((entry): entry is [string, number] => typeof entry[1] === 'number'));
  if (Object.keys(counts).length === 0) return null;
  const items = parsed.warnings.map((w) => ({ code: w.code, line: w.line, uid: w.uid, detail: w.detail ?? '' }));
  return { at, counts, items };
}

/** What to store once a feed was read: a new connection with its calendar, or a calendar's replacement. */
export type FeedWrite = { workspaceId: string; window: IcsWindow; now: number; validators: FeedValidators } & (
  | {
      kind: 'create';
      connection: { id: string; memberId: string; label: string; credentials: string | null };
      /** The calendar's name when the feed names none. */
      fallbackName: string;
    }
  | { kind: 'replace'; connectionId: string; calendarId: string }
);

/** What was stored: the connection's new sync facts (and the row, for a new one), and what the feed held. */
export interface StoredFeed extends IcsImportWarnings {
  events: number;
  facts: Pick<ConnectionRow, 'lastSyncAt' | 'lastError' | 'lastErrorAt' | 'syncedThroughAt' | 'syncNote' | 'syncNoteAt' | 'syncWarnings'>;
  created: ConnectionRow | null;
}

/**
 * Stores `parsed` as `write` says, each kind in as few atomic units as it can: a new connection
 * with its calendar, events and feed state in one; a replacement's events with the feed state in
 * one, then the connection's status.
 */
export async function writeFeed(repos: Pick<Repositories, 'connections' | 'events'>, write: FeedWrite, parsed: ParsedIcs, hash: string): Promise<StoredFeed> {
  const { workspaceId, window, now } = write;
  const note = icsWarningNote(parsed);
  const facts = { lastSyncAt: now, lastError: null, lastErrorAt: null, syncedThroughAt: now, syncNote: note, syncNoteAt: note ? now : null, syncWarnings: storedWarnings(parsed, now) };
  const state = { ...write.validators, hash };
  const summary = { events: parsed.events.length, facts, warnings: parsed.warnings, warningCounts: parsed.warningCounts };
  if (write.kind === 'create') {
    const { lastSyncAt, syncedThroughAt, syncNote, syncNoteAt, syncWarnings } = facts;
    const created = await repos.connections.createFeed(
      workspaceId,
      { ...write.connection, lastSyncAt, syncedThroughAt, syncNote, syncNoteAt, syncWarnings },
      { externalId: 'ics', name: parsed.name ?? write.fallbackName, timeZone: parsed.timeZone },
      { events: parsed.events, window, now, state },
    );
    return { ...summary, created };
  }
  await repos.events.replaceCalendar(workspaceId, write.calendarId, parsed.events, window, now, { feed: state });
  await repos.connections.setStatus(workspaceId, write.connectionId, 'ok', facts);
  return { ...summary, created: null };
}
