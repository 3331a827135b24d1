/**
 * SIGKILL in the middle of writes to the outside world, on the real server process: an outbox
 * delivery batch to a real (slow) SMTP server, and a focus apply to the Google fake. After a
 * restart the end state is checked against what the peers actually hold: no Message-ID arrives
 * twice, every block exists once and is recorded, nothing foreign is touched, leases recover.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import Database from 'better-sqlite3';
import { DateTime } from 'luxon';
import { SMTPServer } from 'smtp-server';
import { afterAll, describe, expect, it } from 'vitest';
import { FakeGoogle, type FakeEvent } from '../fakes/google/server';
import {
  TEST_LEASE_MS,
  connectGoogle,
  createWorkspace,
  freePort,
  googleEnv,
  rows as query,
  serverEnv,
  startServer,
  stopServer,
  until,
} from './process';

const dir = mkdtempSync(join(tmpdir(), 'unmeet-crash-writes-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const DAY = 86_400_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const isDead = (child: ChildProcess) => child.exitCode !== null || child.signalCode !== null;

/** An Etc/GMT zone in which it is now `hour` o'clock (Etc/GMT-N is UTC+N), so tests do not depend on the time of day they run at. */
function zoneAtLocalHour(hour: number): string {
  let offset = hour - new Date().getUTCHours();
  if (offset > 14) offset -= 24;
  if (offset < -12) offset += 24;
  return offset === 0 ? 'Etc/GMT' : offset > 0 ? `Etc/GMT-${offset}` : `Etc/GMT+${-offset}`;
}

// ---------------------------------------------------------------------------------------------
// A real SMTP server on 127.0.0.1 that is slow to accept each message. `received` lists the
// Message-ID of every message it took in full, in order; `afterData` runs once a message is
// in, before the 250 reply goes out.

interface SlowSmtp {
  url: string;
  received: string[];
  /** Messages wait here until the test opens it. */
  open: () => void;
  afterData?: ((messageId: string) => void) | undefined;
  close: () => Promise<void>;
}

