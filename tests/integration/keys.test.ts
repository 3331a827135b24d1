import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, newWorkspace } from '../helpers/app';
import { MAX_ACTIVE_KEYS } from '../../src/services/workspaces';

type T = Awaited<ReturnType<typeof createTestApp>>;

let t: T;
let key: string;
let workspaceId: string;

beforeEach(async () => {
  t = await createTestApp();
  const created = await newWorkspace(t.api, 'Acme');
  key = created.apiKey;
  workspaceId = created.workspace.id;
});
afterEach(() => t.close());

const storedRows = () =>
  (t.deps.db as any).$client.prepare('select id, workspace_id, hash, prefix, label, revoked_at from api_keys where workspace_id = ?').all(workspaceId) as Array<{
    id: string;
    hash: string;
    prefix: string;
    label: string | null;
    revoked_at: number | null;
  }>;

async function createKey(using = key, label?: string) {
  const res = await t.api('POST', '/v1/workspace/keys', { key: using, json: label === undefined ? undefined : { label } });
  expect(res.status, res.text).toBe(201);
  return res.json as { key: { id: string; prefix: string; label: string | null }; apiKey: string };
}

/** A browser over `app.request`: a cookie jar and the dashboard's sign-in form. */
function browser() {
  const jar = new Map<string, string>();
  const request = async (method: string, path: string, form?: Record<string, string>) => {
    const headers: Record<string, string> = {};
    if (jar.size > 0) headers.cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    if (form) headers['content-type'] = 'application/x-www-form-urlencoded';
    const res = await t.app.request(`http://127.0.0.1:8787${path}`, { method, headers, body: form ? new URLSearchParams(form).toString() : undefined });
    for (const cookie of res.headers.getSetCookie()) {
      const [name = '', value = ''] = (cookie.split(';')[0] ?? '').split('=');
      if (value === '' || /max-age=0/i.test(cookie)) jar.delete(name);
      else jar.set(name, value);
    }
    return { status: res.status, location: res.headers.get('location'), text: await res.text() };
  };
  const signIn = async (apiKey: string) => {
    const page = await request('GET', '/sign-in');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1] ?? '';
    return request('POST', '/sign-in', { _csrf: csrf, apiKey });
  };
  return { request, signIn };
}

describe('listing API keys', () => {
  it('when keys are listed, then each shows its id, prefix and dates, never the key or its hash, and the request\'s own key is current', async () => {
    const second = await createKey(key, 'CI');
    const res = await t.api('GET', '/v1/workspace/keys', { key });
    expect(res.status).toBe(200);
    expect(res.json.keys).toHaveLength(2);
    const [hash1, hash2] = storedRows().map((r) => r.hash);
    for (const secret of [key, second.apiKey, hash1!, hash2!]) expect(res.text).not.toContain(secret);
    const first = res.json.keys.find((k: { id: string }) => k.id !== second.key.id);
    expect(first).toEqual({ id: expect.stringMatching(/^key_/), prefix: key.slice(0, 8), label: null, role: 'admin', createdAt: expect.any(String), revokedAt: null, current: true });
    expect(Number.isNaN(Date.parse(first.createdAt))).toBe(false);
    expect(res.json.keys.find((k: { id: string }) => k.id === second.key.id)).toMatchObject({ prefix: second.apiKey.slice(0, 8), label: 'CI', revokedAt: null, current: false });

    // Asked with the other key, the other key is the current one.
    const other = await t.api('GET', '/v1/workspace/keys', { key: second.apiKey });
    expect(other.json.keys.filter((k: { current: boolean }) => k.current).map((k: { id: string }) => k.id)).toEqual([second.key.id]);
  });

  it('when the key routes are called without a key or with a wrong one, then 401 and nothing changes', async () => {
    const before = storedRows();
    for (const [method, path] of [['GET', '/v1/workspace/keys'], ['POST', '/v1/workspace/keys'], ['DELETE', `/v1/workspace/keys/${before[0]!.id}`]] as const) {
      const missing = await t.api(method, path);
      expect(missing.status, `${method} ${path}`).toBe(401);
      expect(missing.json.code).toBe('auth.missing_key');
      const wrong = await t.api(method, path, { key: 'um_not-a-real-key' });
      expect(wrong.status, `${method} ${path}`).toBe(401);
      expect(wrong.json.code).toBe('auth.invalid_key');
    }
    expect(storedRows()).toEqual(before);
  });
});

