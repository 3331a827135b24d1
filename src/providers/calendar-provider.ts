import type { CalendarEvent, Interval } from '../domain/types';

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

export interface CalendarProvider {
  readonly name: 'google' | 'microsoft';
  /** One page of changes: a full listing without a sync token, else changes since it. */
  listChanges(calendarExternalId: string, cursor: SyncCursor): Promise<ChangePage>;
  /** Busy intervals per calendar over the window (chunked by the provider as its API needs). */
  freeBusy?(calendarExternalIds: string[], window: Interval): Promise<Record<string, Interval[]>>;
  watch?(calendarExternalId: string, channel: { id: string; token: string; address: string; expiresAt: number }): Promise<WatchChannel>;
  stopWatch?(channel: { id: string; resourceId: string }): Promise<void>;
  /** Revokes the grant (on disconnect). */
  revoke?(): Promise<void>;
}
