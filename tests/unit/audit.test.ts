import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { auditTeam, measureTeam, type AuditMetrics, type AuditInput } from '../../src/domain/audit';
import { isUnmeetError } from '../../src/domain/errors';
import type { Attendee, CalendarEvent, Member, WorkingHours } from '../../src/domain/types';
import { DEFAULT_WORKING_HOURS, normalizeWorkingHours } from '../../src/domain/working-hours';
import { attendee, calendarEvent } from '../helpers/events';

const ME = 'me@example.com';
const COLLEAGUE = 'colleague@example.com';
const utc = (iso: string) => Date.parse(iso.endsWith('Z') ? iso : `${iso}Z`);

const person = (email: string, response: Attendee['response'] = 'accepted'): Attendee => attendee(email, { response });

const member = (email = ME, timeZone = 'UTC', workingHours: WorkingHours = DEFAULT_WORKING_HOURS): Member => ({
  email,
  name: email.split('@')[0]!,
  timeZone,
  locale: 'en',
  workingHours,
});

/** An event with the member and a colleague attending (a meeting) unless overridden. Times are UTC. */
const event = (start: string, end: string, overrides: Partial<CalendarEvent> = {}): CalendarEvent =>
  calendarEvent({ start: utc(start), end: utc(end), organizer: COLLEAGUE, attendees: [person(ME), person(COLLEAGUE)], hasConferencing: true, ...overrides });
/** A personal block: nobody else involved. */
const block = (start: string, end: string, overrides: Partial<CalendarEvent> = {}) =>
  event(start, end, { organizer: ME, attendees: [], title: 'Dentist', ...overrides });

/** Week of Monday 2026-11-02 in UTC: 5 × 8 h of working time. */
const WEEK = { from: '2026-11-02', to: '2026-11-09' };

const auditOne = (
  events: CalendarEvent[],
  options: { who?: Member; range?: { from: string; to: string }; focusMinMinutes?: number } = {},
) =>
  auditTeam({
    range: options.range ?? WEEK,
    focusMinMinutes: options.focusMinMinutes,
    members: [{ member: options.who ?? member(), events }],
  }).members[0]!;

const EMPTY_WEEK: AuditMetrics = {
  meetingHours: 0,
  meetingCount: 0,
  afterHoursMeetingHours: 0,
  nonWorkingDayMeetingHours: 0,
  workingTimeHours: 40,
  awayHours: 0,
  meetingInWorkingHours: 0,
  otherBusyHours: 0,
  meetingShare: 0,
  focusHours: 40,
  fragmentedHours: 0,
  backToBackChains: 0,
  recurringMeetingHours: 0,
  crossZoneMeetingHours: 0,
  crossZoneOutsideHoursHours: 0,
};

const codeOf = (fn: () => unknown): string => {
  try {
    fn();
  } catch (error) {
    if (isUnmeetError(error)) return error.code;
    throw error;
  }
  throw new Error('expected an UnmeetError');
};

