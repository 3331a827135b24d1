/**
 * The suggestion email to a meeting's organizer, composed from a flag: what meeting, why it
 * was flagged (the reasons in plain words), what it costs, and a ready-to-paste written
 * update (context, progress, decisions needed with a reply-by date, blockers, links) that
 * models the clear writing it asks for. English and Indonesian; any other locale falls back to
 * English. Subject, plain text and HTML (escaped, no images, no tracking), plus the MIME
 * message that is stored, exported as `.eml` and handed to SMTP byte for byte.
 *
 * Pure: the links, dates and Message-ID come in as arguments.
 */
import { DateTime } from 'luxon';
import { reasonSentence } from './flag-reason-text';
import type { SeriesFlag, SuggestedFormat } from './meeting-flags';

export type EmailLocale = 'en' | 'id';

/** `id`, `id-ID` and the legacy `in` are Indonesian; everything else (and anything malformed) is English. */
export function emailLocale(locale: string | null | undefined): EmailLocale {
  const tag = (locale ?? '').trim().toLowerCase().split(/[-_]/)[0];
  return tag === 'id' || tag === 'in' ? 'id' : 'en';
}

export interface SuggestionLinks {
  /** "We'll try async": records the series as converted. */
  tryAsync: string;
  /** "Keep it": records the series as kept (not suggested again for a while). */
  keep: string;
  /** "Stop these emails": opts the recipient out, for good. */
  optOut: string;
}

export interface SuggestionEmailInput {
  locale: string | null | undefined;
  recipientName: string;
  flag: Pick<SeriesFlag, 'title' | 'score' | 'verdict' | 'reasons' | 'suggestedFormat' | 'cost' | 'attendeeCount' | 'durationMinutes' | 'recurring'>;
  /** ISO 4217 code for `cost.moneyPerYear`. */
  currency: string;
  /** Local date `YYYY-MM-DD` by which decisions in the written update should be answered. */
  replyBy: string;
  links: SuggestionLinks;
}

export interface ComposedEmail {
  locale: EmailLocale;
  subject: string;
  text: string;
  html: string;
}

/** Longest meeting title kept in a subject line, in characters. */
export const SUBJECT_TITLE_MAX = 80;

/**
 * A title made safe for a header: control characters, line and paragraph separators become
 * spaces (so nothing can start a new header line), blanks collapse, and it is cut to
 * `max` characters with an ellipsis.
 */
export function sanitizeHeaderText(value: string, max = SUBJECT_TITLE_MAX): string {
  // eslint-disable-next-line no-control-regex
  const flat = value.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ').replace(/\s+/g, ' ').trim();
  const chars = [...flat];
  return chars.length > max ? `${chars.slice(0, max - 1).join('').trimEnd()}…` : flat;
}

/** HTML text and attribute escaping. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** A paragraph of an HTML email (`content` already escaped). */
export const emailParagraph = (content: string) => `<p style="margin:0 0 12px">${content}</p>`;

/**
 * An HTML email around `body` (lines of markup, already escaped) and a small footer: one plain,
 * readable frame for every mail the service writes, titled with its subject, in the reader's language.
 */
export function htmlEmail(locale: EmailLocale, subject: string, body: readonly string[], footer: string): string {
  return [
    '<!doctype html>',
    `<html lang="${locale}"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>`,
    '<body style="font-family:-apple-system,Segoe UI,Roboto,Helvetica,Arial,sans-serif;font-size:15px;line-height:1.5;color:#1f2328;max-width:640px">',
    ...body,
    `<p style="margin:16px 0 0;color:#59636e;font-size:13px">${escapeHtml(footer)}</p>`,
    '</body></html>',
    '',
  ].join('\n');
}

/** The plain-text twin of `htmlEmail`: the lines, then the footer after a signature separator ("-- "). */
export const plainEmail = (body: readonly string[], footer: string) => [...body, '', '-- ', footer, ''].join('\n');

