/**
 * What an iCalendar import left out or repaired, and how to say it. The reader (src/providers/ics)
 * records each problem as facts — a code, the line, the event's UID and a short language-neutral
 * `detail` (a value, a zone name, a number) — and this module phrases them in English and
 * Indonesian for the API, the CLI and the dashboard, so stored warnings can be shown in the
 * viewer's language long after the import. Pure.
 */

/**
 * - `instance_cap`: a whole series (or event) dropped because the file reached its instance cap (detail: the cap);
 * - `step_budget`: a series whose rule ran out of expansion steps; it has fewer or no instances (detail: instances kept);
 * - `series_cap`: a series cut at the per-series cap (detail: the cap);
 * - `duplicate_uid`: a second VEVENT with the same UID and SEQUENCE and no RECURRENCE-ID, kept as its own event;
 * - `superseded`: a VEVENT with the same UID but a lower SEQUENCE than another, dropped (detail: the kept VEVENT's line);
 * - `out_of_range`: an event whose start lies past what a date can hold, dropped (detail: the value);
 * - `end_clamped`: an end or duration past the window (e.g. `P999999999999999999W`), cut at the window's end (detail: the value);
 * - `rule_ignored`: an RRULE with no value or one that cannot be read; the event is kept once (detail: the reason);
 * - `zone_fallback`: a TZID nobody defines; its times were read in the calendar's or member's zone (detail: the TZID);
 * - `zone_offset`: a TZID known only by the UTC offset it names (e.g. an unknown Windows display name); read at that fixed offset (detail: the TZID);
 * - `property_skipped`: a property whose value cannot be read (an EXDATE, RDATE, DTEND or RECURRENCE-ID), left out (detail: the property);
 * - `event_skipped`: a VEVENT that cannot be read at all (no usable DTSTART), left out (detail: the reason);
 * - `rule_repaired`: an RRULE read after a repair, e.g. stray spaces in `BYDAY=MO, TU` (detail: the value, or what the rule reader repaired);
 * - `line_malformed`: a line that is no content line (`NAME[;PARAMS]:VALUE`), skipped (detail: its start);
 * - `line_misplaced`: a line outside any calendar, or an END without its BEGIN, skipped (detail: its start);
 * - `structure_repaired`: a component never closed, closed where its parent or the file ends (detail: its name).
 */
export type IcsWarningCode =
  | 'instance_cap'
  | 'step_budget'
  | 'series_cap'
  | 'duplicate_uid'
  | 'superseded'
  | 'out_of_range'
  | 'end_clamped'
  | 'rule_ignored'
  | 'zone_fallback'
  | 'zone_offset'
  | 'property_skipped'
  | 'event_skipped'
  | 'rule_repaired'
  | 'line_malformed'
  | 'line_misplaced'
  | 'structure_repaired';

export const ICS_WARNING_CODES: readonly IcsWarningCode[] = Object.freeze([
  'instance_cap',
  'step_budget',
  'series_cap',
  'duplicate_uid',
  'superseded',
  'out_of_range',
  'end_clamped',
  'rule_ignored',
  'zone_fallback',
  'zone_offset',
  'property_skipped',
  'event_skipped',
  'rule_repaired',
  'line_malformed',
  'line_misplaced',
  'structure_repaired',
]);

/** One problem, as facts: enough to phrase it in any language later. */
export interface IcsWarningFacts {
  code: IcsWarningCode | string;
  /** The line of the VEVENT (BEGIN:VEVENT) or of the property concerned. */
  line: number;
  uid: string | null;
  /** Language-neutral fact the sentence needs (a value, a zone name, a number); '' when none. */
  detail?: string;
}

export type IcsWarningLocale = 'en' | 'id';

interface CodePhrases {
  /** How many events it concerns, e.g. "2 events skipped" (`one`: the count is 1). */
  count: (n: string, one: boolean) => string;
  /** Why, from the detail, e.g. "RRULE has no value". */
  reason: (detail: string) => string;
}

