import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestProject } from 'vitest/node';

/**
 * A feed server on 127.0.0.1 that the Worker under test fetches ICS subscriptions from. Tests
 * choose what it serves by path: /feed/<n>.ics serves version n of a small calendar.
 */
export default async function setup(project: TestProject) {
  const server = createServer((req, res) => {
    const match = /^\/feed\/(\d+)\.ics$/.exec(req.url ?? '');
    if (!match) {
      res.writeHead(404).end();
      return;
    }
    const meetings = Number(match[1]);
    const events = Array.from({ length: meetings }, (_, i) =>
      [
        'BEGIN:VEVENT',
        `UID:feed-${i}@test`,
        'DTSTAMP:20261101T000000Z',
        `DTSTART:202611${String(2 + i).padStart(2, '0')}T100000Z`,
        `DTEND:202611${String(2 + i).padStart(2, '0')}T110000Z`,
        `SUMMARY:Meeting ${i}`,
        'ATTENDEE;PARTSTAT=ACCEPTED:mailto:alice@example.com',
        'ATTENDEE;PARTSTAT=ACCEPTED:mailto:bob@example.com',
        'END:VEVENT',
      ].join('\r\n'),
    );
    res.writeHead(200, { 'content-type': 'text/calendar' });
    res.end(['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//feed//EN', ...events, 'END:VCALENDAR', ''].join('\r\n'));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  project.provide('feedUrl', `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  return () => new Promise<void>((done) => server.close(() => done()));
}
