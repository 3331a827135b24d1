import type { CalendarEvent, Interval, WorkingHours } from '../domain/types';

/**
 * The narrow port the services need from a calendar vendor. Vendor types and vendor errors
 * never cross it: failures become `ProviderError`s with a kind the services can act on.
 */
export type ProviderErrorKind = 'auth' | 'rate_limited' | 'not_found' | 'conflict' | 'gone' | 'unavailable' | 'invalid';

export class ProviderError extends Error {
  constructor(
    readonly provider: string,
    readonly kind: ProviderErrorKind,
    message: string,
    readonly retryAfterMs?: number,
    /** A vendor reason worth branching on (`invalid_grant`, `quotaExceeded`); never a vendor body. */
    readonly reason?: string,
  ) {
    super(message);
    this.name = 'ProviderError';
  }
}

export const isProviderError = (e: unknown): e is ProviderError => e instanceof ProviderError;

/** One change from an incremental sync: an instance to store, or one to forget. */
export type EventChange = { kind: 'upsert'; event: CalendarEvent } | { kind: 'remove'; externalId: string };

export interface ChangePage {
  changes: EventChange[];
  /** More pages follow in this run. */
  nextPageToken?: string | undefined;
  /** Present on the last page: where the next incremental sync starts. */
  nextSyncToken?: string | undefined;
}

export interface SyncCursor {
  syncToken?: string | null;
  pageToken?: string | null;
  /** The window a full sync covers (incremental syncs report changes anywhere). */
  window: Interval;
}

export interface WatchChannel {
  id: string;
  resourceId: string;
  expiresAt: number;
}

/** What the vendor knows of the member's own settings (Outlook mailbox settings). */
export interface ProviderProfile {
  /** IANA zone, or null when the vendor's zone has no IANA equivalent. */
  timeZone: string | null;
  /** Local working hours in `timeZone`; null when the vendor has none. */
  workingHours: WorkingHours | null;
}

/**
 * An event unmeet writes and owns (a focus block). `clientId` is derived from our own block key,
 * so a retried or concurrent create is recognised instead of duplicated (Google: the event id,
 * base32hex; Graph: `transactionId`). Providers tag the event as ours (Google
 * `extendedProperties.private.unmeet = "1"`, Graph a single-value extended property).
 */
export interface OwnedEventDraft {
  clientId: string;
  title: string;
  description: string;
  start: number;
  end: number;
  /** IANA zone the times are shown in. */
  timeZone: string;
  /** What the event is, recorded in our tag; a focus block when absent. */
  kind?: 'focus' | 'rotation' | undefined;
  /**
   * Invitees of a meeting we own (a rotation occurrence; the calendar's owner is the organizer
   * and is not listed). Providers invite them (Google `sendUpdates: 'all'`). None for focus blocks.
   */
  attendees?: ReadonlyArray<{ email: string; name?: string | undefined }> | undefined;
  /**
   * When the event already exists at other times than these (an earlier try wrote it, then
   * someone moved it): `restore` moves it back (default; focus blocks follow the plan), `keep`
   * leaves it where it is and answers `moved` (a meeting the organizer moved: their move stands).
   */
  ifMoved?: 'restore' | 'keep' | undefined;
  /** Focus-block options; a meeting passes `{ asFocusTime: false, autoDeclineMode: 'declineNone' }`. */
  focus: {
    /** Try Google's `eventType: 'focusTime'`; false writes a normal opaque (busy) event. */
    asFocusTime: boolean;
    autoDeclineMode: 'declineNone' | 'declineOnlyNewConflictingInvitations' | 'declineAllConflictingInvitations';
    declineMessage?: string | undefined;
  };
}

export interface OwnedEventResult {
  /** The provider's id of the event. */
  externalId: string;
  /**
   * `exists`: the client id was already there (an earlier try got through) and already had these
   * times; `moved`: it was there at other times and `ifMoved: 'keep'` left it so.
   */
  outcome: 'created' | 'exists' | 'updated' | 'moved';
  /** Written as a focus-time event (false: a normal busy event, e.g. Google refused focus time). */
  focusTime: boolean;
}

export interface CalendarProvider {
  readonly name: 'google' | 'microsoft';
  /**
   * Sync tokens cover only the window of the full sync that issued them (Graph calendarView
   * delta): the stored window stays in force, and the calendar is re-listed once it is stale.
   */
  readonly tokensBoundToWindow?: boolean;
  /** One page of changes: a full listing without a sync token, else changes since it. */
  listChanges(calendarExternalId: string, cursor: SyncCursor): Promise<ChangePage>;
  /** Busy intervals per calendar over the window (chunked by the provider as its API needs). */
  freeBusy?(calendarExternalIds: string[], window: Interval): Promise<Record<string, Interval[]>>;
  watch?(calendarExternalId: string, channel: { id: string; token: string; address: string; expiresAt: number }): Promise<WatchChannel>;
  stopWatch?(channel: { id: string; resourceId: string }): Promise<void>;
  /** Extends a channel in place (Graph subscriptions), keeping its id and secret; `not_found` when it is gone. */
  renewWatch?(channel: { id: string; resourceId: string }, expiresAt: number): Promise<WatchChannel>;
  /** The member's time zone and working hours as the vendor knows them. */
  profile?(): Promise<ProviderProfile>;
  /**
   * Creates an event we own, idempotently by `draft.clientId`; when it already exists (ours),
   * brings its times to the draft's. Throws `conflict` (reason `not_owned`) for an event that
   * is not ours, and `gone` for one the member deleted.
   */
  upsertOwnedEvent?(calendarExternalId: string, draft: OwnedEventDraft): Promise<OwnedEventResult>;
  /** Moves an event we own; `gone` when the member deleted it; refuses (`conflict`, `not_owned`) anything not ours. */
  updateOwnedEvent?(calendarExternalId: string, externalId: string, times: { start: number; end: number; timeZone: string }): Promise<'updated' | 'gone'>;
  /** Deletes an event we own; `gone` when it was already deleted; refuses (`conflict`, `not_owned`) anything not ours. */
  deleteOwnedEvent?(calendarExternalId: string, externalId: string): Promise<'deleted' | 'gone'>;
  /** Revokes the grant (on disconnect). */
  revoke?(): Promise<void>;
}