type Phrasebook = Record<IcsWarningCode, CodePhrases> & { line: string; unknown: CodePhrases };

/** An English noun for a count: singular for one. */
const s = (one: boolean, word: string): string => (one ? word : `${word}s`);

const en: Phrasebook = {
  line: 'line',
  instance_cap: { count: (n, one) => `${n} series dropped`, reason: (d) => `the file reached its cap of ${d} instances` },
  step_budget: { count: (n, one) => `${n} series cut short`, reason: (d) => `the rule used up its expansion steps after ${d} instances` },
  series_cap: { count: (n, one) => `${n} series cut`, reason: (d) => `the series reached its cap (${d} instances or rule occurrences)` },
  duplicate_uid: { count: (n, one) => `${n} ${s(one, 'event')} kept separately`, reason: () => 'another event has the same UID' },
  superseded: { count: (n, one) => `${n} older ${s(one, 'version')} dropped`, reason: (d) => `line ${d} is a newer version of the same event` },
  out_of_range: { count: (n, one) => `${n} ${s(one, 'event')} skipped`, reason: (d) => `the date ${d} lies beyond the year 275760` },
  end_clamped: { count: (n, one) => `${n} ${s(one, 'event')} shortened`, reason: (d) => `the end ${d} lies far in the future; cut at the end of the imported period` },
  rule_ignored: {
    count: (n, one) => `${n} repeat ${s(one, 'rule')} ignored`,
    reason: (d) => (d === 'empty' ? 'RRULE has no value' : `RRULE cannot be read (${d}); the event was kept once`),
  },
  zone_fallback: { count: (n, one) => `${n} unknown time ${s(one, 'zone')}`, reason: (d) => `time zone "${d}" is unknown; its times were read in the calendar's zone` },
  zone_offset: { count: (n, one) => `${n} time ${s(one, 'zone')} read by offset`, reason: (d) => `time zone "${d}" was read at its UTC offset, without daylight saving` },
  property_skipped: { count: (n, one) => `${n} ${s(one, 'value')} skipped`, reason: (d) => `${d} cannot be read` },
  event_skipped: { count: (n, one) => `${n} ${s(one, 'event')} skipped`, reason: (d) => `the event cannot be read (${d})` },
  rule_repaired: { count: (n, one) => `${n} repeat ${s(one, 'rule')} repaired`, reason: (d) => `RRULE read after a repair: ${d}` },
  line_malformed: { count: (n, one) => `${n} ${s(one, 'line')} skipped`, reason: (d) => `"${d}" is not a calendar line` },
  line_misplaced: { count: (n, one) => `${n} ${s(one, 'line')} out of place`, reason: (d) => `"${d}" is outside any calendar or closes nothing` },
  structure_repaired: { count: (n, one) => `${n} ${s(one, 'component')} closed`, reason: (d) => `BEGIN:${d} is never closed; it ends where its parent ends` },
  unknown: { count: (n, one) => `${n} ${s(one, 'problem')}`, reason: (d) => d },
};

