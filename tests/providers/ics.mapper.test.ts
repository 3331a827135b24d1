import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { UnmeetError } from '../../src/domain/errors';
import type { CalendarEvent } from '../../src/domain/types';
import { ianaFromTzid, MAX_INSTANCES_PER_FILE, MAX_INSTANCES_PER_SERIES, MAX_WARNINGS, parseIcs, readContentLineForTest } from '../../src/providers/ics/ics.mapper';

const here = dirname(fileURLToPath(import.meta.url));
const fixture = (name: string): string => readFileSync(join(here, '../fixtures/ics', name), 'utf8');

/** UTC ms of a local wall-clock time in a named zone. */
const at = (iso: string, zone: string): number => DateTime.fromISO(iso, { zone }).toMillis();
const utc = (iso: string): number => Date.parse(iso);
const window = { start: utc('2026-10-19T00:00:00Z'), end: utc('2026-12-01T00:00:00Z') };

/** A minimal calendar around some VEVENT lines. */
const calendar = (body: string, header = ''): string =>
  ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//unmeet tests//EN', header, body.trim(), 'END:VCALENDAR', '']
    .filter((line) => line !== '')
    .join('\r\n');

const starts = (events: CalendarEvent[]): string[] => events.map((e) => new Date(e.start).toISOString());

function expectUnmeetError(fn: () => unknown, code: string, details: Record<string, unknown>): UnmeetError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(UnmeetError);
    const e = error as UnmeetError;
    expect(e.code).toBe(code);
    expect(e.details).toMatchObject(details);
    if ('line' in details) expect(e.message).toContain(`line ${String(details.line)}`);
    return e;
  }
  throw new Error(`expected UnmeetError ${code}`);
}

describe('parseIcs on a Google Calendar export', () => {
  const parsed = parseIcs(fixture('google-export.ics'), window);
  const byUid = (uid: string) => parsed.events.filter((e) => e.externalId.startsWith(uid));
  const standUps = byUid('3q9v0k2b7m1r5t8c6h4n2p0s1d@google.com');
  const planning = byUid('7h2k9m4p1q6r3s8t5v0w2x7y4z@google.com');

  it('when the calendar names itself and its zone, then both are returned', () => {
    expect(parsed.name).toBe('ayu@example.com');
    expect(parsed.timeZone).toBe('Asia/Jakarta');
  });

  it('when a daily series crosses the end of US daylight time, then it keeps 09:30 New York time', () => {
    const oct30 = standUps.find((e) => e.start === at('2026-10-30T09:30', 'America/New_York'));
    const nov2 = standUps.find((e) => e.start === at('2026-11-02T09:30', 'America/New_York'));
    expect(oct30?.start).toBe(utc('2026-10-30T13:30:00Z'));
    expect(nov2?.start).toBe(utc('2026-11-02T14:30:00Z'));
    expect(nov2?.end).toBe(utc('2026-11-02T14:45:00Z'));
    for (const e of standUps) {
      expect(DateTime.fromMillis(e.start, { zone: 'America/New_York' }).toFormat('ccc HH:mm')).toMatch(/^(Mon|Tue|Wed|Thu|Fri) (09:30|10:00)$/);
    }
  });

  it('when an instance is in EXDATE, then it is not produced', () => {
    expect(standUps.some((e) => e.originalStart === at('2026-11-04T09:30', 'America/New_York'))).toBe(false);
    expect(standUps).toHaveLength(25); // 26 weekdays in the window minus the EXDATE
  });

  it('when an instance is overridden, then the override replaces it under the instance id', () => {
    const original = at('2026-11-05T09:30', 'America/New_York');
    const nov5 = standUps.filter((e) => e.originalStart === original);
    expect(nov5).toHaveLength(1);
    expect(nov5[0]).toMatchObject({
      externalId: `3q9v0k2b7m1r5t8c6h4n2p0s1d@google.com::${original}`,
      seriesKey: '3q9v0k2b7m1r5t8c6h4n2p0s1d@google.com',
      title: 'Daily stand-up (moved)',
      start: at('2026-11-05T10:00', 'America/New_York'),
      end: at('2026-11-05T10:15', 'America/New_York'),
    });
    expect(nov5[0]?.attendees.find((a) => a.email === 'ayu@example.com')?.response).toBe('declined');
  });

  it('when attendees are listed, then addresses are lower-cased and PARTSTAT and ROLE are mapped', () => {
    const first = standUps[0] as CalendarEvent;
    expect(first.externalId).toBe(`3q9v0k2b7m1r5t8c6h4n2p0s1d@google.com::${first.start}`);
    expect(first.originalStart).toBe(first.start);
    expect(first.organizer).toBe('dana@example.com');
    expect(first.attendees).toEqual([
      { email: 'dana@example.com', name: 'Dana Whitfield', response: 'accepted', optional: false },
      { email: 'ayu@example.com', name: 'Ayu Lestari', response: 'accepted', optional: false },
      { email: 'marco@example.com', name: 'Marco Rossi', response: 'tentative', optional: false },
      { email: 'sam@example.com', name: 'Sam Lee', response: 'needsAction', optional: true },
    ]);
    expect(first.hasConferencing).toBe(true);
    expect(first.description).toMatchObject({ present: true, hasAgenda: false, hasDocLink: false });
  });

  it('when a weekly series has UNTIL, then the UNTIL instant is included and nothing after it', () => {
    expect(starts(planning)).toEqual([
      '2026-11-03T07:00:00.000Z',
      '2026-11-10T07:00:00.000Z',
      '2026-11-17T07:00:00.000Z',
      '2026-11-24T07:00:00.000Z',
    ]);
  });

  it('when an override is STATUS:CANCELLED, then its instance is cancelled and keeps the series facts', () => {
    const cancelled = planning.find((e) => e.originalStart === at('2026-11-10T14:00', 'Asia/Jakarta'));
    expect(cancelled).toMatchObject({ status: 'cancelled', title: 'Rapat mingguan', organizer: 'ayu@example.com' });
    expect(cancelled?.attendees).toHaveLength(3);
    expect(planning.filter((e) => e.status === 'cancelled')).toHaveLength(1);
  });

  it('when the description is HTML with an Indonesian agenda and a Docs link, then only facts are kept', () => {
    const meeting = planning[0] as CalendarEvent;
    expect(meeting.description).toEqual({
      present: true,
      length: expect.any(Number),
      hasAgenda: true,
      hasDocLink: true,
      mentionsDecision: false,
      mentionsLiveWork: false,
      mentionsReadout: false,
      invitesQuestions: false,
    });
    expect(meeting.attendees.find((a) => a.resource)?.email).toBe('c_1883ab4e8f2f0a2bg@resource.calendar.google.com');
    const json = JSON.stringify(parsed);
    expect(json).not.toContain('Status proyek');
    expect(json).not.toContain('Join with Google Meet');
  });

  it('when a single event is mapped, then its id is the UID and it has no series', () => {
    const chat = parsed.events.find((e) => e.title === 'Coffee chat');
    expect(chat).toMatchObject({
      externalId: '1on1-decline-2c9d@google.com',
      seriesKey: null,
      originalStart: null,
      status: 'tentative',
      transparency: 'opaque',
      allDay: false,
      hasConferencing: true, // Zoom link in LOCATION
      start: utc('2026-11-04T03:00:00Z'),
      end: utc('2026-11-04T03:30:00Z'),
    });
    expect(chat?.attendees.find((a) => a.email === 'ayu@example.com')?.response).toBe('declined');
  });

  it('when an event is all-day, then it spans whole local days in the calendar zone', () => {
    expect(parsed.events.find((e) => e.title === 'Team offsite')).toMatchObject({
      allDay: true,
      start: at('2026-11-10T00:00', 'Asia/Jakarta'),
      end: at('2026-11-12T00:00', 'Asia/Jakarta'),
      transparency: 'transparent',
    });
  });

  it('when TRANSP is TRANSPARENT, then the event is transparent; X-UNMEET-OWNED marks our own events', () => {
    expect(parsed.events.find((e) => e.title === 'Makan siang')?.transparency).toBe('transparent');
    expect(parsed.events.find((e) => e.title === 'Focus time')?.createdByUnmeet).toBe(true);
    expect(parsed.events.filter((e) => e.createdByUnmeet)).toHaveLength(1);
  });

  it('when a single event lies outside the window, then it is dropped', () => {
    expect(parsed.events.some((e) => e.title === 'Outside the window')).toBe(false);
    for (const e of parsed.events) expect(e.end > window.start && e.start < window.end).toBe(true);
  });

  it('when events are returned, then they are sorted by start', () => {
    const sorted = [...parsed.events].sort((a, b) => a.start - b.start);
    expect(parsed.events.map((e) => e.start)).toEqual(sorted.map((e) => e.start));
  });
});

