/**
 * A local fake of the parts of Microsoft Graph v1.0 and the Microsoft identity platform v2 that
 * unmeet uses, following the documented behaviour (learn.microsoft.com: event-delta,
 * delta-query-overview, change-notifications-delivery-webhooks, mailboxsettings,
 * v2-oauth2-auth-code-flow, throttling):
 *  - `GET /v1.0/me/calendarView/delta`: parameters only on the first call, then `@odata.nextLink`
 *    ($skiptoken) pages and a final `@odata.deltaLink` ($deltatoken); `Prefer: odata.maxpagesize`;
 *    changes since a token, `@removed` for deleted items and for items that left the window;
 *    expired tokens answer `410 Gone` (with Location) or `400 syncStateNotFound`
 *  - the documented endless-paging bug with maxpagesize (a `loop` fault repeats a page forever)
 *  - `GET /v1.0/me/calendarView` (paged), `GET /v1.0/me/mailboxSettings` (Windows zone names)
 *  - `showAs` is the event resource's freeBusyStatus (free, tentative, busy, oof,
 *    workingElsewhere, unknown; 'busy' when unset): "Away" in Outlook is `oof`, and a value
 *    outside the enum answers 400, as Graph's enum binding does
 *  - events (user-post-events, event-get/update/delete, singlevaluelegacyextendedproperty-get):
 *    `POST /v1.0/me/events` with `{dateTime, timeZone}` in a Windows or IANA zone (stored as
 *    UTC; an unknown zone answers 400), `transactionId` remembered for `transactionWindowMs`: a
 *    repeated one returns the event it created (201) instead of a second; `GET /me/events` with
 *    `$filter=singleValueExtendedProperties/any(ep: ep/id eq '…' and ep/value eq '…')`;
 *    `GET/PATCH/DELETE /me/events/{id}` (404 ErrorItemNotFound once deleted); extended
 *    properties only with `$expand=singleValueExtendedProperties($filter=id eq '…')`, never in
 *    delta or calendarView; created and changed events show up in delta
 *  - `POST/PATCH/DELETE /v1.0/subscriptions`: creation first POSTs `?validationToken=` to the
 *    notification and lifecycle URLs and fails unless both echo it (200 text/plain, 10 s);
 *    expiry at most 10,080 minutes ahead; `notify()` and `lifecycle()` deliver notifications
 *  - OAuth: authorize (auto-consent, PKCE S256 required), token (authorization_code with PKCE,
 *    refresh_token that rotates: each refresh token works once, the new one replaces it;
 *    `invalid_grant` otherwise); API calls need a live bearer token. Authorize demands
 *    `offline_access` (the calendar connection needs a refresh token) except for sign-in
 *    (`openid`), which then gets no refresh token
 *  - OpenID Connect (v2-protocols-oidc, id-token-claims-reference, optional-claims-reference):
 *    `/{tenant}/v2.0/.well-known/openid-configuration` (the issuer is `{tenantid}` for common and
 *    organizations, the tenant's id for `consumers`, an id or a domain in `tenantDomains`; an
 *    unknown domain answers 400 AADSTS90002), `/{tenant}/discovery/v2.0/keys` (RS256, `kid`,
 *    Cache-Control max-age); authorize remembers `nonce` and the consenting account (`account`, or
 *    `accounts` by `login_hint`); with `openid` granted, the code exchange answers an `id_token`
 *    (see microsoftIdTokenClaims), timed by `now`; `idTokenFault` bends the next one. The fake
 *    issues tokens for any account through any authority, so the client's tenant rules are what
 *    a test exercises. Faults with an explicit `path` also reach the token, keys and discovery
 *    endpoints
 *  - mail: the mailbox in `mailbox` (see mailbox.ts): sendMail as JSON or MIME, From and Send As
 *    (403 ErrorSendAsDenied, or a non-delivery report), Sent Items and Inbox, message lookups
 *    by internetMessageId or conversationId with a read scope
 *  - a refresh answers the scopes it asks for (those the grant holds): asking for fewer narrows
 *    the answer, asking for one never consented is refused (invalid_grant, AADSTS65001)
 * Faults (the Google fake's schedule plus Graph's own) apply to the next matching API requests
 * (optionally only to paths matching `path`, or to one `method`); `dropResponse` carries the request out, then drops
 * the connection before the answer.
 * Webhook deliveries go through `webhookFetch`, which tests point at the app (it has no socket).
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { DateTime } from 'luxon';
import { findIana } from 'windows-iana';
import { IdTokenSigner, LocalHttpFake, type IdTokenFault, type TransportFault } from '../local-server';
import { FakeMailbox } from './mailbox';
import { issuerTenant, microsoftDiscovery, microsoftIdTokenClaims, type FakeMicrosoftAccount } from './openid';

export { CONSUMER_TENANT_ID, type FakeMicrosoftAccount } from './openid';

/** Graph's freeBusyStatus enum, the values of an event's `showAs`. */
export const FREE_BUSY_STATUSES = ['free', 'tentative', 'busy', 'oof', 'workingElsewhere', 'unknown'] as const;

