import { Client, HTTPMessageHandler, type Context, type Middleware } from '@microsoft/microsoft-graph-client';
import { clip, normalize } from '../../domain/intervals';
import type { Interval } from '../../domain/types';
import { ProviderError, isProviderError, type CalendarProvider, type ChangePage, type OwnedEventDraft, type OwnedEventResult, type SyncCursor, type WatchChannel } from '../calendar-provider';
import { createLimiter, headerValue, parseRetryAfter, withRetry, type RetryPolicy } from '../retry';
import { EXPAND_TAG, UNMEET_TAG_ID, graphOwnedState, mapGraphItem, mapMailboxSettings, toGraphOwnedEvent, toGraphTimes } from './microsoft.mapper';
import { refreshMicrosoftTokens, type MicrosoftConfig, type MicrosoftTokens } from './microsoft.oauth';

const PAGE_SIZE = 100;
/** Outlook allows 4 concurrent requests per app and mailbox. */
const MAX_CONCURRENT = 4;
/** Refresh this long before the access token expires. */
const EXPIRY_MARGIN_MS = 60_000;

/** Turns whatever the Graph client threw into a ProviderError; vendor bodies stay here. */
export function toGraphError(error: unknown): ProviderError {
  if (isProviderError(error)) return error;
  const e = error as { statusCode?: number; code?: string | null; headers?: unknown };
  const status = typeof e.statusCode === 'number' && e.statusCode > 0 ? e.statusCode : undefined;
  const reason = e.code ?? undefined;
  // Seconds or an HTTP-date, whatever holds the headers (the same reading as Google's).
  const retryAfterMs = parseRetryAfter(headerValue(e.headers, 'retry-after'), Date.now());
  const make = (kind: ProviderError['kind'], message: string, retry?: number) => new ProviderError('microsoft', kind, message, retry, reason);

  if (status === undefined) return make('unavailable', `network error talking to Microsoft Graph (${reason ?? 'no response'})`);
  // Graph answers an expired delta token with 410 Gone, or a 4xx with code syncStateNotFound.
  if (status === 410 || /^syncState(NotFound|Invalid)$/i.test(reason ?? '')) return make('gone', 'delta token expired: full sync required');
  if (status === 401) return make('auth', 'Microsoft Graph rejected the access token');
  if (status === 403) return make('auth', 'Microsoft Graph refused access to this mailbox');
  if (status === 404) return make('not_found', 'Microsoft Graph has no such resource');
  if (status === 409) return make('conflict', 'Microsoft Graph reports a conflict');
  if (status === 429) return make('rate_limited', 'Microsoft Graph asked us to slow down', retryAfterMs);
  if (status >= 500) return make('unavailable', `Microsoft Graph answered ${status}`, retryAfterMs);
  return make('invalid', `Microsoft Graph rejected the request (${status})`);
}

/** Our auth middleware: the current bearer token on every request, whatever the host (the local fake included). */
class BearerAuth implements Middleware {
  private next: Middleware | undefined;
  constructor(private readonly token: () => string | null | undefined) {}
  async execute(context: Context): Promise<void> {
    const token = this.token();
    const options = (context.options ??= {});
    if (token) {
      if (options.headers instanceof Headers) options.headers.set('Authorization', `Bearer ${token}`);
      else options.headers = { ...(options.headers as Record<string, string> | undefined), Authorization: `Bearer ${token}` };
    }
    await this.next!.execute(context);
  }
  setNext(next: Middleware): void {
    this.next = next;
  }
}

const iso = (ms: number) => new Date(ms).toISOString();
/** Graph paths of a calendar: the primary one is `/me`, others `/me/calendars/{id}`. */
const calendarPath = (calendarId: string) => (calendarId === 'primary' ? '/me' : `/me/calendars/${encodeURIComponent(calendarId)}`);
const eventsResource = (calendarId: string) => (calendarId === 'primary' ? 'me/events' : `me/calendars/${calendarId}/events`);
/** One event by id (ids are mailbox-wide). */
const eventPath = (eventId: string) => `/me/events/${encodeURIComponent(eventId)}`;
/** Event reads and writes: UTC times, and the same immutable ids delta reports. */
const EVENT_PREFER = 'outlook.timezone="UTC", IdType="ImmutableId"';
/** What the write path reads of an event: times, cancellation, and our tag. */
const OWNED_QUERY = `$select=id,start,end,isCancelled&$expand=${EXPAND_TAG}`;
const notOwned = (message: string) => new ProviderError('microsoft', 'conflict', message, undefined, 'not_owned');

/** One Graph call through the mailbox's limiter, retry policy and token refresh. */
type GraphCall = <T>(fn: () => Promise<T>) => Promise<T>;