describe('parseIcs on an Outlook / Exchange export', () => {
  const parsed = parseIcs(fixture('outlook-export.ics'), window);
  const find = (title: string) => parsed.events.filter((e) => e.title === title);

  it('when the calendar has no X-WR-TIMEZONE, then timeZone is null', () => {
    expect(parsed).toMatchObject({ name: 'Calendar', timeZone: null });
  });

  it('when a "W. Europe Standard Time" series crosses the end of summer time, then it stays at 10:00 Berlin', () => {
    const syncs = find('Weekly status sync');
    expect(starts(syncs)).toEqual([
      '2026-10-20T08:00:00.000Z', // CEST
      '2026-10-27T09:00:00.000Z', // CET
      '2026-11-03T09:00:00.000Z',
      // 2026-11-10 is overridden, 2026-11-17 is in EXDATE
      '2026-11-24T09:00:00.000Z',
    ]);
    for (const e of syncs) expect(DateTime.fromMillis(e.start, { zone: 'Europe/Berlin' }).toFormat('HH:mm')).toBe('10:00');
  });

  it('when an Outlook occurrence is moved, then the override replaces it', () => {
    expect(find('Weekly status sync (moved)')).toEqual([
      expect.objectContaining({
        originalStart: at('2026-11-10T10:00', 'Europe/Berlin'),
        start: at('2026-11-10T15:00', 'Europe/Berlin'),
        end: at('2026-11-10T16:00', 'Europe/Berlin'),
      }),
    ]);
  });

  it('when attendees carry Outlook roles, then optional and resource are mapped and CN quoting is undone', () => {
    const sync = find('Weekly status sync')[0] as CalendarEvent;
    expect(sync.organizer).toBe('marco@example.com');
    expect(sync.attendees).toEqual([
      { email: 'ayu@example.com', name: 'Ayu Lestari', response: 'needsAction', optional: false },
      { email: 'dana@example.com', name: 'Dana Whitfield', response: 'accepted', optional: false },
      { email: 'marco.backup@example.com', name: 'Rossi, Marco (Backup)', response: 'needsAction', optional: true },
      { email: 'room.spree@example.com', name: 'Berlin Room Spree', response: 'needsAction', optional: true, resource: true },
    ]);
    expect(sync.hasConferencing).toBe(true); // Teams
    expect(sync.transparency).toBe('opaque'); // BUSYSTATUS:TENTATIVE is still busy
  });

  it.each([
    ['Roadmap review (Pacific)', '2026-11-02T09:00', 'America/Los_Angeles', 60], // quoted TZID, day after US DST ends
    ['Vendor call (Jakarta)', '2026-11-03T16:00', 'Asia/Jakarta', 30], // SE Asia Standard Time
    ['Hold for travel', '2026-11-05T13:00', 'America/Los_Angeles', 120], // tzone://Microsoft/ prefix
  ])('when "%s" uses a Windows zone name, then it resolves to the IANA zone', (title, local, zone, minutes) => {
    const [event] = find(title);
    expect(event?.start).toBe(at(local, zone));
    expect(event?.end).toBe(at(local, zone) + minutes * 60_000);
  });

  it('when a TZID is no known name, then the file\'s own VTIMEZONE definition is used', () => {
    expect(find('Partner sync (Bengaluru)')[0]?.start).toBe(utc('2026-11-04T04:30:00Z')); // +05:30
  });

  it('when X-MICROSOFT-CDO-BUSYSTATUS is FREE, then the event is transparent', () => {
    expect(find('Hold for travel')[0]?.transparency).toBe('transparent');
    expect(find('Out of office (holiday)')[0]).toMatchObject({
      allDay: true,
      transparency: 'transparent',
      start: utc('2026-11-11T00:00:00Z'), // no X-WR-TIMEZONE: dates are UTC days
      end: utc('2026-11-12T00:00:00Z'),
    });
  });
});