describe('auditTeam: busy events and meetings', () => {
  it.each<{ name: string; events: () => CalendarEvent[]; expected: Partial<AuditMetrics> }>([
    { name: 'the calendar is empty', events: () => [], expected: {} },
    {
      name: 'the member declined the only meeting',
      events: () => [event('2026-11-02T10:00', '2026-11-02T11:00', { attendees: [person(ME, 'declined'), person(COLLEAGUE)] })],
      expected: {},
    },
    { name: 'the only meeting is cancelled', events: () => [event('2026-11-02T10:00', '2026-11-02T11:00', { status: 'cancelled' })], expected: {} },
    {
      name: 'the only meeting is transparent (free)',
      events: () => [event('2026-11-02T10:00', '2026-11-02T11:00', { transparency: 'transparent' })],
      expected: {},
    },
    { name: 'the only event is all-day', events: () => [event('2026-11-02T00:00', '2026-11-03T00:00', { allDay: true })], expected: {} },
    {
      name: 'there is a personal block on Monday 10–11',
      events: () => [block('2026-11-02T10:00', '2026-11-02T11:00')],
      expected: { otherBusyHours: 1, focusHours: 38, fragmentedHours: 1 },
    },
    {
      name: "there is unmeet's own focus block on Monday 09–11 (even with attendees)",
      events: () => [event('2026-11-02T09:00', '2026-11-02T11:00', { createdByUnmeet: true, title: 'Focus' })],
      expected: { otherBusyHours: 2, focusHours: 38 },
    },
    {
      name: 'a room is the only other attendee',
      events: () => [block('2026-11-02T10:00', '2026-11-02T11:00', { attendees: [person(ME), { ...person('room-1@example.com'), resource: true }] })],
      expected: { otherBusyHours: 1, focusHours: 38, fragmentedHours: 1 },
    },
    {
      name: 'there is a meeting on Monday 10–11',
      events: () => [event('2026-11-02T10:00', '2026-11-02T11:00')],
      expected: { meetingHours: 1, meetingCount: 1, meetingInWorkingHours: 1, meetingShare: 0.025, focusHours: 38, fragmentedHours: 1 },
    },
    {
      name: 'the organizer is someone else and there are no attendees',
      events: () => [event('2026-11-02T10:00', '2026-11-02T11:00', { organizer: 'boss@example.com', attendees: [] })],
      expected: { meetingHours: 1, meetingCount: 1, meetingInWorkingHours: 1, meetingShare: 0.025, focusHours: 38, fragmentedHours: 1 },
    },
    {
      name: 'the colleague declined but the member did not',
      events: () => [event('2026-11-02T10:00', '2026-11-02T11:00', { attendees: [person(ME, 'tentative'), person(COLLEAGUE, 'declined')] })],
      expected: { meetingHours: 1, meetingCount: 1, meetingInWorkingHours: 1, meetingShare: 0.025, focusHours: 38, fragmentedHours: 1 },
    },
    {
      name: 'the same instance appears twice (two calendars)',
      events: () => {
        const meeting = event('2026-11-02T10:00', '2026-11-02T11:00');
        return [meeting, { ...meeting }];
      },
      expected: { meetingHours: 1, meetingCount: 1, meetingInWorkingHours: 1, meetingShare: 0.025, focusHours: 38, fragmentedHours: 1 },
    },
    {
      name: 'two meetings overlap (10–11 and 10:30–11:30)',
      events: () => [event('2026-11-02T10:00', '2026-11-02T11:00'), event('2026-11-02T10:30', '2026-11-02T11:30')],
      expected: { meetingHours: 1.5, meetingCount: 2, meetingInWorkingHours: 1.5, meetingShare: 0.038, focusHours: 37.5, fragmentedHours: 1 },
    },
    {
      name: 'a meeting overlaps a personal block (block 10–12, meeting 11–13)',
      events: () => [block('2026-11-02T10:00', '2026-11-02T12:00'), event('2026-11-02T11:00', '2026-11-02T13:00')],
      expected: { meetingHours: 2, meetingCount: 1, meetingInWorkingHours: 2, otherBusyHours: 1, meetingShare: 0.05, focusHours: 36, fragmentedHours: 1 },
    },
    {
      name: 'a meeting runs after hours (17:00–18:30)',
      events: () => [event('2026-11-02T17:00', '2026-11-02T18:30')],
      expected: { meetingHours: 1.5, meetingCount: 1, afterHoursMeetingHours: 1.5 },
    },
    {
      name: 'a meeting starts before hours (08:00–09:30)',
      events: () => [event('2026-11-02T08:00', '2026-11-02T09:30')],
      expected: { meetingHours: 1.5, meetingCount: 1, afterHoursMeetingHours: 1, meetingInWorkingHours: 0.5, meetingShare: 0.013, focusHours: 39.5 },
    },
    {
      name: 'a meeting is on Saturday',
      events: () => [event('2026-11-07T10:00', '2026-11-07T12:00')],
      expected: { meetingHours: 2, meetingCount: 1, nonWorkingDayMeetingHours: 2 },
    },
    {
      name: 'meetings leave three gaps of exactly 2 h (11–12, 14–15)',
      events: () => [event('2026-11-02T11:00', '2026-11-02T12:00'), event('2026-11-02T14:00', '2026-11-02T15:00')],
      expected: { meetingHours: 2, meetingCount: 2, meetingInWorkingHours: 2, meetingShare: 0.05, focusHours: 38, fragmentedHours: 0 },
    },
    {
      name: 'meetings chop Monday into short gaps',
      events: () => [
        event('2026-11-02T10:30', '2026-11-02T11:00'),
        event('2026-11-02T12:00', '2026-11-02T12:30'),
        event('2026-11-02T14:00', '2026-11-02T14:30'),
      ],
      expected: { meetingHours: 1.5, meetingCount: 3, meetingInWorkingHours: 1.5, meetingShare: 0.038, focusHours: 34.5, fragmentedHours: 4 },
    },
  ])('when $name, then the metrics match', ({ events, expected }) => {
    const result = auditOne(events());
    expect(result.metrics).toEqual({ ...EMPTY_WEEK, ...expected });
    // A 7-day range: per week equals the totals.
    expect(result.perWeek).toEqual(result.metrics);
  });

  it('when the member email differs in case from the attendee list, then declines still count', () => {
    const who = member('Me@Example.com');
    const result = auditOne([event('2026-11-02T10:00', '2026-11-02T11:00', { attendees: [person(ME, 'declined'), person(COLLEAGUE)] })], { who });
    expect(result.metrics).toEqual(EMPTY_WEEK);
  });

  it('when the member organises an event only they attend, then it is busy but not a meeting', () => {
    const result = auditOne([event('2026-11-02T10:00', '2026-11-02T11:00', { organizer: ME, attendees: [person(ME)] })]);
    expect(result.metrics).toMatchObject({ meetingHours: 0, meetingCount: 0, otherBusyHours: 1 });
  });
});

