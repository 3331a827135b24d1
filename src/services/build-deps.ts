import type { Context } from 'hono';
import type { Config } from '../config';
import type { Db } from '../db/database';
import { createRepositories } from '../db/repositories';
import type { Logger } from '../logger';
import { createIdentityClient } from '../providers/identity/identity-client';
import type { MailTransport } from '../providers/mail/mail-transport';
import { createLinkSigner } from '../providers/mail/signed-links';
import type { TokenVault } from '../providers/token-vault';
import type { Deps } from './deps';
import { inlineFeedParser, type FeedParser } from './ics-parse-pool';
import type { Memo } from './memo';
import { createRateLimiter } from './rate-limit';
import { createReadCache, type ReadCache } from './read-cache';

const readCacheFor = (ttlMs: number, clock: () => number): ReadCache | undefined => (ttlMs > 0 ? createReadCache(ttlMs, clock) : undefined);

/**
 * What only the runtime can supply: the database, where hosts resolve, how mail leaves, who the
 * client is, and the caches whose size fits the runtime. Everything else comes from the config.
 */
export interface RuntimeParts {
  db: Db;
  vault: TokenVault;
  logger: Logger;
  /** DNS for the ICS fetcher's private-address check (Node: the system resolver; Workers: DNS over HTTPS). */
  resolveHost: (hostname: string) => Promise<string[]>;
  fetch: typeof fetch;
  /**
   * How suggestion mail leaves: a transport, `null` for the outbox only, or `undefined` when
   * mail is unavailable altogether (a Worker without UNMEET_SECRET cannot sign mail links).
   */
  mailTransport: MailTransport | null | undefined;
  /** The client's address as the runtime knows it, never a header the client could write. */
  clientAddress: (c: Context) => string | undefined;
  memo: Memo;
  /** The read cache's lifetime when the configuration names none: Workers 5000 ms, Node 1000 ms. */
  readCacheDefaultMs?: number;
  readiness?: Deps['readiness'];
  enqueueJob?: Deps['enqueueJob'];
  /** Node: the parse thread pool; absent (Workers), feeds are parsed in the request. */
  feedParser?: FeedParser;
  gzipReports?: boolean;
  docsAssets?: Deps['docsAssets'];
}

/**
 * The one mapping from configuration to dependencies, shared by the Node server, the CLI and the
 * Worker, so a setting means the same on both runtimes. Rate limiters and the identity client
 * (which caches signing keys) live as long as the returned deps: a process on Node, an isolate
 * on Workers, where the entry builds deps once per isolate.
 */
export function buildDeps(config: Config, runtime: RuntimeParts): Deps {
  const clock = () => Date.now();
  return {
    db: runtime.db,
    repos: createRepositories({ db: runtime.db }),
    vault: runtime.vault,
    clock,
    logger: runtime.logger,
    ics: {
      fetch: runtime.fetch,
      resolveHost: runtime.resolveHost,
      allowPrivate: config.allowPrivateUrls,
      refreshMinutes: config.icsRefreshMinutes,
    },
    feedParser: runtime.feedParser ?? inlineFeedParser,
    adminToken: config.adminToken,
    memo: runtime.memo,
    readCache: readCacheFor(config.readCacheMs ?? runtime.readCacheDefaultMs ?? 0, clock),
    gzipReports: runtime.gzipReports,
    docsAssets: runtime.docsAssets,
    readiness: runtime.readiness,
    enqueueJob: runtime.enqueueJob,
    rateLimiter: config.rateLimitPerMinute > 0 ? createRateLimiter({ limit: config.rateLimitPerMinute, windowMs: 60_000, clock }) : undefined,
    google: config.google,
    microsoft: config.microsoft,
    syncPollMinutes: config.syncPollMinutes,
    jobLeaseMs: config.jobLeaseMs,
    publicUrl: config.publicUrl,
    mail:
      runtime.mailTransport === undefined
        ? undefined
        : { transport: runtime.mailTransport, from: { email: config.mailFrom, name: 'unmeet' }, links: createLinkSigner(runtime.vault) },
    identity: createIdentityClient({ google: config.google, microsoft: config.microsoft }),
    signup: config.signup,
    clientAddress: runtime.clientAddress,
    // Budgets for unauthenticated routes and the sign-in mails a client may cause, per address.
    publicRateLimiter: createRateLimiter({ limit: 30, windowMs: 5 * 60_000, clock }),
    mailRateLimiter: createRateLimiter({ limit: 5, windowMs: 60 * 60_000, clock }),
  };
}