describe('parseIcs recurrence', () => {
  const series = (rule: string, extra = '', dtstart = 'DTSTART;TZID=Europe/Berlin:20261005T090000', dtend = 'DTEND;TZID=Europe/Berlin:20261005T093000') =>
    calendar(['BEGIN:VEVENT', 'UID:s1', dtstart, dtend, rule, extra, 'SUMMARY:Series', 'END:VEVENT'].filter(Boolean).join('\r\n'));

  it('when a weekly series crosses the start of summer time, then it keeps local wall time', () => {
    const text = series('RRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=4', '', 'DTSTART;TZID=Europe/Berlin:20270315T090000', 'DTEND;TZID=Europe/Berlin:20270315T100000');
    const { events } = parseIcs(text, { start: utc('2027-03-01T00:00:00Z'), end: utc('2027-05-01T00:00:00Z') });
    expect(starts(events)).toEqual(['2027-03-15T08:00:00.000Z', '2027-03-22T08:00:00.000Z', '2027-03-29T07:00:00.000Z', '2027-04-05T07:00:00.000Z']);
    expect(events.every((e) => e.end - e.start === 3_600_000)).toBe(true);
  });

  it('when a time falls into the spring-forward gap, then it is read with the offset before the gap', () => {
    const text = series('RRULE:FREQ=DAILY;COUNT=2', '', 'DTSTART;TZID=Europe/Berlin:20270327T023000', 'DTEND;TZID=Europe/Berlin:20270327T033000');
    const { events } = parseIcs(text, { start: utc('2027-03-01T00:00:00Z'), end: utc('2027-05-01T00:00:00Z') });
    expect(starts(events)).toEqual(['2027-03-27T01:30:00.000Z', '2027-03-28T01:30:00.000Z']); // 03:30 CEST on the 28th
  });

  it('when a local time occurs twice at fall-back, then the first occurrence is meant', () => {
    const text = series('', '', 'DTSTART;TZID=America/New_York:20261101T013000', 'DTEND;TZID=America/New_York:20261101T020000');
    expect(starts(parseIcs(text, window).events)).toEqual(['2026-11-01T05:30:00.000Z']); // 01:30 EDT
  });

  it('when RDATE and EXDATE are present, then instances are added and removed', () => {
    const text = series(
      'RRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=3',
      [
        'RDATE;TZID=Europe/Berlin:20261008T140000,20261009T140000',
        'RDATE;VALUE=PERIOD:20261010T080000Z/PT2H',
        'EXDATE;TZID=Europe/Berlin:20261012T090000',
      ].join('\r\n'),
    );
    const { events } = parseIcs(text, { start: utc('2026-10-01T00:00:00Z'), end: utc('2026-11-01T00:00:00Z') });
    expect(events.map((e) => [new Date(e.start).toISOString(), (e.end - e.start) / 60_000])).toEqual([
      ['2026-10-05T07:00:00.000Z', 30],
      ['2026-10-08T12:00:00.000Z', 30],
      ['2026-10-09T12:00:00.000Z', 30],
      ['2026-10-10T08:00:00.000Z', 120],
      ['2026-10-19T07:00:00.000Z', 30],
    ]);
    expect(new Set(events.map((e) => e.seriesKey))).toEqual(new Set(['s1']));
  });

  it('when overrides move instances across the window edge, then moved-in ones appear and moved-out ones vanish', () => {
    const text = calendar(
      [
        'BEGIN:VEVENT',
        'UID:weekly-1',
        'DTSTART:20261005T090000Z',
        'DTEND:20261005T100000Z',
        'RRULE:FREQ=WEEKLY',
        'SUMMARY:Weekly',
        'END:VEVENT',
        'BEGIN:VEVENT',
        'UID:weekly-1',
        'RECURRENCE-ID:20261207T090000Z',
        'DTSTART:20261130T150000Z',
        'DTEND:20261130T160000Z',
        'SUMMARY:Weekly (pulled in)',
        'END:VEVENT',
        'BEGIN:VEVENT',
        'UID:weekly-1',
        'RECURRENCE-ID:20261109T090000Z',
        'DTSTART:20261214T090000Z',
        'DTEND:20261214T100000Z',
        'SUMMARY:Weekly (pushed out)',
        'END:VEVENT',
      ].join('\r\n'),
    );
    const { events } = parseIcs(text, { start: utc('2026-11-02T00:00:00Z'), end: utc('2026-12-01T00:00:00Z') });
    expect(events.map((e) => [new Date(e.start).toISOString(), e.title, e.originalStart && new Date(e.originalStart).toISOString()])).toEqual([
      ['2026-11-02T09:00:00.000Z', 'Weekly', '2026-11-02T09:00:00.000Z'],
      ['2026-11-16T09:00:00.000Z', 'Weekly', '2026-11-16T09:00:00.000Z'],
      ['2026-11-23T09:00:00.000Z', 'Weekly', '2026-11-23T09:00:00.000Z'],
      ['2026-11-30T09:00:00.000Z', 'Weekly', '2026-11-30T09:00:00.000Z'],
      ['2026-11-30T15:00:00.000Z', 'Weekly (pulled in)', '2026-12-07T09:00:00.000Z'],
    ]);
  });

  it('when an all-day series has an all-day override and a UTC EXDATE is used on a timed series, then both match their instances', () => {
    const text = calendar(
      [
        'BEGIN:VEVENT', 'UID:ooo', 'DTSTART;VALUE=DATE:20261102', 'RRULE:FREQ=WEEKLY;COUNT=3', 'SUMMARY:Remote day', 'TRANSP:TRANSPARENT', 'END:VEVENT',
        'BEGIN:VEVENT', 'UID:ooo', 'RECURRENCE-ID;VALUE=DATE:20261109', 'DTSTART;VALUE=DATE:20261110', 'DTEND;VALUE=DATE:20261112', 'SUMMARY:Remote days', 'END:VEVENT',
        'BEGIN:VEVENT', 'UID:timed', 'DTSTART;TZID=Europe/Berlin:20261102T090000', 'DURATION:PT1H', 'RRULE:FREQ=DAILY;COUNT=3', 'EXDATE:20261103T080000Z', 'END:VEVENT',
      ].join('\r\n'),
      'X-WR-TIMEZONE:America/New_York',
    );
    const { events } = parseIcs(text, window);
    const remote = events.filter((e) => e.seriesKey === 'ooo');
    expect(remote.map((e) => [DateTime.fromMillis(e.start, { zone: 'America/New_York' }).toISO(), (e.end - e.start) / 3_600_000, e.allDay, e.title])).toEqual([
      ['2026-11-02T00:00:00.000-05:00', 24, true, 'Remote day'],
      ['2026-11-10T00:00:00.000-05:00', 48, true, 'Remote days'],
      ['2026-11-16T00:00:00.000-05:00', 24, true, 'Remote day'],
    ]);
    expect(remote[1]?.transparency).toBe('transparent'); // inherited from the series
    expect(starts(events.filter((e) => e.seriesKey === 'timed'))).toEqual(['2026-11-02T08:00:00.000Z', '2026-11-04T08:00:00.000Z']);
  });

  it('when a VEVENT has no UID, then a stable id is derived from its start and title', () => {
    const text = calendar(['BEGIN:VEVENT', 'SUMMARY:Anonymous', 'DTSTART:20261102T090000Z', 'END:VEVENT'].join('\r\n'));
    const [a] = parseIcs(text, window).events;
    const [b] = parseIcs(text, window).events;
    expect(a?.externalId).toMatch(/^no-uid-[0-9a-f]+$/);
    expect(a?.externalId).toBe(b?.externalId);
  });

  it('when an override has no master in the file, then it is still an instance of its series', () => {
    const text = calendar(['BEGIN:VEVENT', 'UID:orphan', 'RECURRENCE-ID:20261110T090000Z', 'DTSTART:20261110T100000Z', 'DURATION:PT45M', 'END:VEVENT'].join('\r\n'));
    expect(parseIcs(text, window).events).toEqual([
      expect.objectContaining({ externalId: `orphan::${utc('2026-11-10T09:00:00Z')}`, seriesKey: 'orphan', end: utc('2026-11-10T10:45:00Z'), title: '' }),
    ]);
  });

  it('when the master is cancelled, then every instance is cancelled', () => {
    const { events } = parseIcs(series('RRULE:FREQ=DAILY;COUNT=3', 'STATUS:CANCELLED'), window);
    expect(events.map((e) => e.status)).toEqual([]); // all before the window
    const inWindow = parseIcs(series('RRULE:FREQ=DAILY;COUNT=3', 'STATUS:CANCELLED'), { start: 0, end: utc('2030-01-01T00:00:00Z') });
    expect(inWindow.events.map((e) => e.status)).toEqual(['cancelled', 'cancelled', 'cancelled']);
  });

  it('when a series started centuries ago, then expansion jumps ahead instead of walking every day', () => {
    // Walking day by day from 1800 would take more than MAX_RULE_ITERATIONS steps and stop
    // before the window: every instance in it shows that expansion skipped ahead.
    const text = series('RRULE:FREQ=DAILY', '', 'DTSTART;TZID=Europe/Berlin:18000101T090000', 'DTEND;TZID=Europe/Berlin:18000101T091500');
    const { events } = parseIcs(text, window);
    expect(events).toHaveLength(43);
    expect(DateTime.fromMillis(events[10]!.start, { zone: 'Europe/Berlin' }).toFormat('HH:mm')).toBe('09:00');
  });

  it('when a rule would produce more than the cap, then expansion stops at the cap', () => {
    const text = series('RRULE:FREQ=MINUTELY;INTERVAL=5', '', 'DTSTART:20261001T000000Z', 'DTEND:20261001T000100Z');
    const { events } = parseIcs(text, window);
    expect(events).toHaveLength(MAX_INSTANCES_PER_SERIES);
  });

  it('when a pathological rule never reaches the window, then expansion is still bounded', () => {
    const text = series('RRULE:FREQ=SECONDLY;COUNT=999999999;BYMINUTE=0', '', 'DTSTART:19900101T000000Z', 'DTEND:19900101T000001Z');
    // ical.js would search this rule forever; the step budgets end it.
    expect(parseIcs(text, window).events).toEqual([]);
  });

  // The arithmetic fast path must agree with ical.js's iterator. A no-op BYHOUR (the start's own
  // hour) sends the same rule through ical.js.
  it.each([
    ['FREQ=DAILY', '20260105T090000'],
    ['FREQ=DAILY;INTERVAL=3', '20260107T231500'],
    ['FREQ=DAILY;BYDAY=MO,WE,FR', '20260106T090000'],
    ['FREQ=DAILY;COUNT=10', '20261020T090000'],
    ['FREQ=DAILY;BYMONTH=11,12', '20260105T090000'],
    ['FREQ=DAILY;UNTIL=20261110', '20261101T090000'],
    ['FREQ=WEEKLY', '20260108T170000'],
    ['FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH', '20260106T083000'],
    ['FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH', '20260108T083000'],
    ['FREQ=WEEKLY;INTERVAL=2;BYDAY=SU,MO;WKST=SU', '20260104T120000'],
    ['FREQ=WEEKLY;INTERVAL=2;BYDAY=SU,MO;WKST=MO', '20260104T120000'],
    ['FREQ=WEEKLY;INTERVAL=3;BYDAY=MO,TU,WE,TH,FR;WKST=SA', '20260109T060000'],
    ['FREQ=WEEKLY;BYDAY=MO,FR;COUNT=7', '20261019T090000'],
    ['FREQ=WEEKLY;BYDAY=MO;UNTIL=20261123T080000Z', '20261005T090000'],
    ['FREQ=WEEKLY;BYDAY=MO;BYMONTH=11', '20261005T090000'],
    ['FREQ=MONTHLY', '20260131T100000'],
    ['FREQ=MONTHLY;BYMONTHDAY=15', '20260115T100000'],
    ['FREQ=MONTHLY;BYMONTHDAY=-1', '20260131T100000'],
    ['FREQ=MONTHLY;BYDAY=1MO', '20260105T100000'],
    ['FREQ=MONTHLY;BYDAY=-1FR', '20260130T100000'],
    ['FREQ=MONTHLY;BYDAY=MO;BYSETPOS=2', '20260112T100000'],
    ['FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1', '20260130T100000'],
    ['FREQ=MONTHLY;INTERVAL=2;BYDAY=2TU;COUNT=9', '20260113T100000'],
    ['FREQ=MONTHLY;BYDAY=FR;BYMONTHDAY=13', '20260213T100000'],
    ['FREQ=MONTHLY;BYMONTHDAY=1,15;BYMONTH=3,11', '20260101T100000'],
    ['FREQ=YEARLY', '20251103T100000'],
    ['FREQ=YEARLY;BYMONTH=11;BYDAY=4TH', '20251127T100000'],
    ['FREQ=YEARLY;BYMONTH=3,11;BYMONTHDAY=1', '20250301T100000'],
  ])('when the rule is %s from %s, then the fast path matches ical.js', (rule, start) => {
    const make = (r: string) =>
      calendar(['BEGIN:VEVENT', 'UID:eq', `DTSTART;TZID=America/New_York:${start}`, 'DURATION:PT30M', `RRULE:${r}`, 'END:VEVENT'].join('\r\n'));
    const wide = { start: utc('2026-10-15T00:00:00Z'), end: utc('2029-03-01T00:00:00Z') };
    const fast = parseIcs(make(rule), wide).events;
    const slow = parseIcs(make(`${rule};BYHOUR=${Number(start.slice(9, 11))}`), wide).events;
    expect(fast.length).toBeGreaterThan(0);
    expect(starts(fast)).toEqual(starts(slow));
  });

  it.each([
    // ical.js ignores negative BYMONTHDAY in DAILY rules, rolls Feb 29 over to Mar 1 and
    // ignores BYSETPOS in YEARLY rules; RFC 5545 says otherwise, and so does the fast path. DTSTART
    // is always the first instance and counts towards COUNT.
    ['FREQ=DAILY;BYMONTHDAY=1,-1;COUNT=4', '20261105T090000', ['2026-11-05', '2026-11-30', '2026-12-01', '2026-12-31']],
    ['FREQ=YEARLY;COUNT=2', '20240229T090000', ['2024-02-29', '2028-02-29']],
    ['FREQ=YEARLY;BYMONTH=11,12;BYDAY=-1MO;BYSETPOS=1;COUNT=2', '20251124T090000', ['2025-11-24', '2026-11-30']],
    ['FREQ=MONTHLY;COUNT=4', '20260131T090000', ['2026-01-31', '2026-03-31', '2026-05-31', '2026-07-31']],
  ])('when the rule is %s from %s, then it follows RFC 5545', (rule, start, dates) => {
    const text = calendar(['BEGIN:VEVENT', 'UID:rfc', `DTSTART;TZID=Europe/Berlin:${start}`, `RRULE:${rule}`, 'END:VEVENT'].join('\r\n'));
    const { events } = parseIcs(text, { start: utc('2020-01-01T00:00:00Z'), end: utc('2030-01-01T00:00:00Z') });
    expect(events.map((e) => DateTime.fromMillis(e.start, { zone: 'Europe/Berlin' }).toISODate())).toEqual(dates);
  });
});