const id: Phrasebook = {
  line: 'baris',
  instance_cap: { count: (n) => `${n} seri dibuang`, reason: (d) => `berkas mencapai batas ${d} kejadian` },
  step_budget: { count: (n) => `${n} seri terpotong`, reason: (d) => `aturan kehabisan langkah perluasan setelah ${d} kejadian` },
  series_cap: { count: (n) => `${n} seri dipotong`, reason: (d) => `seri mencapai batasnya (${d} kejadian atau pengulangan aturan)` },
  duplicate_uid: { count: (n) => `${n} acara disimpan terpisah`, reason: () => 'acara lain memiliki UID yang sama' },
  superseded: { count: (n) => `${n} versi lama dibuang`, reason: (d) => `baris ${d} adalah versi yang lebih baru dari acara yang sama` },
  out_of_range: { count: (n) => `${n} acara dilewati`, reason: (d) => `tanggal ${d} melewati tahun 275760` },
  end_clamped: { count: (n) => `${n} acara dipersingkat`, reason: (d) => `akhir ${d} jauh di masa depan; dipotong di akhir periode impor` },
  rule_ignored: {
    count: (n) => `${n} aturan pengulangan diabaikan`,
    reason: (d) => (d === 'empty' ? 'RRULE tidak memiliki nilai' : `RRULE tidak dapat dibaca (${d}); acara disimpan sekali`),
  },
  zone_fallback: { count: (n) => `${n} zona waktu tidak dikenal`, reason: (d) => `zona waktu "${d}" tidak dikenal; waktunya dibaca dalam zona kalender` },
  zone_offset: { count: (n) => `${n} zona waktu dibaca dari selisihnya`, reason: (d) => `zona waktu "${d}" dibaca pada selisih UTC-nya, tanpa waktu musim panas` },
  property_skipped: { count: (n) => `${n} nilai dilewati`, reason: (d) => `${d} tidak dapat dibaca` },
  event_skipped: { count: (n) => `${n} acara dilewati`, reason: (d) => `acara tidak dapat dibaca (${d})` },
  rule_repaired: { count: (n) => `${n} aturan pengulangan diperbaiki`, reason: (d) => `RRULE dibaca setelah diperbaiki: ${d}` },
  line_malformed: { count: (n) => `${n} baris dilewati`, reason: (d) => `"${d}" bukan baris kalender` },
  line_misplaced: { count: (n) => `${n} baris salah tempat`, reason: (d) => `"${d}" berada di luar kalender atau tidak menutup apa pun` },
  structure_repaired: { count: (n) => `${n} komponen ditutup`, reason: (d) => `BEGIN:${d} tidak pernah ditutup; berakhir di akhir induknya` },
  unknown: { count: (n) => `${n} masalah`, reason: (d) => d },
};

const BOOKS: Record<IcsWarningLocale, Phrasebook> = { en, id };

function phrasesOf(code: string, locale: IcsWarningLocale): CodePhrases {
  const book = BOOKS[locale];
  return (ICS_WARNING_CODES as readonly string[]).includes(code) ? book[code as IcsWarningCode] : book.unknown;
}

/** One warning as a sentence naming its line, e.g. "line 120: RRULE has no value". */
export function phraseIcsWarning(warning: IcsWarningFacts, locale: IcsWarningLocale = 'en'): string {
  const reason = phrasesOf(warning.code, locale).reason(warning.detail ?? '');
  return `${BOOKS[locale].line} ${lineNumber(warning.line, locale)}: ${reason}`;
}

/** Line numbers are read against an editor's: digits only, no grouping ("line 1798"). */
const lineNumber = (line: number, locale: IcsWarningLocale): string => new Intl.NumberFormat(locale, { useGrouping: false }).format(line);

/** At most this many lines are named per code in a summary. */
const LINES_PER_SUMMARY = 3;

/**
 * One sentence per code, e.g. "2 repeat rules ignored: line 120, RRULE has no value" — the count
 * includes warnings past the listed ones; the first listed warning of the code gives the reason.
 */
export function summariseIcsWarnings(
  counts: Partial<Record<string, number>>,
  items: readonly IcsWarningFacts[],
  locale: IcsWarningLocale = 'en',
): string[] {
  const number = new Intl.NumberFormat(locale);
  const out: string[] = [];
  for (const [code, count] of Object.entries(counts)) {
    if (!count) continue;
    const phrases = phrasesOf(code, locale);
    const listed = items.filter((w) => w.code === code);
    const head = phrases.count(number.format(count), count === 1);
    const first = listed[0];
    if (!first) {
      out.push(head);
      continue;
    }
    const lines = listed.slice(0, LINES_PER_SUMMARY).map((w) => lineNumber(w.line, locale));
    const more = listed.length > LINES_PER_SUMMARY || count > listed.length ? ', …' : '';
    out.push(`${head}: ${BOOKS[locale].line} ${lines.join(', ')}${more}, ${phrases.reason(first.detail ?? '')}`);
  }
  return out;
}
