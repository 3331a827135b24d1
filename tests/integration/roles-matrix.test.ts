/**
 * The role × operation matrix, generated from /openapi.json: every operation the document lists
 * (those added after this file was written too) is called by every kind of caller, and the answer
 * must be what the document declares. Public operations (`security: []`) open to anyone; workspace
 * creation only to the instance admin token; every other operation needs an API key or a session
 * (401 without one), the role in its `x-unmeet-role` (403 `auth.forbidden` below it), and a
 * signed-in person when it says `x-unmeet-person` (403 `auth.person_required` for an API key).
 * A refusal changes nothing stored. An operation that declares neither a role nor that it is public
 * fails the test, as does one whose declared security its behaviour contradicts.
 *
 * Each operation gets a fresh app and workspace (a member with an ICS calendar, a rotation, a
 * manager key, a spare key, an owner, admin, manager and member with sessions), so what one caller
 * changes (a deleted member, a revoked key) never decides another operation's outcome. Path ids
 * come from that workspace by resource name; an id it has no resource for gets a made-up value,
 * and the 404 that follows counts as "got past authorization".
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES, roleAtLeast, type Role } from '../../src/domain/roles';
import { createTestApp, newWorkspace, TEST_ADMIN_TOKEN } from '../helpers/app';
import { addPerson, sessionHeaders, signedInPerson, signIn } from '../helpers/people';
import { sample, snapshotDb, type Schema } from '../helpers/openapi';

type TestApp = Awaited<ReturnType<typeof createTestApp>>;
type Security = Array<Record<string, string[]>>;
interface Param { name: string; in: string; required?: boolean; schema?: Schema }
interface RawOperation {
  security?: Security;
  'x-unmeet-role'?: unknown;
  'x-unmeet-person'?: unknown;
  parameters?: Param[];
  requestBody?: { content: Record<string, { schema?: Schema }> };
}
interface Operation {
  method: string;
  path: string;
  label: string;
  raw: RawOperation;
  params: Param[];
  bodyTypes: string[];
  bodySchema: Schema | undefined;
}

/** Who calls: nobody, a session of each role, an API key of each key role, the instance admin token. */
type Caller = { name: string; kind: 'none' } | { name: string; kind: 'adminToken' } | { name: string; kind: 'key' | 'session'; role: Role };
const CALLERS: Caller[] = [
  { name: 'no identity', kind: 'none' },
  { name: 'member session', kind: 'session', role: 'member' },
  { name: 'manager key', kind: 'key', role: 'manager' },
  { name: 'manager session', kind: 'session', role: 'manager' },
  { name: 'admin key', kind: 'key', role: 'admin' },
  { name: 'admin session', kind: 'session', role: 'admin' },
  { name: 'owner session', kind: 'session', role: 'owner' },
  { name: 'instance admin token', kind: 'adminToken' },
];

const ics = readFileSync('examples/ayu.ics', 'utf8');
const rotation = JSON.parse(readFileSync('examples/rotation.json', 'utf8'));
const PROVIDERS = {
  google: { clientId: 'id', clientSecret: 'secret', apiRoot: 'http://127.0.0.1:9', oauthRoot: 'http://127.0.0.1:9' },
  microsoft: { clientId: 'id', clientSecret: 'secret', tenant: 'common', apiRoot: 'http://127.0.0.1:9', oauthRoot: 'http://127.0.0.1:9' },
} as never;
const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const PROTECTED_SCHEMES = new Set(['apiKey', 'session']);

/** A workspace with something behind every kind of id, and a credential for every caller. */
interface World {
  t: TestApp;
  workspaceId: string;
  /** Seeded ids by resource name, as it appears in paths (`members`, `connections`, …). */
  ids: Record<string, string>;
  seriesKey: string;
  keys: Record<'admin' | 'manager', string>;
  sessions: Record<Role, { personId: string; cookie: string }>;
}