describe('parseIcs times and zones', () => {
  it('when times are floating, then X-WR-TIMEZONE applies, else the given default zone, else UTC', () => {
    const body = ['BEGIN:VEVENT', 'UID:f1', 'DTSTART:20261102T090000', 'DTEND:20261102T100000', 'END:VEVENT'].join('\r\n');
    expect(parseIcs(calendar(body, 'X-WR-TIMEZONE:Asia/Jakarta'), window).events[0]?.start).toBe(at('2026-11-02T09:00', 'Asia/Jakarta'));
    expect(parseIcs(calendar(body), window).events[0]?.start).toBe(utc('2026-11-02T09:00:00Z'));
    const owner = parseIcs(calendar(body), window, { defaultTimeZone: 'Europe/London' });
    expect(owner.events[0]?.start).toBe(at('2026-11-02T09:00', 'Europe/London'));
    expect(owner.timeZone).toBeNull();
    const declared = parseIcs(calendar(body, 'X-WR-TIMEZONE:Asia/Jakarta'), window, { defaultTimeZone: 'Europe/London' });
    expect(declared.events[0]?.start).toBe(at('2026-11-02T09:00', 'Asia/Jakarta'));
    const windows = parseIcs(calendar(body, 'X-WR-TIMEZONE:Pacific Standard Time'), window);
    expect(windows.timeZone).toBe('America/Los_Angeles');
    expect(windows.events[0]?.start).toBe(at('2026-11-02T09:00', 'America/Los_Angeles'));
  });

  it.each([
    ['DTSTART;VALUE=DATE:20261102', '', 24 * 60, true],
    ['DTSTART:20261102T090000Z', '', 0, false],
    ['DTSTART:20261102T090000Z', 'DURATION:PT1H30M', 90, false],
    ['DTSTART:20261102T090000Z', 'DURATION:P1W', 7 * 24 * 60, false],
    ['DTSTART:20261102T090000Z', 'DTEND:20261102T080000Z', 0, false], // end before start is clamped
  ])('when %s with %s, then the event lasts %s minutes', (dtstart, end, minutes, allDay) => {
    const text = calendar(['BEGIN:VEVENT', 'UID:d1', dtstart, end, 'END:VEVENT'].filter(Boolean).join('\r\n'));
    const [event] = parseIcs(text, window).events;
    expect(event && (event.end - event.start) / 60_000).toBe(minutes);
    expect(event?.allDay).toBe(allDay);
  });

  it('when the same UID appears twice, then the higher SEQUENCE wins', () => {
    const text = calendar(
      [
        'BEGIN:VEVENT', 'UID:dup', 'SEQUENCE:3', 'SUMMARY:New', 'DTSTART:20261102T090000Z', 'END:VEVENT',
        'BEGIN:VEVENT', 'UID:dup', 'SEQUENCE:1', 'SUMMARY:Old', 'DTSTART:20261102T080000Z', 'END:VEVENT',
      ].join('\r\n'),
    );
    expect(parseIcs(text, window).events.map((e) => e.title)).toEqual(['New']);
  });

  it.each([
    ['Europe/Berlin', 'Europe/Berlin'],
    ['W. Europe Standard Time', 'Europe/Berlin'],
    ['"Pacific Standard Time"', 'America/Los_Angeles'],
    ['tzone://Microsoft/Pacific Standard Time', 'America/Los_Angeles'],
    ['tzone://Microsoft/Utc', 'UTC'],
    ['SE Asia Standard Time', 'Asia/Bangkok'],
    ['GMT Standard Time', 'Europe/London'],
    ['AUS Eastern Standard Time', 'Australia/Sydney'],
    ['/mozilla.org/20050126_1/Europe/Berlin', 'Europe/Berlin'],
    ['/citadel.org/20190914_1/America/Argentina/Buenos_Aires', 'America/Argentina/Buenos_Aires'],
    ['Customized Time Zone', null],
    ['', null],
  ])('when the TZID is "%s", then it maps to %s', (tzid, expected) => {
    expect(ianaFromTzid(tzid)).toBe(expected);
  });
});

