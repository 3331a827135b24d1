/**
 * The weekly digest: a person's own last complete week (meetings, focus protected by unmeet and
 * focus time left, time in meetings outside their hours, flagged series they organize) and the
 * week ahead (meetings booked, focus planned), as a mail to themselves in English or
 * Indonesian. Subject, plain text and HTML with the same content; every interpolated value is
 * escaped in HTML, numbers and dates go through Intl, and each range names its time zone.
 *
 * A quiet week is still sent (with "no meetings" lines): a reader who relies on the digest
 * should not have to wonder whether it failed. Only a person with no calendar in the workspace
 * gets none, since there is nothing measured to report (the week is recorded either way).
 *
 * Pure: numbers, links and the instant come in as arguments.
 */
import { DateTime } from 'luxon';
import { weekContaining } from './privacy';
import type { SuggestedFormat } from './meeting-flags';
import { emailLocale, emailParagraph, escapeHtml, FORMAT_TEXT, htmlEmail, plainEmail, sanitizeHeaderText, type EmailLocale } from './suggestion-email';
import type { Interval } from './types';

const HOUR_MS = 3_600_000;

/** Which digest is current at `now` in `timeZone`: its key (this week's Monday), the week it reviews and the week ahead. */
export interface DigestWeek {
  /** ISO date of the Monday that starts the week ahead, in the person's zone: the `digest_sends` key. */
  week: string;
  /** The last complete week, Monday to Monday (local dates, `to` exclusive). */
  review: { from: string; to: string };
  /** The week that starts on `week`. */
  ahead: { from: string; to: string };
}

/** The digest current at `now` (UTC ms) for someone in `timeZone`: it reviews last week and looks at this one. */
export function digestWeek(now: number, timeZone: string): DigestWeek {
  const ahead = weekContaining(now, timeZone);
  const from = DateTime.fromISO(ahead.from, { zone: 'utc' }).minus({ weeks: 1 }).toISODate()!;
  return { week: ahead.from, review: { from, to: ahead.from }, ahead };
}

/** The UTC instant a local date starts in `timeZone` (midnight, or the first instant after a DST gap). */
export const localDateStart = (date: string, timeZone: string): number => DateTime.fromISO(date, { zone: timeZone }).toMillis();

/**
 * Hours of `blocks` inside [`range.start`, `range.end`), overlaps counted once: the focus time
 * unmeet held on the calendar during a week. Rounded to 2 decimals.
 */
export function hoursWithin(blocks: readonly Interval[], range: Interval): number {
  const clipped = blocks
    .map((b) => ({ start: Math.max(b.start, range.start), end: Math.min(b.end, range.end) }))
    .filter((b) => b.end > b.start)
    .sort((a, b) => a.start - b.start);
  let total = 0;
  let reach = -Infinity;
  for (const b of clipped) {
    const start = Math.max(b.start, reach);
    if (b.end > start) total += b.end - start;
    reach = Math.max(reach, b.end);
  }
  return Math.round((total / HOUR_MS) * 100) / 100;
}

export interface DigestFlag {
  title: string;
  verdict: 'consider-async' | 'async';
  suggestedFormat: SuggestedFormat | null;
  personHoursPerYear: number;
  moneyPerYear: number | null;
}

export interface DigestContent {
  locale: string | null | undefined;
  recipientName: string;
  workspaceName: string;
  timeZone: string;
  currency: string;
  review: {
    from: string;
    to: string;
    meetingHours: number;
    meetingCount: number;
    /** Ratio 0–1 of working time spent in meetings. */
    meetingShare: number;
    /** Meeting time outside working hours, non-working days included. */
    outsideHoursMeetingHours: number;
    /** Focus blocks unmeet held on the calendar that week. */
    focusProtectedHours: number;
    /** Free stretches long enough to focus that were left unprotected (the audit's focus hours). */
    focusLeftHours: number;
  };
  ahead: {
    from: string;
    to: string;
    meetingHours: number;
    meetingCount: number;
    /** Focus blocks already on the calendar for the week. */
    focusOnCalendarHours: number;
    /** What the focus planner would add; shown only when focus protection is on. */
    focusToAddHours: number;
    focusEnabled: boolean;
  };
  /** Flagged, undecided series the person organizes, highest score first. */
  flags: readonly DigestFlag[];
}

export interface DigestLinks {
  /** The page where the person sees their week and changes the digest choice. */
  settings: string;
  /** The one-click unsubscribe URL (a GET shows a confirmation button; POST acts). */
  unsubscribe: string;
}

export interface ComposedDigest {
  locale: EmailLocale;
  subject: string;
  text: string;
  html: string;
}