async function newWorld(): Promise<World> {
  const t = await createTestApp(PROVIDERS);
  t.clock.now = Date.parse('2026-11-20T12:00:00Z');
  const { workspace, apiKey } = await newWorkspace(t.api, 'Matrix');
  const key = apiKey;
  const member = await t.api('POST', '/v1/members', { key, json: { email: 'ayu@example.com', name: 'Ayu', timeZone: 'Asia/Jakarta' } });
  const connection = await t.api('POST', `/v1/connections/ics?memberId=${member.json.id}`, { key, body: ics, headers: { 'content-type': 'text/calendar' } });
  const rot = await t.api('POST', '/v1/rotations', { key, json: rotation });
  const manager = await t.api('POST', '/v1/workspace/keys', { key, json: { role: 'manager', label: 'reports' } });
  const spare = await t.api('POST', '/v1/workspace/keys', { key, json: { label: 'spare' } });
  const flags = await t.api('GET', '/v1/flags?from=2026-11-02&to=2026-11-30', { key });
  if (member.status !== 201 || connection.status !== 201 || manager.status !== 201 || spare.status !== 201) {
    throw new Error(`seeding failed: ${member.status} ${connection.status} ${manager.status} ${spare.status}`);
  }
  const sessions = {} as World['sessions'];
  for (const role of ROLES) {
    const person = await signedInPerson(t.deps, workspace.id, role, role === 'member' ? { memberId: member.json.id } : {});
    sessions[role] = { personId: person.personId, cookie: person.cookie };
  }
  // Someone who is not calling, so an operation about another person has a real one to name.
  const bystander = await addPerson(t.deps, workspace.id, 'member');
  return {
    t,
    workspaceId: workspace.id,
    ids: {
      members: member.json.id,
      connections: connection.json.id,
      ...(rot.json?.id ? { rotations: rot.json.id } : {}),
      keys: spare.json.key.id,
      people: bystander.personId,
      workspaces: workspace.id,
    },
    seriesKey: flags.json?.series?.[0]?.seriesKey ?? 'none',
    keys: { admin: key, manager: manager.json.apiKey },
    sessions,
  };
}

/** Values for names that mean a seeded thing, wherever they appear (query, body property). */
const hints = (w: World): Record<string, unknown> => ({
  personId: w.ids.people,
  memberId: w.ids.members,
  member: w.ids.members,
  connectionId: w.ids.connections,
  rotationId: w.ids.rotations,
  seriesKey: w.seriesKey,
  from: '2026-11-02',
  to: '2026-11-30',
  ics,
});


let doc: { paths: Record<string, Record<string, RawOperation>>; components?: { schemas?: Record<string, Schema>; securitySchemes?: Record<string, unknown> } };
let operations: Operation[];
const components = () => doc.components?.schemas ?? {};

beforeAll(async () => {
  const t = await createTestApp(PROVIDERS);
  doc = (await t.api('GET', '/openapi.json')).json;
  t.close();
  operations = Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, raw]) => ({
      method: method.toUpperCase(),
      path,
      label: `${method.toUpperCase()} ${path}`,
      raw,
      params: raw.parameters ?? [],
      bodyTypes: Object.keys(raw.requestBody?.content ?? {}),
      bodySchema: raw.requestBody?.content['application/json']?.schema ?? raw.requestBody?.content['application/x-www-form-urlencoded']?.schema,
    })),
  );
});