/** Each suggested format as a phrase that completes "could be …", per language. */
export const FORMAT_TEXT: Record<EmailLocale, Record<SuggestedFormat, string>> = {
  en: {
    'written-update': 'a short written status update',
    'decision-doc': 'a decision document with a clear question and a reply-by date',
    'recorded-broadcast': 'a recorded demo or broadcast that people watch when it suits them',
    'shared-notes': 'shared notes or an FAQ that everyone adds to',
  },
  id: {
    'written-update': 'pembaruan status tertulis yang singkat',
    'decision-doc': 'dokumen keputusan dengan pertanyaan yang jelas dan tenggat balasan',
    'recorded-broadcast': 'demo atau siaran rekaman yang bisa ditonton kapan saja',
    'shared-notes': 'catatan bersama atau FAQ yang bisa dilengkapi semua orang',
  },
};

function formatNumber(value: number, locale: EmailLocale): string {
  return new Intl.NumberFormat(locale === 'id' ? 'id-ID' : 'en-US', { maximumFractionDigits: value >= 100 ? 0 : 1 }).format(value);
}

function formatMoney(value: number, currency: string, locale: EmailLocale): string {
  try {
    return new Intl.NumberFormat(locale === 'id' ? 'id-ID' : 'en-US', { style: 'currency', currency, maximumFractionDigits: 0 }).format(value);
  } catch {
    return `${currency} ${formatNumber(value, locale)}`;
  }
}

function formatDate(date: string, locale: EmailLocale): string {
  const d = DateTime.fromISO(date, { zone: 'utc', locale: locale === 'id' ? 'id-ID' : 'en-GB' });
  return d.isValid ? d.toFormat('cccc, d LLLL yyyy') : date;
}

interface Copy {
  subject: (title: string) => string;
  greeting: (name: string) => string;
  intro: (title: string, format: string) => string;
  why: (score: number) => string;
  cost: (perOccurrence: string, people: number, minutes: number) => string;
  costYear: (perYear: string, money: string | null) => string;
  proposal: string;
  templateHeading: string;
  templateSubject: (title: string) => string;
  sections: { context: [string, string]; progress: [string, string]; decisions: (replyBy: string) => [string, string]; blockers: [string, string]; links: [string, string] };
  choices: string;
  tryAsync: string;
  keep: string;
  optOut: string;
  footer: string;
}

const COPY: Record<EmailLocale, Copy> = {
  en: {
    subject: (t) => `Could "${t}" be a written update?`,
    greeting: (name) => `Hi ${name},`,
    intro: (t, f) => `"${t}" looks like a meeting that could work as ${f}. Here is why, what it costs, and a template to try it once.`,
    why: (s) => `Why it was flagged (score ${s}/100):`,
    cost: (h, p, m) => `Each occurrence takes ${h} person-hours (${p} people × ${m} minutes).`,
    costYear: (h, money) => `Over a year that is about ${h} person-hours${money ? `, roughly ${money} at your workspace's hourly rate` : ''}.`,
    proposal: 'Suggestion: replace the next occurrence with a written update, then decide together whether the meeting still earns its time.',
    templateHeading: 'A template you can paste and fill in:',
    templateSubject: (t) => `${t}: written update`,
    sections: {
      context: ['Context', 'One or two sentences: what this update covers and who it is for.'],
      progress: ['Progress since last time', '- What moved, with a link to the work.'],
      decisions: (d) => [`Decisions needed (please reply by ${d})`, '- The question, the options, and your recommendation. No reply by then means we go with the recommendation.'],
      blockers: ['Blockers', '- What is stuck, and who can unblock it.'],
      links: ['Links', '- Documents, dashboards, tickets.'],
    },
    choices: 'Tell us how it went (one click, no login):',
    tryAsync: "We'll try async",
    keep: 'Keep the meeting',
    optOut: 'Stop these emails',
    footer: 'Sent by unmeet for your workspace, inside your working hours. There is no need to reply outside yours.',
  },
  id: {
    subject: (t) => `Bisakah "${t}" diganti pembaruan tertulis?`,
    greeting: (name) => `Halo ${name},`,
    intro: (t, f) => `"${t}" tampaknya bisa dijalankan sebagai ${f}. Berikut alasannya, biayanya, dan templat untuk mencobanya sekali.`,
    why: (s) => `Mengapa rapat ini ditandai (skor ${s}/100):`,
    cost: (h, p, m) => `Setiap pertemuan memakan ${h} jam-orang (${p} orang × ${m} menit).`,
    costYear: (h, money) => `Dalam setahun sekitar ${h} jam-orang${money ? `, kira-kira ${money} dengan tarif per jam workspace Anda` : ''}.`,
    proposal: 'Saran: ganti pertemuan berikutnya dengan pembaruan tertulis, lalu putuskan bersama apakah rapat ini masih sepadan dengan waktunya.',
    templateHeading: 'Templat yang bisa langsung ditempel dan diisi:',
    templateSubject: (t) => `${t}: pembaruan tertulis`,
    sections: {
      context: ['Konteks', 'Satu atau dua kalimat: apa yang dibahas pembaruan ini dan untuk siapa.'],
      progress: ['Kemajuan sejak pembaruan terakhir', '- Apa yang sudah bergerak, dengan tautan ke pekerjaannya.'],
      decisions: (d) => [`Keputusan yang dibutuhkan (mohon balas paling lambat ${d})`, '- Pertanyaannya, pilihannya, dan rekomendasi Anda. Tanpa balasan hingga tanggal itu, kita jalankan rekomendasinya.'],
      blockers: ['Hambatan', '- Apa yang tertahan, dan siapa yang bisa membantu.'],
      links: ['Tautan', '- Dokumen, dasbor, tiket.'],
    },
    choices: 'Beri tahu kami hasilnya (sekali klik, tanpa login):',
    tryAsync: 'Kami coba cara asinkron',
    keep: 'Tetap adakan rapat',
    optOut: 'Berhenti kirim email ini',
    footer: 'Dikirim oleh unmeet untuk workspace Anda, di dalam jam kerja Anda. Tidak perlu membalas di luar jam kerja Anda.',
  },
};