/**
 * The mailbox's tokens: refreshed ahead of expiry (or when forced) in a single flight, every
 * rotated refresh token handed to `onTokens` before going on.
 */
function graphTokenHolder(config: MicrosoftConfig, tokens: MicrosoftTokens, onTokens: (tokens: MicrosoftTokens) => Promise<void>, now: () => number) {
  let current: MicrosoftTokens = { ...tokens };
  let refreshing: Promise<void> | null = null;
  const ensureToken = async (force = false) => {
    if (!force && current.access_token && (current.expires_at ?? 0) - EXPIRY_MARGIN_MS > now()) return;
    refreshing ??= (async () => {
      if (!current.refresh_token) throw new ProviderError('microsoft', 'auth', 'no refresh token stored', undefined, 'invalid_grant');
      // Asked with the consented scopes (mail ones included), so the stored set never narrows.
      const fresh = await refreshMicrosoftTokens(config, current.refresh_token, now, current.scope);
      // The refresh token rotates: the new one replaces the old, and is stored before going on.
      current = { ...current, ...fresh, refresh_token: fresh.refresh_token ?? current.refresh_token };
      await onTokens(current);
    })().finally(() => {
      refreshing = null;
    });
    await refreshing;
  };
  return { accessToken: () => current.access_token, ensureToken };
}

/** Calls limited to 4 at once and retried by `retry`; an auth failure gets one forced token refresh. */
function graphCaller(ensureToken: (force: boolean) => Promise<void>, retry: RetryPolicy): GraphCall {
  const limit = createLimiter(MAX_CONCURRENT);
  const attempt = async <T>(fn: () => Promise<T>, force: boolean): Promise<T> => {
    await ensureToken(force);
    try {
      return await fn();
    } catch (error) {
      throw toGraphError(error);
    }
  };
  return <T>(fn: () => Promise<T>): Promise<T> =>
    limit(() =>
      withRetry(async () => {
        try {
          return await attempt(fn, false);
        } catch (error) {
          // A token revoked early: one forced refresh, then the answer stands.
          if (isProviderError(error) && error.kind === 'auth' && error.reason !== 'invalid_grant') return attempt(fn, true);
          throw error;
        }
      }, retry),
    );
}

/** nextLink/deltaLink under our API root become relative paths (the client mangles absolute http:// links). */
const relativeTo = (root: string, link: string) => (link.startsWith(`${root}/`) ? link.slice(root.length) : link);

/** Whether an event exists and carries our tag: only then may it be changed. */
async function graphOwnedEvent(call: GraphCall, client: Client, eventId: string) {
  let data: unknown;
  try {
    data = await call(() => client.api(`${eventPath(eventId)}?${OWNED_QUERY}`).header('Prefer', EVENT_PREFER).get());
  } catch (error) {
    if (isProviderError(error) && (error.kind === 'gone' || error.kind === 'not_found')) return 'gone' as const;
    throw error;
  }
  const state = graphOwnedState(data);
  if (state.cancelled) return 'gone' as const;
  if (!state.ours) throw notOwned('this event is not ours to change');
  return state;
}

/** Our event for a block, found by our tag's value (the block's client id), or null. */
async function findOwnedEvent(call: GraphCall, client: Client, calendarId: string, clientId: string) {
  const filter = `singleValueExtendedProperties/any(ep: ep/id eq '${UNMEET_TAG_ID}' and ep/value eq '${clientId}')`;
  const data = (await call(() =>
    client.api(`${calendarPath(calendarId)}/events?$filter=${encodeURIComponent(filter)}&${OWNED_QUERY}`).header('Prefer', EVENT_PREFER).get(),
  )) as { value?: unknown[] };
  const found = (data.value ?? []).map(graphOwnedState).find((s) => s.id && s.ours && !s.cancelled);
  return found ?? null;
}

/** What delta paging remembers between pages: whether to ask for a page size, and the last page seen. */
interface DeltaPaging {
  usePageSize: boolean;
  lastSignature: string | null;
}

