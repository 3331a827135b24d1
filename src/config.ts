import { z } from 'zod';

/**
 * The service's configuration, read and validated once from the environment. Nothing else in
 * src/ reads `process.env`: the entry points call `loadConfig` and pass the result down.
 */
const boolish = z
  .enum(['0', '1', 'true', 'false', ''])
  .optional()
  .transform((v) => v === '1' || v === 'true');

const schema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8787),
  HOST: z.string().min(1).default('127.0.0.1'),
  UNMEET_DB: z.string().min(1).default('./data/unmeet.db'),
  UNMEET_SECRET: z.string().min(32, 'UNMEET_SECRET must be at least 32 characters').optional(),
  PUBLIC_URL: z.url().optional(),
  UNMEET_ALLOW_PRIVATE_URLS: boolish,
  UNMEET_JOB_INTERVAL_MS: z.coerce.number().int().min(100).default(30_000),
  UNMEET_JOB_LEASE_MS: z.coerce.number().int().min(1_000).default(300_000),
  UNMEET_ICS_REFRESH_MINUTES: z.coerce.number().int().min(5).default(60),
  UNMEET_ADMIN_TOKEN: z.string().min(16, 'UNMEET_ADMIN_TOKEN must be at least 16 characters').optional(),
  GOOGLE_CLIENT_ID: z.string().min(1).optional(),
  GOOGLE_CLIENT_SECRET: z.string().min(1).optional(),
  GOOGLE_API_ROOT: z.url().default('https://www.googleapis.com'),
  GOOGLE_OAUTH_ROOT: z.url().optional(),
  /** Gmail API root for suggestion emails sent through a member's Google connection. */
  GMAIL_API_ROOT: z.url().default('https://gmail.googleapis.com'),
  MICROSOFT_CLIENT_ID: z.string().min(1).optional(),
  MICROSOFT_CLIENT_SECRET: z.string().min(1).optional(),
  MICROSOFT_TENANT: z.string().regex(/^[A-Za-z0-9.-]+$/, 'MICROSOFT_TENANT must be common, organizations, consumers, a tenant id or a domain').default('common'),
  GRAPH_API_ROOT: z.url().default('https://graph.microsoft.com/v1.0'),
  MICROSOFT_OAUTH_ROOT: z.url().default('https://login.microsoftonline.com'),
  UNMEET_SYNC_POLL_MINUTES: z.coerce.number().int().min(1).default(15),
  UNMEET_SECRET_PREVIOUS: z.string().optional(),
  UNMEET_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(0).default(600),
  UNMEET_LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  SMTP_URL: z.string().regex(/^smtps?:\/\//, 'SMTP_URL must start with smtp:// or smtps://').optional(),
  UNMEET_MAIL_FROM: z.email().optional(),
  UNMEET_SIGNUP: z
    .string()
    .regex(/^(closed|invite|domains:[a-z0-9.-]+\.[a-z]{2,}(,[a-z0-9.-]+\.[a-z]{2,})*)$/i, 'UNMEET_SIGNUP must be closed, invite or domains:example.com,example.org')
    .default('closed'),
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
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  /** Google OAuth client and endpoints; null when no Google app is configured. */
  google: { clientId: string; clientSecret: string; apiRoot: string; oauthRoot: string | null; gmailRoot: string } | null;
  /** Microsoft (Entra ID) app, tenant and endpoints; null when no Microsoft app is configured. */
  microsoft: { clientId: string; clientSecret: string; tenant: string; apiRoot: string; oauthRoot: string } | null;
  /** How often connected calendars are polled (a safety net under push notifications). */
  syncPollMinutes: number;
  /** Secrets being rotated out: still open what they sealed until `unmeet rotate-secret` re-seals it. */
  previousSecrets: string[];
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
  const parsed = schema.safeParse(env);
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
    logLevel: e.UNMEET_LOG_LEVEL,
    adminToken: e.UNMEET_ADMIN_TOKEN,
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
