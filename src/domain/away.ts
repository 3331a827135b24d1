/**
 * Out-of-office awareness: which stretches of a member's calendar say they are away (on leave,
 * on holiday, out of office). The audit and the focus planner take that time out of working
 * time, so a week of leave is neither "free for focus" nor "working time without meetings", and
 * a partial day loses only the away interval.
 *
 * An event is an away block when
 *  - the provider marks it so (`CalendarEvent.away`: Google `eventType: outOfOffice`, Graph
 *    `showAs: oof`, Outlook's ICS `X-MICROSOFT-CDO-BUSYSTATUS:OOF`), whatever its length; or
 *  - it is all-day or lasts at least a day (`AWAY_MIN_TIMED_MS`) and its title says leave in
 *    English or Indonesian (`AWAY_TERMS`, matched as whole words: "OOO", "Out of office",
 *    "Vacation", "Holiday", "Annual leave", "Cuti", "Libur", ...), unless it also names
 *    something that is not leave ("Holiday party", "Rencana cuti": `NOT_AWAY_TERMS`).
 *    Short timed events are never judged by title: "Vacation planning, 30 min" is a meeting.
 * Whose absence it is: the member's own blocks, and blocks nobody was invited to (a holiday
 * calendar's days). An invitation someone else sent ("Ayu OOO" to the whole team) says the
 * organizer is away, not the member; it is no meeting either, so it is simply not busy time.
 */
import { normalize } from './intervals';
import { wordsOf } from './lexicons';
import type { CalendarEvent, Interval } from './types';

/** A timed block at least this long (ms) is judged by its title like an all-day one: a day. */
export const AWAY_MIN_TIMED_MS = 86_400_000;

/**
 * Titles meaning the member is away, per language, written naturally. Matching lower-cases,
 * drops accents and splits on anything but letters and digits ("Out-of-office" = "out of
 * office"), and a phrase must appear as consecutive whole words.
 */
export const AWAY_TERMS: Readonly<Record<'en' | 'id', readonly string[]>> = Object.freeze({
  en: ['OOO', 'OOTO', 'out of office', 'out of the office', 'vacation', 'holiday', 'holidays', 'annual leave', 'leave', 'PTO', 'day off', 'days off', 'time off', 'sick'],
  // Cuti = leave, libur(an) = holiday, izin = excused absence, sakit = sick, di luar kantor = out of office.
  id: ['cuti', 'libur', 'liburan', 'izin', 'sakit', 'di luar kantor', 'tidak di kantor'],
});

/** Words that make an away-sounding all-day title about something else: a party, a plan, a schedule. */
export const NOT_AWAY_TERMS: Readonly<Record<'en' | 'id', readonly string[]>> = Object.freeze({
  en: ['party', 'planning', 'plan', 'schedule', 'request', 'policy', 'deadline'],
  id: ['pesta', 'rencana', 'jadwal', 'pengajuan', 'kebijakan'],
});

const compile = (terms: Readonly<Record<string, readonly string[]>>): string[][] =>
  Object.values(terms).flatMap((list) => list.map((term) => wordsOf(term)));

const AWAY_PHRASES = compile(AWAY_TERMS);
const NOT_AWAY_PHRASES = compile(NOT_AWAY_TERMS);

function containsPhrase(words: readonly string[], phrase: readonly string[]): boolean {
  for (let i = 0; i + phrase.length <= words.length; i++) {
    let k = 0;
    while (k < phrase.length && words[i + k] === phrase[k]) k++;
    if (k === phrase.length) return true;
  }
  return false;
}

/** Whether a title says its owner is away (see `AWAY_TERMS` and `NOT_AWAY_TERMS`). */
export function isAwayTitle(title: string): boolean {
  const words = wordsOf(title);
  if (words.length === 0) return false;
  if (!AWAY_PHRASES.some((phrase) => containsPhrase(words, phrase))) return false;
  return !NOT_AWAY_PHRASES.some((phrase) => containsPhrase(words, phrase));
}

/**
 * Whether an event is an away block for whoever's calendar holds it: provider-marked away, or
 * an all-day or day-long block titled as leave (module comment). Cancelled events are not.
 * Away blocks are never meetings and never busy time; `awayIntervals` says whose absence they are.
 */
export function isAwayBlock(event: CalendarEvent): boolean {
  if (event.status === 'cancelled' || event.end <= event.start) return false;
  if (event.away === true) return true;
  if (!event.allDay && event.end - event.start < AWAY_MIN_TIMED_MS) return false;
  return isAwayTitle(event.title);
}

/** An invitation from someone else: it names another organizer and invites at least one person. */
function invitedBySomeoneElse(event: CalendarEvent, email: string): boolean {
  if (event.organizer === null || event.organizer === '' || event.organizer === email) return false;
  return event.attendees.some((attendee) => !attendee.resource);
}

/**
 * The time a member is away, as sorted disjoint UTC intervals (ms): the union of their away
 * blocks, leaving out blocks someone else invited them to (that person is away, not them).
 * `email` is the member's lower-cased address. All-day blocks span the local dates the provider
 * gave them (midnight to midnight in the calendar's zone).
 */
export function awayIntervals(events: readonly CalendarEvent[], email: string): Interval[] {
  const out: Interval[] = [];
  for (const event of events) {
    if (!isAwayBlock(event) || invitedBySomeoneElse(event, email)) continue;
    out.push({ start: event.start, end: event.end });
  }
  return normalize(out);
}
