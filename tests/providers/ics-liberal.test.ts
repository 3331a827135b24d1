/**
 * The ICS reader is liberal in what it accepts and precise in what it reports: each behaviour
 * below is shown on a snippet shaped like the exporter that writes it (Exchange CDO, Outlook Web
 * App publishing, Calendar Labs, old Google and Mozilla exports), with the warning it gives.
 */
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { phraseIcsWarning, summariseIcsWarnings } from '../../src/domain/ics-warnings';
import type { CalendarEvent } from '../../src/domain/types';
import { parseIcs } from '../../src/providers/ics/ics.mapper';

const utc = (iso: string): number => Date.parse(iso);
const at = (iso: string, zone: string): number => DateTime.fromISO(iso, { zone }).toMillis();
const window = { start: utc('2026-10-19T00:00:00Z'), end: utc('2026-12-01T00:00:00Z') };

/** A calendar of VEVENTs (each a list of lines), as exporters write it: CRLF, VERSION and PRODID first. */
function feed(prodid: string, header: string[], ...events: string[][]): string {
  const body = events.flatMap((lines) => ['BEGIN:VEVENT', ...lines, 'END:VEVENT']);
  return ['BEGIN:VCALENDAR', 'VERSION:2.0', `PRODID:${prodid}`, ...header, ...body, 'END:VCALENDAR', ''].join('\r\n');
}

const startsIn = (events: CalendarEvent[], zone: string): string[] =>
  events.map((e) => DateTime.fromMillis(e.start, { zone }).toFormat("yyyy-LL-dd'T'HH:mm"));

describe('liberal RRULE reading', () => {
  it('when Calendar Labs holidays carry an empty RRULE, then each holiday is kept once and each empty rule is named by line', () => {
    const holiday = (uid: string, date: string, title: string): string[] => [
      `SUMMARY:${title}`, `DTSTART;VALUE=DATE:${date}`, 'DTEND;VALUE=DATE:' + String(Number(date) + 1), 'RRULE:', `UID:${uid}`, 'X-MICROSOFT-CDO-BUSYSTATUS:FREE',
    ];
    const text = feed('-//www.calendarlabs.com//EN', ['X-WR-CALNAME:US Holidays'], holiday('h1@calendarlabs.com', '20261111', 'Veterans Day'), holiday('h2@calendarlabs.com', '20261126', 'Thanksgiving Day'));
    const parsed = parseIcs(text, window);
    expect(parsed.events.map((e) => [e.externalId, e.title, e.seriesKey, e.transparency])).toEqual([
      ['h1@calendarlabs.com', 'Veterans Day', null, 'transparent'],
      ['h2@calendarlabs.com', 'Thanksgiving Day', null, 'transparent'],
    ]);
    expect(parsed.warnings.map((w) => [w.code, w.line, w.uid, w.detail])).toEqual([
      ['rule_ignored', 9, 'h1@calendarlabs.com', 'empty'],
      ['rule_ignored', 17, 'h2@calendarlabs.com', 'empty'],
    ]);
    expect(summariseIcsWarnings(parsed.warningCounts, parsed.warnings, 'en')).toEqual(['2 repeat rules ignored: line 9, 17, RRULE has no value']);
    expect(summariseIcsWarnings(parsed.warningCounts, parsed.warnings, 'id')).toEqual(['2 aturan pengulangan diabaikan: baris 9, 17, RRULE tidak memiliki nilai']);
  });

  it('when an Exchange CDO rule has spaces in BYDAY, then it expands on every listed day and the repair is reported', () => {
    const text = feed('Microsoft CDO for Microsoft Exchange', [], [
      'UID:040000008200E00074C5B7101A82E008', 'SUMMARY:Stand-up', 'DTSTART:20261102T090000Z', 'DTEND:20261102T091500Z', 'RRULE:FREQ=WEEKLY;COUNT=4;BYDAY=MO, TU;WKST=SU',
    ]);
    const parsed = parseIcs(text, window);
    expect(startsIn(parsed.events, 'UTC')).toEqual(['2026-11-02T09:00', '2026-11-03T09:00', '2026-11-09T09:00', '2026-11-10T09:00']);
    expect(parsed.warnings).toContainEqual(expect.objectContaining({ code: 'rule_repaired', line: 9 }));
  });

  it('when a rule cannot be read at all, then the event is kept once and the warning says why', () => {
    const text = feed('-//Google Inc//Google Calendar 70.9054//EN', [], ['UID:x@google.com', 'DTSTART:20261102T090000Z', 'RRULE:INTERVAL=2', 'SUMMARY:Review']);
    const parsed = parseIcs(text, window);
    expect(parsed.events.map((e) => [e.externalId, e.seriesKey])).toEqual([['x@google.com', null]]);
    expect(parsed.warnings).toEqual([expect.objectContaining({ code: 'rule_ignored', line: 7, uid: 'x@google.com' })]);
    expect(parsed.warnings[0]?.detail).not.toBe('empty');
  });
});

