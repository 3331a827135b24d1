import { isUnmeetError } from '../domain/errors';
import { connectionErrors } from '../domain/error-codes/connection';
import { icsErrors } from '../domain/error-codes/ics';
import { memberErrors } from '../domain/error-codes/member';
import { newId } from '../db/ids';
import type { ConnectionRow } from '../db/connections.repository';
import type { StoredSyncWarnings } from '../db/schema';
import { phraseIcsWarning } from '../domain/ics-warnings';
import { fetchIcsFeed, type FeedValidators, type FetchedFeed } from '../providers/ics/ics.fetch';
import type { IcsWarning, ParseIcsOptions } from '../providers/ics/ics.mapper';
import type { Deps } from './deps';
import { writeFeed, type FeedWrite, type IcsImportWarnings, type StoredFeed } from './feed-write';
import { inlineFeedParser, type FeedParser, type FeedText, type StoredRead } from './ics-parse-pool';

const DAY = 86_400_000;
/** How much of a calendar is kept: half a year back for audits, half a year ahead for planning. */
export const SYNC_WINDOW_DAYS = { past: 182, future: 182 };

export const syncWindow = (now: number) => ({
  start: Math.floor(now / DAY - SYNC_WINDOW_DAYS.past) * DAY,
  end: Math.ceil(now / DAY + SYNC_WINDOW_DAYS.future) * DAY,
});

/** A subscription URL, or an uploaded file (as text, or as the bytes it arrived in). */
export type IcsSource = { url: string } | { body: FeedText; name?: string | undefined };

export const icsRefreshJobKey = (connectionId: string) => `ics.refresh:${connectionId}`;

/** The warnings of the stored list in the shape an import answers, for a refresh that found the feed unchanged. */
const warningsOf = (stored: StoredSyncWarnings | null): IcsImportWarnings => ({
  warnings: (stored?.items ?? []).map((i) => ({ code: i.code as IcsWarning['code'], line: i.line, uid: i.uid, message: phraseIcsWarning(i), ...(i.detail !== undefined && { detail: i.detail }) })),
  warningCounts: (stored?.counts ?? {}) as IcsImportWarnings['warningCounts'],
});

const NO_VALIDATORS: FeedValidators = { etag: null, lastModified: null };

type ReadSource = Extract<FetchedFeed, { notModified: true }> | { notModified: false; text: FeedText; validators: FeedValidators };

async function readSource(deps: Deps, source: IcsSource, conditions?: FeedValidators): Promise<ReadSource> {
  return 'url' in source ? fetchIcsFeed(source.url, deps.ics, conditions) : { notModified: false, text: source.body, validators: NO_VALIDATORS };
}

const parserOf = (deps: Deps): FeedParser => deps.feedParser ?? inlineFeedParser;

/**
 * Reads a feed and stores it as `write` says: inside the parse thread when the parser reaches the
 * database (the rows never come back), else here. `stored` is null when the feed's hash was
 * `unlessHash`: nothing was parsed or written.
 */
async function readAndStore(deps: Deps, text: FeedText, options: ParseIcsOptions, unlessHash: string | null, write: FeedWrite): Promise<StoredRead> {
  const parser = parserOf(deps);
  if (parser.parseAndStore) return parser.parseAndStore(text, write.window, options, unlessHash, write);
  const { hash, parsed } = await parser.parse(text, write.window, options, unlessHash);
  return { hash, stored: parsed && (await writeFeed(deps.repos, write, parsed, hash)) };
}

/**
 * Connects an ICS calendar (an uploaded file or a subscription URL) to a member and imports it.
 * The feed is fetched and parsed before anything is stored, so bad input leaves no trace; a
 * subscription URL is kept encrypted (it is a secret: anyone holding it reads the calendar) and
 * refreshed by a background job.
 */
export async function connectIcs(
  deps: Deps,
  workspaceId: string,
  memberId: string,
  source: IcsSource,
): Promise<ConnectionRow & IcsImportWarnings> {
  const member = await deps.repos.members.get(workspaceId, memberId);
  if (!member) throw memberErrors.not_found(`No member ${memberId} in this workspace.`);
  const release = parserOf(deps).admit();
  try {
    return await connectAdmitted(deps, workspaceId, memberId, member.timeZone, source);
  } finally {
    release();
  }
}

async function connectAdmitted(
  deps: Deps,
  workspaceId: string,
  memberId: string,
  timeZone: string,
  source: IcsSource,
): Promise<ConnectionRow & IcsImportWarnings> {
  const now = deps.clock();
  const window = syncWindow(now);
  // Without conditions a fetch never answers 304.
  const feed = (await readSource(deps, source)) as Extract<ReadSource, { notModified: false }>;
  const id = newId('con');
  const label = 'url' in source ? new URL(source.url.replace(/^webcal:/i, 'https:')).host : (source.name ?? 'Uploaded calendar');
  const credentials = 'url' in source ? await deps.vault.seal(JSON.stringify({ url: source.url }), id) : null;
  let stored: StoredFeed;
  try {
    const write: FeedWrite = { kind: 'create', workspaceId, window, now, validators: feed.validators, connection: { id, memberId, label, credentials }, fallbackName: label };
    const read = await readAndStore(deps, feed.text, { defaultTimeZone: timeZone }, null, write);
    if (!read.stored) throw new Error('a feed read without unlessHash is always parsed');
    stored = read.stored;
  } catch (error) {
    // The member was deleted while the feed was read: the delete wins (nothing was written).
    if (!(await deps.repos.members.get(workspaceId, memberId))) throw memberErrors.not_found(`No member ${memberId} in this workspace.`);
    throw error;
  }
  if ('url' in source) {
    await deps.repos.jobs.schedule({
      key: icsRefreshJobKey(id),
      kind: 'ics.refresh',
      workspaceId,
      payload: { connectionId: id },
      runAt: now + deps.ics.refreshMinutes * 60_000,
      everyMs: deps.ics.refreshMinutes * 60_000,
    });
  }
  return { ...stored.created!, warnings: stored.warnings, warningCounts: stored.warningCounts };
}

