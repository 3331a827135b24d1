/**
 * Generated from /openapi.json, so every route that exists is covered, including ones added
 * later: tenant isolation (workspace A's key on workspace B's ids answers 404) and a fuzz run
 * (random and malformed bodies, queries, headers and ICS payloads answer 4xx problem+json, never
 * a 500 or a hang, and a refused request changes nothing stored). The fuzz calls as the admin
 * key, a manager key and a member's session, so operations about "me" see random input too.
 */
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, newWorkspace } from '../helpers/app';
import { sessionHeaders, signedInPerson } from '../helpers/people';
import { sample, snapshotDb, type Schema } from '../helpers/openapi';

type T = Awaited<ReturnType<typeof createTestApp>>;
interface Operation {
  method: string;
  path: string;
  pathParams: string[];
  query: string[];
  bodyTypes: string[];
  /** A minimal valid JSON body, so a request reaches the id lookup rather than stopping at validation. */
  sampleBody: unknown;
}



const ics = readFileSync('examples/ayu.ics', 'utf8');
const rotation = JSON.parse(readFileSync('examples/rotation.json', 'utf8'));

let t: T;
let operations: Operation[];
const A = { key: '', managerKey: '', workspaceId: '', memberId: '', connectionId: '' };
const B = { key: '', ids: [] as string[], keyIds: [] as string[], memberId: '', seriesKey: '' };

async function seed(key: string) {
  const member = await t.api('POST', '/v1/members', { key, json: { email: 'ayu@example.com', name: 'Ayu', timeZone: 'Asia/Jakarta' } });
  const connection = await t.api('POST', `/v1/connections/ics?memberId=${member.json.id}`, { key, body: ics, headers: { 'content-type': 'text/calendar' } });
  const rot = await t.api('POST', '/v1/rotations', { key, json: rotation });
  return { memberId: member.json.id as string, connectionId: connection.json.id as string, rotationId: rot.json?.id as string | undefined };
}

beforeAll(async () => {
  t = await createTestApp({
    google: { clientId: 'id', clientSecret: 'secret', apiRoot: 'http://127.0.0.1:9', oauthRoot: 'http://127.0.0.1:9' },
    microsoft: { clientId: 'id', clientSecret: 'secret', tenant: 'common', apiRoot: 'http://127.0.0.1:9', oauthRoot: 'http://127.0.0.1:9' },
  } as never);
  t.clock.now = Date.parse('2026-11-20T12:00:00Z');
  const a = await newWorkspace(t.api, 'A');
  const b = await newWorkspace(t.api, 'B');
  A.key = a.apiKey;
  A.workspaceId = a.workspace.id;
  A.managerKey = (await t.api('POST', '/v1/workspace/keys', { key: A.key, json: { role: 'manager', label: 'fuzz' } })).json.apiKey;
  B.key = b.apiKey;
  Object.assign(A, await seed(A.key));
  const seeded = await seed(B.key);
  B.memberId = seeded.memberId;
  // B gets a second key, so revoking one of B's keys through A's would not be stopped by the last-key rule.
  await t.api('POST', '/v1/workspace/keys', { key: B.key });
  B.keyIds = ((await t.api('GET', '/v1/workspace/keys', { key: B.key })).json?.keys ?? []).map((k: { id: string }) => k.id);
  B.ids = [seeded.memberId, seeded.connectionId, ...(seeded.rotationId ? [seeded.rotationId] : []), ...B.keyIds];
  const flags = await t.api('GET', '/v1/flags?from=2026-11-02&to=2026-11-30', { key: B.key });
  B.seriesKey = flags.json?.series?.[0]?.seriesKey ?? 'none';
  const doc = (await t.api('GET', '/openapi.json')).json as {
    paths: Record<string, Record<string, { parameters?: Array<{ in: string; name: string }>; requestBody?: { content: Record<string, { schema?: Schema }> } }>>;
    components?: { schemas?: Record<string, Schema> };
  };
  operations = Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => ({
      method: method.toUpperCase(),
      path,
      pathParams: (op.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name),
      query: (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name),
      bodyTypes: Object.keys(op.requestBody?.content ?? {}),
      sampleBody: sample(op.requestBody?.content['application/json']?.schema, doc.components?.schemas ?? {}) ?? {},
    })),
  );
});
afterAll(() => t.close());

