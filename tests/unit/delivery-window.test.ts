import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { addWorkingDays, isDeliverable, nextDeliveryInstant } from '../../src/domain/delivery-window';
import { normalizeWorkingHours } from '../../src/domain/working-hours';

const nineToFive = normalizeWorkingHours(undefined);
const at = (iso: string, zone: string) => DateTime.fromISO(iso, { zone }).toMillis();
const local = (ms: number, zone: string) => DateTime.fromMillis(ms, { zone }).toFormat("ccc yyyy-MM-dd HH:mm");

describe('nextDeliveryInstant', () => {
  it('when a suggestion is queued Friday 18:00 in Jakarta, then it is delivered Monday 09:30 Jakarta time', () => {
    const zone = 'Asia/Jakarta';
    const out = nextDeliveryInstant(at('2026-11-27T18:00', zone), { timeZone: zone, workingHours: nineToFive });
    expect(local(out, zone)).toBe('Mon 2026-11-30 09:30');
  });

  it.each([
    // [zone, queued local, expected local]
    ['Europe/London', '2026-11-25T08:00', 'Wed 2026-11-25 09:30'], // before the day: first 30 minutes skipped
    ['Europe/London', '2026-11-25T09:10', 'Wed 2026-11-25 09:30'], // inside the quiet start
    ['Europe/London', '2026-11-25T11:47', 'Wed 2026-11-25 11:47'], // inside hours: now
    ['Europe/London', '2026-11-25T17:00', 'Thu 2026-11-26 09:30'], // end is exclusive
    ['America/Los_Angeles', '2026-11-28T10:00', 'Mon 2026-11-30 09:30'], // Saturday
    ['Australia/Sydney', '2026-11-29T23:00', 'Mon 2026-11-30 09:30'], // Sunday night
  ])('when queued in %s at %s, then delivered %s', (zone, queued, expected) => {
    expect(local(nextDeliveryInstant(at(queued, zone), { timeZone: zone, workingHours: nineToFive }), zone)).toBe(expected);
  });

  it('when the clocks spring forward (Berlin, Sunday 29 March 2026), then Monday delivery is 09:30 CEST, one hour earlier in UTC than the week before', () => {
    const zone = 'Europe/Berlin';
    const before = nextDeliveryInstant(at('2026-03-21T12:00', zone), { timeZone: zone, workingHours: nineToFive });
    const after = nextDeliveryInstant(at('2026-03-28T12:00', zone), { timeZone: zone, workingHours: nineToFive });
    expect(local(before, zone)).toBe('Mon 2026-03-23 09:30');
    expect(local(after, zone)).toBe('Mon 2026-03-30 09:30');
    expect(DateTime.fromMillis(before, { zone: 'utc' }).toFormat('HH:mm')).toBe('08:30');
    expect(DateTime.fromMillis(after, { zone: 'utc' }).toFormat('HH:mm')).toBe('07:30');
  });

  it('when the clocks fall back (New York, Sunday 1 November 2026), then Monday delivery stays 09:30 local', () => {
    const zone = 'America/New_York';
    const out = nextDeliveryInstant(at('2026-10-30T18:00', zone), { timeZone: zone, workingHours: nineToFive });
    expect(local(out, zone)).toBe('Mon 2026-11-02 09:30');
    expect(DateTime.fromMillis(out, { zone: 'utc' }).toFormat('HH:mm')).toBe('14:30');
  });

  it('when someone works split hours on a Sunday-to-Thursday week, then delivery follows their own pattern', () => {
    const zone = 'Asia/Riyadh';
    const wh = normalizeWorkingHours({ sun: [['08:00', '12:00'], ['13:00', '16:00']], mon: [['08:00', '16:00']], tue: [['08:00', '16:00']], wed: [['08:00', '16:00']], thu: [['08:00', '16:00']] });
    expect(local(nextDeliveryInstant(at('2026-11-27T10:00', zone), { timeZone: zone, workingHours: wh }), zone)).toBe('Sun 2026-11-29 08:30');
    expect(local(nextDeliveryInstant(at('2026-11-29T12:10', zone), { timeZone: zone, workingHours: wh }), zone)).toBe('Sun 2026-11-29 13:00');
  });

  it('when a member has no working days at all, then Monday–Friday 09:00–17:00 is assumed rather than never delivering', () => {
    const zone = 'UTC';
    expect(local(nextDeliveryInstant(at('2026-11-28T12:00', zone), { timeZone: zone, workingHours: {} }), zone)).toBe('Mon 2026-11-30 09:30');
  });

  it('when any instant over a month in several zones is given, then the result is never earlier, always deliverable and inside hours after the quiet start', () => {
    for (const zone of ['Asia/Jakarta', 'America/Los_Angeles', 'Europe/London', 'Australia/Sydney', 'Asia/Kolkata']) {
      for (let t = at('2026-10-20T00:00', 'utc'); t < at('2026-11-20T00:00', 'utc'); t += 97 * 60_000) {
        const out = nextDeliveryInstant(t, { timeZone: zone, workingHours: nineToFive });
        const d = DateTime.fromMillis(out, { zone });
        const minutes = d.hour * 60 + d.minute;
        expect(out).toBeGreaterThanOrEqual(t);
        expect(d.weekday).toBeLessThanOrEqual(5);
        expect(minutes).toBeGreaterThanOrEqual(9 * 60 + 30);
        expect(minutes).toBeLessThan(17 * 60);
        expect(isDeliverable(out, { timeZone: zone, workingHours: nineToFive })).toBe(true);
      }
    }
  });
});

describe('addWorkingDays', () => {
  it('when a reply-by date is three working days after a Thursday, then it skips the weekend and lands on Tuesday', () => {
    expect(addWorkingDays(at('2026-11-26T10:00', 'Asia/Jakarta'), { timeZone: 'Asia/Jakarta', workingHours: nineToFive }, 3)).toBe('2026-12-01');
  });
});