describe('creating API keys', () => {
  it('when a key is created, then it is shown once, works, is stored only hashed, and the list never contains it', async () => {
    const res = await t.api('POST', '/v1/workspace/keys', { key, json: { label: '  Deploy bot  ' } });
    expect(res.status).toBe(201);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const { key: created, apiKey } = res.json as { key: { id: string; prefix: string; label: string }; apiKey: string };
    expect(apiKey).toMatch(/^um_[0-9a-z]{40}$/);
    expect(apiKey).not.toBe(key);
    expect(created).toEqual({ id: expect.stringMatching(/^key_/), prefix: apiKey.slice(0, 8), label: 'Deploy bot', role: 'admin', createdAt: expect.any(String), revokedAt: null, current: false });

    const me = await t.api('GET', '/v1/workspace', { key: apiKey });
    expect(me.status).toBe(200);
    expect(me.json.id).toBe(workspaceId);

    for (const using of [key, apiKey]) {
      const list = await t.api('GET', '/v1/workspace/keys', { key: using });
      expect(list.text).not.toContain(apiKey);
      expect(list.text).not.toContain(apiKey.slice(8));
      expect(list.json.keys.map((k: { prefix: string }) => k.prefix)).toContain(apiKey.slice(0, 8));
    }
    expect(JSON.stringify(storedRows())).not.toContain(apiKey);
  });

  it('when no body is sent, then the key is created unlabelled; an invalid label is refused with 422 and nothing stored', async () => {
    const bare = await t.api('POST', '/v1/workspace/keys', { key });
    expect(bare.status).toBe(201);
    expect(bare.json.key.label).toBeNull();
    const before = storedRows();
    for (const label of ['', '   ', 'x'.repeat(101), 'line\nbreak', 42]) {
      const res = await t.api('POST', '/v1/workspace/keys', { key, json: { label } });
      expect(res.status, JSON.stringify(label)).toBe(422);
      expect(res.json.code).toBe('request.invalid');
    }
    expect(storedRows()).toEqual(before);
  });

  it('when a workspace holds the most active keys allowed, then another is refused with 409 until one is revoked', async () => {
    const ids: string[] = [];
    for (let i = 1; i < MAX_ACTIVE_KEYS; i++) ids.push((await createKey()).key.id);
    const before = storedRows();
    const refused = await t.api('POST', '/v1/workspace/keys', { key });
    expect([refused.status, refused.json.code]).toEqual([409, 'key.limit_reached']);
    expect(storedRows()).toEqual(before);
    expect((await t.api('DELETE', `/v1/workspace/keys/${ids[0]}`, { key })).status).toBe(200);
    expect((await t.api('POST', '/v1/workspace/keys', { key })).status).toBe(201);
  });

  it('when keys are created and revoked, then the workspace data version is untouched (cached reports stay valid)', async () => {
    const version = await t.deps.repos.workspaces.dataVersion(workspaceId);
    const created = await createKey();
    await t.api('DELETE', `/v1/workspace/keys/${created.key.id}`, { key });
    expect(await t.deps.repos.workspaces.dataVersion(workspaceId)).toBe(version);
  });
});

