import { SELF, createExecutionContext, createMessageBatch, createScheduledController, env, getQueueResult, waitOnExecutionContext } from 'cloudflare:test';
import { describe, expect, inject, it } from 'vitest';
import worker, { type Env, type JobMessage } from '../../src/entry/worker';
import { auditTeam } from '../../src/domain/audit';
import { normalizeWorkingHours } from '../../src/domain/working-hours';
import { parseIcs } from '../../src/providers/ics/ics.mapper';
import { DOCS_ASSET_FILES, DOCS_ASSET_PREFIX, DOCS_CSP, DOCS_INIT_PATH } from '../../src/http/routes/docs.routes';

const calendar = [
  'BEGIN:VCALENDAR',
  'VERSION:2.0',
  'PRODID:-//test//EN',
  'BEGIN:VEVENT',
  'UID:weekly@test',
  'DTSTAMP:20261101T000000Z',
  'DTSTART;TZID=Europe/Berlin:20261102T170000',
  'DTEND;TZID=Europe/Berlin:20261102T183000',
  'RRULE:FREQ=WEEKLY;COUNT=4',
  'SUMMARY:Weekly status sync',
  'ORGANIZER:mailto:bob@example.com',
  'ATTENDEE;PARTSTAT=ACCEPTED:mailto:alice@example.com',
  'ATTENDEE;PARTSTAT=ACCEPTED:mailto:bob@example.com',
  'END:VEVENT',
  'BEGIN:VEVENT',
  'UID:declined@test',
  'DTSTAMP:20261101T000000Z',
  'DTSTART:20261104T090000Z',
  'DTEND:20261104T100000Z',
  'SUMMARY:Declined',
  'ORGANIZER:mailto:bob@example.com',
  'ATTENDEE;PARTSTAT=DECLINED:mailto:alice@example.com',
  'END:VEVENT',
  'END:VCALENDAR',
  '',
].join('\r\n');

async function call(path: string, init: { method?: string; key?: string; json?: unknown; body?: string; type?: string } = {}) {
  const headers: Record<string, string> = {};
  if (init.key) headers.authorization = `Bearer ${init.key}`;
  if (init.json !== undefined) headers['content-type'] = 'application/json';
  if (init.type) headers['content-type'] = init.type;
  const res = await SELF.fetch(`http://unmeet.test${path}`, {
    method: init.method ?? 'GET',
    headers,
    body: init.json !== undefined ? JSON.stringify(init.json) : init.body,
  });
  return { status: res.status, json: (await res.json().catch(() => undefined)) as any };
}

async function workspaceWithAlice() {
  const ws = await call('/v1/workspaces', { method: 'POST', key: 'workers-admin-token-0123456789', json: { name: 'Edge' } });
  expect(ws.status).toBe(201);
  const key = ws.json.apiKey as string;
  const member = await call('/v1/members', { method: 'POST', key, json: { email: 'alice@example.com', name: 'Alice', timeZone: 'Asia/Jakarta' } });
  expect(member.status).toBe(201);
  return { key, memberId: member.json.id as string };
}