const fill = (path: string, value: string) => path.replace(/\{[^}]+\}/g, encodeURIComponent(value));

const snapshot = () => snapshotDb(t.deps);

describe('tenant isolation, generated from /openapi.json', () => {
  it("when workspace A's key is used on workspace B's ids, then every route answers 404 and shows none of B's data", async () => {
    const withIds = operations.filter((o) => o.pathParams.length > 0);
    expect(withIds.length).toBeGreaterThanOrEqual(8);
    expect(B.keyIds).toHaveLength(2);
    for (const op of withIds) {
      for (const id of B.ids) {
        const res = await t.api(op.method, fill(op.path, id), { key: A.key, json: ['POST', 'PATCH'].includes(op.method) ? op.sampleBody : undefined });
        expect(res.status, `${op.method} ${op.path} with B's id`).toBe(404);
        expect(res.text).not.toContain('"ayu@example.com"');
      }
    }
    for (const op of operations.filter((o) => o.query.some((q) => q === 'memberId' || q === 'member'))) {
      const param = op.query.includes('memberId') ? 'memberId' : 'member';
      const extra = op.query.includes('from') ? '&from=2026-11-02&to=2026-11-30' : '';
      const body = op.method === 'GET' ? {} : op.bodyTypes.includes('text/calendar') ? { body: ics, headers: { 'content-type': 'text/calendar' } } : { json: op.sampleBody };
      const res = await t.api(op.method, `${op.path}?${param}=${B.memberId}${extra}`, { key: A.key, ...body });
      if (res.status === 200) expect(res.text, `${op.method} ${op.path}?${param}=B`).not.toContain(B.memberId);
      else expect(res.status, `${op.method} ${op.path}?${param}=B`).toBe(404);
    }
    const bKeys = await t.api('GET', '/v1/workspace/keys', { key: B.key });
    expect(bKeys.status, "B's key still works").toBe(200);
    expect(bKeys.json.keys.map((k: { revokedAt: string | null }) => k.revokedAt), "none of B's keys revoked").toEqual([null, null]);
    const upload = await t.api('POST', '/v1/connections/ics', { key: A.key, json: { memberId: B.memberId, ics } });
    expect(upload.status).toBe(404);
    const preview = await t.api('GET', `/v1/flags/preview?seriesKey=${encodeURIComponent(B.seriesKey)}&from=2026-11-02&to=2026-11-30`, { key: A.key });
    // This test app has no mail: the preview is refused as 501 mail.not_configured before it looks for the series.
    expect([404, 501]).toContain(preview.status);
  });
});

