import { calendar, type calendar_v3 } from '@googleapis/calendar';
import type { Interval } from '../../domain/types';
import { ProviderError, isProviderError, type CalendarProvider, type ChangePage, type OwnedEventDraft, type OwnedEventResult, type SyncCursor } from '../calendar-provider';
import { createLimiter, headerValue, parseRetryAfter, withRetry, type RetryPolicy } from '../retry';
import { mapGoogleItem, ownedEventState, toGoogleOwnedEvent, toGoogleTimes } from './google.mapper';
import { googleTokenClient, type GoogleConfig, type GoogleTokens } from './google.oauth';

const FREEBUSY_MAX_MS = 90 * 86_400_000;
const PAGE_SIZE = 250;

/** 403 reasons that mean throttling: back off and try again (guides/errors). */
const RATE_REASONS = new Set(['rateLimitExceeded', 'userRateLimitExceeded']);
/** 403 reasons that mean the project's quota is spent for now: retrying soon cannot help. */
const QUOTA_REASONS = new Set(['quotaExceeded', 'dailyLimitExceeded']);
/**
 * 403 reasons that mean the grant itself no longer covers what we do: a scope missing from the
 * token, or the account's domain blocking the app. Only these need the member to reconnect;
 * any other 403 (`forbidden` on one calendar, `forbiddenForNonOrganizer`) refuses one request.
 */
const ACCESS_LOST_REASONS = new Set(['insufficientPermissions', 'insufficientPermission', 'domainPolicy']);

/** The HTTP status of what the Google client threw, if it got an answer. */
const statusOf = (error: unknown): number | undefined => {
  const e = error as { status?: unknown; response?: { status?: number } };
  return e.response?.status ?? (typeof e.status === 'number' ? e.status : undefined);
};

/** Turns whatever the Google client threw into a ProviderError; vendor bodies stay here. */
export function toGoogleError(error: unknown, now: number = Date.now()): ProviderError {
  if (isProviderError(error)) return error;
  const e = error as { code?: string | number; response?: { data?: unknown; headers?: unknown } };
  const status = statusOf(error);
  const data = e.response?.data as { error?: string | { errors?: Array<{ reason?: string }> } } | undefined;
  const oauthError = typeof data?.error === 'string' ? data.error : undefined;
  const reason = oauthError ?? (typeof data?.error === 'object' ? data.error.errors?.[0]?.reason : undefined);
  // gaxios hands back node-fetch's headers on Node and fetch's on Workers: read it either way.
  const retryAfterMs = parseRetryAfter(headerValue(e.response?.headers, 'retry-after'), now);
  const make = (kind: ProviderError['kind'], message: string, retry?: number, why = reason) => new ProviderError('google', kind, message, retry, why);

  if (oauthError === 'invalid_grant') return make('auth', 'the Google grant was revoked or expired');
  if (status === undefined) return make('unavailable', `network error talking to Google (${e.code ?? 'no response'})`);
  if (status === 401) return make('auth', 'Google rejected the credentials, even freshly refreshed', undefined, reason ?? 'authError');
  if (status === 429 || (status === 403 && RATE_REASONS.has(reason ?? ''))) return make('rate_limited', 'Google asked us to slow down', retryAfterMs);
  // Daily quota: retrying soon cannot help, so the hint is long and the retry policy gives up.
  if (status === 403 && QUOTA_REASONS.has(reason ?? '')) return make('rate_limited', 'Google quota exhausted', Math.max(retryAfterMs ?? 0, 3_600_000));
  if (status === 403 && ACCESS_LOST_REASONS.has(reason ?? '')) return make('auth', 'the Google grant no longer covers calendar access');
  if (status === 403) return make('invalid', 'Google refused this request for the calendar', undefined, reason ?? 'forbidden');
  if (status === 404) return make('not_found', 'Google has no such calendar or event');
  if (status === 409) return make('conflict', 'Google reports a conflict (duplicate id)');
  if (status === 410) return make('gone', reason === 'fullSyncRequired' ? 'sync token expired: full sync required' : 'gone');
  if (status >= 500) return make('unavailable', `Google answered ${status}`, retryAfterMs);
  return make('invalid', `Google rejected the request (${status})`);
}

type GoogleApi = calendar_v3.Calendar;
type GoogleClient = ReturnType<typeof googleTokenClient>['client'];
/** One Google call through the connection's limiter, retry policy and token refresh. */
type GoogleCall = <T>(fn: () => Promise<T>) => Promise<T>;

