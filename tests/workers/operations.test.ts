import { applyD1Migrations, createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test';
import { describe, expect, inject, it } from 'vitest';
import worker, { type Env } from '../../src/entry/worker';

/** What an operator meets on Workers: readiness on D1, and re-sealing credentials on D1. */

const ADMIN = 'workers-admin-token-0123456789';
const NEW_SECRET = 'workers-rotated-secret-rotated-secret-0001';

/** One request to the Worker under `testEnv` (another D1, other secrets), as the runtime calls it. */
async function call(testEnv: Env, path: string, init: { method?: string; key?: string; json?: unknown } = {}) {
  const headers: Record<string, string> = {};
  if (init.key) headers.authorization = `Bearer ${init.key}`;
  if (init.json !== undefined) headers['content-type'] = 'application/json';
  const ctx = createExecutionContext();
  const res = await worker.fetch(
    new Request(`http://unmeet.test${path}`, { method: init.method ?? 'GET', headers, body: init.json !== undefined ? JSON.stringify(init.json) : undefined }),
    testEnv,
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return { status: res.status, json: (await res.json().catch(() => undefined)) as any };
}

const migrated = env as unknown as Env;

describe('operating the Worker on D1', () => {
  it('when D1 has none or only some of the migrations, then /readyz answers 503 naming migrations; once all are applied, 200', async () => {
    const bare = { ...env, DB: env.UNMIGRATED_DB } as unknown as Env;
    const none = await call(bare, '/readyz');
    expect(none.status).toBe(503);
    expect(none.json).toEqual({ ok: false, checks: { database: true, migrations: false } });

    await applyD1Migrations(env.UNMIGRATED_DB, env.TEST_MIGRATIONS.slice(0, -1));
    const some = await call(bare, '/readyz');
    expect(some.status).toBe(503);
    expect(some.json.checks.migrations).toBe(false);

    await applyD1Migrations(env.UNMIGRATED_DB, env.TEST_MIGRATIONS);
    const all = await call(bare, '/readyz');
    expect(all.status).toBe(200);
    expect(all.json).toEqual({ ok: true, checks: { database: true, migrations: true } });
    expect((await call(migrated, '/readyz')).status).toBe(200);
  });

  it('when the secret is rotated and the admin re-seals, then the subscription syncs under the new secret alone and a second re-seal finds nothing to do', async () => {
    const ws = await call(migrated, '/v1/workspaces', { method: 'POST', key: ADMIN, json: { name: 'Rotate' } });
    const key = ws.json.apiKey as string;
    const member = await call(migrated, '/v1/members', { method: 'POST', key, json: { email: 'alice@example.com', name: 'Alice', timeZone: 'UTC' } });
    const connected = await call(migrated, '/v1/connections/ics', { method: 'POST', key, json: { memberId: member.json.id, url: `${inject('feedUrl')}/feed/2.ics` } });
    expect(connected.status).toBe(201);

    const rotating = { ...env, UNMEET_SECRET: NEW_SECRET, UNMEET_SECRET_PREVIOUS: env.UNMEET_SECRET } as unknown as Env;
    expect((await call(rotating, '/v1/admin/reseal', { method: 'POST' })).json.code).toBe('auth.missing_key');
    const withWorkspaceKey = await call(rotating, '/v1/admin/reseal', { method: 'POST', key });
    expect(withWorkspaceKey.status).toBe(403);
    expect(withWorkspaceKey.json.code).toBe('auth.forbidden');

    const first = await call(rotating, '/v1/admin/reseal', { method: 'POST', key: ADMIN });
    expect(first.status).toBe(200);
    expect(first.json.resealed).toBeGreaterThanOrEqual(1);
    const second = await call(rotating, '/v1/admin/reseal', { method: 'POST', key: ADMIN });
    expect(second.json.resealed).toBe(0);
    expect(second.json.alreadyCurrent).toBeGreaterThanOrEqual(1);

    // The old secret is gone: only what was re-sealed can still be opened.
    const rotated = { ...env, UNMEET_SECRET: NEW_SECRET } as unknown as Env;
    const synced = await call(rotated, `/v1/connections/${connected.json.id}/sync`, { method: 'POST', key });
    expect(synced.status).toBeLessThan(300);
    const audit = await call(rotated, '/v1/audit?from=2026-11-02&to=2026-11-30', { key });
    expect(audit.json.members[0].metrics.meetingCount).toBe(2);
  });
});
