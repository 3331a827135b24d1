/**
 * A local fake of the parts of Google Calendar v3 and Google OAuth that unmeet uses, following
 * Google's documented behaviour (developers.google.com/calendar/api/guides/sync, /guides/push,
 * /guides/errors; identity/protocols/oauth2/web-server):
 *  - events.list with singleEvents instances, paging (`nextPageToken` on every page but the last,
 *    `nextSyncToken` only on the last), incremental sync with tombstones, the parameters that
 *    are forbidden with `syncToken` rejected with 400, expired tokens answered 410 fullSyncRequired
 *  - cancelled instances of a series carry only id, recurringEventId and originalStartTime
 *  - events.insert with client ids (base32hex, 5–1024) and 409 duplicate (deleted ids stay taken);
 *    events.get / patch / update / delete (410 for an event already deleted)
 *  - event types (guides/event-types): every event is returned with an `eventType` ('default'
 *    when it was stored without one); events.list filters by repeated `eventTypes` (all types
 *    when absent)
 *  - focus time (guides/calendar-status): `eventType: 'focusTime'` must be timed, opaque, on the
 *    primary calendar, with a valid `focusTimeProperties.autoDeclineMode`; `focusTime` switches
 *    the account kind: 'allowed' (Workspace), 'reject' (consumer: 400 as Google answers it) or
 *    'downgrade' (older reports: the event is stored as `eventType: 'default'`)
 *  - out of office (guides/calendar-status): `eventType: 'outOfOffice'` needs
 *    `outOfOfficeProperties` (even empty) and, like focus time, a timed, opaque event on the
 *    primary calendar of a Workspace account (a consumer account, `focusTime: 'reject'`, gets 400);
 *    `putOutOfOffice` seeds one as the Calendar UI creates it (no attendees, the owner organizes)
 *  - events.watch / channels.stop, freeBusy (≤ 90 days a call)
 *  - OAuth: authorize (auto-consent), token (authorization_code with PKCE S256, refresh_token),
 *    revoke; revoked grants answer invalid_grant; API calls need a live bearer token; a refresh
 *    token only when the consent asked for `access_type=offline`, as Google does
 *  - OpenID Connect (identity/openid-connect/openid-connect, /reference): the discovery document
 *    (`/.well-known/openid-configuration`), the JWKS (`/oauth2/v3/certs`, RS256 with `kid`,
 *    Cache-Control max-age); authorize remembers `nonce` and the consenting account (`account`,
 *    or `accounts` by `login_hint`); when `openid` was granted, the code exchange also answers an
 *    `id_token` (iss, azp, aud, sub, iat, exp, nonce, at_hash; email and email_verified with the
 *    `email` scope; hd for Workspace accounts; name and locale with `profile`), timed by `now`;
 *    `idTokenFault` bends the next ID token (see IdTokenFault). Faults with an explicit `path`
 *    also reach the token, JWKS and discovery endpoints
 *  - Gmail (developers.google.com/gmail/api/reference/rest/v1/users.messages): `messages.send`
 *    `{raw: base64url RFC 2822}` → `{id, threadId, labelIds: ['SENT']}` (needs gmail.send, or a
 *    broader mail scope); `messages.list` with `q` (`rfc822msgid:<id>`, `in:sent`) → `{messages,
 *    resultSizeEstimate}` — it needs a read scope (gmail.readonly, gmail.modify or the full mail
 *    scope; gmail.metadata may not use `q`), else 403 insufficientPermissions, as Google answers
 * Tests mutate the "truth" and can inject faults that apply to the next matching requests.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { IdTokenSigner, LocalHttpFake, type IdTokenFault, type TransportFault } from '../local-server';
import { googleDiscovery, googleIdTokenClaims, type FakeGoogleAccount } from './openid';

export type { FakeGoogleAccount } from './openid';

export interface FakeEvent {
  id: string;
  status: 'confirmed' | 'tentative' | 'cancelled';
  summary?: string;
  description?: string;
  start?: { dateTime?: string; date?: string; timeZone?: string };
  end?: { dateTime?: string; date?: string; timeZone?: string };
  iCalUID?: string;
  recurringEventId?: string;
  originalStartTime?: { dateTime?: string; date?: string };
  organizer?: { email: string; self?: boolean };
  attendees?: Array<{ email: string; responseStatus?: string; optional?: boolean; self?: boolean; resource?: boolean }>;
  transparency?: 'opaque' | 'transparent';
  eventType?: string;
  extendedProperties?: { private?: Record<string, string> };
  focusTimeProperties?: { autoDeclineMode?: string; declineMessage?: string; chatStatus?: string };
  outOfOfficeProperties?: { autoDeclineMode?: string; declineMessage?: string };
  reminders?: { useDefault?: boolean };
  hangoutLink?: string;
  updated?: string;
}

export type Fault =
  | { kind: 'status'; status: 401 | 429 | 403 | 500 | 503; reason?: string; retryAfterSeconds?: number; retryAfterDateSeconds?: number }
  | TransportFault
  /** The request is carried out, then the connection drops before the answer: the client cannot tell. */
  | { kind: 'dropResponse' }
  | { kind: 'gone' };