/**
 * Re-imports an ICS connection: from its subscription URL, or from a newly uploaded body. The
 * replacement is all-or-nothing; on failure the previous events stay and the connection records
 * the error code so people can see why it is stale.
 */
export async function syncIcsConnection(
  deps: Deps,
  workspaceId: string,
  connectionId: string,
  upload?: { body: FeedText },
): Promise<IcsSyncResult> {
  const connection = await deps.repos.connections.get(workspaceId, connectionId);
  if (!connection) throw connectionErrors.not_found(`No connection ${connectionId} in this workspace.`);
  if (connection.provider !== 'ics') {
    throw connectionErrors.unsupported(`Connection ${connectionId} is not an ICS connection.`);
  }
  // A request of the wrong shape is refused before anything runs: it says nothing about the feed,
  // so it must not mark the connection as failing.
  if (upload && connection.credentials) {
    throw icsErrors.upload_to_subscription('This connection follows a URL; it cannot take an upload.');
  }
  if (!upload && !connection.credentials) {
    throw icsErrors.body_required('This connection was uploaded; send the new ICS file to sync it.');
  }
  // Past the import slots this refuses at once (429): that says nothing about the feed either.
  const release = parserOf(deps).admit();
  const now = deps.clock();
  try {
    return await refreshAdmitted(deps, connection, now, upload);
  } catch (error) {
    // Deleted while the feed was fetched: the delete wins, and nothing of this run is kept.
    if (!(await deps.repos.connections.get(workspaceId, connectionId))) {
      throw connectionErrors.not_found(`Connection ${connectionId} was deleted while it synced.`);
    }
    const code = isUnmeetError(error) ? error.code : 'sync.failed';
    await deps.repos.connections.setStatus(workspaceId, connectionId, 'error', { lastError: code, lastErrorAt: now });
    throw error;
  } finally {
    release();
  }
}

export type IcsSyncResult = {
  connection: ConnectionRow;
  events: number;
  /** The feed was as last stored (304, or the same body over the same window): nothing parsed, nothing stored. */
  unchanged: boolean;
} & IcsImportWarnings;

/**
 * One refresh with its slot held. A subscription asks conditionally while the stored events
 * cover today's window; an unchanged feed (304, or the same hash) is neither parsed nor stored,
 * so the workspace's data version, and every cache keyed by it, survives the refresh.
 */
async function refreshAdmitted(deps: Deps, connection: ConnectionRow, now: number, upload?: { body: FeedText }): Promise<IcsSyncResult> {
  const { workspaceId, id: connectionId } = connection;
  const window = syncWindow(now);
  const source: IcsSource = upload ?? (JSON.parse(await deps.vault.open(connection.credentials!, connection.id)) as { url: string });
  const member = await deps.repos.members.get(workspaceId, connection.memberId);
  const [calendar] = await deps.repos.connections.calendars(workspaceId, connectionId);
  if (!calendar) throw new Error(`connection ${connectionId} has no calendar`);
  const state = await deps.repos.events.syncState(workspaceId, calendar.id);
  // A moved window needs the feed read again, so no conditions then: a 304 would leave nothing to read.
  const sameWindow = state?.windowStart === window.start && state.windowEnd === window.end;
  const conditions = sameWindow && !upload ? { etag: state.feedEtag, lastModified: state.feedLastModified } : undefined;
  const feed = await readSource(deps, source, conditions);
  // Over the same window, a feed with the stored hash is not parsed again (the parser checks the hash first).
  const write: FeedWrite = { kind: 'replace', workspaceId, window, now, validators: feed.validators, connectionId, calendarId: calendar.id };
  const read = feed.notModified ? null : await readAndStore(deps, feed.text, { defaultTimeZone: member?.timeZone }, sameWindow ? state.feedHash : null, write);
  if (read?.stored) {
    // The note and the warnings always describe the latest import: a clean feed clears them.
    const { events, facts, warnings, warningCounts } = read.stored;
    return { connection: { ...connection, status: 'ok', ...facts }, events, unchanged: false, warnings, warningCounts };
  }
  // Nothing is written that would fail for a connection deleted meanwhile: ask, so the delete wins.
  if (!(await deps.repos.connections.get(workspaceId, connectionId))) throw new Error('deleted while it synced');
  const facts = { lastSyncAt: now, lastError: null, lastErrorAt: null, syncedThroughAt: now };
  await deps.repos.connections.setFeedState(workspaceId, calendar.id, { ...feed.validators, hash: state?.feedHash ?? null });
  await deps.repos.connections.setStatus(workspaceId, connectionId, 'ok', facts);
  const events = await deps.repos.events.countForCalendar(workspaceId, calendar.id);
  return { connection: { ...connection, status: 'ok', ...facts }, events, unchanged: true, ...warningsOf(connection.syncWarnings) };
}
