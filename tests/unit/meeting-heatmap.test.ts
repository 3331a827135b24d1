import { describe, expect, it } from 'vitest';
import { meetingHeatmap } from '../../src/domain/meeting-heatmap';
import type { CalendarEvent, Member } from '../../src/domain/types';
import { normalizeWorkingHours } from '../../src/domain/working-hours';
import { attendee, calendarEvent } from '../helpers/events';

const ME = 'me@example.com';
const OTHER = 'other@example.com';

const member = (timeZone: string, workingHours = normalizeWorkingHours(undefined)): Member => ({ email: ME, name: 'Me', timeZone, locale: 'en', workingHours });

const event = (start: string, end: string, overrides: Partial<CalendarEvent> = {}): CalendarEvent =>
  calendarEvent({ start: Date.parse(start), end: Date.parse(end), organizer: OTHER, attendees: [attendee(ME), attendee(OTHER)], ...overrides });

/** Two weeks from Monday 2026-11-02: each weekday occurs twice. */
const TWO_WEEKS = { from: '2026-11-02', to: '2026-11-16' };

describe('meetingHeatmap', () => {
  it('when a meeting takes an hour on one Monday of two weeks, then that Monday hour averages 30 minutes per week, in local time', () => {
    // 03:00 UTC is 10:00 in Jakarta (UTC+7).
    const map = meetingHeatmap({ member: member('Asia/Jakarta'), events: [event('2026-11-02T03:00:00Z', '2026-11-02T04:00:00Z')], range: TWO_WEEKS });
    expect(map.minutes[0]![10]).toBe(30);
    expect(map.peak).toBe(30);
    expect(map.outsideMinutesPerWeek).toBe(0);
    expect(map.minutes.flat().reduce((a, b) => a + b, 0)).toBe(30);
  });

  it.each([
    ['declined by the member', { attendees: [{ email: ME, response: 'declined' as const, optional: false }, { email: OTHER, response: 'accepted' as const, optional: false }] }],
    ['cancelled', { status: 'cancelled' as const }],
    ['free (transparent)', { transparency: 'transparent' as const }],
    ['all-day', { allDay: true }],
    ['a personal block', { organizer: ME, attendees: [] }],
    ['our own focus block', { createdByUnmeet: true }],
  ])('when the event is %s, then it is not meeting time', (_label, overrides) => {
    const map = meetingHeatmap({ member: member('UTC'), events: [event('2026-11-03T10:00:00Z', '2026-11-03T11:00:00Z', overrides)], range: TWO_WEEKS });
    expect(map.peak).toBe(0);
  });

  it('when meetings overlap, then the overlap counts once', () => {
    const events = [event('2026-11-03T10:00:00Z', '2026-11-03T11:00:00Z'), event('2026-11-03T10:30:00Z', '2026-11-03T11:30:00Z')];
    const map = meetingHeatmap({ member: member('UTC'), events, range: { from: '2026-11-02', to: '2026-11-09' } });
    expect(map.minutes[1]![10]).toBe(60);
    expect(map.minutes[1]![11]).toBe(30);
  });

  it('when working hours start at 09:30, then a 09:00–10:00 meeting is half outside them', () => {
    const wh = normalizeWorkingHours({ days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '09:30', end: '17:00' });
    const map = meetingHeatmap({ member: member('UTC', wh), events: [event('2026-11-02T09:00:00Z', '2026-11-02T10:00:00Z')], range: { from: '2026-11-02', to: '2026-11-09' } });
    expect(map.outsideMinutesPerWeek).toBe(30);
    expect(map.working[0]).toEqual([[570, 1020]]);
    expect(map.working[5]).toEqual([]);
  });

  it('when a meeting falls on a Saturday, then all of it is outside working hours', () => {
    const map = meetingHeatmap({ member: member('UTC'), events: [event('2026-11-07T10:00:00Z', '2026-11-07T11:30:00Z')], range: { from: '2026-11-02', to: '2026-11-09' } });
    expect(map.minutes[5]![10]).toBe(60);
    expect(map.minutes[5]![11]).toBe(30);
    expect(map.outsideMinutesPerWeek).toBe(90);
  });

  it('when New York falls back (2026-11-01), then a meeting in the repeated hour lands at local 01:00 on Sunday', () => {
    // 05:30 UTC on 2026-11-01 is 01:30 EDT; 06:30 UTC is 01:30 EST (the second 01:00 hour).
    const events = [event('2026-11-01T05:30:00Z', '2026-11-01T06:00:00Z'), event('2026-11-01T06:30:00Z', '2026-11-01T07:00:00Z')];
    const map = meetingHeatmap({ member: member('America/New_York'), events, range: { from: '2026-10-26', to: '2026-11-02' } });
    expect(map.minutes[6]![1]).toBe(60);
    expect(map.peak).toBe(60);
  });

  it('when a meeting runs past the end of the range, then only the part inside counts', () => {
    const map = meetingHeatmap({ member: member('UTC'), events: [event('2026-11-08T23:00:00Z', '2026-11-09T01:00:00Z')], range: { from: '2026-11-02', to: '2026-11-09' } });
    expect(map.minutes[6]![23]).toBe(60);
    expect(map.minutes[0]![0]).toBe(0);
  });
});
