import { sql } from 'drizzle-orm';
import { index, integer, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import type { KeyRole } from '../domain/roles';
import type { Attendee, WorkingHours } from '../domain/types';

/**
 * The storage model (SQLite dialect: better-sqlite3 on Node, D1 on Workers). Every row below
 * `workspaces` carries `workspace_id`, and every repository query filters on it.
 * Instants are UTC epoch milliseconds.
 */

const createdAt = () =>
  integer('created_at')
    .notNull()
    .default(sql`(unixepoch() * 1000)`);

/**
 * What a feed import skipped or repaired, kept with the connection: codes and numbers, no
 * sentence, so each page and the CLI say it in the reader's language.
 */
export interface StoredSyncWarnings {
  /** When the import that produced them ran. */
  at: number;
  /** Warnings per code, including those past the listed ones. */
  counts: Record<string, number>;
  /** The first ones in file order: the code, the line it concerns, the event's UID and the facts the sentence needs. */
  items: { code: string; line: number; uid: string | null; detail?: string }[];
}

export type MailTransportSetting = 'outbox' | 'smtp' | 'gmail' | 'microsoft';

export const workspaces = sqliteTable('workspaces', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  hourlyRate: real('hourly_rate').notNull().default(0),
  currency: text('currency').notNull().default('USD'),
  focusMinMinutes: integer('focus_min_minutes').notNull().default(120),
  /**
   * How suggestion emails leave: `smtp` (the server's SMTP_URL; outbox only without one),
   * `outbox` (never sent: viewable and exportable), `gmail` / `microsoft` (through the
   * organizer's own Google / Outlook connection).
   */
  mailTransport: text('mail_transport').$type<MailTransportSetting>().notNull().default('smtp'),
  /** Bumped by every write that can change an audit or a flag: cached results carry it. */
  dataVersion: integer('data_version').notNull().default(0),
  /** Team views break numbers down per group only for groups at least this large (never below 3). */
  minGroupSize: integer('min_group_size').notNull().default(5),
  createdAt: createdAt(),
});

/** The owning workspace: every row below `workspaces` has one, and goes with it. */
const workspaceRef = () =>
  text('workspace_id')
    .notNull()
    .references(() => workspaces.id, { onDelete: 'cascade' });

export const apiKeys = sqliteTable(
  'api_keys',
  {
    id: text('id').primaryKey(),
    workspaceId: workspaceRef(),
    /** SHA-256 of the key, hex; the key itself is shown once and never stored. */
    hash: text('hash').notNull(),
    /** The first characters of the key, so people can tell their keys apart. */
    prefix: text('prefix').notNull(),
    /** What the key is for ("CI", "Ayu's laptop"), as its creator named it; null if unnamed. */
    label: text('label'),
    /** What the key may do: `admin` (everything but ownership) or `manager` (read-only team reports). */
    role: text('role').$type<KeyRole>().notNull().default('admin'),
    createdAt: createdAt(),
    /** When the key was revoked; the row stays for the record, and the key no longer authenticates. */
    revokedAt: integer('revoked_at'),
  },
  (t) => [uniqueIndex('api_keys_hash_idx').on(t.hash), index('api_keys_workspace_idx').on(t.workspaceId)],
);