describe('parseIcs on malformed input', () => {
  it.each([
    ['an empty file', 1, ''],
    ['plain text', 1, 'hello world'],
    ['an HTML page', 1, '<!doctype html>\n<html></html>'],
    ['a vCard', 1, 'BEGIN:VCARD\nFN:Ann\nEND:VCARD'],
    ['malformed-no-vcalendar.ics', 1, fixture('malformed-no-vcalendar.ics')],
  ])('when the input is %s, then it holds no calendar and ics.parse_error names line %s', (_name, line, text) => {
    expectUnmeetError(() => parseIcs(text, window), 'ics.parse_error', { line });
  });

  const vevent = (...lines: string[]): string => ['BEGIN:VCALENDAR', 'BEGIN:VEVENT', 'UID:a', ...lines, 'END:VEVENT', 'END:VCALENDAR'].join('\n');
  it.each([
    ['malformed-broken-line.ics', 8, 'line_malformed', fixture('malformed-broken-line.ics'), []],
    ['malformed-bad-date.ics', 13, 'event_skipped', fixture('malformed-bad-date.ics'), ['bad-date-1']],
    ['malformed-unclosed.ics', 4, 'structure_repaired', fixture('malformed-unclosed.ics'), ['open-1']],
    ['a property without value', 3, 'line_malformed', 'BEGIN:VCALENDAR\nBEGIN:VEVENT\nSUMMARY\nEND:VEVENT\nEND:VCALENDAR', []],
    ['bad parameters', 5, 'property_skipped', vevent('DTSTART:20261102T090000Z', 'ATTENDEE;PARTSTAT:mailto:x@y'), ['a']],
    ['an RRULE without FREQ', 5, 'rule_ignored', vevent('DTSTART:20261102T090000Z', 'RRULE:INTERVAL=2'), ['a']],
    ['an empty RRULE', 5, 'rule_ignored', vevent('DTSTART:20261102T090000Z', 'RRULE:'), ['a']],
    ['a bad DURATION', 5, 'property_skipped', vevent('DTSTART:20261102T090000Z', 'DURATION:PT1X'), ['a']],
    ['a bad EXDATE', 6, 'property_skipped', vevent('DTSTART:20261102T090000Z', 'RRULE:FREQ=DAILY;COUNT=2', 'EXDATE:2026-11-03'), ['a::1793610000000', 'a::1793696400000']],
    ['February 30th', 4, 'event_skipped', vevent('DTSTART;VALUE=DATE:20270230'), []],
    ['a VEVENT without DTSTART', 2, 'event_skipped', vevent(), []],
    ['a stray END', 2, 'line_misplaced', 'BEGIN:VCALENDAR\nEND:VEVENT\nEND:VCALENDAR', []],
    ['content after the calendar', 3, 'line_misplaced', 'BEGIN:VCALENDAR\nEND:VCALENDAR\nSUMMARY:late', []],
  ])('when the input is %s, then what is sound is kept and a warning names line %s (%s)', (_name, line, code, text, kept) => {
    const parsed = parseIcs(text as string, window);
    expect(parsed.warnings).toContainEqual(expect.objectContaining({ code, line }));
    expect(parsed.warningCounts[code as keyof typeof parsed.warningCounts]).toBeGreaterThanOrEqual(1);
    expect(parsed.events.map((e) => e.externalId)).toEqual(kept);
  });

  it('when a TZID names no zone, then its times are read in the calendar\'s or member\'s zone and one warning names the zone and its first line', () => {
    const parsed = parseIcs(fixture('malformed-unknown-tz.ics'), window, { defaultTimeZone: 'Europe/Berlin' });
    expect(parsed.events.map((e) => [e.start, e.end])).toEqual([[at('2026-11-02T09:00', 'Europe/Berlin'), at('2026-11-02T10:00', 'Europe/Berlin')]]);
    expect(parsed.warnings).toEqual([expect.objectContaining({ code: 'zone_fallback', line: 7, detail: 'Mars Standard Time' })]);
  });
});