/**
 * One call. A 401 means the access token died before its stored expiry (revoked, rotated):
 * as Google advises, get a new one with the refresh token and try once more; only a failed
 * refresh (`invalid_grant`) or a second 401 means the member must reconnect.
 */
async function attemptWithRefresh<T>(client: GoogleClient, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (statusOf(error) !== 401) throw toGoogleError(error);
    client.setCredentials({ ...client.credentials, expiry_date: 1 });
    try {
      return await fn();
    } catch (again) {
      throw toGoogleError(again);
    }
  }
}

/** Calls limited to 4 at once, retried by `retry`, each waiting for refreshed tokens to be stored. */
function googleCaller(client: GoogleClient, retry: RetryPolicy, saved: () => Promise<void>): GoogleCall {
  const limit = createLimiter(4);
  return async <T>(fn: () => Promise<T>): Promise<T> => {
    try {
      return await limit(() => withRetry(() => attemptWithRefresh(client, fn), retry));
    } finally {
      await saved();
    }
  };
}

/** Whether an event exists and is ours: only then may it be changed. */
async function googleOwnedState(call: GoogleCall, api: GoogleApi, calendarId: string, eventId: string): Promise<'ours' | 'gone'> {
  let data: unknown;
  try {
    data = (await call(() => api.events.get({ calendarId, eventId }))).data;
  } catch (error) {
    if (isProviderError(error) && (error.kind === 'gone' || error.kind === 'not_found')) return 'gone';
    throw error;
  }
  const state = ownedEventState(data);
  if (state.cancelled) return 'gone';
  if (!state.ours) throw new ProviderError('google', 'conflict', 'this event is not ours to change', undefined, 'not_owned');
  return 'ours';
}

/** One page of events.list: a full sync bounded by the cursor's window, or the changes since its sync token. */
async function listGoogleChanges(call: GoogleCall, api: GoogleApi, calendarId: string, cursor: SyncCursor): Promise<ChangePage> {
  const params: Record<string, unknown> = { calendarId, singleEvents: true, maxResults: PAGE_SIZE };
  if (cursor.pageToken) params.pageToken = cursor.pageToken;
  if (cursor.syncToken) params.syncToken = cursor.syncToken;
  else {
    // Only a full sync may bound the window; the same query is repeated for every page.
    params.timeMin = new Date(cursor.window.start).toISOString();
    params.timeMax = new Date(cursor.window.end).toISOString();
  }
  const res = await call(() => api.events.list(params as never));
  const data = res.data as { items?: unknown[]; nextPageToken?: string | null; nextSyncToken?: string | null; timeZone?: string | null };
  const zone = data.timeZone ?? 'UTC';
  const changes = (data.items ?? []).map((item) => mapGoogleItem(item, zone)).filter((c) => c !== null);
  return { changes, nextPageToken: data.nextPageToken ?? undefined, nextSyncToken: data.nextSyncToken ?? undefined };
}

/** Busy time per calendar, asked in spans of at most 90 days (freebusy's limit). */
async function googleFreeBusy(call: GoogleCall, api: GoogleApi, calendarIds: string[], window: Interval): Promise<Record<string, Interval[]>> {
  const out: Record<string, Interval[]> = Object.fromEntries(calendarIds.map((id) => [id, []]));
  for (let start = window.start; start < window.end; start += FREEBUSY_MAX_MS) {
    const end = Math.min(window.end, start + FREEBUSY_MAX_MS);
    const res = await call(() =>
      api.freebusy.query({
        requestBody: { timeMin: new Date(start).toISOString(), timeMax: new Date(end).toISOString(), items: calendarIds.map((id) => ({ id })) },
      }),
    );
    for (const [id, cal] of Object.entries(res.data.calendars ?? {})) {
      for (const b of cal.busy ?? []) out[id]?.push({ start: Date.parse(b.start!), end: Date.parse(b.end!) });
    }
  }
  return out;
}