describe('revoking API keys', () => {
  it('when a key is revoked, then its next request gets 401, the other key still works, and the row stays', async () => {
    const second = await createKey();
    const res = await t.api('DELETE', `/v1/workspace/keys/${second.key.id}`, { key });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ id: second.key.id, prefix: second.apiKey.slice(0, 8), revokedAt: new Date(t.clock.now).toISOString(), current: false });

    const denied = await t.api('GET', '/v1/workspace', { key: second.apiKey });
    expect(denied.status).toBe(401);
    expect(denied.json.code).toBe('auth.invalid_key');
    expect((await t.api('GET', '/v1/workspace/keys', { key: second.apiKey })).status).toBe(401);
    expect((await t.api('GET', '/v1/members', { key: second.apiKey })).status).toBe(401);
    expect((await t.api('GET', '/v1/workspace', { key })).status).toBe(200);

    const rows = storedRows();
    expect(rows).toHaveLength(2);
    expect(rows.find((r) => r.id === second.key.id)!.revoked_at).toBe(t.clock.now);
    const list = await t.api('GET', '/v1/workspace/keys', { key });
    expect(list.json.keys.find((k: { id: string }) => k.id === second.key.id).revokedAt).toBe(new Date(t.clock.now).toISOString());

    // Revoking it again changes nothing: same answer, same time.
    t.clock.now += 60_000;
    const again = await t.api('DELETE', `/v1/workspace/keys/${second.key.id}`, { key });
    expect(again.status).toBe(200);
    expect(again.json.revokedAt).toBe(res.json.revokedAt);
    expect(storedRows()).toEqual(rows);
  });

  it('when a request revokes its own key while another is active, then it is allowed and that key is refused from the next request on', async () => {
    const second = await createKey();
    const list = await t.api('GET', '/v1/workspace/keys', { key });
    const ownId = list.json.keys.find((k: { current: boolean }) => k.current).id as string;
    const res = await t.api('DELETE', `/v1/workspace/keys/${ownId}`, { key });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ id: ownId, current: true, revokedAt: expect.any(String) });
    expect((await t.api('GET', '/v1/workspace', { key })).status).toBe(401);
    expect((await t.api('GET', '/v1/workspace', { key: second.apiKey })).status).toBe(200);
  });

  it('when the last active key is revoked, then 409 key.last_active and the key keeps working', async () => {
    const ownId = (await t.api('GET', '/v1/workspace/keys', { key })).json.keys[0].id as string;
    const res = await t.api('DELETE', `/v1/workspace/keys/${ownId}`, { key });
    expect(res.status).toBe(409);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.json).toMatchObject({ status: 409, code: 'key.last_active', type: 'https://unmeet.dev/problems/key.last_active' });
    expect((await t.api('GET', '/v1/workspace', { key })).status).toBe(200);

    // Also when it is the last one left after another was revoked.
    const second = await createKey();
    expect((await t.api('DELETE', `/v1/workspace/keys/${ownId}`, { key: second.apiKey })).status).toBe(200);
    const last = await t.api('DELETE', `/v1/workspace/keys/${second.key.id}`, { key: second.apiKey });
    expect(last.status).toBe(409);
    expect(last.json.code).toBe('key.last_active');
    expect((await t.api('GET', '/v1/workspace', { key: second.apiKey })).status).toBe(200);
  });

  it('when the last two active keys are revoked at the same time, then exactly one revocation succeeds', async () => {
    const second = await createKey();
    const firstId = (await t.api('GET', '/v1/workspace/keys', { key })).json.keys.find((k: { current: boolean }) => k.current).id as string;
    // Both past authentication, each revoking the other's key: the check and the write are one statement.
    const outcomes = await Promise.all([
      t.deps.repos.workspaces.revokeKey(workspaceId, firstId, t.clock.now),
      t.deps.repos.workspaces.revokeKey(workspaceId, second.key.id, t.clock.now),
    ]);
    expect(outcomes.map((o) => o.outcome).sort()).toEqual(['last_active', 'revoked']);
    expect(storedRows().filter((r) => r.revoked_at === null)).toHaveLength(1);
    // Over HTTP as well: whichever request comes second is refused (its key is gone, or it is the last).
    const survivor = storedRows().find((r) => r.revoked_at === null)!;
    const survivorKey = survivor.id === firstId ? key : second.apiKey;
    const third = await createKey(survivorKey);
    const answers = await Promise.all([
      t.api('DELETE', `/v1/workspace/keys/${survivor.id}`, { key: third.apiKey }),
      t.api('DELETE', `/v1/workspace/keys/${third.key.id}`, { key: survivorKey }),
    ]);
    expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
    expect(answers.every((a) => [200, 401, 409].includes(a.status))).toBe(true);
    expect(storedRows().filter((r) => r.revoked_at === null)).toHaveLength(1);
  });

  it("when another workspace's key id or an unknown id is revoked, then 404 key.not_found and that key keeps working", async () => {
    const other = await newWorkspace(t.api, 'Other');
    await t.api('POST', '/v1/workspace/keys', { key: other.apiKey });
    const otherIds = (await t.api('GET', '/v1/workspace/keys', { key: other.apiKey })).json.keys.map((k: { id: string }) => k.id) as string[];
    expect(otherIds).toHaveLength(2);
    await createKey(); // so a wrongly scoped revocation would not be stopped by the last-key rule either

    for (const id of [...otherIds, 'key_doesnotexist', 'x']) {
      const res = await t.api('DELETE', `/v1/workspace/keys/${id}`, { key });
      expect(res.status, id).toBe(404);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(res.json.code).toBe('key.not_found');
    }
    expect((await t.api('GET', '/v1/workspace', { key: other.apiKey })).status).toBe(200);
    const otherList = await t.api('GET', '/v1/workspace/keys', { key: other.apiKey });
    expect(otherList.json.keys.every((k: { revokedAt: string | null }) => k.revokedAt === null)).toBe(true);
    // And listing shows only the caller's own keys.
    const mine = await t.api('GET', '/v1/workspace/keys', { key });
    expect(mine.json.keys.map((k: { id: string }) => k.id).some((id: string) => otherIds.includes(id))).toBe(false);
  });

  it('when the key a dashboard session was signed in with is revoked, then that session is no longer accepted; a session of another key is', async () => {
    const second = await createKey();
    const revoked = browser();
    expect((await revoked.signIn(second.apiKey)).location).toBe('/');
    expect((await revoked.request('GET', '/')).status).toBe(200);
    const kept = browser();
    await kept.signIn(key);
    expect((await kept.request('GET', '/')).status).toBe(200);

    expect((await t.api('DELETE', `/v1/workspace/keys/${second.key.id}`, { key })).status).toBe(200);

    const home = await revoked.request('GET', '/');
    expect(home.status).toBe(303);
    expect(home.location).toMatch(/^\/sign-in/);
    expect((await revoked.signIn(second.apiKey)).status).toBe(401);
    expect((await kept.request('GET', '/')).status).toBe(200);
  });
});