/**
 * Composes the suggestion for a flagged series in the recipient's locale: subject (title
 * sanitised for the header), plain text and HTML with the same content, every interpolated
 * value escaped in HTML. Links are used as given (they are signed by the caller).
 */
export function composeSuggestionEmail(input: SuggestionEmailInput): ComposedEmail {
  const locale = emailLocale(input.locale);
  const copy = COPY[locale];
  const { flag } = input;
  const title = sanitizeHeaderText(flag.title, 200);
  const format = FORMAT_TEXT[locale][flag.suggestedFormat ?? 'written-update'];
  const reasons = flag.reasons.filter((r) => r.points > 0).map((r) => reasonSentence(r, locale));
  const costLine = copy.cost(formatNumber(flag.cost.personHoursPerOccurrence, locale), flag.attendeeCount, flag.durationMinutes);
  const money = flag.cost.moneyPerYear !== null ? formatMoney(flag.cost.moneyPerYear, input.currency, locale) : null;
  const yearLine = flag.recurring ? copy.costYear(formatNumber(flag.cost.personHoursPerYear, locale), money) : null;
  const replyBy = formatDate(input.replyBy, locale);
  const s = copy.sections;
  const sections: Array<[string, string]> = [s.context, s.progress, s.decisions(replyBy), s.blockers, s.links];
  const links: Array<[string, string]> = [
    [copy.tryAsync, input.links.tryAsync],
    [copy.keep, input.links.keep],
    [copy.optOut, input.links.optOut],
  ];
  const subject = copy.subject(sanitizeHeaderText(flag.title));

  const text = plainEmail([
    copy.greeting(input.recipientName),
    '',
    copy.intro(title, format),
    '',
    copy.why(flag.score),
    ...reasons.map((r) => `- ${r}`),
    '',
    costLine,
    ...(yearLine ? [yearLine] : []),
    '',
    copy.proposal,
    '',
    copy.templateHeading,
    '',
    '----',
    copy.templateSubject(title),
    '',
    ...sections.flatMap(([heading, body]) => [heading, body, '']),
    '----',
    '',
    copy.choices,
    ...links.map(([label, href]) => `  ${label}: ${href}`),
  ], copy.footer);

  const e = escapeHtml;
  const p = emailParagraph;
  const html = htmlEmail(locale, subject, [
    p(e(copy.greeting(input.recipientName))),
    p(e(copy.intro(title, format))),
    p(`<strong>${e(copy.why(flag.score))}</strong>`),
    `<ul style="margin:0 0 12px">${reasons.map((r) => `<li>${e(r)}</li>`).join('')}</ul>`,
    p(e(costLine) + (yearLine ? `<br>${e(yearLine)}` : '')),
    p(e(copy.proposal)),
    p(`<strong>${e(copy.templateHeading)}</strong>`),
    '<div style="border-left:3px solid #d0d7de;padding:4px 12px;margin:0 0 12px">',
    p(`<strong>${e(copy.templateSubject(title))}</strong>`),
    ...sections.map(([heading, body]) => p(`<strong>${e(heading)}</strong><br>${e(body)}`)),
    '</div>',
    p(e(copy.choices)),
    `<p style="margin:0 0 12px">${links.map(([label, href]) => `<a href="${e(href)}">${e(label)}</a>`).join(' &middot; ')}</p>`,
  ], copy.footer);

  return { locale, subject, text, html };
}