describe('fuzzing every route, generated from /openapi.json', () => {
  it('when bodies, queries, headers and ICS payloads are random or malformed, then answers are 4xx problem+json (or success) and refusals change nothing', async () => {
    const jsonish = fc.oneof(
      fc.jsonValue().map((v) => JSON.stringify(v)),
      fc.string({ maxLength: 200 }),
      fc.constantFrom('{', '[]', '{"memberId":', 'null', '{"name":"x","hourlyRate":"NaN"}', '{"from":"2026-02-30","to":"2026-13-01"}', '\u0000\u0001', '{"a":'.repeat(50)),
      fc.dictionary(fc.constantFrom('name', 'email', 'timeZone', 'memberId', 'seriesKey', 'ics', 'url', 'participants', 'workingHours', 'from', 'to', 'decision', 'enabled'), fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null), fc.array(fc.string(), { maxLength: 3 }))).map((d) => JSON.stringify(d)),
    );
    const icsBody = fc.oneof(
      fc.constant(ics),
      fc.integer({ min: 0, max: ics.length }).map((n) => ics.slice(0, n)),
      fc.tuple(fc.integer({ min: 0, max: ics.length }), fc.string({ maxLength: 30 })).map(([n, junk]) => ics.slice(0, n) + junk + ics.slice(n)),
      fc.constantFrom('BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;TZID=Nowhere/Else:20261102T100000\r\nEND:VEVENT\r\nEND:VCALENDAR', 'BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nRRULE:FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30\r\nDTSTART:20261102T100000Z\r\nUID:x\r\nEND:VEVENT\r\nEND:VCALENDAR'),
    );
    const queryValue = fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom('2026-11-02', '2026-02-30', '-1', '1e309', 'async', A.memberId, B.memberId, '%ZZ'));
    let runs = 0;
    const callers: Record<string, number> = {};
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: 10_000 }),
        fc.oneof(fc.string({ maxLength: 20 }), fc.constant(A.memberId), fc.constant(A.connectionId)),
        fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), queryValue, { maxKeys: 3 }),
        jsonish,
        icsBody,
        fc.constantFrom('application/json', 'text/calendar', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', ''),
        // Lower roles and a person too: operations about "me" refuse keys, so only a session fuzzes them.
        fc.constantFrom('admin key', 'manager key', 'member session'),
        async (pick, idValue, randomQuery, json, calendar, contentType, caller) => {
          const op = operations[pick % operations.length]!;
          const query = new URLSearchParams(randomQuery);
          for (const q of op.query) if (pick % 2) query.set(q, String(randomQuery[q] ?? (pick % 3 ? '2026-11-02' : idValue)));
          const url = `${fill(op.path, idValue)}${query.size ? `?${query}` : ''}`;
          const sendsBody = op.method !== 'GET' && op.method !== 'DELETE';
          const body = !sendsBody ? undefined : contentType === 'text/calendar' ? calendar : json;
          const headers: Record<string, string> = contentType && sendsBody ? { 'content-type': contentType } : {};
          const key = op.path === '/v1/workspaces' || caller === 'member session' ? undefined : caller === 'manager key' ? A.managerKey : A.key;
          // A new session each time, since a fuzzed request may sign the person out or delete them.
          if (caller === 'member session' && op.path !== '/v1/workspaces') {
            const memberId = (await t.deps.repos.members.get(A.workspaceId, A.memberId)) ? A.memberId : null;
            Object.assign(headers, sessionHeaders((await signedInPerson(t.deps, A.workspaceId, 'member', { email: 'fuzz.member@people.example', memberId })).cookie, op.method));
          }
          const before = snapshot();
          const res = await Promise.race([
            t.api(op.method, url, { key, body, headers }),
            new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`hang: ${op.method} ${url}`)), 10_000)),
          ]);
          runs++;
          if (res.status !== 401 && res.status !== 403) callers[caller] = (callers[caller] ?? 0) + 1;
          expect(res.status, `${op.method} ${url} → ${res.text.slice(0, 200)}`).toBeLessThan(500);
          if (res.status >= 400) {
            expect(res.headers.get('content-type'), `${op.method} ${url}`).toContain('application/problem+json');
            expect(typeof res.json?.code).toBe('string');
            expect(snapshot(), `${op.method} ${url} was refused but changed stored data`).toBe(before);
          }
        },
      ),
      { numRuns: 400, seed: 20261128 },
    );
    expect(runs).toBe(400);
    console.log(`fuzz: ${runs} requests over ${operations.length} operations; past authorization: ${JSON.stringify(callers)}`);
    expect(Object.keys(callers).sort(), 'every caller got past authorization somewhere').toEqual(['admin key', 'manager key', 'member session']);
  }, 240_000);
});
