/**
 * Driving the real server process in e2e tests: a free port, `node bin/unmeet.js serve` started
 * with an environment and awaited until it listens, a kill that waits for the exit, polling with
 * a deadline, and read-only looks into the SQLite file the process writes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import Database from 'better-sqlite3';

export const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });

/** Polls `check` every 100 ms until it holds; throws naming `what` after `ms`. */
export const until = async (check: () => boolean | Promise<boolean>, ms: number, what: string) => {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

/** `unmeet serve` with this environment, resolved once it prints that it listens. */
export const startServer = async (env: NodeJS.ProcessEnv): Promise<ChildProcess> => {
  const child = spawn(process.execPath, ['bin/unmeet.js', 'serve'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('listening on')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`server exited ${code}`)));
  });
  return child;
};

/** Resolves when the process has exited (at once if it already has). */
export const exited = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });

/** Sends `signal` and waits for the exit. */
export const stopServer = async (child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM') => {
  if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  await exited(child);
};

/** The rows of a query against the database file, opened read-only for this one query. */
export const rows = (db: string, sql: string, ...params: unknown[]) => {
  const conn = new Database(db, { readonly: true, fileMustExist: true });
  try {
    return conn.prepare(sql).all(...params) as Array<Record<string, any>>;
  } finally {
    conn.close();
  }
};

/** How long a job run holds its lease in these tests (UNMEET_JOB_LEASE_MS): short, so a dead run is taken up again quickly. */
export const TEST_LEASE_MS = 2_000;

/** The instance admin token of test servers: workspace creation over HTTP is closed without it. */
export const E2E_ADMIN_TOKEN = 'e2e-admin-token-0123456789';

/** The environment of a test server on 127.0.0.1: its port and database, a fast job runner, a short lease, plus `extra`. */
export const serverEnv = (port: number, db: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({
  ...process.env,
  PORT: String(port),
  HOST: '127.0.0.1',
  UNMEET_DB: db,
  UNMEET_SECRET: 'crash-test-secret-crash-test-secret-00',
  PUBLIC_URL: `http://127.0.0.1:${port}`,
  UNMEET_JOB_INTERVAL_MS: '200',
  UNMEET_JOB_LEASE_MS: String(TEST_LEASE_MS),
  UNMEET_LOG_LEVEL: 'warn',
  UNMEET_ADMIN_TOKEN: E2E_ADMIN_TOKEN,
  ...extra,
});

/** The Google OAuth client and endpoints of a fake Google (`tests/fakes/google`). */
export const googleEnv = (fake: { clientId: string; clientSecret: string; url: string }): Record<string, string> => ({
  GOOGLE_CLIENT_ID: fake.clientId,
  GOOGLE_CLIENT_SECRET: fake.clientSecret,
  GOOGLE_API_ROOT: fake.url,
  GOOGLE_OAUTH_ROOT: fake.url,
});

export type Api = (method: string, path: string, body?: unknown) => Promise<{ status: number; json: any }>;

/** JSON requests to the server, with the workspace key when given. */
export const apiClient =
  (url: string, key?: string): Api =>
  async (method, path, body) => {
    const headers: Record<string, string> = key ? { authorization: `Bearer ${key}` } : {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    let json: unknown = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = text;
    }
    return { status: res.status, json };
  };

/** A new workspace: its id, its API key and a client that uses the key. */
export const createWorkspace = async (url: string, name: string) => {
  const res = await apiClient(url, E2E_ADMIN_TOKEN)('POST', '/v1/workspaces', { name });
  if (res.status !== 201) throw new Error(`workspace not created: ${res.status}`);
  return { id: res.json.workspace.id as string, key: res.json.apiKey as string, api: apiClient(url, res.json.apiKey) };
};

/** Connects the member's Google calendar through the consent flow (the fake consents at once); the callback's status. */
export const connectGoogle = async (url: string, key: string, memberId: string): Promise<number> => {
  const consentUrl = (await fetch(`${url}/v1/connect/google?memberId=${memberId}`, { headers: { authorization: `Bearer ${key}` }, redirect: 'manual' })).headers.get('location')!;
  const callback = (await fetch(consentUrl, { redirect: 'manual' })).headers.get('location')!;
  return (await fetch(callback)).status;
};