/** The request an operation gets: its path ids, its query and a valid body, from the world's seeded things. */
function requestFor(op: Operation, w: World): { url: string; json?: unknown; body?: string; headers: Record<string, string> } {
  const known = hints(w);
  const url = op.path.replace(/\{([^}]+)\}/g, (_, name: string, offset: number) => {
    if (typeof known[name] === 'string') return encodeURIComponent(known[name] as string);
    const resource = name === 'id' ? (op.path.slice(0, offset).split('/').filter(Boolean).pop() ?? '') : name.replace(/Id$/, 's');
    return encodeURIComponent(w.ids[resource] ?? `no-such-${resource}`);
  });
  const query = new URLSearchParams();
  for (const p of op.params.filter((p) => p.in === 'query')) {
    const value = known[p.name] ?? (p.required ? sample(p.schema, components(), known) : undefined);
    if (value !== undefined) query.set(p.name, String(value));
  }
  const full = query.size ? `${url}?${query}` : url;
  // A calendar file where one is taken: it is the whole input, where a JSON sample may name a URL nobody can reach.
  if (op.bodyTypes.includes('text/calendar')) return { url: full, body: ics, headers: { 'content-type': 'text/calendar' } };
  if (op.bodyTypes.includes('application/json')) return { url: full, json: sample(op.bodySchema, components(), known) ?? {}, headers: {} };
  if (op.bodyTypes.includes('application/x-www-form-urlencoded')) {
    const fields = (sample(op.bodySchema, components(), known) ?? {}) as Record<string, unknown>;
    const form = new URLSearchParams(Object.entries(fields).map(([k, v]) => [k, String(v)]));
    return { url: full, body: form.toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } };
  }
  return { url: full, headers: {} };
}

/** Sends the operation's request as the caller. */
function call(op: Operation, w: World, caller: Caller, extraHeaders: Record<string, string> = {}) {
  const req = requestFor(op, w);
  const auth: { key?: string; headers?: Record<string, string> } =
    caller.kind === 'adminToken'
      ? { key: TEST_ADMIN_TOKEN }
      : caller.kind === 'key'
        ? { key: w.keys[caller.role as 'admin' | 'manager'] }
        : caller.kind === 'session'
          ? { headers: sessionHeaders(w.sessions[caller.role].cookie, op.method) }
          : {};
  return w.t.api(op.method, req.url, { key: auth.key, json: req.json, body: req.body, headers: { ...req.headers, ...auth.headers, ...extraHeaders } });
}

const snapshot = (t: TestApp) => snapshotDb(t.deps);

type Kind = 'public' | 'adminToken' | 'protected' | 'undeclared';
const schemesOf = (op: Operation) => new Set((op.raw.security ?? []).flatMap((requirement) => Object.keys(requirement)));

/** What the document says an operation is: open to anyone, for the instance admin token, or for a role. */
function kindOf(op: Operation): Kind {
  const schemes = schemesOf(op);
  if (op.raw['x-unmeet-role'] !== undefined) return 'protected';
  if (Array.isArray(op.raw.security) && op.raw.security.length === 0) return 'public';
  if (schemes.size === 1 && schemes.has('adminToken')) return 'adminToken';
  return 'undeclared';
}

/** What the declaration makes of a request: mistakes in the document itself, before anything is sent. */
function declarationProblems(op: Operation): string[] {
  const problems: string[] = [];
  const schemes = schemesOf(op);
  const role = op.raw['x-unmeet-role'];
  const known = new Set(Object.keys(doc.components?.securitySchemes ?? {}));
  if (!Array.isArray(op.raw.security)) problems.push('declares no `security` (public operations say `security: []`)');
  for (const s of schemes) if (!known.has(s)) problems.push(`names the security scheme "${s}", which the document does not define`);
  if (kindOf(op) === 'undeclared') problems.push('has no `x-unmeet-role` and is not explicitly public (`security: []`, or the admin token alone)');
  if (role !== undefined && !(ROLES as readonly unknown[]).includes(role)) problems.push(`declares x-unmeet-role ${JSON.stringify(role)}, not one of ${ROLES.join(', ')}`);
  if (role !== undefined && (schemes.size === 0 || [...schemes].some((s) => !PROTECTED_SCHEMES.has(s)))) {
    problems.push(`declares role ${String(role)} but its security (${JSON.stringify(op.raw.security)}) is not the API key or session`);
  }
  if (op.raw['x-unmeet-person'] !== undefined && (op.raw['x-unmeet-person'] !== true || !schemes.has('session'))) problems.push('declares x-unmeet-person without accepting a session');
  return problems;
}