export interface FakeGraphEvent {
  id: string;
  subject: string;
  start: { dateTime: string; timeZone: string };
  end: { dateTime: string; timeZone: string };
  type: 'singleInstance' | 'occurrence' | 'exception';
  seriesMasterId?: string;
  originalStart?: string;
  isAllDay?: boolean;
  isCancelled?: boolean;
  showAs?: (typeof FREE_BUSY_STATUSES)[number];
  organizer?: { emailAddress: { address: string; name?: string } };
  attendees?: Array<{ type: 'required' | 'optional' | 'resource'; status: { response: string }; emailAddress: { address: string; name?: string } }>;
  bodyPreview?: string;
  isOnlineMeeting?: boolean;
  categories?: string[];
  changeKey?: string;
  iCalUId?: string;
  body?: { contentType: string; content: string };
  isReminderOn?: boolean;
  transactionId?: string;
  originalStartTimeZone?: string;
  originalEndTimeZone?: string;
  singleValueExtendedProperties?: Array<{ id: string; value: string }>;
}

export type GraphFault =
  | { kind: 'status'; status: 401 | 429 | 500 | 503 | 504; retryAfterSeconds?: number; retryAfterDateSeconds?: number }
  | TransportFault
  /** The request is carried out, then the connection drops before the answer: the client cannot tell. */
  | { kind: 'dropResponse' }
  | { kind: 'gone' }
  | { kind: 'syncStateNotFound' }
  /** The maxpagesize paging bug: from the next page request on, that listing repeats a page forever. */
  | { kind: 'loop' };

interface Grant {
  challenge: string;
  redirectUri: string;
  scope: string;
  nonce: string | null;
  account: FakeMicrosoftAccount;
}

interface Stored {
  event: FakeGraphEvent | null;
  version: number;
}

interface Snapshot {
  items: unknown[];
  version: number;
  epoch: number;
  window: [number, number];
  looping: boolean;
}

export interface FakeSubscription {
  id: string;
  resource: string;
  changeType: string;
  notificationUrl: string;
  lifecycleNotificationUrl?: string;
  clientState?: string;
  expirationDateTime: string;
}

const b64 = (s: string) => Buffer.from(s).toString('base64url');
const unb64 = (s: string) => Buffer.from(s, 'base64url').toString();
const MAX_SUBSCRIPTION_MS = 10_080 * 60_000;