describe('the Worker in workerd with D1', () => {
  it('when a key is revoked straight in D1 (as another isolate would), then reads here pass on the isolate copy for a few seconds while a write is refused at once', async () => {
    const { key } = await workspaceWithAlice();
    expect((await call('/v1/audit?from=2026-11-02&to=2026-11-09', { key })).status).toBe(200);
    await env.DB.prepare('update api_keys set revoked_at = 1').run();
    expect((await call('/v1/audit?from=2026-11-02&to=2026-11-09', { key })).status).toBe(200);
    expect((await call('/v1/members', { method: 'POST', key, json: { email: 'x@example.com', name: 'X', timeZone: 'UTC' } })).status).toBe(401);
    // That refused write cleared the copy: this isolate now reads the key afresh.
    expect((await call('/v1/audit?from=2026-11-02&to=2026-11-09', { key })).status).toBe(401);
  });

  it('when a workspace is created, then only its key is accepted', async () => {
    const { key } = await workspaceWithAlice();
    expect((await call('/v1/members', { key })).json.members).toHaveLength(1);
    expect((await call('/v1/members')).status).toBe(401);
    expect((await call('/v1/members', { key: 'um_wrong' })).json.code).toBe('auth.invalid_key');
    expect((await call('/healthz')).status).toBe(200);
  });

  it('when a second key is created and the first revoked on D1, then the first is refused at once and the last one cannot be revoked', async () => {
    const { key } = await workspaceWithAlice();
    const created = await call('/v1/workspace/keys', { method: 'POST', key, json: { label: 'edge' } });
    expect(created.status).toBe(201);
    const second = created.json.apiKey as string;
    const firstId = (await call('/v1/workspace/keys', { key })).json.keys.find((k: { current: boolean }) => k.current).id as string;
    const revoked = await call(`/v1/workspace/keys/${firstId}`, { method: 'DELETE', key: second });
    expect(revoked.status).toBe(200);
    expect(revoked.json.revokedAt).toEqual(expect.any(String));
    expect((await call('/v1/members', { key })).status).toBe(401);
    const last = await call(`/v1/workspace/keys/${created.json.key.id}`, { method: 'DELETE', key: second });
    expect(last.status).toBe(409);
    expect(last.json.code).toBe('key.last_active');
    expect((await call('/v1/members', { key: second })).status).toBe(200);
  });

  it('when an ICS body is imported, then the audit equals the domain run on the same data', async () => {
    const { key, memberId } = await workspaceWithAlice();
    const up = await call(`/v1/connections/ics?memberId=${memberId}&name=alice.ics`, { method: 'POST', key, body: calendar, type: 'text/calendar' });
    expect(up.status).toBe(201);
    const audit = await call('/v1/audit?from=2026-11-02&to=2026-11-30', { key });
    expect(audit.status).toBe(200);

    const range = { from: '2026-11-02', to: '2026-11-30' };
    const events = parseIcs(calendar, { start: Date.parse('2026-10-01T00:00:00Z'), end: Date.parse('2027-01-01T00:00:00Z') }).events;
    const expected = auditTeam({
      range,
      focusMinMinutes: 120,
      members: [{ member: { email: 'alice@example.com', name: 'Alice', timeZone: 'Asia/Jakarta', locale: 'en', workingHours: normalizeWorkingHours(undefined) }, events }],
    });
    expect(audit.json).toEqual({ ...JSON.parse(JSON.stringify(expected)), withheld: 0, teamWithheld: null });
    // 17:00-18:30 Berlin is 23:00-00:30 in Jakarta: after hours, and partly on the next day.
    expect(audit.json.members[0].metrics.meetingHours).toBe(6);
    expect(audit.json.members[0].metrics.afterHoursMeetingHours).toBeGreaterThan(0);
  });

  it('when a feed lists one id twice, then D1 keeps the later entry on the first import and on a re-import', async () => {
    const { key, memberId } = await workspaceWithAlice();
    const start = Date.parse('2026-11-03T09:00:00Z');
    const people = ['ORGANIZER:mailto:alice@example.com', 'ATTENDEE;PARTSTAT=ACCEPTED:mailto:alice@example.com', 'ATTENDEE;PARTSTAT=ACCEPTED:mailto:bob@example.com'];
    const ics = [
      'BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//unmeet tests//EN',
      'BEGIN:VEVENT', 'UID:weekly@test', 'DTSTART:20261103T090000Z', 'DTEND:20261103T100000Z', 'RRULE:FREQ=WEEKLY;COUNT=2', 'SUMMARY:Series', ...people, 'END:VEVENT',
      'BEGIN:VEVENT', `UID:weekly@test::${start}`, 'DTSTART:20261103T090000Z', 'DTEND:20261103T093000Z', 'SUMMARY:Standalone', ...people, 'END:VEVENT',
      'END:VCALENDAR', '',
    ].join('\r\n');
    const hours = async () => (await call('/v1/audit?from=2026-11-02&to=2026-11-30', { key })).json.members[0].metrics.meetingHours;
    const up = await call(`/v1/connections/ics?memberId=${memberId}`, { method: 'POST', key, body: ics, type: 'text/calendar' });
    expect(up.status).toBe(201);
    expect(await hours()).toBe(1.5); // the 30-minute standalone replaced the series' first hour
    const again = await call(`/v1/connections/${up.json.id}/sync`, { method: 'POST', key, body: ics, type: 'text/calendar' });
    expect(again.status).toBe(200);
    expect(await hours()).toBe(1.5);
  });

  it('when a malformed file is uploaded, then 422 with the line and nothing stored', async () => {
    const { key, memberId } = await workspaceWithAlice();
    const res = await call(`/v1/connections/ics?memberId=${memberId}`, { method: 'POST', key, body: calendar.replace('BEGIN:VCALENDAR', 'BEGIN:VCARD'), type: 'text/calendar' });
    expect(res.status).toBe(422);
    expect(res.json.code).toBe('ics.parse_error');
    expect((await call('/v1/connections', { key })).json.connections).toEqual([]);
  });

  it('when the cron fires, then due jobs are queued and the consumer re-syncs the subscription once', async () => {
    const { key, memberId } = await workspaceWithAlice();
    const feed = inject('feedUrl');
    const connected = await call('/v1/connections/ics', { method: 'POST', key, json: { memberId, url: `${feed}/feed/2.ics` } });
    expect(connected.status).toBe(201);
    // Point the stored subscription at a changed feed and make its refresh job due.
    const { createTokenVault } = await import('../../src/providers/token-vault');
    const vault = await createTokenVault(env.UNMEET_SECRET as string);
    const sealed = await vault.seal(JSON.stringify({ url: `${feed}/feed/3.ics` }), connected.json.id);
    await env.DB.prepare('update connections set credentials = ? where id = ?').bind(sealed, connected.json.id).run();
    await env.DB.prepare('update jobs set run_at = 0').run();

    const sent: Array<{ body: JobMessage }> = [];
    const testEnv = { ...env, JOBS: { sendBatch: async (m: Iterable<{ body: JobMessage }>) => void sent.push(...m) } } as unknown as Env;
    await worker.scheduled(createScheduledController(), testEnv);
    expect(sent).toHaveLength(1);

    // Two deliveries of the same message (at-least-once queues): the lease lets one run.
    const messages = [...sent, ...sent].map((m, i) => ({ id: `m${i}`, timestamp: new Date(), attempts: 1, body: m.body }));
    const batch = createMessageBatch<JobMessage>('unmeet-jobs', messages);
    const ctx = createExecutionContext();
    await worker.queue(batch as never, testEnv);
    await waitOnExecutionContext(ctx);
    const result = await getQueueResult(batch, ctx);
    expect(result.explicitAcks).toHaveLength(2);

    const audit = await call('/v1/audit?from=2026-11-02&to=2026-11-30', { key });
    expect(audit.json.members[0].metrics.meetingCount).toBe(3);
    const job = await env.DB.prepare('select run_at, lease_owner, attempts from jobs').first<{ run_at: number; lease_owner: string | null }>();
    expect(job!.lease_owner).toBeNull();
    expect(job!.run_at).toBeGreaterThan(Date.now());
  });

  it('when Google pushes a notification, then only a live channel with its token is accepted and the sync is queued', async () => {
    const { key, memberId } = await workspaceWithAlice();
    const ws = (await call('/v1/workspace', { key })).json.id as string;
    const tokenHash = [...new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode('channel-secret')))].map((b) => b.toString(16).padStart(2, '0')).join('');
    await env.DB.batch([
      env.DB.prepare("insert into connections (id, workspace_id, member_id, provider, status, label) values ('con_g', ?, ?, 'google', 'ok', 'Google')").bind(ws, memberId),
      env.DB.prepare("insert into calendars (id, workspace_id, connection_id, external_id, name) values ('cal_g', ?, 'con_g', 'primary', 'Primary')").bind(ws),
      env.DB.prepare("insert into watch_channels (id, workspace_id, connection_id, calendar_id, provider, resource_id, token_hash, expires_at) values ('ch1', ?, 'con_g', 'cal_g', 'google', 'res1', ?, ?)").bind(ws, tokenHash, Date.now() + 86_400_000),
      env.DB.prepare("insert into jobs (id, workspace_id, kind, key, payload, run_at, every_ms) values ('job_g', ?, 'calendar.sync', 'calendar.sync:cal_g', '{}', ?, 900000)").bind(ws, Date.now() + 3_600_000),
    ]);
    const push = (headers: Record<string, string>) =>
      SELF.fetch('http://unmeet.test/webhooks/google', { method: 'POST', headers: { 'x-goog-resource-state': 'exists', ...headers } });
    expect((await push({ 'x-goog-channel-id': 'ch1', 'x-goog-channel-token': 'forged' })).status).toBe(401);
    expect((await push({ 'x-goog-channel-id': 'nope', 'x-goog-channel-token': 'channel-secret' })).status).toBe(404);
    const before = Date.now();
    expect((await push({ 'x-goog-channel-id': 'ch1', 'x-goog-channel-token': 'channel-secret' })).status).toBe(200);
    const job = await env.DB.prepare("select run_at from jobs where key = 'calendar.sync:cal_g'").first<{ run_at: number }>();
    // Brought forward to now and handed to the queue (a consumer may already have run it).
    expect(job === null || job.run_at <= before + 1_000 || job.run_at > before + 60_000).toBe(true);
  });

  it('when Microsoft Graph validates the webhook and then notifies, then the token is echoed, a forged clientState refused and the sync queued', async () => {
    const { key, memberId } = await workspaceWithAlice();
    const ws = (await call('/v1/workspace', { key })).json.id as string;
    const hash = [...new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode('client-state')))].map((b) => b.toString(16).padStart(2, '0')).join('');
    await env.DB.batch([
      env.DB.prepare("insert into connections (id, workspace_id, member_id, provider, status, label) values ('con_m', ?, ?, 'microsoft', 'ok', 'Outlook')").bind(ws, memberId),
      env.DB.prepare("insert into calendars (id, workspace_id, connection_id, external_id, name) values ('cal_m', ?, 'con_m', 'primary', 'Primary')").bind(ws),
      env.DB.prepare("insert into watch_channels (id, workspace_id, connection_id, calendar_id, provider, resource_id, token_hash, expires_at) values ('sub-1', ?, 'con_m', 'cal_m', 'microsoft', 'me/events', ?, ?)").bind(ws, hash, Date.now() + 86_400_000),
      env.DB.prepare("insert into jobs (id, workspace_id, kind, key, payload, run_at, every_ms) values ('job_m', ?, 'calendar.sync', 'calendar.sync:cal_m', '{}', ?, 900000)").bind(ws, Date.now() + 3_600_000),
    ]);
    const token = 'Validation: Testing client application reachability for subscription Request-Id: 4f1c';
    const handshake = await SELF.fetch(`http://unmeet.test/webhooks/microsoft?validationToken=${encodeURIComponent(token)}`, { method: 'POST', headers: { 'content-type': 'text/plain' } });
    expect(handshake.status).toBe(200);
    expect(handshake.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await handshake.text()).toBe(token);

    const notify = (clientState: string) =>
      SELF.fetch('http://unmeet.test/webhooks/microsoft', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ value: [{ subscriptionId: 'sub-1', clientState, changeType: 'updated', resource: 'Users/x/Events/y', tenantId: 't' }] }),
      });
    expect((await notify('forged')).status).toBe(401);
    const before = Date.now();
    expect((await notify('client-state')).status).toBe(202);
    const job = await env.DB.prepare("select run_at from jobs where key = 'calendar.sync:cal_m'").first<{ run_at: number }>();
    expect(job === null || job.run_at <= before + 1_000 || job.run_at > before + 60_000).toBe(true);
  });
});

describe('the API reference on Workers', () => {
  it('when /docs is opened, then the Worker answers the page and its init script under the CSP, linking the swagger-ui-dist files that Static Assets serve', async () => {
    const page = await SELF.fetch('http://unmeet.test/docs');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toBe(DOCS_CSP);
    const linked = [...(await page.text()).matchAll(/(?:src|href)="(\/docs\/[^"]+)"/g)].map((m) => m[1]!);
    expect(linked.filter((p) => p.startsWith(`${DOCS_ASSET_PREFIX}/`)).sort()).toEqual(DOCS_ASSET_FILES.map((f) => `${DOCS_ASSET_PREFIX}/${f}`).sort());
    const init = await SELF.fetch(`http://unmeet.test${DOCS_INIT_PATH}`);
    expect(init.status).toBe(200);
    expect(init.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(init.headers.get('content-security-policy')).toBe(DOCS_CSP);
    expect(await init.text()).toContain('SwaggerUIBundle(');
  });
});