describe('liberal time-zone reading', () => {
  const timed = (tzid: string): string[] => ['UID:z', `DTSTART;TZID=${tzid}:20261102T090000`, `DTEND;TZID=${tzid}:20261102T100000`];

  it.each([
    ['"(UTC-05:00) Eastern Time (US & Canada)"', 'America/New_York'], // Outlook Web App publishing, no VTIMEZONE
    ['"(UTC+01:00) Amsterdam, Berlin, Bern, Rome, Stockholm, Vienna"', 'Europe/Berlin'],
    ['"(GMT+07:00) Bangkok, Hanoi, Jakarta"', 'Asia/Bangkok'], // older Windows spelling of the same display name
    ['Eastern Standard Time', 'America/New_York'],
    ['/Europe/Stockholm', 'Europe/Stockholm'],
    ['/freeassociation.sourceforge.net/Tzfile/Europe/Stockholm', 'Europe/Stockholm'],
    ['/freeassociation.sourceforge.net/Europe/Stockholm', 'Europe/Stockholm'],
    ['/mozilla.org/20070129_1/America/Sao_Paulo', 'America/Sao_Paulo'],
    ['"(UTC-05:00) Eastern Time (US and Canada)"', 'America/New_York'], // a variant spelling of the display name
  ])('when the TZID is %s without a VTIMEZONE, then times are read in %s and nothing is reported', (tzid, zone) => {
    const parsed = parseIcs(feed('-//Microsoft Corporation//Outlook 16.0 MIMEDIR//EN', [], timed(tzid)), window);
    expect(parsed.events.map((e) => [e.start, e.end])).toEqual([[at('2026-11-02T09:00', zone), at('2026-11-02T10:00', zone)]]);
    expect(parsed.warnings).toEqual([]);
  });

  it.each([
    ['UTC+01', '2026-11-02T08:00:00Z'],
    ['GMT-5', '2026-11-02T14:00:00Z'],
    ['"UTC+05:30"', '2026-11-02T03:30:00Z'],
  ])('when the TZID is the bare offset %s, then times are read at that offset', (tzid, start) => {
    const parsed = parseIcs(feed('-//unmeet tests//EN', [], timed(tzid)), window);
    expect(parsed.events.map((e) => e.start)).toEqual([utc(start)]);
    expect(parsed.warnings).toEqual([]);
  });

  it('when a Windows display name is not in the table, then its stated offset is used and reported once', () => {
    const parsed = parseIcs(feed('-//unmeet tests//EN', [], timed('"(UTC+05:45) Somewhere New"')), window);
    expect(parsed.events.map((e) => e.start)).toEqual([utc('2026-11-02T03:15:00Z')]);
    expect(parsed.warnings).toEqual([expect.objectContaining({ code: 'zone_offset', line: 6, detail: '(UTC+05:45) Somewhere New' })]);
  });

  it('when a TZID names no zone and the calendar declares X-WR-TIMEZONE, then the calendar\'s zone is used, reported once for all its uses', () => {
    const text = feed('-//Google Inc//Google Calendar 70.9054//EN', ['X-WR-TIMEZONE:Asia/Jakarta'], timed('Customized Time Zone'));
    const parsed = parseIcs(text, window, { defaultTimeZone: 'Europe/London' });
    expect(parsed.events.map((e) => [e.start, e.end])).toEqual([[at('2026-11-02T09:00', 'Asia/Jakarta'), at('2026-11-02T10:00', 'Asia/Jakarta')]]);
    expect(parsed.warnings).toEqual([expect.objectContaining({ code: 'zone_fallback', line: 7, detail: 'Customized Time Zone' })]);
    expect(phraseIcsWarning(parsed.warnings[0]!, 'id')).toBe('baris 7: zona waktu "Customized Time Zone" tidak dikenal; waktunya dibaca dalam zona kalender');
  });
});