/** A London mailbox, Monday–Friday 09:00–17:00, as Outlook reports it (the shared scenarios' member). */
export const LONDON_MAILBOX = {
  timeZone: 'GMT Standard Time',
  workingHours: { daysOfWeek: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'], startTime: '09:00:00.0000000', endTime: '17:00:00.0000000', timeZone: { name: 'GMT Standard Time' } },
};

export class FakeGraph extends LocalHttpFake {
  protected override contentType = 'application/json; odata.metadata=minimal';
  readonly tenant = 'contoso.onmicrosoft.com';
  /** The id of the `tenant` domain's directory. */
  readonly tenantId = 'a1b2c3d4-0000-4000-8000-c0a7050c0a70';
  /** Domains the fake's discovery knows, lower-cased, with their tenant ids. */
  readonly tenantDomains = new Map<string, string>([[this.tenant, this.tenantId]]);
  /** Who signs in when no `accounts` entry matches the `login_hint`: a work account whose domain owner is verified. */
  account: FakeMicrosoftAccount = {
    oid: '00000000-0000-0000-66f3-3332eca7ea81',
    tid: this.tenantId,
    email: 'alice@example.com',
    xmsEdov: true,
    name: 'Alice Example',
    locale: 'en-us',
  };
  /** Accounts by lower-cased `login_hint`. */
  readonly accounts = new Map<string, FakeMicrosoftAccount>();
  /** Applies to the next ID token only. */
  idTokenFault: IdTokenFault | null = null;
  readonly idTokenLifetimeSeconds = 3600;
  private readonly signer = new IdTokenSigner('');
  readonly clientId = '11111111-2222-3333-4444-555555555555';
  readonly clientSecret = 'fake~graph~secret';
  readonly events = new Map<string, Stored>();
  readonly faults: Array<GraphFault & { path?: RegExp; method?: string }> = [];
  readonly requests: Array<{ method: string; path: string; query: Record<string, string>; prefer: string; tenant?: string }> = [];
  readonly subscriptions = new Map<string, FakeSubscription>();
  /** Validation handshakes and notifications sent, with the status our webhook answered. */
  readonly deliveries: Array<{ url: string; kind: 'validation' | 'notification' | 'lifecycle'; status: number; ok: boolean }> = [];
  mailboxSettings: unknown = {
    timeZone: 'Pacific Standard Time',
    language: { locale: 'en-US', displayName: 'English (United States)' },
    workingHours: {
      daysOfWeek: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'],
      startTime: '08:00:00.0000000',
      endTime: '17:00:00.0000000',
      timeZone: { name: 'Pacific Standard Time' },
    },
  };
  pageSize = 10;
  accessTokenLifetimeSeconds = 3600;
  /** How long Graph remembers a transactionId (⚠ undocumented; a day here). */
  transactionWindowMs = 86_400_000;
  /** transactionId → the event it created and when. */
  readonly transactions = new Map<string, { id: string; at: number }>();
  /** POSTs answered with an earlier event because their transactionId was known. */
  transactionReplays = 0;
  /** How the fake reaches webhooks; tests route it to the app under test. */
  webhookFetch: (url: string, init: RequestInit) => Promise<Response> = (url, init) => fetch(url, init);
  /** "Now" for subscription expiry rules (tests share the app's clock). */
  now: () => number = Date.now;
  private version = 0;
  private epoch = 0;
  private codes = new Map<string, Grant>();
  private accessTokens = new Map<string, number>();
  /** The scopes each access token carries (what the token request asked for). */
  private accessScopes = new Map<string, string>();
  /** The mailbox behind the connection (mail API). */
  readonly mailbox: FakeMailbox = Object.assign(new FakeMailbox(), { now: () => this.now() });
  /** The scopes each live refresh token was consented with (its successors inherit them). */
  private readonly grantedScopes = new Map<string, string>();

  /** Sent Items of the mailbox, as Graph keeps them after sendMail. */
  get sentItems() {
    return this.mailbox.sentItems;
  }
  /** Live refresh tokens: each works once, then only its successor does. */
  readonly refreshTokens = new Set<string>();
  readonly usedRefreshTokens = new Set<string>();
  private snapshots = new Map<string, Snapshot>();

  get apiRoot() {
    return `${this.url}/v1.0`;
  }

  /** Creates or replaces an event in the truth (a new version, with a new changeKey). */
  put(event: FakeGraphEvent): void {
    this.version++;
    this.events.set(event.id, { event: { ...event, changeKey: `ck${this.version}` }, version: this.version });
  }

  /** Deletes an event: the next delta reports it `@removed`. */
  remove(id: string): void {
    if (!this.events.get(id)?.event) return;
    this.version++;
    this.events.set(id, { event: null, version: this.version });
  }

  /** Every live event (callers filter by the window they keep). */
  truth(): FakeGraphEvent[] {
    return [...this.events.values()].flatMap((s) => (s.event ? [s.event] : []));
  }

  /** Makes every delta token issued so far expire. */
  expireDeltaTokens(): void {
    this.epoch++;
  }

  revokeAll(): void {
    this.refreshTokens.clear();
    this.accessTokens.clear();
  }

  /** Delivers a change notification for every subscription (optionally with a forged clientState). */
  async notify(options: { clientState?: string; changeType?: string } = {}): Promise<number[]> {
    const statuses: number[] = [];
    for (const sub of this.subscriptions.values()) {
      const res = await this.deliver(sub.notificationUrl, 'notification', {
        value: [
          {
            subscriptionId: sub.id,
            subscriptionExpirationDateTime: sub.expirationDateTime,
            changeType: options.changeType ?? 'updated',
            resource: `Users/fake-user/Events/${randomBytes(6).toString('hex')}`,
            resourceData: { '@odata.type': '#Microsoft.Graph.Event', id: 'x' },
            clientState: options.clientState ?? sub.clientState,
            tenantId: this.tenant,
          },
        ],
      });
      statuses.push(res);
    }
    return statuses;
  }

  /** Delivers a lifecycle notification; `subscriptionRemoved` also removes the subscription, as Graph does. */
  async lifecycle(event: 'reauthorizationRequired' | 'subscriptionRemoved' | 'missed', options: { clientState?: string } = {}): Promise<number[]> {
    const statuses: number[] = [];
    for (const sub of [...this.subscriptions.values()]) {
      if (event === 'subscriptionRemoved') this.subscriptions.delete(sub.id);
      const res = await this.deliver(sub.lifecycleNotificationUrl ?? sub.notificationUrl, 'lifecycle', {
        value: [
          {
            subscriptionId: sub.id,
            subscriptionExpirationDateTime: sub.expirationDateTime,
            tenantId: this.tenant,
            clientState: options.clientState ?? sub.clientState,
            lifecycleEvent: event,
          },
        ],
      });
      statuses.push(res);
    }
    return statuses;
  }

  private async deliver(url: string, kind: 'notification' | 'lifecycle', body: unknown): Promise<number> {
    const res = await this.webhookFetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    this.deliveries.push({ url, kind, status: res.status, ok: res.status >= 200 && res.status < 300 });
    return res.status;
  }

  private error(res: ServerResponse, status: number, code: string, message: string, headers: Record<string, string> = {}) {
    this.send(res, status, { error: { code, message, innerError: { 'request-id': randomUUID(), date: new Date().toISOString() } } }, headers);
  }

  protected async handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', this.url);
    const query = Object.fromEntries(url.searchParams);
    const prefer = ([] as string[]).concat(req.headers.prefer ?? []).join(', ');
    const tenant = /^\/([^/]+)\/oauth2\/v2\.0\//.exec(url.pathname)?.[1];
    this.requests.push({ method: req.method ?? 'GET', path: url.pathname, query, prefer, ...(tenant ? { tenant } : {}) });

    try {
      if (await this.identityFault(req, url, res)) return;
      const discovery = /^\/([^/]+)\/v2\.0\/\.well-known\/openid-configuration$/.exec(url.pathname)?.[1];
      if (discovery) return this.discovery(decodeURIComponent(discovery), res);
      // Microsoft's keys answer with a max-age of a day: clients cache and refetch on a new kid.
      if (/^\/[^/]+\/discovery\/v2\.0\/keys$/.test(url.pathname)) return this.send(res, 200, this.signer.jwks(), { 'cache-control': 'max-age=86400, private' });
      if (tenant && url.pathname.endsWith('/authorize')) return this.authorize(url, res);
      if (tenant && url.pathname.endsWith('/token') && req.method === 'POST') return this.token(new URLSearchParams(await this.body(req)), res);
      if (!url.pathname.startsWith('/v1.0/')) return this.error(res, 404, 'NotFound', 'Not Found');

      const paging = Boolean(query.$skiptoken) && /odata\.maxpagesize=\d+/.test(prefer);
      const faultIndex = this.faults.findIndex((f) => (f.kind !== 'loop' || paging) && (!f.path || f.path.test(url.pathname)) && (!f.method || f.method === req.method));
      if (faultIndex >= 0) {
        const fault = this.faults.splice(faultIndex, 1)[0]!;
        if (await this.transportFault(fault, req, res)) return;
        if (fault.kind === 'status') {
          const code = { 401: 'InvalidAuthenticationToken', 429: 'TooManyRequests', 500: 'InternalServerError', 503: 'ServiceUnavailable', 504: 'GatewayTimeout' }[fault.status];
          return this.error(res, fault.status, code, 'injected fault', this.retryAfter(fault));
        }
        if (fault.kind === 'gone') return this.gone(res);
        if (fault.kind === 'syncStateNotFound') return this.error(res, 400, 'syncStateNotFound', 'The sync state generation was not found.');
        if (fault.kind === 'loop' && query.$skiptoken) {
          const [id] = unb64(query.$skiptoken).split(':');
          const snap = id ? this.snapshots.get(id) : undefined;
          if (snap) snap.looping = true;
        }
      }

      const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      const expires = bearer ? this.accessTokens.get(bearer) : undefined;
      if (!expires || expires < Date.now()) return this.error(res, 401, 'InvalidAuthenticationToken', 'Access token is empty or invalid.');
      if (url.pathname === '/v1.0/me/sendMail' || url.pathname === '/v1.0/me/messages' || url.pathname.startsWith('/v1.0/me/mailFolders/')) {
        return await this.mailApi(req, url, res, new Set((this.accessScopes.get(bearer!) ?? '').split(' ')));
      }
      return await this.api(req, url, prefer, res);
    } catch (error) {
      this.error(res, 500, 'InternalServerError', String(error));
    }
  }

  /** Sign-in endpoints take only faults aimed at them by path, so an API fault is never spent there. True when answered. */
  private async identityFault(req: IncomingMessage, url: URL, res: ServerResponse): Promise<boolean> {
    if (!/^\/[^/]+\/(?:oauth2\/v2\.0\/token|discovery\/v2\.0\/keys|v2\.0\/\.well-known\/openid-configuration)$/.test(url.pathname)) return false;
    const index = this.faults.findIndex((f) => f.path?.test(url.pathname) && (!f.method || f.method === req.method));
    if (index < 0) return false;
    const fault = this.faults.splice(index, 1)[0]!;
    if (await this.transportFault(fault, req, res)) return true;
    if (fault.kind !== 'status') return false;
    this.send(res, fault.status, { error: 'temporarily_unavailable', error_description: 'AADSTS50196: injected fault' }, this.retryAfter(fault));
    return true;
  }

  private discovery(tenant: string, res: ServerResponse) {
    const tid = issuerTenant(tenant, this.tenantDomains);
    if (!tid) return this.send(res, 400, { error: 'invalid_tenant', error_description: `AADSTS90002: Tenant '${tenant}' not found.` });
    this.send(res, 200, microsoftDiscovery(this.url, tenant, tid));
  }

  /**
   * A v2.0 ID token as Microsoft signs it for `account` (default: the fake's account), with the
   * claims the scopes allow; spends `idTokenFault`. Tests may also call it directly, with `claims`
   * overriding any claim.
   */
  issueIdToken(options: { account?: FakeMicrosoftAccount; scope?: string; nonce?: string | null; claims?: Record<string, unknown> } = {}): string {
    const fault = this.idTokenFault;
    this.idTokenFault = null;
    const claims = microsoftIdTokenClaims({
      account: options.account ?? this.account,
      scope: options.scope ?? 'openid email profile',
      root: this.url,
      clientId: this.clientId,
      nonce: options.nonce ?? null,
      now: this.now(),
      lifetimeSeconds: this.idTokenLifetimeSeconds,
    });
    return this.signer.sign({ ...claims, ...options.claims }, fault, this.clientSecret);
  }

  private gone(res: ServerResponse) {
    this.error(res, 410, 'resyncRequired', 'Resync required. Replace any local cache with the server copy.', {
      location: `${this.apiRoot}/me/calendarView/delta`,
    });
  }

  private authorize(url: URL, res: ServerResponse) {
    const p = url.searchParams;
    if (p.get('client_id') !== this.clientId) return this.send(res, 400, { error: 'unauthorized_client' });
    if (p.get('response_type') !== 'code') return this.send(res, 400, { error: 'unsupported_response_type' });
    if (p.get('code_challenge_method') !== 'S256' || !p.get('code_challenge')) return this.send(res, 400, { error: 'invalid_request', error_description: 'PKCE S256 required' });
    const scopes = (p.get('scope') ?? '').split(' ');
    if (!scopes.includes('offline_access') && !scopes.includes('openid')) return this.send(res, 400, { error: 'invalid_scope', error_description: 'offline_access needed for a refresh token' });
    const code = `M.C5${randomBytes(10).toString('hex')}`;
    const hint = p.get('login_hint')?.toLowerCase();
    this.codes.set(code, {
      challenge: p.get('code_challenge')!,
      redirectUri: p.get('redirect_uri')!,
      scope: p.get('scope') ?? '',
      nonce: p.get('nonce'),
      account: { ...((hint && this.accounts.get(hint)) || this.account) },
    });
    const back = new URL(p.get('redirect_uri')!);
    back.searchParams.set('code', code);
    back.searchParams.set('state', p.get('state') ?? '');
    res.writeHead(302, { location: back.toString() });
    res.end();
  }

  /** Tokens for `scope`; the refresh token (if any) holds `granted`, the whole consented set. */
  private issue(scope: string, withRefresh = true, granted = scope) {
    const access = `eyJ0eXAi.${randomBytes(16).toString('hex')}`;
    this.accessTokens.set(access, Date.now() + this.accessTokenLifetimeSeconds * 1000);
    this.accessScopes.set(access, scope);
    const answer = { token_type: 'Bearer', scope, expires_in: this.accessTokenLifetimeSeconds, ext_expires_in: this.accessTokenLifetimeSeconds, access_token: access };
    if (!withRefresh) return answer;
    const refresh = `0.AR${randomBytes(16).toString('hex')}`;
    this.refreshTokens.add(refresh);
    this.grantedScopes.set(refresh, granted);
    return { ...answer, refresh_token: refresh };
  }

  private token(p: URLSearchParams, res: ServerResponse) {
    if (p.get('client_id') !== this.clientId || p.get('client_secret') !== this.clientSecret) {
      return this.send(res, 401, { error: 'invalid_client', error_description: 'AADSTS7000215: Invalid client secret provided.' });
    }
    if (p.get('grant_type') === 'authorization_code') {
      const grant = this.codes.get(p.get('code') ?? '');
      this.codes.delete(p.get('code') ?? '');
      const challenge = createHash('sha256').update(p.get('code_verifier') ?? '').digest('base64url');
      if (!grant || grant.redirectUri !== p.get('redirect_uri') || grant.challenge !== challenge) {
        return this.send(res, 400, { error: 'invalid_grant', error_description: 'AADSTS70008: The provided authorization code or refresh token has expired or is invalid.' });
      }
      const scopes = grant.scope.split(' ');
      const idToken = scopes.includes('openid') ? { id_token: this.issueIdToken({ account: grant.account, scope: grant.scope, nonce: grant.nonce }) } : {};
      return this.send(res, 200, { ...this.issue(grant.scope, scopes.includes('offline_access')), ...idToken });
    }
    if (p.get('grant_type') === 'refresh_token') {
      const refresh = p.get('refresh_token') ?? '';
      if (!this.refreshTokens.has(refresh)) {
        return this.send(res, 400, { error: 'invalid_grant', error_description: 'AADSTS700082: The refresh token has expired or was revoked.' });
      }
      const granted = this.grantedScopes.get(refresh) ?? p.get('scope') ?? '';
      const asked = (p.get('scope') ?? '').split(' ').filter(Boolean);
      const missing = asked.filter((x) => !granted.split(' ').includes(x));
      if (missing.length) {
        return this.send(res, 400, { error: 'invalid_grant', suberror: 'consent_required', error_description: `AADSTS65001: The user or administrator has not consented to use the application (${missing.join(' ')}).` });
      }
      this.refreshTokens.delete(refresh);
      this.usedRefreshTokens.add(refresh);
      // The answer (and the access token) covers what was asked; the new refresh token keeps the grant.
      return this.send(res, 200, this.issue(asked.join(' '), true, granted));
    }
    this.send(res, 400, { error: 'unsupported_grant_type' });
  }

  /** Expires every access token issued so far: the next API call needs a refresh. */
  expireAccessTokens(): void {
    for (const token of this.accessTokens.keys()) this.accessTokens.set(token, 0);
  }

  private async mailApi(req: IncomingMessage, url: URL, res: ServerResponse, scopes: Set<string>) {
    const folder = /^\/v1\.0\/me\/mailFolders\/([^/]+)\/messages$/.exec(url.pathname)?.[1];
    let answer;
    if (url.pathname === '/v1.0/me/sendMail' && req.method === 'POST') answer = this.mailbox.send(req.headers['content-type'] ?? '', await this.body(req), scopes);
    else if (req.method === 'GET' && (folder || url.pathname === '/v1.0/me/messages')) {
      answer = this.mailbox.list(folder ? decodeURIComponent(folder) : null, url.searchParams, scopes, `${this.apiRoot}/$metadata#Collection(message)`);
    } else return this.error(res, 400, 'BadRequest', `Resource not found for the segment '${url.pathname}'.`);
    if (answer.status === 202) {
      res.writeHead(202, { 'content-length': '0' }).end();
      return;
    }
    this.send(res, answer.status, answer.body);
  }

  private async api(req: IncomingMessage, url: URL, prefer: string, res: ServerResponse) {
    const path = url.pathname.slice('/v1.0'.length);
    if (path === '/me/calendarView/delta' && req.method === 'GET') return this.delta(url.searchParams, prefer, res);
    if (path === '/me/calendarView' && req.method === 'GET') return this.calendarView(url.searchParams, prefer, res);
    if (path === '/me/mailboxSettings' && req.method === 'GET') return this.send(res, 200, { '@odata.context': `${this.apiRoot}/$metadata#users('x')/mailboxSettings`, ...(this.mailboxSettings as object) });
    if (path === '/subscriptions' && req.method === 'POST') return this.subscribe(JSON.parse(await this.body(req)) as Partial<FakeSubscription>, res);
    if (path === '/me/events' && req.method === 'POST') return this.createEvent(await this.body(req), res);
    if (path === '/me/events' && req.method === 'GET') return this.listEvents(url.searchParams, res);
    const one = /^\/me\/events\/([^/]+)$/.exec(path);
    if (one) return this.eventById(req, decodeURIComponent(one[1]!), url.searchParams, res);
    const sub = /^\/subscriptions\/([^/]+)$/.exec(path);
    if (sub) {
      const existing = this.subscriptions.get(decodeURIComponent(sub[1]!));
      if (!existing) return this.error(res, 404, 'ResourceNotFound', 'The object was not found.');
      if (req.method === 'DELETE') {
        this.subscriptions.delete(existing.id);
        res.writeHead(204).end();
        return;
      }
      if (req.method === 'PATCH') {
        const body = JSON.parse(await this.body(req)) as { expirationDateTime?: string };
        const expiry = Date.parse(body.expirationDateTime ?? '');
        if (!(expiry > this.now()) || expiry - this.now() > MAX_SUBSCRIPTION_MS) return this.error(res, 400, 'InvalidRequest', 'Subscription expiration can only be 10070 minutes in the future.');
        existing.expirationDateTime = new Date(expiry).toISOString();
        return this.send(res, 200, existing);
      }
    }
    return this.error(res, 400, 'BadRequest', `Resource not found for the segment '${path}'.`);
  }

  /** The fields Graph returns for an event in delta and calendarView responses (extended properties only when expanded). */
  private shape(e: FakeGraphEvent) {
    const { singleValueExtendedProperties: _hidden, ...rest } = e;
    return { '@odata.etag': `W/"${e.changeKey}"`, isCancelled: false, isAllDay: false, showAs: 'busy', ...rest };
  }

  /** An event as `GET /me/events…` answers it: `$select`, and `$expand=singleValueExtendedProperties($filter=id eq '…')`. */
  private view(e: FakeGraphEvent, p: URLSearchParams) {
    const full: Record<string, unknown> = this.shape(e);
    const expand = /^singleValueExtendedProperties\(\$filter=id eq '([^']+)'\)$/i.exec(p.get('$expand') ?? '');
    if (p.get('$expand') && !expand) throw new Error(`unsupported $expand in this fake: ${p.get('$expand')}`);
    const props = expand ? (e.singleValueExtendedProperties ?? []).filter((x) => x.id.toLowerCase() === expand[1]!.toLowerCase()) : [];
    const select = p.get('$select')?.split(',');
    const picked = select ? Object.fromEntries(Object.entries(full).filter(([k]) => k === 'id' || k.startsWith('@') || select.includes(k))) : full;
    return props.length ? { ...picked, singleValueExtendedProperties: props } : picked;
  }

  /** `{ dateTime, timeZone }` (Windows or IANA zone) → UTC in Graph's format, or null for a zone Graph would refuse. */
  private toUtc(value: unknown): { dateTime: string; timeZone: string } | null {
    const v = value as { dateTime?: unknown; timeZone?: unknown } | undefined;
    if (typeof v?.dateTime !== 'string' || typeof v.timeZone !== 'string') return null;
    const zone = v.timeZone === 'UTC' ? 'UTC' : (findIana(v.timeZone)[0] ?? (DateTime.local().setZone(v.timeZone).isValid ? v.timeZone : null));
    if (!zone) return null;
    const at = DateTime.fromISO(v.dateTime, { zone });
    if (!at.isValid) return null;
    return { dateTime: at.toUTC().toFormat("yyyy-LL-dd'T'HH:mm:ss.SSS'0000'"), timeZone: 'UTC' };
  }

  private timesFrom(body: Record<string, unknown>, res: ServerResponse): { start: FakeGraphEvent['start']; end: FakeGraphEvent['end'] } | null {
    const start = this.toUtc(body.start);
    const end = this.toUtc(body.end);
    if (!start || !end) {
      this.error(res, 400, 'TimeZoneNotSupportedException', 'A valid TimeZone value must be specified.');
      return null;
    }
    return { start, end };
  }

  /** Graph binds `showAs` to its enum: anything else fails the request. */
  private badShowAs(body: Record<string, unknown>, res: ServerResponse): boolean {
    if (body.showAs === undefined || (FREE_BUSY_STATUSES as readonly unknown[]).includes(body.showAs)) return false;
    this.error(res, 400, 'BadRequest', `Cannot convert the literal '${String(body.showAs)}' to the expected type 'microsoft.graph.freeBusyStatus'.`);
    return true;
  }

  private createEvent(raw: string, res: ServerResponse) {
    const body = JSON.parse(raw) as Record<string, unknown>;
    if (this.badShowAs(body, res)) return;
    const tid = typeof body.transactionId === 'string' ? body.transactionId : undefined;
    const known = tid ? this.transactions.get(tid) : undefined;
    const earlier = known && this.now() - known.at < this.transactionWindowMs ? this.events.get(known.id)?.event : undefined;
    if (earlier) {
      this.transactionReplays++;
      return this.send(res, 201, { '@odata.context': `${this.apiRoot}/$metadata#users('x')/events/$entity`, ...this.shape(earlier) });
    }
    const times = this.timesFrom(body, res);
    if (!times) return;
    const event: FakeGraphEvent = {
      id: `AAMkADimm${randomBytes(12).toString('base64url')}=`,
      subject: String(body.subject ?? ''),
      ...times,
      type: 'singleInstance',
      showAs: (body.showAs as FakeGraphEvent['showAs']) ?? 'busy',
      organizer: { emailAddress: { address: 'alice@example.com', name: 'Alice' } },
      // Invitees as Graph stores them: their response is 'none' until they answer.
      attendees: Array.isArray(body.attendees)
        ? (body.attendees as Array<{ type?: 'required' | 'optional' | 'resource'; emailAddress: { address: string; name?: string } }>).map((a) => ({
            type: a.type ?? 'required',
            status: { response: 'none' },
            emailAddress: a.emailAddress,
          }))
        : [],
      ...(body.body ? { body: body.body as FakeGraphEvent['body'], bodyPreview: String((body.body as { content?: unknown }).content ?? '').slice(0, 255) } : {}),
      ...(Array.isArray(body.categories) ? { categories: body.categories as string[] } : {}),
      ...(typeof body.isReminderOn === 'boolean' ? { isReminderOn: body.isReminderOn } : {}),
      ...(tid ? { transactionId: tid } : {}),
      originalStartTimeZone: String((body.start as { timeZone?: unknown }).timeZone),
      originalEndTimeZone: String((body.end as { timeZone?: unknown }).timeZone),
      ...(Array.isArray(body.singleValueExtendedProperties) ? { singleValueExtendedProperties: body.singleValueExtendedProperties as Array<{ id: string; value: string }> } : {}),
      iCalUId: `040000008200E00074C5B7101A82E008${randomBytes(16).toString('hex').toUpperCase()}`,
    };
    this.put(event);
    if (tid) this.transactions.set(tid, { id: event.id, at: this.now() });
    this.send(res, 201, { '@odata.context': `${this.apiRoot}/$metadata#users('x')/events/$entity`, ...this.shape(this.events.get(event.id)!.event!) });
  }

  private listEvents(p: URLSearchParams, res: ServerResponse) {
    const filter = p.get('$filter');
    let match = (_e: FakeGraphEvent) => true;
    if (filter) {
      const tag = /^singleValueExtendedProperties\/any\((\w+): \1\/id eq '([^']+)' and \1\/value eq '([^']*)'\)$/i.exec(filter);
      if (!tag) return this.error(res, 400, 'ErrorInvalidUrlQueryFilter', 'The query filter contains one or more invalid nodes.');
      match = (e) => (e.singleValueExtendedProperties ?? []).some((x) => x.id.toLowerCase() === tag[2]!.toLowerCase() && x.value === tag[3]);
    }
    this.send(res, 200, { '@odata.context': `${this.apiRoot}/$metadata#users('x')/events`, value: this.truth().filter(match).map((e) => this.view(e, p)) });
  }

  private async eventById(req: IncomingMessage, id: string, p: URLSearchParams, res: ServerResponse) {
    const event = this.events.get(id)?.event;
    if (!event) return this.error(res, 404, 'ErrorItemNotFound', 'The specified object was not found in the store.');
    if (req.method === 'GET') return this.send(res, 200, this.view(event, p));
    if (req.method === 'DELETE') {
      this.remove(id);
      res.writeHead(204).end();
      return;
    }
    if (req.method === 'PATCH') {
      const body = JSON.parse(await this.body(req)) as Record<string, unknown>;
      if (body.transactionId !== undefined && body.transactionId !== event.transactionId) return this.error(res, 400, 'ErrorInvalidRequest', 'transactionId cannot be changed.');
      if (this.badShowAs(body, res)) return;
      const next: FakeGraphEvent = { ...event };
      if (body.start !== undefined || body.end !== undefined) {
        const times = this.timesFrom({ start: body.start ?? event.start, end: body.end ?? event.end }, res);
        if (!times) return;
        Object.assign(next, times);
      }
      for (const key of ['subject', 'showAs', 'categories', 'body', 'isReminderOn'] as const) if (body[key] !== undefined) (next as unknown as Record<string, unknown>)[key] = body[key];
      this.put(next);
      return this.send(res, 200, this.view(this.events.get(id)!.event!, p));
    }
    return this.error(res, 405, 'ErrorInvalidRequest', 'Method not allowed.');
  }

  private overlaps(e: FakeGraphEvent, [start, end]: [number, number]) {
    return Date.parse(`${e.start.dateTime}Z`) < end && Date.parse(`${e.end.dateTime}Z`) > start;
  }

  private pageSizeFor(prefer: string) {
    const requested = /odata\.maxpagesize=(\d+)/.exec(prefer)?.[1];
    return Math.max(1, Math.min(requested ? Number(requested) : this.pageSize, this.pageSize));
  }

  private delta(p: URLSearchParams, prefer: string, res: ServerResponse) {
    const skip = p.get('$skiptoken');
    const deltaToken = p.get('$deltatoken');
    let snapId: string;
    let offset = 0;
    if (skip) {
      const [id, at] = unb64(skip).split(':');
      if (!id || !this.snapshots.has(id)) return this.error(res, 400, 'BadRequest', 'Invalid skip token.');
      snapId = id;
      offset = Number(at);
    } else {
      let items: unknown[];
      let window: [number, number];
      let since: number;
      if (deltaToken) {
        const [version, epoch, start, end] = unb64(deltaToken).split(':').map(Number);
        if ([version, epoch, start, end].some((n) => n === undefined || Number.isNaN(n))) return this.error(res, 400, 'BadRequest', 'Invalid delta token.');
        if (epoch! < this.epoch) return epoch! % 2 === 0 ? this.gone(res) : this.error(res, 400, 'syncStateNotFound', 'The sync state generation was not found.');
        window = [start!, end!];
        since = version!;
      } else {
        const start = Date.parse(p.get('startDateTime') ?? '');
        const end = Date.parse(p.get('endDateTime') ?? '');
        if (Number.isNaN(start) || Number.isNaN(end)) return this.error(res, 400, 'ErrorInvalidParameter', 'This request requires a time window specified by the query string parameters StartDateTime and EndDateTime.');
        window = [start, end];
        since = 0;
      }
      items = [...this.events.entries()]
        .filter(([, s]) => s.version > since)
        .sort((a, b) => a[1].version - b[1].version)
        .flatMap(([id, s]): unknown[] => {
          if (s.event && this.overlaps(s.event, window)) return [this.shape(s.event)];
          // Deleted, or moved out of the window: reported removed (only to incremental rounds).
          return since > 0 ? [{ '@odata.type': '#microsoft.graph.event', id, '@removed': { reason: 'deleted' } }] : [];
        });
      snapId = randomBytes(6).toString('hex');
      this.snapshots.set(snapId, { items, version: this.version, epoch: this.epoch, window, looping: false });
    }
    const snap = this.snapshots.get(snapId)!;
    const size = this.pageSizeFor(prefer);
    // The paging bug: the previous page again, with a fresh link to the same place.
    const at = snap.looping && /odata\.maxpagesize/.test(prefer) ? Math.max(0, offset - size) : offset;
    const page = snap.items.slice(at, at + size);
    const last = !snap.looping && offset + size >= snap.items.length;
    const context = `${this.apiRoot}/$metadata#Collection(event)`;
    this.send(res, 200, {
      '@odata.context': context,
      ...(last
        ? { '@odata.deltaLink': `${this.apiRoot}/me/calendarView/delta?$deltatoken=${b64(`${snap.version}:${snap.epoch}:${snap.window[0]}:${snap.window[1]}`)}` }
        : { '@odata.nextLink': `${this.apiRoot}/me/calendarView/delta?$skiptoken=${b64(`${snapId}:${snap.looping ? offset : offset + size}:${randomBytes(3).toString('hex')}`)}` }),
      value: page,
    });
  }

  private calendarView(p: URLSearchParams, prefer: string, res: ServerResponse) {
    const start = Date.parse(p.get('startDateTime') ?? '');
    const end = Date.parse(p.get('endDateTime') ?? '');
    if (Number.isNaN(start) || Number.isNaN(end)) return this.error(res, 400, 'ErrorInvalidParameter', 'StartDateTime and EndDateTime are required.');
    const skip = Number(p.get('$skip') ?? 0);
    const size = this.pageSizeFor(prefer);
    const all = this.truth()
      .filter((e) => this.overlaps(e, [start, end]))
      .sort((a, b) => a.start.dateTime.localeCompare(b.start.dateTime));
    const select = p.get('$select')?.split(',');
    const value = all.slice(skip, skip + size).map((e) => {
      const full = this.shape(e) as Record<string, unknown>;
      return select ? Object.fromEntries(Object.entries(full).filter(([k]) => k === 'id' || k.startsWith('@') || select.includes(k))) : full;
    });
    const more = skip + size < all.length;
    const next = new URLSearchParams(p);
    next.set('$skip', String(skip + size));
    this.send(res, 200, { value, ...(more ? { '@odata.nextLink': `${this.apiRoot}/me/calendarView?${next.toString().replaceAll('%24', '$').replaceAll('%2C', ',')}` } : {}) });
  }

  private async subscribe(body: Partial<FakeSubscription>, res: ServerResponse) {
    const expiry = Date.parse(body.expirationDateTime ?? '');
    if (!body.changeType || !body.resource || !body.notificationUrl) return this.error(res, 400, 'InvalidRequest', 'changeType, notificationUrl and resource are required.');
    if (!body.notificationUrl.startsWith('https://')) return this.error(res, 400, 'InvalidRequest', 'The notification URL must be https.');
    if (!(expiry > this.now()) || expiry - this.now() > MAX_SUBSCRIPTION_MS) return this.error(res, 400, 'InvalidRequest', 'Subscription expiration can only be 10070 minutes in the future.');
    if (body.clientState && body.clientState.length > 128) return this.error(res, 400, 'InvalidRequest', 'clientState is limited to 128 characters.');
    for (const target of new Set([body.notificationUrl, body.lifecycleNotificationUrl].filter((u): u is string => Boolean(u)))) {
      const token = `Validation: Testing client application reachability for subscription Request-Id: ${randomUUID()}`;
      let ok = false;
      let status = 0;
      try {
        const answer = await this.webhookFetch(`${target}${target.includes('?') ? '&' : '?'}validationToken=${encodeURIComponent(token)}`, {
          method: 'POST',
          headers: { 'content-type': 'text/plain; charset=utf-8' },
          signal: AbortSignal.timeout(10_000),
        });
        status = answer.status;
        ok = answer.status === 200 && (answer.headers.get('content-type') ?? '').startsWith('text/plain') && (await answer.text()) === token;
      } catch {
        ok = false;
      }
      this.deliveries.push({ url: target, kind: 'validation', status, ok });
      if (!ok) return this.error(res, 400, 'ValidationError', `Subscription validation request failed. Notification endpoint must respond with 200 OK to validation request.`);
    }
    const sub: FakeSubscription = {
      id: randomUUID(),
      resource: body.resource,
      changeType: body.changeType,
      notificationUrl: body.notificationUrl,
      ...(body.lifecycleNotificationUrl ? { lifecycleNotificationUrl: body.lifecycleNotificationUrl } : {}),
      ...(body.clientState ? { clientState: body.clientState } : {}),
      expirationDateTime: new Date(expiry).toISOString(),
    };
    this.subscriptions.set(sub.id, sub);
    this.send(res, 201, { '@odata.context': `${this.apiRoot}/$metadata#subscriptions/$entity`, ...sub });
  }
}

export const startFakeGraph = () => new FakeGraph().start();