describe('auditTeam: working-hours shape', () => {
  const lunch = normalizeWorkingHours({ mon: [['09:00', '12:00'], ['13:00', '17:00']] });

  it('when a lunch break splits the day, then gaps end at the break and do not join across it', () => {
    const result = auditOne([event('2026-11-02T10:30', '2026-11-02T11:00')], { who: member(ME, 'UTC', lunch) });
    // Gaps: 09:00–10:30 (1.5 h), 11:00–12:00 (1 h), 13:00–17:00 (4 h).
    expect(result.metrics).toMatchObject({ workingTimeHours: 7, meetingInWorkingHours: 0.5, focusHours: 4, fragmentedHours: 2.5, meetingShare: 0.071 });
  });

  it('when a meeting falls in the lunch break, then it is after-hours time on a working day', () => {
    const result = auditOne([event('2026-11-02T12:00', '2026-11-02T13:00')], { who: member(ME, 'UTC', lunch) });
    expect(result.metrics).toMatchObject({ meetingHours: 1, afterHoursMeetingHours: 1, meetingInWorkingHours: 0, focusHours: 7 });
  });

  it('when focusMinMinutes is 60, then a 90-minute gap counts as focus', () => {
    const result = auditOne([event('2026-11-02T10:30', '2026-11-02T11:00')], { focusMinMinutes: 60 });
    expect(result.metrics).toMatchObject({ focusHours: 39.5, fragmentedHours: 0 });
  });

  it('when the range spans a DST switch (Los Angeles, 2026-11-01), then working time is still 8 h per weekday', () => {
    const who = member(ME, 'America/Los_Angeles');
    const result = auditOne([event('2026-11-02T16:00', '2026-11-02T18:00')], { who, range: { from: '2026-10-26', to: '2026-11-09' } });
    // 16:00–18:00Z on Nov 2 is 08:00–10:00 PST: one hour before hours, one inside.
    expect(result.metrics).toMatchObject({ workingTimeHours: 80, afterHoursMeetingHours: 1, meetingInWorkingHours: 1, focusHours: 79 });
  });
});