// ---------------------------------------------------------------------------------------------
// MIME (RFC 5322 / 2045 / 2047): the exact bytes stored, exported and sent.

const utf8 = new TextEncoder();

function base64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** A header value: ASCII as is; otherwise RFC 2047 encoded-words of at most ~45 bytes each. */
export function encodeHeaderValue(value: string): string {
  const clean = sanitizeHeaderText(value, 998);
  // eslint-disable-next-line no-control-regex
  if (/^[\x20-\x7e]*$/.test(clean)) return clean;
  const words: string[] = [];
  let chunk = '';
  for (const ch of clean) {
    if (utf8.encode(chunk + ch).length > 45) {
      words.push(chunk);
      chunk = '';
    }
    chunk += ch;
  }
  if (chunk) words.push(chunk);
  return words.map((w) => `=?UTF-8?B?${base64(utf8.encode(w))}?=`).join('\r\n ');
}

/** An address header value `"Name" <addr>`; the name is encoded, the address must be plain. */
export function formatAddress(email: string, name?: string): string {
  const address = email.replace(/[\s<>"\\,;:]/g, '');
  if (!name) return `<${address}>`;
  const clean = sanitizeHeaderText(name, 100).replace(/["\\]/g, '');
  // eslint-disable-next-line no-control-regex
  return /^[\x20-\x7e]*$/.test(clean) ? `"${clean}" <${address}>` : `${encodeHeaderValue(clean)} <${address}>`;
}

const wrapBase64 = (text: string) => (base64(utf8.encode(text)).match(/.{1,76}/g) ?? ['']).join('\r\n');

export interface MimeInput {
  from: { email: string; name?: string };
  to: { email: string; name?: string };
  subject: string;
  text: string;
  html: string;
  /** `<id@host>` form. */
  messageId: string;
  /** UTC ms of the Date header. */
  date: number;
  /** An RFC 8058 one-click unsubscribe URL (POST), for List-Unsubscribe. */
  unsubscribeUrl?: string;
}

/**
 * The complete message as CRLF text: headers (From, To, Subject, Date, Message-ID,
 * Auto-Submitted, List-Unsubscribe with one-click POST) and a multipart/alternative body with
 * the plain text and HTML parts, both UTF-8 in base64.
 */
export function buildMimeMessage(input: MimeInput): string {
  const boundary = `=_unmeet_${input.messageId.replace(/[^A-Za-z0-9]/g, '').slice(0, 32)}`;
  const headers = [
    `From: ${formatAddress(input.from.email, input.from.name)}`,
    `To: ${formatAddress(input.to.email, input.to.name)}`,
    `Subject: ${encodeHeaderValue(input.subject)}`,
    `Date: ${DateTime.fromMillis(input.date, { zone: 'utc' }).toRFC2822()}`,
    `Message-ID: ${input.messageId.replace(/[\r\n\s]/g, '')}`,
    'MIME-Version: 1.0',
    'Auto-Submitted: auto-generated',
    ...(input.unsubscribeUrl
      ? [`List-Unsubscribe: <${input.unsubscribeUrl.replace(/[\r\n\s<>]/g, '')}>`, 'List-Unsubscribe-Post: List-Unsubscribe=One-Click']
      : []),
    `Content-Type: multipart/alternative; boundary="${boundary}"`,
  ];
  const part = (type: string, body: string) =>
    [`--${boundary}`, `Content-Type: ${type}; charset=utf-8`, 'Content-Transfer-Encoding: base64', '', wrapBase64(body)].join('\r\n');
  return [...headers, '', part('text/plain', input.text), part('text/html', input.html), `--${boundary}--`, ''].join('\r\n');
}
