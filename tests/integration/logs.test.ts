import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDueJobs } from '../../src/jobs/run-due-jobs';
import { createLogger } from '../../src/logger';
import { startFakeGoogle, type FakeGoogle } from '../fakes/google/server';
import { createTestApp, newWorkspace } from '../helpers/app';

let fake: FakeGoogle;
let feed: Server;
let feedUrl: string;
beforeAll(async () => {
  fake = await startFakeGoogle();
  feed = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/calendar' }).end('BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n'));
  await new Promise<void>((done) => feed.listen(0, '127.0.0.1', done));
  feedUrl = `http://127.0.0.1:${(feed.address() as AddressInfo).port}/private/planted-feed-secret-4711/basic.ics`;
});
afterAll(async () => {
  await fake.stop();
  await new Promise<void>((done) => feed.close(() => done()));
});

describe('logs', () => {
  it('when keys, OAuth tokens and private feed URLs flow through the service, then none of them is ever logged', async () => {
    const lines: string[] = [];
    const t = await createTestApp({
      logger: createLogger('debug', (line) => lines.push(line)),
      google: { clientId: fake.clientId, clientSecret: fake.clientSecret, apiRoot: fake.url, oauthRoot: fake.url },
      retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 10, sleep: async () => undefined, random: () => 0 },
    });
    const { apiKey } = await newWorkspace(t.api);
    const member = await t.api('POST', '/v1/members', { key: apiKey, json: { email: 'a@example.com', name: 'A', timeZone: 'UTC' } });
    // The member's own Google account grants access (the callback refuses anyone else's).
    fake.account = { ...fake.account, email: 'a@example.com' };
    await t.api('POST', '/v1/connections/ics', { key: apiKey, json: { memberId: member.json.id, url: feedUrl } });
    await t.api('GET', '/v1/members', { key: `${apiKey}x` });

    const start = await t.app.request(`/v1/connect/google?memberId=${member.json.id}`, { headers: { authorization: `Bearer ${apiKey}` } });
    const consent = await fetch(start.headers.get('location')!, { redirect: 'manual' });
    const back = new URL(consent.headers.get('location')!);
    await t.app.request(back.pathname + back.search);
    fake.faults.push({ kind: 'status', status: 500 }, { kind: 'status', status: 500 });
    await runDueJobs(t.deps, t.clock.now, { owner: 'log-test' });
    await runDueJobs(t.deps, t.clock.now + 10 * 60_000, { owner: 'log-test' });

    const planted = [
      apiKey,
      'planted-feed-secret-4711',
      back.searchParams.get('code')!,
      ...(fake as unknown as { refreshTokens: Set<string> }).refreshTokens,
      ...(fake as unknown as { accessTokens: Map<string, unknown> }).accessTokens.keys(),
    ];
    expect(planted.length).toBeGreaterThanOrEqual(5);
    expect(lines.length).toBeGreaterThan(5);
    expect(lines.some((l) => l.includes('"requestId"'))).toBe(true);
    for (const secret of planted) {
      expect(lines.filter((l) => l.includes(secret)), `a log line holds ${secret.slice(0, 6)}…`).toEqual([]);
    }
    t.close();
  });
});

describe('logged paths', () => {
  it('when a one-time link, invitation, setup or confirmation page is requested, then its token never reaches the request log', async () => {
    const lines: string[] = [];
    const t = await createTestApp({ logger: createLogger('debug', (line) => lines.push(line)) });
    const secrets = ['uml_linksecret0001', 'uml_setupsecret0002', 'inv_secret0003', 'conf_secret0004'];
    for (const path of [`/auth/link/${secrets[0]}`, `/auth/setup/${secrets[1]}`, `/invite/${secrets[2]}`, `/v1/mail/confirm/${secrets[3]}`]) {
      await t.app.request(path);
    }
    t.close();
    const log = lines.join('\n');
    for (const secret of secrets) expect(log).not.toContain(secret);
    expect(log).toContain('/auth/link/[redacted]');
    expect(log).toContain('/v1/mail/confirm/[redacted]');
  });
});
