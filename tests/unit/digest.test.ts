import { describe, expect, it } from 'vitest';
import { composeDigestEmail, digestWeek, hoursWithin, localDateStart, type DigestContent } from '../../src/domain/digest';

const H = 3_600_000;

const content = (patch: Partial<DigestContent> = {}): DigestContent => ({
  locale: 'en',
  recipientName: 'Ayu',
  workspaceName: 'Acme',
  timeZone: 'Asia/Jakarta',
  currency: 'USD',
  review: { from: '2026-11-23', to: '2026-11-30', meetingHours: 12.5, meetingCount: 9, meetingShare: 0.3125, outsideHoursMeetingHours: 1.5, focusProtectedHours: 4, focusLeftHours: 6.25 },
  ahead: { from: '2026-11-30', to: '2026-12-07', meetingHours: 10, meetingCount: 7, focusOnCalendarHours: 2, focusToAddHours: 4, focusEnabled: true },
  flags: [{ title: 'Weekly status', verdict: 'async', suggestedFormat: 'written-update', personHoursPerYear: 312, moneyPerYear: 24960 }],
  ...patch,
});
const links = { settings: 'https://unmeet.example/me', unsubscribe: 'https://unmeet.example/v1/mail/digest/unsubscribe?token={{digest:unsubscribe}}' };

describe('which digest is current', () => {
  it.each([
    // Sunday 20:00 UTC is already Monday 03:00 in Jakarta, still Sunday in London.
    { now: '2026-11-29T20:00:00Z', zone: 'Asia/Jakarta', week: '2026-11-30', review: '2026-11-23' },
    { now: '2026-11-29T20:00:00Z', zone: 'Europe/London', week: '2026-11-23', review: '2026-11-16' },
    { now: '2026-12-02T12:00:00Z', zone: 'America/Los_Angeles', week: '2026-11-30', review: '2026-11-23' },
  ])('when it is $now in $zone, then the digest of the week of $week reviews the week of $review', ({ now, zone, week, review }) => {
    const current = digestWeek(Date.parse(now), zone);
    expect(current).toEqual({ week, review: { from: review, to: week }, ahead: { from: week, to: current.ahead.to } });
    expect(localDateStart(current.ahead.to, zone) - localDateStart(week, zone)).toBe(7 * 24 * H);
  });

  it('when a week holds the autumn DST change, then its local start is still midnight on the Monday', () => {
    expect(new Date(localDateStart('2026-11-02', 'America/New_York')).toISOString()).toBe('2026-11-02T05:00:00.000Z');
  });
});

describe('hours of blocks inside a week', () => {
  const week = { start: 0, end: 168 * H };
  it.each([
    { name: 'no blocks', blocks: [], hours: 0 },
    { name: 'two separate blocks', blocks: [{ start: 9 * H, end: 11 * H }, { start: 33 * H, end: 35.5 * H }], hours: 4.5 },
    { name: 'overlapping blocks (counted once)', blocks: [{ start: 9 * H, end: 11 * H }, { start: 10 * H, end: 12 * H }], hours: 3 },
    { name: 'blocks across the week edges (clipped)', blocks: [{ start: -2 * H, end: 1 * H }, { start: 167 * H, end: 170 * H }], hours: 2 },
    { name: 'a block wholly outside', blocks: [{ start: 200 * H, end: 202 * H }], hours: 0 },
  ])('when there are $name, then $hours h', ({ blocks, hours }) => {
    expect(hoursWithin(blocks, week)).toBe(hours);
  });
});

describe('the digest email', () => {
  it('when composed in English, then it has the review, the week ahead with zone-labelled ranges, the flag with its suggested format, and both links', () => {
    const mail = composeDigestEmail(content(), links);
    expect(mail.locale).toBe('en');
    expect(mail.subject).toBe('Your week in Acme: review and week ahead (30 Nov – 6 Dec 2026)');
    expect(mail.text).toContain('Last week (23 Nov – 29 Nov 2026, Asia/Jakarta)');
    expect(mail.text).toContain('This week (30 Nov – 6 Dec 2026, Asia/Jakarta)');
    expect(mail.text).toContain('- Meetings: 12.5 h in 9 meetings.');
    expect(mail.text).toContain('- Share of your working time in meetings: 31%.');
    expect(mail.text).toContain('- Meetings outside your working hours: 1.5 h.');
    expect(mail.text).toContain('- Focus time protected by unmeet: 4 h.');
    expect(mail.text).toContain('- Focus time left free (stretches of 2 h or more): 6.3 h.');
    expect(mail.text).toContain('- Meetings booked: 10 h in 7 meetings.');
    expect(mail.text).toContain('- Focus time unmeet plans to add: 4 h.');
    expect(mail.text).toContain('"Weekly status": could be a short written status update. Switching saves about 312 person-hours a year (US$24,960).');
    expect(mail.text).toContain(`Stop the weekly digest: ${links.unsubscribe}`);
    expect(mail.html).toContain(`<a href="${links.unsubscribe}">Stop the weekly digest</a>`);
    expect(mail.html).toContain('<html lang="en">');
  });

  it('when composed in Indonesian, then every line is Indonesian and numbers use the Indonesian format', () => {
    const mail = composeDigestEmail(content({ locale: 'id-ID' }), links);
    expect(mail.locale).toBe('id');
    expect(mail.subject).toBe('Minggu Anda di Acme: ringkasan dan minggu depan (30 Nov – 6 Des 2026)');
    expect(mail.text).toContain('Minggu lalu (23 Nov – 29 Nov 2026, Asia/Jakarta)');
    expect(mail.text).toContain('- Rapat: 12,5 jam dalam 9 rapat.');
    expect(mail.text).toContain('- Porsi jam kerja Anda untuk rapat: 31%.');
    expect(mail.text).toContain('bisa diganti pembaruan status tertulis yang singkat');
    expect(mail.text).toContain('312 jam-orang per tahun (US$24.960)');
    for (const english of ['Meetings', 'Last week', 'Focus time', 'Stop the weekly digest']) expect(mail.text).not.toContain(english);
  });

  it('when a week was quiet and focus protection is off, then it still says so plainly rather than showing zeros as activity', () => {
    const quiet = content({
      review: { ...content().review, meetingHours: 0, meetingCount: 0, meetingShare: 0, outsideHoursMeetingHours: 0, focusProtectedHours: 0 },
      ahead: { ...content().ahead, meetingHours: 0, meetingCount: 0, focusOnCalendarHours: 0, focusToAddHours: 0, focusEnabled: false },
      flags: [],
    });
    const mail = composeDigestEmail(quiet, links);
    expect(mail.text).toContain('- Meetings: none.');
    expect(mail.text).not.toContain('Share of your working time');
    expect(mail.text).toContain('- Meetings booked: none.');
    expect(mail.text).toContain('Focus protection is off for you');
    expect(mail.text).toContain('None of the meetings you organize is flagged.');
  });

  it('when a title, a name or a workspace carries markup or line breaks, then the HTML escapes it and the subject stays one line', () => {
    const mail = composeDigestEmail(
      content({ recipientName: '<b>Ayu</b>', workspaceName: 'Acme\r\nBcc: x@evil.example', flags: [{ ...content().flags[0]!, title: '<script>alert(1)</script> & "sync"' }] }),
      links,
    );
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;sync&quot;');
    expect(mail.html).toContain('Hi &lt;b&gt;Ayu&lt;/b&gt;,');
    expect(mail.subject).not.toMatch(/[\r\n]/);
  });
});
