import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runDueJobs } from '../../src/jobs/run-due-jobs';
import { inlineFeedParser, type FeedParser } from '../../src/services/ics-parse-pool';
import { createTestApp, newWorkspace } from '../helpers/app';
import { icsCalendar, icsEvent } from '../helpers/ics';

/**
 * A subscription feed on 127.0.0.1 that validates as real hosts do: a strong ETag (the body's
 * hash) and a Last-Modified, 304 to a matching If-None-Match (or, without one, to an
 * If-Modified-Since not older than the body). `validators: false` serves the body bare.
 */
function validatingFeed() {
  const feed = {
    body: '',
    modifiedAt: Date.parse('2026-11-20T08:00:00Z'),
    validators: true,
    requests: [] as Array<{ ifNoneMatch: string | undefined; ifModifiedSince: string | undefined; status: number }>,
    server: undefined as unknown as Server,
    url: '',
  };
  const etag = () => `"${createHash('sha256').update(feed.body).digest('hex').slice(0, 16)}"`;
  const answer = (req: IncomingMessage): number => {
    if (!feed.validators) return 200;
    const match = req.headers['if-none-match'];
    if (match !== undefined) return match === etag() ? 304 : 200;
    const since = req.headers['if-modified-since'];
    return since !== undefined && Date.parse(since) >= feed.modifiedAt ? 304 : 200;
  };
  feed.server = createServer((req, res) => {
    const status = answer(req);
    feed.requests.push({ ifNoneMatch: req.headers['if-none-match'], ifModifiedSince: req.headers['if-modified-since'], status });
    const headers: Record<string, string> = { 'content-type': 'text/calendar' };
    if (feed.validators) Object.assign(headers, { etag: etag(), 'last-modified': new Date(feed.modifiedAt).toUTCString() });
    res.writeHead(status, headers);
    res.end(status === 304 ? undefined : feed.body);
  });
  return feed;
}

const calendarWith = (title: string) =>
  icsCalendar([
    icsEvent({ uid: 'standup@t', start: '20261102T090000Z', minutes: 15, title, rrule: 'FREQ=WEEKLY;BYDAY=MO,WE' }),
    icsEvent({ uid: 'review@t', start: '20261125T140000Z', minutes: 60, title: 'Review' }),
  ]);

/** The real in-line parser, counting the feeds it parsed (not those it recognised by their hash). */
function countingParser(): FeedParser & { parses: number } {
  const counting = {
    parses: 0,
    admit: inlineFeedParser.admit,
    parse: async (...args: Parameters<FeedParser['parse']>) => {
      const read = await inlineFeedParser.parse(...args);
      if (read.parsed) counting.parses += 1;
      return read;
    },
  };
  return counting;
}

type T = Awaited<ReturnType<typeof createTestApp>>;
let t: T;
let feed: ReturnType<typeof validatingFeed>;
let parser: ReturnType<typeof countingParser>;

beforeEach(async () => {
  parser = countingParser();
  t = await createTestApp({ feedParser: parser });
  feed = validatingFeed();
  feed.body = calendarWith('Stand-up');
  await new Promise<void>((done) => feed.server.listen(0, '127.0.0.1', done));
  feed.url = `http://127.0.0.1:${(feed.server.address() as AddressInfo).port}/team.ics`;
});
afterEach(async () => {
  t.close();
  await new Promise<void>((done) => feed.server.close(() => done()));
});

async function subscribe() {
  const { apiKey: key, workspace } = await newWorkspace(t.api);
  const member = await t.api('POST', '/v1/members', { key, json: { email: 'ayu@example.com', name: 'Ayu', timeZone: 'Asia/Jakarta' } });
  const connection = await t.api('POST', '/v1/connections/ics', { key, json: { memberId: member.json.id, url: feed.url } });
  expect(connection.status, connection.text).toBe(201);
  return { key, workspaceId: workspace.id, connectionId: connection.json.id as string };
}

const version = (workspaceId: string) => t.deps.repos.workspaces.dataVersion(workspaceId);
const refresh = (s: { key: string; connectionId: string }) => t.api('POST', `/v1/connections/${s.connectionId}/sync`, { key: s.key, json: {} });

