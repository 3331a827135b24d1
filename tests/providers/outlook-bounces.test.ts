/**
 * Non-delivery reports that come after the send (issue 16, defect 7): a suggestion sent through
 * the organizer's Outlook is checked again about 2 min, 15 min and 2 h later, and a report moves
 * it from `sent` to `failed`. Driven through the real outbox and job runner, on the app's test
 * clock, against the Graph fake whose mailbox files the report minutes after the Sent Items copy.
 */
import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runDueJobs } from '../../src/jobs/run-due-jobs';
import { createLinkSigner } from '../../src/providers/mail/signed-links';
import { createTokenVault } from '../../src/providers/token-vault';
import { microsoftScopes, type MicrosoftTokens } from '../../src/providers/microsoft/microsoft.oauth';
import type { Deps } from '../../src/services/deps';
import { BOUNCE_JOB_KIND } from '../../src/services/outbox-bounces';
import { scheduleDelivery } from '../../src/services/outbox-delivery';
import { startFakeGraph, type FakeGraph } from '../fakes/graph/server';
import { createTestApp, newWorkspace } from '../helpers/app';

const MINUTE = 60_000;
// Monday 30 November 2026, 10:00 in London: inside the organizer's working hours.
const MONDAY_1000_LONDON = Date.parse('2026-11-30T10:00:00Z');
const SUBJECT = 'Weekly status: could it be a written update?';

let graph: FakeGraph;
let t: Awaited<ReturnType<typeof createTestApp>>;
beforeEach(async () => {
  graph = await startFakeGraph();
  t = await createTestApp({
    microsoft: { clientId: graph.clientId, clientSecret: graph.clientSecret, tenant: graph.tenant, apiRoot: graph.apiRoot, oauthRoot: graph.url },
    mail: { transport: null, from: { email: 'unmeet@unmeet.test', name: 'unmeet' }, links: createLinkSigner(await createTokenVault('test-secret-test-secret-test-secret!')) },
  });
  t.clock.now = MONDAY_1000_LONDON;
  // The mailbox files what transport does on the app's clock.
  graph.now = () => t.clock.now;
});
afterEach(async () => {
  t.close();
  await graph.stop();
});

/** A consented Outlook grant with the send permission, through the fake's authorize and token endpoints. */
async function grant(): Promise<MicrosoftTokens> {
  const scope = microsoftScopes({ sendMail: true }).join(' ');
  const verifier = 'v'.repeat(50);
  const authorize = new URL(`${graph.url}/${graph.tenant}/oauth2/v2.0/authorize`);
  authorize.search = new URLSearchParams({
    client_id: graph.clientId,
    response_type: 'code',
    redirect_uri: 'http://127.0.0.1/cb',
    scope,
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    state: 's',
  }).toString();
  const code = new URL((await fetch(authorize, { redirect: 'manual' })).headers.get('location')!).searchParams.get('code')!;
  const body = new URLSearchParams({ client_id: graph.clientId, client_secret: graph.clientSecret, grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: 'http://127.0.0.1/cb', scope });
  const tokens = (await (await fetch(`${graph.url}/${graph.tenant}/oauth2/v2.0/token`, { method: 'POST', body })).json()) as { access_token: string; refresh_token: string; expires_in: number };
  return { access_token: tokens.access_token, refresh_token: tokens.refresh_token, expires_at: Date.now() + tokens.expires_in * 1000, scope };
}

/**
 * A workspace sending through Outlook, its organizer (the fake mailbox's owner) connected with
 * the send permission and verified, and one suggestion due now. Returns the outbox id.
 */