interface Grant {
  challenge: string;
  redirectUri: string;
  scope: string;
  nonce: string | null;
  account: FakeGoogleAccount;
  offline: boolean;
}

interface Stored {
  event: FakeEvent;
  version: number;
}

interface Calendar {
  events: Map<string, Stored>;
  version: number;
  /** Sync tokens issued before this epoch answer 410. */
  epoch: number;
}

/** Messages Google sends with these reasons (guides/errors; the global scope error of Google APIs). */
const FAULT_MESSAGES: Record<string, string> = {
  authError: 'Invalid Credentials',
  rateLimitExceeded: 'Rate Limit Exceeded',
  userRateLimitExceeded: 'User Rate Limit Exceeded',
  quotaExceeded: 'Calendar usage limits exceeded.',
  forbidden: 'Forbidden',
  forbiddenForNonOrganizer: 'Shared properties can only be changed by the organizer of the event.',
  insufficientPermissions: 'Insufficient Permission: Request had insufficient authentication scopes.',
};

const b64 = (s: string) => Buffer.from(s).toString('base64url');
const unb64 = (s: string) => Buffer.from(s, 'base64url').toString();

export class FakeGoogle extends LocalHttpFake {
  readonly calendars = new Map<string, Calendar>();
  /** Faults for the next matching requests: any request, or those whose path (and method, when given) match. */
  readonly faults: Array<Fault & { path?: RegExp; method?: string }> = [];
  /** Every request, with the real time it arrived (to measure how long a client waited). */
  readonly requests: Array<{ method: string; path: string; query: Record<string, string>; at: number }> = [];
  readonly channels = new Map<string, { calendarId: string; address: string; token?: string; resourceId: string; expiration: number }>();
  readonly clientId = 'fake-client-id.apps.googleusercontent.com';
  readonly clientSecret = 'fake-client-secret';
  private codes = new Map<string, Grant>();
  private accessTokens = new Map<string, { refresh: string; expires: number }>();
  private refreshTokens = new Set<string>();
  /** The scopes granted to each refresh token (access tokens inherit them). */
  private grantedScopes = new Map<string, string>();
  /** The mailbox behind the connection: every message sent through Gmail, as Gmail keeps it. */
  readonly sentMail: Array<{ id: string; threadId: string; raw: string; messageId: string | null; labelIds: string[] }> = [];
  private snapshots = new Map<string, { items: FakeEvent[]; syncVersion: number; epoch: number; calendarId: string }>();
  pageSize = 250;
  accessTokenLifetimeSeconds = 3600;
  /** What the account does with focus time: Workspace accounts allow it, consumer accounts reject it. */
  focusTime: 'allowed' | 'reject' | 'downgrade' = 'allowed';
  /** Who consents when no `accounts` entry matches the `login_hint`: a verified Workspace account. */
  account: FakeGoogleAccount = { sub: '104726013921180245675', email: 'alice@example.com', emailVerified: true, hd: 'example.com', name: 'Alice Example', locale: 'en' };
  /** Accounts by lower-cased `login_hint` (the account chooser picking the hinted account). */
  readonly accounts = new Map<string, FakeGoogleAccount>();
  /** The clock of ID tokens' iat and exp (tests share the app's fixed clock). */
  now: () => number = Date.now;
  /** Applies to the next ID token only. */
  idTokenFault: IdTokenFault | null = null;
  /** Google still issues some tokens with the legacy issuer `accounts.google.com`. */
  idTokenIssuer = 'https://accounts.google.com';
  readonly idTokenLifetimeSeconds = 3600;
  private readonly signer = new IdTokenSigner('');
  private seq = 0;

  calendar(id: string): Calendar {
    let cal = this.calendars.get(id);
    if (!cal) this.calendars.set(id, (cal = { events: new Map(), version: 0, epoch: 0 }));
    return cal;
  }

