import type { Context } from 'hono';
import type { SignupPolicy } from '../config';
import type { Db } from '../db/database';
import type { IdentityClient } from '../providers/identity/identity-client';
import type { Repositories } from '../db/repositories';
import type { Logger } from '../logger';
import type { RotationInput, RotationPlan } from '../domain/rotation';
import type { MailDeps } from '../providers/mail/mail-transport';
import type { RateLimiter } from './rate-limit';
import type { RetryPolicy } from '../providers/retry';
import type { Memo } from './memo';
import type { ReadCache } from './read-cache';
import type { TokenVault } from '../providers/token-vault';
import type { FeedParser } from './ics-parse-pool';

/**
 * Everything a use case may touch, built by an entry point (Node server, CLI, Worker) and passed
 * down: no module-level singletons, no env reads below the entry points.
 */
export interface Deps {
  db: Db;
  repos: Repositories;
  vault: TokenVault;
  clock: () => number;
  logger: Logger;
  /** How remote ICS feeds are fetched: DNS resolution is runtime-specific, so it is injected. */
  ics: {
    fetch: typeof fetch;
    resolveHost: (hostname: string) => Promise<string[]>;
    allowPrivate: boolean;
    refreshMinutes: number;
  };
  /**
   * Where ICS feeds are parsed, and the import slots (src/services/ics-parse-pool.ts): a thread
   * pool on Node, in-line on Workers. Absent (tests built by hand), in-line.
   */
  feedParser?: FeedParser | undefined;
  /** When set, creating a workspace needs this bearer token; unset, anyone who reaches the service may. */
  adminToken?: string | undefined;
  publicUrl: string;
  /** Suggestion emails: transport (null = outbox only), sender, link signing. Unset: suggestions are unavailable. */
  mail?: MailDeps | undefined;
  /** Google OAuth app and endpoints; unset when no Google app is configured. */
  google?: { clientId: string; clientSecret: string; apiRoot: string; oauthRoot: string | null; gmailRoot?: string | undefined } | null | undefined;
  /** Microsoft (Entra ID) app, tenant and endpoints; unset when no Microsoft app is configured. */
  microsoft?: { clientId: string; clientSecret: string; tenant: string; apiRoot: string; oauthRoot: string } | null | undefined;
  /** Retry policy for provider calls (tests inject one that does not sleep). */
  retry?: RetryPolicy | undefined;
  /** Polling period for connected calendars, minutes. */
  syncPollMinutes?: number | undefined;
  /**
   * How long a job run holds its lease (ms; default 5 minutes): a run older than this belongs to a
   * runner that died, and so does a mail attempt older than this that never recorded its outcome.
   */
  jobLeaseMs?: number | undefined;
  /** Hands a due job to a queue right away (Workers); absent, the job runner's timer finds it. */
  enqueueJob?: ((jobId: string, delayMs: number) => Promise<void>) | undefined;
  /** Per-API-key request budget; absent, requests are not limited (tests, trusted local use). */
  rateLimiter?: RateLimiter | undefined;
  /** Readiness checks for `GET /readyz` (database, migrations, job runner), from the entry point. */
  readiness?: (() => Promise<Record<string, boolean>>) | undefined;
  /** Cache of audits and flag scores, keyed by workspace data version; absent, nothing is cached. */
  /** Short-lived copies of the key and scope reads (see read-cache.ts); absent in tests unless given. */
  readCache?: ReadCache | undefined;
  memo?: Memo | undefined;
  /**
   * Serve cached JSON reports gzip-compressed to clients that accept it (compressed once per
   * cache fill). Set by the Node entry; on Workers the platform compresses responses itself.
   */
  gzipReports?: boolean | undefined;
  /**
   * The API reference UI's files (swagger-ui-dist) by file name, read from node_modules by the
   * Node entry and served under /docs/assets/. Absent on Workers, where Static Assets serve them.
   */
  docsAssets?: Readonly<Partial<Record<string, Uint8Array<ArrayBuffer>>>> | undefined;
  /** OpenID Connect sign-in with Google and Microsoft (built once per process or isolate: it caches signing keys). */
  identity?: IdentityClient | undefined;
  /** Who may create a workspace by signing in; absent = closed. */
  signup?: SignupPolicy | undefined;
  /**
   * The client's address as the runtime knows it (Node: the socket; Workers: cf-connecting-ip),
   * for budgets on unauthenticated routes. Never a forwarded header the client could write.
   */
  clientAddress?: ((c: Context) => string | undefined) | undefined;
  /** Per-client-address budget for unauthenticated routes (sign-in, links, setup, invitations); absent, not limited. */
  publicRateLimiter?: RateLimiter | undefined;
  /** Per-client-address budget for sign-in mails a client may cause; absent, only the per-address caps apply. */
  mailRateLimiter?: RateLimiter | undefined;
  /**
   * Plans a rotation off the request thread with the exact solver (Node: a worker thread with
   * HiGHS). Absent (Workers, tests), the heuristic plans in-line.
   */
  rotationPlanner?: ((input: RotationInput) => Promise<RotationPlan>) | undefined;
}