describe('parseIcs on the example workspace', () => {
  const examples = join(here, '../../examples');
  const files = readdirSync(examples).filter((f) => f.endsWith('.ics'));
  const november = { start: utc('2026-11-02T00:00:00Z') - 14 * 3_600_000, end: utc('2026-11-30T00:00:00Z') + 14 * 3_600_000 };

  it('when the examples are generated, then there are ICS files to parse', () => {
    expect(files.length).toBeGreaterThanOrEqual(6);
  });

  it.each(files)('when %s is parsed, then it yields November meetings', (file) => {
    const { events } = parseIcs(readFileSync(join(examples, file), 'utf8'), november);
    expect(events.length).toBeGreaterThan(20);
    expect(events.some((e) => e.seriesKey !== null)).toBe(true);
    expect(events.some((e) => e.attendees.length > 2)).toBe(true);
  });
});

describe('content-line reader', () => {
  const viaIcal = (line: string) => readContentLineForTest(line, false);
  const viaFast = (line: string) => readContentLineForTest(line, true);

  it.each([
    'ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;CN=Ayu Lestari;X-NUM-GUESTS=0:mailto:ayu@example.com',
    'ATTENDEE;ROLE=OPT-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE;CN="Doe, Jane ^\'JD^\' ^^";CUTYPE=ROOM:MAILTO:Room.1@Example.com',
    'ORGANIZER;CN=Jack Nguyen:mailto:jack@example.com',
    'DTSTART;TZID="W. Europe Standard Time":20261102T100000',
    'DTSTART;VALUE=DATE:20261102',
    'DTEND:20261102T100000Z',
    'EXDATE;TZID=America/New_York:20261103T093000,20261104T093000',
    'RECURRENCE-ID;TZID=Europe/Berlin:20261105T100000',
    'SUMMARY:Planning\\, Q4 \\; budget\\nline two \\\\ done',
    'DESCRIPTION:Agenda:\\n1. Status\\N2. Risks',
    'X-ALT-DESC;FMTTYPE=text/html:<p>Agenda\, items</p>',
    'UID:3q9v0k2b7m1r5t8c6h4n2p0s1d@google.com',
    'STATUS:CONFIRMED',
    'SEQUENCE:3',
    'DURATION:PT45M',
    'X-WR-CALNAME:ayu@example.com',
    'X-MICROSOFT-CDO-BUSYSTATUS:FREE',
    'URL;VALUE=URI:https://meet.google.com/abc-defg-hij',
  ])('when a line has the shape exporters write (%s), then the fast reader reads it as ical.js does', (line) => {
    const fast = viaFast(line);
    expect(fast).not.toBeNull();
    expect(fast).toEqual(viaIcal(line));
  });

  it('when lines are generated from tricky pieces, then the fast reader agrees with ical.js or leaves the line to it', () => {
    let seed = 12345;
    const rand = (n: number): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return (seed >>> 8) % n;
    };
    const pick = <T>(items: readonly T[]): T => items[rand(items.length)] as T;
    const names = ['ATTENDEE', 'ORGANIZER', 'attendee', 'DTSTART', 'DTEND', 'EXDATE', 'RECURRENCE-ID', 'RDATE', 'RRULE', 'UID', 'SUMMARY',
      'Summary', 'STATUS', 'TRANSP', 'DESCRIPTION', 'SEQUENCE', 'DURATION', 'URL', 'LOCATION', 'X-WR-CALNAME', 'X-GOOGLE-CONFERENCE', 'X-UNMEET-OWNED'];
    const params = ['CN=Jane Doe', 'CN="Doe, Jane"', 'CN="a:b;c"', 'CN="x^nq^\'^^"', 'cn=^^a^', 'CN=', 'CN=""', 'CN="a\\,b"', 'CN=a\\,b', 'CN=a"b',
      'CN="a"b', 'ROLE=OPT-PARTICIPANT', 'role=chair', 'PARTSTAT=DECLINED', 'PARTSTAT=tentative', 'CUTYPE=ROOM', 'TZID=Europe/Berlin',
      'TZID="W. Europe Standard Time"', 'TZID=/mozilla.org/Europe/Rome', 'VALUE=DATE', 'VALUE=DATE-TIME', 'VALUE=TEXT', 'value=uri', 'VALUE=PERIOD',
      'VALUE=INTEGER', 'VALUE=BINARY', 'VALUE=X-THING', 'VALUE=UNKNOWN', 'X-NUM-GUESTS=0', 'RSVP=TRUE', 'SENT-BY="mailto:a@b"',
      'MEMBER="mailto:g@b"', 'DELEGATED-FROM="mailto:a@b","mailto:c@d"', 'FMTTYPE=text/html', 'X-A=1=2', '', '=x', 'CN', 'CN="unterminated'];
    const values = ['mailto:a@example.com', 'MAILTO: B@Example.COM ', '20261102T100000', '20261102T100000Z', '20261102', '20261102T100000Z,20261103T100000Z',
      '2026110', 'PT1H', 'FREQ=WEEKLY;BYDAY=MO', 'a\\,b\\;c\\nd\\\\e\\Nf', 'a\\,b,c', 'x:y;z', '"quoted"', '', ' ', '0x1A', '07', 'abc', 'é ü', '^n^^', '\\'];
    let fastCount = 0;
    for (let n = 0; n < 4000; n++) {
      let line = pick(names);
      const count = rand(4);
      for (let k = 0; k < count; k++) line += `;${pick(params)}`;
      line += rand(20) === 0 ? '' : `:${pick(values)}${rand(3) === 0 ? pick(values) : ''}`;
      const fast = viaFast(line);
      if (fast === null) continue;
      fastCount += 1;
      let ical: ReturnType<typeof viaIcal>;
      try {
        ical = viaIcal(line);
      } catch (error) {
        throw new Error(`the fast reader accepted "${line}", which ical.js rejects: ${String(error)}`);
      }
      expect({ line, read: fast }).toEqual({ line, read: ical });
    }
    expect(fastCount).toBeGreaterThan(1000);
  });
});