  /** Creates or replaces an event in the truth (a new version, seen by the next incremental sync). */
  put(calendarId: string, event: FakeEvent): void {
    const cal = this.calendar(calendarId);
    cal.version++;
    cal.events.set(event.id, { event: { ...event, updated: new Date(Date.UTC(2026, 0, 1) + cal.version * 1000).toISOString() }, version: cal.version });
  }

  /**
   * Seeds an out-of-office entry as the Calendar UI makes one: timed (a whole day runs from
   * midnight to midnight), opaque, organized by the owner, no attendees, declining conflicting
   * invitations. Throws where Google would refuse it (see `checkEvent`).
   */
  putOutOfOffice(calendarId: string, entry: { id: string; start: string; end: string; summary?: string; owner?: string }): FakeEvent {
    const event: FakeEvent = {
      id: entry.id,
      status: 'confirmed',
      summary: entry.summary ?? 'Out of office',
      start: { dateTime: entry.start },
      end: { dateTime: entry.end },
      iCalUID: `${entry.id}@google.com`,
      organizer: { email: entry.owner ?? this.account.email, self: true },
      transparency: 'opaque',
      eventType: 'outOfOffice',
      outOfOfficeProperties: { autoDeclineMode: 'declineAllConflictingInvitations', declineMessage: 'Declined because I am out of office' },
    };
    const problem = this.checkEvent(calendarId, event);
    if (problem) throw new Error(`Google would refuse this out-of-office entry: ${problem.message}`);
    this.put(calendarId, event);
    return event;
  }

  /** Deletes an event: it stays as a tombstone shaped as Google sends it. */
  cancel(calendarId: string, id: string): void {
    const cal = this.calendar(calendarId);
    const existing = cal.events.get(id);
    if (!existing) return;
    const e = existing.event;
    const tombstone: FakeEvent = e.recurringEventId
      ? { id, status: 'cancelled', recurringEventId: e.recurringEventId, originalStartTime: e.originalStartTime ?? e.start! }
      : { id, status: 'cancelled' };
    cal.version++;
    cal.events.set(id, { event: tombstone, version: cal.version });
  }

  /** What a correct client should hold: every live event. */
  truth(calendarId: string): FakeEvent[] {
    return [...this.calendar(calendarId).events.values()].map((s) => s.event).filter((e) => e.status !== 'cancelled');
  }

  /** Makes every sync token issued so far expire (the next incremental sync answers 410). */
  expireSyncTokens(calendarId: string): void {
    this.calendar(calendarId).epoch++;
  }

  revokeAll(): void {
    this.refreshTokens.clear();
    this.accessTokens.clear();
  }

  /** Sends a push notification for the calendar to every channel watching it. */
  async notify(calendarId: string, state = 'exists', tokenOverride?: string): Promise<number[]> {
    const statuses: number[] = [];
    for (const [id, ch] of this.channels) {
      if (ch.calendarId !== calendarId) continue;
      const res = await fetch(ch.address, {
        method: 'POST',
        headers: {
          'X-Goog-Channel-ID': id,
          'X-Goog-Channel-Token': tokenOverride ?? ch.token ?? '',
          'X-Goog-Resource-ID': ch.resourceId,
          'X-Goog-Resource-State': state,
          'X-Goog-Message-Number': String(++this.seq),
          'X-Goog-Channel-Expiration': new Date(ch.expiration).toUTCString(),
        },
      });
      statuses.push(res.status);
    }
    return statuses;
  }

  /** Google's error body; the domain follows the reason as in guides/errors (usageLimits for limits and quota). */
  private error(res: ServerResponse, status: number, reason: string, message: string, headers: Record<string, string> = {}) {
    const domain = status === 410 || reason === 'forbiddenForNonOrganizer' ? 'calendar' : /Limit|quota/i.test(reason) ? 'usageLimits' : 'global';
    this.send(res, status, { error: { errors: [{ domain, reason, message }], code: status, message } }, headers);
  }

  protected async handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', this.url);
    const query = Object.fromEntries(url.searchParams);
    this.requests.push({ method: req.method ?? 'GET', path: url.pathname, query, at: Date.now() });