interface Copy {
  subject: (workspace: string, week: string) => string;
  greeting: (name: string) => string;
  intro: (workspace: string) => string;
  reviewHeading: (range: string, zone: string) => string;
  aheadHeading: (range: string, zone: string) => string;
  meetings: (hours: string, count: number) => string;
  noMeetings: string;
  share: (percent: string) => string;
  outsideHours: (hours: string) => string;
  focusProtected: (hours: string) => string;
  focusLeft: (hours: string) => string;
  booked: (hours: string, count: number) => string;
  nothingBooked: string;
  focusOnCalendar: (hours: string) => string;
  focusToAdd: (hours: string) => string;
  focusOff: string;
  flagsHeading: string;
  flag: (title: string, format: string, hours: string, money: string | null) => string;
  noFlags: string;
  settings: string;
  unsubscribe: string;
  footer: string;
}

const COPY: Record<EmailLocale, Copy> = {
  en: {
    subject: (w, week) => `Your week in ${w}: review and week ahead (${week})`,
    greeting: (name) => `Hi ${name},`,
    intro: (w) => `Your own numbers from ${w}: only you get this email.`,
    reviewHeading: (r, z) => `Last week (${r}, ${z})`,
    aheadHeading: (r, z) => `This week (${r}, ${z})`,
    meetings: (h, c) => `Meetings: ${h} h in ${c} ${c === 1 ? 'meeting' : 'meetings'}.`,
    noMeetings: 'Meetings: none.',
    share: (p) => `Share of your working time in meetings: ${p}.`,
    outsideHours: (h) => `Meetings outside your working hours: ${h} h.`,
    focusProtected: (h) => `Focus time protected by unmeet: ${h} h.`,
    focusLeft: (h) => `Focus time left free (stretches of 2 h or more): ${h} h.`,
    booked: (h, c) => `Meetings booked: ${h} h in ${c} ${c === 1 ? 'meeting' : 'meetings'}.`,
    nothingBooked: 'Meetings booked: none.',
    focusOnCalendar: (h) => `Focus time already on your calendar: ${h} h.`,
    focusToAdd: (h) => `Focus time unmeet plans to add: ${h} h.`,
    focusOff: 'Focus protection is off for you; turn it on to have unmeet hold focus time.',
    flagsHeading: 'Meetings you organize that could be written',
    flag: (t, f, h, m) => `"${t}": could be ${f}. Switching saves about ${h} person-hours a year${m ? ` (${m})` : ''}.`,
    noFlags: 'None of the meetings you organize is flagged.',
    settings: 'Your week and this choice',
    unsubscribe: 'Stop the weekly digest',
    footer: 'You asked for this weekly digest; it arrives inside your working hours.',
  },
  id: {
    subject: (w, week) => `Minggu Anda di ${w}: ringkasan dan minggu depan (${week})`,
    greeting: (name) => `Halo ${name},`,
    intro: (w) => `Angka Anda sendiri dari ${w}: hanya Anda yang menerima email ini.`,
    reviewHeading: (r, z) => `Minggu lalu (${r}, ${z})`,
    aheadHeading: (r, z) => `Minggu ini (${r}, ${z})`,
    meetings: (h, c) => `Rapat: ${h} jam dalam ${c} rapat.`,
    noMeetings: 'Rapat: tidak ada.',
    share: (p) => `Porsi jam kerja Anda untuk rapat: ${p}.`,
    outsideHours: (h) => `Rapat di luar jam kerja Anda: ${h} jam.`,
    focusProtected: (h) => `Waktu fokus yang dilindungi unmeet: ${h} jam.`,
    focusLeft: (h) => `Waktu fokus yang masih bebas (rentang 2 jam atau lebih): ${h} jam.`,
    booked: (h, c) => `Rapat terjadwal: ${h} jam dalam ${c} rapat.`,
    nothingBooked: 'Rapat terjadwal: tidak ada.',
    focusOnCalendar: (h) => `Waktu fokus yang sudah ada di kalender Anda: ${h} jam.`,
    focusToAdd: (h) => `Waktu fokus yang akan ditambahkan unmeet: ${h} jam.`,
    focusOff: 'Perlindungan fokus tidak aktif untuk Anda; aktifkan agar unmeet menjaga waktu fokus.',
    flagsHeading: 'Rapat yang Anda selenggarakan yang bisa diganti tulisan',
    flag: (t, f, h, m) => `"${t}": bisa diganti ${f}. Beralih menghemat sekitar ${h} jam-orang per tahun${m ? ` (${m})` : ''}.`,
    noFlags: 'Tidak ada rapat yang Anda selenggarakan yang ditandai.',
    settings: 'Minggu Anda dan pilihan ini',
    unsubscribe: 'Berhenti menerima ringkasan mingguan',
    footer: 'Anda meminta ringkasan mingguan ini; email ini tiba di dalam jam kerja Anda.',
  },
};

const intlLocale = (locale: EmailLocale) => (locale === 'id' ? 'id-ID' : 'en-GB');