describe('parseIcs on a large export', () => {
  // Speed is measured by `npm run bench`, not here.
  it('when a workspace-sized file is parsed, then every single and every instance is there, with its attendees', () => {
    const text = largeCalendar(2_000, 300);
    const { events } = parseIcs(text, { start: utc('2026-06-01T00:00:00Z'), end: utc('2026-12-01T00:00:00Z') });
    expect(events.filter((e) => e.seriesKey === null)).toHaveLength(2_000);
    expect(events.length).toBeGreaterThan(15_000);
    const wrong = events.filter((e) => e.attendees.length !== 6 || !e.attendees.every((a) => a.response === 'accepted' && a.name?.startsWith('Person ')));
    expect(wrong).toEqual([]);
  });
});

describe('parseIcs line endings and repeated lines', () => {
  it.each([
    ['LF', '\n'],
    ['lone CR', '\r'],
  ])('when an export uses %s instead of CRLF, then it reads the same', (_name, eol) => {
    const text = fixture('google-export.ics');
    expect(parseIcs(text.replace(/\r\n/g, eol), window)).toEqual(parseIcs(text, window));
  });

  it('when line endings are mixed, then every kind ends a line and errors still name physical lines', () => {
    const lines = ['BEGIN:VCALENDAR', 'BEGIN:VEVENT', 'UID:a', 'DTSTART:20261102T090000Z', 'SUMMARY:Mixed', 'END:VEVENT', 'END:VCALENDAR'];
    const mixed = lines.map((line, i) => line + ['\r\n', '\n', '\r'][i % 3]).join('');
    expect(parseIcs(mixed, window).events.map((e) => e.title)).toEqual(['Mixed']);
    const broken = parseIcs(mixed.replace('DTSTART:20261102T090000Z', 'DTSTART:2026-11-02'), window);
    expect(broken.events).toEqual([]);
    expect(broken.warnings).toEqual([expect.objectContaining({ code: 'event_skipped', line: 4, uid: 'a' })]);
    expectUnmeetError(() => parseIcs(mixed.replace('BEGIN:VCALENDAR', 'BEGIN:VCARD').replace(/VCALENDAR/g, 'VCARD'), window), 'ics.parse_error', { line: 1 });
  });

  it('when the same ATTENDEE lines recur across events and within one, then each event lists each address once', () => {
    const event = (uid: string, extra: string[]) => [
      'BEGIN:VEVENT', `UID:${uid}`, 'DTSTART:20261102T090000Z', 'DURATION:PT30M',
      'ATTENDEE;PARTSTAT=ACCEPTED;CN=Ayu:mailto:AYU@example.com', 'ATTENDEE;ROLE=OPT-PARTICIPANT:mailto:budi@example.com',
      'ATTENDEE;PARTSTAT=ACCEPTED;CN=Ayu:mailto:AYU@example.com', 'ATTENDEE:', ...extra, 'END:VEVENT',
    ];
    const text = calendar([...event('one', []), ...event('two', ['ATTENDEE;CUTYPE=ROOM:mailto:room@example.com'])].join('\r\n'));
    const [one, two] = parseIcs(text, window).events;
    const ayu = { email: 'ayu@example.com', name: 'Ayu', response: 'accepted', optional: false };
    const budi = { email: 'budi@example.com', response: 'needsAction', optional: true };
    expect(one?.attendees).toEqual([ayu, budi]);
    expect(two?.attendees).toEqual([ayu, budi, { email: 'room@example.com', response: 'needsAction', optional: false, resource: true }]);
  });
});

/** A synthetic export: `singles` one-off meetings and `series` recurring ones, 6 attendees each. */
function largeCalendar(singles: number, seriesCount: number): string {
  const lines = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//unmeet bench//EN', 'X-WR-TIMEZONE:Europe/Berlin'];
  const attendees = (i: number) =>
    Array.from({ length: 6 }, (_, k) => `ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;CN=Person ${(i + k) % 200}:mailto:p${(i + k) % 200}@example.com`);
  for (let i = 0; i < singles; i++) {
    const day = 1 + (i % 28);
    const month = 6 + (i % 6);
    const hour = 8 + (i % 9);
    const stamp = `2026${String(month).padStart(2, '0')}${String(day).padStart(2, '0')}T${String(hour).padStart(2, '0')}0000`;
    lines.push('BEGIN:VEVENT', `UID:single-${i}@example.com`, `DTSTART;TZID=Europe/Berlin:${stamp}`, 'DURATION:PT45M', `SUMMARY:Meeting ${i}`);
    lines.push(`ORGANIZER;CN=Person ${i % 200}:mailto:p${i % 200}@example.com`, ...attendees(i));
    lines.push('DESCRIPTION:Agenda:\\n1. Status\\n2. Risks\\nhttps://docs.google.com/document/d/abc', 'END:VEVENT');
  }
  const rules = ['FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR', 'FREQ=WEEKLY', 'FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH', 'FREQ=MONTHLY;BYDAY=1MO'];
  for (let i = 0; i < seriesCount; i++) {
    lines.push('BEGIN:VEVENT', `UID:series-${i}@example.com`, `DTSTART;TZID=America/New_York:202601${String(5 + (i % 20)).padStart(2, '0')}T${String(8 + (i % 9)).padStart(2, '0')}3000`);
    lines.push('DURATION:PT30M', `RRULE:${rules[i % rules.length]}`, `EXDATE;TZID=America/New_York:20260706T083000`);
    lines.push(`SUMMARY:Series ${i}`, 'X-GOOGLE-CONFERENCE:https://meet.google.com/abc-defg-hij', ...attendees(i), 'END:VEVENT');
  }
  lines.push('END:VCALENDAR');
  return lines.join('\r\n');
}