describe('auditTeam: away time (out of office, leave)', () => {
  /** The member's own away mark, as a provider sets it (Google outOfOffice, Graph oof). */
  const ooo = (start: string, end: string) => block(start, end, { title: 'Out of office', away: true });
  const allDay = (date: string, title: string, days = 1) =>
    block(`${date}T00:00`, new Date(utc(`${date}T00:00`) + days * 86_400_000).toISOString().slice(0, 16), { title, allDay: true, transparency: 'transparent' });

  it.each<{ name: string; events: () => CalendarEvent[]; expected: Partial<AuditMetrics> }>([
    { name: 'the provider marks Monday and Tuesday away', events: () => [ooo('2026-11-02T00:00', '2026-11-04T00:00')], expected: { workingTimeHours: 24, awayHours: 16, focusHours: 24, otherBusyHours: 0 } },
    { name: 'an all-day "Cuti" block sits on Thursday', events: () => [allDay('2026-11-05', 'Cuti')], expected: { workingTimeHours: 32, awayHours: 8, focusHours: 32 } },
    { name: 'a three-day all-day "Vacation" spans the weekend', events: () => [allDay('2026-11-06', 'Vacation', 3)], expected: { workingTimeHours: 32, awayHours: 8 } },
    {
      name: 'Wednesday afternoon is away and a meeting fills the morning',
      events: () => [ooo('2026-11-04T13:00', '2026-11-04T17:00'), event('2026-11-04T09:00', '2026-11-04T11:00')],
      // Wednesday keeps 09:00–13:00: 2 h of meeting, then a 2-hour focus gap.
      expected: { workingTimeHours: 36, awayHours: 4, meetingInWorkingHours: 2, meetingShare: 0.056, focusHours: 34, fragmentedHours: 0 },
    },
    {
      name: 'standups fall inside a week of leave',
      events: () => [allDay('2026-11-02', 'Annual leave', 5), event('2026-11-02T09:00', '2026-11-02T09:15'), event('2026-11-03T09:00', '2026-11-03T09:15')],
      expected: { workingTimeHours: 0, awayHours: 40, meetingHours: 0, meetingCount: 0, afterHoursMeetingHours: 0, focusHours: 0, meetingShare: 0 },
    },
    {
      name: 'a meeting runs an hour into an away afternoon',
      events: () => [ooo('2026-11-04T13:00', '2026-11-04T17:00'), event('2026-11-04T12:00', '2026-11-04T14:00')],
      // Only 12:00–13:00 counts, inside working hours: the away hour is not after-hours time either.
      expected: { meetingHours: 1, meetingCount: 1, meetingInWorkingHours: 1, afterHoursMeetingHours: 0, awayHours: 4 },
    },
    {
      name: 'a teammate invites the member to their three-day "OOO" block',
      events: () => [event('2026-11-02T00:00', '2026-11-05T00:00', { title: 'Ayu OOO' })],
      expected: { meetingHours: 0, meetingCount: 0, otherBusyHours: 0, awayHours: 0, workingTimeHours: 40, focusHours: 40 },
    },
    { name: 'the away mark falls on the weekend', events: () => [ooo('2026-11-07T00:00', '2026-11-09T00:00')], expected: { awayHours: 0, workingTimeHours: 40 } },
  ])('when $name, then away time leaves working time and the metrics', ({ events, expected }) => {
    expect(auditOne(events()).metrics).toMatchObject(expected);
  });

  it('when a member in Jakarta takes an all-day "Libur" stored at local midnight, then their 8 working hours that day are away', () => {
    const who = member(ME, 'Asia/Jakarta');
    const libur = block('2026-11-03T17:00', '2026-11-04T17:00', { title: 'Libur', allDay: true }); // Nov 4, 00:00–24:00 WIB
    expect(auditOne([libur], { who }).metrics).toMatchObject({ awayHours: 8, workingTimeHours: 32 });
  });

  it('when a team has one member away, then team working time drops by their away hours and the share is pooled over the rest', () => {
    const report = auditTeam({
      range: WEEK,
      members: [
        { member: member(ME), events: [allDay('2026-11-02', 'OOO', 5)] },
        { member: member(COLLEAGUE), events: [event('2026-11-02T09:00', '2026-11-02T13:00', { organizer: ME, attendees: [person(COLLEAGUE)] })] },
      ],
    });
    expect(report.team.metrics).toMatchObject({ workingTimeHours: 40, awayHours: 40, meetingInWorkingHours: 4, meetingShare: 0.1 });
    expect(report.team.perWeek.awayHours).toBe(40);
  });
});

describe('auditTeam: back-to-back chains', () => {
  const at = (times: Array<[string, string]>) => times.map(([s, e]) => event(`2026-11-03T${s}`, `2026-11-03T${e}`));

  it.each<{ name: string; meetings: Array<[string, string]>; chains: 'no' | 'one' | 'two' }>([
    { name: 'three meetings touch', meetings: [['10:00', '11:00'], ['11:00', '12:00'], ['12:00', '13:00']], chains: 'one' },
    { name: 'only two meetings touch', meetings: [['10:00', '11:00'], ['11:00', '12:00'], ['15:00', '16:00']], chains: 'no' },
    { name: 'gaps are 4 minutes', meetings: [['10:00', '11:00'], ['11:04', '12:00'], ['12:04', '13:00']], chains: 'one' },
    { name: 'gaps are 5 minutes', meetings: [['10:00', '11:00'], ['11:05', '12:00'], ['12:05', '13:00']], chains: 'no' },
    { name: 'meetings overlap (10–12, 10:30–11, 12:03–13)', meetings: [['10:00', '12:00'], ['10:30', '11:00'], ['12:03', '13:00']], chains: 'one' },
    { name: 'four meetings run in a row', meetings: [['09:00', '10:00'], ['10:00', '11:00'], ['11:00', '12:00'], ['12:00', '13:00']], chains: 'one' },
    {
      name: 'two runs of three are separated by a break',
      meetings: [['09:00', '10:00'], ['10:00', '11:00'], ['11:00', '12:00'], ['14:00', '15:00'], ['15:00', '16:00'], ['16:00', '17:00']],
      chains: 'two',
    },
  ])('when $name, then there are $chains back-to-back chains', ({ meetings, chains }) => {
    expect(auditOne(at(meetings)).metrics.backToBackChains).toBe({ no: 0, one: 1, two: 2 }[chains]);
  });

  it('when a personal block sits between meetings, then it does not link them', () => {
    const events = [...at([['10:00', '11:00'], ['12:00', '13:00'], ['13:00', '14:00']]), block('2026-11-03T11:00', '2026-11-03T12:00')];
    expect(auditOne(events).metrics.backToBackChains).toBe(0);
  });
});