async function outlookSuggestion(deps: Deps): Promise<{ workspaceId: string; id: string; apiKey: string }> {
  const { apiKey, workspace } = await newWorkspace(t.api);
  const organizer = graph.mailbox.address;
  const member = await t.api('POST', '/v1/members', { key: apiKey, json: { email: organizer, name: 'Alice', timeZone: 'Europe/London', locale: 'en' } });
  expect(member.status).toBe(201);
  await deps.repos.workspaces.update(workspace.id, { mailTransport: 'microsoft' });
  await deps.repos.mailAddresses.markVerified(organizer, 'microsoft', t.clock.now);
  const connectionId = 'con_outlook';
  const credentials = await deps.vault.seal(JSON.stringify(await grant()), connectionId);
  await deps.repos.connections.create(workspace.id, { id: connectionId, memberId: member.json.id, provider: 'microsoft', label: 'Outlook', credentials, accountEmail: organizer });
  const id = 'msg_1';
  await deps.repos.outbox.enqueueMessage(workspace.id, {
    id,
    suggestionId: null,
    recipient: organizer,
    subject: SUBJECT,
    mime: '',
    text: 'Hello Alice',
    html: '<p>Hello Alice</p>',
    messageId: '<sug_1.late@unmeet.test>',
    deliverAfter: t.clock.now,
    createdAt: t.clock.now,
  });
  await scheduleDelivery(deps, workspace.id, id, t.clock.now);
  return { workspaceId: workspace.id, id, apiKey };
}

/** Moves the clock to `at` and runs the job runner once, as the server's timer does. */
async function runAt(at: number) {
  t.clock.now = at;
  await runDueJobs(t.deps, at, { owner: 'test' });
}

const bounceJobs = () => ((t.deps.db as any).$client.prepare(`select key, run_at as runAt from jobs where kind = ?`).all(BOUNCE_JOB_KIND) as Array<{ key: string; runAt: number }>);

describe('non-delivery reports that come after an Outlook send', () => {
  it('when Outlook files the report minutes after the message reached Sent Items, then a later check records the message as failed with the report', async () => {
    const { workspaceId, id, apiKey } = await outlookSuggestion(t.deps);
    graph.mailbox.undeliverable.add(graph.mailbox.address);
    graph.mailbox.reportDelayMs = 5 * MINUTE;

    await runAt(MONDAY_1000_LONDON);
    expect(graph.sentItems.map((m) => m.internetMessageId)).toEqual(['<sug_1.late@unmeet.test>']);
    expect(await t.deps.repos.outbox.get(workspaceId, id)).toMatchObject({ status: 'sent', transport: 'graph', sentAt: MONDAY_1000_LONDON });
    expect(bounceJobs()).toEqual([{ key: `${BOUNCE_JOB_KIND}:${id}:0`, runAt: MONDAY_1000_LONDON + 2 * MINUTE }]);

    // Two minutes on: no report yet, still sent; the next look is at 15 minutes.
    await runAt(MONDAY_1000_LONDON + 2 * MINUTE);
    expect((await t.deps.repos.outbox.get(workspaceId, id))!.status).toBe('sent');
    expect(bounceJobs()).toEqual([{ key: `${BOUNCE_JOB_KIND}:${id}:1`, runAt: MONDAY_1000_LONDON + 15 * MINUTE }]);

    // The report arrived at 5 minutes; the 15-minute check finds it.
    await runAt(MONDAY_1000_LONDON + 15 * MINUTE);
    const failed = await t.deps.repos.outbox.get(workspaceId, id);
    expect(failed).toMatchObject({ status: 'failed', lastError: `Outlook returned a non-delivery report: Undeliverable: ${SUBJECT}` });
    expect(bounceJobs()).toEqual([]);
    // What the admin sees in the outbox, where it can be re-queued or cancelled.
    const listed = await t.api('GET', '/v1/outbox?status=failed', { key: apiKey });
    expect(listed.json.messages).toEqual([expect.objectContaining({ id, status: 'failed', lastError: failed!.lastError })]);
  });

  it('when no report ever comes, then the message stays sent after the last check and nothing is checked again', async () => {
    const { workspaceId, id } = await outlookSuggestion(t.deps);
    await runAt(MONDAY_1000_LONDON);
    const lookups = () => graph.requests.filter((r) => r.method === 'GET' && r.path.includes('/messages')).length;
    for (const after of [2 * MINUTE, 15 * MINUTE, 120 * MINUTE]) {
      const before = lookups();
      await runAt(MONDAY_1000_LONDON + after);
      expect(lookups()).toBeGreaterThan(before);
      expect((await t.deps.repos.outbox.get(workspaceId, id))!.status).toBe('sent');
    }
    expect(bounceJobs()).toEqual([]);
    const before = lookups();
    await runAt(MONDAY_1000_LONDON + 49 * 60 * MINUTE);
    expect(lookups()).toBe(before);
    expect(await t.deps.repos.outbox.get(workspaceId, id)).toMatchObject({ status: 'sent', lastError: null });
  });
});