/** Creates our event under its client id; if that id exists already, checks it is ours and brings its times up to date. */
async function upsertGoogleOwnedEvent(call: GoogleCall, api: GoogleApi, calendarId: string, draft: OwnedEventDraft): Promise<OwnedEventResult> {
  const insert = async (asFocusTime: boolean) => {
    const res = await call(() => api.events.insert({
        calendarId,
        requestBody: toGoogleOwnedEvent(draft, asFocusTime) as never,
        // A meeting we own invites its attendees; a focus block has none to tell.
        ...(draft.attendees?.length ? { sendUpdates: 'all' } : {}),
      }));
    return { externalId: draft.clientId, outcome: 'created' as const, focusTime: asFocusTime && ownedEventState(res.data).focusTime };
  };
  try {
    try {
      return await insert(draft.focus.asFocusTime);
    } catch (error) {
      // Focus time is refused for some accounts (consumer ones): the same block as a normal busy event.
      if (!draft.focus.asFocusTime || !isProviderError(error) || error.kind !== 'invalid') throw error;
      return await insert(false);
    }
  } catch (error) {
    // 409 duplicate: an earlier attempt (a lost answer, a concurrent run) already created it.
    if (!isProviderError(error) || error.kind !== 'conflict') throw error;
    const existing = ownedEventState((await call(() => api.events.get({ calendarId, eventId: draft.clientId }))).data);
    if (!existing.ours) throw new ProviderError('google', 'conflict', 'an event with this id exists and is not ours', undefined, 'not_owned');
    if (existing.cancelled) throw new ProviderError('google', 'gone', 'the member deleted this event', undefined, 'deleted');
    if (existing.start === draft.start && existing.end === draft.end) return { externalId: draft.clientId, outcome: 'exists', focusTime: existing.focusTime };
    if (draft.ifMoved === 'keep') return { externalId: draft.clientId, outcome: 'moved', focusTime: existing.focusTime };
    await call(() =>
      api.events.patch({
        calendarId,
        eventId: draft.clientId,
        requestBody: toGoogleTimes(draft),
        // Guests hear about any change we make to a meeting they were invited to.
        ...(draft.attendees?.length ? { sendUpdates: 'all' } : {}),
      }),
    );
    return { externalId: draft.clientId, outcome: 'updated', focusTime: existing.focusTime };
  }
}

/**
 * The Google Calendar provider: the official client pointed at `config.apiRoot`, our retry
 * policy (the client's own retries are off), at most 4 concurrent calls per connection, and
 * refreshed tokens handed to `onTokens` to be sealed and stored.
 */
export function createGoogleProvider(options: {
  config: GoogleConfig;
  tokens: GoogleTokens;
  onTokens: (tokens: GoogleTokens) => Promise<void>;
  retry: RetryPolicy;
}): CalendarProvider {
  const { client, current, saved } = googleTokenClient(options.config, options.tokens, options.onTokens);
  const api = calendar({ version: 'v3', rootUrl: `${options.config.apiRoot.replace(/\/$/, '')}/`, auth: client, retry: false });
  const call = googleCaller(client, options.retry, saved);

  return {
    name: 'google',

    listChanges: (calendarId: string, cursor: SyncCursor): Promise<ChangePage> => listGoogleChanges(call, api, calendarId, cursor),

    freeBusy: (calendarIds: string[], window: Interval): Promise<Record<string, Interval[]>> => googleFreeBusy(call, api, calendarIds, window),

    async watch(calendarId, channel) {
      const res = await call(() =>
        api.events.watch({
          calendarId,
          requestBody: { id: channel.id, type: 'web_hook', address: channel.address, token: channel.token, expiration: String(channel.expiresAt) },
        }),
      );
      return { id: channel.id, resourceId: res.data.resourceId ?? '', expiresAt: Number(res.data.expiration ?? channel.expiresAt) };
    },

    async stopWatch(channel) {
      await call(() => api.channels.stop({ requestBody: { id: channel.id, resourceId: channel.resourceId } }));
    },

    upsertOwnedEvent: (calendarId, draft): Promise<OwnedEventResult> => upsertGoogleOwnedEvent(call, api, calendarId, draft),

    async updateOwnedEvent(calendarId, eventId, times) {
      const state = await googleOwnedState(call, api, calendarId, eventId);
      if (state === 'gone') return 'gone';
      await call(() => api.events.patch({ calendarId, eventId, requestBody: toGoogleTimes(times) }));
      return 'updated';
    },

    async deleteOwnedEvent(calendarId, eventId) {
      if ((await googleOwnedState(call, api, calendarId, eventId)) === 'gone') return 'gone';
      try {
        await call(() => api.events.delete({ calendarId, eventId }));
        return 'deleted';
      } catch (error) {
        if (isProviderError(error) && (error.kind === 'gone' || error.kind === 'not_found')) return 'gone';
        throw error;
      }
    },

    async revoke() {
      const token = current().refresh_token ?? current().access_token;
      if (!token) return;
      try {
        await client.revokeToken(token);
      } catch (error) {
        const e = toGoogleError(error);
        // An already revoked grant is what we wanted.
        if (e.kind !== 'invalid' && e.kind !== 'auth') throw e;
      }
    },
  };
}