/** The refusal expected for a caller, or undefined when the caller must get past authorization. */
function expectedRefusal(op: Operation, caller: Caller): { statuses: number[]; codes?: string[] } | undefined {
  const kind = kindOf(op);
  if (kind === 'public') return undefined;
  if (kind === 'adminToken') return caller.kind === 'adminToken' ? undefined : { statuses: [401, 403] };
  if (caller.kind === 'none') return { statuses: [401], codes: ['auth.missing_key'] };
  if (caller.kind === 'adminToken') return { statuses: [401], codes: ['auth.invalid_key'] };
  const schemes = schemesOf(op);
  if (!schemes.has(caller.kind === 'key' ? 'apiKey' : 'session')) return { statuses: [401, 403] };
  const below = !roleAtLeast(caller.role, op.raw['x-unmeet-role'] as Role);
  const personOnly = op.raw['x-unmeet-person'] === true && caller.kind === 'key';
  // The role is checked first; an API key below the role on a person's operation may hear either.
  if (below && personOnly) return { statuses: [403], codes: ['auth.forbidden', 'auth.person_required'] };
  if (below) return { statuses: [403], codes: ['auth.forbidden'] };
  if (personOnly) return { statuses: [403], codes: ['auth.person_required'] };
  return undefined;
}

/** Calls the operation as every caller and returns what disagrees with its declaration, plus one matrix row. */
async function checkOperation(op: Operation): Promise<{ violations: string[]; row: string; notes: string[] }> {
  const violations = declarationProblems(op).map((p) => `${op.label} ${p}`);
  const notes: string[] = [];
  const cells: string[] = [];
  const w = await newWorld();
  try {
    for (const caller of CALLERS) {
      const before = snapshot(w.t);
      const res = await call(op, w, caller);
      const where = `${op.label} as ${caller.name} → ${res.status} ${res.json?.code ?? ''}`.trim();
      cells.push(`${res.status}${res.json?.code?.startsWith('auth.') ? '*' : ''}`);
      // 502/503 with a code are declared answers (an upstream that cannot be reached); a 500 is a bug.
      if (res.status === 500 || (res.status > 500 && typeof res.json?.code !== 'string')) violations.push(`${where}: a server error`);
      const refusal = expectedRefusal(op, caller);
      if (refusal) {
        if (!refusal.statuses.includes(res.status)) violations.push(`${where}: expected ${refusal.statuses.join(' or ')}${refusal.codes ? ` ${refusal.codes.join(' or ')}` : ''}`);
        else if (refusal.codes && !refusal.codes.includes(res.json?.code)) violations.push(`${where}: expected the code ${refusal.codes.join(' or ')}`);
        if (res.status >= 400 && !res.headers.get('content-type')?.includes('application/problem+json')) violations.push(`${where}: a refusal that is not problem+json`);
        if (snapshot(w.t) !== before) violations.push(`${where}: refused, but stored data changed`);
      } else if (res.status === 401 || (res.status === 403 && String(res.json?.code).startsWith('auth.'))) {
        violations.push(`${where}: the document says this caller may call it (${kindOf(op)}, role ${String(op.raw['x-unmeet-role'] ?? '-')})`);
      } else if (res.status === 403) {
        notes.push(`${where}: past authorization, then refused by the operation itself`);
      } else if (res.status >= 400 && res.status < 500 && snapshot(w.t) !== before) {
        // Past authorization, bad input belongs to the operation's own tests (and the fuzz run); listed here so it is seen.
        notes.push(`${where}: a 4xx answer, but stored data changed`);
      }
    }
  } finally {
    w.t.close();
  }
  const role = String(op.raw['x-unmeet-role'] ?? kindOf(op)) + (op.raw['x-unmeet-person'] ? '+person' : '');
  return { violations, notes, row: `${op.label.padEnd(44)} ${role.padEnd(14)} ${cells.map((c) => c.padStart(5)).join(' ')}` };
}

