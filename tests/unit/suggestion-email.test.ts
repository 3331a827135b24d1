import { describe, expect, it } from 'vitest';
import { FLAG_DAMPENERS, FLAG_WEIGHTS, scoreSeries, type FlagReason, type SeriesFacts } from '../../src/domain/meeting-flags';
import { buildMimeMessage, composeSuggestionEmail, emailLocale, encodeHeaderValue, sanitizeHeaderText } from '../../src/domain/suggestion-email';
import { seriesFacts } from '../helpers/events';

const facts: SeriesFacts = seriesFacts({ title: 'Weekly status sync', organizer: 'ayu@acme.id', attendeeCount: 8, durationMinutes: 60 });
const links = { tryAsync: 'https://u.example/a?t=1', keep: 'https://u.example/a?t=2', optOut: 'https://u.example/a?t=3' };
const compose = (over: Partial<SeriesFacts> = {}, locale = 'en') =>
  composeSuggestionEmail({ locale, recipientName: 'Ayu', flag: scoreSeries({ ...facts, ...over }, 100), currency: 'USD', replyBy: '2026-12-02', links });

describe('suggestion email', () => {
  it('when a flag carries any reason code, then the Indonesian email has a sentence for it', () => {
    const codes = [...Object.keys(FLAG_WEIGHTS), ...Object.keys(FLAG_DAMPENERS), 'score.capped', 'purpose.none'] as FlagReason['code'][];
    const flag = scoreSeries(facts, 100);
    const params = { word: 'rapat', count: 2, ceiling: 44, attendees: 8, minutes: 60, hours: 9, optional: 3, percent: 38, declinedPercent: 25, missing: 'agenda' };
    const reasons = codes.map((code) => ({ code, points: 1, detail: code, params }));
    const email = composeSuggestionEmail({ locale: 'id', recipientName: 'Ayu', flag: { ...flag, reasons }, currency: 'IDR', replyBy: '2026-12-02', links });
    expect(email.text).not.toContain('undefined');
    expect(email.text).toContain('2 rapat serupa dipertahankan oleh penyelenggaranya.');
    for (const code of codes) expect(email.text, code).not.toContain(code);
  });

  it('when composed in English, then it names the meeting, its reasons, cost, the template with a reply-by date and the three links', () => {
    const email = compose();
    expect(email.locale).toBe('en');
    expect(email.subject).toBe('Could "Weekly status sync" be a written update?');
    for (const part of [email.text, email.html]) {
      expect(part).toContain('Weekly status sync');
      expect(part).toContain('reads like a status update');
      expect(part).toContain('8 person-hours');
      expect(part).toContain('$41,600');
      expect(part).toContain('Wednesday, 2 December 2026');
      for (const heading of ['Context', 'Progress since last time', 'Decisions needed', 'Blockers', 'Links']) expect(part).toContain(heading);
    }
    expect(email.text).toContain(links.tryAsync);
    expect(email.html).toContain(`href="${links.optOut}"`);
    expect(email.html).not.toMatch(/<img|<script/i);
  });

  it('when the organizer reads Indonesian, then subject, reasons, template and links are in Indonesian', () => {
    const email = compose({ title: 'Rapat mingguan tim' }, 'id-ID');
    expect(email.locale).toBe('id');
    expect(email.subject).toBe('Bisakah "Rapat mingguan tim" diganti pembaruan tertulis?');
    expect(email.text).toContain('terdengar seperti pembaruan status');
    expect(email.text).toContain('Rabu, 2 Desember 2026');
    expect(email.text).toContain('Keputusan yang dibutuhkan');
    expect(email.text).toContain('Berhenti kirim email ini');
    expect(email.text).toContain('jam-orang');
  });

  it.each(['de', 'xx-YY', '', '!!', undefined])('when the locale is %j, then English is used', (locale) => {
    expect(emailLocale(locale)).toBe('en');
  });

  it('when a title carries CR/LF and a fake header, then the subject stays one line and the body keeps no raw HTML', () => {
    const email = compose({ title: 'Sync\r\nBcc: victim@evil.test\n<script>alert(1)</script> & "more"' });
    expect(email.subject).not.toMatch(/[\r\n]/);
    expect(email.subject).toContain('Sync Bcc: victim@evil.test');
    expect(email.html).not.toContain('<script>');
    expect(email.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;more&quot;');
    const mime = buildMimeMessage({ from: { email: 'unmeet@u.example', name: 'unmeet' }, to: { email: 'ayu@acme.id', name: 'Ayu\r\nBcc: x@evil.test' }, subject: email.subject, text: email.text, html: email.html, messageId: '<m1@u.example>', date: 0 });
    const headers = mime.split('\r\n\r\n')[0]!.split('\r\n');
    expect(headers.filter((h) => /^bcc:/i.test(h))).toEqual([]);
  });

  it('when a title is very long or non-ASCII, then the subject is cut with an ellipsis and RFC 2047 encoded', () => {
    expect([...sanitizeHeaderText('x'.repeat(300))].length).toBe(80);
    const encoded = encodeHeaderValue('Rapat mingguan — pembaruan ✓');
    expect(encoded).toMatch(/^=\?UTF-8\?B\?/);
    expect(encoded).not.toMatch(/[^\x20-\x7e\r\n]/);
  });

  it('when a MIME message is built, then it has the headers, both parts and one-click unsubscribe', () => {
    const email = compose();
    const mime = buildMimeMessage({ from: { email: 'unmeet@u.example', name: 'unmeet' }, to: { email: 'ayu@acme.id', name: 'Ayu' }, subject: email.subject, text: email.text, html: email.html, messageId: '<m1@u.example>', date: Date.parse('2026-11-30T02:30:00Z'), unsubscribeUrl: links.optOut });
    expect(mime).toContain('Message-ID: <m1@u.example>\r\n');
    expect(mime).toContain('Date: Mon, 30 Nov 2026 02:30:00 +0000\r\n');
    expect(mime).toContain(`List-Unsubscribe: <${links.optOut}>`);
    expect(mime).toContain('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
    expect(mime).toContain('Content-Type: text/plain; charset=utf-8');
    expect(mime).toContain('Content-Type: text/html; charset=utf-8');
    expect(mime.split('\r\n').every((line) => line.length <= 998)).toBe(true);
  });
});