    // Sign-in endpoints take only faults aimed at them by path, so an API fault is never spent there.
    const identityPath = ['/token', '/oauth2/v3/certs', '/.well-known/openid-configuration'].includes(url.pathname);
    const faultIndex = this.faults.findIndex((f) => (!f.path || f.path.test(url.pathname)) && (!f.method || f.method === req.method) && (!identityPath || f.path));
    if (faultIndex >= 0 && (url.pathname.startsWith('/calendar/') || url.pathname.startsWith('/gmail/') || identityPath)) {
      const fault = this.faults.splice(faultIndex, 1)[0]!;
      if (await this.transportFault(fault, req, res)) return;
      if (fault.kind === 'status') {
        const reason = fault.reason ?? { 401: 'authError', 403: 'forbidden', 429: 'rateLimitExceeded', 500: 'backendError', 503: 'backendError' }[fault.status];
        return this.error(res, fault.status, reason, FAULT_MESSAGES[reason] ?? 'injected fault', this.retryAfter(fault));
      }
      if (fault.kind === 'gone') {
        return this.send(res, 410, { error: { errors: [{ domain: 'calendar', reason: 'fullSyncRequired', message: 'Sync token is no longer valid, a full sync is required.', locationType: 'parameter', location: 'syncToken' }], code: 410, message: 'Sync token is no longer valid, a full sync is required.' } });
      }
    }