describe('role × operation matrix, generated from /openapi.json', () => {
  it('when every operation is called with no identity, each role\'s session, each key role and the admin token, then each answer is what the operation declares, and refusals change nothing', async () => {
    expect(operations.length).toBeGreaterThanOrEqual(30);
    const violations: string[] = [];
    const notes: string[] = [];
    const rows: string[] = [];
    for (const op of operations) {
      const result = await checkOperation(op);
      violations.push(...result.violations);
      notes.push(...result.notes);
      rows.push(result.row);
    }
    console.log(
      `role matrix: ${operations.length} operations × ${CALLERS.length} callers (* = an auth.* code)\n` +
        `${'operation'.padEnd(44)} ${'needs'.padEnd(14)} ${CALLERS.map((c) => c.name.split(' ').map((w) => w.slice(0, 3)).join('-').padStart(5)).join(' ')}\n` +
        rows.join('\n') +
        (notes.length ? `\nnotes:\n${notes.join('\n')}` : ''),
    );
    expect(violations).toEqual([]);
  }, 300_000);

  it('when an operation declares nothing, or a role with public security, then the declaration check names it', () => {
    // The checker itself, on made-up declarations: a walk that cannot fail proves nothing.
    const op = (raw: RawOperation): Operation => ({ method: 'GET', path: '/v1/x', label: 'GET /v1/x', raw, params: [], bodyTypes: [], bodySchema: undefined });
    expect(declarationProblems(op({}))).toHaveLength(2);
    expect(declarationProblems(op({ security: [{ apiKey: [] }, { session: [] }] }))).toEqual([expect.stringContaining('no `x-unmeet-role`')]);
    expect(declarationProblems(op({ security: [], 'x-unmeet-role': 'member' }))).toEqual([expect.stringContaining('declares role member')]);
    expect(declarationProblems(op({ security: [{ apiKey: [] }], 'x-unmeet-role': 'boss' }))).toEqual([expect.stringContaining('not one of')]);
    expect(declarationProblems(op({ security: [{ apiKey: [] }], 'x-unmeet-role': 'member', 'x-unmeet-person': true }))).toEqual([expect.stringContaining('x-unmeet-person')]);
    expect(declarationProblems(op({ security: [] }))).toEqual([]);
    expect(declarationProblems(op({ security: [{ adminToken: [] }] }))).toEqual([]);
    expect(expectedRefusal(op({ security: [] }), CALLERS[0]!)).toBeUndefined();
    expect(expectedRefusal(op({ security: [{ apiKey: [] }, { session: [] }], 'x-unmeet-role': 'manager' }), CALLERS[1]!)).toEqual({ statuses: [403], codes: ['auth.forbidden'] });
  });
});