describe('auditTeam: recurring series', () => {
  const standup = (day: string) =>
    event(`2026-11-0${day}T09:00`, `2026-11-0${day}T09:15`, {
      seriesKey: 'standup-uid',
      title: 'Standup',
      originalStart: utc(`2026-11-0${day}T09:00`),
      externalId: `standup-uid::${utc(`2026-11-0${day}T09:00`)}`,
    });

  it('when a daily standup recurs all week next to a one-off meeting, then only the standup is recurring', () => {
    const events = ['2', '3', '4', '5', '6'].map(standup);
    const report = auditTeam({ range: WEEK, members: [{ member: member(), events: [...events, event('2026-11-04T14:00', '2026-11-04T15:00')] }] });
    expect(report.members[0]!.metrics).toMatchObject({ meetingHours: 2.25, recurringMeetingHours: 1.25, meetingCount: 6 });
    expect(report.team.topSeries).toEqual([{ seriesKey: 'standup-uid', title: 'Standup', personHours: 1.25, occurrences: 5 }]);
  });

  it('when several members attend series, then series rank by person-hours, ties by title, top 10 only', () => {
    const other = member(COLLEAGUE);
    const series = (key: string, title: string, start: string, end: string) =>
      event(start, end, { seriesKey: key, title, originalStart: utc(start), externalId: `${key}::${utc(start)}` });
    const mine: CalendarEvent[] = [];
    const theirs: CalendarEvent[] = [];
    // Twelve one-hour series on different days/hours; "big" is attended by both (2 person-hours).
    for (let i = 0; i < 12; i++) {
      const day = 2 + (i % 5);
      const hour = String(9 + Math.floor(i / 5)).padStart(2, '0');
      mine.push(series(`s${i}`, `Series ${String.fromCharCode(76 - i)}`, `2026-11-0${day}T${hour}:00`, `2026-11-0${day}T${hour}:30`));
    }
    const big = series('big', 'Planning', '2026-11-05T14:00', '2026-11-05T16:00');
    mine.push(big);
    theirs.push({ ...big });
    // "Zeta" and "Alpha" tie with 1 person-hour each.
    mine.push(series('zeta', 'Zeta', '2026-11-06T14:00', '2026-11-06T15:00'));
    theirs.push(series('alpha', 'Alpha', '2026-11-06T14:00', '2026-11-06T15:00'));
    const report = auditTeam({ range: WEEK, members: [{ member: member(), events: mine }, { member: other, events: theirs }] });
    const top = report.team.topSeries;
    expect(top).toHaveLength(10);
    expect(top[0]).toEqual({ seriesKey: 'big', title: 'Planning', personHours: 4, occurrences: 1 });
    expect(top.slice(1, 3).map((s) => s.title)).toEqual(['Alpha', 'Zeta']);
    // Then the half-hour series by title: A..L reversed, so "Series A" (s11) first.
    expect(top.slice(3).map((s) => s.seriesKey)).toEqual(['s11', 's10', 's9', 's8', 's7', 's6', 's5']);
    expect(top.every((s) => s.personHours > 0)).toBe(true);
  });
});