describe('refreshing an ICS subscription', () => {
  it('when the feed answers 304 to the stored validators, then nothing is parsed or stored and the data version stays', async () => {
    const s = await subscribe();
    const before = await version(s.workspaceId);
    expect(parser.parses).toBe(1);

    const res = await refresh(s);
    expect(res.status, res.text).toBe(200);
    expect(res.json.unchanged).toBe(true);
    expect(res.json.events).toBeGreaterThan(0);
    expect(feed.requests.at(-1)).toMatchObject({ ifNoneMatch: expect.stringMatching(/^"/), ifModifiedSince: expect.any(String), status: 304 });
    expect(parser.parses).toBe(1);
    expect(await version(s.workspaceId)).toBe(before);
    expect(res.json.connection.lastSyncAt).toBe(new Date(t.clock.now).toISOString());
  });

  it('when the feed has no validators but the same body, then its hash matches: no parse, no data-version bump', async () => {
    feed.validators = false;
    const s = await subscribe();
    const before = await version(s.workspaceId);
    const res = await refresh(s);
    expect(res.json.unchanged).toBe(true);
    expect(feed.requests.at(-1)).toMatchObject({ ifNoneMatch: undefined, ifModifiedSince: undefined, status: 200 });
    expect(parser.parses).toBe(1);
    expect(await version(s.workspaceId)).toBe(before);
  });

  it('when only Last-Modified was given, then If-Modified-Since alone is sent and a 304 is honoured', async () => {
    const s = await subscribe();
    (t.deps.db as any).$client.prepare('update sync_state set feed_etag = null').run();
    const res = await refresh(s);
    expect(res.json.unchanged).toBe(true);
    expect(feed.requests.at(-1)).toMatchObject({ ifNoneMatch: undefined, ifModifiedSince: expect.any(String), status: 304 });
    expect(parser.parses).toBe(1);
  });

  it('when the feed changed, then it is parsed and stored once and the data version moves', async () => {
    const s = await subscribe();
    const before = await version(s.workspaceId);
    feed.body = calendarWith('Daily sync');
    feed.modifiedAt += 3_600_000;
    const res = await refresh(s);
    expect(res.json.unchanged).toBe(false);
    expect(feed.requests.at(-1)!.status).toBe(200);
    expect(parser.parses).toBe(2);
    expect(await version(s.workspaceId)).toBe(before + 1);
    const titles = new Set((await t.deps.repos.events.listInWindow(s.workspaceId, { start: 0, end: 2e12 })).map((e) => e.event.title));
    expect(titles).toEqual(new Set(['Daily sync', 'Review']));
    // …and the next refresh is unchanged again, against the new validators.
    expect((await refresh(s)).json.unchanged).toBe(true);
    expect(parser.parses).toBe(2);
  });

  it('when the day moved the sync window, then the feed is fetched without conditions and read again', async () => {
    const s = await subscribe();
    t.clock.now += 86_400_000;
    const res = await refresh(s);
    expect(res.json.unchanged).toBe(false);
    expect(feed.requests.at(-1)).toMatchObject({ ifNoneMatch: undefined, ifModifiedSince: undefined, status: 200 });
    expect(parser.parses).toBe(2);
  });

  it('when the background refresh finds the feed unchanged, then the job succeeds without a parse or a data-version bump', async () => {
    const s = await subscribe();
    const before = await version(s.workspaceId);
    t.clock.now += 61 * 60_000;
    const result = await runDueJobs(t.deps, t.clock.now, { owner: 'test' });
    expect(result).toMatchObject({ ran: 1, failed: 0 });
    expect(feed.requests.at(-1)!.status).toBe(304);
    expect(parser.parses).toBe(1);
    expect(await version(s.workspaceId)).toBe(before);
  });

  it('when the same file is uploaded again, then it is not parsed again', async () => {
    const { apiKey: key, workspace } = await newWorkspace(t.api);
    const member = await t.api('POST', '/v1/members', { key, json: { email: 'ayu@example.com', name: 'Ayu', timeZone: 'UTC' } });
    const headers = { 'content-type': 'text/calendar' };
    const created = await t.api('POST', `/v1/connections/ics?memberId=${member.json.id}`, { key, body: feed.body, headers });
    expect(created.status, created.text).toBe(201);
    const before = await version(workspace.id);
    const again = await t.api('POST', `/v1/connections/${created.json.id}/sync`, { key, body: feed.body, headers });
    const stored = ((t.deps.db as any).$client.prepare('select count(*) as n from events').get() as { n: number }).n;
    expect(again.json).toMatchObject({ unchanged: true, events: stored });
    expect(parser.parses).toBe(1);
    expect(await version(workspace.id)).toBe(before);
  });
});
