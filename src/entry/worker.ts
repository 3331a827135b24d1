/**
 * The Cloudflare Workers entry point: the same app and jobs as on Node, over D1.
 *   fetch      → createApp(deps)
 *   scheduled  → (Cron Trigger) hands every due job to the queue
 *   queue      → runs one job per message, under the same lease as on Node
 */
import type { AnyD1Database } from 'drizzle-orm/d1';
import { loadConfig } from '../config';
import { UnmeetError } from '../domain/errors';
import { openD1 } from '../db/d1';
import { randomToken } from '../db/ids';
import { createRepositories } from '../db/repositories';
import { createApp } from '../http/app';
import { createRateLimiter, type RateLimiter } from '../http/middleware/rate-limit';
import { runJobById } from '../jobs/run-due-jobs';
import { createLogger } from '../logger';
import { createTokenVault, type TokenVault } from '../providers/token-vault';
import { createIdentityClient, type IdentityClient } from '../providers/identity/identity-client';
import { createMemo } from '../services/memo';
import { createLinkSigner } from '../providers/mail/signed-links';
import type { Deps } from '../services/deps';

export interface JobMessage {
  jobId: string;
}

interface QueueProducer<T> {
  send(message: T, options?: { delaySeconds?: number }): Promise<unknown>;
  sendBatch(messages: Iterable<{ body: T }>): Promise<unknown>;
}
interface QueueMessage<T> {
  readonly body: T;
  ack(): void;
  retry(): void;
}

export interface Env {
  DB: AnyD1Database;
  JOBS: QueueProducer<JobMessage>;
  [variable: string]: unknown;
}

/** Without UNMEET_SECRET nothing can be encrypted: refuse, clearly, only when it is needed. */
const refusingVault: TokenVault = {
  seal: async () => {
    throw new UnmeetError('config.secret_missing', 'Set the UNMEET_SECRET secret (wrangler secret put UNMEET_SECRET) to store credentials.');
  },
  open: async () => {
    throw new UnmeetError('config.secret_missing', 'Set the UNMEET_SECRET secret to read stored credentials.');
  },
  sign: async () => {
    throw new UnmeetError('config.secret_missing', 'Set the UNMEET_SECRET secret to sign links.');
  },
  verify: async () => false,
  isCurrent: () => false,
};

/** DNS over HTTPS: Workers have no resolver API, and the ICS fetcher checks where a host points. */
async function resolveHost(hostname: string): Promise<string[]> {
  const answers = await Promise.all(
    ['A', 'AAAA'].map(async (type) => {
      const res = await fetch(`https://cloudflare-dns.com/dns-query?name=${encodeURIComponent(hostname)}&type=${type}`, {
        headers: { accept: 'application/dns-json' },
      });
      if (!res.ok) return [];
      const json = (await res.json()) as { Answer?: Array<{ type: number; data: string }> };
      return (json.Answer ?? []).filter((a) => a.type === 1 || a.type === 28).map((a) => a.data);
    }),
  );
  return answers.flat();
}

const vaults = new Map<string, Promise<TokenVault>>();

/** Audits and flag scores cached per isolate (keys carry the workspace's data version in D1). */
const isolateMemo = createMemo(64, 32 * 1024 * 1024);

/** One limiter per isolate and rate: deps are rebuilt per request, the budget must not be. */
const limiters = new Map<number, RateLimiter>();
function isolateRateLimiter(perMinute: number): RateLimiter | undefined {
  if (perMinute <= 0) return undefined;
  if (!limiters.has(perMinute)) limiters.set(perMinute, createRateLimiter({ limit: perMinute, windowMs: 60_000, clock: () => Date.now() }));
  return limiters.get(perMinute);
}

/** One identity client per isolate and app configuration: it caches the providers' signing keys. */
const identities = new Map<string, IdentityClient>();
function isolateIdentity(config: ReturnType<typeof loadConfig>): IdentityClient {
  const key = JSON.stringify([config.google, config.microsoft]);
  if (!identities.has(key)) identities.set(key, createIdentityClient({ google: config.google, microsoft: config.microsoft }));
  return identities.get(key)!;
}

/** Budgets for unauthenticated routes and sign-in mails, per client address, kept per isolate. */
const publicLimiter = createRateLimiter({ limit: 30, windowMs: 5 * 60_000, clock: () => Date.now() });
const mailLimiter = createRateLimiter({ limit: 5, windowMs: 60 * 60_000, clock: () => Date.now() });

async function buildDeps(env: Env): Promise<Deps> {
  const strings = Object.fromEntries(Object.entries(env).filter(([, v]) => typeof v === 'string')) as Record<string, string>;
  const config = loadConfig(strings);
  const db = openD1(env.DB);
  let vault = refusingVault;
  if (config.secret) {
    // Key derivation is per secret, so an isolate derives it once.
    const cacheKey = [config.secret, ...config.previousSecrets].join('\n');
    if (!vaults.has(cacheKey)) vaults.set(cacheKey, createTokenVault(config.secret, config.previousSecrets));
    vault = await vaults.get(cacheKey)!;
  }
  return {
    db,
    repos: createRepositories({ db }),
    vault,
    clock: () => Date.now(),
    logger: createLogger(config.logLevel),
    ics: { fetch: (input, init) => fetch(input, init), resolveHost, allowPrivate: config.allowPrivateUrls, refreshMinutes: config.icsRefreshMinutes },
    adminToken: config.adminToken,
    rateLimiter: isolateRateLimiter(config.rateLimitPerMinute),
    memo: isolateMemo,
    google: config.google,
    microsoft: config.microsoft,
    syncPollMinutes: config.syncPollMinutes,
    enqueueJob: async (jobId, delayMs) => {
      await env.JOBS.send({ jobId }, { delaySeconds: Math.ceil(delayMs / 1000) });
    },
    publicUrl: config.publicUrl,
    // Workers are outbox-only: messages are kept and exportable as .eml; links need the secret.
    mail: config.secret ? { transport: null, from: { email: config.mailFrom, name: 'unmeet' }, links: createLinkSigner(vault) } : undefined,
    identity: isolateIdentity(config),
    signup: config.signup,
    // Set by Cloudflare's edge for every request; a client cannot choose it.
    clientAddress: (c) => c.req.header('cf-connecting-ip'),
    publicRateLimiter: publicLimiter,
    mailRateLimiter: mailLimiter,
  };
}

export default {
  async fetch(request: Request, env: Env, ctx: unknown): Promise<Response> {
    const deps = await buildDeps(env);
    return createApp(deps).fetch(request, env, ctx as never);
  },

  /** Cron Trigger: every due job becomes a queue message; consumers fan the work out. */
  async scheduled(_controller: unknown, env: Env): Promise<void> {
    const deps = await buildDeps(env);
    const due = await deps.repos.jobs.listDue(deps.clock(), 500);
    for (let i = 0; i < due.length; i += 100) {
      await env.JOBS.sendBatch(due.slice(i, i + 100).map((jobId) => ({ body: { jobId } })));
    }
  },

  async queue(batch: { messages: readonly QueueMessage<JobMessage>[] }, env: Env): Promise<void> {
    const deps = await buildDeps(env);
    const owner = `worker-${randomToken(8)}`;
    for (const message of batch.messages) {
      try {
        await runJobById(deps, message.body.jobId, deps.clock(), { owner });
        message.ack();
      } catch (error) {
        deps.logger.error('queue message failed', { jobId: message.body.jobId, error: String(error) });
        message.retry();
      }
    }
  },
};