describe('overrides', () => {
  it('when an override has RANGE=THISANDFUTURE, then it moves and retitles every later instance and leaves earlier ones', () => {
    const master = ['UID:tf', 'SUMMARY:Sync', 'DTSTART;TZID=Europe/Berlin:20261102T100000', 'DURATION:PT1H', 'RRULE:FREQ=WEEKLY;COUNT=4'];
    const moved = [
      'UID:tf', 'RECURRENCE-ID;RANGE=THISANDFUTURE;TZID=Europe/Berlin:20261109T100000', 'SUMMARY:Sync (afternoons)',
      'DTSTART;TZID=Europe/Berlin:20261109T140000', 'DTEND;TZID=Europe/Berlin:20261109T143000',
    ];
    const { events } = parseIcs(feed('-//Apple Inc.//macOS 14.0//EN', [], master, moved), window);
    expect(events.map((e) => [DateTime.fromMillis(e.start, { zone: 'Europe/Berlin' }).toFormat("LL-dd'T'HH:mm"), (e.end - e.start) / 60_000, e.title])).toEqual([
      ['11-02T10:00', 60, 'Sync'],
      ['11-09T14:00', 30, 'Sync (afternoons)'],
      ['11-16T14:00', 30, 'Sync (afternoons)'],
      ['11-23T14:00', 30, 'Sync (afternoons)'],
    ]);
    // Each instance keeps the id of the occurrence it replaces.
    expect(events.map((e) => e.originalStart)).toEqual([2, 9, 16, 23].map((d) => at(`2026-11-${String(d).padStart(2, '0')}T10:00`, 'Europe/Berlin')));
  });

  it('when Exchange moves an instance of an all-day series with a DATE-TIME RECURRENCE-ID in another zone, then the instance shows once', () => {
    const master = ['UID:allday', 'SUMMARY:On call', 'DTSTART;VALUE=DATE:20261102', 'DTEND;VALUE=DATE:20261103', 'RRULE:FREQ=DAILY;COUNT=3'];
    const moved = ['UID:allday', 'RECURRENCE-ID;TZID=W. Europe Standard Time:20261103T000000', 'SUMMARY:On call', 'DTSTART;VALUE=DATE:20261110', 'DTEND;VALUE=DATE:20261111'];
    const parsed = parseIcs(feed('Microsoft Exchange Server 2010', [], master, moved), window, { defaultTimeZone: 'America/New_York' });
    expect(parsed.events.map((e) => DateTime.fromMillis(e.start, { zone: 'America/New_York' }).toISODate())).toEqual(['2026-11-02', '2026-11-04', '2026-11-10']);
    expect(parsed.events.every((e) => e.allDay)).toBe(true);
  });

  it('when Outlook excludes an instance of an all-day series with a DATE-TIME EXDATE in its zone, then that local date is excluded', () => {
    const master = ['UID:leave', 'SUMMARY:Leave', 'DTSTART;VALUE=DATE:20261102', 'DTEND;VALUE=DATE:20261103', 'RRULE:FREQ=DAILY;COUNT=3', 'EXDATE;TZID=GMT Standard Time:20261103T000000'];
    const parsed = parseIcs(feed('Microsoft Exchange Server 2010', [], master), window, { defaultTimeZone: 'Asia/Jakarta' });
    expect(parsed.events.map((e) => DateTime.fromMillis(e.start, { zone: 'Asia/Jakarta' }).toISODate())).toEqual(['2026-11-02', '2026-11-04']);
  });
});

