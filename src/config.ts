import { z } from 'zod';

/**
 * The service's configuration, read and validated once from the environment. Nothing else in
 * src/ reads `process.env`: the entry points call `loadConfig` and pass the result down.
 */
const boolish = z
  .enum(['0', '1', 'true', 'false', ''])
  .optional()
  .transform((v) => v === '1' || v === 'true');

/** The sections of docs/configuration.md, in order. */
export const CONFIG_SECTIONS = {
  service: 'The service',
  access: 'Access',
  calendars: 'Calendars',
  mail: 'Mail',
  jobs: 'Background jobs',
} as const;

/** What docs/configuration.md shows beside a variable's description, besides its schema default. */
export interface VariableDoc {
  section: keyof typeof CONFIG_SECTIONS;
  /** What the variable does on Cloudflare Workers. */
  workers: string;
  /** The default as people should read it, when the schema has none or a computed one. */
  shownDefault?: string;
}

/**
 * Documents a variable where it is defined: `.describe()` says what it means, and the section and
 * its effect on Workers ride along as metadata. `npm run docs:config` writes
 * docs/configuration.md from these, and a test keeps the committed file up to date.
 */
function documented<T extends z.ZodType>(type: T, meaning: string, doc: VariableDoc): T {
  return type.describe(meaning).meta({ ...doc });
}