async function startSlowSmtp(delayMs: number): Promise<SlowSmtp> {
  let open!: () => void;
  const gate = new Promise<void>((r) => (open = r));
  const smtp: SlowSmtp = { url: '', received: [], open: () => open(), close: async () => undefined };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        void (async () => {
          await gate;
          await sleep(delayMs);
          const raw = Buffer.concat(chunks).toString('utf8');
          const messageId = /^message-id:\s*(<[^>\r\n]+>)/im.exec(raw)?.[1] ?? '(none)';
          smtp.received.push(messageId);
          smtp.afterData?.(messageId);
          callback();
        })();
      });
    },
  });
  // A sender killed mid-conversation resets its connection: not this server's error.
  server.on('error', () => undefined);
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', () => done()));
  smtp.url = `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
  smtp.close = () => new Promise<void>((done) => server.close(() => done()));
  return smtp;
}

/** One weekly series of four 60-minute occurrences with four people and status wording: flagged `consider-async`. */
function weeklySeries(uid: string, title: string, start: number, organizer: string, attendees: string[]): string {
  const fmt = (ms: number) => new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  return [
    'BEGIN:VEVENT',
    `UID:${uid}`,
    `DTSTAMP:${fmt(start)}`,
    `DTSTART:${fmt(start)}`,
    `DTEND:${fmt(start + 3_600_000)}`,
    'RRULE:FREQ=WEEKLY;COUNT=4',
    `SUMMARY:${title}`,
    `ORGANIZER:mailto:${organizer}`,
    ...attendees.map((a) => `ATTENDEE;PARTSTAT=ACCEPTED:mailto:${a}`),
    'END:VEVENT',
  ].join('\r\n');
}

// ---------------------------------------------------------------------------------------------
// The Google fake, telling the test the moment one of our events is stored (before it answers).

const isOurs = (e: FakeEvent) => e.extendedProperties?.private?.unmeet === '1';

class WatchedGoogle extends FakeGoogle {
  onOwnedInsert?: ((event: FakeEvent) => void) | undefined;

  override put(calendarId: string, event: FakeEvent): void {
    const fresh = !this.calendar(calendarId).events.has(event.id);
    super.put(calendarId, event);
    if (fresh && isOurs(event)) this.onOwnedInsert?.(event);
  }
}

describe('crash safety of writes', () => {
  it('when the server is SIGKILLed in the middle of an outbox batch, then after a restart every message is settled, no Message-ID reaches SMTP twice, the interrupted one is unknown, and the job leases recover', async () => {
    const smtp = await startSlowSmtp(150);
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const db = join(dir, 'outbox.db');
    const rows = (sql: string, ...params: unknown[]) => query(db, sql, ...params);
    const start = () => startServer(serverEnv(port, db, { SMTP_URL: smtp.url, UNMEET_MAIL_FROM: 'unmeet@unmeet.test' }));

    let server = await start();
    try {
      // Eight organizers, each with two flagged series (the weekly cap per organizer is two):
      // sixteen messages, all due now (it is midday in their zone, every day is a working day).
      const { api } = await createWorkspace(url, 'Outbox crash');
      const timeZone = zoneAtLocalHour(12);
      const people = Array.from({ length: 8 }, (_, i) => `o${i}@acme.test`);
      const firstWeek = Date.now() - 27 * DAY;
      for (const [i, email] of people.entries()) {
        const member = await api('POST', '/v1/members', {
          email,
          name: `Organizer ${i}`,
          timeZone,
          workingHours: { days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], start: '06:00', end: '20:00' },
        });
        expect(member.status).toBe(201);
        const attendees = [0, 1, 2, 3].map((k) => people[(i + k) % people.length]!);
        const ics = [
          'BEGIN:VCALENDAR',
          'VERSION:2.0',
          'PRODID:-//crash//EN',
          weeklySeries(`status-${i}`, `Weekly status update ${i}`, firstWeek + i * 3_600_000, email, attendees),
          weeklySeries(`report-${i}`, `Project sync report ${i}`, firstWeek + DAY + i * 3_600_000, email, attendees),
          'END:VCALENDAR',
          '',
        ].join('\r\n');
        expect((await api('POST', '/v1/connections/ics', { memberId: member.json.id, ics, name: 'work.ics' })).status).toBe(201);
      }
      // The organizers signed in once: their addresses are verified (mail goes only to those).
      const writer = new Database(db);
      for (const email of people) writer.prepare("insert into mail_addresses (email, verified_at, verified_by) values (?, ?, 'google')").run(email, Date.now());
      writer.close();
      const range = { from: DateTime.fromMillis(firstWeek - DAY, { zone: 'utc' }).toISODate(), to: DateTime.utc().plus({ days: 1 }).toISODate() };
      const queued = await api('POST', '/v1/flags/suggestions', range);
      expect(queued.status).toBe(201);
      expect(queued.json.queued).toHaveLength(16);
      expect(queued.json.queued.every((q: { deliverAfter: number }) => q.deliverAfter <= Date.now())).toBe(true);

      // The kill lands once the SMTP server has the fifth message in full, before it answers 250:
      // the mail was delivered, but the sender never learns it.
      const killAt = 5;
      smtp.afterData = () => {
        if (smtp.received.length === killAt) server.kill('SIGKILL');
      };
      smtp.open();
      await until(() => isDead(server), 30_000, 'the kill mid-batch');
      smtp.afterData = undefined;

      const atCrash = rows('select id, message_id, status, attempt_started_at from outbox_messages order by attempt_started_at');
      const count = (status: string) => atCrash.filter((m) => m.status === status).length;
      expect(count('sent')).toBe(killAt - 1);
      expect(count('sending')).toBe(1);
      expect(count('queued')).toBe(16 - killAt);
      const interrupted = atCrash.find((m) => m.status === 'sending')!;
      expect(smtp.received.at(-1)).toBe(interrupted.message_id);
      const deadOwners = rows("select distinct lease_owner from jobs where kind = 'outbox.deliver' and lease_owner is not null").map((r) => r.lease_owner);
      expect(deadOwners).toHaveLength(1); // held by the dead process

      // An attempt older than the job lease without an outcome belongs to a runner that died; wait
      // until that is true, so the first delivery run after the restart settles it.
      await until(() => Date.now() > interrupted.attempt_started_at + TEST_LEASE_MS, 10_000, 'the interrupted attempt to outlive the lease');
      server = await start();
      await until(
        () =>
          rows("select count(*) as n from outbox_messages where status in ('queued', 'sending')")[0]!.n === 0 &&
          rows("select count(*) as n from jobs where kind = 'outbox.deliver'")[0]!.n === 0,
        40_000,
        'the outbox to be settled after the restart',
      );

      const after = rows('select id, message_id, status, attempts, last_error from outbox_messages');
      // At most once: every Message-ID reached the SMTP server exactly once, the interrupted one included.
      expect(smtp.received).toHaveLength(16);
      expect(new Set(smtp.received).size).toBe(16);
      expect([...smtp.received].sort()).toEqual(after.map((m) => m.message_id).sort());
      // Settled: the interrupted attempt is `unknown` for a person to resolve, never resent; the rest are sent, once each.
      expect(after.filter((m) => m.status === 'sent')).toHaveLength(15);
      expect(after.find((m) => m.id === interrupted.id)).toMatchObject({ status: 'unknown', attempts: 1 });
      expect(after.find((m) => m.id === interrupted.id)!.last_error).toContain('never recorded an outcome');
      expect(after.every((m) => m.attempts === 1)).toBe(true);
      // Leases: no job is held by the dead process, and every delivery job has run to completion.
      expect(rows('select count(*) as n from jobs where lease_owner = ?', deadOwners[0])[0]!.n).toBe(0);

      // The person checks the mailbox: it arrived.
      const resolved = await api('POST', `/v1/outbox/${interrupted.id}/resolve`, { outcome: 'sent' });
      expect(resolved.json.status).toBe('sent');
      expect(rows("select count(*) as n from outbox_messages where status = 'sent'")[0]!.n).toBe(16);
      expect(smtp.received).toHaveLength(16);
    } finally {
      await stopServer(server);
      await smtp.close();
    }
  }, 60_000);

  it('when the server is SIGKILLed in the middle of a focus apply, then after a restart the calendar holds each planned block exactly once, all recorded, foreign events untouched, and the sync lease recovers', async () => {
    const fake = await new WatchedGoogle().start();
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const db = join(dir, 'focus.db');
    const rows = (sql: string, ...params: unknown[]) => query(db, sql, ...params);
    const start = () => startServer(serverEnv(port, db, googleEnv(fake)));

    // Alice's calendar: a daily meeting, a private block of her own titled like ours, an all-day
    // event. It is 20:00 in her zone, so planning starts tomorrow and does not shift during the test.
    const timeZone = zoneAtLocalHour(20);
    const today = DateTime.now().setZone(timeZone).startOf('day');
    const iso = (d: DateTime) => d.toUTC().toISO({ suppressMilliseconds: true })!;
    for (let d = 1; d <= 14; d++) {
      const day = today.plus({ days: d });
      if (day.weekday > 5) continue;
      fake.put('primary', {
        id: `standup${d.toString().padStart(2, '0')}`,
        status: 'confirmed',
        summary: 'Team stand-up',
        description: 'Agenda: blockers',
        start: { dateTime: iso(day.plus({ hours: 13 })) },
        end: { dateTime: iso(day.plus({ hours: 14 })) },
        iCalUID: `standup${d}@google.com`,
        organizer: { email: 'bob@example.com' },
        attendees: [
          { email: 'alice@example.com', responseStatus: 'accepted', self: true },
          { email: 'bob@example.com', responseStatus: 'accepted' },
        ],
      });
    }
    fake.put('primary', {
      id: 'ownfocus01',
      status: 'confirmed',
      summary: 'Focus time',
      start: { dateTime: iso(today.plus({ days: 2, hours: 9 })) },
      end: { dateTime: iso(today.plus({ days: 2, hours: 10, minutes: 30 })) },
      organizer: { email: 'alice@example.com', self: true },
      extendedProperties: { private: { other: 'x' } },
    });
    fake.put('primary', { id: 'holiday01', status: 'confirmed', summary: 'Offsite', start: { date: today.plus({ days: 3 }).toISODate()! }, end: { date: today.plus({ days: 4 }).toISODate()! } });
    const foreign = () => JSON.stringify(fake.truth('primary').filter((e) => !isOurs(e)));
    const foreignBefore = foreign();
    // Every insert is slow, so the apply takes a while.
    for (let i = 0; i < 40; i++) fake.faults.push({ kind: 'delay', ms: 250, path: /^\/calendar\/v3\/calendars\/primary\/events$/, method: 'POST' });

    let server = await start();
    try {
      const { api, key } = await createWorkspace(url, 'Focus crash');
      const member = (await api('POST', '/v1/members', { email: 'alice@example.com', name: 'Alice', timeZone })).json;
      const policy = { weeklyTargetHours: 20, minBlockMinutes: 90, maxPerDayMinutes: 120, bufferMinutes: 10 };
      expect((await api('PATCH', `/v1/focus/members/${member.id}`, { enabled: true, policy })).json.enabled).toBe(true);

      // Connecting runs the first sync as a job, which then applies her focus blocks. The kill
      // lands when Google has stored the fourth block, before it answers: a block that exists
      // at Google while unmeet has only claimed it.
      const killAt = 4;
      let inserted = 0;
      let lost: string | undefined;
      fake.onOwnedInsert = (event) => {
        if (++inserted !== killAt) return;
        lost = event.id;
        server.kill('SIGKILL');
      };
      expect(await connectGoogle(url, key, member.id)).toBe(200);
      await until(() => isDead(server), 30_000, 'the kill mid-apply');
      fake.onOwnedInsert = undefined;

      const atCrash = rows('select status, event_id from focus_blocks');
      expect(atCrash.filter((b) => b.status === 'active')).toHaveLength(killAt - 1);
      expect(atCrash.filter((b) => b.status === 'pending').map((b) => b.event_id)).toEqual([lost]);
      expect(fake.truth('primary').filter(isOurs)).toHaveLength(killAt);
      const [leased] = rows("select lease_owner from jobs where kind = 'calendar.sync'");
      expect(leased?.lease_owner).toBeTruthy(); // held by the dead process

      // The restart: the sync job's lease expires, the job runs again and its reconcile finishes the apply.
      const restartedAt = Date.now();
      server = await start();
      await until(
        () => {
          const [job] = rows("select lease_owner, last_run_at from jobs where kind = 'calendar.sync'");
          return job?.lease_owner === null && Number(job.last_run_at) >= restartedAt;
        },
        40_000,
        'the sync job to run again after the restart',
      );

      const ours = fake.truth('primary').filter(isOurs);
      const span = (e: FakeEvent) => ({ id: e.id, start: Date.parse(e.start!.dateTime!), end: Date.parse(e.end!.dateTime!) });
      const spans = ours.map(span).sort((a, b) => a.start - b.start);
      expect(spans.length).toBeGreaterThan(killAt);
      // No duplicate: one event per block, none overlapping another; ids are our deterministic ones.
      for (const [i, s] of spans.entries()) {
        expect(s.id).toMatch(/^unmeetf[0-9a-v]{26}$/);
        if (i > 0) expect(s.start).toBeGreaterThanOrEqual(spans[i - 1]!.end);
      }
      // No orphan: the stored blocks are exactly the events at Google, the one whose answer was lost included.
      const blocks = rows('select event_id, start, "end", status from focus_blocks order by start');
      expect(blocks.every((b) => b.status === 'active')).toBe(true);
      expect(blocks.map((b) => ({ id: b.event_id, start: b.start, end: b.end }))).toEqual(spans);
      expect(spans.map((s) => s.id)).toContain(lost);
      const writes = rows('select target, outcome from provider_writes');
      expect(writes.filter((w) => String(w.target).endsWith(`/${lost}`)).map((w) => w.outcome)).toEqual([expect.stringMatching(/^exists/)]);
      // Events unmeet did not create are byte for byte what they were, and no write went to one.
      expect(foreign()).toBe(foreignBefore);
      const ownIds = new Set(spans.map((s) => s.id));
      const targeted = fake.requests.filter((r) => ['PATCH', 'PUT', 'DELETE'].includes(r.method)).map((r) => decodeURIComponent(r.path.slice(r.path.lastIndexOf('/') + 1)));
      expect(targeted.filter((id) => !ownIds.has(id))).toEqual([]);

      // The plan is what the calendar holds, and applying again writes nothing.
      const plan = (await api('GET', `/v1/focus/plan?member=${member.id}`)).json.members[0];
      expect(plan.actions.every((a: { kind: string }) => a.kind === 'keep')).toBe(true);
      expect(plan.blocks.map((b: { start: string; end: string }) => ({ start: Date.parse(b.start), end: Date.parse(b.end) }))).toEqual(spans.map(({ start, end }) => ({ start, end })));
      const again = (await api('POST', '/v1/focus/apply', { member: member.id })).json.members[0];
      expect(again).toMatchObject({ status: 'applied', created: 0, moved: 0, deleted: 0, failed: 0, kept: spans.length });
      expect(fake.truth('primary').filter(isOurs)).toHaveLength(spans.length);
      // Leases: nothing is held by the dead process.
      expect(rows('select count(*) as n from jobs where lease_owner = ?', leased!.lease_owner)[0]!.n).toBe(0);
    } finally {
      await stopServer(server);
      await fake.stop();
    }
  }, 60_000);
});