describe('Outlook busy status', () => {
  it.each([
    ['FREE', 'transparent', undefined],
    ['TENTATIVE', 'opaque', undefined],
    ['BUSY', 'opaque', undefined],
    ['OOF', 'opaque', true],
    ['WORKINGELSEWHERE', 'transparent', undefined],
  ])('when X-MICROSOFT-CDO-BUSYSTATUS is %s, then the event is %s and away is %s', (status, transparency, away) => {
    // Outlook writes TRANSP from the busy status loosely; the busy status decides.
    const text = feed('-//Microsoft Corporation//Outlook 16.0 MIMEDIR//EN', [], [
      'UID:b', 'DTSTART:20261102T090000Z', 'DTEND:20261102T170000Z', 'TRANSP:OPAQUE', `X-MICROSOFT-CDO-BUSYSTATUS:${status}`, 'X-MICROSOFT-CDO-INTENDEDSTATUS:BUSY',
    ]);
    const [event] = parseIcs(text, window).events;
    expect(event?.transparency).toBe(transparency);
    expect(event?.away).toBe(away);
  });

  it('when an out-of-office series has an override without a busy status, then the override inherits away', () => {
    const master = ['UID:oof', 'DTSTART;VALUE=DATE:20261102', 'RRULE:FREQ=DAILY;COUNT=2', 'X-MICROSOFT-CDO-BUSYSTATUS:OOF', 'SUMMARY:Leave'];
    const override = ['UID:oof', 'RECURRENCE-ID;VALUE=DATE:20261103', 'DTSTART;VALUE=DATE:20261104', 'SUMMARY:Leave (moved)'];
    const { events } = parseIcs(feed('Microsoft Exchange Server 2010', [], master, override), window);
    expect(events.map((e) => [e.title, e.away])).toEqual([['Leave', true], ['Leave (moved)', true]]);
  });
});

describe('duplicate UIDs and damaged structure', () => {
  it('when an old Google export repeats a UID without RECURRENCE-ID, has a stray END and never closes its last event, then every event is kept and each repair is named', () => {
    const text = [
      'BEGIN:VCALENDAR', 'PRODID:-//Google Inc//Google Calendar 70.9054//EN', 'VERSION:2.0', 'X-WR-TIMEZONE:Europe/Berlin',
      'BEGIN:VEVENT', 'UID:same@google.com', 'DTSTART:20261102T090000Z', 'SUMMARY:First', 'END:VEVENT',
      'END:VALARM',
      'BEGIN:VEVENT', 'UID:same@google.com', 'DTSTART:20261103T090000Z', 'SUMMARY:Second', 'END:VEVENT',
      'BEGIN:VEVENT', 'UID:last@google.com', 'DTSTART:20261104T090000Z', 'SUMMARY:Last',
      'END:VCALENDAR', '',
    ].join('\r\n');
    const parsed = parseIcs(text, window);
    expect(parsed.events.map((e) => [e.externalId, e.title])).toEqual([
      ['same@google.com', 'First'],
      ['same@google.com#2', 'Second'],
      ['last@google.com', 'Last'],
    ]);
    expect(parsed.warnings.map((w) => [w.code, w.line])).toEqual([
      ['line_misplaced', 10],
      ['structure_repaired', 16],
      ['duplicate_uid', 11],
    ]);
  });
});