export const configSchema = z.object({
  PORT: documented(
    z.coerce.number().int().min(0).max(65535).default(8787),
    'the port the HTTP service listens on (`PORT=0` picks a free port)',
    { section: 'service', workers: 'no effect' },
  ),
  HOST: documented(z.string().min(1).default('127.0.0.1'), 'the address the HTTP service listens on', { section: 'service', workers: 'no effect' }),
  UNMEET_DB: documented(
    z.string().min(1).default('./data/unmeet.db'),
    'the SQLite file (WAL mode); migrations from `drizzle/` are applied at start. A new database (and its `-wal`/`-shm`) is created owner-only (0600); the server warns at start if an existing one is readable or writable by others',
    { section: 'service', workers: 'no effect (D1 binding `DB`)' },
  ),
  UNMEET_SECRET: documented(
    z.string().min(32, 'UNMEET_SECRET must be at least 32 characters').optional(),
    'key material (at least 32 characters) for encrypting credentials at rest and signing links. Unset on Node, a random key is created beside the database as `unmeet.secret` (mode 0600). Keep it: without it stored subscription URLs and tokens cannot be opened',
    { section: 'service', workers: 'required for anything that stores credentials or signs links (`wrangler secret put`)', shownDefault: 'generated' },
  ),
  PUBLIC_URL: documented(
    z.url().optional(),
    'the address people, OAuth redirects and webhooks reach the service at, and the server `/openapi.json` names. Push notifications need it to be `https://`',
    { section: 'service', workers: 'set it before the first deploy', shownDefault: '`http://HOST:PORT`' },
  ),
  UNMEET_ALLOW_PRIVATE_URLS: documented(
    boolish,
    '`1` (or `true`) lets ICS URLs point at private or loopback addresses: local use and tests only',
    { section: 'calendars', workers: 'yes', shownDefault: '`0`' },
  ),
  UNMEET_JOB_INTERVAL_MS: documented(
    z.coerce.number().int().min(100).default(30_000),
    'how often the Node job runner looks for due work (at least 100)',
    { section: 'jobs', workers: 'no effect: a Cron Trigger every 5 minutes hands due jobs to a Queue' },
  ),
  UNMEET_JOB_LEASE_MS: documented(
    z.coerce.number().int().min(1_000).default(300_000),
    "how long a job run holds its lease; a crashed run's job is taken up again after this, and an email attempt that never recorded its outcome is settled once older than this (at least 1000)",
    { section: 'jobs', workers: 'yes' },
  ),
  UNMEET_ICS_REFRESH_MINUTES: documented(
    z.coerce.number().int().min(5).default(60),
    'how often ICS subscription URLs are re-fetched (at least 5)',
    { section: 'calendars', workers: 'yes' },
  ),
  UNMEET_ICS_PARSE_THREADS: documented(
    z.coerce.number().int().min(1).max(16).default(1),
    'worker threads that read and store ICS feeds (uploads and subscription refreshes) off the request thread, one feed each at a time. Keep it below the number of CPU cores, so requests always have one; each thread reading a 10 MiB feed holds some 100 MiB more',
    { section: 'calendars', workers: 'no effect: an import is read in its own request' },
  ),
  UNMEET_ICS_PARSE_QUEUE: documented(
    z.coerce.number().int().min(0).max(1000).default(9),
    'ICS imports that may wait for a parse thread; past threads + queue, imports are refused with `429 ics.busy` and `Retry-After`',
    { section: 'calendars', workers: 'no effect' },
  ),
  UNMEET_ADMIN_TOKEN: documented(
    z.string().min(16, 'UNMEET_ADMIN_TOKEN must be at least 16 characters').optional(),
    'at least 16 characters. When set, `POST /v1/workspaces` with `Authorization: Bearer <token>` creates a workspace and answers its API key, and instance operations (`POST /v1/admin/reseal`) open with it. Unset, workspace creation refuses everyone (`403 workspace.creation_closed`) and instance operations answer `403 auth.forbidden`; workspaces then come from the setup link, `unmeet workspace create` or `unmeet demo`',
    { section: 'access', workers: 'yes; on a public `workers.dev` address, use a long random value or leave it unset' },
  ),
  GOOGLE_CLIENT_ID: documented(
    z.string().min(1).optional(),
    'the Google OAuth client id, for calendars and sign-in ([calendars](calendars.md#google-calendar)); needs `GOOGLE_CLIENT_SECRET` too',
    { section: 'calendars', workers: 'yes' },
  ),
  GOOGLE_CLIENT_SECRET: documented(z.string().min(1).optional(), 'the Google OAuth client secret; needs `GOOGLE_CLIENT_ID` too', {
    section: 'calendars',
    workers: 'yes',
  }),
  GOOGLE_API_ROOT: documented(z.url().default('https://www.googleapis.com'), 'Google Calendar API root (tests point it at a fake)', {
    section: 'calendars',
    workers: 'yes',
  }),
  GOOGLE_OAUTH_ROOT: documented(z.url().optional(), 'Google OAuth root (tests point it at a fake)', {
    section: 'calendars',
    workers: 'yes',
    shownDefault: "unset (Google's own endpoints)",
  }),
  GMAIL_API_ROOT: documented(
    z.url().default('https://gmail.googleapis.com'),
    "Gmail API root, for suggestion emails sent through a member's Google connection (`mailTransport: \"gmail\"`)",
    { section: 'mail', workers: 'yes' },
  ),
  MICROSOFT_CLIENT_ID: documented(
    z.string().min(1).optional(),
    'the Microsoft Entra ID application id, for Outlook calendars and sign-in ([calendars](calendars.md#outlook--microsoft-365)); needs `MICROSOFT_CLIENT_SECRET` too',
    { section: 'calendars', workers: 'yes' },
  ),
  MICROSOFT_CLIENT_SECRET: documented(z.string().min(1).optional(), 'the Microsoft Entra ID client secret; needs `MICROSOFT_CLIENT_ID` too', {
    section: 'calendars',
    workers: 'yes',
  }),
  MICROSOFT_TENANT: documented(
    z.string().regex(/^[A-Za-z0-9.-]+$/, 'MICROSOFT_TENANT must be common, organizations, consumers, a tenant id or a domain').default('common'),
    '`common`, `organizations`, `consumers`, a tenant id or a domain',
    { section: 'calendars', workers: 'yes' },
  ),
  GRAPH_API_ROOT: documented(z.url().default('https://graph.microsoft.com/v1.0'), 'Microsoft Graph root', { section: 'calendars', workers: 'yes' }),
  MICROSOFT_OAUTH_ROOT: documented(z.url().default('https://login.microsoftonline.com'), 'Microsoft identity platform root', {
    section: 'calendars',
    workers: 'yes',
  }),
  UNMEET_SYNC_POLL_MINUTES: documented(
    z.coerce.number().int().min(1).default(15),
    'how often connected Google and Outlook calendars are polled; push notifications make changes arrive sooner, and polling stays on as a safety net',
    { section: 'calendars', workers: 'yes' },
  ),
  UNMEET_SECRET_PREVIOUS: documented(
    z.string().optional(),
    'comma-separated secrets being rotated out: they still open what they sealed until `unmeet rotate-secret` (SQLite) or `POST /v1/admin/reseal` (any database) has re-sealed it ([operations](operations.md#rotating-unmeet_secret))',
    { section: 'service', workers: 'yes; re-seal with `POST /v1/admin/reseal`' },
  ),
  UNMEET_READ_CACHE_MS: documented(
    z.coerce.number().int().min(0).max(60_000).optional(),
    "Workers: how long an isolate keeps its copy of an API key and of a workspace's memberships and data version, in ms (at most 60000, `0` turns it off). Each is a D1 round trip of a few milliseconds on every report request; the price is that a key revoked or a membership changed through another isolate, or a sync run there, is seen here up to this long after (this isolate's own writes are seen at once; writes never authenticate from the copy). On Node the server's own writes and jobs clear it too, so only another process's writes (the CLI's) wait for it; a SQLite read is cheap, but a cached report for a large team reads every membership",
    { section: 'access', workers: 'yes', shownDefault: '`5000` on Workers, `1000` on Node' },
  ),
  UNMEET_RATE_LIMIT_PER_MINUTE: documented(
    z.coerce.number().int().min(0).default(600),
    'requests per minute for each API key and each session (a token bucket per process); past it, `429 rate_limited` with `Retry-After`. `0` turns it off. Unauthenticated routes have their own fixed budget per client address ([sign-in](sign-in.md#limits-on-public-routes))',
    { section: 'access', workers: 'per isolate' },
  ),
  UNMEET_LOG_LEVEL: documented(
    z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
    '`debug`, `info`, `warn`, `error`, `silent`; logs are JSON lines and never contain keys, tokens, URLs of feeds or event text',
    { section: 'service', workers: 'yes' },
  ),
  SMTP_URL: documented(
    z.string().regex(/^smtps?:\/\//, 'SMTP_URL must start with smtp:// or smtps://').optional(),
    '`smtp://user:pass@host:587` or `smtps://…:465`, for suggestion emails (workspaces with `mailTransport: "smtp"`), invitations and sign-in links. Unset: outbox only, and no email sign-in links',
    { section: 'mail', workers: 'no effect: Workers have no SMTP transport' },
  ),
  UNMEET_MAIL_FROM: documented(z.email().optional(), 'sender address (`unmeet@localhost` when the PUBLIC_URL host is not a domain name)', {
    section: 'mail',
    workers: 'yes',
    shownDefault: '`unmeet@<PUBLIC_URL host>`',
  }),
  UNMEET_SIGNUP: documented(
    z
      .string()
      .regex(/^(closed|invite|domains:[a-z0-9.-]+\.[a-z]{2,}(,[a-z0-9.-]+\.[a-z]{2,})*)$/i, 'UNMEET_SIGNUP must be closed, invite or domains:example.com,example.org')
      .default('closed'),
    "who may create a workspace by signing in, besides the setup link: `closed` (nobody; people join through invitations), `invite` (people who already belong to some workspace), `domains:example.com,example.org` (people whose provider vouches for the organisation: Google's `hd` claim, or a Microsoft work tenant with the address verified by `xms_edov`; never the address suffix alone, never an email link). See [sign-in](sign-in.md#setup-link-and-unmeet_signup)",
    { section: 'access', workers: 'yes' },
  ),
});

/**
 * Who may create a workspace by signing in (besides the setup link): nobody (`closed`), people
 * who already belong to a workspace (`invite`), or people whose organisation owns one of the
 * domains, as the identity provider vouches (Google `hd`, Microsoft verified domain in a work
 * tenant), never by the address suffix alone.
 */
export type SignupPolicy = { mode: 'closed' } | { mode: 'invite' } | { mode: 'domains'; domains: string[] };

/** Parses UNMEET_SIGNUP (already checked by the schema). */
export function parseSignup(value: string): SignupPolicy {
  if (value === 'closed' || value === 'invite') return { mode: value };
  return { mode: 'domains', domains: value.slice('domains:'.length).toLowerCase().split(',').filter(Boolean) };
}

export type Config = {
  port: number;
  host: string;
  dbPath: string;
  /** Key material for the token vault; the Node entry point generates a local one when unset. */
  secret: string | undefined;
  publicUrl: string;
  allowPrivateUrls: boolean;
  jobIntervalMs: number;
  /** How long a job run may hold its lease; a crashed run's job is free again after this. */
  jobLeaseMs: number;
  icsRefreshMinutes: number;
  /** ICS parse threads (Node) and imports that may wait for one. */
  icsParse: { threads: number; queue: number };
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  /** Google OAuth client and endpoints; null when no Google app is configured. */
  google: { clientId: string; clientSecret: string; apiRoot: string; oauthRoot: string | null; gmailRoot: string } | null;
  /** Microsoft (Entra ID) app, tenant and endpoints; null when no Microsoft app is configured. */
  microsoft: { clientId: string; clientSecret: string; tenant: string; apiRoot: string; oauthRoot: string } | null;
  /** How often connected calendars are polled (a safety net under push notifications). */
  syncPollMinutes: number;
  /** Secrets being rotated out: still open what they sealed until `unmeet rotate-secret` re-seals it. */
  previousSecrets: string[];
  /** The read cache's lifetime in ms (undefined = the runtime's default: 5000 on Workers, 1000 on Node). */
  readCacheMs: number | undefined;
  /** Requests per minute per API key (0 = unlimited). */
  rateLimitPerMinute: number;
  /** When set, creating workspaces over HTTP needs it as a bearer token. */
  adminToken: string | undefined;
  /** SMTP server for suggestion emails; unset = outbox only. */
  smtpUrl: string | undefined;
  /** Sender address of suggestion emails (default unmeet@ the PUBLIC_URL host). */
  mailFrom: string;
  /** Who may create workspaces by signing in (UNMEET_SIGNUP, default closed). */
  signup: SignupPolicy;
};

export class ConfigError extends Error {}

export function loadConfig(env: Record<string, string | undefined>): Config {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    dbPath: e.UNMEET_DB,
    secret: e.UNMEET_SECRET,
    publicUrl: (e.PUBLIC_URL ?? `http://${e.HOST.includes(':') ? `[${e.HOST}]` : e.HOST}:${e.PORT}`).replace(/\/$/, ''),
    allowPrivateUrls: e.UNMEET_ALLOW_PRIVATE_URLS,
    jobIntervalMs: e.UNMEET_JOB_INTERVAL_MS,
    jobLeaseMs: e.UNMEET_JOB_LEASE_MS,
    icsRefreshMinutes: e.UNMEET_ICS_REFRESH_MINUTES,
    icsParse: { threads: e.UNMEET_ICS_PARSE_THREADS, queue: e.UNMEET_ICS_PARSE_QUEUE },
    logLevel: e.UNMEET_LOG_LEVEL,
    adminToken: e.UNMEET_ADMIN_TOKEN,
    readCacheMs: e.UNMEET_READ_CACHE_MS,
    rateLimitPerMinute: e.UNMEET_RATE_LIMIT_PER_MINUTE,
    previousSecrets: (e.UNMEET_SECRET_PREVIOUS ?? '').split(',').map((x) => x.trim()).filter(Boolean),
    google:
      e.GOOGLE_CLIENT_ID && e.GOOGLE_CLIENT_SECRET
        ? { clientId: e.GOOGLE_CLIENT_ID, clientSecret: e.GOOGLE_CLIENT_SECRET, apiRoot: e.GOOGLE_API_ROOT, oauthRoot: e.GOOGLE_OAUTH_ROOT ?? null, gmailRoot: e.GMAIL_API_ROOT }
        : null,
    microsoft:
      e.MICROSOFT_CLIENT_ID && e.MICROSOFT_CLIENT_SECRET
        ? {
            clientId: e.MICROSOFT_CLIENT_ID,
            clientSecret: e.MICROSOFT_CLIENT_SECRET,
            tenant: e.MICROSOFT_TENANT,
            apiRoot: e.GRAPH_API_ROOT.replace(/\/$/, ''),
            oauthRoot: e.MICROSOFT_OAUTH_ROOT.replace(/\/$/, ''),
          }
        : null,
    syncPollMinutes: e.UNMEET_SYNC_POLL_MINUTES,
    smtpUrl: e.SMTP_URL,
    mailFrom: e.UNMEET_MAIL_FROM ?? `unmeet@${mailHost(e.PUBLIC_URL, e.HOST)}`,
    signup: parseSignup(e.UNMEET_SIGNUP),
  };
}

/** The host part for the default sender address: PUBLIC_URL's host, else HOST, else localhost. */
function mailHost(publicUrl: string | undefined, host: string): string {
  const name = publicUrl ? new URL(publicUrl).hostname : host;
  return /^[a-z0-9.-]+\.[a-z]{2,}$/i.test(name) ? name : 'localhost';
}
