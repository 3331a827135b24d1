import { serve } from '@hono/node-server';
import { getConnInfo } from '@hono/node-server/conninfo';
import { lookup } from 'node:dns/promises';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadConfig, type Config } from '../config';
import { openSqlite, type SqliteHandle } from '../db/sqlite';
import { randomToken } from '../db/ids';
import { createApp } from '../http/app';
import { DOCS_ASSET_FILES } from '../http/routes/docs.routes';
import { runDueJobs } from '../jobs/run-due-jobs';
import { createLogger, type Logger } from '../logger';
import { createTokenVault } from '../providers/token-vault';
import { issueSetupLink } from '../services/one-time-links';
import { createMemo } from '../services/memo';
import { createSmtpTransport } from '../providers/mail/smtp.transport';
import { buildDeps } from '../services/build-deps';
import { ensureDigestJob } from '../services/digest';
import { createRotationWorker } from './rotation-exact-worker';
import { createIcsParseWorkers, ICS_PARSE_DEFAULTS } from './ics-parse-worker';
import type { Deps } from '../services/deps';

/**
 * The vault key: UNMEET_SECRET when set; otherwise a random one kept beside the database (mode
 * 0600), so a fresh install encrypts at rest without any setup. Losing that file loses the
 * stored subscription URLs and tokens, never the audit data.
 */
function resolveSecret(config: Config, logger: Logger): string {
  if (config.secret) return config.secret;
  if (config.dbPath === ':memory:') return randomToken(48);
  const file = join(dirname(resolve(config.dbPath)), 'unmeet.secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const secret = randomToken(48);
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  logger.info('generated a local encryption key; set UNMEET_SECRET to manage it yourself', { file });
  return secret;
}

/** The API reference UI's files, read once from the installed swagger-ui-dist (served at /docs/assets/). */
export function readDocsAssets(): Record<string, Uint8Array<ArrayBuffer>> {
  const dir = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
  return Object.fromEntries(DOCS_ASSET_FILES.map((file) => [file, readFileSync(join(dir, file))]));
}

/** Opens the database and builds the dependencies every Node shell (server, CLI) passes down. */
export async function buildNodeDeps(config: Config, logger: Logger): Promise<{ deps: Deps; handle: SqliteHandle; closeParsers: () => void }> {
  const handle = openSqlite(config.dbPath);
  for (const loose of handle.permissionWarnings) logger.warn('database file is readable or writable by other users; chmod 600 it', loose);
  const vault = await createTokenVault(resolveSecret(config, logger), config.previousSecrets);
  // ICS feeds are parsed in worker threads (started on first use), never on the request thread.
  const parsers = createIcsParseWorkers(logger, { ...ICS_PARSE_DEFAULTS, ...config.icsParse, dbPath: config.dbPath });
  const deps = buildDeps(config, {
    feedParser: parsers.parser,
    db: handle.db,
    vault,
    logger,
    fetch: globalThis.fetch,
    resolveHost: async (host) => (await lookup(host, { all: true })).map((a) => a.address),
    mailTransport: config.smtpUrl ? createSmtpTransport(config.smtpUrl) : null,
    // The socket's peer: a forwarded header is the client's to write, so it is not trusted here.
    clientAddress: (c) => {
      try {
        return getConnInfo(c).remote.address;
      } catch {
        return undefined;
      }
    },
    memo: createMemo(),
    // A SQLite read is cheap, but a cached report for a 200-person team reads every membership: a second's copy saves most of it (out-of-process writes, the CLI's, are seen within the second).
    readCacheDefaultMs: 1_000,
    gzipReports: true,
  });
  // Rotations are planned by the exact solver in a worker thread (started on first use).
  deps.rotationPlanner = createRotationWorker(logger).planner;
  return { deps, handle, closeParsers: parsers.close };
}

export const nextSteps = (publicUrl: string) =>
  [
    'No workspace yet. Next steps:',
    '  npx unmeet demo                        # a sample team from examples/, prints its API key',
    '  npx unmeet workspace create --name Acme # an empty workspace, prints its API key',
    `  open ${publicUrl}/docs                 # the API reference`,
  ].join('\n');

export const setupMessage = (url: string) =>
  [
    'Setup: open this link within 7 days and sign in; you become the owner of a new workspace (it works once):',
    `  ${url}`,
  ].join('\n');

/** Starts the HTTP server and the job timer; resolves to a function that stops both cleanly. */
export async function startServer(config: Config): Promise<{ url: string; stop: () => Promise<void> }> {
  const logger = createLogger(config.logLevel);
  const { deps, handle, closeParsers } = await buildNodeDeps(config, logger);
  const runner = { lastTickAt: Date.now(), busy: false };
  deps.readiness = async () => ({
    ...handle.check(),
    jobs: Date.now() - runner.lastTickAt < 3 * config.jobIntervalMs + 5_000,
  });
  deps.docsAssets = readDocsAssets();
  const app = createApp(deps);
  const server = await new Promise<ReturnType<typeof serve>>((done) => {
    const s = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, () => done(s));
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  // With PORT=0 and no PUBLIC_URL, links must name the port the system picked.
  if (deps.publicUrl.endsWith(':0')) deps.publicUrl = url;
  const fresh = (await deps.repos.workspaces.count()) === 0;
  await ensureDigestJob(deps, Date.now());
  console.log(`unmeet listening on ${url} (database ${config.dbPath})${fresh ? `\n${nextSteps(url)}` : ''}`);
  // Until some workspace has an owner, each start prints a new one-time setup link.
  if (!(await deps.repos.links.anyOwner())) console.log(setupMessage((await issueSetupLink(deps)).url));

  const owner = `node-${process.pid}-${randomToken(6)}`;
  let running: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    runner.lastTickAt = Date.now();
    // A slow run is not doubled by the next tick (leases would keep it safe, this keeps it calm).
    if (runner.busy) return;
    runner.busy = true;
    running = runDueJobs(deps, Date.now(), { owner, leaseMs: config.jobLeaseMs })
      .catch((error: unknown) => logger.error('job runner failed', { error: String(error) }))
      .finally(() => (runner.busy = false));
  }, config.jobIntervalMs);

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    clearInterval(timer);
    // Finish in-flight requests and the running jobs, then hand back any lease still held.
    await new Promise<void>((done) => server.close(() => done()));
    await running;
    await deps.repos.jobs.releaseLeases(owner);
    closeParsers();
    handle.close();
  };
  return { url, stop };
}

async function main() {
  const config = loadConfig(process.env);
  const { stop } = await startServer(config);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      console.log(`received ${signal}, shutting down`);
      stop().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