describe('sessions and roles over HTTP', () => {
  let w: World;
  beforeAll(async () => {
    w = await newWorld();
  });
  afterAll(() => w.t.close());

  it('when a session cookie carries a write from another site, then every protected write is refused with 403 and changes nothing', async () => {
    const writes = operations.filter((op) => kindOf(op) === 'protected' && UNSAFE.has(op.method));
    expect(writes.length).toBeGreaterThanOrEqual(10);
    const before = snapshot(w.t);
    for (const op of writes) {
      const req = requestFor(op, w);
      // Fetch metadata from a browser, and the Origin fallback for one that sends none.
      for (const site of [{ 'sec-fetch-site': 'cross-site' }, { 'sec-fetch-site': 'same-site' }, { origin: 'https://evil.example' }] as Array<Record<string, string>>) {
        const headers = { ...req.headers, cookie: w.sessions.owner.cookie, ...site };
        const res = await w.t.api(op.method, req.url, { json: req.json, body: req.body, headers });
        expect(res.status, `${op.label} with ${JSON.stringify(site)}`).toBe(403);
        expect(res.json?.code).toBe('auth.forbidden');
      }
    }
    expect(snapshot(w.t), 'cross-site writes changed stored data').toBe(before);
    // An API key is not sent by browsers on their own, so the same header means nothing to it.
    const patch = writes.find((op) => op.label === 'PATCH /v1/workspace');
    if (patch) expect((await call(patch, w, { name: 'admin key', kind: 'key', role: 'admin' }, { 'sec-fetch-site': 'cross-site' })).status).toBe(200);
  });

  it('when a manager is demoted, then their session ends (401) and a new one gets 403 on manager operations; a role changed behind the session applies on its next request', async () => {
    const op = operations.find((o) => o.raw['x-unmeet-role'] === 'manager' && o.method === 'GET' && !o.raw['x-unmeet-person']);
    expect(op, 'a manager-level read in /openapi.json').toBeDefined();
    const send = (cookie: string) => w.t.api('GET', requestFor(op!, w).url, { headers: sessionHeaders(cookie) });
    const manager = w.sessions.manager;
    expect((await send(manager.cookie)).status).toBeLessThan(400);

    // Issue 15: "Revoking a person or their role ends their sessions." setRole deletes them, so the
    // old cookie is signed out (401), not merely lowered; the person signs in again as a member.
    expect(await w.t.deps.repos.people.setRole(w.workspaceId, manager.personId, 'member')).toBe('changed');
    const ended = await send(manager.cookie);
    expect([ended.status, ended.json?.code]).toEqual([401, 'auth.session_expired']);
    const again = await signIn(w.t.deps, w.workspaceId, manager.personId);
    const lowered = await send(again.cookie);
    expect([lowered.status, lowered.json?.code]).toEqual([403, 'auth.forbidden']);

    // Promotion ends the member session too; the next sign-in carries the new role.
    expect(await w.t.deps.repos.people.setRole(w.workspaceId, manager.personId, 'manager')).toBe('changed');
    expect((await send(again.cookie)).status).toBe(401);
    const promoted = await signIn(w.t.deps, w.workspaceId, manager.personId);
    expect((await send(promoted.cookie)).status).toBeLessThan(400);

    // The role is read with the session on every request, never copied into it: a change made
    // any other way (here, straight in the table) still applies on the next request.
    const client = (w.t.deps.db as any).$client;
    client.prepare("update memberships set role = 'member' where workspace_id = ? and person_id = ?").run(w.workspaceId, manager.personId);
    expect((await send(promoted.cookie)).status).toBe(403);
    client.prepare("update memberships set role = 'manager' where workspace_id = ? and person_id = ?").run(w.workspaceId, manager.personId);
    expect((await send(promoted.cookie)).status).toBeLessThan(400);

    // Leaving the workspace ends the session.
    expect(await w.t.deps.repos.people.leave(w.workspaceId, manager.personId)).toBe('removed');
    expect((await send(promoted.cookie)).status).toBe(401);
  });

  it('when a manager key is revoked, then its next request is 401', async () => {
    const op = operations.find((o) => o.raw['x-unmeet-role'] === 'manager' && o.method === 'GET' && !o.raw['x-unmeet-person'])!;
    const url = requestFor(op, w).url;
    expect((await w.t.api('GET', url, { key: w.keys.manager })).status).toBeLessThan(400);
    const keys = await w.t.api('GET', '/v1/workspace/keys', { key: w.keys.admin });
    const managerKey = keys.json.keys.find((k: { role: string; revokedAt: string | null }) => k.role === 'manager' && !k.revokedAt);
    expect((await w.t.api('DELETE', `/v1/workspace/keys/${managerKey.id}`, { key: w.keys.admin })).status).toBe(200);
    const res = await w.t.api('GET', url, { key: w.keys.manager });
    expect([res.status, res.json?.code]).toEqual([401, 'auth.invalid_key']);
  });
});