/** One page of calendarView/delta, refusing a page Graph repeats (then listing again without a page size). */
async function listGraphChanges(call: GraphCall, client: Client, root: string, paging: DeltaPaging, calendarId: string, cursor: SyncCursor): Promise<ChangePage> {
  const link = cursor.pageToken ?? cursor.syncToken ?? null;
  const path = link
    ? relativeTo(root, link)
    : `${calendarPath(calendarId)}/calendarView/delta?startDateTime=${iso(cursor.window.start)}&endDateTime=${iso(cursor.window.end)}`;
  const prefer = ['outlook.timezone="UTC"', 'IdType="ImmutableId"', ...(paging.usePageSize ? [`odata.maxpagesize=${PAGE_SIZE}`] : [])].join(', ');
  const data = (await call(() => client.api(path).header('Prefer', prefer).get())) as {
    value?: Array<Record<string, unknown>>;
    '@odata.nextLink'?: string;
    '@odata.deltaLink'?: string;
  };
  const items = data.value ?? [];
  const next = data['@odata.nextLink'];
  // Graph can page forever with maxpagesize and recurring series (msgraph-sdk-dotnet#3070):
  // a page that repeats the previous one starts the listing over, without a page size.
  const signature = JSON.stringify(items.map((i) => [i.id, i.changeKey ?? (i['@removed'] ? '-' : '')]));
  const repeated = Boolean(cursor.pageToken) && (next === cursor.pageToken || (items.length > 0 && signature === paging.lastSignature));
  paging.lastSignature = signature;
  if (repeated) {
    paging.usePageSize = false;
    paging.lastSignature = null;
    throw new ProviderError('microsoft', 'gone', 'Graph repeated a delta page: listing again without a page size', undefined, 'pagingLoop');
  }
  const changes = items.map((item) => mapGraphItem(item, 'UTC')).filter((c) => c !== null);
  return { changes, nextPageToken: next, nextSyncToken: next ? undefined : data['@odata.deltaLink'] };
}

/** Busy time per calendar: the opaque events of its calendarView, every page, merged and clipped to the window. */
async function graphFreeBusy(call: GraphCall, client: Client, root: string, calendarIds: string[], window: Interval): Promise<Record<string, Interval[]>> {
  const out: Record<string, Interval[]> = {};
  for (const id of calendarIds) {
    const busy: Interval[] = [];
    let path: string | undefined =
      `${calendarPath(id)}/calendarView?startDateTime=${iso(window.start)}&endDateTime=${iso(window.end)}&$select=showAs,start,end,isAllDay,isCancelled,type`;
    while (path) {
      const current: string = path;
      const data = (await call(() => client.api(current).header('Prefer', `outlook.timezone="UTC", odata.maxpagesize=${PAGE_SIZE}`).get())) as {
        value?: unknown[];
        '@odata.nextLink'?: string;
      };
      for (const item of data.value ?? []) {
        const change = mapGraphItem(item, 'UTC');
        if (change?.kind === 'upsert' && change.event.transparency === 'opaque') busy.push({ start: change.event.start, end: change.event.end });
      }
      path = data['@odata.nextLink'] ? relativeTo(root, data['@odata.nextLink']) : undefined;
    }
    out[id] = clip(normalize(busy), window);
  }
  return out;
}

/** Our event for a block: an earlier one found by our tag is kept or moved, else one is created (idempotent by transactionId). */
async function upsertGraphOwnedEvent(call: GraphCall, client: Client, calendarId: string, draft: OwnedEventDraft): Promise<OwnedEventResult> {
  // An earlier try that got through (its answer lost, or beyond Graph's transactionId memory) is found by our tag.
  const existing = await findOwnedEvent(call, client, calendarId, draft.clientId);
  if (existing?.id) {
    if (existing.start === draft.start && existing.end === draft.end) return { externalId: existing.id, outcome: 'exists', focusTime: false };
    if (draft.ifMoved === 'keep') return { externalId: existing.id, outcome: 'moved', focusTime: false };
    // Graph sends the attendees an update when their organizer's meeting changes.
    await call(() => client.api(eventPath(existing.id!)).header('Prefer', EVENT_PREFER).patch(toGraphTimes(draft)));
    return { externalId: existing.id, outcome: 'updated', focusTime: false };
  }
  // A repeated transactionId (a retry of this POST, a concurrent run) returns the event already created.
  const created = graphOwnedState(
    await call(() => client.api(`${calendarPath(calendarId)}/events`).header('Prefer', EVENT_PREFER).post(toGraphOwnedEvent(draft))),
  );
  if (!created.id) throw new ProviderError('microsoft', 'invalid', 'Microsoft Graph answered the event creation without an id');
  if (created.start !== draft.start || created.end !== draft.end) {
    // The transaction was an earlier try with other times: confirm it is ours, then move it.
    const state = await graphOwnedEvent(call, client, created.id);
    if (state === 'gone') throw new ProviderError('microsoft', 'gone', 'the member deleted this event', undefined, 'deleted');
    if (draft.ifMoved === 'keep') return { externalId: created.id, outcome: 'moved', focusTime: false };
    await call(() => client.api(eventPath(created.id!)).header('Prefer', EVENT_PREFER).patch(toGraphTimes(draft)));
    return { externalId: created.id, outcome: 'updated', focusTime: false };
  }
  return { externalId: created.id, outcome: 'created', focusTime: false };
}