describe('auditTeam: cross-zone meetings', () => {
  const LONDON = 'london@example.com';
  const NEW_YORK = 'newyork@example.com';
  const LISBON = 'lisbon@example.com';
  const between = (start: string, end: string, ...people: Attendee[]) =>
    event(start, end, { organizer: people[0]!.email, attendees: people });

  it('when meetings include teammates in other offsets, then each side carries its own outside-hours share', () => {
    const m1 = between('2026-11-02T16:00', '2026-11-02T17:00', person(LONDON), person(NEW_YORK)); // 11:00 in New York
    const m2 = between('2026-11-03T09:00', '2026-11-03T10:00', person(LONDON), person(NEW_YORK)); // 04:00 in New York
    const m3 = between('2026-11-04T10:00', '2026-11-04T11:00', person(LONDON), person(LISBON)); // same offset (UTC+0)
    const m4 = between('2026-11-05T10:00', '2026-11-05T11:00', person(LONDON), person(NEW_YORK, 'declined'));
    const m5 = between('2026-11-07T15:00', '2026-11-07T16:00', person(LONDON), person(NEW_YORK)); // Saturday
    const report = auditTeam({
      range: WEEK,
      members: [
        { member: member(LONDON, 'Europe/London'), events: [m1, m2, m3, m4, m5] },
        { member: member(NEW_YORK, 'America/New_York'), events: [m1, m2, m4, m5] },
        { member: member(LISBON, 'Europe/Lisbon'), events: [m3] },
      ],
    });
    const [london, newYork, lisbon] = report.members;
    expect(london!.metrics).toMatchObject({ meetingHours: 5, crossZoneMeetingHours: 3, crossZoneOutsideHoursHours: 1 });
    expect(newYork!.metrics).toMatchObject({ meetingHours: 3, crossZoneMeetingHours: 3, crossZoneOutsideHoursHours: 2 });
    expect(lisbon!.metrics).toMatchObject({ meetingHours: 1, crossZoneMeetingHours: 0, crossZoneOutsideHoursHours: 0 });
    expect(report.team.metrics).toMatchObject({ crossZoneMeetingHours: 6, crossZoneOutsideHoursHours: 3 });
  });

  it('when two zones share an offset only in winter (London vs Accra), then only the summer meeting is cross-zone', () => {
    const ACCRA = 'accra@example.com';
    const summer = between('2026-10-23T10:00', '2026-10-23T11:00', person(LONDON), person(ACCRA)); // BST: UTC+1 vs UTC+0
    const winter = between('2026-10-27T10:00', '2026-10-27T11:00', person(LONDON), person(ACCRA)); // GMT: both UTC+0
    const report = auditTeam({
      range: { from: '2026-10-19', to: '2026-11-02' },
      members: [
        { member: member(LONDON, 'Europe/London'), events: [summer, winter] },
        { member: member(ACCRA, 'Africa/Accra'), events: [summer, winter] },
      ],
    });
    expect(report.members.map((m) => m.metrics.crossZoneMeetingHours)).toEqual([1, 1]);
  });
});