/** Hours with at most one decimal, in the reader's number format. */
const hours = (value: number, locale: EmailLocale) => new Intl.NumberFormat(intlLocale(locale), { maximumFractionDigits: 1 }).format(value);

const percent = (ratio: number, locale: EmailLocale) => new Intl.NumberFormat(intlLocale(locale), { style: 'percent', maximumFractionDigits: 0 }).format(ratio);

function money(value: number | null, currency: string, locale: EmailLocale): string | null {
  if (value === null) return null;
  try {
    return new Intl.NumberFormat(intlLocale(locale), { style: 'currency', currency, maximumFractionDigits: 0 }).format(value);
  } catch {
    return `${currency} ${hours(value, locale)}`;
  }
}

/** "30 Nov – 6 Dec 2026": a week's local dates, `to` exclusive, in the reader's language. */
function dateRange(range: { from: string; to: string }, locale: EmailLocale): string {
  const from = DateTime.fromISO(range.from, { zone: 'utc' }).setLocale(intlLocale(locale));
  const last = DateTime.fromISO(range.to, { zone: 'utc' }).minus({ days: 1 }).setLocale(intlLocale(locale));
  return `${from.toFormat('d LLL')} – ${last.toFormat('d LLL yyyy')}`;
}

/** The digest's paragraphs as lines: the same content for the plain text and the HTML. */
function sections(content: DigestContent, locale: EmailLocale) {
  const copy = COPY[locale];
  const h = (value: number) => hours(value, locale);
  const { review, ahead } = content;
  const zone = content.timeZone;
  const reviewLines = [
    review.meetingCount > 0 ? copy.meetings(h(review.meetingHours), review.meetingCount) : copy.noMeetings,
    ...(review.meetingCount > 0 ? [copy.share(percent(review.meetingShare, locale)), copy.outsideHours(h(review.outsideHoursMeetingHours))] : []),
    copy.focusProtected(h(review.focusProtectedHours)),
    copy.focusLeft(h(review.focusLeftHours)),
  ];
  const aheadLines = [
    ahead.meetingCount > 0 ? copy.booked(h(ahead.meetingHours), ahead.meetingCount) : copy.nothingBooked,
    copy.focusOnCalendar(h(ahead.focusOnCalendarHours)),
    ahead.focusEnabled ? copy.focusToAdd(h(ahead.focusToAddHours)) : copy.focusOff,
  ];
  const flagLines = content.flags.map((f) =>
    copy.flag(
      sanitizeHeaderText(f.title, 200),
      FORMAT_TEXT[locale][f.suggestedFormat ?? 'written-update'],
      h(f.personHoursPerYear),
      money(f.moneyPerYear, content.currency, locale),
    ),
  );
  return [
    { heading: copy.reviewHeading(dateRange(review, locale), zone), lines: reviewLines },
    { heading: copy.aheadHeading(dateRange(ahead, locale), zone), lines: aheadLines },
    { heading: copy.flagsHeading, lines: flagLines.length > 0 ? flagLines : [copy.noFlags] },
  ];
}

/**
 * Composes the digest in the person's language (`id` → Indonesian, anything else English): a
 * subject naming the workspace and the week, then the review, the week ahead and the flags,
 * with a link to their page and a plain unsubscribe link (the same one as List-Unsubscribe).
 */
export function composeDigestEmail(content: DigestContent, links: DigestLinks): ComposedDigest {
  const locale = emailLocale(content.locale);
  const copy = COPY[locale];
  const workspace = sanitizeHeaderText(content.workspaceName, 80);
  const subject = copy.subject(workspace, dateRange(content.ahead, locale));
  const parts = sections(content, locale);
  const text = plainEmail([
    copy.greeting(sanitizeHeaderText(content.recipientName, 100)),
    '',
    copy.intro(workspace),
    '',
    ...parts.flatMap((s) => [s.heading, ...s.lines.map((l) => `- ${l}`), '']),
    `${copy.settings}: ${links.settings}`,
    `${copy.unsubscribe}: ${links.unsubscribe}`,
  ], copy.footer);
  const e = escapeHtml;
  const p = emailParagraph;
  const html = htmlEmail(locale, subject, [
    p(e(copy.greeting(sanitizeHeaderText(content.recipientName, 100)))),
    p(e(copy.intro(workspace))),
    ...parts.flatMap((s) => [`<h2 style="font-size:16px;margin:16px 0 8px">${e(s.heading)}</h2>`, `<ul style="margin:0 0 12px">${s.lines.map((l) => `<li>${e(l)}</li>`).join('')}</ul>`]),
    p(`<a href="${e(links.settings)}">${e(copy.settings)}</a> &middot; <a href="${e(links.unsubscribe)}">${e(copy.unsubscribe)}</a>`),
  ], copy.footer);
  return { locale, subject, text, html };
}