/**
 * The Microsoft Graph provider: `@microsoft/microsoft-graph-client` built with
 * `initWithMiddleware` (our bearer middleware → the client's HTTPMessageHandler) against
 * `config.apiRoot`, the same construction in production and tests. Tokens are refreshed ahead of
 * expiry (single flight) and every rotated refresh token goes to `onTokens`; calls go through
 * our retry policy (Retry-After honoured) and at most 4 run at once per mailbox. It writes only
 * events it owns (focus blocks): tagged with our extended property, created with a
 * `transactionId`, and read back with the tag expanded before any change. It runs past 80 lines
 * only because it lists the provider's methods; the work is in the module functions above.
 */
export function createMicrosoftProvider(options: {
  config: MicrosoftConfig;
  tokens: MicrosoftTokens;
  onTokens: (tokens: MicrosoftTokens) => Promise<void>;
  retry: RetryPolicy;
  now?: () => number;
}): CalendarProvider {
  const now = options.now ?? Date.now;
  const root = options.config.apiRoot.replace(/\/$/, '');
  const version = root.slice(root.lastIndexOf('/') + 1);
  const tokens = graphTokenHolder(options.config, options.tokens, options.onTokens, now);
  const client = Client.initWithMiddleware({
    baseUrl: root.slice(0, root.lastIndexOf('/')),
    defaultVersion: version,
    middleware: [new BearerAuth(tokens.accessToken), new HTTPMessageHandler()],
  } as never);
  const call = graphCaller(tokens.ensureToken, options.retry);
  const paging: DeltaPaging = { usePageSize: true, lastSignature: null };

  return {
    name: 'microsoft',
    tokensBoundToWindow: true,

    listChanges: (calendarId: string, cursor: SyncCursor): Promise<ChangePage> => listGraphChanges(call, client, root, paging, calendarId, cursor),

    freeBusy: (calendarIds: string[], window: Interval): Promise<Record<string, Interval[]>> => graphFreeBusy(call, client, root, calendarIds, window),

    async profile() {
      return mapMailboxSettings(await call(() => client.api('/me/mailboxSettings').get()));
    },

    async watch(calendarId, channel): Promise<WatchChannel> {
      const resource = eventsResource(calendarId);
      const res = (await call(() =>
        client.api('/subscriptions').post({
          changeType: 'created,updated,deleted',
          notificationUrl: channel.address,
          lifecycleNotificationUrl: channel.address,
          resource,
          expirationDateTime: iso(channel.expiresAt),
          clientState: channel.token,
        }),
      )) as { id: string; resource?: string; expirationDateTime?: string };
      return { id: res.id, resourceId: res.resource ?? resource, expiresAt: Date.parse(res.expirationDateTime ?? iso(channel.expiresAt)) };
    },

    async renewWatch(channel, expiresAt): Promise<WatchChannel> {
      const res = (await call(() => client.api(`/subscriptions/${encodeURIComponent(channel.id)}`).patch({ expirationDateTime: iso(expiresAt) }))) as {
        expirationDateTime?: string;
      };
      return { id: channel.id, resourceId: channel.resourceId, expiresAt: Date.parse(res.expirationDateTime ?? iso(expiresAt)) };
    },

    upsertOwnedEvent: (calendarId, draft): Promise<OwnedEventResult> => upsertGraphOwnedEvent(call, client, calendarId, draft),

    async updateOwnedEvent(_calendarId, eventId, times) {
      if ((await graphOwnedEvent(call, client, eventId)) === 'gone') return 'gone';
      try {
        await call(() => client.api(eventPath(eventId)).header('Prefer', EVENT_PREFER).patch(toGraphTimes(times)));
        return 'updated';
      } catch (error) {
        if (isProviderError(error) && (error.kind === 'gone' || error.kind === 'not_found')) return 'gone';
        throw error;
      }
    },

    async deleteOwnedEvent(_calendarId, eventId) {
      if ((await graphOwnedEvent(call, client, eventId)) === 'gone') return 'gone';
      try {
        await call(() => client.api(eventPath(eventId)).header('Prefer', EVENT_PREFER).delete());
        return 'deleted';
      } catch (error) {
        if (isProviderError(error) && (error.kind === 'gone' || error.kind === 'not_found')) return 'gone';
        throw error;
      }
    },

    async stopWatch(channel) {
      try {
        await call(() => client.api(`/subscriptions/${encodeURIComponent(channel.id)}`).delete());
      } catch (error) {
        // Already gone is what we wanted.
        if (!isProviderError(error) || error.kind !== 'not_found') throw error;
      }
    },
  };
}