    try {
      if (url.pathname === '/o/oauth2/v2/auth') return this.authorize(url, res);
      if (url.pathname === '/.well-known/openid-configuration') return this.send(res, 200, googleDiscovery(this.url));
      // Google's certs answer with a max-age of some hours: clients cache and refetch on a new kid.
      if (url.pathname === '/oauth2/v3/certs') return this.send(res, 200, this.signer.jwks(), { 'cache-control': 'public, max-age=20000, must-revalidate, no-transform' });
      if (url.pathname === '/token' && req.method === 'POST') return this.token(new URLSearchParams(await this.body(req)), res);
      if (url.pathname === '/revoke' && req.method === 'POST') {
        const token = url.searchParams.get('token') ?? new URLSearchParams(await this.body(req)).get('token') ?? '';
        this.refreshTokens.delete(token);
        this.accessTokens.delete(token);
        for (const [access, t] of this.accessTokens) if (t.refresh === token) this.accessTokens.delete(access);
        return this.send(res, 200, {});
      }
      if (url.pathname.startsWith('/calendar/v3/')) {
        const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
        const live = bearer ? this.accessTokens.get(bearer) : undefined;
        if (!live || live.expires < Date.now()) return this.error(res, 401, 'authError', 'Invalid Credentials');
        return this.calendarApi(req, url, res);
      }
      if (url.pathname.startsWith('/gmail/v1/')) {
        const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
        const live = bearer ? this.accessTokens.get(bearer) : undefined;
        if (!live || live.expires < Date.now()) return this.error(res, 401, 'authError', 'Invalid Credentials');
        return this.gmailApi(req, url, res, this.grantedScopes.get(live.refresh) ?? '');
      }
      this.send(res, 404, { error: { code: 404, message: 'Not Found' } });
    } catch (error) {
      this.send(res, 500, { error: { code: 500, message: String(error) } });
    }
  }

  private authorize(url: URL, res: ServerResponse) {
    const p = url.searchParams;
    if (p.get('client_id') !== this.clientId) return this.send(res, 400, { error: 'invalid_client' });
    if (p.get('code_challenge_method') !== 'S256' || !p.get('code_challenge')) return this.send(res, 400, { error: 'invalid_request', error_description: 'PKCE S256 required by this fake' });
    const code = `code-${randomBytes(8).toString('hex')}`;
    const hint = p.get('login_hint')?.toLowerCase();
    this.codes.set(code, {
      challenge: p.get('code_challenge')!,
      redirectUri: p.get('redirect_uri')!,
      scope: p.get('scope') ?? '',
      nonce: p.get('nonce'),
      account: { ...((hint && this.accounts.get(hint)) || this.account) },
      offline: p.get('access_type') === 'offline',
    });
    const back = new URL(p.get('redirect_uri')!);
    back.searchParams.set('code', code);
    back.searchParams.set('state', p.get('state') ?? '');
    back.searchParams.set('scope', p.get('scope') ?? '');
    res.writeHead(302, { location: back.toString() });
    res.end();
  }

  private issue(refresh: string) {
    const access = `ya29.${randomBytes(12).toString('hex')}`;
    this.accessTokens.set(access, { refresh, expires: Date.now() + this.accessTokenLifetimeSeconds * 1000 });
    return access;
  }

  private token(p: URLSearchParams, res: ServerResponse) {
    if (p.get('client_id') !== this.clientId || p.get('client_secret') !== this.clientSecret) return this.send(res, 401, { error: 'invalid_client' });
    if (p.get('grant_type') === 'authorization_code') {
      const grant = this.codes.get(p.get('code') ?? '');
      this.codes.delete(p.get('code') ?? '');
      const challenge = createHash('sha256').update(p.get('code_verifier') ?? '').digest('base64url');
      if (!grant || grant.redirectUri !== p.get('redirect_uri') || grant.challenge !== challenge) {
        return this.send(res, 400, { error: 'invalid_grant', error_description: 'Bad Request' });
      }
      // Access tokens hang off a grant key; it is a usable refresh token only for offline access.
      const refresh = `1//${randomBytes(12).toString('hex')}`;
      if (grant.offline) this.refreshTokens.add(refresh);
      this.grantedScopes.set(refresh, grant.scope);
      const access = this.issue(refresh);
      const openid = grant.scope.split(' ').includes('openid');
      return this.send(res, 200, {
        access_token: access,
        ...(grant.offline ? { refresh_token: refresh } : {}),
        expires_in: this.accessTokenLifetimeSeconds,
        scope: grant.scope,
        token_type: 'Bearer',
        ...(openid ? { id_token: this.issueIdToken({ account: grant.account, scope: grant.scope, nonce: grant.nonce, accessToken: access }) } : {}),
      });
    }
    if (p.get('grant_type') === 'refresh_token') {
      const refresh = p.get('refresh_token') ?? '';
      if (!this.refreshTokens.has(refresh)) return this.send(res, 400, { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' });
      return this.send(res, 200, { access_token: this.issue(refresh), expires_in: this.accessTokenLifetimeSeconds, token_type: 'Bearer' });
    }
    this.send(res, 400, { error: 'unsupported_grant_type' });
  }

  /**
   * An ID token as Google signs it for `account` (default: the fake's account), with the claims
   * the scopes allow; spends `idTokenFault`. Tests may also call it directly to get a token in hand, with
   * `claims` overriding any claim.
   */
  issueIdToken(options: { account?: FakeGoogleAccount; scope?: string; nonce?: string | null; accessToken?: string; claims?: Record<string, unknown> } = {}): string {
    const fault = this.idTokenFault;
    this.idTokenFault = null;
    const claims = googleIdTokenClaims({
      account: options.account ?? this.account,
      scope: options.scope ?? 'openid email profile',
      issuer: this.idTokenIssuer,
      clientId: this.clientId,
      nonce: options.nonce ?? null,
      accessToken: options.accessToken ?? null,
      now: this.now(),
      lifetimeSeconds: this.idTokenLifetimeSeconds,
    });
    return this.signer.sign({ ...claims, ...options.claims }, fault, this.clientSecret);
  }

  /**
   * A grant made outside the consent screen (a test's shortcut): live tokens for these scopes,
   * shaped as the token endpoint returns them after an exchange.
   */
  grant(scopes: string[]): { access_token: string; refresh_token: string; expiry_date: number; scope: string } {
    const refresh = `1//${randomBytes(12).toString('hex')}`;
    this.refreshTokens.add(refresh);
    this.grantedScopes.set(refresh, scopes.join(' '));
    return { access_token: this.issue(refresh), refresh_token: refresh, expiry_date: Date.now() + this.accessTokenLifetimeSeconds * 1000, scope: scopes.join(' ') };
  }

  /** Expires every access token issued so far: the next API call needs a refresh. */
  expireAccessTokens(): void {
    for (const t of this.accessTokens.values()) t.expires = 0;
  }

  private async gmailApi(req: IncomingMessage, url: URL, res: ServerResponse, scope: string) {
    const scopes = new Set(scope.split(' ').map((s) => s.replace('https://www.googleapis.com/auth/', '').replace('https://mail.google.com/', 'mail.google.com')));
    const insufficient = () =>
      this.send(res, 403, {
        error: { code: 403, message: 'Request had insufficient authentication scopes.', errors: [{ message: 'Insufficient Permission', domain: 'global', reason: 'insufficientPermissions' }], status: 'PERMISSION_DENIED' },
      });
    const canRead = ['gmail.readonly', 'gmail.modify', 'mail.google.com'].some((s) => scopes.has(s));
    if (url.pathname === '/gmail/v1/users/me/messages/send' && req.method === 'POST') {
      if (!canRead && !scopes.has('gmail.send') && !scopes.has('gmail.compose')) return insufficient();
      let body: { raw?: unknown };
      try {
        body = JSON.parse(await this.body(req)) as { raw?: unknown };
      } catch {
        return this.error(res, 400, 'parseError', 'Invalid JSON payload received.');
      }
      if (typeof body.raw !== 'string' || !/^[A-Za-z0-9_-]+=*$/.test(body.raw)) return this.error(res, 400, 'invalidArgument', "Invalid value for ByteString: 'raw'");
      const raw = Buffer.from(body.raw, 'base64url').toString();
      const headerEnd = raw.search(/\r?\n\r?\n/);
      const headers = headerEnd < 0 ? raw : raw.slice(0, headerEnd);
      if (!/^to:/im.test(headers)) return this.error(res, 400, 'invalidArgument', 'Invalid To header');
      const messageId = /^message-id:\s*(<[^>\r\n]+>)/im.exec(headers)?.[1] ?? null;
      const id = randomBytes(8).toString('hex');
      this.sentMail.push({ id, threadId: id, raw, messageId, labelIds: ['SENT'] });
      return this.send(res, 200, { id, threadId: id, labelIds: ['SENT'] });
    }
    if (url.pathname === '/gmail/v1/users/me/messages' && req.method === 'GET') {
      const q = url.searchParams.get('q');
      if (!canRead && !(scopes.has('gmail.metadata') && !q)) return insufficient();
      const terms = (q ?? '').split(/\s+/).filter(Boolean);
      const matches = this.sentMail.filter((m) =>
        terms.every((term) => {
          const [key, value = ''] = term.split(/:(.*)/s);
          if (key === 'in') return value.toLowerCase() === 'sent' ? m.labelIds.includes('SENT') : false;
          if (key === 'rfc822msgid') return m.messageId !== null && m.messageId.replace(/^<|>$/g, '') === value.replace(/^<|>$/g, '');
          return m.raw.includes(term);
        }),
      );
      return this.send(res, 200, {
        ...(matches.length ? { messages: matches.map((m) => ({ id: m.id, threadId: m.threadId })) } : {}),
        resultSizeEstimate: matches.length,
      });
    }
    return this.error(res, 404, 'notFound', 'Not Found');
  }

  private async calendarApi(req: IncomingMessage, url: URL, res: ServerResponse) {
    const path = url.pathname.slice('/calendar/v3'.length);
    if (path === '/freeBusy' && req.method === 'POST') {
      const body = JSON.parse(await this.body(req)) as { timeMin: string; timeMax: string; items: Array<{ id: string }> };
      const min = Date.parse(body.timeMin);
      const max = Date.parse(body.timeMax);
      if (!(max > min)) return this.error(res, 400, 'timeRangeEmpty', 'The specified time range is empty.');
      if (max - min > 90 * 86_400_000) return this.error(res, 400, 'timeRangeTooLong', 'The requested time range is too long.');
      const calendars: Record<string, { busy: Array<{ start: string; end: string }> }> = {};
      for (const { id } of body.items) {
        calendars[id] = {
          busy: this.truth(id)
            .filter((e) => e.start?.dateTime && e.transparency !== 'transparent')
            .map((e) => ({ s: Date.parse(e.start!.dateTime!), e: Date.parse(e.end!.dateTime!) }))
            .filter((i) => i.s < max && i.e > min)
            .sort((a, b) => a.s - b.s)
            .map((i) => ({ start: new Date(Math.max(i.s, min)).toISOString(), end: new Date(Math.min(i.e, max)).toISOString() })),
        };
      }
      return this.send(res, 200, { kind: 'calendar#freeBusy', timeMin: body.timeMin, timeMax: body.timeMax, calendars });
    }
    if (path === '/channels/stop' && req.method === 'POST') {
      const body = JSON.parse(await this.body(req)) as { id: string; resourceId: string };
      const ch = this.channels.get(body.id);
      if (!ch || ch.resourceId !== body.resourceId) return this.error(res, 404, 'notFound', 'Channel not found');
      this.channels.delete(body.id);
      res.writeHead(204).end();
      return;
    }
    const match = /^\/calendars\/([^/]+)\/events(?:\/(watch|[^/]+))?$/.exec(path);
    if (!match) return this.error(res, 404, 'notFound', 'Not Found');
    const calendarId = decodeURIComponent(match[1]!);
    const cal = this.calendar(calendarId);
    if (match[2] === 'watch' && req.method === 'POST') {
      const body = JSON.parse(await this.body(req)) as { id: string; type: string; address: string; token?: string; expiration?: string | number };
      if (!body.id || body.id.length > 64 || body.type !== 'web_hook' || !body.address) return this.error(res, 400, 'invalid', 'Invalid channel');
      const resourceId = `res-${randomBytes(6).toString('hex')}`;
      const expiration = Number(body.expiration ?? Date.now() + 7 * 86_400_000);
      this.channels.set(body.id, { calendarId, address: body.address, token: body.token, resourceId, expiration });
      return this.send(res, 200, { kind: 'api#channel', id: body.id, resourceId, resourceUri: `${this.url}/calendar/v3/calendars/${calendarId}/events`, expiration: String(expiration) });
    }
    if (!match[2] && req.method === 'POST') {
      const event = JSON.parse(await this.body(req)) as FakeEvent;
      if (event.id !== undefined) {
        if (!/^[a-v0-9]{5,1024}$/.test(event.id)) return this.error(res, 400, 'invalid', 'Invalid resource id value.');
        if (cal.events.has(event.id)) return this.error(res, 409, 'duplicate', 'The requested identifier already exists.');
      }
      const problem = this.checkEvent(calendarId, event);
      if (problem) return this.error(res, 400, problem.reason, problem.message);
      const id = event.id ?? randomBytes(10).toString('hex').replace(/[w-z]/g, 'a');
      this.put(calendarId, this.stored({ ...event, id, status: event.status ?? 'confirmed', iCalUID: `${id}@google.com` }));
      return this.send(res, 200, this.served(cal.events.get(id)!.event));
    }
    if (match[2] && req.method === 'GET') {
      const stored = cal.events.get(decodeURIComponent(match[2]));
      if (!stored) return this.error(res, 404, 'notFound', 'Not Found');
      // A deleted event can still be fetched by id: it comes back with status "cancelled".
      return this.send(res, 200, this.served(stored.event));
    }
    if (match[2] && (req.method === 'PATCH' || req.method === 'PUT')) {
      const id = decodeURIComponent(match[2]);
      const stored = cal.events.get(id);
      if (!stored) return this.error(res, 404, 'notFound', 'Not Found');
      const body = JSON.parse(await this.body(req)) as Partial<FakeEvent>;
      const { updated: _updated, ...current } = stored.event;
      const next = this.stored(req.method === 'PATCH' ? { ...current, ...body, id } : ({ ...body, id, iCalUID: current.iCalUID, status: body.status ?? 'confirmed' } as FakeEvent));
      const problem = this.checkEvent(calendarId, next);
      if (problem) return this.error(res, 400, problem.reason, problem.message);
      this.put(calendarId, next);
      return this.send(res, 200, this.served(cal.events.get(id)!.event));
    }
    if (match[2] && req.method === 'DELETE') {
      const id = decodeURIComponent(match[2]);
      const stored = cal.events.get(id);
      if (!stored || stored.event.status === 'cancelled') return this.error(res, 410, 'deleted', 'Resource has been deleted');
      this.cancel(calendarId, id);
      res.writeHead(204).end();
      return;
    }
    if (!match[2] && req.method === 'GET') return this.list(calendarId, url.searchParams, res);
    return this.error(res, 404, 'notFound', 'Not Found');
  }

  /** Google's rules for status events (guides/calendar-status): focus time and out of office. */
  private checkEvent(calendarId: string, event: FakeEvent): { reason: string; message: string } | null {
    if (event.focusTimeProperties && event.eventType !== 'focusTime') return { reason: 'invalid', message: 'focusTimeProperties requires eventType focusTime.' };
    if (event.outOfOfficeProperties && event.eventType !== 'outOfOffice') return { reason: 'invalid', message: 'outOfOfficeProperties requires eventType outOfOffice.' };
    if (event.eventType === 'outOfOffice') return this.checkOutOfOffice(calendarId, event);
    if (event.eventType !== 'focusTime') return null;
    if (this.focusTime === 'reject') return { reason: 'invalid', message: 'Focus time is only available for eligible work or school accounts.' };
    if (calendarId !== 'primary') return { reason: 'invalid', message: 'Focus time events can only be created on the primary calendar.' };
    if (!event.start?.dateTime || !event.end?.dateTime) return { reason: 'invalid', message: 'Focus time events cannot be all-day events.' };
    if (event.transparency === 'transparent') return { reason: 'invalid', message: 'Focus time events must be opaque.' };
    const mode = event.focusTimeProperties?.autoDeclineMode;
    if (mode !== undefined && !['declineNone', 'declineAllConflictingInvitations', 'declineOnlyNewConflictingInvitations'].includes(mode)) {
      return { reason: 'invalid', message: 'Invalid autoDeclineMode.' };
    }
    return null;
  }

  private checkOutOfOffice(calendarId: string, event: FakeEvent): { reason: string; message: string } | null {
    if (!event.outOfOfficeProperties) return { reason: 'invalid', message: 'An out of office event requires outOfOfficeProperties.' };
    if (this.focusTime === 'reject') return { reason: 'invalid', message: 'Out of office is only available for eligible work or school accounts.' };
    if (calendarId !== 'primary') return { reason: 'invalid', message: 'Out of office events can only be created on the primary calendar.' };
    if (!event.start?.dateTime || !event.end?.dateTime) return { reason: 'invalid', message: 'Out of office events cannot be all-day events.' };
    if (event.transparency === 'transparent') return { reason: 'invalid', message: 'Out of office events must be opaque.' };
    return null;
  }

  /** An event as Google returns it: with its `eventType` (tombstones carry only their ids). */
  private served(event: FakeEvent): FakeEvent {
    return event.status === 'cancelled' || event.eventType !== undefined ? event : { ...event, eventType: 'default' };
  }

  /** What Google stores: on a 'downgrade' account, focus time silently becomes a default event. */
  private stored(event: FakeEvent): FakeEvent {
    if (event.eventType !== 'focusTime' || this.focusTime !== 'downgrade') return event;
    const { focusTimeProperties: _props, ...rest } = event;
    return { ...rest, eventType: 'default' };
  }

  private list(calendarId: string, p: URLSearchParams, res: ServerResponse) {
    const cal = this.calendar(calendarId);
    const pageToken = p.get('pageToken');
    let snapshotId: string;
    let offset = 0;
    if (pageToken) {
      const [id, at] = unb64(pageToken).split(':');
      if (!id || !this.snapshots.has(id)) return this.error(res, 400, 'invalid', 'Invalid page token');
      snapshotId = id;
      offset = Number(at);
    } else {
      const syncToken = p.get('syncToken');
      let items: FakeEvent[];
      if (syncToken) {
        for (const forbidden of ['timeMin', 'timeMax', 'orderBy', 'q', 'iCalUID', 'privateExtendedProperty', 'sharedExtendedProperty', 'updatedMin']) {
          if (p.has(forbidden)) return this.error(res, 400, 'invalid', `${forbidden} cannot be used with syncToken`);
        }
        if (p.get('showDeleted') === 'false') return this.error(res, 400, 'invalid', 'showDeleted=false cannot be used with syncToken');
        const [cid, version, epoch] = unb64(syncToken).split(':');
        if (cid !== calendarId || version === undefined || Number.isNaN(Number(version))) return this.error(res, 400, 'invalid', 'Invalid sync token');
        if (Number(epoch) < cal.epoch) {
          return this.send(res, 410, { error: { errors: [{ domain: 'calendar', reason: 'fullSyncRequired', message: 'Sync token is no longer valid, a full sync is required.', locationType: 'parameter', location: 'syncToken' }], code: 410, message: 'Sync token is no longer valid, a full sync is required.' } });
        }
        items = [...cal.events.values()].filter((s) => s.version > Number(version)).sort((a, b) => a.version - b.version).map((s) => s.event);
      } else {
        const min = p.get('timeMin') ? Date.parse(p.get('timeMin')!) : -Infinity;
        const max = p.get('timeMax') ? Date.parse(p.get('timeMax')!) : Infinity;
        const showDeleted = p.get('showDeleted') === 'true';
        items = [...cal.events.values()]
          .map((s) => s.event)
          .filter((e) => showDeleted || e.status !== 'cancelled')
          .filter((e) => {
            if (e.status === 'cancelled') return true;
            const s = Date.parse(e.start?.dateTime ?? `${e.start?.date}T00:00:00Z`);
            const en = Date.parse(e.end?.dateTime ?? `${e.end?.date}T00:00:00Z`);
            return s < max && en > min;
          })
          .sort((a, b) => (a.id < b.id ? -1 : 1));
      }
      snapshotId = randomBytes(6).toString('hex');
      this.snapshots.set(snapshotId, { items, syncVersion: cal.version, epoch: cal.epoch, calendarId });
    }
    const snap = this.snapshots.get(snapshotId)!;
    const size = Math.min(Number(p.get('maxResults') ?? this.pageSize), 2500, this.pageSize);
    const types = p.getAll('eventTypes');
    // Tombstones carry no type and always pass, so a filtered sync still learns of deletions.
    const page = snap.items
      .slice(offset, offset + size)
      .map((e) => this.served(e))
      .filter((e) => types.length === 0 || e.status === 'cancelled' || types.includes(e.eventType!));
    const last = offset + size >= snap.items.length;
    this.send(res, 200, {
      kind: 'calendar#events',
      summary: calendarId,
      timeZone: 'UTC',
      items: page,
      ...(last ? { nextSyncToken: b64(`${calendarId}:${snap.syncVersion}:${snap.epoch}`) } : { nextPageToken: b64(`${snapshotId}:${offset + size}`) }),
    });
  }
}

export const startFakeGoogle = () => new FakeGoogle().start();