export const members = sqliteTable(
  'members',
  {
    id: text('id').primaryKey(),
    workspaceId: workspaceRef(),
    email: text('email').notNull(),
    name: text('name').notNull(),
    timeZone: text('time_zone').notNull(),
    locale: text('locale').notNull().default('en'),
    workingHours: text('working_hours', { mode: 'json' }).$type<WorkingHours>().notNull(),
    /** Set when the member edits their zone or hours: calendar settings (Outlook) then stop replacing them. */
    profileOverridden: integer('profile_overridden', { mode: 'boolean' }).notNull().default(false),
    createdAt: createdAt(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [uniqueIndex('members_workspace_email_idx').on(t.workspaceId, t.email)],
);

export type ConnectionStatus = 'pending' | 'syncing' | 'ok' | 'error' | 'needs_reauth';
export type ProviderName = 'ics' | 'google' | 'microsoft';

export const connections = sqliteTable(
  'connections',
  {
    id: text('id').primaryKey(),
    workspaceId: workspaceRef(),
    memberId: text('member_id')
      .notNull()
      .references(() => members.id, { onDelete: 'cascade' }),
    provider: text('provider').$type<ProviderName>().notNull(),
    status: text('status').$type<ConnectionStatus>().notNull().default('pending'),
    /** What people see: the file name, or the URL's host (a private ICS address is a secret). */
    label: text('label').notNull(),
    /** Encrypted (AES-256-GCM) JSON: OAuth tokens, or the private ICS subscription URL. */
    credentials: text('credentials'),
    lastSyncAt: integer('last_sync_at'),
    lastError: text('last_error'),
    /** The provider account the grant belongs to (Google `sub`, Microsoft `tid:oid`), from its ID token. */
    accountSubject: text('account_subject'),
    accountEmail: text('account_email'),
    createdAt: createdAt(),
    // Sync health facts (see domain/sync-health.ts), written by the sync and the push handlers.
    /** When the error in `lastError` happened. */
    lastErrorAt: integer('last_error_at'),
    /** The end of the last sync that got a sync token (Google) or delta link (Graph): we held all changes up to then. */
    syncedThroughAt: integer('synced_through_at'),
    /** The last push notification accepted for this connection. */
    lastPushAt: integer('last_push_at'),
    /** Something the last sync had to work around (`restart.paging_loop`, `restart.token_expired`, `throttled`), and when. */
    syncNote: text('sync_note'),
    syncNoteAt: integer('sync_note_at'),
    /**
     * What the last import or refresh of a feed skipped or repaired, line by line (at most 50, with
     * the total per code); null when it had nothing to say. Replaced by every import.
     */
    syncWarnings: text('sync_warnings', { mode: 'json' }).$type<StoredSyncWarnings>(),
    /** When the calendar settings (zone, working hours) were last read; null = read them on the next sync. */
    profileReadAt: integer('profile_read_at'),
  },
  (t) => [index('connections_workspace_idx').on(t.workspaceId, t.memberId)],
);

export const calendars = sqliteTable(
  'calendars',
  {
    id: text('id').primaryKey(),
    workspaceId: workspaceRef(),
    connectionId: text('connection_id')
      .notNull()
      .references(() => connections.id, { onDelete: 'cascade' }),
    externalId: text('external_id').notNull(),
    name: text('name').notNull(),
    timeZone: text('time_zone'),
    isPrimary: integer('is_primary', { mode: 'boolean' }).notNull().default(false),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('calendars_connection_external_idx').on(t.connectionId, t.externalId)],
);

export const events = sqliteTable(
  'events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    workspaceId: text('workspace_id').notNull(),
    calendarId: text('calendar_id')
      .notNull()
      .references(() => calendars.id, { onDelete: 'cascade' }),
    externalId: text('external_id').notNull(),
    seriesKey: text('series_key'),
    originalStart: integer('original_start'),
    title: text('title').notNull(),
    start: integer('start').notNull(),
    end: integer('end').notNull(),
    allDay: integer('all_day', { mode: 'boolean' }).notNull(),
    status: text('status').$type<'confirmed' | 'tentative' | 'cancelled'>().notNull(),
    transparency: text('transparency').$type<'opaque' | 'transparent'>().notNull(),
    organizer: text('organizer'),
    attendees: text('attendees', { mode: 'json' }).$type<Attendee[]>().notNull(),
    descPresent: integer('desc_present', { mode: 'boolean' }).notNull(),
    descLength: integer('desc_length').notNull(),
    hasAgenda: integer('has_agenda', { mode: 'boolean' }).notNull(),
    hasDocLink: integer('has_doc_link', { mode: 'boolean' }).notNull(),
    /** Purpose the description states (decision, live work, readout, questions): facts only, the text is never stored. */
    descDecision: integer('desc_decision', { mode: 'boolean' }).notNull().default(false),
    descLiveWork: integer('desc_live_work', { mode: 'boolean' }).notNull().default(false),
    descReadout: integer('desc_readout', { mode: 'boolean' }).notNull().default(false),
    descQuestions: integer('desc_questions', { mode: 'boolean' }).notNull().default(false),
    hasConferencing: integer('has_conferencing', { mode: 'boolean' }).notNull(),
    createdByUnmeet: integer('created_by_unmeet', { mode: 'boolean' }).notNull(),
    /** The provider marks the block out of office (Google `outOfOffice`, Graph `showAs: oof`, Outlook's CDO `OOF`). */
    away: integer('away', { mode: 'boolean' }).notNull().default(false),
    syncedAt: integer('synced_at').notNull(),
  },
  (t) => [
    uniqueIndex('events_calendar_external_idx').on(t.calendarId, t.externalId),
    index('events_workspace_calendar_start_idx').on(t.workspaceId, t.calendarId, t.start),
  ],
);

/** Where a calendar's sync stands: sync token, the page cursor of an unfinished run, the window. */
export const syncState = sqliteTable('sync_state', {
  calendarId: text('calendar_id')
    .primaryKey()
    .references(() => calendars.id, { onDelete: 'cascade' }),
  workspaceId: text('workspace_id').notNull(),
  syncToken: text('sync_token'),
  pageToken: text('page_token'),
  windowStart: integer('window_start'),
  windowEnd: integer('window_end'),
  updatedAt: integer('updated_at').notNull(),
  /**
   * While a full listing is in progress: its generation, the `synced_at` stamp on every row it
   * stores, so the sweep after its last page (rows with an older stamp) survives a crash and a
   * resume in a later run. Null between listings, and for a listing begun before it existed
   * (those began from an empty calendar: nothing to sweep).
   */
  fullSyncGen: integer('full_sync_gen'),
  /** A subscription feed's validators from its last answer (`ETag`, `Last-Modified`), sent back as conditions. */
  feedEtag: text('feed_etag'),
  feedLastModified: text('feed_last_modified'),
  /** SHA-256 of the last feed body stored, so an unchanged feed is neither parsed nor stored again. */
  feedHash: text('feed_hash'),
});

/** Every write the service makes to a provider (created / updated / deleted events, mail sent). */
export const providerWrites = sqliteTable(
  'provider_writes',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    workspaceId: text('workspace_id').notNull(),
    connectionId: text('connection_id'),
    action: text('action').notNull(),
    target: text('target').notNull(),
    outcome: text('outcome').notNull(),
    at: integer('at').notNull(),
  },
  (t) => [index('provider_writes_workspace_idx').on(t.workspaceId, t.at)],
);