describe('auditTeam: range edges and totals', () => {
  it('when events straddle the range edges, then only the parts inside count', () => {
    const events = [
      event('2026-11-01T23:00', '2026-11-02T00:30'), // 30 min inside, Monday before hours
      event('2026-11-08T23:00', '2026-11-09T01:00'), // 60 min inside, Sunday
      event('2026-11-09T09:00', '2026-11-09T10:00'), // after the range
      event('2026-10-30T09:00', '2026-10-30T10:00'), // before the range
      block('2026-10-31T12:00', '2026-11-02T10:00'), // personal, into Monday 09–10
    ];
    expect(auditOne(events).metrics).toEqual({
      ...EMPTY_WEEK,
      meetingHours: 1.5,
      meetingCount: 2,
      afterHoursMeetingHours: 0.5,
      nonWorkingDayMeetingHours: 1,
      otherBusyHours: 1,
      focusHours: 39,
    });
  });

  it("when the member's zone is ahead of UTC (Tokyo), then the range starts at the member's local midnight", () => {
    const who = member(ME, 'Asia/Tokyo');
    // 2026-11-01T14:00Z–16:00Z is Sunday 23:00 – Monday 01:00 in Tokyo.
    const result = auditOne([event('2026-11-01T14:00', '2026-11-01T16:00')], { who });
    expect(result.metrics).toMatchObject({ meetingHours: 1, afterHoursMeetingHours: 1, nonWorkingDayMeetingHours: 0 });
  });

  it('when the range is two weeks, then per-week values are half the totals and meetingShare stays the ratio', () => {
    const result = auditOne(
      [event('2026-11-02T10:00', '2026-11-02T11:00'), event('2026-11-10T10:00', '2026-11-10T10:30')],
      { range: { from: '2026-11-02', to: '2026-11-16' } },
    );
    // Gaps: Nov 2 09–10 (1 h) and Nov 10 09–10 (1 h) are fragmented; the rest is focus.
    expect(result.metrics).toMatchObject({ meetingHours: 1.5, meetingCount: 2, workingTimeHours: 80, focusHours: 76.5, fragmentedHours: 2, meetingShare: 0.019 });
    expect(result.perWeek).toMatchObject({ meetingHours: 0.75, meetingCount: 1, workingTimeHours: 40, focusHours: 38.25, fragmentedHours: 1, meetingShare: 0.019 });
  });

  it('when the team has several members, then team metrics are sums and meetingShare is the pooled ratio', () => {
    const report = auditTeam({
      range: WEEK,
      members: [
        { member: member(), events: [event('2026-11-02T10:00', '2026-11-02T14:00')] },
        { member: member(COLLEAGUE, 'UTC', normalizeWorkingHours({ days: ['mon'], start: '09:00', end: '17:00' })), events: [] },
      ],
    });
    expect(report.range).toEqual({ ...WEEK, days: 7 });
    expect(report.team.metrics).toMatchObject({ meetingHours: 4, meetingCount: 1, workingTimeHours: 48, meetingInWorkingHours: 4, meetingShare: 0.083, focusHours: 43, fragmentedHours: 1 });
    expect(report.members.map((m) => m.metrics.meetingShare)).toEqual([0.1, 0]);
    expect(report.team.perWeek).toEqual(report.team.metrics);
  });

  it('when the report is built, then it has exactly the documented shape', () => {
    const report = auditTeam({ range: WEEK, members: [{ member: member(), events: [] }] });
    expect(Object.keys(report)).toEqual(['range', 'members', 'team']);
    expect(Object.keys(report.members[0]!)).toEqual(['email', 'timeZone', 'metrics', 'perWeek']);
    expect(Object.keys(report.team)).toEqual(['metrics', 'perWeek', 'topSeries']);
    expect(Object.keys(report.members[0]!.metrics).sort()).toEqual(Object.keys(EMPTY_WEEK).sort());
    expect(Object.keys(report.team.perWeek).sort()).toEqual(Object.keys(EMPTY_WEEK).sort());
  });

  it('when there are no members, then the team totals are zero', () => {
    const report = auditTeam({ range: WEEK, members: [] });
    expect(report.members).toEqual([]);
    expect(report.team.metrics).toEqual({ ...EMPTY_WEEK, workingTimeHours: 0, focusHours: 0 });
    expect(report.team.topSeries).toEqual([]);
  });

  it.each<{ name: string; input: AuditInput; code: string }>([
    { name: 'the range is reversed', input: { range: { from: '2026-11-09', to: '2026-11-02' }, members: [] }, code: 'audit.invalid_range' },
    { name: 'a date is malformed', input: { range: { from: '2026-11-2', to: '2026-11-09' }, members: [] }, code: 'audit.invalid_range' },
    { name: 'a member has an unknown zone', input: { range: WEEK, members: [{ member: member(ME, 'Moon/Base'), events: [] }] }, code: 'member.invalid_time_zone' },
    { name: 'focusMinMinutes is negative', input: { range: WEEK, focusMinMinutes: -5, members: [] }, code: 'audit.invalid_focus_min' },
  ])('when $name, then it throws $code', ({ input, code }) => {
    expect(codeOf(() => auditTeam(input))).toBe(code);
  });
});