describe('API keys in the dashboard', () => {
  it('when keys are created and revoked from the connections page, then the new key is shown once and works, and a revoked key stops', async () => {
    const b = browser();
    await b.signIn(key);
    const page = await b.request('GET', '/connections');
    expect(page.status).toBe(200);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1] ?? '';
    const [own] = storedRows();
    expect(page.text).toContain(`${own!.prefix}…`);
    expect(page.text).not.toContain(own!.hash);

    const posted = await b.request('POST', '/connections/keys', { _csrf: csrf, label: 'Board <script>' });
    expect([posted.status, posted.location]).toEqual([303, '/connections']); // POST-redirect-GET: the key is on the GET
    const created = await b.request('GET', '/connections');
    const apiKey = /data-testid="new-key">(um_[A-Za-z0-9]+)</.exec(created.text)?.[1];
    expect(apiKey).toBeTruthy();
    expect(created.text).toContain('Board &lt;script&gt;');
    expect((await t.api('GET', '/v1/workspace', { key: apiKey! })).status).toBe(200);
    // Shown once: the page afterwards lists it by prefix only.
    const again = await b.request('GET', '/connections');
    expect(again.text).not.toContain(apiKey!);
    expect(again.text).toContain(`${apiKey!.slice(0, 8)}…`);

    const newId = storedRows().find((r) => r.label === 'Board <script>')!.id;
    const revoked = await b.request('POST', `/connections/keys/${newId}/revoke`, { _csrf: csrf });
    expect([revoked.status, revoked.location]).toEqual([303, '/connections?ok=revoked']);
    expect((await t.api('GET', '/v1/workspace', { key: apiKey! })).status).toBe(401);
    // The page says what the revoke did, not a bare "Done."; an unknown code says nothing.
    expect((await b.request('GET', revoked.location!)).text).toContain('API key revoked: every request with it is refused from now on.');
    expect((await b.request('GET', '/connections?ok=bogus')).text).not.toContain('class="notice ok"');

    // The last active key stays, with the reason on the page; a forged form changes nothing.
    const last = await b.request('POST', `/connections/keys/${own!.id}/revoke`, { _csrf: csrf });
    expect(last.status).toBe(409);
    expect((await t.api('GET', '/v1/workspace', { key })).status).toBe(200);
    const before = storedRows();
    expect((await b.request('POST', '/connections/keys', { _csrf: 'forged', label: 'x' })).status).toBe(403);
    expect(storedRows()).toEqual(before);
  });
});
