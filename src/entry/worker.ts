/**
 * The Cloudflare Workers entry point: the same app and jobs as on Node, over D1.
 *   fetch      → createApp(deps)
 *   scheduled  → (Cron Trigger) hands every due job to the queue
 *   queue      → runs one job per message, under the same lease as on Node
 */
import type { AnyD1Database } from 'drizzle-orm/d1';
import { loadConfig } from '../config';
import { configErrors } from '../domain/error-codes/config';
import { checkD1, openD1 } from '../db/d1';
import { randomToken } from '../db/ids';
import { createApp } from '../http/app';
import { runJobById } from '../jobs/run-due-jobs';
import { createLogger } from '../logger';
import { createTokenVault, type TokenVault } from '../providers/token-vault';
import { createMemo } from '../services/memo';
import { buildDeps } from '../services/build-deps';
import { ensureDigestJob } from '../services/digest';
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
    throw configErrors.secret_missing('Set the UNMEET_SECRET secret (wrangler secret put UNMEET_SECRET) to store credentials.');
  },
  open: async () => {
    throw configErrors.secret_missing('Set the UNMEET_SECRET secret to read stored credentials.');
  },
  sign: async () => {
    throw configErrors.secret_missing('Set the UNMEET_SECRET secret to sign links.');
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

/**
 * The settings that shape deps: the Worker's string variables and secrets (bindings are objects
 * and key the cache by identity instead). A change of secret or variable takes effect in new
 * isolates; an isolate that sees another env, as tests do, builds for that one too.
 */
const settingsOf = (env: Env): Record<string, string> =>
  Object.fromEntries(Object.entries(env).filter(([, v]) => typeof v === 'string')) as Record<string, string>;

interface Built {
  deps: Deps;
  app: ReturnType<typeof createApp>;
}

/**
 * Deps and the app, built once per isolate for each D1 binding, queue and settings: building the
 * OpenAPI app costs milliseconds, serving from it microseconds. Rate limiters, the identity
 * client's key cache and the report memo live as long as the isolate through these deps.
 */
const isolateBuilds = new WeakMap<object, { key: string; jobs: unknown; built: Promise<Built> }>();

function built(env: Env): Promise<Built> {
  const settings = settingsOf(env);
  const key = JSON.stringify(Object.entries(settings).sort(([a], [b]) => (a < b ? -1 : 1)));
  const cached = isolateBuilds.get(env.DB as object);
  if (cached?.key === key && cached.jobs === env.JOBS) return cached.built;
  const fresh = build(env, settings).catch((error: unknown) => {
    // A failed build (say, an invalid setting) is not kept: the next request tries again.
    if (isolateBuilds.get(env.DB as object)?.built === fresh) isolateBuilds.delete(env.DB as object);
    throw error;
  });
  isolateBuilds.set(env.DB as object, { key, jobs: env.JOBS, built: fresh });
  return fresh;
}

async function build(env: Env, settings: Record<string, string>): Promise<Built> {
  const config = loadConfig(settings);
  // Without UNMEET_SECRET nothing can be sealed, and mail links cannot be signed: mail is off.
  const vault = config.secret ? await createTokenVault(config.secret, config.previousSecrets) : refusingVault;
  const deps = buildDeps(config, {
    db: openD1(env.DB),
    vault,
    logger: createLogger(config.logLevel),
    fetch: (input, init) => fetch(input, init),
    resolveHost,
    // Workers are outbox-only: messages are kept and exportable as .eml.
    mailTransport: config.secret ? null : undefined,
    // Set by Cloudflare's edge for every request; a client cannot choose it.
    clientAddress: (c) => c.req.header('cf-connecting-ip'),
    // Audits and flag scores cached per isolate (keys carry the workspace's data version in D1).
    memo: createMemo(64, 32 * 1024 * 1024),
    readCacheDefaultMs: 5_000,
    readiness: () => checkD1(env.DB),
    enqueueJob: async (jobId, delayMs) => {
      await env.JOBS.send({ jobId }, { delaySeconds: Math.ceil(delayMs / 1000) });
    },
  });
  return { deps, app: createApp(deps) };
}

export default {
  async fetch(request: Request, env: Env, ctx: unknown): Promise<Response> {
    const { app } = await built(env);
    return app.fetch(request, env, ctx as never);
  },

  /** Cron Trigger: every due job becomes a queue message; consumers fan the work out. */
  async scheduled(_controller: unknown, env: Env): Promise<void> {
    const { deps } = await built(env);
    // A fresh D1 has no jobs yet; the digest job is created here once (a no-op afterwards).
    await ensureDigestJob(deps, deps.clock());
    const due = await deps.repos.jobs.listDue(deps.clock(), 500);
    for (let i = 0; i < due.length; i += 100) {
      await env.JOBS.sendBatch(due.slice(i, i + 100).map((jobId) => ({ body: { jobId } })));
    }
  },

  async queue(batch: { messages: readonly QueueMessage<JobMessage>[] }, env: Env): Promise<void> {
    const { deps } = await built(env);
    const owner = `worker-${randomToken(8)}`;
    for (const message of batch.messages) {
      try {
        await runJobById(deps, message.body.jobId, deps.clock(), { owner, leaseMs: deps.jobLeaseMs });
        message.ack();
      } catch (error) {
        deps.logger.error('queue message failed', { jobId: message.body.jobId, error: String(error) });
        message.retry();
      }
    }
  },
};
