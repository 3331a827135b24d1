import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runDueJobs } from '../../src/jobs/run-due-jobs';
import { createTestApp, newWorkspace } from '../helpers/app';
import { icsCalendar, icsEvent } from '../helpers/ics';

/** An ICS feed on 127.0.0.1 whose answers can be held open (a slow calendar host). */
function feed() {
  let hold: { arrived: () => void; release: Promise<void> } | null = null;
  const body = icsCalendar([icsEvent({ uid: 'a@t', start: '20261124T100000Z', end: '20261124T110000Z', title: 'Sync' })], { prodId: '-//t//EN' });
  const server: Server = createServer(async (_req, res) => {
    const held = hold;
    hold = null;
    if (held) {
      held.arrived();
      await held.release;
    }
    res.writeHead(200, { 'content-type': 'text/calendar' });
    res.end(body);
  });
  return {
    server,
    start: () => new Promise<string>((done) => server.listen(0, '127.0.0.1', () => done(`http://127.0.0.1:${(server.address() as AddressInfo).port}/cal.ics`))),
    /** Holds the next answer; resolves `arrived` once that request is in. */
    holdNext() {
      let arrived!: () => void;
      let release!: () => void;
      const arrivedP = new Promise<void>((r) => (arrived = r));
      hold = { arrived, release: new Promise<void>((r) => (release = r)) };
      return { arrived: arrivedP, release };
    },
    stop: () => new Promise<void>((done) => server.close(() => done())),
  };
}

type T = Awaited<ReturnType<typeof createTestApp>>;
let t: T;
let ics: ReturnType<typeof feed>;
let url: string;
beforeEach(async () => {
  t = await createTestApp();
  ics = feed();
  url = await ics.start();
});
afterEach(async () => {
  t.close();
  await ics.stop();
});

const count = (table: string) => ((t.deps.db as any).$client.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n;

async function subscribed() {
  const { apiKey: key } = await newWorkspace(t.api);
  const member = await t.api('POST', '/v1/members', { key, json: { email: 'ayu@example.com', name: 'Ayu', timeZone: 'UTC' } });
  const connection = await t.api('POST', '/v1/connections/ics', { key, json: { memberId: member.json.id, url } });
  expect(connection.status, connection.text).toBe(201);
  return { key, memberId: member.json.id as string, connectionId: connection.json.id as string };
}

describe('deleting an ICS connection or its member while it syncs', () => {
  it('when the connection is deleted while "sync now" fetches its feed, then the sync answers 404 (the delete won), not a 500, and nothing comes back', async () => {
    const s = await subscribed();
    const held = ics.holdNext();
    const syncing = t.api('POST', `/v1/connections/${s.connectionId}/sync`, { key: s.key, json: {} });
    await held.arrived;
    expect((await t.api('DELETE', `/v1/connections/${s.connectionId}`, { key: s.key })).status).toBe(204);
    held.release();
    const res = await syncing;
    expect(res.status).toBe(404);
    expect(res.json.code).toBe('connection.not_found');
    for (const table of ['connections', 'calendars', 'events']) expect(count(table), table).toBe(0);
  });

  it('when the member is deleted while the refresh job fetches the feed, then the job ends cleanly and is gone', async () => {
    const s = await subscribed();
    t.clock.now += 61 * 60_000;
    const held = ics.holdNext();
    const running = runDueJobs(t.deps, t.clock.now, { owner: 'r' });
    await held.arrived;
    expect((await t.api('DELETE', `/v1/members/${s.memberId}`, { key: s.key })).status).toBe(204);
    held.release();
    expect(await running).toEqual({ ran: 1, failed: 0 });
    expect(await t.deps.repos.jobs.getByKey(`ics.refresh:${s.connectionId}`)).toBeUndefined();
    for (const table of ['connections', 'calendars', 'events']) expect(count(table), table).toBe(0);
  });

  it('when the member is deleted while a new subscription is first fetched, then connecting answers 404 member.not_found and stores nothing', async () => {
    const { apiKey: key } = await newWorkspace(t.api);
    const member = await t.api('POST', '/v1/members', { key, json: { email: 'ayu@example.com', name: 'Ayu', timeZone: 'UTC' } });
    const held = ics.holdNext();
    const connecting = t.api('POST', '/v1/connections/ics', { key, json: { memberId: member.json.id, url } });
    await held.arrived;
    expect((await t.api('DELETE', `/v1/members/${member.json.id}`, { key })).status).toBe(204);
    held.release();
    const res = await connecting;
    expect(res.status).toBe(404);
    expect(res.json.code).toBe('member.not_found');
    for (const table of ['connections', 'calendars', 'events', 'jobs']) expect(count(table), table).toBe(0);
  });
});