describe('parseIcs bounds the work of every feed and reports what it leaves out', () => {
  /** The sync window of a service running on 2026-06-01 (182 days back and ahead). */
  const year = { start: utc('2025-12-01T00:00:00Z'), end: utc('2026-12-01T00:00:00Z') };
  const dailyBody = (n: number): string =>
    Array.from({ length: n }, (_, i) =>
      ['BEGIN:VEVENT', `UID:daily-${i}`, 'DTSTART:20260101T090000Z', 'DURATION:PT30M', 'RRULE:FREQ=DAILY', 'END:VEVENT'].join('\r\n'),
    ).join('\r\n');
  const dailySeries = (n: number): string => calendar(dailyBody(n));

  it('when 1,000 FREQ=DAILY series would expand past the per-file cap, then at most the cap is kept and every dropped series is counted and named by line', () => {
    const parsed = parseIcs(dailySeries(1_000), year);
    expect(parsed.events.length).toBeLessThanOrEqual(MAX_INSTANCES_PER_FILE);
    expect(parsed.events.length).toBeGreaterThan(MAX_INSTANCES_PER_FILE - 400); // whole series fill the cap
    const kept = new Set(parsed.events.map((e) => e.seriesKey));
    const dropped = parsed.warningCounts.instance_cap ?? 0;
    expect(kept.size + dropped).toBe(1_000);
    const warning = parsed.warnings.find((w) => w.code === 'instance_cap');
    expect(warning?.uid).toMatch(/^daily-\d+$/);
    expect(kept.has(warning!.uid)).toBe(false);
    expect(warning?.message).toContain(`line ${String(warning?.line)}`);
    expect(parsed.warnings.length).toBeLessThanOrEqual(MAX_WARNINGS);
  });

  it('when a feed has 4,000 FREQ=DAILY series from 2026, then the cap holds for single events too and the count of dropped series is exact', () => {
    const singles = Array.from({ length: 10 }, (_, i) => ['BEGIN:VEVENT', `UID:one-${i}`, 'DTSTART:20261102T090000Z', 'END:VEVENT'].join('\r\n'));
    const parsed = parseIcs(calendar(`${dailyBody(4_000)}\r\n${singles.join('\r\n')}`), year);
    expect(parsed.events.length).toBeLessThanOrEqual(MAX_INSTANCES_PER_FILE);
    const kept = new Set(parsed.events.map((e) => e.seriesKey ?? e.externalId));
    expect(kept.size + (parsed.warningCounts.instance_cap ?? 0)).toBe(4_010);
  });

  it('when many series exhaust the file step budget, then each series left without instances is named in a warning', () => {
    // Never in the window, and expensive to look for: each spends steps until a cap stops it.
    const series = Array.from({ length: 40 }, (_, i) =>
      ['BEGIN:VEVENT', `UID:seconds-${i}`, 'DTSTART:19900101T000000Z', 'RRULE:FREQ=SECONDLY;COUNT=999999999;BYMINUTE=0', 'END:VEVENT'].join('\r\n'),
    );
    const parsed = parseIcs(calendar(series.join('\r\n')), year);
    expect(parsed.events).toEqual([]);
    const counts = parsed.warningCounts;
    expect((counts.step_budget ?? 0) + (counts.series_cap ?? 0)).toBe(40);
    expect(counts.step_budget).toBeGreaterThan(0); // the file's budget ran out before the last series
    expect(new Set(parsed.warnings.map((w) => w.uid))).toEqual(new Set(series.map((_, i) => `seconds-${i}`)));
  });

  it('when two VEVENTs share a UID and a SEQUENCE without RECURRENCE-ID, then both are kept as distinct events and a warning names the second', () => {
    const text = calendar(
      [
        'BEGIN:VEVENT', 'UID:twin', 'SUMMARY:Morning', 'DTSTART:20261102T090000Z', 'END:VEVENT',
        'BEGIN:VEVENT', 'UID:twin', 'SUMMARY:Afternoon', 'DTSTART:20261102T150000Z', 'END:VEVENT',
      ].join('\r\n'),
    );
    const parsed = parseIcs(text, window);
    expect(parsed.events.map((e) => e.title)).toEqual(['Morning', 'Afternoon']);
    expect(new Set(parsed.events.map((e) => e.externalId)).size).toBe(2);
    expect(parsed.warnings).toEqual([expect.objectContaining({ code: 'duplicate_uid', uid: 'twin', line: 9 })]);
  });

  it('when a DURATION runs past the JavaScript Date range, then that event ends at the window\'s end with a warning naming its line and the rest is kept', () => {
    const text = calendar(
      [
        'BEGIN:VEVENT', 'UID:forever', 'DTSTART:20261102T090000Z', 'DURATION:P999999999999999999W', 'END:VEVENT',
        'BEGIN:VEVENT', 'UID:sound', 'DTSTART:20261103T090000Z', 'DURATION:PT1H', 'END:VEVENT',
      ].join('\r\n'),
    );
    const parsed = parseIcs(text, window);
    expect(parsed.events.map((e) => [e.externalId, e.end])).toEqual([['forever', window.end], ['sound', utc('2026-11-03T10:00:00Z')]]);
    expect(parsed.warnings).toEqual([expect.objectContaining({ code: 'end_clamped', uid: 'forever', line: 7 })]);
  });

  it('when events run past the window (a long DURATION, a multi-day block, an RDATE period), then each ends at the window end, none before its start, without a warning', () => {
    const last = window.end - 3_600_000;
    const stamp = (ms: number) => new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
    const text = calendar(
      [
        'BEGIN:VEVENT', 'UID:long', `DTSTART:${stamp(last)}`, 'DURATION:P9999W', 'END:VEVENT',
        'BEGIN:VEVENT', 'UID:block', `DTSTART:${stamp(last - 86_400_000)}`, `DTEND:${stamp(last + 5 * 86_400_000)}`, 'END:VEVENT',
        'BEGIN:VEVENT', 'UID:period', 'DTSTART:20261102T090000Z', 'DURATION:PT1H', `RDATE;VALUE=PERIOD:${stamp(last)}/${stamp(last + 7_200_000)}`, 'END:VEVENT',
        'BEGIN:VEVENT', 'UID:inside', 'DTSTART:20261103T090000Z', 'DURATION:PT1H', 'END:VEVENT',
      ].join('\r\n'),
    );
    const parsed = parseIcs(text, window);
    const ends = Object.fromEntries(parsed.events.map((e) => [e.externalId, e.end]));
    expect(ends).toEqual({ long: window.end, block: window.end, [`period::${utc('2026-11-02T09:00:00Z')}`]: utc('2026-11-02T10:00:00Z'), [`period::${last}`]: window.end, inside: utc('2026-11-03T10:00:00Z') });
    expect(parsed.events.every((e) => e.end >= e.start && e.end <= window.end)).toBe(true);
    expect(parsed.warnings).toEqual([]);
  });
});