/** Background jobs with leases: a job is run by whoever holds an unexpired lease, never by two. */
export const jobs = sqliteTable(
  'jobs',
  {
    id: text('id').primaryKey(),
    workspaceId: text('workspace_id'),
    kind: text('kind').notNull(),
    /** Unique per logical job, so scheduling the same work twice is a no-op. */
    key: text('key').notNull(),
    payload: text('payload', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
    runAt: integer('run_at').notNull(),
    /** Repeat every N ms after a run; null for one-off jobs (deleted once done). */
    everyMs: integer('every_ms'),
    leaseOwner: text('lease_owner'),
    leaseUntil: integer('lease_until'),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    lastRunAt: integer('last_run_at'),
    /** Set when the job is asked to run while it runs (a push during a sync): it runs again right after. */
    rerun: integer('rerun', { mode: 'boolean' }).notNull().default(false),
  },
  (t) => [uniqueIndex('jobs_key_idx').on(t.key), index('jobs_due_idx').on(t.runAt)],
);

// --- flags & outbox ---

export type SeriesDecision = 'keep' | 'converted';

/** An organizer's (or admin's) decision about a flagged series: `keep` expires, `converted` does not. */
export const seriesDecisions = sqliteTable(
  'series_decisions',
  {
    id: text('id').primaryKey(),
    workspaceId: workspaceRef(),
    seriesKey: text('series_key').notNull(),
    decision: text('decision').$type<SeriesDecision>().notNull(),
    /** Who decided: `api` (an admin with the workspace key) or `link:<email>` (a signed email link). */
    decidedBy: text('decided_by').notNull(),
    /** Until when a `keep` holds (UTC ms); null = for good. */
    expiresAt: integer('expires_at'),
    decidedAt: integer('decided_at').notNull(),
  },
  (t) => [uniqueIndex('series_decisions_workspace_series_idx').on(t.workspaceId, t.seriesKey)],
);

/** A suggestion sent (or queued) to an organizer about a series; the dedupe and weekly-cap ledger. */
export const suggestions = sqliteTable(
  'suggestions',
  {
    id: text('id').primaryKey(),
    workspaceId: workspaceRef(),
    seriesKey: text('series_key').notNull(),
    recipient: text('recipient').notNull(),
    /** The dedupe period this suggestion belongs to (`floor(createdAt / period)`): one per series per period. */
    period: integer('period').notNull(),
    score: integer('score').notNull(),
    verdict: text('verdict').notNull(),
    /** What the organizer answered through a link: `try-async`, `keep`, or null. */
    response: text('response'),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [
    uniqueIndex('suggestions_series_period_idx').on(t.workspaceId, t.seriesKey, t.period),
    index('suggestions_recipient_idx').on(t.workspaceId, t.recipient, t.createdAt),
  ],
);

export type OutboxStatus = 'queued' | 'held' | 'sending' | 'sent' | 'failed' | 'unknown' | 'cancelled';

/**
 * Messages waiting for (or done with) delivery. At most once: `status = 'sending'` with
 * `attemptStartedAt` and `messageId` is written before the transport is called; an attempt
 * that never got an outcome becomes `unknown` for a person to decide, never resent blindly.
 */
export const outboxMessages = sqliteTable(
  'outbox_messages',
  {
    id: text('id').primaryKey(),
    workspaceId: workspaceRef(),
    suggestionId: text('suggestion_id'),
    recipient: text('recipient').notNull(),
    subject: text('subject').notNull(),
    /** The complete RFC 5322 message (what `.eml` export returns and SMTP sends). */
    mime: text('mime').notNull(),
    text: text('text').notNull(),
    html: text('html').notNull(),
    messageId: text('message_id').notNull(),
    /** Not before this instant (UTC ms), always inside the recipient's working hours. */
    deliverAfter: integer('deliver_after').notNull(),
    status: text('status').$type<OutboxStatus>().notNull().default('queued'),
    /** What the message is: a meeting suggestion (the default) or a person's weekly digest. */
    kind: text('kind').$type<'suggestion' | 'digest'>().notNull().default('suggestion'),
    attempts: integer('attempts').notNull().default(0),
    attemptStartedAt: integer('attempt_started_at'),
    transport: text('transport'),
    lastError: text('last_error'),
    sentAt: integer('sent_at'),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [
    index('outbox_workspace_status_idx').on(t.workspaceId, t.status, t.deliverAfter),
    uniqueIndex('outbox_message_id_idx').on(t.messageId),
  ],
);

/** Addresses that asked for no more suggestions: honoured forever, checked at queue and at send. */
export const mailOptOuts = sqliteTable(
  'mail_opt_outs',
  {
    workspaceId: workspaceRef(),
    email: text('email').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [uniqueIndex('mail_opt_outs_workspace_email_idx').on(t.workspaceId, t.email)],
);

// --- provider connections (Google, Microsoft) ---

/** One pending OAuth authorization: single use, short-lived, holding the sealed PKCE verifier. */
export const oauthStates = sqliteTable('oauth_states', {
  id: text('id').primaryKey(),
  workspaceId: workspaceRef(),
  memberId: text('member_id')
    .notNull()
    .references(() => members.id, { onDelete: 'cascade' }),
  provider: text('provider').$type<ProviderName>().notNull(),
  verifier: text('verifier').notNull(),
  /** The address the granting account must have (lower-cased): the member's own, or one they confirmed in their session. */
  expectedAccount: text('expected_account'),
  /** The person who started the connection (null: an admin or API key on the member's behalf). */
  personId: text('person_id'),
  expiresAt: integer('expires_at').notNull(),
});

/** Push-notification channels (Google events.watch, Graph subscriptions) per calendar. */
export const watchChannels = sqliteTable(
  'watch_channels',
  {
    id: text('id').primaryKey(),
    workspaceId: text('workspace_id').notNull(),
    connectionId: text('connection_id')
      .notNull()
      .references(() => connections.id, { onDelete: 'cascade' }),
    calendarId: text('calendar_id')
      .notNull()
      .references(() => calendars.id, { onDelete: 'cascade' }),
    provider: text('provider').$type<ProviderName>().notNull(),
    resourceId: text('resource_id').notNull(),
    /** SHA-256 of the channel's secret token (Google) or clientState (Graph). */
    tokenHash: text('token_hash').notNull(),
    expiresAt: integer('expires_at').notNull(),
  },
  (t) => [index('watch_channels_calendar_idx').on(t.calendarId)],
);
