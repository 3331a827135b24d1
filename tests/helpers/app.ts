import { createRepositories } from '../../src/db/repositories';
import { openSqlite } from '../../src/db/sqlite';
import { createApp } from '../../src/http/app';
import { silentLogger } from '../../src/logger';
import { createTokenVault } from '../../src/providers/token-vault';
import type { Deps } from '../../src/services/deps';
import { createMemo } from '../../src/services/memo';

/** The instance admin token of test apps: creating a workspace over HTTP needs it. */
export const TEST_ADMIN_TOKEN = 'test-admin-token-0123456789';

export interface TestClock {
  now: number;
}

/**
 * A real app on a private in-memory SQLite migrated from drizzle/, with a settable clock.
 * ICS fetches may only reach 127.0.0.1 (`allowPrivate` lets them, as in local use).
 */
/** `dbPath`: a database file instead of a private in-memory database (for what needs a second connection). */
export async function createTestApp(overrides: Partial<Deps> = {}, dbPath = ':memory:') {
  const handle = openSqlite(dbPath);
  const clock: TestClock = { now: Date.parse('2026-11-28T12:00:00Z') };
  const deps: Deps = {
    db: handle.db,
    repos: createRepositories({ db: handle.db }),
    vault: await createTokenVault('test-secret-test-secret-test-secret!'),
    clock: () => clock.now,
    logger: silentLogger,
    ics: {
      fetch: globalThis.fetch,
      resolveHost: async () => ['127.0.0.1'],
      allowPrivate: true,
      refreshMinutes: 60,
    },
    publicUrl: 'http://127.0.0.1:8787',
    adminToken: TEST_ADMIN_TOKEN,
    // As in production: audits and flag scores cached by data version, so tests see invalidation work.
    memo: createMemo(),
    gzipReports: true,
    ...overrides,
  };
  const app = createApp(deps);
  const api = async (method: string, path: string, init: { key?: string; json?: unknown; body?: string; headers?: Record<string, string> } = {}) => {
    const headers: Record<string, string> = { ...init.headers };
    if (init.key) headers.authorization = `Bearer ${init.key}`;
    let body: string | undefined = init.body;
    if (init.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(init.json);
    }
    const res = await app.request(path, { method, headers, body });
    const text = await res.text();
    let json: any = undefined;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: res.status, headers: res.headers, json, text };
  };
  return { app, deps, clock, api, close: () => handle.close() };
}

/** Creates a workspace over the API and returns its key. */
export async function newWorkspace(api: Awaited<ReturnType<typeof createTestApp>>['api'], name = 'Acme') {
  const res = await api('POST', '/v1/workspaces', { json: { name, hourlyRate: 80, currency: 'USD' }, key: TEST_ADMIN_TOKEN });
  if (res.status !== 201) throw new Error(`workspace create failed: ${res.status} ${res.text}`);
  return res.json as { workspace: { id: string }; apiKey: string };
}