describe('auditTeam: working-time identity on random calendars', () => {
  const zones = ['UTC', 'America/Los_Angeles', 'Europe/London', 'Australia/Sydney', 'Asia/Kolkata', 'America/Santiago'];
  const hourPresets: WorkingHours[] = [
    DEFAULT_WORKING_HOURS,
    normalizeWorkingHours({ mon: [['09:00', '12:00'], ['13:00', '17:30']], wed: [['00:00', '24:00']], sat: [['02:00', '03:30']] }),
    normalizeWorkingHours({ days: ['sun', 'mon', 'tue', 'wed', 'thu'], start: '07:15', end: '15:45' }),
    {},
  ];
  const starts = ['2026-03-02', '2026-03-27', '2026-04-01', '2026-09-01', '2026-10-01', '2026-10-22', '2026-10-29'];
  const emails = ['a@x.test', 'b@x.test', 'c@x.test', 'outsider@y.test'];

  const eventArb = fc.record({
    dayOffset: fc.integer({ min: -1, max: 15 }),
    minute: fc.integer({ min: 0, max: 1439 }),
    duration: fc.integer({ min: 0, max: 600 }),
    kind: fc.constantFrom('meeting', 'meeting', 'meeting', 'personal', 'focus', 'declined', 'cancelled', 'free', 'allDay', 'away', 'leave'),
    with: fc.constantFrom(...emails),
    series: fc.option(fc.constantFrom('s1', 's2', 's3'), { nil: null }),
  });
  const memberArb = fc.record({
    zone: fc.constantFrom(...zones),
    hours: fc.constantFrom(...hourPresets),
    events: fc.array(eventArb, { maxLength: 40 }),
  });

  it('when calendars are random, then meeting + other busy + focus + fragmented = working time exactly', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...starts),
        fc.integer({ min: 1, max: 14 }),
        fc.array(memberArb, { minLength: 1, maxLength: 3 }),
        fc.integer({ min: 15, max: 240 }),
        (from, length, team, focusMinMinutes) => {
          const base = utc(`${from}T00:00`);
          const to = new Date(base + length * 86_400_000).toISOString().slice(0, 10);
          const input: AuditInput = {
            range: { from, to },
            focusMinMinutes,
            members: team.map((m, i) => {
              const email = emails[i]!;
              return {
                member: member(email, m.zone, m.hours),
                events: m.events.map((e, j) => {
                  const start = base + e.dayOffset * 86_400_000 + e.minute * 60_000;
                  return {
                    ...event('2026-01-01T00:00', '2026-01-01T00:00'),
                    externalId: `${email}-${j}`,
                    seriesKey: e.series,
                    originalStart: e.series ? start : null,
                    start,
                    end: start + e.duration * 60_000,
                    organizer: e.kind === 'meeting' ? e.with : email,
                    attendees: e.kind === 'meeting' || e.kind === 'declined' ? [person(email, e.kind === 'declined' ? 'declined' : 'accepted'), person(e.with)] : [],
                    createdByUnmeet: e.kind === 'focus',
                    status: e.kind === 'cancelled' ? ('cancelled' as const) : ('confirmed' as const),
                    transparency: e.kind === 'free' ? ('transparent' as const) : ('opaque' as const),
                    allDay: e.kind === 'allDay' || e.kind === 'leave',
                    away: e.kind === 'away',
                    title: e.kind === 'leave' ? 'Cuti' : 'Sync',
                  };
                }),
              };
            }),
          };
          const measured = measureTeam(input);
          // The same calendars without their away blocks: away time is exactly the working time lost.
          const present = measureTeam({ ...input, members: input.members.map((m) => ({ ...m, events: m.events.filter((e) => !e.away && e.title !== 'Cuti') })) });
          measured.members.forEach(({ measurement: m }, i) => {
            expect(m.workingTimeMs + m.awayMs).toBe(present.members[i]!.measurement.workingTimeMs);
            expect(m.meetingMs).toBeLessThanOrEqual(present.members[i]!.measurement.meetingMs);
          });
          for (const { measurement: m } of measured.members) {
            expect(m.meetingInWorkingMs + m.otherBusyMs + m.focusMs + m.fragmentedMs).toBe(m.workingTimeMs);
            expect(m.meetingInWorkingMs + m.afterHoursMeetingMs + m.nonWorkingDayMeetingMs).toBe(m.meetingMs);
            for (const value of Object.values(m)) expect(value).toBeGreaterThanOrEqual(0);
            expect(m.recurringMeetingMs).toBeLessThanOrEqual(m.meetingMs);
            expect(m.crossZoneOutsideHoursMs).toBeLessThanOrEqual(m.crossZoneMeetingMs);
            expect(m.crossZoneMeetingMs).toBeLessThanOrEqual(m.meetingMs);
          }
          const report = auditTeam(input);
          for (const { metrics: r } of [...report.members, report.team]) {
            const sum = r.meetingInWorkingHours + r.otherBusyHours + r.focusHours + r.fragmentedHours;
            expect(Math.abs(sum - r.workingTimeHours)).toBeLessThanOrEqual(0.0251);
          }
          // Series may overlap each other: their person-time covers the recurring union at least once.
          const seriesMs = measured.series.reduce((total, s) => total + s.personMs, 0);
          const recurringMs = measured.members.reduce((total, m) => total + m.measurement.recurringMeetingMs, 0);
          expect(seriesMs).toBeGreaterThanOrEqual(recurringMs);
        },
      ),
      { numRuns: 200 },
    );
  });
});
