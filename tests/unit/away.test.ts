import { describe, expect, it } from 'vitest';
import { AWAY_TERMS, awayIntervals, isAwayBlock, isAwayTitle } from '../../src/domain/away';
import { collectSeries } from '../../src/domain/flag-series';
import { meetingHeatmap } from '../../src/domain/meeting-heatmap';
import type { CalendarEvent, Member } from '../../src/domain/types';
import { DEFAULT_WORKING_HOURS } from '../../src/domain/working-hours';
import { attendee, calendarEvent } from '../helpers/events';

const ME = 'me@example.com';
const AYU = 'ayu@example.com';
const utc = (iso: string) => Date.parse(`${iso}Z`);
const HOUR = 3_600_000;

/** An all-day block of the member's own from `date` for `days` days (UTC midnights). */
const allDay = (date: string, title: string, days = 1, overrides: Partial<CalendarEvent> = {}) =>
  calendarEvent({ start: utc(`${date}T00:00`), end: utc(`${date}T00:00`) + days * 24 * HOUR, allDay: true, title, transparency: 'transparent', ...overrides });
const timed = (start: string, end: string, title: string, overrides: Partial<CalendarEvent> = {}) =>
  calendarEvent({ start: utc(start), end: utc(end), title, ...overrides });

describe('isAwayTitle: the away lexicon', () => {
  it.each([
    'OOO',
    'ooo - family trip',
    'Out of office',
    'Out-of-Office',
    'Vacation 🏖',
    'Holiday',
    'Public holiday: Christmas',
    'Annual leave',
    'Parental leave',
    'PTO',
    'Day off',
    'Cuti',
    'Cuti bersama Idul Fitri',
    'Libur Nasional',
    'Liburan ke Bali',
    'Izin sakit',
    'Di luar kantor',
  ])('when the title is "%s", then it says away', (title) => {
    expect(isAwayTitle(title)).toBe(true);
  });

  it.each([
    'Holiday party',
    'Vacation planning',
    'Rencana cuti tim',
    'Jadwal libur',
    'Leave request policy review',
    'Weekly sync',
    'Kooperation', // "ooo" only as a whole word
    'Cutie pie', // "cuti" only as a whole word
    '',
  ])('when the title is "%s", then it does not say away', (title) => {
    expect(isAwayTitle(title)).toBe(false);
  });

  it('when every documented term is written on its own, then each one is recognised (no dead entries)', () => {
    for (const term of [...AWAY_TERMS.en, ...AWAY_TERMS.id]) expect(isAwayTitle(term), term).toBe(true);
  });
});

describe('isAwayBlock: which events are away blocks', () => {
  it.each<{ name: string; event: CalendarEvent; away: boolean }>([
    { name: 'the provider marks a 3-hour afternoon away', event: timed('2026-11-03T13:00', '2026-11-03T16:00', 'Dentist', { away: true }), away: true },
    { name: 'an all-day block is titled "Cuti"', event: allDay('2026-11-03', 'Cuti'), away: true },
    { name: 'a timed block of 3 days is titled "Vacation"', event: timed('2026-11-02T00:00', '2026-11-05T00:00', 'Vacation'), away: true },
    { name: 'a 30-minute meeting is titled "Vacation handover"', event: timed('2026-11-02T10:00', '2026-11-02T10:30', 'Vacation handover'), away: false },
    { name: 'an all-day block is titled "Team offsite"', event: allDay('2026-11-03', 'Team offsite'), away: false },
    { name: 'an all-day "OOO" block is cancelled', event: allDay('2026-11-03', 'OOO', 1, { status: 'cancelled' }), away: false },
    { name: 'a provider-marked block has no length', event: timed('2026-11-03T13:00', '2026-11-03T13:00', 'OOO', { away: true }), away: false },
  ])('when $name, then away is $away', ({ event, away }) => {
    expect(isAwayBlock(event)).toBe(away);
  });
});

describe("awayIntervals: a member's away time", () => {
  it('when blocks overlap and touch, then they merge into sorted disjoint intervals', () => {
    const events = [
      allDay('2026-11-05', 'Libur', 2),
      timed('2026-11-03T13:00', '2026-11-03T17:00', 'Out', { away: true }),
      allDay('2026-11-04', 'Annual leave'),
      timed('2026-11-03T09:00', '2026-11-03T10:00', 'Standup', { organizer: AYU, attendees: [attendee(ME), attendee(AYU)] }),
    ];
    expect(awayIntervals(events, ME)).toEqual([
      { start: utc('2026-11-03T13:00'), end: utc('2026-11-03T17:00') },
      { start: utc('2026-11-04T00:00'), end: utc('2026-11-07T00:00') },
    ]);
  });

  it("when a teammate invites the member to their own OOO block, then it is the teammate's absence, not the member's", () => {
    const invitation = timed('2026-11-02T00:00', '2026-11-04T00:00', 'Ayu OOO', { organizer: AYU, attendees: [attendee(ME), attendee(AYU)] });
    expect(isAwayBlock(invitation)).toBe(true);
    expect(awayIntervals([invitation], ME)).toEqual([]);
    expect(awayIntervals([invitation], AYU)).toHaveLength(1);
  });

  it('when a holiday calendar (another organizer, nobody invited) holds a public holiday, then the member is away that day', () => {
    const holiday = allDay('2026-12-25', 'Christmas Day (public holiday)', 1, { organizer: 'id.indonesian#holiday@group.v.calendar.google.com' });
    expect(awayIntervals([holiday], ME)).toEqual([{ start: utc('2026-12-25T00:00'), end: utc('2026-12-26T00:00') }]);
  });
});

describe('away blocks are never meetings', () => {
  const member = (email: string): Member => ({ email, name: email, timeZone: 'UTC', locale: 'en', workingHours: DEFAULT_WORKING_HOURS });
  // Ayu's week of leave, sent to the team as an opaque timed invitation, next to a real one-hour meeting.
  const invitation = timed('2026-11-02T00:00', '2026-11-07T00:00', 'Ayu OOO', { organizer: AYU, attendees: [attendee(ME), attendee(AYU)], externalId: 'ooo-1' });
  const meeting = timed('2026-11-03T10:00', '2026-11-03T11:00', 'Design review', { organizer: AYU, attendees: [attendee(ME), attendee(AYU)], externalId: 'm-1' });

  it('when an OOO invitation sits in calendars, then it is not a series the flags score', () => {
    const series = collectSeries({ members: [member(ME), member(AYU)], events: [invitation, meeting], range: { from: '2026-11-02', to: '2026-11-09' } });
    expect(series.map((s) => s.title)).toEqual(['Design review']);
  });

  it('when an OOO invitation sits in a calendar, then the heat map counts only the real meeting', () => {
    const map = meetingHeatmap({ member: member(ME), events: [invitation, meeting], range: { from: '2026-11-02', to: '2026-11-09' } });
    expect(map.minutes.flat().reduce((sum, m) => sum + m, 0)).toBe(60);
  });
});
